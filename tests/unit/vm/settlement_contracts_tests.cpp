// The standard settlement contracts (contracts/revenue_split.fasm, contracts/tax_withholding.fasm)
// on a MemoryHost: exact largest-remainder splits against folio::SplitLargestRemainder (random
// property cases up to 10^18), recoupment, withholding by table / residency / treaty / validity
// period, per-payee yearly reports, admin rules, full revert and determinism. Also MemoryHost's
// ACCOUNT_INFO and LICENCE_RELEASE host functions.
#include "vm_test_util.h"

#include <chrono>
#include <map>

#include <node/core/amount.h>

using namespace folio;
using namespace folio::vm;
using namespace folio::vm::test;

namespace {

const Address LEDGER = Addr(0xA1);  // the split's admin, and the caller of distribute
const Address GOV = Addr(0xA0);     // the tax contract's admin
const Address OTHER = Addr(0xEE);
const Address TAX_BR = Addr(0xB1);  // tax accounts per jurisdiction
const Address TAX_US = Addr(0xB2);
constexpr CurrencyCode EUR = PackCurrency('E', 'U', 'R');
constexpr int64_t ROYALTY = 1, LICENCE_FEE = 2, NFT_SALE = 3;
constexpr int64_t GAS = 5'000'000;

constexpr int64_t Country(const char (&cc)[3]) {
    return static_cast<int64_t>(static_cast<uint8_t>(cc[0])) | static_cast<int64_t>(static_cast<uint8_t>(cc[1])) << 8;
}
int64_t CountryOf(std::string_view cc) { return cc.size() == 2 ? Country({cc[0], cc[1], 0}) : 0; }
// An 8-byte storage key tag as the assembler writes 'rate': the characters little-endian.
Bytes Tag(std::string_view t) {
    Bytes b(8, 0);
    for (size_t i = 0; i < t.size(); ++i) b[i] = static_cast<uint8_t>(t[i]);
    return b;
}
const int64_t BR = Country("BR"), US = Country("US"), DE = Country("DE"), FR = Country("FR"), JP = Country("JP");

// Unix ms of a UTC civil time (std::chrono's calendar: an independent reference for year_of).
int64_t Ms(int y, unsigned m, unsigned d, int64_t hh = 0, int64_t mm = 0, int64_t ss = 0, int64_t ms = 0) {
    using namespace std::chrono;
    sys_days sd = year{y} / month{m} / day{d};
    return duration_cast<milliseconds>(sd.time_since_epoch()).count() + ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
}
int64_t RefYear(int64_t ms) {
    using namespace std::chrono;
    sys_days d = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
    return int{year_month_day(d).year()};
}

struct Payee {
    Address addr;
    int64_t bps;
};
Bytes EncodeList(const std::vector<Payee>& payees) {
    Bytes out;
    for (const Payee& p : payees) {
        out.insert(out.end(), p.addr.begin(), p.addr.end());
        Bytes b = Le64(p.bps);
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}
Address PayeeAddr(uint8_t tag, uint8_t i) {
    Address a;
    a.data.fill(tag);
    a.data[31] = i;
    return a;
}

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
// The ABI bytes value of a return.
Bytes BytesOut(const ExecResult& r) {
    REQUIRE_MESSAGE(r.ok(), Show(r));
    auto v = DecodeValues(r.output, {AbiType::BYTES});
    REQUIRE(bool(v));
    return std::get<Bytes>((*v)[0]);
}
// "reverted <reason>" for the contracts' ASCII revert reasons.
std::string Why(const ExecResult& r) {
    if (r.status != ExecStatus::REVERTED) return ExecStatusName(r.status);
    return "reverted " + std::string(r.output.begin(), r.output.end());
}
std::string Topic(const Event& e) { return std::string(e.topic.begin(), e.topic.end()); }

Bytes SplitParams(const Address& admin, const Bytes& list, const Address& tax, const Address& rpayee = {},
                  int64_t rcur = 0, int64_t ramt = 0) {
    return EncodeValues({admin, list, tax, rpayee, rcur, ramt});
}

// A MemoryHost with the tax contract (admin GOV) and helpers for the ledger's calls.
struct Settle : Chain {
    CodePtr split_code = Build(ReadContract("revenue_split.fasm"));
    CodePtr tax_code = Build(ReadContract("tax_withholding.fasm"));
    Address tax;

    Settle() { tax = Deploy(tax_code, GOV, EncodeValues({GOV})); }

    Address NewSplit(const std::vector<Payee>& payees, const Address& rpayee = {}, int64_t rcur = 0, int64_t ramt = 0) {
        return Deploy(split_code, LEDGER, SplitParams(LEDGER, EncodeList(payees), tax, rpayee, rcur, ramt));
    }
    ExecResult TaxCall(const Address& from, const std::string& sig, const std::vector<AbiValue>& args) {
        Bytes in = *EncodeCallChecked(sig, args);
        return vm.Execute(host, Message{from, tax, from, in, GAS});
    }
    ExecResult SetRate(int64_t src, int64_t type, int64_t res, int64_t bps, int64_t from = 0, int64_t until = 0,
                       const Address& by = GOV) {
        return TaxCall(by, "set_rate(int,int,int,int,int,int)", {src, type, res, bps, from, until});
    }
    ExecResult SetTreaty(int64_t src, int64_t res, int64_t type, int64_t bps, int64_t from = 0, int64_t until = 0,
                         const Address& by = GOV) {
        return TaxCall(by, "set_treaty(int,int,int,int,int,int)", {src, res, type, bps, from, until});
    }
    ExecResult SetAccount(int64_t country, const Address& account, const Address& by = GOV) {
        return TaxCall(by, "set_account(int,address)", {country, account});
    }
    int64_t Rate(int64_t src, int64_t type, int64_t res) {
        return Int(TaxCall(OTHER, "rate(int,int,int)", {src, type, res}));
    }
    // What the ledger does for a payment: credit the split, then call distribute.
    ExecResult Distribute(const Address& split, CurrencyCode cur, int64_t amount, int64_t type, int64_t src,
                          bool credit = true, int64_t gas = GAS) {
        if (credit) host.SetBalance(split, cur, host.Balance(split, cur) + amount);
        Bytes in = *EncodeCallChecked("distribute(int,int,int,int)", {int64_t{cur}, amount, type, src});
        return vm.Execute(host, Message{LEDGER, split, LEDGER, in, gas});
    }
    // A direct withhold: someone pays `amount` into the tax contract and calls it.
    ExecResult Withhold(const Address& payee, CurrencyCode cur, int64_t amount, int64_t type, int64_t src,
                        bool credit = true) {
        if (credit) host.SetBalance(tax, cur, host.Balance(tax, cur) + amount);
        return TaxCall(OTHER, "withhold(address,int,int,int,int)", {payee, int64_t{cur}, amount, type, src});
    }
    void At(int64_t time_ms) { host.SetBlock(BlockInfo{1, time_ms}); }
};

// The split contract's rule, computed in C++: recoupment first, then SplitLargestRemainder.
std::vector<int64_t> RefParts(int64_t rest, const std::vector<Payee>& payees) {
    std::vector<uint64_t> w;
    for (const Payee& p : payees) w.push_back(static_cast<uint64_t>(p.bps));
    return SplitLargestRemainder(rest, w);
}

}  // namespace

// ---------------------------------------------------------------- MemoryHost additions

TEST_CASE("MemoryHost: ACCOUNT_INFO answers kyc || residency; LICENCE_RELEASE records once; both journaled") {
    MemoryHost h;
    const Address contract = Addr(1), a = Addr(2), b = Addr(3);
    CallContext ctx{contract, Addr(9), Addr(9), 0};
    Bytes out;
    CHECK(h.Invoke(ctx, HostFn::ACCOUNT_INFO, a.view(), out) == HostStatus::OK);
    CHECK(ToHex(out) == "000000");
    uint64_t snap = h.Snapshot();
    h.SetAccountInfo(a, 1, "BR");
    h.SetAccountInfo(b, 2, "");
    CHECK(h.Invoke(ctx, HostFn::ACCOUNT_INFO, a.view(), out) == HostStatus::OK);
    CHECK(ToHex(out) == "014252");
    CHECK(h.Invoke(ctx, HostFn::ACCOUNT_INFO, b.view(), out) == HostStatus::OK);
    CHECK(ToHex(out) == "020000");
    CHECK(h.Invoke(ctx, HostFn::ACCOUNT_INFO, ByteView(a.data.data(), 31), out) == HostStatus::BAD_ARGS);
    CHECK(h.Dump() == "a:02020202:=014252\na:03030303:=020000\n");
    h.Revert(snap);
    CHECK(h.Dump() == "");

    CHECK(h.Invoke(ctx, HostFn::LICENCE_RELEASE, Bytes{1}, out) == HostStatus::BAD_ARGS);
    snap = h.Snapshot();
    CHECK(h.Invoke(ctx, HostFn::LICENCE_RELEASE, {}, out) == HostStatus::OK);
    CHECK(out.empty());
    CHECK(h.Dump() == "r:01010101:=01\n");
    CHECK(h.Invoke(ctx, HostFn::LICENCE_RELEASE, {}, out) == HostStatus::REFUSED);
    CHECK(h.Invoke(CallContext{b, a, a, 0}, HostFn::LICENCE_RELEASE, {}, out) == HostStatus::OK);
    h.Revert(snap);
    CHECK(h.Dump() == "");

    // Through HOSTCALL: fn 5 with a 32-byte address, fn 6 with no arguments.
    Chain c;
    c.host.SetAccountInfo(Addr(0x42), 1, "DE");
    CodePtr code = Build(R"(
        push 0
        push 0x4242424242424242
        mstore
        push 8
        push 0x4242424242424242
        mstore
        push 16
        push 0x4242424242424242
        mstore
        push 24
        push 0x4242424242424242
        mstore
        push 5
        push 0
        push 32
        push 64
        push 3
        hostcall            ; -> 3
        push 72
        swap 1
        mstore
        push 6
        push 0
        push 0
        push 0
        push 0
        hostcall            ; -> 0
        push 80
        swap 1
        mstore
        push 64
        push 24
        return
    )");
    ExecResult r = c.vm.ExecuteCode(c.host, *code, Message{Addr(9), Addr(5), Addr(9), {}, 100000});
    CHECK(ShowNoGas(r) == "ok 014445" + std::string(10, '0') + ToHex(Le64(3)) + ToHex(Le64(0)));
    CHECK(c.host.Dump() == "a:42424242:=014445\nr:05050505:=01\n");
}

// ---------------------------------------------------------------- revenue_split

TEST_CASE("revenue_split: init validates its parameters; a failed init leaves nothing; init runs once") {
    Settle s;
    Hash256 h = s.host.InstallCode(s.split_code);
    const Address A = PayeeAddr(0x11, 0), B = PayeeAddr(0x11, 1);
    auto inst = [&](const Bytes& params) {
        return Instantiate(s.vm, s.host, LEDGER, ContractAddress(LEDGER, 5000 + s.nonce++), h, params, GAS);
    };
    auto list = [](std::vector<Payee> p) { return EncodeList(p); };
    std::string before = s.host.Dump();
    struct Bad {
        std::string what;
        Bytes params;
        std::string why;
    };
    std::vector<Bad> bad = {
        {"sum 9999", SplitParams(LEDGER, list({{A, 5000}, {B, 4999}}), s.tax), "payees"},
        {"sum 10001", SplitParams(LEDGER, list({{A, 5000}, {B, 5001}}), s.tax), "payees"},
        {"zero bps", SplitParams(LEDGER, list({{A, 10000}, {B, 0}}), s.tax), "payees"},
        {"negative bps", SplitParams(LEDGER, list({{A, 10001}, {B, -1}}), s.tax), "payees"},
        {"empty list", SplitParams(LEDGER, {}, s.tax), "payees"},
        {"ragged list", SplitParams(LEDGER, Bytes(39, 1), s.tax), "payees"},
        {"recoup currency", SplitParams(LEDGER, list({{A, 10000}}), s.tax, B, 0x445375, 10), "input"},
        {"recoup currency 0", SplitParams(LEDGER, list({{A, 10000}}), s.tax, B, 0, 10), "input"},
        {"recoup negative", SplitParams(LEDGER, list({{A, 10000}}), s.tax, B, USD, -1), "input"},
        {"recoup too large", SplitParams(LEDGER, list({{A, 10000}}), s.tax, B, USD, MAX_AMOUNT + 1), "input"},
        {"short", Bytes(40, 0), "input"},
    };
    std::vector<Payee> many;
    for (uint8_t i = 0; i < 33; ++i) many.push_back({PayeeAddr(0x12, i), i == 0 ? 9968 : 1});
    bad.push_back({"33 payees", SplitParams(LEDGER, list(many), s.tax), "payees"});
    Bytes trailing = SplitParams(LEDGER, list({{A, 10000}}), s.tax);
    trailing.push_back(0);
    bad.push_back({"trailing byte", trailing, "input"});
    for (const Bad& b : bad) {
        CAPTURE(b.what);
        CHECK(Why(inst(b.params)) == "reverted " + b.why);
    }
    CHECK(s.host.Dump() == before);

    many.pop_back();
    many[0].bps = 9969;
    CHECK(inst(SplitParams(LEDGER, list(many), s.tax)).ok());  // 32 payees is the maximum
    Address split = s.NewSplit({{A, 10000}}, B, USD, 0);
    before = s.host.Dump();
    // Selector 0 again on a live instance (someone re-initialising it) reverts.
    ExecResult again = s.Call(OTHER, split, EncodeCall(INIT_SELECTOR, {OTHER, list({{OTHER, 10000}}), s.tax,
                                                                       OTHER, int64_t{USD}, int64_t{5}}));
    CHECK(Why(again) == "reverted input");
    CHECK(s.host.Dump() == before);
}

TEST_CASE("revenue_split: distribute pays exact parts through the tax contract, with events") {
    Settle s;
    const Address A = PayeeAddr(0x21, 0), B = PayeeAddr(0x21, 1), C = PayeeAddr(0x21, 2);
    std::vector<Payee> payees = {{A, 5000}, {B, 3000}, {C, 2000}};
    Address split = s.NewSplit(payees);
    CHECK(ToHex(BytesOut(s.Call(OTHER, split, *EncodeCallChecked("payees()", {})))) == ToHex(EncodeList(payees)));

    ExecResult r = s.Distribute(split, USD, 1001, ROYALTY, BR);
    CHECK(Int(r) == 3);
    // 500.5, 300.3, 200.2: the one unit left goes to the largest remainder (A).
    CHECK(s.host.Balance(A, USD) == 501);
    CHECK(s.host.Balance(B, USD) == 300);
    CHECK(s.host.Balance(C, USD) == 200);
    CHECK(s.host.Balance(split, USD) == 0);
    CHECK(s.host.Balance(s.tax, USD) == 0);
    const auto& ev = s.host.Events();
    REQUIRE(ev.size() == 6);
    std::string topics;
    for (const Event& e : ev) topics += Topic(e) + " ";
    CHECK(topics == "split tax_withheld split tax_withheld split tax_withheld ");
    CHECK(ev[0].contract == split);
    CHECK(ToHex(ev[0].data) == A.hex() + ToHex(Le64(USD)) + ToHex(Le64(501)) + ToHex(Le64(ROYALTY)));
    CHECK(ev[1].contract == s.tax);
    CHECK(ToHex(ev[1].data) == A.hex() + ToHex(Le64(USD)) + ToHex(Le64(501)) + ToHex(Le64(0)) + ToHex(Le64(ROYALTY)) +
                                   ToHex(Le64(BR)) + ToHex(Le64(0)) + ToHex(Le64(0)) + Address{}.hex());

    // A second payment in another currency, with an unknown source (0).
    CHECK(Int(s.Distribute(split, EUR, 3, NFT_SALE, 0)) == 3);
    CHECK(s.host.Balance(A, EUR) == 1);
    CHECK(s.host.Balance(C, EUR) == 1);

    // Bad input reverts with a reason and changes nothing.
    std::string before = s.host.Dump();
    auto dist = [&](int64_t cur, int64_t amount, int64_t type, int64_t src) {
        return Why(s.Distribute(split, static_cast<CurrencyCode>(cur), amount, type, src, false));
    };
    CHECK(dist(USD, 0, ROYALTY, BR) == "reverted amount");
    CHECK(dist(USD, -5, ROYALTY, BR) == "reverted amount");
    CHECK(dist(USD, MAX_AMOUNT + 1, ROYALTY, BR) == "reverted amount");
    CHECK(dist(USD, 10, 0, BR) == "reverted input");
    CHECK(dist(USD, 10, 4, BR) == "reverted input");
    CHECK(dist(USD, 10, ROYALTY, Country("Br")) == "reverted input");
    CHECK(dist(USD, 10, ROYALTY, BR | int64_t{'X'} << 16) == "reverted input");
    CHECK(dist(PackCurrency('U', 'S', 'd'), 10, ROYALTY, BR) == "reverted input");
    CHECK(dist(int64_t{USD} | int64_t{'X'} << 24, 10, ROYALTY, BR) == "reverted input");
    CHECK(dist(USD, 10, ROYALTY, BR) == "reverted funds");  // nothing was paid in
    CHECK(Why(s.Call(LEDGER, split, Bytes{1, 2, 3})) == "reverted input");
    CHECK(Why(s.Call(LEDGER, split, *EncodeCallChecked("distribute(int)", {int64_t{5}}))) == "reverted input");
    Bytes longer = *EncodeCallChecked("distribute(int,int,int,int)", {int64_t{USD}, int64_t{1}, ROYALTY, BR});
    longer.push_back(0);
    CHECK(Why(s.Call(LEDGER, split, longer)) == "reverted input");
    CHECK(s.host.Dump() == before);
}

TEST_CASE("revenue_split: largest-remainder tie-breaks (earlier payee first) match SplitLargestRemainder") {
    struct Case {
        std::vector<int64_t> bps;
        int64_t amount;
        std::vector<int64_t> expect;
    };
    std::vector<Case> cases = {
        {{3333, 3333, 3334}, 1, {0, 0, 1}},     // the largest remainder wins
        {{3333, 3333, 3334}, 2, {1, 0, 1}},     // then the earlier of two equal remainders
        {{2500, 2500, 2500, 2500}, 3, {1, 1, 1, 0}},
        {{2500, 2500, 2500, 2500}, 7, {2, 2, 2, 1}},
        {{2000, 3000, 5000}, 3, {1, 1, 1}},     // remainders 6000, 9000, 5000: B then A
        {{1, 9999}, 1, {0, 1}},
        {{9999, 1}, 1, {1, 0}},
        {{5000, 5000}, 1, {1, 0}},
        {{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, 9, {1, 1, 1, 1, 1, 1, 1, 1, 1, 0}},
        {{10000}, MAX_AMOUNT, {MAX_AMOUNT}},
        {{3333, 3333, 3334}, MAX_AMOUNT, {333300000000000000, 333300000000000000, 333400000000000000}},
        {{1, 1, 9998}, MAX_AMOUNT - 1, {100000000000000, 100000000000000, 999799999999999999}},
    };
    for (const Case& c : cases) {
        Settle s;
        std::vector<Payee> payees;
        std::vector<uint64_t> w;
        for (size_t i = 0; i < c.bps.size(); ++i) {
            payees.push_back({PayeeAddr(0x31, static_cast<uint8_t>(i)), c.bps[i]});
            w.push_back(static_cast<uint64_t>(c.bps[i]));
        }
        CAPTURE(c.amount);
        CHECK(SplitLargestRemainder(c.amount, w) == c.expect);
        Address split = s.NewSplit(payees);
        ExecResult r = s.Distribute(split, USD, c.amount, ROYALTY, 0);
        int64_t nonzero = 0;
        std::vector<int64_t> got;
        for (const Payee& p : payees) {
            got.push_back(s.host.Balance(p.addr, USD));
            nonzero += got.back() > 0;
        }
        CHECK(got == c.expect);
        CHECK(Int(r) == nonzero);
    }
}

TEST_CASE("property: random splits are exact to the minor unit, follow SplitLargestRemainder and the tax table") {
    Settle s;
    // A small tax table; RefBps below is its meaning, written independently in C++.
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    REQUIRE(s.SetAccount(US, TAX_US).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, US, 1000).ok());
    REQUIRE(s.SetTreaty(BR, DE, ROYALTY, 500).ok());
    REQUIRE(s.SetRate(BR, LICENCE_FEE, 0, 2000).ok());
    REQUIRE(s.SetRate(US, NFT_SALE, 0, 3000).ok());
    REQUIRE(s.SetRate(US, ROYALTY, BR, 10000).ok());
    REQUIRE(s.SetTreaty(US, DE, NFT_SALE, 0).ok());
    auto RefBps = [](int64_t src, int64_t type, int64_t res) -> int64_t {
        if (src == BR && type == ROYALTY) return res == DE ? 500 : res == US ? 1000 : 1500;
        if (src == BR && type == LICENCE_FEE) return 2000;
        if (src == US && type == NFT_SALE) return res == DE ? 0 : 3000;
        if (src == US && type == ROYALTY && res == BR) return 10000;
        return 0;
    };
    const int64_t sources[] = {0, BR, US, FR};
    const char* residencies[] = {"", "US", "DE", "BR", "FR"};
    const Address RECOUP = Addr(0xCC);
    Rng rng{20240601};
    int64_t total_parts = 0, max_payees_seen = 0, ties = 0;
    std::string bad;
    for (int k = 0; k < 2000 && bad.empty(); ++k) {
        uint64_t snap = s.host.Snapshot();
        size_t ev0 = s.host.Events().size();
        // Payees: 1..32 with random bps > 0 summing to 10000 (sometimes all equal, for ties).
        auto n = static_cast<size_t>(rng.Range(1, 32));
        std::vector<Payee> payees(n);
        std::map<Address, int64_t> residency;
        int64_t left = 10000;
        bool equal = rng.Range(0, 3) == 0;
        for (size_t i = 0; i < n; ++i) {
            payees[i].addr = PayeeAddr(0x40, static_cast<uint8_t>(i));
            int64_t room = left - static_cast<int64_t>(n - 1 - i);  // leave >= 1 for the rest
            int64_t fair = 10000 / static_cast<int64_t>(n);
            payees[i].bps = i + 1 == n ? left : equal ? fair : rng.Range(1, std::min(room, 2 * fair));
            left -= payees[i].bps;
            const char* rc = residencies[rng.Range(0, 4)];
            s.host.SetAccountInfo(payees[i].addr, 1, rc);
            residency[payees[i].addr] = CountryOf(rc);
        }
        s.host.SetAccountInfo(RECOUP, 1, "US");
        residency[RECOUP] = US;
        // Amounts from 1 unit to 10^18: tiny, log-uniform, and near the maximum.
        int64_t amount;
        switch (rng.Range(0, 4)) {
            case 0: amount = rng.Range(1, 64); break;
            case 1: amount = MAX_AMOUNT - rng.Range(0, 1000); break;
            default: {
                int64_t scale = 1;
                for (int64_t d = rng.Range(1, 18); d > 0; --d) scale *= 10;
                amount = rng.Range(1, scale);
            }
        }
        CurrencyCode cur = rng.Range(0, 1) ? USD : EUR;
        int64_t type = rng.Range(1, 3);
        int64_t src = sources[rng.Range(0, 3)];
        bool recoup = rng.Range(0, 4) == 0;
        int64_t ramt = recoup ? rng.Range(1, std::min<int64_t>(MAX_AMOUNT, 2 * amount)) : 0;
        Address split = recoup ? s.NewSplit(payees, RECOUP, cur, ramt) : s.NewSplit(payees);

        ExecResult r = s.Distribute(split, cur, amount, type, src);
        // Expected gross parts: the recoupment, then the reference split of the rest.
        std::vector<std::pair<Address, int64_t>> expect;
        int64_t rec = std::min(ramt, amount);
        if (rec > 0) expect.push_back({RECOUP, rec});
        std::vector<int64_t> ref = RefParts(amount - rec, payees);
        for (size_t i = 0; i < n; ++i)
            if (amount - rec > 0 && ref[i] > 0) expect.push_back({payees[i].addr, ref[i]});
        for (size_t i = 1; i < n; ++i) ties += payees[i].bps == payees[0].bps;
        // Actual: from the events, the balances and the return value.
        std::vector<std::pair<Address, int64_t>> got;
        int64_t net_total = 0, tax_total = 0;
        bool events_ok = true;
        const auto& ev = s.host.Events();
        for (size_t e = ev0; e < ev.size(); ++e) {
            if (Topic(ev[e]) != "split") continue;
            Address payee = Address::FromView(ByteView(ev[e].data).subspan(0, 32));
            int64_t part = I64At(ev[e].data, 40);
            got.push_back({payee, part});
            // The matching tax_withheld event follows; check its tax against the reference table.
            if (e + 1 >= ev.size() || Topic(ev[e + 1]) != "tax_withheld") {
                events_ok = false;
                continue;
            }
            const Bytes& t = ev[e + 1].data;
            int64_t bps = RefBps(src, type, residency[payee]);
            int64_t tax = MulDivFloor(part, bps, 10000).value();
            events_ok = events_ok && I64At(t, 40) == part && I64At(t, 48) == tax && I64At(t, 80) == bps &&
                        I64At(t, 72) == residency[payee] && I64At(t, 64) == src && I64At(t, 56) == type;
            tax_total += tax;
        }
        for (const auto& [addr, part] : got) net_total += s.host.Balance(addr, cur);
        int64_t withheld = s.host.Balance(TAX_BR, cur) + s.host.Balance(TAX_US, cur);
        if (!r.ok() || Int(r) != static_cast<int64_t>(expect.size()) || got != expect || !events_ok ||
            net_total + withheld != amount || withheld != tax_total || s.host.Balance(split, cur) != 0 ||
            s.host.Balance(s.tax, cur) != 0) {
            bad = "case " + std::to_string(k) + ": n " + std::to_string(n) + " amount " + std::to_string(amount) +
                  " ramt " + std::to_string(ramt) + " " + Show(r);
        }
        total_parts += static_cast<int64_t>(expect.size());
        max_payees_seen = std::max(max_payees_seen, static_cast<int64_t>(n));
        s.host.Revert(snap);
    }
    CHECK(bad == "");
    CHECK(max_payees_seen == 32);
    CHECK(ties > 0);
    MESSAGE("2000 random distributes, " << total_parts << " parts");
}

TEST_CASE("revenue_split: recoupment comes first, cumulative across calls, in its currency only") {
    Settle s;
    const Address R = Addr(0xCC), A = PayeeAddr(0x51, 0), B = PayeeAddr(0x51, 1);
    Address split = s.NewSplit({{A, 5000}, {B, 5000}}, R, USD, 1000);
    auto recouped = [&](CurrencyCode c) {
        return Int(s.Call(OTHER, split, *EncodeCallChecked("recouped(int)", {int64_t{c}})));
    };
    CHECK(recouped(USD) == 0);
    CHECK(Int(s.Distribute(split, USD, 300, ROYALTY, 0)) == 1);
    CHECK(s.host.Balance(R, USD) == 300);
    CHECK(Int(s.Distribute(split, USD, 500, ROYALTY, 0)) == 1);
    CHECK(recouped(USD) == 800);
    CHECK(Int(s.Distribute(split, EUR, 100, ROYALTY, 0)) == 2);  // another currency: no recoupment
    CHECK(recouped(EUR) == 0);
    CHECK(s.host.Balance(A, EUR) == 50);
    CHECK(Int(s.Distribute(split, USD, 401, ROYALTY, 0)) == 3);  // 200 recouped, 201 split
    CHECK(s.host.Balance(R, USD) == 1000);
    CHECK(s.host.Balance(A, USD) == 101);
    CHECK(s.host.Balance(B, USD) == 100);
    CHECK(Int(s.Distribute(split, USD, 100, ROYALTY, 0)) == 2);  // fully recouped
    CHECK(s.host.Balance(R, USD) == 1000);
    CHECK(recouped(USD) == 1000);
    CHECK(s.host.Balance(A, USD) + s.host.Balance(B, USD) == 301);

    // The recoupment part is withheld like any other part.
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500).ok());
    Address split2 = s.NewSplit({{A, 10000}}, R, USD, 300);
    CHECK(Int(s.Distribute(split2, USD, 1000, ROYALTY, BR)) == 2);
    CHECK(s.host.Balance(R, USD) == 1000 + 255);
    CHECK(s.host.Balance(TAX_BR, USD) == 45 + 105);
    CHECK(s.host.Balance(A, USD) == 151 + 595);
}

TEST_CASE("revenue_split: set_payees is admin-only and validated; payees() returns the list") {
    Settle s;
    const Address A = PayeeAddr(0x61, 0), B = PayeeAddr(0x61, 1), C = PayeeAddr(0x61, 2);
    Address split = s.NewSplit({{A, 10000}});
    auto set = [&](const Address& by, const Bytes& list) {
        return s.Call(by, split, *EncodeCallChecked("set_payees(bytes)", {list}));
    };
    std::string before = s.host.Dump();
    CHECK(Why(set(OTHER, EncodeList({{B, 10000}}))) == "reverted admin");
    CHECK(Why(set(LEDGER, EncodeList({{B, 6000}, {C, 3000}}))) == "reverted payees");
    CHECK(Why(set(LEDGER, EncodeList({{B, 10000}, {C, 0}}))) == "reverted payees");
    CHECK(Why(set(LEDGER, {})) == "reverted payees");
    CHECK(Why(s.Call(LEDGER, split, *EncodeCallChecked("set_payees(int)", {int64_t{1}}))) == "reverted input");
    CHECK(s.host.Dump() == before);

    Bytes list = EncodeList({{B, 2500}, {C, 7500}});
    CHECK(set(LEDGER, list).ok());
    CHECK(ToHex(BytesOut(s.Call(OTHER, split, *EncodeCallChecked("payees()", {})))) == ToHex(list));
    REQUIRE(!s.host.Events().empty());
    CHECK(Topic(s.host.Events().back()) == "payees");
    CHECK(ToHex(s.host.Events().back().data) == ToHex(list));
    CHECK(Int(s.Distribute(split, USD, 4, ROYALTY, 0)) == 2);
    CHECK(s.host.Balance(A, USD) == 0);
    CHECK(s.host.Balance(B, USD) == 1);
    CHECK(s.host.Balance(C, USD) == 3);
}

TEST_CASE("distribute reverts everything when the balance is short or a withhold fails") {
    Settle s;
    const Address A = PayeeAddr(0x71, 0), B = PayeeAddr(0x71, 1);
    Address split = s.NewSplit({{A, 4000}, {B, 6000}});
    s.host.SetBalance(split, USD, 100);
    std::string before = s.host.Dump();
    CHECK(Why(s.Distribute(split, USD, 101, ROYALTY, 0, false)) == "reverted funds");
    CHECK(Why(s.Distribute(split, EUR, 1, ROYALTY, 0, false)) == "reverted funds");
    CHECK(s.host.Dump() == before);

    // FR has a rate but no tax account: the second part's withhold reverts, and with it the first
    // part's transfers and events.
    REQUIRE(s.SetRate(FR, ROYALTY, 0, 3000).ok());
    before = s.host.Dump();
    ExecResult r = s.Distribute(split, USD, 100, ROYALTY, FR, false);
    CHECK(ToHex(r.output) == ToHex(AsBytes("withhold")) + ToHex(Le64(static_cast<int64_t>(ExecStatus::REVERTED))) +
                                 ToHex(AsBytes("noacct")));
    CHECK(s.host.Dump() == before);
    // A zero rate needs no account.
    REQUIRE(s.SetRate(FR, ROYALTY, 0, 0, 0, 0).ok());
    CHECK(Int(s.Distribute(split, USD, 100, ROYALTY, FR, false)) == 2);
    CHECK(s.host.Balance(A, USD) == 40);

    // A split whose tax address has no contract cannot pay anything.
    Address broken = s.Deploy(s.split_code, LEDGER, SplitParams(LEDGER, EncodeList({{A, 10000}}), Addr(0x77)));
    s.host.SetBalance(broken, USD, 10);
    before = s.host.Dump();
    CHECK(ToHex(s.Distribute(broken, USD, 10, ROYALTY, 0, false).output) ==
          ToHex(AsBytes("withhold")) + ToHex(Le64(static_cast<int64_t>(ExecStatus::NO_CONTRACT))));
    CHECK(s.host.Dump() == before);

    // Out of gas anywhere (sampled) reverts the whole distribute.
    s.host.SetBalance(split, USD, 1000);
    before = s.host.Dump();
    uint64_t snap = s.host.Snapshot();
    ExecResult full = s.Distribute(split, USD, 1000, ROYALTY, 0, false);
    REQUIRE(full.ok());
    s.host.Revert(snap);
    std::string oops;
    for (int64_t g = 0; g < full.gas_used; g += 37) {
        ExecResult x = s.Distribute(split, USD, 1000, ROYALTY, 0, false, g);
        if ((x.ok() || s.host.Dump() != before) && oops.empty()) oops = "gas " + std::to_string(g) + ": " + Show(x);
    }
    CHECK(oops == "");
    CHECK(Show(s.Distribute(split, USD, 1000, ROYALTY, 0, false, full.gas_used)) == Show(full));
}

// ---------------------------------------------------------------- tax_withholding

TEST_CASE("tax_withholding: residency-specific rate over 'any', treaty over both, rate() query") {
    Settle s;
    const Address P_US = Addr(0x81), P_DE = Addr(0x82), P_FR = Addr(0x83), P_NONE = Addr(0x84), P_JP = Addr(0x85);
    s.host.SetAccountInfo(P_US, 1, "US");
    s.host.SetAccountInfo(P_DE, 1, "DE");
    s.host.SetAccountInfo(P_FR, 2, "FR");
    s.host.SetAccountInfo(P_JP, 1, "JP");
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, US, 1000).ok());
    REQUIRE(s.SetRate(BR, LICENCE_FEE, 0, 2500).ok());
    REQUIRE(s.SetTreaty(BR, DE, ROYALTY, 500).ok());
    REQUIRE(s.SetTreaty(BR, JP, ROYALTY, 0).ok());  // a zero treaty rate still overrides
    CHECK(s.Rate(BR, ROYALTY, 0) == 1500);
    CHECK(s.Rate(BR, ROYALTY, US) == 1000);
    CHECK(s.Rate(BR, ROYALTY, DE) == 500);
    CHECK(s.Rate(BR, ROYALTY, JP) == 0);
    CHECK(s.Rate(BR, ROYALTY, FR) == 1500);
    CHECK(s.Rate(BR, LICENCE_FEE, DE) == 2500);  // the treaty is for royalties only
    CHECK(s.Rate(BR, NFT_SALE, US) == 0);
    CHECK(s.Rate(US, ROYALTY, 0) == 0);

    auto tax = [&](const Address& p, int64_t amount, int64_t type) {
        return Int(s.Withhold(p, USD, amount, type, BR));
    };
    CHECK(tax(P_US, 1000, ROYALTY) == 100);
    CHECK(tax(P_DE, 1000, ROYALTY) == 50);
    CHECK(tax(P_FR, 1000, ROYALTY) == 150);
    CHECK(tax(P_NONE, 1000, ROYALTY) == 150);
    CHECK(tax(P_JP, 1000, ROYALTY) == 0);
    CHECK(tax(P_DE, 999, LICENCE_FEE) == 249);  // floor(999 * 2500 / 10000) = 249.75 -> 249
    CHECK(tax(P_US, 1, ROYALTY) == 0);
    CHECK(s.host.Balance(P_US, USD) == 901);
    CHECK(s.host.Balance(P_DE, USD) == 950 + 750);
    CHECK(s.host.Balance(P_JP, USD) == 1000);
    CHECK(s.host.Balance(TAX_BR, USD) == 100 + 50 + 150 + 150 + 249);
    CHECK(s.host.Balance(s.tax, USD) == 0);
    const Event& e = s.host.Events().back();
    CHECK(Topic(e) == "tax_withheld");
    CHECK(ToHex(e.data) == P_US.hex() + ToHex(Le64(USD)) + ToHex(Le64(1)) + ToHex(Le64(0)) + ToHex(Le64(ROYALTY)) +
                               ToHex(Le64(BR)) + ToHex(Le64(US)) + ToHex(Le64(1000)) + TAX_BR.hex());
    // A 100% rate pays the payee nothing (the zero transfer is skipped).
    REQUIRE(s.SetRate(BR, NFT_SALE, 0, 10000).ok());
    CHECK(tax(P_NONE, 77, NFT_SALE) == 77);
    CHECK(s.host.Balance(P_NONE, USD) == 850);
}

TEST_CASE("tax_withholding: validity periods across a year boundary; the latest set wins on overlap") {
    Settle s;
    const Address P = Addr(0x91);
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    const int64_t Y2025 = Ms(2025, 1, 1), Y2030 = Ms(2030, 1, 1);
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500, 0, Y2025).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 2000, Y2025, 0).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, US, 700, Y2030, 0).ok());  // not valid before 2030
    s.At(Y2025 - 1);
    CHECK(s.Rate(BR, ROYALTY, 0) == 1500);
    CHECK(s.Rate(BR, ROYALTY, US) == 1500);  // falls back to 'any'
    CHECK(Int(s.Withhold(P, USD, 10000, ROYALTY, BR)) == 1500);
    s.At(Y2025);
    CHECK(s.Rate(BR, ROYALTY, 0) == 2000);
    CHECK(Int(s.Withhold(P, USD, 10000, ROYALTY, BR)) == 2000);
    s.At(Y2030);
    CHECK(s.Rate(BR, ROYALTY, US) == 700);

    // A later, overlapping period wins inside its window only.
    const int64_t JUN = Ms(2025, 6, 1), JUL = Ms(2025, 7, 1);
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1800, JUN, JUL).ok());
    s.At(JUN - 1);
    CHECK(s.Rate(BR, ROYALTY, 0) == 2000);
    s.At(JUN);
    CHECK(s.Rate(BR, ROYALTY, 0) == 1800);
    s.At(JUL);
    CHECK(s.Rate(BR, ROYALTY, 0) == 2000);
    // An open-ended period set now covers everything set before it...
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1900, 0, 0).ok());
    s.At(JUN);
    CHECK(s.Rate(BR, ROYALTY, 0) == 1900);
    // ...and setting an existing (from, until) again replaces it and makes it the latest.
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1600, 0, Y2025).ok());
    s.At(Y2025 - 1);
    CHECK(s.Rate(BR, ROYALTY, 0) == 1600);
    s.At(Y2025);
    CHECK(s.Rate(BR, ROYALTY, 0) == 1900);
    Bytes key = Tag("rate");
    for (int64_t v : {BR, ROYALTY, int64_t{0}}) {
        Bytes b = Le64(v);
        key.insert(key.end(), b.begin(), b.end());
    }
    CHECK(s.host.StorageGet(s.tax, key)->size() == 4 * 24);  // 1500 replaced, not appended

    // Treaties have periods too.
    REQUIRE(s.SetTreaty(BR, DE, ROYALTY, 300, Y2025, Y2030).ok());
    s.At(Y2025 - 1);
    CHECK(s.Rate(BR, ROYALTY, DE) == 1600);
    s.At(Y2030 - 1);
    CHECK(s.Rate(BR, ROYALTY, DE) == 300);
    s.At(Y2030);
    CHECK(s.Rate(BR, ROYALTY, DE) == 1900);

    // At most 256 periods per key.
    for (int64_t i = 0; i < 256; ++i) REQUIRE(s.SetRate(US, ROYALTY, 0, 100, i, 0).ok());
    std::string before = s.host.Dump();
    CHECK(Why(s.SetRate(US, ROYALTY, 0, 100, 256, 0)) == "reverted periods");
    CHECK(s.host.Dump() == before);
    CHECK(s.SetRate(US, ROYALTY, 0, 200, 5, 0).ok());  // a replacement still fits
    CHECK(s.Rate(US, ROYALTY, 0) == 200);
}

TEST_CASE("tax_withholding: setters are admin-only; bad input reverts with no state change") {
    Settle s;
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    std::string before = s.host.Dump();
    CHECK(Why(s.SetRate(BR, ROYALTY, 0, 1500, 0, 0, OTHER)) == "reverted admin");
    CHECK(Why(s.SetTreaty(BR, DE, ROYALTY, 500, 0, 0, OTHER)) == "reverted admin");
    CHECK(Why(s.SetAccount(BR, OTHER, OTHER)) == "reverted admin");
    CHECK(Why(s.SetAccount(BR, OTHER, LEDGER)) == "reverted admin");
    CHECK(Why(s.SetRate(BR, ROYALTY, 0, 10001)) == "reverted input");
    CHECK(Why(s.SetRate(BR, ROYALTY, 0, -1)) == "reverted input");
    CHECK(Why(s.SetRate(BR, 0, 0, 100)) == "reverted input");
    CHECK(Why(s.SetRate(BR, 4, 0, 100)) == "reverted input");
    CHECK(Why(s.SetRate(0, ROYALTY, 0, 100)) == "reverted input");
    CHECK(Why(s.SetRate(Country("br"), ROYALTY, 0, 100)) == "reverted input");
    CHECK(Why(s.SetRate(BR | int64_t{'A'} << 16, ROYALTY, 0, 100)) == "reverted input");
    CHECK(Why(s.SetRate(BR, ROYALTY, Country("U1"), 100)) == "reverted input");
    CHECK(Why(s.SetRate(BR, ROYALTY, 0, 100, -1, 0)) == "reverted input");
    CHECK(Why(s.SetRate(BR, ROYALTY, 0, 100, 50, 50)) == "reverted input");
    CHECK(Why(s.SetRate(BR, ROYALTY, 0, 100, 50, 40)) == "reverted input");
    CHECK(Why(s.SetTreaty(BR, 0, ROYALTY, 100)) == "reverted input");  // a treaty names a residency
    CHECK(Why(s.SetTreaty(BR, DE, 9, 100)) == "reverted input");
    CHECK(Why(s.SetAccount(0, OTHER)) == "reverted input");
    CHECK(Why(s.TaxCall(GOV, "set_rate(int,int,int,int,int)", {BR, ROYALTY, int64_t{0}, int64_t{1}, int64_t{0}})) ==
          "reverted input");
    CHECK(Why(s.TaxCall(GOV, "nothing()", {})) == "reverted input");
    // init runs once.
    CHECK(Why(s.Call(OTHER, s.tax, EncodeCall(INIT_SELECTOR, {OTHER}))) == "reverted input");
    CHECK(s.host.Dump() == before);

    // withhold: input checks, funds, and the missing account.
    const Address P = Addr(0x92);
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500).ok());
    REQUIRE(s.SetRate(FR, ROYALTY, 0, 1500).ok());
    s.host.SetBalance(s.tax, USD, 1000);
    before = s.host.Dump();
    CHECK(Why(s.Withhold(P, USD, 0, ROYALTY, BR, false)) == "reverted amount");
    CHECK(Why(s.Withhold(P, USD, MAX_AMOUNT + 1, ROYALTY, BR, false)) == "reverted amount");
    CHECK(Why(s.Withhold(P, USD, 10, 0, BR, false)) == "reverted input");
    CHECK(Why(s.Withhold(P, static_cast<CurrencyCode>(0), 10, ROYALTY, BR, false)) == "reverted input");
    CHECK(Why(s.Withhold(P, USD, 10, ROYALTY, 1, false)) == "reverted input");
    CHECK(Why(s.Withhold(P, USD, 1001, ROYALTY, BR, false)) == "reverted funds");
    CHECK(Why(s.Withhold(P, USD, 100, ROYALTY, FR, false)) == "reverted noacct");
    CHECK(s.host.Dump() == before);
    CHECK(Int(s.Withhold(P, USD, 6, ROYALTY, FR, false)) == 0);  // floor(6 * 0.15) = 0: no account needed
    CHECK(s.host.Balance(P, USD) == 6);
}

TEST_CASE("tax_withholding: per-payee reports by UTC civil year (Dec 31 / Jan 1, leap years)") {
    Settle s;
    const Address P = Addr(0xA5), Q = Addr(0xA6);
    s.host.SetAccountInfo(P, 1, "US");
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500).ok());
    struct Pay {
        int64_t t;
        int64_t amount;
        int64_t year;
    };
    std::vector<Pay> pays = {
        {Ms(2023, 12, 31, 23, 59, 59, 999), 1000, 2023}, {Ms(2024, 1, 1), 2000, 2024},
        {Ms(2024, 2, 29, 12), 3001, 2024},             {Ms(2024, 12, 31, 23, 59, 59, 999), 5, 2024},
        {Ms(2025, 1, 1), 7, 2025},
    };
    std::map<int64_t, Bytes> expect;
    for (const Pay& p : pays) {
        s.At(p.t);
        int64_t tax = Int(s.Withhold(P, USD, p.amount, ROYALTY, BR));
        for (int64_t v : {p.t, int64_t{USD}, p.amount, tax, ROYALTY, BR, int64_t{1500}}) {
            Bytes b = Le64(v);
            expect[p.year].insert(expect[p.year].end(), b.begin(), b.end());
        }
    }
    s.At(Ms(2024, 6, 1));
    CHECK(Int(s.Withhold(Q, EUR, 10, ROYALTY, 0)) == 0);  // another payee's report is separate
    auto report = [&](const Address& who, int64_t year) {
        return BytesOut(s.TaxCall(OTHER, "report(address,int)", {who, year}));
    };
    auto count = [&](const Address& who, int64_t year) {
        return Int(s.TaxCall(OTHER, "report_count(address,int)", {who, year}));
    };
    auto page = [&](int64_t first, int64_t n) {
        return BytesOut(s.TaxCall(OTHER, "report_page(address,int,int,int)", {P, int64_t{2024}, first, n}));
    };
    CHECK(ToHex(report(P, 2023)) == ToHex(expect[2023]));
    CHECK(ToHex(report(P, 2024)) == ToHex(expect[2024]));
    CHECK(ToHex(report(P, 2025)) == ToHex(expect[2025]));
    CHECK(report(P, 2022).empty());
    CHECK(count(P, 2024) == 3);
    CHECK(count(Q, 2024) == 1);
    CHECK(report(Q, 2024).size() == 56);
    CHECK(ToHex(page(1, 5)) == ToHex(Bytes(expect[2024].begin() + 56, expect[2024].end())));
    CHECK(ToHex(page(0, 1)) == ToHex(Bytes(expect[2024].begin(), expect[2024].begin() + 56)));
    CHECK(page(3, 10).empty());
    CHECK(page(INT64_MAX, INT64_MAX).empty());
    CHECK(Why(s.TaxCall(OTHER, "report_page(address,int,int,int)", {P, int64_t{2024}, int64_t{-1}, int64_t{1}})) ==
          "reverted input");

    // Over 1170 entries do not fit one ABI bytes value: report() says so; pages still work.
    Bytes ck = Tag("rep");
    ck.insert(ck.end(), P.begin(), P.end());
    Bytes y = Le64(2024);
    ck.insert(ck.end(), y.begin(), y.end());
    s.host.StoragePut(s.tax, ck, Le64(1171));
    CHECK(Why(s.TaxCall(OTHER, "report(address,int)", {P, int64_t{2024}})) == "reverted toolong");
    Bytes all = page(0, 2000);
    CHECK(all.size() == 1170 * 56);
    CHECK(ToHex(Bytes(all.begin(), all.begin() + 3 * 56)) == ToHex(expect[2024]));
}

TEST_CASE("tax_withholding: the report year is the UTC civil year, against std::chrono") {
    Settle s;
    const Address P = Addr(0xA7);
    std::vector<int64_t> times = {
        0, -1, Ms(1969, 12, 31), Ms(1970, 1, 1) - int64_t{86'400'000} * 366, Ms(1900, 2, 28, 23), Ms(1900, 3, 1),
        Ms(2000, 2, 29), Ms(2000, 12, 31, 23, 59, 59, 999), Ms(2001, 1, 1), Ms(2100, 2, 28, 23, 59, 59, 999),
        Ms(2100, 3, 1), Ms(2100, 12, 31, 23, 59, 59, 999), Ms(2101, 1, 1), Ms(2400, 12, 31, 12), Ms(1600, 1, 1),
        Ms(1599, 12, 31, 23, 59, 59, 999),
    };
    Rng rng{77};
    for (int i = 0; i < 150; ++i) times.push_back(rng.Range(Ms(1800, 1, 1), Ms(2300, 1, 1)));
    for (int y = 1999; y <= 2031; ++y) {  // both sides of every New Year
        times.push_back(Ms(y, 1, 1) - 1);
        times.push_back(Ms(y, 1, 1));
    }
    std::string bad;
    for (int64_t t : times) {
        int64_t year = RefYear(t);
        uint64_t snap = s.host.Snapshot();
        s.At(t);
        REQUIRE(s.Withhold(P, USD, 1, ROYALTY, 0).ok());
        int64_t n = Int(s.TaxCall(OTHER, "report_count(address,int)", {P, year}));
        if (n != 1 && bad.empty()) bad = "t " + std::to_string(t) + " year " + std::to_string(year);
        s.host.Revert(snap);
    }
    CHECK(bad == "");
}

// ---------------------------------------------------------------- determinism and gas

TEST_CASE("settlement contracts: two VMs on the same transactions give the same results and state") {
    auto run = [](std::string& results) {
        Settle s;
        const Address R = Addr(0xCC);
        std::vector<Payee> payees;
        for (uint8_t i = 0; i < 7; ++i) {
            payees.push_back({PayeeAddr(0xD0, i), i < 6 ? 1428 : 1432});
            s.host.SetAccountInfo(payees.back().addr, 1, i % 2 ? "US" : "DE");
        }
        results += Show(s.SetAccount(BR, TAX_BR)) + "\n";
        results += Show(s.SetRate(BR, ROYALTY, 0, 1500)) + "\n";
        results += Show(s.SetRate(BR, ROYALTY, US, 1000, 0, Ms(2025, 1, 1))) + "\n";
        results += Show(s.SetTreaty(BR, DE, ROYALTY, 500)) + "\n";
        Address split = s.NewSplit(payees, R, USD, 5000);
        int64_t t = Ms(2024, 12, 31, 23);
        for (int64_t amount : {int64_t{1}, int64_t{999}, int64_t{4321}, MAX_AMOUNT / 3, int64_t{0}, int64_t{77}}) {
            s.At(t += 1'800'000);
            results += Show(s.Distribute(split, USD, amount, ROYALTY, BR)) + "\n";
        }
        results += Show(s.Distribute(split, USD, 10, ROYALTY, FR, false)) + "\n";
        return s.host.Dump();
    };
    std::string r1, r2;
    std::string d1 = run(r1);
    std::string d2 = run(r2);
    CHECK(r1 == r2);
    CHECK(d1 == d2);
    CHECK(d1.find("event") != std::string::npos);
}

TEST_CASE("gas: distribute to 10 and 32 payees, withholding and reports included") {
    Settle s;
    REQUIRE(s.SetAccount(BR, TAX_BR).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, 0, 1500).ok());
    REQUIRE(s.SetRate(BR, ROYALTY, US, 1000).ok());
    REQUIRE(s.SetTreaty(BR, DE, ROYALTY, 500).ok());
    auto payees = [&](size_t n) {
        std::vector<Payee> p;
        for (size_t i = 0; i < n; ++i) {
            p.push_back({PayeeAddr(0xE0, static_cast<uint8_t>(i)), static_cast<int64_t>(10000 / n)});
            s.host.SetAccountInfo(p.back().addr, 1, i % 3 == 0 ? "DE" : i % 3 == 1 ? "US" : "FR");
        }
        p[0].bps += static_cast<int64_t>(10000 - 10000 / n * n);
        return p;
    };
    Address s10 = s.NewSplit(payees(10));
    Address s32 = s.NewSplit(payees(32));
    // Amounts chosen so every payee gets a remainder unit (the worst case of the tie-break loop).
    ExecResult r10 = s.Distribute(s10, USD, 1'000'000'009, ROYALTY, BR);
    ExecResult r32 = s.Distribute(s32, USD, 1'000'000'031, ROYALTY, BR);
    ExecResult r10b = s.Distribute(s10, USD, 1'000'000'009, ROYALTY, BR);  // reports already exist
    CHECK(Int(r10) == 10);
    CHECK(Int(r32) == 32);
    MESSAGE("gas: distribute to 10 payees " << r10.gas_used << " (again " << r10b.gas_used << "), to 32 payees "
                                            << r32.gas_used);
    CHECK(r10.gas_used < 100'000);
    CHECK(r32.gas_used < 300'000);
    s.host.SetBalance(s.tax, USD, 100);
    ExecResult w = s.Withhold(PayeeAddr(0xE0, 0), USD, 100, ROYALTY, BR, false);
    MESSAGE("gas: one withhold " << w.gas_used);
    CHECK(w.gas_used < 10'000);
}
