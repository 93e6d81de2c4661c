// The standard contracts the node embeds (contracts/*.bin) and deploys at genesis: their code
// hashes are part of every chain's genesis state, so they are pinned here.
#include <doctest/doctest.h>

#include <string>

#include <node/state/contracts.h>
#include <vm/code.h>

using namespace folio;
using namespace folio::state;

TEST_CASE("standard contracts: the embedded bytecode validates and keeps its code hashes") {
    struct Pin {
        StandardContract c;
        const char* code_hash;
    };
    const Pin pins[] = {
        {StandardContract::REVENUE_SPLIT, "caeb6817b5a967a1d9daa7405c5f9077a1d09c847066e4221a2e74f90a5f35df"},
        {StandardContract::TAX_WITHHOLDING, "179dbb921c9b1ba77d88b3e6a05af9e0a2b3ebef8ff915763bc15e638ff7e7b8"},
        {StandardContract::AUCTION, "a022ee5fb3300b6e709dd2404e98ee5f8ae374c2fb9d625718aedab35717e718"},
    };
    for (const Pin& p : pins) {
        CAPTURE(static_cast<int>(p.c));
        REQUIRE_FALSE(StandardCode(p.c).empty());
        CHECK(folio::vm::Validate(StandardCode(p.c)));
        CHECK(StandardCodeHash(p.c) == folio::vm::CodeHash(StandardCode(p.c)));
        CHECK(StandardCodeHash(p.c).hex() == std::string(p.code_hash));
    }
}

TEST_CASE("auction refusals: the revert reason becomes a sentence with the figures") {
    auto data = [](std::string_view code, std::initializer_list<int64_t> figures) {
        Bytes b(8, 0);
        for (size_t i = 0; i < code.size(); ++i) b[i] = static_cast<uint8_t>(code[i]);
        for (int64_t v : figures)
            for (size_t i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i)));
        return b;
    };
    CHECK(AuctionRefusal(data("bid_low", {105000, 115000}), "BRL") ==
          "bid 1050.00 BRL is below the minimum 1150.00 BRL (the highest bid plus the increment) [bid_low]");
    CHECK(AuctionRefusal(data("reserve", {99, 100}), "JPY") == "bid 99 JPY is below the reserve 100 JPY [reserve]");
    CHECK(AuctionRefusal(data("price", {79900, 80000}), "USD") == "bid 799.00 USD is below the current price 800.00 USD [price]");
    CHECK(AuctionRefusal(data("ended", {1796083200000}), "USD") == "bidding ended at 2026-12-01T00:00:00Z [ended]");
    CHECK(AuctionRefusal(data("too_soon", {951782400000}), "USD") == "the auction may close from 2000-02-29T00:00:00Z [too_soon]");
    CHECK(AuctionRefusal(data("early", {0}), "USD") == "bidding opens at 1970-01-01T00:00:00Z [early]");
    CHECK(AuctionRefusal(data("seller", {}), "USD") == "the seller may not bid in its own auction [seller]");
    CHECK(AuctionRefusal(data("kind", {3}), "USD") ==
          "this call is not for a sealed-bid auction (a sealed bid is committed, then revealed) [kind]");
    // not a reason: empty, a wrong figure count, unknown code, bytes after the code, too long
    CHECK_FALSE(AuctionRefusal(Bytes{}, "USD"));
    CHECK_FALSE(AuctionRefusal(data("bid_low", {1}), "USD"));
    CHECK_FALSE(AuctionRefusal(data("nonsense", {}), "USD"));
    Bytes odd = data("sold", {});
    odd[6] = 'x';
    CHECK_FALSE(AuctionRefusal(odd, "USD"));
    CHECK_FALSE(AuctionRefusal(data("bid_low", {1, 2, 3}), "USD"));
}
