#include <vm/vm.h>

#include <algorithm>
#include <cstring>

#include <node/core/amount.h>
#include <vm/opcodes.h>

namespace folio::vm {

const char* ExecStatusName(ExecStatus s) {
    switch (s) {
        case ExecStatus::OK: return "ok";
        case ExecStatus::REVERTED: return "reverted";
        case ExecStatus::OUT_OF_GAS: return "out_of_gas";
        case ExecStatus::STACK_UNDERFLOW: return "stack_underflow";
        case ExecStatus::STACK_OVERFLOW: return "stack_overflow";
        case ExecStatus::RETURN_STACK: return "return_stack";
        case ExecStatus::CALL_DEPTH: return "call_depth";
        case ExecStatus::DIV_BY_ZERO: return "div_by_zero";
        case ExecStatus::OVERFLOW: return "overflow";
        case ExecStatus::BAD_OPERAND: return "bad_operand";
        case ExecStatus::BAD_JUMP: return "bad_jump";
        case ExecStatus::INVALID_OPCODE: return "invalid_opcode";
        case ExecStatus::BAD_MEMORY: return "bad_memory";
        case ExecStatus::BAD_INPUT: return "bad_input";
        case ExecStatus::HOST_REFUSED: return "host_refused";
        case ExecStatus::REENTRANCY: return "reentrancy";
        case ExecStatus::NO_CONTRACT: return "no_contract";
    }
    return "unknown";
}

namespace {

// The per-opcode facts the dispatch loop checks before each instruction, packed small.
struct StepInfo {
    int64_t gas = 0;
    uint32_t min_stack = 0;  // items needed
    uint32_t max_stack = 0;  // largest stack size before the instruction that cannot overflow
};

constexpr std::array<StepInfo, 256> MakeStepTable() {
    std::array<StepInfo, 256> t{};
    for (size_t i = 0; i < 256; ++i) {
        const OpInfo& o = OP_TABLE[i];
        uint32_t growth = o.pushes > o.pops ? static_cast<uint32_t>(o.pushes - o.pops) : 0u;
        t[i] = StepInfo{o.gas, o.pops, static_cast<uint32_t>(MAX_STACK) - growth};
    }
    return t;
}
constexpr std::array<StepInfo, 256> STEP = MakeStepTable();

constexpr int64_t Words(int64_t len) { return (len + 31) / 32; }

inline int64_t LoadLe64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
    return static_cast<int64_t>(v);
}
inline void StoreLe64(uint8_t* p, int64_t x) {
    uint64_t v = static_cast<uint64_t>(x);
    for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint16_t LoadLe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
inline uint32_t LoadLe32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

Vm::Vm()
    : m_stacks(new int64_t[MAX_STACK * (MAX_CALL_DEPTH + 1)]),
      m_rstacks(new uint16_t[MAX_RETURN_STACK * (MAX_CALL_DEPTH + 1)]),
      m_memories(MAX_CALL_DEPTH + 1) {
    m_active.reserve(MAX_CALL_DEPTH + 1);
}

Vm::~Vm() = default;

ExecResult Vm::Execute(Host& host, const Message& msg) noexcept {
    CodePtr code = host.ContractCode(msg.self);
    if (!code) return ExecResult{ExecStatus::NO_CONTRACT, 0, {}};
    return ExecuteCode(host, *code, msg);
}

ExecResult Vm::ExecuteCode(Host& host, const Code& code, const Message& msg) noexcept {
    m_active.clear();
    CallContext ctx{msg.self, msg.caller, msg.origin, 0};
    return Call(host, code, ctx, msg.input, std::max<int64_t>(msg.gas, 0));
}

ExecResult Vm::Call(Host& host, const Code& code, const CallContext& ctx, ByteView input, int64_t gas) noexcept {
    uint64_t snap = host.Snapshot();
    m_active.push_back(ctx.self);
    ExecResult r = Run(host, code, ctx, input, gas);
    m_active.pop_back();
    if (r.status != ExecStatus::OK) host.Revert(snap);
    return r;
}

ExecResult Vm::Run(Host& host, const Code& code, const CallContext& ctx, ByteView input, int64_t gas_limit) noexcept {
    const uint8_t* const bytes = code.bytes().data();
    int64_t* const base = m_stacks.get() + static_cast<size_t>(ctx.depth) * MAX_STACK;
    int64_t* sp = base;  // one past the top item
    uint16_t* const rbase = m_rstacks.get() + static_cast<size_t>(ctx.depth) * MAX_RETURN_STACK;
    size_t rsp = 0;
    Bytes& mem = m_memories[ctx.depth];
    mem.clear();
    Bytes ret_data;  // the last CALL's return data
    int64_t gas = gas_limit;
    size_t pc = 1;
    ExecStatus st = ExecStatus::OK;
    ExecResult result;

    // Checks [off, off+len) against MAX_MEMORY, charges growth and grows memory (zero-filled).
    auto mem_ok = [&](int64_t off, int64_t len) -> bool {
        if (off < 0 || len < 0 || off > static_cast<int64_t>(MAX_MEMORY) ||
            len > static_cast<int64_t>(MAX_MEMORY) - off) {
            st = ExecStatus::BAD_MEMORY;
            return false;
        }
        if (len == 0) return true;
        int64_t end = off + len;
        int64_t size = static_cast<int64_t>(mem.size());
        if (end > size) {
            int64_t new_words = Words(end);
            gas -= (new_words - size / 32) * GAS_MEMORY_WORD;
            if (gas < 0) {
                st = ExecStatus::OUT_OF_GAS;
                return false;
            }
            mem.resize(static_cast<size_t>(new_words * 32), 0);
        }
        return true;
    };
    auto charge = [&](int64_t amount) -> bool {
        gas -= amount;
        if (gas < 0) {
            st = ExecStatus::OUT_OF_GAS;
            return false;
        }
        return true;
    };
    auto mp = [&](int64_t off) -> uint8_t* { return mem.data() + off; };
    // memory[off, off+len) after mem_ok(off, len); empty (no pointer arithmetic) when len == 0.
    auto view = [&](int64_t off, int64_t len) -> ByteView {
        return len == 0 ? ByteView() : ByteView(mem.data() + off, static_cast<size_t>(len));
    };
    auto read_addr = [&](int64_t off) -> Address {
        Address a;
        std::memcpy(a.data.data(), mem.data() + off, 32);
        return a;
    };
    auto host_ok = [&](HostStatus hs) -> bool {
        if (hs == HostStatus::OK) return true;
        st = ExecStatus::HOST_REFUSED;
        return false;
    };

#define TRAP(s)     \
    do {            \
        st = (s);   \
        goto trap;  \
    } while (0)
#define CHECK(cond) \
    do {            \
        if (!(cond)) goto trap; \
    } while (0)

    for (;;) {
        const uint8_t opb = bytes[pc];
        const StepInfo& si = STEP[opb];
        gas -= si.gas;
        if (gas < 0) TRAP(ExecStatus::OUT_OF_GAS);
        {
            const uint32_t n = static_cast<uint32_t>(sp - base);
            if (n - si.min_stack > si.max_stack - si.min_stack)
                TRAP(n < si.min_stack ? ExecStatus::STACK_UNDERFLOW : ExecStatus::STACK_OVERFLOW);
        }
        switch (static_cast<Op>(opb)) {
            case Op::STOP:
                goto done;
            case Op::JUMPDEST:
                ++pc;
                break;
            case Op::JUMP:
                pc = LoadLe16(bytes + pc + 1);
                break;
            case Op::JUMPI: {
                int64_t c = *--sp;
                pc = c != 0 ? LoadLe16(bytes + pc + 1) : pc + 3;
                break;
            }
            case Op::DJUMP: {
                int64_t t = *--sp;
                if (!code.IsJumpDest(t)) TRAP(ExecStatus::BAD_JUMP);
                pc = static_cast<size_t>(t);
                break;
            }
            case Op::CALLSUB:
                if (rsp == MAX_RETURN_STACK) TRAP(ExecStatus::RETURN_STACK);
                rbase[rsp++] = static_cast<uint16_t>(pc + 3);
                pc = LoadLe16(bytes + pc + 1);
                break;
            case Op::RETSUB:
                if (rsp == 0) TRAP(ExecStatus::RETURN_STACK);
                pc = rbase[--rsp];
                break;
            case Op::RETURN:
            case Op::REVERT: {
                int64_t len = *--sp;
                int64_t off = *--sp;
                CHECK(mem_ok(off, len));
                CHECK(charge(Words(len) * GAS_COPY_WORD));
                if (len > 0) result.output.assign(mem.begin() + off, mem.begin() + off + len);
                if (static_cast<Op>(opb) == Op::REVERT) {
                    result.status = ExecStatus::REVERTED;
                    result.gas_used = gas_limit - gas;
                    return result;
                }
                goto done;
            }
            case Op::PUSH0:
                *sp++ = 0;
                ++pc;
                break;
            case Op::PUSH1:
                *sp++ = bytes[pc + 1];
                pc += 2;
                break;
            case Op::PUSH2:
                *sp++ = LoadLe16(bytes + pc + 1);
                pc += 3;
                break;
            case Op::PUSH4:
                *sp++ = LoadLe32(bytes + pc + 1);
                pc += 5;
                break;
            case Op::PUSH8:
                *sp++ = LoadLe64(bytes + pc + 1);
                pc += 9;
                break;
            case Op::POP:
                --sp;
                ++pc;
                break;
            case Op::DUP: {
                uint8_t k = bytes[pc + 1];
                if (sp - base < k) TRAP(ExecStatus::STACK_UNDERFLOW);
                *sp = *(sp - k);
                ++sp;
                pc += 2;
                break;
            }
            case Op::SWAP: {
                uint8_t k = bytes[pc + 1];
                if (sp - base < k + 1) TRAP(ExecStatus::STACK_UNDERFLOW);
                std::swap(*(sp - 1), *(sp - 1 - k));
                pc += 2;
                break;
            }
#define BINOP(expr)              \
    {                            \
        int64_t b = *--sp;       \
        int64_t a = sp[-1];      \
        sp[-1] = (expr);         \
        ++pc;                    \
        break;                   \
    }
            case Op::ADD: {
                int64_t b = *--sp;
                if (__builtin_add_overflow(sp[-1], b, &sp[-1])) TRAP(ExecStatus::OVERFLOW);
                ++pc;
                break;
            }
            case Op::SUB: {
                int64_t b = *--sp;
                if (__builtin_sub_overflow(sp[-1], b, &sp[-1])) TRAP(ExecStatus::OVERFLOW);
                ++pc;
                break;
            }
            case Op::MUL: {
                int64_t b = *--sp;
                if (__builtin_mul_overflow(sp[-1], b, &sp[-1])) TRAP(ExecStatus::OVERFLOW);
                ++pc;
                break;
            }
            case Op::DIV:
            case Op::MOD: {
                int64_t b = *--sp;
                int64_t a = sp[-1];
                if (b == 0) TRAP(ExecStatus::DIV_BY_ZERO);
                if (b == -1) {
                    if (static_cast<Op>(opb) == Op::DIV) {
                        if (a == INT64_MIN) TRAP(ExecStatus::OVERFLOW);
                        sp[-1] = -a;
                    } else {
                        sp[-1] = 0;
                    }
                } else {
                    sp[-1] = static_cast<Op>(opb) == Op::DIV ? a / b : a % b;
                }
                ++pc;
                break;
            }
            case Op::NEG:
                if (sp[-1] == INT64_MIN) TRAP(ExecStatus::OVERFLOW);
                sp[-1] = -sp[-1];
                ++pc;
                break;
            case Op::MULDIV:
            case Op::MULMOD: {
                int64_t c = *--sp;
                int64_t b = *--sp;
                int64_t a = sp[-1];
                if (c == 0) TRAP(ExecStatus::DIV_BY_ZERO);
                if (c < 0) TRAP(ExecStatus::BAD_OPERAND);
                Int128 p = static_cast<Int128>(a) * b;
                Int128 q = p / c;
                Int128 r = p % c;
                if (r < 0) {
                    --q;
                    r += c;
                }
                if (static_cast<Op>(opb) == Op::MULDIV) {
                    if (q > INT64_MAX || q < INT64_MIN) TRAP(ExecStatus::OVERFLOW);
                    sp[-1] = static_cast<int64_t>(q);
                } else {
                    sp[-1] = static_cast<int64_t>(r);
                }
                ++pc;
                break;
            }
            case Op::MIN: BINOP(std::min(a, b))
            case Op::MAX: BINOP(std::max(a, b))
            case Op::EQ: BINOP(a == b ? 1 : 0)
            case Op::NE: BINOP(a != b ? 1 : 0)
            case Op::LT: BINOP(a < b ? 1 : 0)
            case Op::GT: BINOP(a > b ? 1 : 0)
            case Op::LE: BINOP(a <= b ? 1 : 0)
            case Op::GE: BINOP(a >= b ? 1 : 0)
            case Op::AND: BINOP(a & b)
            case Op::OR: BINOP(a | b)
            case Op::XOR: BINOP(a ^ b)
            case Op::ISZERO:
                sp[-1] = sp[-1] == 0 ? 1 : 0;
                ++pc;
                break;
            case Op::NOT:
                sp[-1] = ~sp[-1];
                ++pc;
                break;
            case Op::SHL:
            case Op::SHR:
            case Op::SAR: {
                int64_t s = *--sp;
                int64_t a = sp[-1];
                if (s < 0 || s > 63) TRAP(ExecStatus::BAD_OPERAND);
                if (static_cast<Op>(opb) == Op::SHL)
                    sp[-1] = static_cast<int64_t>(static_cast<uint64_t>(a) << s);
                else if (static_cast<Op>(opb) == Op::SHR)
                    sp[-1] = static_cast<int64_t>(static_cast<uint64_t>(a) >> s);
                else
                    sp[-1] = a >> s;
                ++pc;
                break;
            }
#undef BINOP
            case Op::MLOAD: {
                int64_t off = sp[-1];
                CHECK(mem_ok(off, 8));
                sp[-1] = LoadLe64(mp(off));
                ++pc;
                break;
            }
            case Op::MSTORE: {
                int64_t v = *--sp;
                int64_t off = *--sp;
                CHECK(mem_ok(off, 8));
                StoreLe64(mp(off), v);
                ++pc;
                break;
            }
            case Op::MLOAD8: {
                int64_t off = sp[-1];
                CHECK(mem_ok(off, 1));
                sp[-1] = *mp(off);
                ++pc;
                break;
            }
            case Op::MSTORE8: {
                int64_t v = *--sp;
                int64_t off = *--sp;
                CHECK(mem_ok(off, 1));
                *mp(off) = static_cast<uint8_t>(v & 0xff);
                ++pc;
                break;
            }
            case Op::MSIZE:
                *sp++ = static_cast<int64_t>(mem.size());
                ++pc;
                break;
            case Op::MCOPY: {
                int64_t len = *--sp;
                int64_t src = *--sp;
                int64_t dst = *--sp;
                CHECK(mem_ok(src, len) && mem_ok(dst, len) && charge(Words(len) * GAS_COPY_WORD));
                if (len > 0) std::memmove(mp(dst), mp(src), static_cast<size_t>(len));
                ++pc;
                break;
            }
            case Op::MEQ: {
                int64_t len = *--sp;
                int64_t b = *--sp;
                int64_t a = sp[-1];
                CHECK(mem_ok(a, len) && mem_ok(b, len) && charge(Words(len) * GAS_COPY_WORD));
                sp[-1] = (len == 0 || std::memcmp(mp(a), mp(b), static_cast<size_t>(len)) == 0) ? 1 : 0;
                ++pc;
                break;
            }
            case Op::SHA256: {
                int64_t len = *--sp;
                int64_t off = *--sp;
                int64_t dst = *--sp;
                CHECK(mem_ok(off, len) && mem_ok(dst, 32) && charge(Words(len) * GAS_HASH_WORD));
                Hash256 h = Sha256Of(view(off, len));
                std::memcpy(mp(dst), h.data.data(), 32);
                ++pc;
                break;
            }
            case Op::SELECTOR:
                *sp++ = input.size() < 4 ? -1 : static_cast<int64_t>(LoadLe32(input.data()));
                ++pc;
                break;
            case Op::CALLDATASIZE:
                *sp++ = static_cast<int64_t>(input.size());
                ++pc;
                break;
            case Op::CALLDATALOAD: {
                int64_t off = sp[-1];
                if (off < 0 || static_cast<uint64_t>(off) > input.size() || input.size() - static_cast<size_t>(off) < 8)
                    TRAP(ExecStatus::BAD_INPUT);
                sp[-1] = LoadLe64(input.data() + off);
                ++pc;
                break;
            }
            case Op::CALLDATACOPY:
            case Op::RETURNDATACOPY: {
                ByteView from = static_cast<Op>(opb) == Op::CALLDATACOPY ? input : ByteView(ret_data);
                int64_t len = *--sp;
                int64_t off = *--sp;
                int64_t dst = *--sp;
                if (off < 0 || len < 0 || static_cast<uint64_t>(off) > from.size() ||
                    from.size() - static_cast<size_t>(off) < static_cast<uint64_t>(len))
                    TRAP(ExecStatus::BAD_INPUT);
                CHECK(mem_ok(dst, len) && charge(Words(len) * GAS_COPY_WORD));
                if (len > 0) std::memcpy(mp(dst), from.data() + off, static_cast<size_t>(len));
                ++pc;
                break;
            }
            case Op::RETURNDATASIZE:
                *sp++ = static_cast<int64_t>(ret_data.size());
                ++pc;
                break;
            case Op::CALLER:
            case Op::ADDRESS:
            case Op::ORIGIN: {
                int64_t dst = *--sp;
                CHECK(mem_ok(dst, 32));
                const Address& a = static_cast<Op>(opb) == Op::CALLER    ? ctx.caller
                                   : static_cast<Op>(opb) == Op::ADDRESS ? ctx.self
                                                                          : ctx.origin;
                std::memcpy(mp(dst), a.data.data(), 32);
                ++pc;
                break;
            }
            case Op::HEIGHT:
                *sp++ = host.Block().height;
                ++pc;
                break;
            case Op::TIME:
                *sp++ = host.Block().time_ms;
                ++pc;
                break;
            case Op::GAS:
                *sp++ = gas;
                ++pc;
                break;
            case Op::SLOAD: {
                int64_t cap = *--sp;
                int64_t dst = *--sp;
                int64_t klen = *--sp;
                int64_t koff = *--sp;
                if (klen > static_cast<int64_t>(MAX_KEY_SIZE)) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(koff, klen) && mem_ok(dst, cap));
                std::optional<Bytes> v = host.StorageGet(ctx.self, view(koff, klen));
                int64_t vlen = v ? static_cast<int64_t>(v->size()) : 0;
                CHECK(charge(Words(klen + vlen) * GAS_SLOAD_WORD));
                if (v) {
                    size_t n = std::min(v->size(), static_cast<size_t>(cap));
                    if (n > 0) std::memcpy(mp(dst), v->data(), n);
                }
                *sp++ = v ? vlen : -1;
                ++pc;
                break;
            }
            case Op::SSTORE: {
                int64_t vlen = *--sp;
                int64_t voff = *--sp;
                int64_t klen = *--sp;
                int64_t koff = *--sp;
                if (klen > static_cast<int64_t>(MAX_KEY_SIZE) || vlen > static_cast<int64_t>(MAX_VALUE_SIZE))
                    TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(koff, klen) && mem_ok(voff, vlen) && charge(Words(klen + vlen) * GAS_SSTORE_WORD));
                host.StoragePut(ctx.self, view(koff, klen),
                                view(voff, vlen));
                ++pc;
                break;
            }
            case Op::SLOADI: {
                int64_t klen = *--sp;
                int64_t koff = sp[-1];
                if (klen > static_cast<int64_t>(MAX_KEY_SIZE)) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(koff, klen) && charge(Words(klen + 8) * GAS_SLOAD_WORD));
                std::optional<Bytes> v = host.StorageGet(ctx.self, view(koff, klen));
                if (v && v->size() != 8) TRAP(ExecStatus::BAD_OPERAND);
                sp[-1] = v ? LoadLe64(v->data()) : 0;
                ++pc;
                break;
            }
            case Op::SSTOREI: {
                int64_t v = *--sp;
                int64_t klen = *--sp;
                int64_t koff = *--sp;
                if (klen > static_cast<int64_t>(MAX_KEY_SIZE)) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(koff, klen) && charge(Words(klen + 8) * GAS_SSTORE_WORD));
                uint8_t buf[8];
                StoreLe64(buf, v);
                host.StoragePut(ctx.self, view(koff, klen), ByteView(buf, 8));
                ++pc;
                break;
            }
            case Op::BALANCE: {
                int64_t cur = *--sp;
                int64_t aoff = sp[-1];
                if (cur < 0 || cur > static_cast<int64_t>(UINT32_MAX)) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(aoff, 32));
                sp[-1] = host.Balance(read_addr(aoff), static_cast<CurrencyCode>(cur));
                ++pc;
                break;
            }
            case Op::TRANSFER: {
                int64_t amount = *--sp;
                int64_t cur = *--sp;
                int64_t to_off = *--sp;
                int64_t from_off = *--sp;
                if (cur < 0 || cur > static_cast<int64_t>(UINT32_MAX)) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(from_off, 32) && mem_ok(to_off, 32));
                CHECK(host_ok(host.Transfer(ctx, read_addr(from_off), read_addr(to_off),
                                            static_cast<CurrencyCode>(cur), amount)));
                ++pc;
                break;
            }
            case Op::EMIT: {
                int64_t dlen = *--sp;
                int64_t doff = *--sp;
                int64_t tlen = *--sp;
                int64_t toff = *--sp;
                if (tlen > static_cast<int64_t>(MAX_TOPIC_SIZE) || dlen > static_cast<int64_t>(MAX_EVENT_DATA))
                    TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(toff, tlen) && mem_ok(doff, dlen) && charge(Words(tlen + dlen) * GAS_EMIT_WORD));
                host.Emit(ctx.self, view(toff, tlen),
                          view(doff, dlen));
                ++pc;
                break;
            }
            case Op::HOSTCALL: {
                int64_t ocap = *--sp;
                int64_t ooff = *--sp;
                int64_t ilen = *--sp;
                int64_t ioff = *--sp;
                int64_t fn = *--sp;
                if (ilen > static_cast<int64_t>(MAX_HOST_IO) || fn < 0 || fn > 255) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(ioff, ilen) && mem_ok(ooff, ocap));
                Bytes out;
                HostStatus hs = host.Invoke(ctx, static_cast<HostFn>(fn),
                                            view(ioff, ilen), out);
                if (out.size() > MAX_HOST_IO) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(charge(Words(ilen + static_cast<int64_t>(out.size())) * GAS_HOST_WORD));
                if (hs == HostStatus::NOT_FOUND) {
                    *sp++ = -1;
                } else {
                    CHECK(host_ok(hs));
                    size_t n = std::min(out.size(), static_cast<size_t>(ocap));
                    if (n > 0) std::memcpy(mp(ooff), out.data(), n);
                    *sp++ = static_cast<int64_t>(out.size());
                }
                ++pc;
                break;
            }
            case Op::CALL: {
                int64_t g = *--sp;
                int64_t ilen = *--sp;
                int64_t ioff = *--sp;
                int64_t aoff = *--sp;
                if (g < 0) TRAP(ExecStatus::BAD_OPERAND);
                CHECK(mem_ok(aoff, 32) && mem_ok(ioff, ilen));
                Address target = read_addr(aoff);
                ret_data.clear();
                ExecStatus cs = ExecStatus::OK;
                CodePtr callee;
                if (ctx.depth >= MAX_CALL_DEPTH) {
                    cs = ExecStatus::CALL_DEPTH;
                } else if (std::find(m_active.begin(), m_active.end(), target) != m_active.end()) {
                    cs = ExecStatus::REENTRANCY;
                } else if (!(callee = host.ContractCode(target))) {
                    cs = ExecStatus::NO_CONTRACT;
                } else {
                    int64_t forwarded = std::min(g, gas);
                    gas -= forwarded;
                    CallContext sub{target, ctx.self, ctx.origin, ctx.depth + 1};
                    ExecResult r = Call(host, *callee, sub, view(ioff, ilen), forwarded);
                    gas += forwarded - r.gas_used;
                    cs = r.status;
                    ret_data = std::move(r.output);
                }
                *sp++ = static_cast<int64_t>(cs);
                ++pc;
                break;
            }
            case Op::INVALID:
            default:  // unreachable for validated code
                TRAP(ExecStatus::INVALID_OPCODE);
        }
    }
#undef TRAP
#undef CHECK

done:
    result.status = ExecStatus::OK;
    result.gas_used = gas_limit - gas;
    return result;

trap:
    result.status = st;
    result.gas_used = gas_limit;
    result.output.clear();
    return result;
}

}  // namespace folio::vm
