folio_fuzz_target(certificate LIBS folio_types)
