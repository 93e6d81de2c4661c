// The pure helpers of the `folio` commands (cli/args.h): argument text -> exact values and
// transaction bodies.
#include <algorithm>

#include <doctest/doctest.h>

#include <cli/args.h>
#include <node/state/settlement.h>
#include <vm/abi.h>

using namespace folio;
using namespace folio::cli;
using namespace folio::protocol;

namespace {
Address Addr(uint8_t seed) {
    SecretKey sk;
    sk.data.fill(seed);
    return *DerivePublicKey(sk);
}
}  // namespace

TEST_CASE("amounts parse exactly in the currency's minor units") {
    CHECK(ParseMoney("1000.00", "USD").amount == 100000);
    CHECK(ParseMoney("1.5", "usd").amount == 150);
    CHECK(ParseMoney("1.5", "usd").currency == "USD");
    CHECK(ParseMoney("100", "JPY").amount == 100);
    CHECK(ParseMoney("1.234", "BHD").amount == 1234);
    CHECK_THROWS_AS(ParseMoney("1.001", "USD"), UsageError);
    CHECK_THROWS_AS(ParseMoney("1.5", "JPY"), UsageError);
    CHECK_THROWS_AS(ParseMoney("-1", "USD"), UsageError);
    CHECK_THROWS_AS(ParseMoney("1e3", "USD"), UsageError);
    CHECK_THROWS_AS(ParseMoney("0", "USD"), UsageError);
    CHECK(ParseMoney("0", "USD", true).amount == 0);
    CHECK_THROWS_AS(ParseMoney("1", "XYZ"), UsageError);
    CHECK(ParseMoneyPair("12.30 EUR").amount == 1230);
    CHECK_THROWS_AS(ParseMoneyPair("12.30"), UsageError);
    CHECK(SubtractDecimal("12.30", "1.23", "USD") == "11.07");
    CHECK(FormatMoney(1230, "USD") == "12.30");
}

TEST_CASE("FX rates are exact rationals") {
    CHECK(ParseRate("5.4321") == std::pair<uint64_t, uint64_t>{54321, 10000});
    CHECK(ParseRate("54321/10000") == std::pair<uint64_t, uint64_t>{54321, 10000});
    CHECK(ParseRate("5") == std::pair<uint64_t, uint64_t>{5, 1});
    CHECK(ParseRate("0.50") == std::pair<uint64_t, uint64_t>{50, 100});
    CHECK_THROWS_AS(ParseRate("0"), UsageError);
    CHECK_THROWS_AS(ParseRate("1/0"), UsageError);
    CHECK_THROWS_AS(ParseRate("5.4e3"), UsageError);
    CHECK_THROWS_AS(ParseRate("-5"), UsageError);
    CHECK_THROWS_AS(ParseRate("1.0000000000000000001"), UsageError);
}

TEST_CASE("times are RFC 3339 or unix seconds") {
    CHECK(ParseTimeMs("1700000000") == 1700000000000ull);
    CHECK(ParseTimeMs("2026-12-01T00:00:00Z") == 1796083200000ull);
    CHECK(FormatTimeRfc3339(1796083200000ull) == "2026-12-01T00:00:00Z");
    CHECK_THROWS_AS(ParseTimeMs("yesterday"), UsageError);
    CHECK_THROWS_AS(ParseTimeMs("2026-12-01T00:00:00Zjunk"), UsageError);
}

TEST_CASE("licence terms: territories sorted and unique, WW alone with exclusions") {
    TermsInput in;
    in.territories = "fr,DE,FR";
    in.rights = "stream,download";
    in.start_ms = 1000;
    in.end_ms = 2000;
    LicenceTerms t = BuildTerms(in);
    CHECK(t.territories == std::vector<std::string>{"DE", "FR"});
    CHECK(t.rights == (RIGHT_STREAM | RIGHT_DOWNLOAD));
    CHECK(t.fee_amount == 0);
    CHECK(t.fee_currency.empty());

    in.territories = "WW";
    in.exclude = "US,CA";
    in.fee = "10.00 USD";
    in.royalty_bps = 500;
    t = BuildTerms(in);
    CHECK(t.territories == std::vector<std::string>{"WW"});
    CHECK(t.excluded == std::vector<std::string>{"CA", "US"});
    CHECK(t.fee_currency == "USD");
    CHECK(t.fee_amount == 1000);
    CHECK(t.royalty_bps == 500);

    in.territories = "WW,FR";
    CHECK_THROWS_AS(BuildTerms(in), UsageError);
    in.territories = "FR";  // exclusions only with WW
    CHECK_THROWS_AS(BuildTerms(in), UsageError);
    in.exclude.clear();
    in.territories = "XX";
    CHECK_THROWS_AS(BuildTerms(in), UsageError);
    in.territories = "FR";
    in.rights = "stream,fly";
    CHECK_THROWS_AS(BuildTerms(in), UsageError);
    in.rights = "stream";
    in.end_ms = in.start_ms;
    CHECK_THROWS_AS(BuildTerms(in), UsageError);
}

TEST_CASE("owners and pool entries are sorted and checked") {
    Address a = Addr(1), b = Addr(2);
    auto shares = ParseShares({b.hex() + ":4000", a.hex() + ":6000"});
    REQUIRE(shares.size() == 2);
    CHECK(shares[0].owner < shares[1].owner);
    CHECK_THROWS_AS(ParseShares({a.hex() + ":5000"}), UsageError);
    CHECK_THROWS_AS(ParseShares({a.hex() + ":5000", a.hex() + ":5000"}), UsageError);
    CHECK_THROWS_AS(ParseShares({a.hex() + ":0", b.hex() + ":10000"}), UsageError);

    auto pool = ParsePoolEntries({"7:300", "2:120"});
    REQUIRE(pool.size() == 2);
    CHECK(pool[0].work == 2);
    CHECK(pool[0].seconds == 120);
    CHECK(pool[1].work == 7);
    CHECK_THROWS_AS(ParsePoolEntries({"2:1", "2:5"}), UsageError);
    CHECK_THROWS_AS(ParsePoolEntries({"2:0"}), UsageError);
    CHECK_THROWS_AS(ParsePoolEntries({"2"}), UsageError);
}

TEST_CASE("tax contract calls pack countries little-endian") {
    CHECK(PackCountry("BR") == ('B' | ('R' << 8)));
    CHECK(PackCurrency("USD") == ('U' | ('S' << 8) | ('D' << 16)));
    Bytes call = TaxSetRateCall("BR", ParseIncomeType("royalty"), "", 1500, 0, 0);
    auto expect = vm::EncodeCallChecked("set_rate(int,int,int,int,int,int)",
                                        {int64_t{'B' | ('R' << 8)}, int64_t{1}, int64_t{0}, int64_t{1500}, int64_t{0}, int64_t{0}});
    REQUIRE(expect);
    CHECK(call == *expect);
    auto treaty = vm::EncodeCallChecked("set_treaty(int,int,int,int,int,int)",
                                        {PackCountry("BR"), PackCountry("US"), int64_t{2}, int64_t{1000}, int64_t{5000}, int64_t{0}});
    CHECK(TaxSetTreatyCall("BR", "US", 2, 1000, 5000, 0) == *treaty);
    CHECK_THROWS_AS(TaxSetRateCall("BR", 1, "", 1, 5000, 5000), UsageError);
    CHECK_THROWS_AS(ParseIncomeType("salary"), UsageError);
}

TEST_CASE("sealed-bid commitment is SHA-256(amount LE || salt || bidder)") {
    Hash256 salt;
    salt.data.fill(7);
    Address bidder = Addr(3);
    Bytes msg;
    int64_t amount = 0x0102030405;
    for (int i = 0; i < 8; ++i) msg.push_back(static_cast<uint8_t>(static_cast<uint64_t>(amount) >> (8 * i)));
    msg.insert(msg.end(), salt.data.begin(), salt.data.end());
    msg.insert(msg.end(), bidder.data.begin(), bidder.data.end());
    CHECK(SealedCommitment(amount, salt, bidder) == Sha256Of(msg));
    Bytes commit = AuctionCommitCall(SealedCommitment(amount, salt, bidder));
    CHECK(commit.size() == 4 + 4 + 32);
}
