#include <node/core/bytes.h>

namespace folio {

std::string ToHex(ByteView b) {
    static constexpr char DIGITS[] = "0123456789abcdef";
    std::string out;
    out.resize(b.size() * 2);
    for (size_t i = 0; i < b.size(); ++i) {
        out[2 * i] = DIGITS[b[i] >> 4];
        out[2 * i + 1] = DIGITS[b[i] & 0xf];
    }
    return out;
}

static int HexVal(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<Bytes> FromHex(std::string_view hex) {
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    if (hex.size() % 2) return std::nullopt;
    Bytes out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        int hi = HexVal(hex[2 * i]), lo = HexVal(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

}  // namespace folio
