folio_fuzz_target(vm_validate LIBS folio_vm)
