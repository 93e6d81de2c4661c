#include <vm/code.h>

#include <vm/opcodes.h>

namespace folio::vm {

const char* ValidateErrorName(ValidateError e) {
    switch (e) {
        case ValidateError::EMPTY: return "empty";
        case ValidateError::BAD_VERSION: return "bad_version";
        case ValidateError::TOO_LARGE: return "too_large";
        case ValidateError::UNDEFINED_OPCODE: return "undefined_opcode";
        case ValidateError::TRUNCATED_IMMEDIATE: return "truncated_immediate";
        case ValidateError::BAD_JUMP_TARGET: return "bad_jump_target";
        case ValidateError::BAD_IMMEDIATE: return "bad_immediate";
        case ValidateError::FALLS_OFF_END: return "falls_off_end";
    }
    return "unknown";
}

Hash256 CodeHash(ByteView code) { return TaggedHash("folio/vm/code", code); }

namespace {

Unexpected<ValidateFailure> Reject(ValidateError e, size_t offset, const std::string& what) {
    return Fail(ValidateFailure{e, static_cast<uint32_t>(offset),
                                std::string(ValidateErrorName(e)) + " at " + std::to_string(offset) +
                                    ": " + what});
}

}  // namespace

Result<CodePtr, ValidateFailure> Validate(ByteView code) {
    if (code.size() <= 1) return Reject(ValidateError::EMPTY, 0, "no instructions");
    if (code.size() > MAX_CODE_SIZE)
        return Reject(ValidateError::TOO_LARGE, MAX_CODE_SIZE,
                      std::to_string(code.size()) + " bytes > " + std::to_string(MAX_CODE_SIZE));
    if (code[0] != CODE_VERSION)
        return Reject(ValidateError::BAD_VERSION, 0, "version byte " + std::to_string(code[0]));

    std::vector<uint8_t> jumpdest(code.size(), 0);
    struct JumpRef {
        size_t at;
        size_t target;
        std::string_view op;
    };
    std::vector<JumpRef> refs;
    size_t pc = 1;
    size_t last = 1;
    while (pc < code.size()) {
        const OpInfo& info = OP_TABLE[code[pc]];
        if (!info.defined)
            return Reject(ValidateError::UNDEFINED_OPCODE, pc, "byte 0x" + ToHex(code.subspan(pc, 1)));
        if (pc + 1 + info.imm > code.size())
            return Reject(ValidateError::TRUNCATED_IMMEDIATE, pc,
                          std::string(info.name) + " needs " + std::to_string(info.imm) + " immediate bytes");
        Op op = static_cast<Op>(code[pc]);
        if (op == Op::JUMPDEST) jumpdest[pc] = 1;
        if (op == Op::JUMP || op == Op::JUMPI || op == Op::CALLSUB) {
            size_t target = static_cast<size_t>(code[pc + 1]) | static_cast<size_t>(code[pc + 2]) << 8;
            refs.push_back({pc, target, info.name});
        }
        if ((op == Op::DUP || op == Op::SWAP) && code[pc + 1] == 0)
            return Reject(ValidateError::BAD_IMMEDIATE, pc, std::string(info.name) + " 0");
        last = pc;
        pc += 1 + info.imm;
    }
    for (const JumpRef& r : refs) {
        if (r.target >= code.size() || !jumpdest[r.target])
            return Reject(ValidateError::BAD_JUMP_TARGET, r.at,
                          std::string(r.op) + " to " + std::to_string(r.target) + ", not a JUMPDEST");
    }
    if (!(OP_TABLE[code[last]].flags & OP_FLAG_TERM))
        return Reject(ValidateError::FALLS_OFF_END, last,
                      std::string(OP_TABLE[code[last]].name) + " is the last instruction");

    auto c = std::shared_ptr<Code>(new Code());
    c->m_bytes.assign(code.begin(), code.end());
    c->m_hash = CodeHash(code);
    c->m_jumpdest = std::move(jumpdest);
    return CodePtr(std::move(c));
}

}  // namespace folio::vm
