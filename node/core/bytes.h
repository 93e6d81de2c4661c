#pragma once
// Byte strings, fixed-size byte arrays and hex conversion.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace folio {

// v as 8 bytes, most significant first: keys that sort numerically (state and store keys).
inline std::vector<uint8_t> BigEndian64(uint64_t v) {
    std::vector<uint8_t> b(8);
    for (int i = 7; i >= 0; --i) {
        b[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
        v >>= 8;
    }
    return b;
}

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Lowercase hex of the bytes.
std::string ToHex(ByteView b);
// Parses hex (either case, even length, optional "0x" prefix); nullopt on any bad character.
std::optional<Bytes> FromHex(std::string_view hex);

// A fixed-size byte array with value semantics, ordered lexicographically.
template <size_t N>
struct FixedBytes {
    std::array<uint8_t, N> data{};

    static constexpr size_t SIZE = N;
    uint8_t* begin() { return data.data(); }
    uint8_t* end() { return data.data() + N; }
    const uint8_t* begin() const { return data.data(); }
    const uint8_t* end() const { return data.data() + N; }
    ByteView view() const { return {data.data(), N}; }
    std::string hex() const { return ToHex(view()); }
    bool IsZero() const {
        for (uint8_t b : data) if (b) return false;
        return true;
    }
    static std::optional<FixedBytes> FromHexStr(std::string_view s) {
        auto b = FromHex(s);
        if (!b || b->size() != N) return std::nullopt;
        FixedBytes out;
        std::copy(b->begin(), b->end(), out.data.begin());
        return out;
    }
    static FixedBytes FromView(ByteView v) {  // caller guarantees v.size() == N
        FixedBytes out;
        std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(N), out.data.begin());
        return out;
    }
    auto operator<=>(const FixedBytes&) const = default;
    bool operator==(const FixedBytes&) const = default;
};

}  // namespace folio
