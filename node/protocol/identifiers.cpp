#include <node/protocol/identifiers.h>

#include <cstddef>
#include <initializer_list>

namespace folio::protocol {
namespace {

constexpr std::string_view ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// Pattern slots: 'A' letter, 'X' letter or digit, 'D' digit, 'H' hex digit, 'C' check character
// (letter or digit); any other pattern character must appear literally.
bool IsSlot(char p) { return p == 'A' || p == 'X' || p == 'D' || p == 'H' || p == 'C'; }

bool Fits(char p, char c) {
    switch (p) {
        case 'A': return IsUpper(c);
        case 'X': case 'C': return IsUpper(c) || IsDigit(c);
        case 'D': return IsDigit(c);
        case 'H': return IsDigit(c) || (c >= 'A' && c <= 'F');
        default: return false;
    }
}

std::string_view Describe(char p) {
    switch (p) {
        case 'A': return "a letter A-Z";
        case 'X': return "a letter A-Z or a digit";
        case 'D': return "a digit";
        case 'H': return "a hex digit 0-9A-F";
        default: return "a check character 0-9A-Z";
    }
}

std::string Show(char c) {
    if (c >= 0x20 && c <= 0x7e) return std::string("'") + c + "'";
    static constexpr char HEX[] = "0123456789ABCDEF";
    auto u = static_cast<unsigned char>(c);
    return std::string("byte 0x") + HEX[u >> 4] + HEX[u & 15];
}

// Matches `s` (starting at 1-based character `first` of the input) against `pat`; appends the slot
// characters to `payload`. Returns the reason, or empty.
std::string Match(std::string_view scheme, std::string_view s, std::string_view pat, size_t first,
                  std::string& payload) {
    for (size_t i = 0; i < pat.size(); ++i) {
        char p = pat[i], c = s[i];
        std::string pos = std::to_string(first + i);
        if (!IsSlot(p)) {
            if (c != p) {
                return std::string(scheme) + " character " + pos + " must be '" + p + "', got " + Show(c);
            }
            continue;
        }
        if (!Fits(p, c)) {
            if (IsLower(c) && Fits(p, ToUpper(c))) {
                return std::string(scheme) + " must be upper case: " + Show(c) + " at character " + pos;
            }
            return std::string(scheme) + " character " + pos + " must be " + std::string(Describe(p)) + ", got " +
                   Show(c);
        }
        payload += c;
    }
    return {};
}

// Picks the pattern of s's length and matches it; `forms` names the accepted lengths for the error.
std::string MatchAny(std::string_view scheme, std::string_view s, std::initializer_list<std::string_view> pats,
                     std::string_view forms, size_t first, std::string& payload) {
    for (std::string_view pat : pats) {
        if (pat.size() == s.size()) return Match(scheme, s, pat, first, payload);
    }
    return std::string(scheme) + " has " + std::to_string(s.size()) + " characters, expected " + std::string(forms);
}

std::string CheckCharReason(std::string_view what, char got, char want) {
    return std::string(what) + " is " + got + ", expected " + want;
}

std::string Upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ToUpper(c);
    return out;
}

// Parsed payloads (slot characters only, in order).
std::string ParseIsrc(std::string_view s, std::string& payload) {
    return MatchAny("ISRC", s, {"AAXXXDDDDDDD", "AA-XXX-DD-DDDDD"}, "12 (CCXXXYYNNNNN) or 15 (CC-XXX-YY-NNNNN)", 1,
                    payload);
}

std::string ParseIswc(std::string_view s, std::string& payload) {
    if (auto err = MatchAny("ISWC", s, {"TDDDDDDDDDD", "T-DDD.DDD.DDD-D"},
                            "11 (TDDDDDDDDDC) or 15 (T-DDD.DDD.DDD-C)", 1, payload);
        !err.empty()) {
        // A lower-case 't' prefix is a case error, not a literal mismatch.
        if (!s.empty() && s[0] == 't' && (s.size() == 11 || s.size() == 15)) {
            return "ISWC must be upper case: 't' at character 1";
        }
        return err;
    }
    int sum = 1;
    for (int i = 1; i <= 9; ++i) sum += i * (payload[static_cast<size_t>(i) - 1] - '0');
    char want = static_cast<char>('0' + (10 - sum % 10) % 10);
    if (payload[9] != want) return CheckCharReason("ISWC check digit", payload[9], want);
    return {};
}

std::string ParseIsan(std::string_view s, std::string& payload) {
    constexpr std::string_view PREFIX = "ISAN ";
    size_t skip = 0;
    if (s.size() >= PREFIX.size()) {
        std::string_view head = s.substr(0, PREFIX.size());
        if (head == PREFIX) {
            skip = PREFIX.size();
        } else if (Upper(head) == PREFIX) {
            return "ISAN must be upper case: prefix " + std::string(head);
        }
    }
    std::string_view body = s.substr(skip);
    if (auto err = MatchAny("ISAN", body,
                            {"HHHHHHHHHHHHHHHHC", "HHHHHHHHHHHHHHHHCHHHHHHHHC", "HHHH-HHHH-HHHH-HHHH-C",
                             "HHHH-HHHH-HHHH-HHHH-C-HHHH-HHHH-C"},
                            "17 or 26 (compact), or 21 or 33 (grouped), after an optional \"ISAN \"", skip + 1,
                            payload);
        !err.empty()) {
        return err;
    }
    std::string_view root = std::string_view(payload).substr(0, 16);
    char want = Mod37_36Check(root);
    if (payload[16] != want) return CheckCharReason("ISAN check character", payload[16], want);
    if (payload.size() == 26) {
        std::string all = std::string(root) + payload.substr(17, 8);
        char want2 = Mod37_36Check(all);
        if (payload[25] != want2) return CheckCharReason("ISAN version check character", payload[25], want2);
    }
    return {};
}

std::string ParseEidr(std::string_view s, std::string& payload) {
    if (auto err = MatchAny("EIDR", s, {"10.5240/HHHHHHHHHHHHHHHHHHHHC", "10.5240/HHHH-HHHH-HHHH-HHHH-HHHH-C"},
                            "34 (10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C) or 29 (without hyphens)", 1, payload);
        !err.empty()) {
        return err;
    }
    char want = Mod37_36Check(std::string_view(payload).substr(0, 20));
    if (payload[20] != want) return CheckCharReason("EIDR check character", payload[20], want);
    return {};
}

std::string Grouped(std::string_view payload, std::initializer_list<size_t> sizes, std::string_view seps) {
    std::string out;
    size_t at = 0, k = 0;
    for (size_t n : sizes) {
        if (k > 0) out += seps[k - 1];
        out += payload.substr(at, n);
        at += n;
        ++k;
    }
    return out;
}

}  // namespace

char Mod37_36Check(std::string_view s) {
    constexpr int M = 36;
    int p = M;
    for (char c : s) {
        size_t v = ALNUM.find(c);
        if (v == std::string_view::npos) return '\0';
        int t = (p + static_cast<int>(v)) % M;
        if (t == 0) t = M;
        p = (t * 2) % (M + 1);
    }
    return ALNUM[static_cast<size_t>((M + 1 - p) % M)];
}

std::string CheckIsrc(std::string_view s) {
    std::string payload;
    return ParseIsrc(s, payload);
}

std::string CheckIswc(std::string_view s) {
    std::string payload;
    return ParseIswc(s, payload);
}

std::string CheckIsan(std::string_view s) {
    std::string payload;
    return ParseIsan(s, payload);
}

std::string CheckEidr(std::string_view s) {
    std::string payload;
    return ParseEidr(s, payload);
}

std::optional<std::string> NormalizeIsrc(std::string_view s) {
    std::string payload;
    if (!ParseIsrc(Upper(s), payload).empty()) return std::nullopt;
    return Grouped(payload, {2, 3, 2, 5}, "---");
}

std::optional<std::string> NormalizeIswc(std::string_view s) {
    std::string payload;
    if (!ParseIswc(Upper(s), payload).empty()) return std::nullopt;
    return "T-" + Grouped(payload, {3, 3, 3, 1}, "..-");
}

std::optional<std::string> NormalizeIsan(std::string_view s) {
    std::string payload;
    if (!ParseIsan(Upper(s), payload).empty()) return std::nullopt;
    if (payload.size() == 17) return "ISAN " + Grouped(payload, {4, 4, 4, 4, 1}, "----");
    return "ISAN " + Grouped(payload, {4, 4, 4, 4, 1, 4, 4, 1}, "-------");
}

std::optional<std::string> NormalizeEidr(std::string_view s) {
    std::string payload;
    if (!ParseEidr(Upper(s), payload).empty()) return std::nullopt;
    return "10.5240/" + Grouped(payload, {4, 4, 4, 4, 4, 1}, "-----");
}

}  // namespace folio::protocol
