// vm_bench: instructions per second of the Folio VM interpreter on a compute-heavy contract (a
// tight arithmetic loop: stack shuffles, checked add/sub, bitwise and, conditional jump). Prints one
// JSON line. Build in Release for meaningful numbers: ninja -C build-release vm_bench.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <vm/asm/assembler.h>
#include <vm/code.h>
#include <vm/memory_host.h>
#include <vm/vm.h>

namespace {

// 11 instructions per iteration; 2 before the loop and 5 after it.
constexpr const char* SOURCE = R"(
    push0                 ; acc
    push ITER             ; i
loop:
    swap 1                ; i acc
    dup 2                 ; i acc i
    add                   ; i acc+i
    push 0xffff
    and                   ; keep acc small
    swap 1                ; acc i
    push 1
    sub                   ; acc i-1
    dup 1
    jumpi loop
    pop                   ; acc
    push0
    swap 1
    mstore                ; memory[0..8) = acc
    stop
)";
constexpr int64_t PER_ITER = 11;
constexpr int64_t FIXED = 2 + 5;

}  // namespace

int main(int argc, char** argv) {
    int64_t iterations = argc > 1 ? std::atoll(argv[1]) : 20'000'000;
    std::string src = ".const ITER " + std::to_string(iterations) + "\n" + SOURCE;
    auto bytes = folio::vm::Assemble(src);
    if (!bytes) {
        std::fprintf(stderr, "assemble: %s\n", bytes.error().ToString().c_str());
        return 1;
    }
    auto code = folio::vm::Validate(*bytes);
    if (!code) {
        std::fprintf(stderr, "validate: %s\n", code.error().message.c_str());
        return 1;
    }
    folio::vm::MemoryHost host;
    folio::vm::Vm vm;
    folio::vm::Message msg;
    msg.gas = INT64_MAX;
    auto start = std::chrono::steady_clock::now();
    folio::vm::ExecResult r = vm.ExecuteCode(host, **code, msg);
    auto end = std::chrono::steady_clock::now();
    if (!r.ok()) {
        std::fprintf(stderr, "execution failed: %s\n", folio::vm::ExecStatusName(r.status));
        return 1;
    }
    double seconds = std::chrono::duration<double>(end - start).count();
    int64_t instructions = iterations * PER_ITER + FIXED;
    std::printf(
        "{\"bench\":\"vm_interpreter\",\"contract\":\"arith_loop\",\"instructions\":%lld,\"gas_used\":%lld,"
        "\"seconds\":%.6f,\"instructions_per_second\":%.0f}\n",
        static_cast<long long>(instructions), static_cast<long long>(r.gas_used), seconds,
        static_cast<double>(instructions) / seconds);
    return 0;
}
