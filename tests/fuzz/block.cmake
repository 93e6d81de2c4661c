folio_fuzz_target(block LIBS folio_protocol)
