// The escalating royalty deal (contracts/escalating_royalty.fasm) on a MemoryHost, paying through
// the real revenue_split and tax_withholding contracts (deployed from their .fasm sources): the
// artist's royalty R(c') - R(c) across tier boundaries against R computed here with 128-bit
// integers, no rounding drift over many small amounts, the other-currency rule, init and
// distribute validation with no state change, failing sub-calls, state()/rate(), determinism and
// gas.
#include "vm_test_util.h"

#include <algorithm>
#include <map>

#include <node/core/amount.h>

using namespace folio;
using namespace folio::vm;
using namespace folio::vm::test;

namespace {

const Address GOV = Addr(0xA0);     // the tax contract's admin
const Address LEDGER = Addr(0xA1);  // the split's admin; deploys the deal and calls distribute
const Address OTHER = Addr(0xEE);
const Address ARTIST = Addr(0x5A);
const Address TAX_BR = Addr(0xB1);  // the BR tax account
constexpr CurrencyCode BRL = PackCurrency('B', 'R', 'L');
constexpr int64_t ROYALTY = 1, LICENCE_FEE = 2, NFT_SALE = 3;
constexpr int64_t GAS = 5'000'000;

constexpr int64_t Country(const char (&cc)[3]) {
    return static_cast<int64_t>(static_cast<uint8_t>(cc[0])) | static_cast<int64_t>(static_cast<uint8_t>(cc[1])) << 8;
}
const int64_t BR = Country("BR"), FR = Country("FR");

Address PayeeAddr(uint8_t tag, uint8_t i) {
    Address a;
    a.data.fill(tag);
    a.data[31] = i;
    return a;
}
void Append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }
// An ASCII reason zero-padded to 8 bytes, as the contracts write it.
Bytes Reason8(std::string_view r) {
    Bytes b(8, 0);
    std::copy(r.begin(), r.end(), b.begin());
    return b;
}

struct Payee {
    Address addr;
    int64_t bps;
};
Bytes EncodeList(const std::vector<Payee>& payees) {
    Bytes out;
    for (const Payee& p : payees) {
        Append(out, p.addr.view());
        Append(out, Le64(p.bps));
    }
    return out;
}

struct Tier {
    int64_t threshold;
    int64_t bps;
};
Bytes EncodeTiers(const std::vector<Tier>& tiers) {
    Bytes out;
    for (const Tier& t : tiers) {
        Append(out, Le64(t.threshold));
        Append(out, Le64(t.bps));
    }
    return out;
}

// The deal's rule, written independently of the contract: R(x) = sum over tiers of
// floor(portion_i(x) * bps_i / 10000) with 128-bit products.
int64_t RefR(const std::vector<Tier>& tiers, int64_t x) {
    Int128 total = 0;
    for (size_t i = 0; i < tiers.size(); ++i) {
        Int128 lo = tiers[i].threshold;
        Int128 portion = std::max<Int128>(Int128{x} - lo, 0);
        if (i + 1 < tiers.size()) portion = std::min<Int128>(portion, Int128{tiers[i + 1].threshold} - lo);
        total += portion * tiers[i].bps / 10000;  // non-negative, so truncation is the floor
    }
    return static_cast<int64_t>(total);
}
// The bps of the tier containing cum: the last tier whose threshold is <= cum.
int64_t RefBps(const std::vector<Tier>& tiers, int64_t cum) {
    int64_t bps = tiers[0].bps;
    for (const Tier& t : tiers)
        if (t.threshold <= cum) bps = t.bps;
    return bps;
}
int64_t Floor(int64_t a, int64_t bps) { return static_cast<int64_t>(Int128{a} * bps / 10000); }

int64_t I64At(const Bytes& b, size_t off) {
    uint64_t v = 0;
    for (size_t i = 8; i-- > 0;) v = v << 8 | b[off + i];
    return static_cast<int64_t>(v);
}
int64_t Int(const ExecResult& r) {
    REQUIRE_MESSAGE(r.ok(), Show(r));
    REQUIRE(r.output.size() == 8);
    return I64At(r.output, 0);
}
// "reverted <reason>" for short ASCII revert reasons.
std::string Why(const ExecResult& r) {
    if (r.status != ExecStatus::REVERTED) return ExecStatusName(r.status);
    return "reverted " + std::string(r.output.begin(), r.output.end());
}
std::string Topic(const Event& e) { return std::string(e.topic.begin(), e.topic.end()); }
std::string Ints(std::initializer_list<int64_t> v) {
    std::string s;
    for (int64_t x : v) s += ToHex(Le64(x));
    return s;
}

const std::vector<Tier> TIERS3 = {{0, 1500}, {100000, 1800}, {250000, 2000}};

Bytes DealParams(const Address& artist, const Address& split, const Address& tax, int64_t cur, const Bytes& tiers) {
    return EncodeValues({artist, split, tax, cur, tiers});
}

// A MemoryHost with the tax contract (admin GOV) and helpers for the ledger's calls.
struct Deal : Chain {
    CodePtr split_code = Build(ReadContract("revenue_split.fasm"));
    CodePtr tax_code = Build(ReadContract("tax_withholding.fasm"));
    CodePtr deal_code = Build(ReadContract("escalating_royalty.fasm"));
    Address tax;

    Deal() { tax = Deploy(tax_code, GOV, EncodeValues({GOV})); }

    Address NewSplit(const std::vector<Payee>& payees) {
        return Deploy(split_code, LEDGER,
                      EncodeValues({LEDGER, EncodeList(payees), tax, Address{}, int64_t{0}, int64_t{0}}));
    }
    Address NewDeal(const Address& split, const std::vector<Tier>& tiers = TIERS3, CurrencyCode cur = BRL,
                    const Address& artist = ARTIST) {
        return Deploy(deal_code, LEDGER, DealParams(artist, split, tax, cur, EncodeTiers(tiers)));
    }
    ExecResult TaxCall(const std::string& sig, const std::vector<AbiValue>& args) {
        Bytes in = *EncodeCallChecked(sig, args);
        return vm.Execute(host, Message{GOV, tax, GOV, in, GAS});
    }
    void TaxTable(int64_t bps) {  // BR royalties withheld at bps, into TAX_BR
        REQUIRE(TaxCall("set_account(int,address)", {BR, TAX_BR}).ok());
        REQUIRE(TaxCall("set_rate(int,int,int,int,int,int)", {BR, ROYALTY, int64_t{0}, bps, int64_t{0}, int64_t{0}})
                    .ok());
    }
    // What the ledger does with a work's revenue: credit the deal, then call its distribute.
    ExecResult Distribute(const Address& deal, CurrencyCode cur, int64_t amount, int64_t type, int64_t src,
                          bool credit = true, int64_t gas = GAS) {
        if (credit) host.SetBalance(deal, cur, host.Balance(deal, cur) + amount);
        Bytes in = *EncodeCallChecked("distribute(int,int,int,int)", {int64_t{cur}, amount, type, src});
        return vm.Execute(host, Message{LEDGER, deal, LEDGER, in, gas});
    }
    struct State {
        int64_t cur, cum, paid, bps, n, next;
    };
    State GetState(const Address& deal) {
        ExecResult r = Call(OTHER, deal, *EncodeCallChecked("state()", {}));
        REQUIRE_MESSAGE(r.ok(), Show(r));
        auto v = DecodeValues(r.output, {AbiType::BYTES});
        REQUIRE(bool(v));
        const Bytes& b = std::get<Bytes>((*v)[0]);
        REQUIRE(b.size() == 48);
        return {I64At(b, 0), I64At(b, 8), I64At(b, 16), I64At(b, 24), I64At(b, 32), I64At(b, 40)};
    }
    int64_t Rate(const Address& deal) { return Int(Call(OTHER, deal, *EncodeCallChecked("rate()", {}))); }
};

// A contract that accepts its init and reverts every other call with "nope".
const char* const ALWAYS_REVERTS = R"(
    selector
    iszero
    jumpi ok
    push 0
    push 'nope'
    mstore
    push 0
    push 4
    revert
ok:
    stop
)";

}  // namespace

TEST_CASE("escalating_royalty: the artist gets R(c') - R(c) across tiers; the rest goes through the split") {
    Deal s;
    s.TaxTable(1000);
    const Address P1 = PayeeAddr(0x31, 0), P2 = PayeeAddr(0x31, 1);
    const std::vector<Payee> payees = {{P1, 6000}, {P2, 4000}};
    Address split = s.NewSplit(payees);
    Address deal = s.NewDeal(split);

    // Expected balances, accumulated by the reference rule.
    std::map<Address, int64_t> expect;
    int64_t cum = 0, paid = 0;
    // 90122 -> 270122 crosses both thresholds at once; 1 and 2 at 2000 bps give shares of 0 and 1.
    const int64_t amounts[] = {12345, 77777, 180000, 1, 2, 999, 3, 29878, 1'000'003, 7};
    for (int64_t amount : amounts) {
        CAPTURE(amount);
        size_t ev0 = s.host.Events().size();
        ExecResult r = s.Distribute(deal, BRL, amount, ROYALTY, BR);
        int64_t share = RefR(TIERS3, cum + amount) - RefR(TIERS3, cum);
        cum += amount;
        paid += share;
        CHECK(Int(r) == share);
        int64_t tax = Floor(share, 1000);
        expect[ARTIST] += share - tax;
        expect[TAX_BR] += tax;
        std::vector<int64_t> parts = SplitLargestRemainder(amount - share, {6000, 4000});
        for (size_t i = 0; i < payees.size(); ++i) {
            int64_t ptax = Floor(parts[i], 1000);
            expect[payees[i].addr] += parts[i] - ptax;
            expect[TAX_BR] += ptax;
        }
        for (const auto& [addr, bal] : expect) CHECK(s.host.Balance(addr, BRL) == bal);
        CHECK(s.host.Balance(deal, BRL) == 0);
        CHECK(s.host.Balance(split, BRL) == 0);
        CHECK(s.host.Balance(s.tax, BRL) == 0);
        Deal::State st = s.GetState(deal);
        CHECK(st.cum == cum);
        CHECK(st.paid == paid);
        CHECK(st.bps == RefBps(TIERS3, cum));
        // The last event is the deal's summary: currency || amount || share || cum || bps.
        const auto& ev = s.host.Events();
        REQUIRE(ev.size() > ev0);
        CHECK(ev.back().contract == deal);
        CHECK(Topic(ev.back()) == "royalty");
        CHECK(ToHex(ev.back().data) == Ints({int64_t{BRL}, amount, share, cum, RefBps(TIERS3, cum)}));
        if (amount == 180000) {
            CHECK(share == 32506);  // R(270122) - R(90122) = (15000 + 27000 + 4024) - 13518
            std::string topics;
            for (size_t e = ev0; e < ev.size(); ++e) topics += Topic(ev[e]) + " ";
            CHECK(topics == "tax_withheld split tax_withheld split tax_withheld royalty ");
            // The artist's withholding names the artist, the share and the deal's income type.
            CHECK(ToHex(ev[ev0].data).substr(0, 64 + 48) ==
                  ARTIST.hex() + Ints({int64_t{BRL}, share, Floor(share, 1000)}));
        }
        if (amount == 1) {
            CHECK(share == 0);  // no withhold call at all: the unit goes to the split
            CHECK(Topic(s.host.Events()[ev0]) == "split");
        }
    }
    CHECK(paid == RefR(TIERS3, cum));
    CHECK(s.host.Balance(ARTIST, BRL) > 0);
    CHECK(s.host.Balance(P2, BRL) > 0);
}

TEST_CASE("escalating_royalty: no drift: one amount or 1,000 small ones give the same royalty R(total)") {
    Rng rng{4242};
    std::vector<int64_t> amounts;
    int64_t total = 0;
    for (int i = 0; i < 1000; ++i) {
        amounts.push_back(rng.Range(1, 700));
        total += amounts.back();
    }
    REQUIRE(total > 250000);  // crosses both thresholds
    // Rounding each piece's tier portions separately would lose units: the test is not vacuous.
    int64_t floored_pieces = 0, cum = 0;
    for (int64_t a : amounts) {
        for (size_t i = 0; i < TIERS3.size(); ++i) {
            int64_t lo = TIERS3[i].threshold, hi = i + 1 < TIERS3.size() ? TIERS3[i + 1].threshold : INT64_MAX;
            int64_t portion = std::max<int64_t>(0, std::min(cum + a, hi) - std::max(cum, lo));
            floored_pieces += Floor(portion, TIERS3[i].bps);
        }
        cum += a;
    }
    CHECK(floored_pieces < RefR(TIERS3, total));

    const Address P1 = PayeeAddr(0x32, 0), P2 = PayeeAddr(0x32, 1);
    auto run = [&](const std::vector<int64_t>& pieces) {
        Deal s;
        s.TaxTable(1000);  // source 0 below: no withholding, so balances are the gross figures
        Address deal = s.NewDeal(s.NewSplit({{P1, 5000}, {P2, 5000}}));
        int64_t returned = 0;
        for (int64_t a : pieces) returned += Int(s.Distribute(deal, BRL, a, ROYALTY, 0));
        Deal::State st = s.GetState(deal);
        CHECK(st.cum == total);
        CHECK(st.paid == returned);
        CHECK(s.host.Balance(ARTIST, BRL) == returned);
        CHECK(s.host.Balance(P1, BRL) + s.host.Balance(P2, BRL) == total - returned);
        CHECK(s.host.Balance(deal, BRL) == 0);
        return returned;
    };
    int64_t once = run({total});
    int64_t many = run(amounts);
    CHECK(once == RefR(TIERS3, total));
    CHECK(many == once);
}

TEST_CASE("escalating_royalty: property: random tiers and amounts up to 10^18 pay R exactly") {
    Rng rng{20250101};
    std::string bad;
    int64_t calls = 0;
    for (int k = 0; k < 150 && bad.empty(); ++k) {
        Deal s;
        const Address P = PayeeAddr(0x33, 0);
        // 1..8 tiers; thresholds strictly increasing up to 10^18 (sometimes tiny), bps non-decreasing
        // from 0 up to 10000 (sometimes equal steps).
        auto n = static_cast<size_t>(rng.Range(1, 8));
        int64_t scale = rng.Range(0, 1) ? 1000 : MAX_AMOUNT / 8;
        std::vector<Tier> tiers;
        int64_t bps = rng.Range(0, 3) == 0 ? 0 : rng.Range(0, 3000);
        for (size_t i = 0; i < n; ++i) {
            int64_t th = i == 0 ? 0 : tiers.back().threshold + rng.Range(1, scale);
            tiers.push_back({th, bps});
            bps = std::min<int64_t>(10000, bps + (rng.Range(0, 2) == 0 ? 0 : rng.Range(1, 4000)));
        }
        Address deal = s.NewDeal(s.NewSplit({{P, 10000}}), tiers);
        // A few amounts whose total stays <= 10^18 (the host keeps every balance <= 10^18).
        int64_t left = MAX_AMOUNT, cum = 0;
        for (int j = 0; j < 4 && left > 0; ++j) {
            int64_t a = rng.Range(0, 1) ? rng.Range(1, std::min<int64_t>(left, scale * 3))
                                        : rng.Range(1, left);
            ExecResult r = s.Distribute(deal, BRL, a, ROYALTY, 0);
            int64_t want = RefR(tiers, cum + a) - RefR(tiers, cum);
            cum += a;
            left -= a;
            ++calls;
            if (!r.ok() || I64At(r.output, 0) != want || s.host.Balance(ARTIST, BRL) != RefR(tiers, cum) ||
                s.host.Balance(P, BRL) != cum - RefR(tiers, cum) || s.host.Balance(deal, BRL) != 0 ||
                s.Rate(deal) != RefBps(tiers, cum)) {
                bad = "case " + std::to_string(k) + " call " + std::to_string(j) + " amount " + std::to_string(a) +
                      " " + Show(r);
                break;
            }
        }
    }
    CHECK(bad == "");
    MESSAGE(calls << " random distributes");
}

TEST_CASE("escalating_royalty: another currency pays at the current tier's rate and leaves cum and paid") {
    Deal s;
    s.TaxTable(1000);
    const Address P1 = PayeeAddr(0x34, 0);
    Address deal = s.NewDeal(s.NewSplit({{P1, 10000}}));
    // Before any BRL revenue: the first tier's rate.
    CHECK(s.Rate(deal) == 1500);
    CHECK(Int(s.Distribute(deal, USD, 10001, ROYALTY, 0)) == 1500);  // 1500.15
    Deal::State st = s.GetState(deal);
    CHECK(st.cum == 0);
    CHECK(st.paid == 0);
    CHECK(ToHex(s.host.Events().back().data) == Ints({int64_t{USD}, 10001, 1500, 0, 1500}));
    CHECK(s.host.Balance(ARTIST, USD) == 1500);
    CHECK(s.host.Balance(P1, USD) == 8501);

    // Exactly at a threshold, the higher tier applies (threshold_i <= cum).
    CHECK(Int(s.Distribute(deal, BRL, 100000, ROYALTY, BR)) == 15000);
    CHECK(s.Rate(deal) == 1800);
    CHECK(s.GetState(deal).paid == 15000);
    CHECK(Int(s.Distribute(deal, USD, 10001, ROYALTY, BR)) == 1800);  // 1800.18
    st = s.GetState(deal);
    CHECK(st.cum == 100000);
    CHECK(st.paid == 15000);
    CHECK(st.bps == 1800);
    CHECK(ToHex(s.host.Events().back().data) == Ints({int64_t{USD}, 10001, 1800, 100000, 1800}));
    CHECK(s.host.Balance(ARTIST, USD) == 1500 + 1800 - 180);  // withheld at 10% from BR
    CHECK(s.host.Balance(TAX_BR, USD) == 180 + 820);           // and the split's 8201
    CHECK(s.host.Balance(P1, USD) == 8501 + 8201 - 820);
    CHECK(s.host.Balance(deal, USD) == 0);
    // A large other-currency amount: 128-bit product.
    CHECK(Int(s.Distribute(deal, PackCurrency('E', 'U', 'R'), MAX_AMOUNT, NFT_SALE, 0)) == MAX_AMOUNT / 10000 * 1800);
    CHECK(s.GetState(deal).cum == 100000);
}

TEST_CASE("escalating_royalty: init validates everything; a failed init leaves no instance; init runs once") {
    Deal s;
    const Address split = s.NewSplit({{PayeeAddr(0x35, 0), 10000}});
    Hash256 h = s.host.InstallCode(s.deal_code);
    auto inst = [&](const Bytes& params) {
        return Instantiate(s.vm, s.host, LEDGER, ContractAddress(LEDGER, 5000 + s.nonce++), h, params, GAS);
    };
    auto params = [&](const std::vector<Tier>& tiers) { return DealParams(ARTIST, split, s.tax, BRL, EncodeTiers(tiers)); };
    std::vector<Tier> nine;
    for (int64_t i = 0; i < 9; ++i) nine.push_back({i * 10, 100});
    Bytes trailing = params(TIERS3);
    trailing.push_back(0);
    Bytes ragged = DealParams(ARTIST, split, s.tax, BRL, Bytes(15, 0));
    Bytes short_tiers = params(TIERS3);
    short_tiers.pop_back();  // the length prefix promises one byte more than there is
    struct Bad {
        std::string what;
        Bytes params;
        std::string why;
    };
    const std::vector<Bad> bad = {
        {"n = 0", params({}), "tiers"},
        {"n = 9", params(nine), "tiers"},
        {"ragged tiers", ragged, "tiers"},
        {"first threshold 1", params({{1, 1500}, {100, 1800}}), "tiers"},
        {"equal thresholds", params({{0, 1500}, {100, 1800}, {100, 2000}}), "tiers"},
        {"decreasing thresholds", params({{0, 1500}, {100, 1800}, {50, 2000}}), "tiers"},
        {"threshold > 10^18", params({{0, 1500}, {MAX_AMOUNT + 1, 1800}}), "tiers"},
        {"negative threshold", params({{0, 1500}, {-5, 1800}}), "tiers"},
        {"bps > 10000", params({{0, 1500}, {100, 10001}}), "tiers"},
        {"negative bps", params({{0, -1}}), "tiers"},
        {"decreasing bps", params({{0, 1500}, {100, 1800}, {200, 1799}}), "tiers"},
        {"zero artist", DealParams(Address{}, split, s.tax, BRL, EncodeTiers(TIERS3)), "input"},
        {"zero split", DealParams(ARTIST, Address{}, s.tax, BRL, EncodeTiers(TIERS3)), "input"},
        {"zero tax", DealParams(ARTIST, split, Address{}, BRL, EncodeTiers(TIERS3)), "input"},
        {"currency lower case", DealParams(ARTIST, split, s.tax, PackCurrency('B', 'R', 'l'), EncodeTiers(TIERS3)),
         "input"},
        {"currency 0", DealParams(ARTIST, split, s.tax, 0, EncodeTiers(TIERS3)), "input"},
        {"currency 4 letters", DealParams(ARTIST, split, s.tax, int64_t{BRL} | int64_t{'X'} << 24, EncodeTiers(TIERS3)),
         "input"},
        {"trailing byte", trailing, "input"},
        {"short tiers", short_tiers, "input"},
        {"short", Bytes(100, 1), "input"},
        {"empty", Bytes{}, "input"},
    };
    std::string before = s.host.Dump();
    for (const Bad& b : bad) {
        CAPTURE(b.what);
        CHECK(Why(inst(b.params)) == "reverted " + b.why);
    }
    CHECK(s.host.Dump() == before);

    // The edges are accepted: 8 tiers, a threshold of 10^18, bps 0 and 10000, equal bps steps.
    std::vector<Tier> eight = {{0, 0}, {1, 0}, {2, 500}, {3, 500}, {10, 9000}, {11, 10000}, {12, 10000},
                               {MAX_AMOUNT, 10000}};
    CHECK(inst(params(eight)).ok());
    CHECK(inst(params({{0, 10000}})).ok());
    Address deal = s.NewDeal(split);
    // Storage as documented.
    auto get = [&](std::string_view key) {
        Bytes k(8, 0);
        std::copy(key.begin(), key.end(), k.begin());
        auto v = s.host.StorageGet(deal, k);
        return v ? ToHex(*v) : std::string("absent");
    };
    CHECK(get("artist") == ARTIST.hex());
    CHECK(get("split") == split.hex());
    CHECK(get("tax") == s.tax.hex());
    CHECK(get("cur") == Ints({int64_t{BRL}}));
    CHECK(get("tiers") == ToHex(EncodeTiers(TIERS3)));
    CHECK(get("cum") == Ints({0}));
    CHECK(get("paid") == Ints({0}));

    // Selector 0 again on a live instance reverts.
    before = s.host.Dump();
    CHECK(Why(s.Call(OTHER, deal, EncodeCall(INIT_SELECTOR, {OTHER, OTHER, OTHER, int64_t{USD}, EncodeTiers({{0, 1}})}))) ==
          "reverted input");
    CHECK(s.host.Dump() == before);
}

TEST_CASE("escalating_royalty: distribute rejects bad input, short funds and unknown calls with no change") {
    Deal s;
    Address deal = s.NewDeal(s.NewSplit({{PayeeAddr(0x36, 0), 10000}}));
    s.host.SetBalance(deal, BRL, 1000);
    std::string before = s.host.Dump();
    auto dist = [&](int64_t cur, int64_t amount, int64_t type, int64_t src) {
        return Why(s.Distribute(deal, static_cast<CurrencyCode>(cur), amount, type, src, false));
    };
    CHECK(dist(BRL, 0, ROYALTY, BR) == "reverted amount");
    CHECK(dist(BRL, -5, ROYALTY, BR) == "reverted amount");
    CHECK(dist(BRL, MAX_AMOUNT + 1, ROYALTY, BR) == "reverted amount");
    CHECK(dist(BRL, 1001, ROYALTY, BR) == "reverted funds");
    CHECK(dist(USD, 1, ROYALTY, BR) == "reverted funds");
    CHECK(dist(BRL, 10, 0, BR) == "reverted input");
    CHECK(dist(BRL, 10, 4, BR) == "reverted input");
    CHECK(dist(BRL, 10, ROYALTY, Country("Br")) == "reverted input");
    CHECK(dist(BRL, 10, ROYALTY, BR | int64_t{'X'} << 16) == "reverted input");
    CHECK(dist(PackCurrency('B', 'R', 'l'), 10, ROYALTY, BR) == "reverted input");
    CHECK(dist(int64_t{BRL} | int64_t{'X'} << 24, 10, ROYALTY, BR) == "reverted input");
    CHECK(Why(s.Call(LEDGER, deal, Bytes{1, 2, 3})) == "reverted input");
    CHECK(Why(s.Call(LEDGER, deal, *EncodeCallChecked("distribute(int)", {int64_t{5}}))) == "reverted input");
    Bytes longer = *EncodeCallChecked("distribute(int,int,int,int)", {int64_t{BRL}, int64_t{1}, ROYALTY, BR});
    longer.push_back(0);
    CHECK(Why(s.Call(LEDGER, deal, longer)) == "reverted input");
    Bytes state_longer = *EncodeCallChecked("state()", {});
    state_longer.push_back(0);
    CHECK(Why(s.Call(LEDGER, deal, state_longer)) == "reverted input");
    CHECK(Why(s.Call(LEDGER, deal, *EncodeCallChecked("rate(int)", {int64_t{1}}))) == "reverted input");
    CHECK(Why(s.Call(LEDGER, deal, *EncodeCallChecked("payees()", {}))) == "reverted input");
    CHECK(s.host.Dump() == before);
}

TEST_CASE("escalating_royalty: a failing split or withhold reverts the whole distribute") {
    Deal s;
    s.TaxTable(1000);
    const Address P = PayeeAddr(0x37, 0);
    Address good_split = s.NewSplit({{P, 10000}});

    // A split address with no contract: the artist's withhold already ran and is undone too.
    Address no_split = s.NewDeal(Addr(0x77));
    s.host.SetBalance(no_split, BRL, 1000);
    std::string before = s.host.Dump();
    ExecResult r = s.Distribute(no_split, BRL, 1000, ROYALTY, BR, false);
    CHECK(r.status == ExecStatus::REVERTED);
    CHECK(ToHex(r.output) == ToHex(Reason8("split")) + Ints({static_cast<int64_t>(ExecStatus::NO_CONTRACT)}));
    CHECK(s.host.Dump() == before);

    // A split contract that always reverts: its revert data is passed up.
    Address nope = s.Deploy(Build(ALWAYS_REVERTS), LEDGER);
    Address bad_split = s.NewDeal(nope);
    s.host.SetBalance(bad_split, BRL, 1000);
    before = s.host.Dump();
    r = s.Distribute(bad_split, BRL, 1000, ROYALTY, BR, false);
    CHECK(ToHex(r.output) == ToHex(Reason8("split")) + Ints({static_cast<int64_t>(ExecStatus::REVERTED)}) + ToHex(AsBytes("nope")));
    CHECK(s.host.Dump() == before);

    // A failing withhold (FR has a rate but no tax account).
    REQUIRE(s.TaxCall("set_rate(int,int,int,int,int,int)", {FR, ROYALTY, int64_t{0}, int64_t{3000}, int64_t{0},
                                                               int64_t{0}})
                .ok());
    Address deal = s.NewDeal(good_split);
    s.host.SetBalance(deal, BRL, 1000);
    before = s.host.Dump();
    r = s.Distribute(deal, BRL, 1000, ROYALTY, FR, false);
    CHECK(ToHex(r.output) == ToHex(AsBytes("withhold")) + Ints({static_cast<int64_t>(ExecStatus::REVERTED)}) +
                                 ToHex(AsBytes("noacct")));
    CHECK(s.host.Dump() == before);
    // A tax address with no contract.
    Address no_tax = s.Deploy(s.deal_code, LEDGER, DealParams(ARTIST, good_split, Addr(0x78), BRL, EncodeTiers(TIERS3)));
    s.host.SetBalance(no_tax, BRL, 1000);
    before = s.host.Dump();
    r = s.Distribute(no_tax, BRL, 1000, ROYALTY, BR, false);
    CHECK(ToHex(r.output) == ToHex(AsBytes("withhold")) + Ints({static_cast<int64_t>(ExecStatus::NO_CONTRACT)}));
    CHECK(s.host.Dump() == before);

    // cum + amount beyond int64 traps (checked add) and changes nothing.
    Address full = s.NewDeal(good_split);
    Bytes cum_key(8, 0);
    std::copy_n("cum", 3, cum_key.begin());
    s.host.StoragePut(full, cum_key, Le64(INT64_MAX - 5));
    s.host.SetBalance(full, BRL, 10);
    before = s.host.Dump();
    CHECK(Why(s.Distribute(full, BRL, 10, ROYALTY, BR, false)) == "overflow");
    CHECK(s.host.Dump() == before);

    // Out of gas anywhere (sampled) reverts the whole distribute.
    before = s.host.Dump();
    uint64_t snap = s.host.Snapshot();
    ExecResult ok = s.Distribute(deal, BRL, 1000, ROYALTY, BR, false);
    REQUIRE(ok.ok());
    s.host.Revert(snap);
    std::string oops;
    for (int64_t g = 0; g < ok.gas_used; g += 41) {
        ExecResult x = s.Distribute(deal, BRL, 1000, ROYALTY, BR, false, g);
        if ((x.ok() || s.host.Dump() != before) && oops.empty()) oops = "gas " + std::to_string(g) + ": " + Show(x);
    }
    CHECK(oops == "");
    CHECK(Show(s.Distribute(deal, BRL, 1000, ROYALTY, BR, false, ok.gas_used)) == Show(ok));
}

TEST_CASE("escalating_royalty: state() and rate() report the figures") {
    Deal s;
    Address deal = s.NewDeal(s.NewSplit({{PayeeAddr(0x38, 0), 10000}}));
    auto show = [&]() {
        Deal::State st = s.GetState(deal);
        return std::to_string(st.cum) + " " + std::to_string(st.paid) + " " + std::to_string(st.bps) + " " +
               std::to_string(st.n) + " " + std::to_string(st.next) + " rate " + std::to_string(s.Rate(deal));
    };
    CHECK(s.GetState(deal).cur == int64_t{BRL});
    CHECK(show() == "0 0 1500 3 100000 rate 1500");
    REQUIRE(s.Distribute(deal, BRL, 99999, ROYALTY, 0).ok());
    CHECK(show() == "99999 14999 1500 3 100000 rate 1500");  // floor(99999 * 0.15)
    REQUIRE(s.Distribute(deal, BRL, 1, ROYALTY, 0).ok());
    CHECK(show() == "100000 15000 1800 3 250000 rate 1800");
    REQUIRE(s.Distribute(deal, BRL, 150000, ROYALTY, 0).ok());
    CHECK(show() == "250000 42000 2000 3 0 rate 2000");
    REQUIRE(s.Distribute(deal, USD, 777, ROYALTY, 0).ok());
    CHECK(show() == "250000 42000 2000 3 0 rate 2000");
    // state() is an ABI bytes value: u32 length 48, then the record.
    ExecResult r = s.Call(OTHER, deal, *EncodeCallChecked("state()", {}));
    CHECK(ToHex(r.output) == "30000000" + Ints({int64_t{BRL}, 250000, 42000, 2000, 3, 0}));

    // A one-tier deal: a flat rate, no next threshold.
    Address flat = s.NewDeal(s.NewSplit({{PayeeAddr(0x38, 1), 10000}}), {{0, 2500}});
    CHECK(Int(s.Distribute(flat, BRL, 1003, ROYALTY, 0)) == 250);
    Deal::State st = s.GetState(flat);
    CHECK(st.n == 1);
    CHECK(st.next == 0);
    CHECK(st.bps == 2500);
}

TEST_CASE("escalating_royalty: two runs on fresh hosts give identical results, state and gas") {
    auto run = [](std::string& results) {
        Deal s;
        s.TaxTable(1500);
        s.host.SetAccountInfo(ARTIST, 1, "US");
        Address deal = s.NewDeal(s.NewSplit({{PayeeAddr(0x39, 0), 3333}, {PayeeAddr(0x39, 1), 6667}}));
        for (int64_t amount : {int64_t{1}, int64_t{99998}, int64_t{4321}, int64_t{300000}, MAX_AMOUNT / 3})
            results += Show(s.Distribute(deal, BRL, amount, ROYALTY, BR)) + "\n";
        results += Show(s.Distribute(deal, USD, 12345, LICENCE_FEE, BR)) + "\n";
        results += Show(s.Distribute(deal, BRL, 10, ROYALTY, BR, false)) + "\n";
        results += Show(s.Call(OTHER, deal, *EncodeCallChecked("state()", {}))) + "\n";
        return s.host.Dump();
    };
    std::string r1, r2;
    std::string d1 = run(r1);
    std::string d2 = run(r2);
    CHECK(r1 == r2);
    CHECK(d1 == d2);
    CHECK(d1.find("event") != std::string::npos);
}

TEST_CASE("escalating_royalty: gas of init and of a distribute crossing one threshold (2 split payees)") {
    Deal s;
    s.TaxTable(1000);
    Address split = s.NewSplit({{PayeeAddr(0x3A, 0), 6000}, {PayeeAddr(0x3A, 1), 4000}});
    Hash256 h = s.host.InstallCode(s.deal_code);
    Address deal = ContractAddress(LEDGER, 9000);
    ExecResult init = Instantiate(s.vm, s.host, LEDGER, deal, h, DealParams(ARTIST, split, s.tax, BRL, EncodeTiers(TIERS3)),
                                  GAS);
    REQUIRE(init.ok());
    REQUIRE(s.Distribute(deal, BRL, 60000, ROYALTY, BR).ok());
    ExecResult cross = s.Distribute(deal, BRL, 80000, ROYALTY, BR);  // 60000 -> 140000
    CHECK(Int(cross) == RefR(TIERS3, 140000) - RefR(TIERS3, 60000));
    ExecResult within = s.Distribute(deal, BRL, 80000, ROYALTY, BR);  // 140000 -> 220000
    REQUIRE(within.ok());
    ExecResult other = s.Distribute(deal, USD, 80000, ROYALTY, BR);
    REQUIRE(other.ok());
    ExecResult rate = s.Call(OTHER, deal, *EncodeCallChecked("rate()", {}));
    ExecResult state = s.Call(OTHER, deal, *EncodeCallChecked("state()", {}));
    MESSAGE("gas: init " << init.gas_used << ", distribute crossing one threshold " << cross.gas_used
                         << ", within a tier " << within.gas_used << ", other currency " << other.gas_used << ", rate " << rate.gas_used << ", state "
                         << state.gas_used);
    CHECK(init.gas_used < 10'000);
    CHECK(cross.gas_used < 50'000);
}
