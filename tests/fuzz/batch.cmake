folio_fuzz_target(batch LIBS folio_protocol)
