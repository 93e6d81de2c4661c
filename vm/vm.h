#pragma once
// The Folio VM interpreter: int64 words, checked arithmetic, a bounded byte memory, gas per
// instruction, bounded stack / memory / call depth, and full revert of a failed call's state
// changes through the Host's journal. Nothing in here reads a clock, a random source, a file or
// the address of an object: the same code, input, gas and host state give the same result.
#include <cstdint>
#include <memory>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/keys.h>
#include <vm/code.h>
#include <vm/host.h>

namespace folio::vm {

// Bounds (consensus rules: changing one is a protocol change).
inline constexpr size_t MAX_STACK = 1024;          // words on the operand stack per call
inline constexpr size_t MAX_RETURN_STACK = 256;    // CALLSUB nesting per call
inline constexpr size_t MAX_MEMORY = 1u << 20;     // bytes of memory per call
inline constexpr uint32_t MAX_CALL_DEPTH = 32;     // nested CALLs below the transaction's call
inline constexpr size_t MAX_KEY_SIZE = 128;        // storage key bytes
inline constexpr size_t MAX_VALUE_SIZE = 16384;    // storage value bytes
inline constexpr size_t MAX_TOPIC_SIZE = 32;       // event topic bytes
inline constexpr size_t MAX_EVENT_DATA = 4096;     // event data bytes
inline constexpr size_t MAX_HOST_IO = 16384;       // HOSTCALL argument / result bytes

// Dynamic gas, per 32-byte word (rounded up).
inline constexpr int64_t GAS_MEMORY_WORD = 2;   // memory growth
inline constexpr int64_t GAS_COPY_WORD = 1;     // MCOPY, MEQ, CALLDATACOPY, RETURNDATACOPY, RETURN/REVERT data
inline constexpr int64_t GAS_HASH_WORD = 6;     // SHA256 input
inline constexpr int64_t GAS_SLOAD_WORD = 3;    // key + value read
inline constexpr int64_t GAS_SSTORE_WORD = 10;  // key + value written
inline constexpr int64_t GAS_EMIT_WORD = 4;     // topic + data
inline constexpr int64_t GAS_HOST_WORD = 3;     // HOSTCALL args + result

// How an execution ended. OK and REVERTED are chosen by the contract; the rest are traps.
// Every status other than OK undoes all state changes of the call (and of its sub-calls).
// Traps consume all the gas given to the call; REVERTED keeps the unused gas.
enum class ExecStatus : uint8_t {
    OK = 0,
    REVERTED,         // REVERT instruction
    OUT_OF_GAS,
    STACK_UNDERFLOW,
    STACK_OVERFLOW,
    RETURN_STACK,     // CALLSUB deeper than MAX_RETURN_STACK, or RETSUB with an empty return stack
    CALL_DEPTH,       // CALL beyond MAX_CALL_DEPTH (refused; reported to the caller)
    DIV_BY_ZERO,
    OVERFLOW,         // checked arithmetic
    BAD_OPERAND,      // shift count, negative divisor of MULDIV, size limits, bad value length
    BAD_JUMP,         // DJUMP to an offset that is not a JUMPDEST
    INVALID_OPCODE,   // the INVALID instruction
    BAD_MEMORY,       // memory access outside [0, MAX_MEMORY) or with a negative length
    BAD_INPUT,        // input / return data read out of range
    HOST_REFUSED,     // the host refused a transfer or host call
    REENTRANCY,       // CALL to a contract already on the call stack (refused)
    NO_CONTRACT,      // CALL or Execute of an address with no contract
};
// Stable lower-case name ("out_of_gas").
const char* ExecStatusName(ExecStatus s);

// One call into a contract.
struct Message {
    Address caller;
    Address self;     // the contract to run
    Address origin;   // the transaction's signer
    ByteView input;   // selector || arguments (vm/abi.h); must stay valid during the call
    int64_t gas = 0;  // the per-call limit; must be >= 0
};

struct ExecResult {
    ExecStatus status = ExecStatus::OK;
    int64_t gas_used = 0;  // what the caller charges against its (block) limit
    Bytes output;          // return data (OK) or revert data (REVERTED); empty after a trap
    bool ok() const { return status == ExecStatus::OK; }
};

// The interpreter. Holds only reusable scratch buffers (no state carried between calls), so two
// Vm objects given the same host state and messages produce identical results. Not thread-safe
// per object; use one Vm per thread. noexcept: allocation failure terminates the process.
class Vm {
public:
    Vm();
    ~Vm();
    Vm(const Vm&) = delete;
    Vm& operator=(const Vm&) = delete;

    // Runs the contract instance at msg.self (NO_CONTRACT if the host has none). On any status
    // other than OK every state change made through `host` during the call is reverted.
    ExecResult Execute(Host& host, const Message& msg) noexcept;
    // Runs `code` as if it were the contract at msg.self (tests, deployment init calls).
    ExecResult ExecuteCode(Host& host, const Code& code, const Message& msg) noexcept;

private:
    ExecResult Call(Host& host, const Code& code, const CallContext& ctx, ByteView input, int64_t gas) noexcept;
    ExecResult Run(Host& host, const Code& code, const CallContext& ctx, ByteView input, int64_t gas) noexcept;

    std::unique_ptr<int64_t[]> m_stacks;    // MAX_STACK words per depth
    std::unique_ptr<uint16_t[]> m_rstacks;  // MAX_RETURN_STACK entries per depth
    std::vector<Bytes> m_memories;          // one per depth, capacity reused
    std::vector<Address> m_active;          // contracts on the call stack (re-entrancy rule)
};

}  // namespace folio::vm
