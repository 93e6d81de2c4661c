folio_fuzz_target(tx LIBS folio_state)
