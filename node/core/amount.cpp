#include <node/core/amount.h>

#include <algorithm>
#include <array>
#include <numeric>

namespace folio {
namespace {

struct CurrencyRow {
    const char* code;
    uint8_t exponent;
};

// ISO 4217 active codes with their minor-unit exponents (sorted by code for binary search).
constexpr std::array<CurrencyRow, 62> CURRENCIES{{
    {"AED", 2}, {"ARS", 2}, {"AUD", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2},
    {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CZK", 2}, {"DKK", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2},
    {"GHS", 2}, {"HKD", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"ISK", 0},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3}, {"MAD", 2}, {"MXN", 2},
    {"MYR", 2}, {"NGN", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PEN", 2}, {"PHP", 2}, {"PKR", 2},
    {"PLN", 2}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2},
    {"THB", 2}, {"TND", 3}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2},
    {"VND", 0}, {"XAF", 0}, {"XOF", 0}, {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
}};

}  // namespace

std::optional<Currency> FindCurrency(std::string_view code) {
    if (code.size() != 3) return std::nullopt;
    auto it = std::lower_bound(CURRENCIES.begin(), CURRENCIES.end(), code,
                               [](const CurrencyRow& r, std::string_view c) { return std::string_view(r.code, 3) < c; });
    if (it == CURRENCIES.end() || std::string_view(it->code, 3) != code) return std::nullopt;
    Currency c;
    std::copy(code.begin(), code.end(), c.code);
    c.exponent = it->exponent;
    return c;
}

const char* AmountErrorName(AmountError e) {
    switch (e) {
        case AmountError::SYNTAX: return "amount must be digits with an optional decimal point";
        case AmountError::TOO_PRECISE: return "more decimal places than the currency allows";
        case AmountError::OUT_OF_RANGE: return "amount out of range";
        case AmountError::UNKNOWN_CURRENCY: return "unknown currency";
    }
    return "bad amount";
}

Result<int64_t, AmountError> ParseAmount(std::string_view text, const Currency& cur) {
    if (text.empty()) return Fail(AmountError::SYNTAX);
    size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty()) return Fail(AmountError::SYNTAX);
    if (dot != std::string_view::npos && frac.empty()) return Fail(AmountError::SYNTAX);
    auto all_digits = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!all_digits(whole) || !all_digits(frac)) return Fail(AmountError::SYNTAX);
    if (frac.size() > cur.exponent) return Fail(AmountError::TOO_PRECISE);
    UInt128 v = 0;
    for (char c : whole) {
        v = v * 10 + static_cast<unsigned>(c - '0');
        if (v > static_cast<UInt128>(MAX_AMOUNT)) return Fail(AmountError::OUT_OF_RANGE);
    }
    for (size_t i = 0; i < cur.exponent; ++i) {
        v = v * 10 + (i < frac.size() ? static_cast<unsigned>(frac[i] - '0') : 0u);
        if (v > static_cast<UInt128>(MAX_AMOUNT)) return Fail(AmountError::OUT_OF_RANGE);
    }
    return static_cast<int64_t>(v);
}

std::string FormatAmount(int64_t minor, const Currency& cur) {
    bool neg = minor < 0;
    UInt128 v = neg ? static_cast<UInt128>(-static_cast<Int128>(minor)) : static_cast<UInt128>(minor);
    std::string digits;
    do {
        digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    } while (v);
    while (digits.size() <= cur.exponent) digits.push_back('0');
    std::reverse(digits.begin(), digits.end());
    if (cur.exponent) digits.insert(digits.end() - cur.exponent, '.');
    return neg ? "-" + digits : digits;
}

std::optional<int64_t> AddAmount(int64_t a, int64_t b) {
    if (!AmountInRange(a) || !AmountInRange(b)) return std::nullopt;
    int64_t s = a + b;  // cannot overflow: both <= 10^18
    if (s > MAX_AMOUNT) return std::nullopt;
    return s;
}

std::optional<int64_t> SubAmount(int64_t a, int64_t b) {
    if (!AmountInRange(a) || !AmountInRange(b) || b > a) return std::nullopt;
    return a - b;
}

std::optional<int64_t> MulDivFloor(int64_t a, int64_t b, int64_t c) {
    if (c <= 0) return std::nullopt;
    Int128 p = static_cast<Int128>(a) * b;
    Int128 q = p / c;
    if (p % c != 0 && p < 0) --q;  // floor for negatives
    if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
    return static_cast<int64_t>(q);
}

std::vector<int64_t> SplitLargestRemainder(int64_t amount, const std::vector<uint64_t>& weights) {
    UInt128 total = 0;
    for (uint64_t w : weights) total += w;
    if (total == 0 || amount < 0) return {};
    std::vector<int64_t> parts(weights.size());
    std::vector<UInt128> rem(weights.size());
    UInt128 assigned = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
        UInt128 p = static_cast<UInt128>(amount) * weights[i];
        parts[i] = static_cast<int64_t>(p / total);
        rem[i] = p % total;
        assigned += static_cast<UInt128>(parts[i]);
    }
    auto left = static_cast<size_t>(static_cast<UInt128>(amount) - assigned);  // < weights.size()
    std::vector<size_t> order(weights.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return rem[x] > rem[y]; });
    for (size_t k = 0; k < left; ++k) ++parts[order[k]];
    return parts;
}

}  // namespace folio
