// Fuzz target: contract execution. Input = n (1 byte) || calldata (n bytes) || code body. The body
// gets the version byte in front and a STOP behind; if it validates, it runs twice, on two fresh
// MemoryHosts and two Vm objects, with a gas cap. Must never crash or hang (gas bounds the work),
// and both runs must agree on status, gas, output, state and events.
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>

#include <vm/code.h>
#include <vm/opcodes.h>
#include <vm/memory_host.h>
#include <vm/vm.h>

namespace {

folio::Address Addr(uint8_t n) {
    folio::Address a;
    a.data.fill(n);
    return a;
}

struct Outcome {
    folio::vm::ExecResult result;
    std::string state;
};

Outcome RunOnce(const folio::vm::CodePtr& code, folio::ByteView input) {
    using namespace folio::vm;
    MemoryHost host;
    host.SetBlock(BlockInfo{42, 1'700'000'000'000});
    folio::Hash256 h = host.InstallCode(code);
    // The contract itself (so CALL to self meets the re-entrancy rule) and a second instance.
    (void)host.CreateContract(Addr(0x11), h);
    (void)host.CreateContract(Addr(0x22), h);
    host.SetBalance(Addr(0x11), PackCurrency('U', 'S', 'D'), 1000);
    host.SetBalance(Addr(0x01), PackCurrency('U', 'S', 'D'), 1000);
    host.SetNftOwner(1, Addr(0x11));
    Vm vm;
    ExecResult r = vm.Execute(host, Message{Addr(0x01), Addr(0x11), Addr(0x01), input, 200'000});
    return Outcome{std::move(r), host.Dump()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    size_t n = std::min<size_t>(data[0], size - 1);
    folio::ByteView input(data + 1, n);
    folio::Bytes code_bytes{folio::vm::CODE_VERSION};
    code_bytes.insert(code_bytes.end(), data + 1 + n, data + size);
    code_bytes.push_back(static_cast<uint8_t>(folio::vm::Op::STOP));
    auto code = folio::vm::Validate(code_bytes);
    if (!code) return 0;
    Outcome a = RunOnce(*code, input);
    Outcome b = RunOnce(*code, input);
    if (a.result.status != b.result.status || a.result.gas_used != b.result.gas_used ||
        a.result.output != b.result.output || a.state != b.state)
        std::abort();
    if (a.result.gas_used < 0 || a.result.gas_used > 200'000) std::abort();
    if (a.result.status != folio::vm::ExecStatus::OK && a.result.status != folio::vm::ExecStatus::REVERTED &&
        !a.result.output.empty())
        std::abort();
    return 0;
}
