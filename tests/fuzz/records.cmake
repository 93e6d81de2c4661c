folio_fuzz_target(records LIBS folio_state)
