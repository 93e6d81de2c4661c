#include <node/core/codec.h>

namespace folio {

const char* DecodeErrorName(DecodeError e) {
    switch (e) {
        case DecodeError::NONE: return "none";
        case DecodeError::TRUNCATED: return "truncated";
        case DecodeError::NON_CANONICAL: return "non_canonical";
        case DecodeError::BAD_VALUE: return "bad_value";
        case DecodeError::TOO_LONG: return "too_long";
        case DecodeError::TRAILING_BYTES: return "trailing_bytes";
    }
    return "unknown";
}

namespace {
template <size_t N, typename T>
void PutLe(Bytes& out, T v) {
    uint8_t b[N];
    for (size_t i = 0; i < N; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    out.insert(out.end(), b, b + N);
}
}  // namespace

void Writer::U16(uint16_t v) { PutLe<2>(m_out, v); }
void Writer::U32(uint32_t v) { PutLe<4>(m_out, v); }
void Writer::U64(uint64_t v) { PutLe<8>(m_out, v); }
void Writer::Varint(uint64_t v) {
    while (v >= 0x80) {
        m_out.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    m_out.push_back(static_cast<uint8_t>(v));
}

uint8_t Reader::U8() {
    if (!Need(1)) return 0;
    return m_in[m_pos++];
}
uint16_t Reader::U16() {
    if (!Need(2)) return 0;
    uint16_t v = static_cast<uint16_t>(m_in[m_pos] | m_in[m_pos + 1] << 8);
    m_pos += 2;
    return v;
}
uint32_t Reader::U32() {
    if (!Need(4)) return 0;
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | m_in[m_pos + static_cast<size_t>(i)];
    m_pos += 4;
    return v;
}
uint64_t Reader::U64() {
    if (!Need(8)) return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | m_in[m_pos + static_cast<size_t>(i)];
    m_pos += 8;
    return v;
}
uint64_t Reader::Varint() {
    uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
        if (!Need(1)) return 0;
        uint8_t b = m_in[m_pos++];
        if (i == 9 && b > 1) { Fail(DecodeError::NON_CANONICAL); return 0; }  // > 64 bits
        v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (b == 0 && i > 0) { Fail(DecodeError::NON_CANONICAL); return 0; }  // overlong
            return v;
        }
    }
    Fail(DecodeError::NON_CANONICAL);
    return 0;
}
bool Reader::Bool() {
    uint8_t b = U8();
    if (b > 1) { Fail(DecodeError::NON_CANONICAL); return false; }
    return b == 1;
}
size_t Reader::Length(size_t max) {
    uint64_t n = Varint();
    if (!ok()) return 0;
    if (n > max) { Fail(DecodeError::TOO_LONG); return 0; }
    return static_cast<size_t>(n);
}
Bytes Reader::Blob(size_t max_len) {
    size_t n = Length(max_len);
    if (!Need(n)) return {};
    Bytes out(m_in.begin() + static_cast<std::ptrdiff_t>(m_pos), m_in.begin() + static_cast<std::ptrdiff_t>(m_pos + n));
    m_pos += n;
    return out;
}
std::string Reader::Str(size_t max_len) {
    Bytes b = Blob(max_len);
    std::string s(b.begin(), b.end());
    if (ok() && !IsValidUtf8(s)) { Fail(DecodeError::BAD_VALUE); return {}; }
    return s;
}

bool IsValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<uint8_t>(s[i]);
        size_t n;
        uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
        else return false;
        if (i + n >= s.size()) return false;  // the sequence runs past the end
        for (size_t k = 1; k <= n; ++k) {
            auto cc = static_cast<uint8_t>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = cp << 6 | (cc & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;  // overlong
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace folio
