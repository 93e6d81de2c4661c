#pragma once
// The one codec mechanism (docs/formats.md, "Field lists"): a struct lists its fields once with
// FOLIO_FIELDS(...) and gets its canonical encoding — each field in order, with the primitive
// encodings of docs/formats.md (u8/u16/u32/u64 little-endian fixed width, i64 as its
// two's-complement u64, bool 0/1, string/bytes varint-length-prefixed, 32/64-byte values raw,
// lists varint count then items, enums one byte, a variant one tag byte then the alternative's
// fields, a pair its two members). Every transaction body, event, record and certificate part is declared this way;
// only the envelopes (a transaction's version byte and trailing signature, a block's list of
// encoded transactions) frame field lists by hand.
//
// Decoding is strict and bounded:
//  - strings, byte strings and lists have a maximum length: MAX_FIELD_* by default, or the one
//    the field names with FOLIO_MAX(field, N) (a list's items too: FOLIO_MAX(field, N, ITEM_N));
//  - FOLIO_SORTED(field, N) is a list whose items must be strictly increasing by SortKey (so
//    unique and in one canonical order);
//  - an enum must be below EnumCount(T{}), which every enum used in a field list declares (found
//    by argument-dependent lookup; a missing one is a compile error);
//  - a variant's tag must name an alternative (FOLIO_TAGGED(field, OFFSET) when tag = index +
//    OFFSET);
//  - a struct with `bool DecodeCheck() const` is refused (BAD_VALUE) when it returns false.
// Pure; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/result.h>

namespace folio::protocol {

inline constexpr size_t MAX_FIELD_STRING = 1024;
inline constexpr size_t MAX_FIELD_BYTES = 32 * 1024;
inline constexpr size_t MAX_FIELD_LIST = 1024;

// ---- field modifiers (what FOLIO_MAX / FOLIO_SORTED / FOLIO_TAGGED expand to) ----
template <size_t N, size_t ITEM_N, class T>
struct BoundedField {
    T& v;
};
template <size_t N, class T>
struct SortedField {
    T& v;
};
template <size_t OFFSET, class T>
struct TaggedField {
    T& v;
};
template <size_t N, size_t ITEM_N = 0, class T>
BoundedField<N, ITEM_N, T> MaxLen(T& v) {
    return {v};
}
template <size_t N, class T>
SortedField<N, T> SortedList(T& v) {
    return {v};
}
template <size_t OFFSET, class T>
TaggedField<OFFSET, T> Tagged(T& v) {
    return {v};
}
#define FOLIO_MAX(field, ...) ::folio::protocol::MaxLen<__VA_ARGS__>(field)
#define FOLIO_SORTED(field, n) ::folio::protocol::SortedList<n>(field)
#define FOLIO_TAGGED(field, offset) ::folio::protocol::Tagged<offset>(field)

template <class T>
T& UnwrapField(T& v) {
    return v;
}
template <size_t N, size_t I, class T>
T& UnwrapField(const BoundedField<N, I, T>& f) {
    return f.v;
}
template <size_t N, class T>
T& UnwrapField(const SortedField<N, T>& f) {
    return f.v;
}
template <size_t O, class T>
T& UnwrapField(const TaggedField<O, T>& f) {
    return f.v;
}

// Visitors that understand the modifiers (the codec) declare `static constexpr bool FIELD_CODEC
// = true`; every other visitor (JSON rendering, comparisons) sees the plain fields.
template <class F, class... T>
void ApplyEachField(F& f, T&&... t) {
    if constexpr (requires { F::FIELD_CODEC; }) (f(t), ...);
    else (f(UnwrapField(t)), ...);
}
#define FOLIO_FIELDS(...)                                                                  \
    static constexpr const char* FieldNames() { return #__VA_ARGS__; }                     \
    template <class F_>                                                                    \
    void VisitFields(F_&& f_) {                                                            \
        ::folio::protocol::ApplyEachField(f_, __VA_ARGS__);                                \
    }                                                                                      \
    template <class F_>                                                                    \
    void VisitFields(F_&& f_) const {                                                      \
        ::folio::protocol::ApplyEachField(f_, __VA_ARGS__);                                \
    }

// The field names of a FOLIO_FIELDS list, in order, with the modifiers stripped
// ("FOLIO_MAX(title, MAX_TITLE)" -> "title").
std::vector<std::string> FieldNameList(std::string_view list);

// Sort key of FOLIO_SORTED items: the item itself unless an overload says otherwise.
template <class T>
const T& SortKey(const T& v) {
    return v;
}
template <class A, class B>
const A& SortKey(const std::pair<A, B>& p) {
    return p.first;
}

template <class T>
struct IsFieldModifier : std::false_type {};
template <size_t N, size_t I, class T>
struct IsFieldModifier<BoundedField<N, I, T>> : std::true_type {};
template <size_t N, class T>
struct IsFieldModifier<SortedField<N, T>> : std::true_type {};
template <size_t O, class T>
struct IsFieldModifier<TaggedField<O, T>> : std::true_type {};

template <class T>
struct IsVariant : std::false_type {};
template <class... A>
struct IsVariant<std::variant<A...>> : std::true_type {};
template <class A, class B>
struct IsVariant<std::pair<A, B>> : std::true_type {};  // (a pair is encoded by its own overload too)

struct FieldWriter {
    static constexpr bool FIELD_CODEC = true;
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
    template <class... A>
    void operator()(const std::variant<A...>& v) { WriteVariant(v, 0); }
    template <class A, class B>
    void operator()(const std::pair<A, B>& p) {
        (*this)(p.first);
        (*this)(p.second);
    }
    template <size_t N, size_t I, class T>
    void operator()(const BoundedField<N, I, T>& f) { (*this)(f.v); }
    template <size_t N, class T>
    void operator()(const SortedField<N, T>& f) { (*this)(f.v); }
    template <size_t O, class T>
    void operator()(const TaggedField<O, T>& f) { WriteVariant(f.v, O); }
    template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
    void operator()(const T& v) { w.U8(static_cast<uint8_t>(v)); }
    template <class T, std::enable_if_t<!std::is_enum_v<T> && !std::is_arithmetic_v<T> && !IsVariant<T>::value &&
                                            !IsFieldModifier<T>::value,
                                        int> = 0>
    void operator()(const T& v) { v.VisitFields(*this); }

private:
    template <class V>
    void WriteVariant(const V& v, size_t offset) {
        w.U8(static_cast<uint8_t>(v.index() + offset));
        std::visit([&](const auto& alt) { (*this)(alt); }, v);
    }
};

template <class T, class = void>
struct HasFields : std::false_type {};
template <class T>
struct HasFields<T, std::void_t<decltype(std::declval<const T&>().VisitFields(std::declval<FieldWriter&>()))>>
    : std::true_type {};

struct FieldReader {
    static constexpr bool FIELD_CODEC = true;
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
    void operator()(std::vector<T>& v) { ReadList(v, MAX_FIELD_LIST, 0); }
    template <class... A>
    void operator()(std::variant<A...>& v) { ReadVariant(v, 0); }
    template <class A, class B>
    void operator()(std::pair<A, B>& p) {
        (*this)(p.first);
        (*this)(p.second);
    }
    template <size_t N, size_t I, class T>
    void operator()(const BoundedField<N, I, T>& f) {
        if constexpr (std::is_same_v<T, std::string>) f.v = r.Str(N);
        else if constexpr (std::is_same_v<T, Bytes>) f.v = r.Blob(N);
        else ReadList(f.v, N, I);
    }
    template <size_t N, class T>
    void operator()(const SortedField<N, T>& f) {
        ReadList(f.v, N, 0);
        for (size_t i = 1; i < f.v.size() && r.ok(); ++i)
            if (!(SortKey(f.v[i - 1]) < SortKey(f.v[i]))) r.Fail(DecodeError::NON_CANONICAL);
    }
    template <size_t O, class T>
    void operator()(const TaggedField<O, T>& f) { ReadVariant(f.v, O); }
    template <class T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
    void operator()(T& v) {
        uint8_t x = r.U8();
        if (x >= EnumCount(T{})) r.Fail(DecodeError::BAD_VALUE);
        v = static_cast<T>(x);
    }
    template <class T, std::enable_if_t<!std::is_enum_v<T> && !std::is_arithmetic_v<T> && !IsVariant<T>::value &&
                                            !IsFieldModifier<T>::value,
                                        int> = 0>
    void operator()(T& v) {
        v.VisitFields(*this);
        if constexpr (requires { v.DecodeCheck(); })
            if (r.ok() && !v.DecodeCheck()) r.Fail(DecodeError::BAD_VALUE);
    }

private:
    template <class T>
    void ReadList(std::vector<T>& v, size_t max, size_t item_max) {
        size_t n = r.Length(max);
        v.clear();
        v.reserve(n);
        for (size_t i = 0; i < n && r.ok(); ++i) {
            T x{};
            if constexpr (std::is_same_v<T, std::string>) x = r.Str(item_max ? item_max : MAX_FIELD_STRING);
            else if constexpr (std::is_same_v<T, Bytes>) x = r.Blob(item_max ? item_max : MAX_FIELD_BYTES);
            else (*this)(x);
            v.push_back(std::move(x));
        }
    }
    template <class V, size_t I = 0>
    static V AlternativeAt(size_t i) {
        if constexpr (I + 1 < std::variant_size_v<V>) {
            if (i != I) return AlternativeAt<V, I + 1>(i);
        }
        return V{std::in_place_index<I>};
    }
    template <class V>
    void ReadVariant(V& v, size_t offset) {
        uint8_t tag = r.U8();
        if (!r.ok()) return;
        if (tag < offset || tag - offset >= std::variant_size_v<V>) {
            r.Fail(DecodeError::BAD_VALUE);
            return;
        }
        v = AlternativeAt<V>(tag - offset);
        std::visit([&](auto& alt) { (*this)(alt); }, v);
    }
};

template <class T>
void WriteFields(Writer& w, const T& v) {
    FieldWriter fw{w};
    v.VisitFields(fw);
}
// Reads `v`'s fields and applies its DecodeCheck.
template <class T>
void ReadFields(Reader& r, T& v) {
    FieldReader fr{r};
    fr(v);
}

// A record: u8 version 1, then the field list.
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
// A bare field list (no version byte): receipts and block headers, whose hashes are committed
// to as they are.
template <class T>
Bytes EncodeFieldList(const T& v) {
    Writer w;
    WriteFields(w, v);
    return w.Take();
}
template <class T>
Result<T, DecodeError> DecodeFieldList(ByteView b) {
    Reader r(b);
    T v{};
    ReadFields(r, v);
    if (!r.Finish()) return Fail(r.error());
    return v;
}

}  // namespace folio::protocol
