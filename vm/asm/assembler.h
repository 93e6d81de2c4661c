#pragma once
// The Folio VM assembler: text -> validated bytecode (docs/vm.md "Assembler").
//
//   ; comment (also #)            .const NAME EXPR
//   label:  (emits a JUMPDEST)    .macro NAME p1 p2 ... / body using $p1 and $$ (unique id) / .endm
//   push EXPR   (smallest PUSHn)  push0|push1|push2|push4|push8 EXPR, dup N, swap N
//   jump L | jumpi L | callsub L  any other mnemonic of vm/opcodes.h (case-insensitive)
//   EXPR: term (+|- term)*, term = [-]decimal | 0xhex | 'chars' (1..8 bytes, little-endian) |
//         CONST | @label (its offset; push of it is always PUSH2) | sel("sig(int,address)")
// Constants must be defined before use; labels may be used before their definition.
// Pure; thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

#include <node/core/bytes.h>
#include <node/core/result.h>

namespace folio::vm {

struct AsmError {
    size_t line = 0;  // 1-based source line (of the macro invocation for errors inside a macro)
    std::string message;
    // "line 12: unknown instruction 'pusj'"
    std::string ToString() const { return "line " + std::to_string(line) + ": " + message; }
};

// Assembles `source` into bytecode (version byte first) that passes vm::Validate.
Result<Bytes, AsmError> Assemble(std::string_view source);

}  // namespace folio::vm
