folio_fuzz_target(address LIBS folio_core)
