#include <doctest/doctest.h>

#include <node/core/amount.h>

#include <random>

using namespace folio;

TEST_CASE("currency exponents from ISO 4217") {
    CHECK(FindCurrency("JPY")->exponent == 0);
    CHECK(FindCurrency("USD")->exponent == 2);
    CHECK(FindCurrency("BHD")->exponent == 3);
    CHECK_FALSE(FindCurrency("usd"));
    CHECK_FALSE(FindCurrency("XXX"));
    CHECK_FALSE(FindCurrency("US"));
}

TEST_CASE("decimal parse and format are exact") {
    Currency usd = *FindCurrency("USD"), jpy = *FindCurrency("JPY"), bhd = *FindCurrency("BHD");
    CHECK(ParseAmount("1234.56", usd).value() == 123456);
    CHECK(ParseAmount("1.5", usd).value() == 150);
    CHECK(ParseAmount("7", usd).value() == 700);
    CHECK(ParseAmount("0.001", bhd).value() == 1);
    CHECK(ParseAmount("1000", jpy).value() == 1000);
    CHECK(FormatAmount(123456, usd) == "1234.56");
    CHECK(FormatAmount(5, usd) == "0.05");
    CHECK(FormatAmount(0, usd) == "0.00");
    CHECK(FormatAmount(1000, jpy) == "1000");
    CHECK(FormatAmount(1, bhd) == "0.001");
    CHECK(FormatAmount(-150, usd) == "-1.50");
    CHECK(ParseAmount("1.234", usd).error() == AmountError::TOO_PRECISE);
    CHECK(ParseAmount("1.5", jpy).error() == AmountError::TOO_PRECISE);
    for (const char* bad : {"", "-1", "+1", "1e3", "1.", ".5", "1,00", " 1", "0x10", "1.2.3"})
        CHECK(ParseAmount(bad, usd).error() == AmountError::SYNTAX);
    CHECK(ParseAmount("10000000000000000.01", usd).error() == AmountError::OUT_OF_RANGE);
    CHECK(ParseAmount("10000000000000000.00", usd).value() == MAX_AMOUNT);
}

TEST_CASE("checked arithmetic stays in range") {
    CHECK(AddAmount(MAX_AMOUNT, 0) == MAX_AMOUNT);
    CHECK_FALSE(AddAmount(MAX_AMOUNT, 1));
    CHECK_FALSE(SubAmount(1, 2));
    CHECK_FALSE(AddAmount(-1, 1));
    CHECK(MulDivFloor(MAX_AMOUNT, 9999, 10000) == 999900000000000000);
    CHECK(MulDivFloor(-7, 1, 2) == -4);
    CHECK_FALSE(MulDivFloor(1, 1, 0));
}

TEST_CASE("largest-remainder split: exact, deterministic tie-break") {
    auto p = SplitLargestRemainder(100, {3333, 3333, 3334});
    CHECK(p == std::vector<int64_t>{33, 33, 34});
    p = SplitLargestRemainder(1, {5000, 5000});
    CHECK(p == std::vector<int64_t>{1, 0});  // tie goes to the lower index
    p = SplitLargestRemainder(2, {1, 1, 1});
    CHECK(p == std::vector<int64_t>{1, 1, 0});
    CHECK(SplitLargestRemainder(10, {0, 0}).empty());
    CHECK(SplitLargestRemainder(MAX_AMOUNT, {1, 1, 1}) ==
          std::vector<int64_t>{333333333333333334, 333333333333333333, 333333333333333333});

    std::mt19937_64 rng(42);
    for (int i = 0; i < 20000; ++i) {
        size_t n = 1 + rng() % 12;
        std::vector<uint64_t> w(n);
        for (auto& x : w) x = rng() % 10001;
        w[0] += 1;
        int64_t amount = static_cast<int64_t>(rng() % static_cast<uint64_t>(MAX_AMOUNT + 1));
        if (i % 3 == 0) amount = static_cast<int64_t>(rng() % 1000);
        auto parts = SplitLargestRemainder(amount, w);
        REQUIRE(parts.size() == n);
        Int128 sum = 0;
        for (auto x : parts) { CHECK(x >= 0); sum += x; }
        CHECK(sum == amount);
    }
}
