#pragma once
// Deployment model (docs/vm.md "Deployment"). Pure: state changes go through the Host.
//  1. Validate(code) (vm/code.h); a failure is a rejected deployment with its reason.
//  2. The executor stores the code by CodeHash(code) (content-addressed, shared by instances).
//  3. Instantiate: the instance address is ContractAddress(deployer, nonce); the host records
//     {code_hash} there (Host::CreateContract), then the VM runs the instantiation call with input
//     INIT_SELECTOR (u32 0) || params — params are ABI-encoded values chosen by the template; the
//     contract's init code keeps what it needs in its own storage. If that call fails, the
//     instance record is reverted too: nothing of the deployment remains.
#include <cstdint>

#include <node/core/hash.h>
#include <node/core/keys.h>
#include <vm/host.h>
#include <vm/vm.h>

namespace folio::vm {

// TaggedHash("folio/vm/contract", deployer || nonce u64 LE): the instance address.
Address ContractAddress(const Address& deployer, uint64_t nonce);

// Creates the instance at `contract` from stored code `code_hash` and runs its init call (caller =
// origin = deployer) with `gas`. On any failure no state change remains. NO_CONTRACT if the code
// is not stored, HOST_REFUSED if the address is taken (both with gas_used = 0).
ExecResult Instantiate(Vm& vm, Host& host, const Address& deployer, const Address& contract,
                       const Hash256& code_hash, ByteView params, int64_t gas) noexcept;

}  // namespace folio::vm
