#include <vm/deploy.h>

#include <vm/abi.h>

namespace folio::vm {

Address ContractAddress(const Address& deployer, uint64_t nonce) {
    Bytes pre(deployer.begin(), deployer.end());
    for (int i = 0; i < 8; ++i) pre.push_back(static_cast<uint8_t>(nonce >> (8 * i)));
    return TaggedHash("folio/vm/contract", pre);
}

ExecResult Instantiate(Vm& vm, Host& host, const Address& deployer, const Address& contract,
                       const Hash256& code_hash, ByteView params, int64_t gas) noexcept {
    uint64_t snap = host.Snapshot();
    HostStatus hs = host.CreateContract(contract, code_hash);
    if (hs != HostStatus::OK)
        return ExecResult{hs == HostStatus::NOT_FOUND ? ExecStatus::NO_CONTRACT : ExecStatus::HOST_REFUSED, 0, {}};
    Bytes input = EncodeCall(INIT_SELECTOR, {});
    input.insert(input.end(), params.begin(), params.end());
    ExecResult r = vm.Execute(host, Message{deployer, contract, deployer, input, gas});
    if (!r.ok()) host.Revert(snap);
    return r;
}

}  // namespace folio::vm
