folio_fuzz_target(vm_exec LIBS folio_vm)
