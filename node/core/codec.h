#pragma once
// The canonical binary codec. Everything that is hashed or signed is encoded with it; each value
// has exactly one encoding and the decoder rejects every other byte string (docs/formats.md).
//   u8/u16/u32/u64  fixed width, little-endian        i64  two's complement, 8 bytes LE
//   varint          unsigned LEB128, minimal (no redundant 0x80 groups), at most 10 bytes
//   bool            one byte, 0x00 or 0x01
//   bytes/string    varint length, then the bytes (strings must be valid UTF-8)
//   FixedBytes<N>   the N bytes          optional<T>  0x00, or 0x01 then T
//   list<T>         varint count, then the items
// Writer and Reader are plain values, not thread-safe per object.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/result.h>

namespace folio {

enum class DecodeError : uint8_t {
    NONE = 0,
    TRUNCATED,      // the input ended inside a value
    NON_CANONICAL,  // overlong varint, bool other than 0/1, unsorted or duplicate set members
    BAD_VALUE,      // unknown tag, out-of-range field, invalid UTF-8, rule of the structure
    TOO_LONG,       // a length or count over its limit
    TRAILING_BYTES  // bytes left after the value
};
const char* DecodeErrorName(DecodeError e);

class Writer {
public:
    // Pre-allocates room for `n` more bytes.
    void Reserve(size_t n) { m_out.reserve(m_out.size() + n); }
    void U8(uint8_t v) { m_out.push_back(v); }
    void U16(uint16_t v);
    void U32(uint32_t v);
    void U64(uint64_t v);
    void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
    void Varint(uint64_t v);
    void Bool(bool v) { U8(v ? 1 : 0); }
    void Raw(ByteView b) { m_out.insert(m_out.end(), b.begin(), b.end()); }
    void Blob(ByteView b) { Varint(b.size()); Raw(b); }
    void Str(std::string_view s) { Blob(AsBytes(s)); }
    template <size_t N>
    void Fixed(const FixedBytes<N>& f) { Raw(f.view()); }

    const Bytes& bytes() const { return m_out; }
    Bytes Take() { return std::move(m_out); }

private:
    Bytes m_out;
};

// Reader with a sticky error: after the first failure every read returns a zero value and
// error() names the first failure.
class Reader {
public:
    explicit Reader(ByteView in) : m_in(in) {}
    uint8_t U8();
    uint16_t U16();
    uint32_t U32();
    uint64_t U64();
    int64_t I64() { return static_cast<int64_t>(U64()); }
    uint64_t Varint();
    bool Bool();
    // A varint length/count that must be <= max.
    size_t Length(size_t max);
    Bytes Blob(size_t max_len);
    std::string Str(size_t max_len);
    template <size_t N>
    FixedBytes<N> Fixed() {
        FixedBytes<N> f;
        if (!Need(N)) return f;
        std::copy(m_in.begin() + static_cast<std::ptrdiff_t>(m_pos),
                  m_in.begin() + static_cast<std::ptrdiff_t>(m_pos + N), f.data.begin());
        m_pos += N;
        return f;
    }
    // Records an error (the first one wins).
    void Fail(DecodeError e) { if (m_err == DecodeError::NONE) m_err = e; }
    bool ok() const { return m_err == DecodeError::NONE; }
    DecodeError error() const { return m_err; }
    size_t remaining() const { return m_in.size() - m_pos; }
    size_t position() const { return m_pos; }
    // Fails with TRAILING_BYTES unless the input is fully consumed; returns ok().
    bool Finish() {
        if (ok() && remaining() != 0) Fail(DecodeError::TRAILING_BYTES);
        return ok();
    }

private:
    bool Need(size_t n) {
        if (!ok()) return false;
        if (remaining() < n) { Fail(DecodeError::TRUNCATED); return false; }
        return true;
    }
    ByteView m_in;
    size_t m_pos = 0;
    DecodeError m_err = DecodeError::NONE;
};

bool IsValidUtf8(std::string_view s);

}  // namespace folio
