// Fuzz target: contract bytecode validation (the deployment-time decoder). Must never crash; code
// it accepts must re-validate identically, hash to CodeHash, and its JUMPDEST map must mark only
// JUMPDEST opcode bytes.
#include <cstdint>
#include <cstdlib>

#include <vm/code.h>
#include <vm/opcodes.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    folio::ByteView in(data, size);
    auto r = folio::vm::Validate(in);
    if (!r) {
        if (r.error().message.empty()) std::abort();
        return 0;
    }
    const folio::vm::Code& code = **r;
    if (code.bytes().size() != size || code.hash() != folio::vm::CodeHash(in)) std::abort();
    for (size_t i = 0; i < size; ++i)
        if (code.IsJumpDest(static_cast<int64_t>(i)) && data[i] != static_cast<uint8_t>(folio::vm::Op::JUMPDEST))
            std::abort();
    auto again = folio::vm::Validate(code.bytes());
    if (!again || (*again)->hash() != code.hash()) std::abort();
    return 0;
}
