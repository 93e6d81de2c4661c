#pragma once
// Money: integer minor units of an ISO 4217 currency, exact decimal text, checked arithmetic
// and exact splitting by the largest-remainder method. No floating point anywhere.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <node/core/result.h>

namespace folio {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// Largest amount of any one currency held anywhere on the ledger (10^18 minor units), so the
// sum of two valid amounts never overflows int64 (Bitcoin's MoneyRange idea).
inline constexpr int64_t MAX_AMOUNT = 1'000'000'000'000'000'000;
inline bool AmountInRange(int64_t v) { return v >= 0 && v <= MAX_AMOUNT; }

// An ISO 4217 alphabetic code (three upper-case letters) known to the ledger.
struct Currency {
    char code[4] = {0, 0, 0, 0};
    uint8_t exponent = 0;  // minor-unit digits: JPY 0, USD 2, BHD 3

    std::string_view Code() const { return {code, 3}; }
    auto operator<=>(const Currency& o) const { return Code() <=> o.Code(); }
    bool operator==(const Currency& o) const { return Code() == o.Code(); }
};

// Looks a code up in the ISO 4217 table compiled into the node; nullopt if unknown.
std::optional<Currency> FindCurrency(std::string_view code);

enum class AmountError : uint8_t {
    SYNTAX,         // not digits[.digits]
    TOO_PRECISE,    // more fraction digits than the currency's exponent
    OUT_OF_RANGE,   // above MAX_AMOUNT
    UNKNOWN_CURRENCY,
};
const char* AmountErrorName(AmountError e);

// Parses "1234.56" for the currency's exponent into minor units (123456). Accepts fewer fraction
// digits than the exponent ("1.5" USD = 150); rejects signs, exponents, spaces and extra digits.
Result<int64_t, AmountError> ParseAmount(std::string_view text, const Currency& cur);
// Formats minor units with exactly `exponent` fraction digits ("12.30"); negative values get '-'.
std::string FormatAmount(int64_t minor, const Currency& cur);

// Checked arithmetic within [0, MAX_AMOUNT]; nullopt on overflow or underflow.
std::optional<int64_t> AddAmount(int64_t a, int64_t b);
std::optional<int64_t> SubAmount(int64_t a, int64_t b);

// floor(a * b / c) with a 128-bit intermediate; c must be > 0. nullopt if the result exceeds int64.
std::optional<int64_t> MulDivFloor(int64_t a, int64_t b, int64_t c);

// Splits `amount` (>= 0) among `weights` (each >= 0, sum > 0) by the largest-remainder method:
// part_i = floor(amount * w_i / W), then the leftover units go one each to the parts with the
// largest remainders (amount * w_i mod W); ties go to the lower index. The parts sum to `amount`
// exactly. Returns an empty vector if the weights sum to zero.
std::vector<int64_t> SplitLargestRemainder(int64_t amount, const std::vector<uint64_t>& weights);

inline constexpr uint32_t BPS_TOTAL = 10000;

}  // namespace folio
