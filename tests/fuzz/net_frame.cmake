folio_fuzz_target(net_frame LIBS folio_net)
