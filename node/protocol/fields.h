#pragma once
// Field-list codecs for ledger records and transaction bodies added with settlement: a struct lists
// its fields once with FOLIO_FIELDS(...) and gets a canonical encoding — each field in order, with
// the primitive encodings of docs/formats.md (u8/u16/u32/u64 little-endian fixed width, i64 as its
// two's-complement u64, bool 0/1, string/bytes varint-length-prefixed, 32/64-byte values raw,
// lists varint count then items). Pure; thread-safe.
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/result.h>

namespace folio::protocol {

inline constexpr size_t MAX_FIELD_STRING = 1024;
inline constexpr size_t MAX_FIELD_BYTES = 32 * 1024;
inline constexpr size_t MAX_FIELD_LIST = 1024;

template <class F, class... T>
void ApplyEachField(F& f, T&... t) {
    (f(t), ...);
}
#define FOLIO_FIELDS(...)                                                                  \
    static constexpr const char* FieldNames() { return #__VA_ARGS__; }                     \
    template <class F_>                                                                    \
    void VisitFields(F_&& f_) {                                                            \
        ::folio::protocol::ApplyEachField(f_, __VA_ARGS__);                                   \
    }                                                                                      \
    template <class F_>                                                                    \
    void VisitFields(F_&& f_) const {                                                      \
        ::folio::protocol::ApplyEachField(f_, __VA_ARGS__);                                   \
    }

struct FieldWriter {
    Writer& w;
    void operator()(const uint8_t& v) { w.U8(v); }
    void operator()(const uint16_t& v) { w.U16(v); }
    void operator()(const uint32_t& v) { w.U32(v); }
    void operator()(const uint64_t& v) { w.U64(v); }
    void operator()(const int64_t& v) { w.I64(v); }
    void operator()(const bool& v) { w.Bool(v); }
    void operator()(const std::string& v) { w.Str(v); }
    void operator()(const Bytes& v) { w.Blob(v); }
    template <size_t N>
    void operator()(const FixedBytes<N>& v) { w.Fixed(v); }
    template <class T>
    void operator()(const std::vector<T>& v) {
        w.Varint(v.size());
        for (const T& x : v) (*this)(x);
    }
    template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
    void operator()(const T& v) { w.U8(static_cast<uint8_t>(v)); }
    template <class T, std::enable_if_t<!std::is_enum_v<T> && !std::is_arithmetic_v<T>, int> = 0>
    void operator()(const T& v) { v.VisitFields(*this); }
};

template <class T, class = void>
struct HasFields : std::false_type {};
template <class T>
struct HasFields<T, std::void_t<decltype(std::declval<const T&>().VisitFields(std::declval<FieldWriter&>()))>>
    : std::true_type {};

struct FieldReader {
    Reader& r;
    void operator()(uint8_t& v) { v = r.U8(); }
    void operator()(uint16_t& v) { v = r.U16(); }
    void operator()(uint32_t& v) { v = r.U32(); }
    void operator()(uint64_t& v) { v = r.U64(); }
    void operator()(int64_t& v) { v = r.I64(); }
    void operator()(bool& v) { v = r.Bool(); }
    void operator()(std::string& v) { v = r.Str(MAX_FIELD_STRING); }
    void operator()(Bytes& v) { v = r.Blob(MAX_FIELD_BYTES); }
    template <size_t N>
    void operator()(FixedBytes<N>& v) { v = r.Fixed<N>(); }
    template <class T>
    void operator()(std::vector<T>& v) {
        size_t n = r.Length(MAX_FIELD_LIST);
        v.clear();
        for (size_t i = 0; i < n && r.ok(); ++i) {
            T x{};
            (*this)(x);
            v.push_back(std::move(x));
        }
    }
    // Enums are one byte; the record's own validation checks the range.
    template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
    void operator()(T& v) { v = static_cast<T>(r.U8()); }
    template <class T, std::enable_if_t<!std::is_enum_v<T> && !std::is_arithmetic_v<T>, int> = 0>
    void operator()(T& v) { v.VisitFields(*this); }
};

template <class T>
void WriteFields(Writer& w, const T& v) {
    FieldWriter fw{w};
    v.VisitFields(fw);
}
template <class T>
void ReadFields(Reader& r, T& v) {
    FieldReader fr{r};
    v.VisitFields(fr);
}
template <class T>
Bytes EncodeFields(const T& v) {
    Writer w;
    w.U8(1);  // record version
    WriteFields(w, v);
    return w.Take();
}
template <class T>
Result<T, DecodeError> DecodeFields(ByteView b) {
    Reader r(b);
    T v{};
    if (r.U8() != 1) r.Fail(DecodeError::BAD_VALUE);
    ReadFields(r, v);
    if (!r.Finish()) return Fail(r.error());
    return v;
}

}  // namespace folio::protocol
