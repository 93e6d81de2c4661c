folio_fuzz_target(jsonrpc LIBS folio_rpc)
