#pragma once
// Contract bytecode: deployment-time validation and the validated form the interpreter runs.
// Format (docs/vm.md): byte 0 is the format version (CODE_VERSION), then instructions from
// offset 1. Jump targets are absolute byte offsets into the whole code.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/result.h>

namespace folio::vm {

inline constexpr uint8_t CODE_VERSION = 0x01;
// Jump immediates are u16, so code is at most 65535 bytes.
inline constexpr size_t MAX_CODE_SIZE = 65535;

enum class ValidateError : uint8_t {
    EMPTY,              // no bytes, or only the version byte
    BAD_VERSION,        // byte 0 is not CODE_VERSION
    TOO_LARGE,          // more than MAX_CODE_SIZE bytes
    UNDEFINED_OPCODE,   // a byte that is no opcode where an instruction starts
    TRUNCATED_IMMEDIATE,// an immediate runs past the end of the code
    BAD_JUMP_TARGET,    // a JUMP/JUMPI/CALLSUB immediate that is not the offset of a JUMPDEST
    BAD_IMMEDIATE,      // DUP/SWAP with n = 0
    FALLS_OFF_END,      // the last instruction can fall through past the end of the code
};
// Stable lower-case name ("bad_jump_target").
const char* ValidateErrorName(ValidateError e);

// Why validation failed, and where (byte offset of the offending instruction).
struct ValidateFailure {
    ValidateError error = ValidateError::EMPTY;
    uint32_t offset = 0;
    // "bad_jump_target at 12: JUMP to 40, not a JUMPDEST"
    std::string message;
};

// Code that passed Validate(); immutable; safe to share between threads and VM instances.
class Code {
public:
    const Bytes& bytes() const { return m_bytes; }
    // Domain-separated hash of the bytes: TaggedHash("folio/vm/code", bytes). Contracts' code is
    // stored and referenced by it.
    const Hash256& hash() const { return m_hash; }
    // True iff `offset` is the start of a JUMPDEST instruction.
    bool IsJumpDest(int64_t offset) const {
        return offset >= 0 && static_cast<uint64_t>(offset) < m_jumpdest.size() &&
               m_jumpdest[static_cast<size_t>(offset)] != 0;
    }

private:
    friend Result<std::shared_ptr<const Code>, ValidateFailure> Validate(ByteView code);
    Code() = default;
    Bytes m_bytes;
    Hash256 m_hash;
    std::vector<uint8_t> m_jumpdest;  // 1 at offsets that start a JUMPDEST
};

using CodePtr = std::shared_ptr<const Code>;

// Validates bytecode for deployment: version, size, every instruction a defined opcode with its
// full immediate, static jump targets on JUMPDESTs, DUP/SWAP n >= 1, and the last instruction a
// terminator (so execution can never run past the end). Deterministic; thread-safe.
Result<CodePtr, ValidateFailure> Validate(ByteView code);

// TaggedHash("folio/vm/code", code): the content address of contract code.
Hash256 CodeHash(ByteView code);

}  // namespace folio::vm
