folio_fuzz_target(smt_proof LIBS folio_core)
