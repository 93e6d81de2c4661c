#pragma once
// The one opcode list of the Folio VM. The interpreter's stack/gas checks, the deployment
// validator, the assembler's mnemonics and the table in docs/vm.md are all driven by it
// (a unit test checks that docs/vm.md lists every row).
//
// X(NAME, byte, immediate bytes, pops, pushes, base gas, flags, "stack effect and meaning")
// Operands are written in push order: for "a b -> c", b is the top of the stack.
// Flags: TERM = the instruction never falls through to the next one (ends a basic block).
// DUP and SWAP take a one-byte immediate n and need n (DUP) or n+1 (SWAP) items; the table lists
// their minimum (1 and 2). Dynamic gas (memory growth, bytes copied or hashed, host data) is
// added on top of the base gas and documented in docs/vm.md.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace folio::vm {

inline constexpr uint8_t OP_FLAG_NONE = 0;
inline constexpr uint8_t OP_FLAG_TERM = 1;

// clang-format off
#define FOLIO_VM_OPCODES(X) \
  X(STOP,           0x00, 0, 0, 0,   0, OP_FLAG_TERM, "-> ; halt OK with empty return data") \
  X(JUMPDEST,       0x01, 0, 0, 0,   1, OP_FLAG_NONE, "-> ; marks a jump target, no effect") \
  X(JUMP,           0x02, 2, 0, 0,   2, OP_FLAG_TERM, "-> ; jump to the u16 immediate (a JUMPDEST, checked at deployment)") \
  X(JUMPI,          0x03, 2, 1, 0,   2, OP_FLAG_NONE, "c -> ; jump to the u16 immediate if c != 0") \
  X(DJUMP,          0x04, 0, 1, 0,   3, OP_FLAG_TERM, "t -> ; jump to t, which must be a JUMPDEST (checked at run time: BAD_JUMP)") \
  X(CALLSUB,        0x05, 2, 0, 0,   2, OP_FLAG_NONE, "-> ; push the next pc on the return stack, jump to the u16 immediate") \
  X(RETSUB,         0x06, 0, 0, 0,   2, OP_FLAG_TERM, "-> ; pop the return stack and continue there") \
  X(RETURN,         0x07, 0, 2, 0,   1, OP_FLAG_TERM, "off len -> ; halt OK returning memory[off, off+len)") \
  X(REVERT,         0x08, 0, 2, 0,   1, OP_FLAG_TERM, "off len -> ; halt REVERTED returning memory[off, off+len); state changes undone") \
  X(PUSH0,          0x10, 0, 0, 1,   1, OP_FLAG_NONE, "-> 0") \
  X(PUSH1,          0x11, 1, 0, 1,   1, OP_FLAG_NONE, "-> v ; v = u8 immediate, zero-extended") \
  X(PUSH2,          0x12, 2, 0, 1,   1, OP_FLAG_NONE, "-> v ; v = u16 LE immediate, zero-extended") \
  X(PUSH4,          0x13, 4, 0, 1,   1, OP_FLAG_NONE, "-> v ; v = u32 LE immediate, zero-extended") \
  X(PUSH8,          0x14, 8, 0, 1,   1, OP_FLAG_NONE, "-> v ; v = i64 LE immediate") \
  X(POP,            0x15, 0, 1, 0,   1, OP_FLAG_NONE, "a -> ") \
  X(DUP,            0x16, 1, 1, 2,   1, OP_FLAG_NONE, "x_n .. x_1 -> x_n .. x_1 x_n ; n = u8 immediate, 1..255") \
  X(SWAP,           0x17, 1, 2, 2,   1, OP_FLAG_NONE, "x_n+1 .. x_1 -> x_1 .. x_n+1 ; exchange top and the item n below it, n = u8 immediate, 1..255") \
  X(ADD,            0x20, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a+b ; OVERFLOW traps") \
  X(SUB,            0x21, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a-b ; OVERFLOW traps") \
  X(MUL,            0x22, 0, 2, 1,   2, OP_FLAG_NONE, "a b -> a*b ; OVERFLOW traps") \
  X(DIV,            0x23, 0, 2, 1,   3, OP_FLAG_NONE, "a b -> a/b truncated toward zero ; b = 0: DIV_BY_ZERO, MIN/-1: OVERFLOW") \
  X(MOD,            0x24, 0, 2, 1,   3, OP_FLAG_NONE, "a b -> a%b with the sign of a ; b = 0: DIV_BY_ZERO") \
  X(NEG,            0x25, 0, 1, 1,   1, OP_FLAG_NONE, "a -> -a ; OVERFLOW traps") \
  X(MULDIV,         0x26, 0, 3, 1,   5, OP_FLAG_NONE, "a b c -> floor(a*b/c) with a 128-bit product ; c = 0: DIV_BY_ZERO, c < 0: BAD_OPERAND, result outside i64: OVERFLOW") \
  X(MULMOD,         0x27, 0, 3, 1,   5, OP_FLAG_NONE, "a b c -> a*b - c*floor(a*b/c), in [0, c) ; c = 0: DIV_BY_ZERO, c < 0: BAD_OPERAND") \
  X(MIN,            0x28, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> min(a, b)") \
  X(MAX,            0x29, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> max(a, b)") \
  X(EQ,             0x30, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a == b ? 1 : 0") \
  X(NE,             0x31, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a != b ? 1 : 0") \
  X(LT,             0x32, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a < b ? 1 : 0 (signed)") \
  X(GT,             0x33, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a > b ? 1 : 0 (signed)") \
  X(LE,             0x34, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a <= b ? 1 : 0 (signed)") \
  X(GE,             0x35, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a >= b ? 1 : 0 (signed)") \
  X(ISZERO,         0x36, 0, 1, 1,   1, OP_FLAG_NONE, "a -> a == 0 ? 1 : 0") \
  X(AND,            0x38, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a & b") \
  X(OR,             0x39, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> bitwise a OR b") \
  X(XOR,            0x3a, 0, 2, 1,   1, OP_FLAG_NONE, "a b -> a ^ b") \
  X(NOT,            0x3b, 0, 1, 1,   1, OP_FLAG_NONE, "a -> ~a") \
  X(SHL,            0x3c, 0, 2, 1,   1, OP_FLAG_NONE, "a s -> a << s (bits shifted out are lost) ; s outside 0..63: BAD_OPERAND") \
  X(SHR,            0x3d, 0, 2, 1,   1, OP_FLAG_NONE, "a s -> a >> s, logical ; s outside 0..63: BAD_OPERAND") \
  X(SAR,            0x3e, 0, 2, 1,   1, OP_FLAG_NONE, "a s -> a >> s, arithmetic ; s outside 0..63: BAD_OPERAND") \
  X(MLOAD,          0x40, 0, 1, 1,   2, OP_FLAG_NONE, "off -> i64 LE at memory[off, off+8)") \
  X(MSTORE,         0x41, 0, 2, 0,   2, OP_FLAG_NONE, "off v -> ; memory[off, off+8) = v as i64 LE") \
  X(MLOAD8,         0x42, 0, 1, 1,   2, OP_FLAG_NONE, "off -> memory[off] zero-extended") \
  X(MSTORE8,        0x43, 0, 2, 0,   2, OP_FLAG_NONE, "off v -> ; memory[off] = v & 0xff") \
  X(MSIZE,          0x44, 0, 0, 1,   1, OP_FLAG_NONE, "-> current memory size in bytes (a multiple of 32)") \
  X(MCOPY,          0x45, 0, 3, 0,   3, OP_FLAG_NONE, "dst src len -> ; memmove within memory") \
  X(MEQ,            0x46, 0, 3, 1,   3, OP_FLAG_NONE, "a b len -> 1 if memory[a, a+len) == memory[b, b+len) else 0") \
  X(SHA256,         0x47, 0, 3, 0,  30, OP_FLAG_NONE, "dst off len -> ; memory[dst, dst+32) = SHA-256(memory[off, off+len))") \
  X(SELECTOR,       0x50, 0, 0, 1,   1, OP_FLAG_NONE, "-> u32 LE of input[0, 4), or -1 if the input is shorter") \
  X(CALLDATASIZE,   0x51, 0, 0, 1,   1, OP_FLAG_NONE, "-> input length") \
  X(CALLDATALOAD,   0x52, 0, 1, 1,   2, OP_FLAG_NONE, "off -> i64 LE at input[off, off+8) ; out of range: BAD_INPUT") \
  X(CALLDATACOPY,   0x53, 0, 3, 0,   3, OP_FLAG_NONE, "dst off len -> ; memory[dst..] = input[off, off+len) ; out of range: BAD_INPUT") \
  X(RETURNDATASIZE, 0x54, 0, 0, 1,   1, OP_FLAG_NONE, "-> length of the last CALL's return data") \
  X(RETURNDATACOPY, 0x55, 0, 3, 0,   3, OP_FLAG_NONE, "dst off len -> ; memory[dst..] = returndata[off, off+len) ; out of range: BAD_INPUT") \
  X(CALLER,         0x60, 0, 1, 0,   2, OP_FLAG_NONE, "dst -> ; memory[dst, dst+32) = the caller's address") \
  X(ADDRESS,        0x61, 0, 1, 0,   2, OP_FLAG_NONE, "dst -> ; memory[dst, dst+32) = this contract's address") \
  X(ORIGIN,         0x62, 0, 1, 0,   2, OP_FLAG_NONE, "dst -> ; memory[dst, dst+32) = the transaction signer's address") \
  X(HEIGHT,         0x63, 0, 0, 1,   1, OP_FLAG_NONE, "-> block height") \
  X(TIME,           0x64, 0, 0, 1,   1, OP_FLAG_NONE, "-> block time (unix ms, from the block header)") \
  X(GAS,            0x65, 0, 0, 1,   1, OP_FLAG_NONE, "-> gas left after this instruction") \
  X(SLOAD,          0x70, 0, 4, 1, 100, OP_FLAG_NONE, "koff klen dst cap -> len ; copies min(len, cap) bytes of the value to memory[dst..]; -1 if absent") \
  X(SSTORE,         0x71, 0, 4, 0, 200, OP_FLAG_NONE, "koff klen voff vlen -> ; store the value (vlen = 0 deletes the key)") \
  X(SLOADI,         0x72, 0, 2, 1, 100, OP_FLAG_NONE, "koff klen -> v ; the 8-byte LE value, 0 if absent ; other length: BAD_OPERAND") \
  X(SSTOREI,        0x73, 0, 3, 0, 200, OP_FLAG_NONE, "koff klen v -> ; store v as 8 bytes LE") \
  X(BALANCE,        0x74, 0, 2, 1,  50, OP_FLAG_NONE, "aoff cur -> balance of the account memory[aoff, aoff+32) in currency cur") \
  X(TRANSFER,       0x75, 0, 4, 0, 300, OP_FLAG_NONE, "from_off to_off cur amount -> ; host moves funds or refuses: HOST_REFUSED") \
  X(EMIT,           0x76, 0, 4, 0, 100, OP_FLAG_NONE, "toff tlen doff dlen -> ; event with topic memory[toff..] (<= 32 bytes) and data") \
  X(HOSTCALL,       0x77, 0, 5, 1, 300, OP_FLAG_NONE, "fn ioff ilen ooff ocap -> olen ; licences, NFTs (vm/host.h HostFn); -1 if not found; refusal: HOST_REFUSED") \
  X(CALL,           0x78, 0, 4, 1, 500, OP_FLAG_NONE, "aoff ioff ilen gas -> status ; call contract memory[aoff, aoff+32); status 0 = OK") \
  X(INVALID,        0xff, 0, 0, 0,   0, OP_FLAG_TERM, "-> ; always traps with INVALID_OPCODE")
// clang-format on

// Opcode bytes, named as in the list above.
enum class Op : uint8_t {
#define FOLIO_VM_X(name, code, imm, pops, pushes, gas, flags, doc) name = code,
    FOLIO_VM_OPCODES(FOLIO_VM_X)
#undef FOLIO_VM_X
};

// Static facts about one opcode byte. `defined` is false for unassigned bytes.
struct OpInfo {
    std::string_view name;
    std::string_view doc;
    uint8_t imm = 0;
    uint8_t pops = 0;
    uint8_t pushes = 0;
    uint8_t flags = 0;
    int16_t gas = 0;
    bool defined = false;
};

namespace detail {
constexpr std::array<OpInfo, 256> MakeOpTable() {
    std::array<OpInfo, 256> t{};
#define FOLIO_VM_X(name, code, imm, pops, pushes, gas, flags, doc) \
    t[code] = OpInfo{#name, doc, imm, pops, pushes, flags, gas, true};
    FOLIO_VM_OPCODES(FOLIO_VM_X)
#undef FOLIO_VM_X
    return t;
}
}  // namespace detail

// The table indexed by opcode byte. Thread-safe (constant).
inline constexpr std::array<OpInfo, 256> OP_TABLE = detail::MakeOpTable();

// Number of defined opcodes.
inline constexpr size_t OPCODE_COUNT = [] {
    size_t n = 0;
    for (const auto& i : OP_TABLE) n += i.defined ? 1 : 0;
    return n;
}();

// Looks an upper-case mnemonic up ("ADD"); nullopt if unknown.
inline std::optional<Op> FindOp(std::string_view name) {
    for (size_t i = 0; i < OP_TABLE.size(); ++i)
        if (OP_TABLE[i].defined && OP_TABLE[i].name == name) return static_cast<Op>(i);
    return std::nullopt;
}

}  // namespace folio::vm
