#include <vm/asm/assembler.h>

#include <map>
#include <optional>
#include <vector>

#include <vm/abi.h>
#include <vm/code.h>
#include <vm/opcodes.h>

namespace folio::vm {

namespace {

constexpr int MAX_MACRO_DEPTH = 16;

struct Stmt {
    size_t line = 0;
    std::string context;  // "in macro m: " for expanded lines
    std::string mnemonic;  // lower-case; empty for a label-only line
    std::vector<std::string> operands;
    std::string label;    // a label defined at this statement (emits JUMPDEST)
};

struct Macro {
    std::vector<std::string> params;
    std::vector<std::string> body;
};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsIdent(std::string_view s) {
    if (s.empty() || !IsIdentStart(s[0])) return false;
    for (char c : s)
        if (!IsIdentChar(c)) return false;
    return true;
}
std::string Lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}
std::string Upper(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return r;
}

// Splits a line into tokens on whitespace and commas, keeping quoted text and parentheses
// together; strips a comment (; or # outside quotes). Returns nullopt on an unterminated quote.
std::optional<std::vector<std::string>> Tokenize(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    char quote = 0;
    int parens = 0;
    for (char c : line) {
        if (quote) {
            cur += c;
            if (c == quote) quote = 0;
            continue;
        }
        if (c == ';' || c == '#') break;
        if (c == '\'' || c == '"') {
            quote = c;
            cur += c;
        } else if (c == '(') {
            ++parens;
            cur += c;
        } else if (c == ')') {
            --parens;
            cur += c;
        } else if ((c == ' ' || c == '\t' || c == ',' || c == '\r') && parens == 0) {
            if (!cur.empty()) out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (quote) return std::nullopt;
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
}

class Assembler {
public:
    Result<Bytes, AsmError> Run(std::string_view source) {
        std::vector<std::string> lines;
        size_t start = 0;
        while (start <= source.size()) {
            size_t nl = source.find('\n', start);
            if (nl == std::string_view::npos) nl = source.size();
            lines.emplace_back(source.substr(start, nl - start));
            start = nl + 1;
        }
        if (!Expand(lines, 1, {}, "", 0)) return Fail(m_err);
        if (!Layout()) return Fail(m_err);
        if (!Emit()) return Fail(m_err);
        auto v = Validate(m_out);
        if (!v) {
            size_t line = 0;
            for (const auto& [off, ln] : m_lines)
                if (off <= v.error().offset) line = ln;
            return Fail(AsmError{line, "invalid program: " + v.error().message});
        }
        return std::move(m_out);
    }

private:
    bool Error(size_t line, const std::string& context, const std::string& msg) {
        m_err = AsmError{line, context + msg};
        return false;
    }

    // Turns source lines into statements, defining constants and macros and expanding macro
    // invocations. `first_line` is the line number of lines[0]; inside a macro every statement
    // gets the invocation line (`fixed_line` != 0).
    bool Expand(const std::vector<std::string>& lines, size_t first_line, const std::map<std::string, std::string>& subst,
                const std::string& context, int depth) {
        for (size_t i = 0; i < lines.size(); ++i) {
            size_t line = depth == 0 ? first_line + i : first_line;
            std::string text = lines[i];
            if (depth > 0) text = Substitute(text, subst);
            auto toks_opt = Tokenize(text);
            if (!toks_opt) return Error(line, context, "unterminated quote");
            std::vector<std::string> toks = std::move(*toks_opt);
            if (toks.empty()) continue;

            if (toks[0] == ".macro") {
                if (depth > 0) return Error(line, context, ".macro inside a macro");
                if (toks.size() < 2 || !IsIdent(toks[1])) return Error(line, context, ".macro needs a name");
                std::string name = Lower(toks[1]);
                if (m_macros.count(name) || FindOp(Upper(name)) || name == "push")
                    return Error(line, context, "macro '" + name + "' is already defined or is an instruction");
                Macro m;
                for (size_t p = 2; p < toks.size(); ++p) {
                    if (!IsIdent(toks[p])) return Error(line, context, "bad macro parameter '" + toks[p] + "'");
                    m.params.push_back(toks[p]);
                }
                size_t j = i + 1;
                for (; j < lines.size(); ++j) {
                    auto t = Tokenize(lines[j]);
                    if (t && !t->empty() && (*t)[0] == ".endm") break;
                    if (t && !t->empty() && (*t)[0] == ".macro")
                        return Error(first_line + j, context, "nested .macro definition");
                    m.body.push_back(lines[j]);
                }
                if (j == lines.size()) return Error(line, context, ".macro '" + name + "' has no .endm");
                m_macros.emplace(name, std::move(m));
                i = j;
                continue;
            }
            if (toks[0] == ".endm") return Error(line, context, ".endm without .macro");
            if (toks[0] == ".const") {
                if (toks.size() != 3 || !IsIdent(toks[1])) return Error(line, context, "usage: .const NAME EXPR");
                if (m_consts.count(toks[1])) return Error(line, context, "constant '" + toks[1] + "' already defined");
                auto v = Eval(toks[2], nullptr);
                if (!v) return Error(line, context, *m_eval_err);
                m_consts.emplace(toks[1], *v);
                continue;
            }

            Stmt st;
            st.line = line;
            st.context = context;
            size_t k = 0;
            if (toks[0].size() > 1 && toks[0].back() == ':') {
                st.label = toks[0].substr(0, toks[0].size() - 1);
                if (!IsIdent(st.label)) return Error(line, context, "bad label '" + st.label + "'");
                k = 1;
            }
            if (k < toks.size()) {
                std::string mn = Lower(toks[k]);
                auto mit = m_macros.find(mn);
                if (mit != m_macros.end()) {
                    if (!st.label.empty()) {
                        Stmt ls;
                        ls.line = line;
                        ls.context = context;
                        ls.label = st.label;
                        m_stmts.push_back(ls);
                    }
                    const Macro& m = mit->second;
                    if (toks.size() - k - 1 != m.params.size())
                        return Error(line, context, "macro '" + mn + "' takes " + std::to_string(m.params.size()) +
                                                         " arguments, got " + std::to_string(toks.size() - k - 1));
                    if (depth + 1 > MAX_MACRO_DEPTH) return Error(line, context, "macro expansion too deep");
                    std::map<std::string, std::string> sub;
                    for (size_t p = 0; p < m.params.size(); ++p) sub[m.params[p]] = toks[k + 1 + p];
                    sub["$"] = "_m" + std::to_string(++m_expansions);
                    if (!Expand(m.body, line, sub, context + "in macro " + mn + ": ", depth + 1)) return false;
                    continue;
                }
                st.mnemonic = mn;
                st.operands.assign(toks.begin() + static_cast<std::ptrdiff_t>(k + 1), toks.end());
            }
            m_stmts.push_back(std::move(st));
        }
        return true;
    }

    // Replaces $$ with the expansion's unique id and $name with the argument.
    static std::string Substitute(const std::string& text, const std::map<std::string, std::string>& sub) {
        std::string out;
        for (size_t i = 0; i < text.size(); ++i) {
            if (text[i] != '$') {
                out += text[i];
                continue;
            }
            if (i + 1 < text.size() && text[i + 1] == '$') {
                out += sub.at("$");
                ++i;
                continue;
            }
            size_t j = i + 1;
            while (j < text.size() && IsIdentChar(text[j])) ++j;
            auto it = sub.find(text.substr(i + 1, j - i - 1));
            if (it == sub.end()) {
                out += text[i];
                continue;
            }
            out += it->second;
            i = j - 1;
        }
        return out;
    }

    // Evaluates an expression; `labels` null means labels are not yet known (they are then
    // reported as errors unless `allow_unknown_labels`).
    std::optional<int64_t> Eval(std::string_view e, const std::map<std::string, size_t>* labels) {
        m_eval_err.reset();
        int64_t total = 0;
        size_t i = 0;
        int sign = 1;
        bool first = true;
        while (true) {
            if (!first) {
                if (i >= e.size()) break;
                if (e[i] == '+') sign = 1;
                else if (e[i] == '-') sign = -1;
                else return EvalFail("bad expression '" + std::string(e) + "'");
                ++i;
            }
            first = false;
            bool neg = false;
            if (i < e.size() && e[i] == '-') {
                neg = true;
                ++i;
            }
            size_t end = i;
            int64_t v = 0;
            if (i >= e.size()) return EvalFail("bad expression '" + std::string(e) + "'");
            if (e[i] == '\'') {
                end = e.find('\'', i + 1);
                if (end == std::string_view::npos) return EvalFail("unterminated character literal");
                std::string_view chars = e.substr(i + 1, end - i - 1);
                if (chars.empty() || chars.size() > 8) return EvalFail("character literal must have 1 to 8 bytes");
                uint64_t u = 0;
                for (size_t c = 0; c < chars.size(); ++c) u |= static_cast<uint64_t>(static_cast<uint8_t>(chars[c])) << (8 * c);
                v = static_cast<int64_t>(u);
                ++end;
            } else if (e.substr(i, 5) == "sel(\"") {
                size_t close = e.find("\")", i + 5);
                if (close == std::string_view::npos) return EvalFail("bad sel(\"...\")");
                std::string_view sig = e.substr(i + 5, close - i - 5);
                if (!ParseSignature(sig)) return EvalFail("bad function signature '" + std::string(sig) + "'");
                v = static_cast<int64_t>(Selector(sig));
                end = close + 2;
            } else if (e[i] == '@') {
                end = i + 1;
                while (end < e.size() && IsIdentChar(e[end])) ++end;
                std::string name(e.substr(i + 1, end - i - 1));
                if (!labels) {
                    v = 0;  // layout pass: the value does not change the size (always PUSH2)
                } else {
                    auto it = labels->find(name);
                    if (it == labels->end()) return EvalFail("undefined label '" + name + "'");
                    v = static_cast<int64_t>(it->second);
                }
            } else if (e[i] >= '0' && e[i] <= '9') {
                bool hex = e.substr(i, 2) == "0x" || e.substr(i, 2) == "0X";
                end = hex ? i + 2 : i;
                uint64_t u = 0;
                size_t digits = 0;
                while (end < e.size()) {
                    char c = e[end];
                    int d = -1;
                    if (c >= '0' && c <= '9') d = c - '0';
                    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
                    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
                    else if (c == '_') { ++end; continue; }
                    if (d < 0) break;
                    uint64_t base = hex ? 16 : 10;
                    if (u > (UINT64_MAX - static_cast<uint64_t>(d)) / base) return EvalFail("number too large");
                    u = u * base + static_cast<uint64_t>(d);
                    ++digits;
                    ++end;
                }
                if (digits == 0) return EvalFail("bad number");
                if (!hex && u > static_cast<uint64_t>(INT64_MAX) + (neg ? 1u : 0u)) return EvalFail("number out of int64 range");
                if (end < e.size() && IsIdentChar(e[end])) return EvalFail("bad number '" + std::string(e) + "'");
                if (neg && u == static_cast<uint64_t>(INT64_MAX) + 1) {
                    v = INT64_MIN;
                    neg = false;
                } else {
                    v = static_cast<int64_t>(u);  // hex may name any 64-bit pattern
                }
            } else if (IsIdentStart(e[i])) {
                end = i;
                while (end < e.size() && IsIdentChar(e[end])) ++end;
                std::string name(e.substr(i, end - i));
                auto it = m_consts.find(name);
                if (it == m_consts.end()) return EvalFail("undefined constant '" + name + "'");
                v = it->second;
            } else {
                return EvalFail("bad expression '" + std::string(e) + "'");
            }
            if (neg) {
                if (v == INT64_MIN) return EvalFail("overflow in expression");
                v = -v;
            }
            if (sign < 0 ? __builtin_sub_overflow(total, v, &total) : __builtin_add_overflow(total, v, &total))
                return EvalFail("overflow in expression");
            i = end;
        }
        return total;
    }
    std::optional<int64_t> EvalFail(const std::string& msg) {
        m_eval_err = msg;
        return std::nullopt;
    }

    // The opcode and immediate size a statement assembles to.
    struct Shape {
        Op op = Op::STOP;
        size_t imm = 0;
    };
    bool ShapeOf(const Stmt& s, Shape& out) {
        if (s.mnemonic == "push") {
            if (s.operands.size() != 1) return Error(s.line, s.context, "push takes one operand");
            const std::string& x = s.operands[0];
            if (x.find('@') != std::string::npos) {
                out = {Op::PUSH2, 2};
                return true;
            }
            auto v = Eval(x, nullptr);
            if (!v) return Error(s.line, s.context, *m_eval_err);
            if (*v == 0) out = {Op::PUSH0, 0};
            else if (*v > 0 && *v <= 0xff) out = {Op::PUSH1, 1};
            else if (*v > 0 && *v <= 0xffff) out = {Op::PUSH2, 2};
            else if (*v > 0 && *v <= 0xffffffffll) out = {Op::PUSH4, 4};
            else out = {Op::PUSH8, 8};
            return true;
        }
        auto op = FindOp(Upper(s.mnemonic));
        if (!op) return Error(s.line, s.context, "unknown instruction or macro '" + s.mnemonic + "'");
        const OpInfo& info = OP_TABLE[static_cast<uint8_t>(*op)];
        size_t want = info.imm > 0 ? 1 : 0;
        if (s.operands.size() != want)
            return Error(s.line, s.context,
                         s.mnemonic + (want ? " takes one operand" : " takes no operand"));
        out = {*op, info.imm};
        return true;
    }

    bool Layout() {
        size_t pc = 1;
        for (const Stmt& s : m_stmts) {
            if (!s.label.empty()) {
                if (m_labels.count(s.label)) return Error(s.line, s.context, "label '" + s.label + "' already defined");
                m_labels[s.label] = pc;
                pc += 1;
            }
            if (s.mnemonic.empty()) continue;
            Shape sh;
            if (!ShapeOf(s, sh)) return false;
            pc += 1 + sh.imm;
            if (pc > MAX_CODE_SIZE) return Error(s.line, s.context, "program exceeds " + std::to_string(MAX_CODE_SIZE) + " bytes");
        }
        return true;
    }

    void PutLe(uint64_t v, size_t n) {
        for (size_t i = 0; i < n; ++i) m_out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }

    bool Emit() {
        m_out.push_back(CODE_VERSION);
        for (const Stmt& s : m_stmts) {
            if (!s.label.empty()) {
                m_lines.emplace_back(m_out.size(), s.line);
                m_out.push_back(static_cast<uint8_t>(Op::JUMPDEST));
            }
            if (s.mnemonic.empty()) continue;
            Shape sh;
            if (!ShapeOf(s, sh)) return false;
            m_lines.emplace_back(m_out.size(), s.line);
            m_out.push_back(static_cast<uint8_t>(sh.op));
            if (sh.imm == 0) continue;
            const std::string& x = s.operands[0];
            if (sh.op == Op::JUMP || sh.op == Op::JUMPI || sh.op == Op::CALLSUB) {
                std::string name = x[0] == '@' ? x.substr(1) : x;
                auto it = m_labels.find(name);
                if (it == m_labels.end()) return Error(s.line, s.context, "undefined label '" + name + "'");
                PutLe(it->second, 2);
                continue;
            }
            auto v = Eval(x, &m_labels);
            if (!v) return Error(s.line, s.context, *m_eval_err);
            if (sh.op == Op::DUP || sh.op == Op::SWAP) {
                if (*v < 1 || *v > 255) return Error(s.line, s.context, s.mnemonic + " operand must be 1..255");
                PutLe(static_cast<uint64_t>(*v), 1);
                continue;
            }
            if (sh.imm < 8) {
                uint64_t lim = (uint64_t{1} << (8 * sh.imm)) - 1;
                if (*v < 0 || static_cast<uint64_t>(*v) > lim)
                    return Error(s.line, s.context, "value " + std::to_string(*v) + " does not fit " + s.mnemonic);
            }
            PutLe(static_cast<uint64_t>(*v), sh.imm);
        }
        return true;
    }

    std::vector<Stmt> m_stmts;
    std::map<std::string, Macro> m_macros;
    std::map<std::string, int64_t> m_consts;
    std::map<std::string, size_t> m_labels;
    std::vector<std::pair<size_t, size_t>> m_lines;  // (code offset, source line)
    size_t m_expansions = 0;
    std::optional<std::string> m_eval_err;
    AsmError m_err;
    Bytes m_out;
};

}  // namespace

Result<Bytes, AsmError> Assemble(std::string_view source) {
    Assembler a;
    return a.Run(source);
}

}  // namespace folio::vm
