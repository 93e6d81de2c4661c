#include <node/core/bech32.h>

#include <array>

namespace folio {
namespace {

constexpr char CHARSET[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t BECH32M_CONST = 0x2bc830a3;  // BIP-350
constexpr uint32_t BECH32_CONST = 1;            // BIP-173

// The value of a data character (either case), or -1.
int CharValue(char c) {
    static constexpr std::array<int8_t, 128> TABLE = [] {
        std::array<int8_t, 128> t{};
        t.fill(-1);
        for (int8_t i = 0; i < 32; ++i) {
            char lower = CHARSET[static_cast<size_t>(i)];
            t[static_cast<size_t>(lower)] = i;
            if (lower >= 'a' && lower <= 'z') t[static_cast<size_t>(lower - 'a' + 'A')] = i;
        }
        return t;
    }();
    auto u = static_cast<unsigned char>(c);
    return u < 128 ? TABLE[u] : -1;
}

// The BCH code's remainder (BIP-173, "Checksum").
uint32_t Polymod(const std::vector<uint8_t>& values) {
    static constexpr uint32_t GEN[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t chk = 1;
    for (uint8_t v : values) {
        uint32_t top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (unsigned i = 0; i < 5; ++i)
            if ((top >> i) & 1) chk ^= GEN[i];
    }
    return chk;
}

// hrp expanded for the checksum, followed by `words`. `hrp` is lower case.
std::vector<uint8_t> ChecksumInput(std::string_view hrp, const std::vector<uint8_t>& words) {
    std::vector<uint8_t> v;
    v.reserve(hrp.size() * 2 + 1 + words.size() + BECH32_CHECKSUM_LENGTH);
    for (char c : hrp) v.push_back(static_cast<uint8_t>(static_cast<unsigned char>(c) >> 5));
    v.push_back(0);
    for (char c : hrp) v.push_back(static_cast<uint8_t>(static_cast<unsigned char>(c) & 31));
    v.insert(v.end(), words.begin(), words.end());
    return v;
}

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

const char* Bech32ErrorName(Bech32Error e) {
    switch (e) {
        case Bech32Error::BAD_CHAR: return "bad_char";
        case Bech32Error::MIXED_CASE: return "mixed_case";
        case Bech32Error::BAD_LENGTH: return "bad_length";
        case Bech32Error::NO_SEPARATOR: return "no_separator";
        case Bech32Error::EMPTY_HRP: return "empty_hrp";
        case Bech32Error::BAD_CHECKSUM: return "bad_checksum";
        case Bech32Error::BECH32_NOT_M: return "bech32_not_m";
        case Bech32Error::BAD_PADDING: return "bad_padding";
    }
    return "bad_bech32m";
}

const char* Bech32ErrorMessage(Bech32Error e) {
    switch (e) {
        case Bech32Error::BAD_CHAR: return "a character is not allowed (b, i, o and 1 are never data characters)";
        case Bech32Error::MIXED_CASE: return "mixes upper and lower case";
        case Bech32Error::BAD_LENGTH: return "wrong length: over 90 characters, or under 6 after the '1' separator";
        case Bech32Error::NO_SEPARATOR: return "no '1' separator";
        case Bech32Error::EMPTY_HRP: return "nothing before the '1' separator";
        case Bech32Error::BAD_CHECKSUM: return "checksum mismatch: a character is mistyped or missing";
        case Bech32Error::BECH32_NOT_M: return "the checksum is bech32 (BIP-173), not bech32m (BIP-350)";
        case Bech32Error::BAD_PADDING: return "the data is not whole bytes (bad padding bits)";
    }
    return "not bech32m";
}

bool IsBech32Char(char c) { return CharValue(c) >= 0; }

Result<std::string, Bech32Error> Bech32mEncodeWords(std::string_view hrp, const std::vector<uint8_t>& words) {
    if (hrp.empty()) return Fail(Bech32Error::EMPTY_HRP);
    for (char c : hrp)
        if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z')) return Fail(Bech32Error::BAD_CHAR);
    for (uint8_t w : words)
        if (w >= 32) return Fail(Bech32Error::BAD_CHAR);
    if (hrp.size() + 1 + words.size() + BECH32_CHECKSUM_LENGTH > BECH32_MAX_LENGTH)
        return Fail(Bech32Error::BAD_LENGTH);
    std::vector<uint8_t> values = ChecksumInput(hrp, words);
    values.resize(values.size() + BECH32_CHECKSUM_LENGTH, 0);
    const uint32_t mod = Polymod(values) ^ BECH32M_CONST;
    std::string out(hrp);
    out.reserve(hrp.size() + 1 + words.size() + BECH32_CHECKSUM_LENGTH);
    out.push_back('1');
    for (uint8_t w : words) out.push_back(CHARSET[w]);
    for (size_t i = 0; i < BECH32_CHECKSUM_LENGTH; ++i) out.push_back(CHARSET[(mod >> (5 * (5 - i))) & 31]);
    return out;
}

Result<Bech32Words, Bech32Error> Bech32mDecodeWords(std::string_view text) {
    bool lower = false, upper = false;
    for (char c : text) {
        if (c < 33 || c > 126) return Fail(Bech32Error::BAD_CHAR);  // char may be signed: >= 0x80 is < 33
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) return Fail(Bech32Error::MIXED_CASE);
    if (text.size() > BECH32_MAX_LENGTH) return Fail(Bech32Error::BAD_LENGTH);
    const size_t sep = text.rfind('1');
    if (sep == std::string_view::npos) return Fail(Bech32Error::NO_SEPARATOR);
    if (sep == 0) return Fail(Bech32Error::EMPTY_HRP);
    if (text.size() - sep - 1 < BECH32_CHECKSUM_LENGTH) return Fail(Bech32Error::BAD_LENGTH);
    Bech32Words out;
    out.hrp.reserve(sep);
    for (char c : text.substr(0, sep)) out.hrp.push_back(ToLower(c));
    out.words.reserve(text.size() - sep - 1);
    for (char c : text.substr(sep + 1)) {
        int v = CharValue(c);
        if (v < 0) return Fail(Bech32Error::BAD_CHAR);
        out.words.push_back(static_cast<uint8_t>(v));
    }
    const uint32_t mod = Polymod(ChecksumInput(out.hrp, out.words));
    if (mod != BECH32M_CONST) return Fail(mod == BECH32_CONST ? Bech32Error::BECH32_NOT_M : Bech32Error::BAD_CHECKSUM);
    out.words.resize(out.words.size() - BECH32_CHECKSUM_LENGTH);
    return out;
}

Result<std::string, Bech32Error> Bech32mEncode(std::string_view hrp, ByteView data) {
    std::vector<uint8_t> words;
    words.reserve((data.size() * 8 + 4) / 5);
    uint32_t acc = 0;
    unsigned bits = 0;
    for (uint8_t b : data) {
        acc = ((acc << 8) | b) & 0xfff;  // at most 4 + 8 bits are pending
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            words.push_back(static_cast<uint8_t>((acc >> bits) & 31));
        }
    }
    if (bits > 0) words.push_back(static_cast<uint8_t>((acc << (5 - bits)) & 31));
    return Bech32mEncodeWords(hrp, words);
}

Result<Bech32Data, Bech32Error> Bech32mDecode(std::string_view text) {
    auto decoded = Bech32mDecodeWords(text);
    if (!decoded) return Fail(decoded.error());
    Bech32Data out;
    out.hrp = std::move(decoded->hrp);
    out.data.reserve(decoded->words.size() * 5 / 8);
    uint32_t acc = 0;
    unsigned bits = 0;
    for (uint8_t w : decoded->words) {
        acc = ((acc << 5) | w) & 0xfff;  // at most 7 + 5 bits are pending
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.data.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
        }
    }
    // What is left is padding: fewer than 5 bits, all zero (BIP-173).
    if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) return Fail(Bech32Error::BAD_PADDING);
    return out;
}

}  // namespace folio
