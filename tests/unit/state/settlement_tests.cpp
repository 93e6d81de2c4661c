// Money, licences, revenue, withholding and auctions as ledger rules, through ApplyBlock with the
// standard contracts deployed at genesis: exact splits, conservation, rejections that change
// nothing, and determinism across two replicas.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <random>

#include <node/core/amount.h>
#include <node/core/smt.h>
#include <node/state/settlement.h>
#include <node/state/settlement_events.h>
#include <node/protocol/addresses.h>
#include <node/state/contracts.h>
#include <node/state/queries.h>
#include <node/state/state_root.h>
#include <vm/abi.h>
#include <vm/code.h>
#include <vm/deploy.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::MakeTx;
using folio::test::MapState;

namespace {

const ChainParams PARAMS{"test-chain"};
constexpr uint64_t T0 = 1'800'000'000'000;  // 2027-01-15
constexpr uint64_t TTL = 60'000;

int64_t PackCC(const char* cc) { return static_cast<int64_t>(cc[0]) | static_cast<int64_t>(cc[1]) << 8; }

GenesisDoc Genesis() {
    GenesisDoc g;
    g.chain_id = "test-chain";
    g.genesis_time_ms = T0;
    g.payout_ttl_ms = TTL;
    g.validators.push_back({"v0", AddrFor("validator")});
    auto acct = [&](const char* name, std::vector<Role> roles, KycStatus kyc, const char* res,
                    std::vector<std::pair<std::string, int64_t>> bal = {}) {
        RoleSet r = 0;
        for (Role x : roles) r = WithRole(r, x);
        g.accounts.push_back({name, AddrFor(name), r, kyc, res, std::move(bal)});
    };
    acct("gov", {Role::GOVERNANCE}, KycStatus::VERIFIED, "US");
    acct("gw", {Role::GATEWAY}, KycStatus::VERIFIED, "US");
    acct("gw2", {Role::GATEWAY}, KycStatus::VERIFIED, "US");
    acct("kyc", {Role::KYC_PROVIDER}, KycStatus::VERIFIED, "US");
    acct("fx", {Role::FX_ORACLE}, KycStatus::VERIFIED, "US");
    acct("alice", {Role::CREATOR}, KycStatus::VERIFIED, "BR");
    acct("bob", {Role::CREATOR}, KycStatus::VERIFIED, "US");
    acct("dan", {Role::DISTRIBUTOR}, KycStatus::VERIFIED, "BR", {{"BRL", 10'000'000}, {"USD", 5'000'000}});
    acct("eve", {Role::DISTRIBUTOR}, KycStatus::VERIFIED, "MX", {{"BRL", 10'000'000}});
    acct("fay", {Role::DISTRIBUTOR}, KycStatus::VERIFIED, "AR", {{"BRL", 10'000'000}});
    acct("nokyc", {Role::CREATOR}, KycStatus::NONE, "");
    acct("comp", {Role::COMPLIANCE}, KycStatus::VERIFIED, "US");
    acct("taxbr", {}, KycStatus::NONE, "");
    return g;
}

struct Chain {
    MapState state;
    uint64_t height = 0;
    uint64_t time = T0;
    std::map<std::string, uint64_t> nonce;
    std::vector<std::pair<BlockContext, std::vector<Transaction>>> blocks;  // for replay
    Chain() { state.Apply(BuildGenesisState(Genesis()).value()); }

    std::vector<Receipt> last;  // the last block's receipts (the block step's after the transactions')

    // A block of `txs` (signers and bodies) 1 s after the last: its receipts, or the rejection.
    Result<std::vector<Receipt>, std::string> Block(const std::vector<std::pair<std::string, TxBody>>& txs) {
        std::vector<Transaction> block;
        std::map<std::string, uint64_t> next = nonce;
        for (const auto& [who, body] : txs) block.push_back(MakeTx(who, next[who]++, body));
        time += 1000;
        BlockContext ctx{height + 1, time, AddrFor("validator")};
        auto r = ApplyBlock(state, PARAMS, ctx, block);
        if (!r) return Fail(std::string(RejectCode(r.error().why.code)) + ": " + r.error().why.message);
        state.Apply(r->writes);
        ++height;
        nonce = next;
        blocks.push_back({ctx, block});
        last = r->receipts;
        return r->receipts;
    }
    // One transaction in its own block: the receipt, or the rejection code.
    Result<Receipt, std::string> Send(const std::string& who, TxBody body) {
        auto r = Block({{who, std::move(body)}});
        if (!r) return Fail(r.error());
        return r->at(0);
    }
    Receipt Ok(const std::string& who, TxBody body) {
        auto r = Send(who, std::move(body));
        REQUIRE_MESSAGE(r, (r ? "" : r.error()));
        REQUIRE_MESSAGE(r->success, (r->error_code + ": " + r->error_message));
        return *r;
    }
    void Try(const std::string& who, TxBody body) { (void)Send(who, std::move(body)); }
    std::string Code(const std::string& who, TxBody body) {
        auto r = Send(who, std::move(body));
        if (!r) return r.error().substr(0, r.error().find(':'));
        return r->success ? "ok" : r->error_code;
    }
    int64_t Bal(const std::string& who, const char* cur) { return LoadBalance(state, AddrFor(who), cur); }
    void Gov(GovAction a) { Ok("gov", ProposeTx{std::move(a)}); }
    void TaxCall(const std::string& sig, std::vector<vm::AbiValue> args) {
        Gov(GovContractCall{TaxContractAddress(), *vm::EncodeCallChecked(sig, args)});
    }
    void SetupTax() {
        // BR withholds 15% on royalties paid to anyone; a BR–US treaty lowers it to 10%.
        TaxCall("set_account(int,address)", {PackCC("BR"), AddrFor("taxbr")});
        TaxCall("set_rate(int,int,int,int,int,int)", {PackCC("BR"), int64_t{1}, int64_t{0}, int64_t{1500}, int64_t{0}, int64_t{0}});
        TaxCall("set_treaty(int,int,int,int,int,int)", {PackCC("BR"), PackCC("US"), int64_t{1}, int64_t{1000}, int64_t{0}, int64_t{0}});
    }
    uint64_t RegisterWork(const std::string& content, const std::vector<std::pair<std::string, uint16_t>>& owners) {
        Receipt r = Ok(owners[0].first, test::Work(content, owners));
        return std::get<EvWorkRegistered>(r.events.at(0)).work_id;
    }
    // Σ balances + Σ escrow + Σ pending + Σ open AML holds == Σ deposits − Σ confirmed, per currency.
    std::string Conservation() {
        std::map<std::string, Int128> held, supply;
        state.ForEach([&](const Bytes& k, const Bytes& v) {
            std::string key(k.begin(), k.end());
            if (key.rfind("b/", 0) == 0 && k.size() == 37) {
                Reader r(v);
                held[key.substr(34)] += r.U64();
            } else if (key.rfind("po/", 0) == 0) {
                auto p = DecodeFields<Payout>(v).value();
                if (p.status == PayoutStatus::PENDING) held[p.currency] += p.amount;
            } else if (key.rfind("ah/", 0) == 0) {
                auto h = DecodeFields<AmlHold>(v).value();
                if (h.status == AmlHoldStatus::HELD || h.status == AmlHoldStatus::BLOCKED) held[h.currency] += h.amount;
            } else if (key.rfind("sup/", 0) == 0) {
                auto s = DecodeFields<Supply>(v).value();
                supply[key.substr(4)] += static_cast<Int128>(s.deposited) - s.paid_out;
            }
        });
        std::string bad;
        for (const auto& [cur, s] : supply)
            if (held[cur] != s) bad += cur + " ";
        for (const auto& [cur, h] : held)
            if (!supply.count(cur) && h != 0) bad += cur + "(no supply) ";
        return bad.empty() ? "ok" : "violated: " + bad;
    }
};

LicenceTerms Terms(std::vector<std::string> territories, uint32_t rights, bool exclusive, uint64_t from, uint64_t until) {
    LicenceTerms t;
    t.territories = std::move(territories);
    t.rights = rights;
    t.exclusive = exclusive;
    t.start_ms = from;
    t.end_ms = until;
    return t;
}

uint64_t PayoutIdOf(const Receipt& r) {
    for (const Event& e : r.events)
        if (auto* p = std::get_if<EvPayout>(&e)) return p->payout.id;
    return 0;
}

}  // namespace

TEST_CASE("deposits credit once; a repeated reference is rejected and changes nothing") {
    Chain c;
    Receipt r = c.Ok("gw", DepositTx{AddrFor("alice"), "USD", 12345, "bank-ref-1"});
    CHECK(c.Bal("alice", "USD") == 12345);
    REQUIRE(std::holds_alternative<EvDeposit>(r.events.at(0)));
    std::string before = c.state.Dump();
    CHECK(c.Code("gw", DepositTx{AddrFor("alice"), "USD", 12345, "bank-ref-1"}) == "duplicate_deposit_reference");
    CHECK(c.state.Dump() == before);
    // Another gateway may use its own references; a non-gateway may not deposit at all.
    CHECK(c.Code("gw2", DepositTx{AddrFor("alice"), "USD", 1, "bank-ref-1"}) == "ok");
    CHECK(c.Code("alice", DepositTx{AddrFor("alice"), "USD", 1, "x"}) == "missing_permission");
    CHECK(c.Code("gw", DepositTx{AddrFor("alice"), "XXQ", 1, "y"}) == "invalid_field");
    CHECK(c.Code("gw", DepositTx{AddrFor("alice"), "USD", 0, "z"}) == "invalid_field");
    CHECK(c.Code("gw", DepositTx{AddrFor("alice"), "USD", MAX_AMOUNT + 1, "z"}) == "invalid_field");
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("payouts: instruction, confirmation, a second answer rejected naming the first, failure") {
    Chain c;
    c.Ok("gw", DepositTx{AddrFor("alice"), "USD", 100000, "d1"});
    CHECK(c.Code("alice", WithdrawTx{"USD", 100}) == "no_payout_prefs");
    CHECK(c.Code("alice", SetPayoutPrefsTx{AddrFor("bob"), "USD", 0}) == "invalid_field");  // bob is no gateway
    c.Ok("alice", SetPayoutPrefsTx{AddrFor("gw"), "USD", 0});
    CHECK(c.Code("alice", WithdrawTx{"USD", 100001}) == "insufficient_funds");
    uint64_t p1 = PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 30000}));
    REQUIRE(p1 != 0);
    CHECK(c.Bal("alice", "USD") == 70000);
    auto po = LoadPayout(c.state, p1);
    REQUIRE(po);
    CHECK(po->status == PayoutStatus::PENDING);
    CHECK(po->gateway == AddrFor("gw"));
    CHECK(po->expires_ms == po->created_ms + TTL);
    CHECK(c.Conservation() == "ok");

    CHECK(c.Code("gw2", PayoutConfirmTx{p1, "wire-1"}) == "missing_permission");  // not its gateway
    c.Ok("gw", PayoutConfirmTx{p1, "wire-1"});
    std::string before = c.state.Dump();
    CHECK(c.Code("gw", PayoutConfirmTx{p1, "wire-2"}) == "payout_already_confirmed");
    CHECK(c.Code("gw", PayoutFailTx{p1, "bank said no"}) == "payout_already_confirmed");
    CHECK(c.state.Dump() == before);
    CHECK(LoadSupply(c.state, "USD")->paid_out == 30000);

    uint64_t p2 = PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 20000}));
    c.Ok("gw", PayoutFailTx{p2, "account closed"});
    CHECK(c.Bal("alice", "USD") == 70000);  // returned
    CHECK(c.Code("gw", PayoutConfirmTx{p2, "late"}) == "payout_already_failed");

    CHECK(c.Code("gw", PayoutConfirmTx{999, "x"}) == "not_found");
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("payouts expire by themselves at the first block past their expiry; a late answer names it") {
    Chain c;
    c.Ok("gw", DepositTx{AddrFor("alice"), "USD", 100000, "d1"});
    c.Ok("alice", SetPayoutPrefsTx{AddrFor("gw"), "USD", 0});
    uint64_t p3 = PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 5000}));
    uint64_t p4 = PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 1000}));  // 1 s later: expires 1 s later
    const Payout po3 = LoadPayout(c.state, p3).value();
    CHECK(c.Bal("alice", "USD") == 94000);
    // The manual transaction is retired: rejected, nothing changes.
    std::string before = c.state.Dump();
    CHECK(c.Code("bob", PayoutExpireTx{p3}) == "retired_kind");
    CHECK(c.state.Dump() == before);

    // A block at exactly expires_ms: not past it, nothing expires (and no step receipt).
    c.time = po3.expires_ms - 1000;
    REQUIRE(c.Block({}));
    CHECK(c.last.empty());
    CHECK(LoadPayout(c.state, p3)->status == PayoutStatus::PENDING);

    // The next block, 1 s past it: p3 expires before the block's transactions, with no
    // transaction asking; p4, at exactly its expiry, can still be confirmed in that block.
    auto r = c.Block({{"gw", PayoutConfirmTx{p4, "wire-4"}}});
    REQUIRE(r);
    REQUIRE(r->size() == 2);
    CHECK(r->at(0).success);
    const Receipt& step = r->at(1);
    CHECK(step.tx_id == BlockStepId(PARAMS.chain_id, c.height));
    CHECK(step.success);
    REQUIRE(step.events.size() == 1);
    const auto* ev = std::get_if<EvPayout>(&step.events[0]);
    REQUIRE(ev);
    CHECK(ev->payout.id == p3);
    CHECK(ev->payout.status == PayoutStatus::EXPIRED);
    auto after = LoadPayout(c.state, p3).value();
    CHECK(after.status == PayoutStatus::EXPIRED);
    CHECK(after.ended_ms == c.time);
    CHECK(LoadPayout(c.state, p4)->status == PayoutStatus::CONFIRMED);
    CHECK(c.Bal("alice", "USD") == 99000);  // p3's 50.00 back; p4 paid
    CHECK(c.Conservation() == "ok");

    // A late answer is refused, naming the expiry; nothing changes.
    before = c.state.Dump();
    auto late = c.Send("gw", PayoutConfirmTx{p3, "too late"});
    REQUIRE(!late);
    CHECK(late.error().rfind("payout_already_expired", 0) == 0);
    CHECK(late.error().find("expired at " + std::to_string(po3.expires_ms) + " ms") != std::string::npos);
    CHECK(c.Code("gw", PayoutFailTx{p3, "x"}) == "payout_already_expired");
    CHECK(c.state.Dump() == before);
    // An answer in the very block that expires a payout is refused too: it is checked at that
    // block's time, past the expiry.
    uint64_t p5 = PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 700}));
    c.time = LoadPayout(c.state, p5)->expires_ms;
    CHECK(c.Code("gw", PayoutConfirmTx{p5, "just late"}) == "payout_already_expired");

    // Once every payout has ended and the time is past their minutes, the expiry index is empty.
    REQUIRE(c.Block({}));
    CHECK(LoadPayout(c.state, p5)->status == PayoutStatus::EXPIRED);
    c.time += 2 * PAYOUT_EXPIRY_BUCKET_MS;
    REQUIRE(c.Block({}));
    std::vector<std::string> left;
    c.state.ForEach([&](const Bytes& k, const Bytes&) {
        std::string key(k.begin(), k.end());
        if (key.rfind("pxe/", 0) == 0 || key.rfind("pxn/", 0) == 0 || key == "m/payout_expiry") left.push_back(key);
    });
    CHECK(left.empty());
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("payout expiry: a block expires at most 4096 payouts; the next goes on, in payout order") {
    Chain c;
    c.Ok("gw", DepositTx{AddrFor("alice"), "USD", 100000, "d1"});
    c.Ok("alice", SetPayoutPrefsTx{AddrFor("gw"), "USD", 0});
    const size_t N = MAX_BLOCK_STEP_EVENTS + 5;
    std::vector<std::pair<std::string, TxBody>> txs(N, {"alice", WithdrawTx{"USD", 1}});
    REQUIRE(c.Block(txs));
    REQUIRE(c.last.size() == N);
    const uint64_t first = PayoutIdOf(c.last.front());
    c.time = LoadPayout(c.state, first)->expires_ms;
    REQUIRE(c.Block({}));
    REQUIRE(c.last.size() == 1);
    REQUIRE(c.last[0].events.size() == MAX_BLOCK_STEP_EVENTS);
    for (size_t i = 0; i < MAX_BLOCK_STEP_EVENTS; ++i)
        CHECK(std::get<EvPayout>(c.last[0].events[i]).payout.id == first + i);
    CHECK(LoadPayout(c.state, first + MAX_BLOCK_STEP_EVENTS)->status == PayoutStatus::PENDING);
    CHECK(c.Conservation() == "ok");
    REQUIRE(c.Block({}));
    REQUIRE(c.last.size() == 1);
    CHECK(c.last[0].events.size() == 5);
    CHECK(LoadPayout(c.state, first + N - 1)->status == PayoutStatus::EXPIRED);
    CHECK(c.Bal("alice", "USD") == 100000);
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("a stale FX rate (older than 24 hours of block time) converts nothing until a fresh one is posted") {
    Chain c;
    c.Ok("gw", DepositTx{AddrFor("bob"), "USD", 5000, "d1"});
    c.Ok("bob", SetPayoutPrefsTx{AddrFor("gw"), "JPY", 0});
    c.Ok("fx", PostFxRateTx{"USD", "JPY", 15000, 100});
    CHECK(c.Code("bob", WithdrawTx{"USD", 1000}) == "ok");  // fresh
    c.time += FX_RATE_VALIDITY_MS - 2000;                    // the next block is exactly 24 h after the post
    CHECK(c.Code("bob", WithdrawTx{"USD", 1000}) == "ok");  // still valid at its last millisecond
    c.time += 1;
    const int64_t before = c.Bal("bob", "USD");
    auto stale = c.Send("bob", WithdrawTx{"USD", 1000});
    REQUIRE(stale);
    CHECK(stale->error_code == "fx_rate_stale");
    CHECK(stale->error_message.find("the latest USD/JPY rate (id 1, posted at ") == 0);
    CHECK(stale->error_message.find("is older than the chain's FX validity of 24 hours") != std::string::npos);
    CHECK(c.Bal("bob", "USD") == before);  // nothing moved
    c.Ok("fx", PostFxRateTx{"USD", "JPY", 15100, 100});
    Receipt r = c.Ok("bob", WithdrawTx{"USD", 1000});
    CHECK(LoadPayout(c.state, PayoutIdOf(r))->rate_id == 2);
    CHECK(c.Conservation() == "ok");

    // A genesis may set another window (fx_rate_validity_ms): 90 s here.
    GenesisDoc g = Genesis();
    g.fx_rate_validity_ms = 90'000;
    Chain d;
    d.state = MapState{};
    d.state.Apply(BuildGenesisState(g).value());
    CHECK(LoadFxRateValidity(d.state) == 90'000);
    CHECK(LoadFxRateValidity(c.state) == FX_RATE_VALIDITY_MS);  // the default writes nothing
    d.Ok("gw", DepositTx{AddrFor("bob"), "USD", 5000, "d1"});
    d.Ok("bob", SetPayoutPrefsTx{AddrFor("gw"), "JPY", 0});
    d.Ok("fx", PostFxRateTx{"USD", "JPY", 15000, 100});
    d.time += 89'000;  // the next block is exactly 90 s after the post
    CHECK(d.Code("bob", WithdrawTx{"USD", 1000}) == "ok");
    auto late = d.Send("bob", WithdrawTx{"USD", 1000});
    REQUIRE(late);
    CHECK(late->error_code == "fx_rate_stale");
    CHECK(late->error_message.find("older than the chain's FX validity of 90000 ms") != std::string::npos);
}

TEST_CASE("payouts go only to KYC-verified, unfrozen payees; FX conversion is exact and rounds down") {
    Chain c;
    // A deposit credits only a KYC-verified account (rejected, nothing changes).
    std::string before = c.state.Dump();
    CHECK(c.Code("gw", DepositTx{AddrFor("nokyc"), "USD", 1000, "d1"}) == "kyc_required");
    CHECK(c.state.Dump() == before);
    c.Ok("kyc", SetKycTx{AddrFor("nokyc"), KycStatus::VERIFIED, "DE"});
    c.Ok("gw", DepositTx{AddrFor("nokyc"), "USD", 1000, "d1"});
    c.Ok("nokyc", SetPayoutPrefsTx{AddrFor("gw"), "USD", 0});
    c.Ok("kyc", SetKycTx{AddrFor("nokyc"), KycStatus::REVOKED, "DE"});
    CHECK(c.Code("nokyc", WithdrawTx{"USD", 10}) == "kyc_required");  // revoked: no payout
    c.Ok("kyc", SetKycTx{AddrFor("nokyc"), KycStatus::VERIFIED, "DE"});
    CHECK(c.Code("nokyc", WithdrawTx{"USD", 10}) == "ok");
    c.Gov(SetFrozen{AddrFor("nokyc"), true});
    CHECK(c.Code("nokyc", WithdrawTx{"USD", 10}) == "account_frozen");  // a frozen account cannot send
    c.Gov(SetFrozen{AddrFor("nokyc"), false});

    // JPY has no minor unit: 1 USD = 151.37 JPY; 10.01 USD -> floor(1001 * 15137 / 100 / 100) = 1515 JPY.
    c.Ok("gw", DepositTx{AddrFor("bob"), "USD", 1001, "d2"});
    c.Ok("bob", SetPayoutPrefsTx{AddrFor("gw"), "JPY", 0});
    CHECK(c.Code("bob", WithdrawTx{"USD", 1001}) == "no_fx_rate");
    CHECK(c.Code("bob", PostFxRateTx{"USD", "JPY", 15137, 100}) == "missing_permission");
    c.Ok("fx", PostFxRateTx{"USD", "JPY", 15137, 100});
    Receipt r = c.Ok("bob", WithdrawTx{"USD", 1001});
    auto p = LoadPayout(c.state, PayoutIdOf(r)).value();
    CHECK(p.amount == 1001);
    CHECK(p.target_currency == "JPY");
    CHECK(p.target_amount == 1515);
    CHECK(p.rate_num == 15137);
    CHECK(p.rate_den == 100);
    CHECK(p.rate_id == 1);
    CHECK(c.Conservation() == "ok");

    // Extreme rates never overflow silently: 10^18 JPY at 10^18 BHD per JPY is refused.
    c.Ok("gw", DepositTx{AddrFor("eve"), "JPY", MAX_AMOUNT, "d3"});
    c.Ok("eve", SetPayoutPrefsTx{AddrFor("gw"), "BHD", 0});
    c.Ok("fx", PostFxRateTx{"JPY", "BHD", static_cast<uint64_t>(MAX_AMOUNT), 1});
    CHECK(c.Code("eve", WithdrawTx{"JPY", MAX_AMOUNT}) == "fx_out_of_range");
    CHECK(c.Bal("eve", "JPY") == MAX_AMOUNT);
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("revenue flows through the work's split and the withholding table, exactly") {
    Chain c;
    c.SetupTax();
    uint64_t work = c.RegisterWork("film", {{"alice", 7000}, {"bob", 3000}});
    // 1000.01 BRL: alice 70000.7 -> 70001 (largest remainder), bob 30000.3 -> 30000.
    // alice (BR resident): 15% of 70001 = 10500 withheld; bob (US): treaty 10% of 30000 = 3000.
    c.Ok("dan", ReportRevenueTx{work, "BRL", 100001, 0, 0, "BR", "2027-01"});
    CHECK(c.Bal("alice", "BRL") == 70001 - 10500);
    CHECK(c.Bal("bob", "BRL") == 30000 - 3000);
    CHECK(c.Bal("taxbr", "BRL") == 13500);
    CHECK(c.Bal("dan", "BRL") == 10'000'000 - 100001);
    CHECK(LoadBalance(c.state, SplitAddress(work), "BRL") == 0);
    CHECK(LoadBalance(c.state, TaxContractAddress(), "BRL") == 0);
    // Revenue from a source without a table entry is not withheld.
    c.Ok("dan", ReportRevenueTx{work, "USD", 1000, 0, 0, "US", ""});
    CHECK(c.Bal("alice", "USD") == 700);
    CHECK(c.Bal("bob", "USD") == 300);
    // More than the payer holds fails and changes nothing but the nonce.
    CHECK(c.Code("dan", ReportRevenueTx{work, "USD", 5'000'000, 0, 0, "US", ""}) == "insufficient_funds");
    CHECK(c.Code("dan", ReportRevenueTx{99, "USD", 1, 0, 0, "US", ""}) == "not_found");
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("a subscription pool is split across works by watch time, after the promoter's share") {
    Chain c;
    uint64_t w1 = c.RegisterWork("a", {{"alice", 10000}});
    uint64_t w2 = c.RegisterWork("b", {{"bob", 10000}});
    // 100.00 USD, promoter 10% = 10.00; 90.00 by seconds 1:2 -> 30.00 and 60.00.
    ReportPoolTx pool{"USD", 10000, {{w1, 100}, {w2, 200}}, AddrFor("eve"), 1000, "US", "2027-01"};
    c.Ok("dan", pool);
    CHECK(c.Bal("eve", "USD") == 1000);
    CHECK(c.Bal("alice", "USD") == 3000);
    CHECK(c.Bal("bob", "USD") == 6000);
    CHECK(c.Bal("dan", "USD") == 5'000'000 - 10000);
    // 1 minor unit over three equal works goes to the first by the tie-break.
    uint64_t w3 = c.RegisterWork("c", {{"alice", 10000}});
    c.Ok("dan", ReportPoolTx{"USD", 1, {{w1, 5}, {w2, 5}, {w3, 5}}, Address{}, 0, "US", ""});
    CHECK(c.Bal("alice", "USD") == 3001);
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("licences: an overlapping exclusive grant is rejected naming the first; licence_check") {
    Chain c;
    uint64_t work = c.RegisterWork("film", {{"alice", 10000}});
    uint64_t from = T0, until = T0 + 365ull * 24 * 3600 * 1000;
    c.Ok("alice", GrantLicenceTx{work, AddrFor("dan"), Terms({"BR"}, RIGHT_STREAM | RIGHT_DISTRIBUTE, true, from, until)});
    std::string before = c.state.Dump();
    auto r = c.Send("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"WW"}, RIGHT_STREAM, false, from, until)});
    REQUIRE_FALSE(r);
    CHECK(r.error().find("licence_conflict") == 0);
    CHECK(r.error().find("licence 1") != std::string::npos);
    CHECK(c.state.Dump() == before);
    // Worldwide except BR does not overlap; nor does another right, or a later term.
    LicenceTerms ww = Terms({"WW"}, RIGHT_STREAM, false, from, until);
    ww.excluded = {"BR"};
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), ww}) == "ok");
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"BR"}, RIGHT_BROADCAST, false, from, until)}) == "ok");
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"BR"}, RIGHT_STREAM, true, until, until + 1000)}) == "ok");
    // Only an owner may grant; bad terms are refused.
    CHECK(c.Code("bob", GrantLicenceTx{work, AddrFor("eve"), Terms({"AR"}, RIGHT_STREAM, false, from, until)}) == "missing_permission");
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"XX"}, RIGHT_STREAM, false, from, until)}) == "invalid_field");
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"US", "AR"}, RIGHT_STREAM, false, from, until)}) == "invalid_field");
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"AR"}, RIGHT_STREAM, false, until, from)}) == "invalid_field");

    auto check = [&](const char* who, const char* cc, uint32_t right, uint64_t at) {
        auto a = CheckLicence(c.state, work, AddrFor(who), cc, right, at);
        return a.allowed ? "allowed:" + std::to_string(a.licence->id) : std::string("denied");
    };
    CHECK(check("dan", "BR", RIGHT_STREAM, from + 1000) == "allowed:1");
    CHECK(check("dan", "MX", RIGHT_STREAM, from + 1000) == "denied");
    CHECK(check("dan", "BR", RIGHT_STREAM, until) == "denied");  // end is exclusive
    CHECK(check("dan", "BR", RIGHT_STREAM, from - 1) == "denied");
    CHECK(check("dan", "BR", RIGHT_SYNC, from + 1000) == "denied");
    CHECK(check("eve", "MX", RIGHT_STREAM, from + 1000) == "allowed:2");
    CHECK(check("eve", "BR", RIGHT_STREAM, from + 1000) == "denied");  // excluded
    CHECK(check("fay", "BR", RIGHT_STREAM, from + 1000) == "denied");
}

TEST_CASE("a fee licence is an offer the licensee accepts and pays at once; revocation follows the terms") {
    Chain c;
    uint64_t work = c.RegisterWork("song", {{"alice", 5000}, {"bob", 5000}});
    LicenceTerms t = Terms({"AR"}, RIGHT_SYNC, false, T0, T0 + 1'000'000'000);
    t.fee_currency = "BRL";
    t.fee_amount = 50001;
    t.revocable = true;
    c.Ok("alice", GrantLicenceTx{work, AddrFor("fay"), t});
    CHECK(LoadLicence(c.state, 1)->status == LicenceStatus::OFFERED);
    CHECK_FALSE(CheckLicence(c.state, work, AddrFor("fay"), "AR", RIGHT_SYNC, T0 + 10).allowed);
    CHECK(c.Code("dan", AcceptLicenceTx{1}) == "missing_permission");
    c.Ok("fay", AcceptLicenceTx{1});
    CHECK(LoadLicence(c.state, 1)->status == LicenceStatus::ACTIVE);
    CHECK(c.Bal("fay", "BRL") == 10'000'000 - 50001);
    CHECK(c.Bal("alice", "BRL") + c.Bal("bob", "BRL") == 50001);  // no AR withholding table
    CHECK(c.Code("fay", AcceptLicenceTx{1}) == "invalid_field");
    CHECK(CheckLicence(c.state, work, AddrFor("fay"), "AR", RIGHT_SYNC, c.time).allowed);
    c.Ok("bob", RevokeLicenceTx{1});
    CHECK_FALSE(CheckLicence(c.state, work, AddrFor("fay"), "AR", RIGHT_SYNC, c.time).allowed);
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("transfer_shares needs every current owner's consent, and the split follows") {
    Chain c;
    uint64_t work = c.RegisterWork("track", {{"alice", 5000}, {"bob", 5000}});
    std::vector<Share> owners = {{AddrFor("alice"), 2000}, {AddrFor("bob"), 8000}};
    std::sort(owners.begin(), owners.end(), [](const Share& a, const Share& b) { return a.owner < b.owner; });
    TransferSharesTx tx{work, owners, {}};
    CHECK(c.Code("alice", tx) == "missing_permission");
    Hash256 digest = TransferSharesDigest("test-chain", work, 0, owners);
    tx.consents.push_back({AddrFor("bob"), *SignSchnorr(test::KeyFor("bob"), digest, Hash256{})});
    c.Ok("alice", tx);
    CHECK(LoadWork(c.state, work)->owners == owners);
    // The same consent cannot be replayed: the shares version moved on.
    CHECK(c.Code("alice", tx) == "missing_permission");
    c.Ok("dan", ReportRevenueTx{work, "USD", 1000, 0, 0, "US", ""});
    CHECK(c.Bal("alice", "USD") == 200);
    CHECK(c.Bal("bob", "USD") == 800);
}

TEST_CASE("an English auction on the ledger: escrowed bids, the licence to the winner, proceeds through the split") {
    Chain c;
    c.SetupTax();
    uint64_t work = c.RegisterWork("doc", {{"alice", 10000}});
    LicenceTerms terms = Terms({"BR"}, RIGHT_DISTRIBUTE | RIGHT_STREAM, true, T0, T0 + 100'000'000);
    CreateAuctionTx a{work, AuctionKind::ENGLISH, "BRL", 100000, 1000, 5000, 10000, c.time, c.time + 60'000, "BR", terms};
    Receipt r = c.Ok("alice", a);
    uint64_t auction = 0;
    for (const Event& e : r.events)
        if (auto* ac = std::get_if<EvAuctionCreated>(&e)) auction = ac->auction;
    REQUIRE(auction == 1);
    Address contract = AuctionAddress(auction);
    // The territory is reserved: a conflicting grant is refused while the auction runs.
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"BR"}, RIGHT_STREAM, false, T0, T0 + 1000)}) == "licence_conflict");
    auto bid = [&](const char* who, int64_t amount) {
        return c.Code(who, ContractCallTx{contract, *vm::EncodeCallChecked("bid(int)", {amount}), 2'000'000});
    };
    CHECK(bid("dan", 99999) == "contract_failed");  // below the reserve
    CHECK(bid("dan", 100000) == "ok");
    CHECK(bid("eve", 100500) == "contract_failed");  // below the minimum increment
    CHECK(bid("eve", 101000) == "ok");
    CHECK(c.Bal("dan", "BRL") == 10'000'000);  // refunded when outbid
    CHECK(c.Bal("eve", "BRL") == 10'000'000 - 101000);
    CHECK(LoadBalance(c.state, contract, "BRL") == 101000);
    CHECK(c.Conservation() == "ok");
    c.time += 70'000;
    c.Ok("fay", ContractCallTx{contract, *vm::EncodeCallChecked("close()", {}), 2'000'000});
    auto l = LoadLicence(c.state, 1).value();
    CHECK(l.status == LicenceStatus::ACTIVE);
    CHECK(l.licensee == AddrFor("eve"));
    CHECK_FALSE(l.terms.revocable);
    CHECK(CheckLicence(c.state, work, AddrFor("eve"), "BR", RIGHT_DISTRIBUTE, T0 + 1000).allowed);
    // 1010.00 BRL to alice (BR resident, licence fee income: no table entry -> no withholding).
    CHECK(c.Bal("alice", "BRL") == 101000);
    CHECK(LoadBalance(c.state, contract, "BRL") == 0);
    CHECK(c.Code("fay", ContractCallTx{contract, *vm::EncodeCallChecked("close()", {}), 2'000'000}) == "contract_failed");
    CHECK(c.Code("eve", RevokeLicenceTx{1}) == "missing_permission");
    CHECK(c.Code("alice", RevokeLicenceTx{1}) == "invalid_field");  // irrevocable
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("automatic payout when a balance reaches the payee's threshold") {
    Chain c;
    uint64_t work = c.RegisterWork("x", {{"alice", 10000}});
    c.Ok("alice", SetPayoutPrefsTx{AddrFor("gw"), "USD", 5000});
    Receipt r1 = c.Ok("dan", ReportRevenueTx{work, "USD", 4000, 0, 0, "US", ""});
    CHECK(PayoutIdOf(r1) == 0);
    Receipt r2 = c.Ok("dan", ReportRevenueTx{work, "USD", 1500, 0, 0, "US", ""});
    uint64_t id = PayoutIdOf(r2);
    REQUIRE(id != 0);
    CHECK(LoadPayout(c.state, id)->amount == 5500);
    CHECK(c.Bal("alice", "USD") == 0);
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("conservation holds after random sequences of deposits, reports, withdrawals, confirms, fails and expiries; a replica replaying the blocks gets the same state roots") {
    const char* payees[] = {"alice", "bob", "dan", "eve", "fay"};
    for (uint32_t seed = 1; seed <= 6; ++seed) {
        CAPTURE(seed);
        Chain c;
        c.SetupTax();
        std::mt19937_64 rng(seed);
        uint64_t w1 = c.RegisterWork("a" + std::to_string(seed), {{"alice", 3333}, {"bob", 6667}});
        uint64_t w2 = c.RegisterWork("b" + std::to_string(seed), {{"bob", 10000}});
        for (const char* p : payees) c.Ok(p, SetPayoutPrefsTx{AddrFor(rng() % 2 ? "gw" : "gw2"), "BRL", 0});
        std::vector<uint64_t> pending;
        int refs = 0;
        for (int step = 0; step < 60; ++step) {
            const char* who = payees[rng() % 5];
            switch (rng() % 6) {
                case 0:
                    c.Try("gw", DepositTx{AddrFor(who), "BRL", static_cast<int64_t>(rng() % 1'000'000 + 1), "r" + std::to_string(refs++)});
                    break;
                case 1:
                    c.Try(who, ReportRevenueTx{rng() % 2 ? w1 : w2, "BRL", static_cast<int64_t>(rng() % 300'000 + 1), 0, 0,
                                                rng() % 2 ? "BR" : "US", ""});
                    break;
                case 2: {
                    int64_t bal = c.Bal(who, "BRL");
                    if (bal == 0) break;
                    auto r = c.Send(who, WithdrawTx{"BRL", static_cast<int64_t>(rng() % static_cast<uint64_t>(bal)) + 1});
                    if (r && r->success) pending.push_back(PayoutIdOf(*r));
                    break;
                }
                case 3:
                case 4:
                    if (!pending.empty()) {
                        uint64_t id = pending[rng() % pending.size()];
                        auto p = LoadPayout(c.state, id).value();
                        std::string gw = p.gateway == AddrFor("gw") ? "gw" : "gw2";
                        if (rng() % 2) c.Try(gw, PayoutConfirmTx{id, "ok" + std::to_string(id)});
                        else c.Try(gw, PayoutFailTx{id, "bounced"});
                    }
                    break;
                case 5:  // time passes: the next block expires what is past its expiry
                    c.time += TTL / 3;
                    REQUIRE(c.Block({}));
                    break;
            }
            REQUIRE(c.Conservation() == "ok");
        }
        // Replay every block on a fresh replica: identical writes and state roots at every height.
        MapState replica;
        replica.Apply(BuildGenesisState(Genesis()).value());
        MemoryNodeStore n1;
        auto g = UpdateStateRoot(n1, Hash256{}, 0, BuildGenesisState(Genesis()).value(), 0);
        n1.Apply(g.value());
        Hash256 root = g->new_root;
        MapState origin;
        origin.Apply(BuildGenesisState(Genesis()).value());
        for (const auto& [ctx, txs] : c.blocks) {
            auto a = ApplyBlock(origin, PARAMS, ctx, txs);
            auto b = ApplyBlock(replica, PARAMS, ctx, txs);
            REQUIRE(a);
            REQUIRE(b);
            REQUIRE(a->writes == b->writes);
            REQUIRE(a->receipts == b->receipts);
            origin.Apply(a->writes);
            replica.Apply(b->writes);
            auto u = UpdateStateRoot(n1, root, ctx.height - 1, b->writes, ctx.height);
            REQUIRE(u);
            n1.Apply(u.value());
            root = u->new_root;
        }
        CHECK(replica.Dump() == c.state.Dump());
        CHECK_FALSE(root.IsZero());
    }
}

TEST_CASE("NFT editions: capped mint, list and buy with exact royalty and fee, viewing right, transfer, burn") {
    GenesisDoc g = Genesis();
    g.platform = AddrFor("platform");
    Chain c;
    c.state = MapState{};
    c.state.Apply(BuildGenesisState(g).value());
    uint64_t work = c.RegisterWork("art", {{"alice", 6000}, {"bob", 4000}});
    CHECK(c.Code("dan", NftMintTx{work, 3, 1000, 250, true}) == "missing_permission");
    CHECK(c.Code("alice", NftMintTx{work, 0, 1000, 250, true}) == "invalid_field");
    CHECK(c.Code("alice", NftMintTx{work, 3, 9000, 1001, true}) == "invalid_field");
    c.Ok("alice", NftMintTx{work, 3, 1000, 250, true});
    auto col = LoadCollection(c.state, work).value();
    CHECK(col.cap == 3);
    CHECK(LoadNftHoldings(c.state, AddrFor("alice"), work) == 3);
    // The cap is reached: no further mint, ever.
    std::string before = c.state.Dump();
    CHECK(c.Code("alice", NftMintTx{work, 1, 1000, 250, true}) == "invalid_field");
    CHECK(c.state.Dump() == before);

    uint64_t t1 = col.first_token;
    CHECK(c.Code("bob", NftListTx{t1, "BRL", 100}) == "missing_permission");
    c.Ok("alice", NftListTx{t1, "BRL", 100003});
    CHECK(c.Code("dan", NftBuyTx{t1, 100002}) == "invalid_field");  // price above the buyer's limit
    c.Ok("dan", NftBuyTx{t1, 100003});
    // 1000.03 BRL: royalty 10% = 10000 (floor of 10000.3) through the split (60/40), fee 2.5% = 2500
    // (floor of 2500.075), seller 87503.
    CHECK(c.Bal("dan", "BRL") == 10'000'000 - 100003);
    CHECK(c.Bal("platform", "BRL") == 2500);
    CHECK(c.Bal("alice", "BRL") == 87503 + 6000);
    CHECK(c.Bal("bob", "BRL") == 4000);
    CHECK(LoadNft(c.state, t1)->owner == AddrFor("dan"));
    CHECK_FALSE(LoadNft(c.state, t1)->listed);
    // The ledger keeps the sale (nft_sales): one record, its figures the ones just paid; a refused
    // buy records nothing.
    CHECK(c.Code("eve", NftBuyTx{t1, 100003}) == "invalid_field");  // no longer for sale
    REQUIRE(LoadNftSaleCount(c.state, work) == 1);
    auto sale = LoadNftSale(c.state, work, 0).value();
    CHECK(sale.token == t1);
    CHECK(sale.edition == 1);
    CHECK(sale.seller == AddrFor("alice"));
    CHECK(sale.buyer == AddrFor("dan"));
    CHECK(sale.currency == "BRL");
    CHECK(sale.price == 100003);
    CHECK(sale.royalty == 10000);
    CHECK(sale.fee == 2500);
    CHECK(sale.height > 0);
    CHECK_FALSE(sale.tx.IsZero());
    CHECK_FALSE(LoadNftSale(c.state, work, 1));
    CHECK(c.Conservation() == "ok");

    auto view = [&](const char* who) { return CheckLicence(c.state, work, AddrFor(who), "JP", RIGHT_VIEW, c.time); };
    CHECK(view("dan").allowed);
    CHECK(view("dan").via_nft);
    CHECK_FALSE(view("eve").allowed);
    CHECK_FALSE(CheckLicence(c.state, work, AddrFor("dan"), "JP", RIGHT_STREAM, c.time).allowed);
    c.Ok("dan", NftTransferTx{t1, AddrFor("eve")});
    CHECK(LoadNftSaleCount(c.state, work) == 1);  // a transfer is not a sale
    CHECK_FALSE(view("dan").allowed);
    CHECK(view("eve").allowed);
    c.Ok("eve", NftBurnTx{t1});
    CHECK_FALSE(view("eve").allowed);
    CHECK(c.Code("eve", NftTransferTx{t1, AddrFor("dan")}) == "not_found");
    CHECK(c.Code("alice", NftDelistTx{t1 + 1}) == "invalid_field");
}

TEST_CASE("splits and the tax contract cannot be called or paid directly (no bypassing withholding)") {
    Chain c;
    c.SetupTax();
    uint64_t work = c.RegisterWork("w", {{"alice", 10000}});
    Bytes call = *vm::EncodeCallChecked("distribute(int,int,int,int)", {int64_t{0x4c5242}, int64_t{100}, int64_t{1}, int64_t{0}});
    CHECK(c.Code("dan", ContractCallTx{SplitAddress(work), call, 1'000'000}) == "missing_permission");
    CHECK(c.Code("dan", ContractCallTx{TaxContractAddress(), call, 1'000'000}) == "missing_permission");
    CHECK(c.Code("dan", TransferTx{SplitAddress(work), "BRL", 100}) == "contract_recipient");
    CHECK(c.Bal("dan", "BRL") == 10'000'000);
    CHECK(c.Conservation() == "ok");
}

// ---------------------------------------------------------------- custom contracts

namespace {

Bytes ReadContract(const std::string& file) {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/contracts/" + file, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read contracts/" << file);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Bytes Tiers(std::vector<std::pair<int64_t, int64_t>> tiers) {
    Bytes out;
    for (const auto& [threshold, bps] : tiers) {
        Bytes a = Le64(threshold), b = Le64(bps);
        out.insert(out.end(), a.begin(), a.end());
        out.insert(out.end(), b.begin(), b.end());
    }
    return out;
}

Consent ConsentOf(const std::string& who, const Hash256& digest) {
    return Consent{AddrFor(who), *SignSchnorr(test::KeyFor(who), digest, Hash256{})};
}

}  // namespace

TEST_CASE("contract templates: named versions, instantiator roles, and a new standard version for new instances only") {
    Chain c;
    const Bytes deal = ReadContract("escalating_royalty.bin");
    const Hash256 h = vm::CodeHash(deal);
    c.Gov(DeployTemplate{deal, "escalating_royalty", 1, WithRole(0, Role::CREATOR)});
    auto t = LoadTemplateInfo(c.state, h);
    REQUIRE(t);
    CHECK(t->name == "escalating_royalty");
    CHECK(t->version == 1);
    CHECK_FALSE(t->ledger_only);
    CHECK(LoadLatestTemplate(c.state, "escalating_royalty")->code_hash == h);

    // Versions only go up; code is deployed once; names and standard names are checked.
    const Bytes stop{0x01, 0x00};
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "escalating_royalty", 1, 0}}) == "template_version");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{deal, "another_name", 1, 0}}) == "template_exists");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "Bad Name", 1, 0}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "", 1, 0}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "zero", 0, 0}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "tax_withholding", 2, 0}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "revenue_split", 2, WithRole(0, Role::CREATOR)}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{DeployTemplate{stop, "revenue_split", 1, 0}}) == "template_version");  // genesis is version 1

    // revenue_split version 2 (the same program with one more STOP at the end: another code hash).
    const uint64_t before = c.RegisterWork("before v2", {{"alice", 10000}});
    Bytes split2 = StandardCode(StandardContract::REVENUE_SPLIT);
    split2.push_back(0x00);
    c.Gov(DeployTemplate{split2, "revenue_split", 2, 0});
    CHECK(LoadLatestTemplate(c.state, "revenue_split")->version == 2);
    CHECK(LoadTemplateInfo(c.state, vm::CodeHash(split2))->ledger_only);
    const uint64_t after = c.RegisterWork("after v2", {{"alice", 10000}});
    CHECK(LoadInstanceCodeHash(c.state, SplitAddress(before)) == StandardCodeHash(StandardContract::REVENUE_SPLIT));
    CHECK(LoadInstanceCodeHash(c.state, SplitAddress(after)) == vm::CodeHash(split2));
    // Both pay; the new version is still a revenue split (only the ledger calls it).
    c.Ok("dan", ReportRevenueTx{before, "BRL", 1000, 0, 0, "", ""});
    c.Ok("dan", ReportRevenueTx{after, "BRL", 2000, 0, 0, "", ""});
    CHECK(c.Bal("alice", "BRL") == 3000);
    CHECK(c.Code("alice", ContractCallTx{SplitAddress(after), *vm::EncodeCallChecked("payees()", {}), 100000}) == "missing_permission");
    // A standard template is instantiated by the ledger only.
    CHECK(c.Code("alice", ContractInstantiateTx{vm::CodeHash(split2), {}, 100000}) == "missing_permission");
    CHECK(c.Code("alice", ContractInstantiateTx{StandardCodeHash(StandardContract::AUCTION), {}, 100000}) == "missing_permission");
    CHECK(c.Code("alice", ContractInstantiateTx{Sha256Of(std::string_view("no such code")), {}, 100000}) == "not_found");
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("an escalating royalty deal, instantiated by a creator and attached by the owners, takes the work's revenue") {
    Chain c;
    c.SetupTax();
    const Bytes deal_code = ReadContract("escalating_royalty.bin");
    c.Gov(DeployTemplate{deal_code, "escalating_royalty", 1, WithRole(0, Role::CREATOR)});
    const uint64_t w = c.RegisterWork("song", {{"alice", 5000}, {"bob", 5000}});
    const Bytes params = vm::EncodeValues({AddrFor("alice"), SplitAddress(w), TaxContractAddress(), PackCurrencyText("BRL"),
                                          Tiers({{0, 1500}, {100000, 1800}, {250000, 2000}})});
    const ContractInstantiateTx inst{vm::CodeHash(deal_code), params, 1'000'000};

    // Instantiators: creators only (dan is a distributor); a bad init leaves no instance.
    std::string before = c.state.Dump();
    CHECK(c.Code("dan", inst) == "missing_permission");
    CHECK(c.state.Dump() == before);
    const Bytes bad = vm::EncodeValues({AddrFor("alice"), SplitAddress(w), TaxContractAddress(), PackCurrencyText("BRL"),
                                       Tiers({{0, 1800}, {100000, 1500}})});  // the rate steps down
    const uint64_t bad_nonce = c.nonce["alice"];
    CHECK(c.Code("alice", ContractInstantiateTx{vm::CodeHash(deal_code), bad, 1'000'000}) == "contract_failed");
    CHECK_FALSE(IsContract(c.state, vm::ContractAddress(AddrFor("alice"), bad_nonce)));

    const uint64_t nonce = c.nonce["alice"];
    Receipt made = c.Ok("alice", inst);
    const auto& created = std::get<EvContractCreated>(made.events.back());
    const Address deal = vm::ContractAddress(AddrFor("alice"), nonce);
    CHECK(created.contract == deal);
    CHECK(created.creator == AddrFor("alice"));
    CHECK(LoadInstanceCodeHash(c.state, deal) == vm::CodeHash(deal_code));

    // Attaching needs every owner: bob's consent over this contract at this shares version.
    auto digest = [&](const Address& contract) {
        return AttachContractDigest("test-chain", w, LoadSharesVersion(c.state, w), contract);
    };
    before = c.state.Dump();
    CHECK(c.Code("alice", AttachContractTx{w, deal, {}}) == "missing_permission");
    CHECK(c.Code("alice", AttachContractTx{w, deal, {ConsentOf("bob", digest(SplitAddress(w)))}}) == "missing_permission");
    CHECK(c.Code("dan", AttachContractTx{w, deal, {ConsentOf("bob", digest(deal))}}) == "missing_permission");  // no owner
    CHECK(c.Code("alice", AttachContractTx{w, SplitAddress(w), {ConsentOf("bob", digest(SplitAddress(w)))}}) == "invalid_field");
    CHECK(c.Code("alice", AttachContractTx{w, AddrFor("bob"), {ConsentOf("bob", digest(AddrFor("bob")))}}) == "not_found");
    CHECK(c.Code("alice", AttachContractTx{w, Address{}, {ConsentOf("bob", digest(Address{}))}}) == "invalid_field");  // nothing to detach
    CHECK(c.state.Dump() == before);
    const Consent bob_yes = ConsentOf("bob", digest(deal));
    Receipt attached = c.Ok("alice", AttachContractTx{w, deal, {bob_yes}});
    CHECK(std::get<EvContractAttached>(attached.events.at(0)).contract == deal);
    CHECK(LoadAttachedContract(c.state, w) == deal);
    CHECK(c.Code("alice", AttachContractTx{w, deal, {ConsentOf("bob", digest(deal))}}) == "invalid_field");  // already attached

    // Revenue now flows through the deal: the artist (alice) gets R(cum) - R(cum before), where
    // R(x) = floor(min(x,100000) * 15%) + floor(clamp(x-100000, 0, 150000) * 18%) + floor(max(x-250000, 0) * 20%);
    // the rest goes through the split (50/50), every part withheld (BR 15%, bob in the US 10%).
    auto R = [](int64_t x) {
        int64_t t1 = std::min<int64_t>(x, 100000), t2 = std::clamp<int64_t>(x - 100000, 0, 150000), t3 = std::max<int64_t>(x - 250000, 0);
        return t1 * 1500 / 10000 + t2 * 1800 / 10000 + t3 * 2000 / 10000;
    };
    int64_t cum = 0;
    for (int64_t amount : {120000, 200000, 33333}) {
        const int64_t a0 = c.Bal("alice", "BRL"), b0 = c.Bal("bob", "BRL"), t0 = c.Bal("taxbr", "BRL");
        c.Ok("dan", ReportRevenueTx{w, "BRL", amount, 0, 0, "BR", "2027-01"});
        const int64_t royalty = R(cum + amount) - R(cum);
        cum += amount;
        const int64_t rest = amount - royalty, half_a = rest - rest / 2, half_b = rest / 2;  // largest remainder: the earlier payee first
        const int64_t tax = royalty * 1500 / 10000 + half_a * 1500 / 10000 + half_b * 1000 / 10000;
        CAPTURE(amount);
        CHECK(c.Bal("alice", "BRL") - a0 == (royalty - royalty * 1500 / 10000) + (half_a - half_a * 1500 / 10000));
        CHECK(c.Bal("bob", "BRL") - b0 == half_b - half_b * 1000 / 10000);
        CHECK(c.Bal("taxbr", "BRL") - t0 == tax);
        CHECK(LoadBalance(c.state, deal, "BRL") == 0);
        CHECK(c.Conservation() == "ok");
    }
    CHECK(R(120000) == 18600);  // the figures of the first report, by hand: 15000 + 3600
    auto rate = RunContractQuery(c.state, BlockContext{c.height, c.time, Address{}}, AddrFor("dan"), deal,
                                 *vm::EncodeCallChecked("rate()", {}), 1'000'000);
    CHECK(rate.status == "ok");
    CHECK(rate.output == Le64(2000));
    CHECK(rate.events.empty());

    // Detached (bob consents again: the shares version moved), revenue goes to the split directly.
    CHECK(c.Code("alice", AttachContractTx{w, Address{}, {bob_yes}}) == "missing_permission");  // an old consent
    c.Ok("alice", AttachContractTx{w, Address{}, {ConsentOf("bob", digest(Address{}))}});
    CHECK_FALSE(LoadAttachedContract(c.state, w));
    const int64_t a0 = c.Bal("alice", "BRL"), b0 = c.Bal("bob", "BRL");
    c.Ok("dan", ReportRevenueTx{w, "BRL", 10000, 0, 0, "BR", "2027-01"});
    CHECK(c.Bal("alice", "BRL") - a0 == 4250);
    CHECK(c.Bal("bob", "BRL") - b0 == 4500);
    CHECK(c.Conservation() == "ok");
}

// ---------------------------------------------------------------- fan tokens

TEST_CASE("fan tokens: issued capped by an owner, sold through the work's split, transferred, perks and ranking") {
    Chain c;
    const uint64_t w = c.RegisterWork("fan song", {{"alice", 5000}, {"bob", 5000}});
    FanTokenIssueTx issue{w, "SAMBA", "Samba fans", 20, "BRL", 500, "exclusive_content", 5};
    std::string before = c.state.Dump();
    CHECK(c.Code("dan", issue) == "missing_permission");  // a distributor: not a creator or studio
    FanTokenIssueTx bad = issue;
    bad.symbol = "samba";
    CHECK(c.Code("alice", bad) == "invalid_field");
    bad = issue;
    bad.perk_min = 0;
    CHECK(c.Code("alice", bad) == "invalid_field");  // a perk needs a minimum
    bad = issue;
    bad.perk_min = 21;
    CHECK(c.Code("alice", bad) == "invalid_field");  // above the cap
    bad = issue;
    bad.work = 99;
    CHECK(c.Code("alice", bad) == "not_found");
    CHECK(c.state.Dump() == before);
    Receipt r = c.Ok("alice", issue);
    const uint64_t id = std::get<EvFanToken>(r.events.at(0)).token;
    CHECK(LoadFanTokenIdBySymbol(c.state, "SAMBA") == id);
    CHECK(c.Code("bob", issue) == "invalid_field");  // the symbol is taken

    // Primary sales: 6 x 5.00 BRL through the 50/50 split; the cap holds.
    c.Ok("dan", FanTokenBuyTx{id, 6});
    CHECK(c.Bal("alice", "BRL") == 1500);
    CHECK(c.Bal("bob", "BRL") == 1500);
    c.Ok("eve", FanTokenBuyTx{id, 14});
    before = c.state.Dump();
    auto over = c.Send("fay", FanTokenBuyTx{id, 1});
    REQUIRE(!over);
    CHECK(over.error().rfind("fan_token_cap: 0 SAMBA of the cap of 20 SAMBA are left", 0) == 0);
    CHECK(c.state.Dump() == before);
    CHECK(LoadFanToken(c.state, id)->sold == 20);

    // Transfers: whole tokens the sender holds.
    CHECK(c.Code("eve", FanTokenTransferTx{id, AddrFor("fay"), 15}) == "insufficient_funds");
    c.Ok("eve", FanTokenTransferTx{id, AddrFor("fay"), 10});
    CHECK(LoadFanHolding(c.state, id, AddrFor("eve")).amount == 4);
    CHECK(LoadFanHolding(c.state, id, AddrFor("fay")).amount == 10);
    CHECK(c.Code("eve", FanTokenTransferTx{id, AddrFor("eve"), 1}) == "invalid_field");

    // Perks: 5 tokens needed; dan (6) and fay (10) have it, eve (4) not; another perk name is not named.
    bool named = false;
    CHECK(FanPerkOf(c.state, w, AddrFor("dan"), "exclusive_content", &named).has_value());
    CHECK(named);
    CHECK_FALSE(FanPerkOf(c.state, w, AddrFor("eve"), "exclusive_content", &named).has_value());
    CHECK_FALSE(FanPerkOf(c.state, w, AddrFor("dan"), "backstage", &named).has_value());
    CHECK_FALSE(named);

    // A token of bob's own: sales pay bob; its perk applies to every work bob owns.
    Receipt own = c.Ok("bob", FanTokenIssueTx{0, "BOB", "Bob's circle", 100, "BRL", 200, "backstage", 1});
    const uint64_t bob_token = std::get<EvFanToken>(own.events.at(0)).token;
    const int64_t bob_before = c.Bal("bob", "BRL");
    c.Ok("eve", FanTokenBuyTx{bob_token, 3});
    CHECK(c.Bal("bob", "BRL") - bob_before == 600);
    CHECK(FanPerkOf(c.state, w, AddrFor("eve"), "backstage", &named).has_value());

    // Ranking: most tokens first, then the longest held.
    auto scan = [&](ByteView prefix, const PrefixVisitor& visit) {
        c.state.ForEach([&](const Bytes& k, const Bytes& v) {
            if (k.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), k.begin())) visit(k, v);
        });
    };
    c.Ok("fay", FanTokenTransferTx{id, AddrFor("dan"), 4});  // dan 10 (since earlier), fay 6
    auto ranked = FanTokenHolders(scan, id);
    REQUIRE(ranked.size() == 3);
    CHECK(ranked[0].holder == AddrFor("dan"));
    CHECK(ranked[0].holding.amount == 10);
    CHECK(ranked[1].holder == AddrFor("fay"));
    CHECK(ranked[2].holder == AddrFor("eve"));
    for (const FanTokenLine& l : AuditFanTokens(scan)) CHECK(l.ok());
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("roles and KYC on the economic actions: distributors report, accept and bid; KYC for them and for deposits") {
    Chain c;
    const uint64_t work = c.RegisterWork("matrix", {{"alice", 10000}});
    std::string before = c.state.Dump();
    // Reports and pools: the distributor role (alice is a creator).
    CHECK(c.Code("alice", ReportRevenueTx{work, "BRL", 100, 0, 0, "", ""}) == "missing_permission");
    CHECK(c.Code("alice", ReportPoolTx{"BRL", 100, {{work, 60}}, Address{}, 0, "", ""}) == "missing_permission");
    // A distributor whose KYC was revoked: no report, no acceptance, no bid, no deposit credit.
    c.Ok("kyc", SetKycTx{AddrFor("fay"), KycStatus::REVOKED, "AR"});
    before = c.state.Dump();
    auto report = c.Send("fay", ReportRevenueTx{work, "BRL", 100, 0, 0, "", ""});
    REQUIRE(!report);
    CHECK(report.error().rfind("kyc_required: a revenue report needs a KYC-verified account; " + AddrFor("fay").hex() + " is KYC-revoked", 0) == 0);
    CHECK(c.Code("fay", ReportPoolTx{"BRL", 100, {{work, 60}}, Address{}, 0, "", ""}) == "kyc_required");
    CHECK(c.Code("gw", DepositTx{AddrFor("fay"), "BRL", 100, "r-fay"}) == "kyc_required");
    CHECK(c.state.Dump() == before);
    LicenceTerms t = Terms({"AR"}, RIGHT_STREAM, false, T0, T0 + 100'000'000);
    t.fee_currency = "BRL";  // with a fee, a grant is an offer the licensee accepts (and pays)
    t.fee_amount = 500;
    Receipt offer = c.Ok("alice", GrantLicenceTx{work, AddrFor("fay"), t});
    const uint64_t licence = std::get<EvLicence>(offer.events.at(0)).licence;
    CHECK(c.Code("fay", AcceptLicenceTx{licence}) == "kyc_required");
    // Auctions: bids need the distributor role and KYC; anyone may close.
    CreateAuctionTx a{work, AuctionKind::ENGLISH, "BRL", 1000, 100, 0, 0, c.time, c.time + 5'000, "BR",
                      Terms({"BR"}, RIGHT_STREAM, true, T0, T0 + 100'000'000)};
    c.Ok("alice", a);
    const Address contract = AuctionAddress(1);
    auto call = [&](const char* who, const std::string& sig, std::vector<vm::AbiValue> args) {
        return c.Code(who, ContractCallTx{contract, *vm::EncodeCallChecked(sig, args), 2'000'000});
    };
    CHECK(call("bob", "bid(int)", {int64_t{2000}}) == "missing_permission");  // a creator
    CHECK(call("fay", "bid(int)", {int64_t{2000}}) == "kyc_required");
    CHECK(call("dan", "bid(int)", {int64_t{2000}}) == "ok");
    c.time += 10'000;
    CHECK(call("bob", "close()", {}) == "ok");
    CHECK(c.Conservation() == "ok");
}

TEST_CASE("recoupment: set with every owner's consent; the payee is paid first, through withholding, then the split") {
    Chain c;
    c.SetupTax();
    const uint64_t w = c.RegisterWork("recouped", {{"alice", 5000}, {"bob", 5000}});
    auto digest = [&](int64_t amount) { return RecoupmentDigest("test-chain", w, LoadSharesVersion(c.state, w), AddrFor("dan"), "BRL", amount); };
    std::string before = c.state.Dump();
    CHECK(c.Code("alice", SetRecoupmentTx{w, AddrFor("dan"), "BRL", 100000, {}}) == "missing_permission");
    CHECK(c.Code("alice", SetRecoupmentTx{w, AddrFor("dan"), "BRL", 100000, {ConsentOf("bob", digest(99999))}}) == "missing_permission");
    CHECK(c.Code("dan", SetRecoupmentTx{w, AddrFor("dan"), "BRL", 100000, {ConsentOf("bob", digest(100000))}}) == "missing_permission");
    CHECK(c.Code("alice", SetRecoupmentTx{w, AddrFor("dan"), "XXX", 100000, {}}) == "invalid_field");
    CHECK(c.Code("alice", SetRecoupmentTx{w, AddrFor("dan"), "BRL", 0, {ConsentOf("bob", digest(0))}}) == "invalid_field");  // none to remove
    CHECK(c.state.Dump() == before);
    c.Ok("alice", SetRecoupmentTx{w, AddrFor("dan"), "BRL", 100000, {ConsentOf("bob", digest(100000))}});

    auto report = [&](int64_t amount) { c.Ok("eve", ReportRevenueTx{w, "BRL", amount, 0, 0, "BR", "2027-02"}); };
    int64_t d0 = c.Bal("dan", "BRL"), a0 = c.Bal("alice", "BRL"), b0 = c.Bal("bob", "BRL");
    report(60000);  // all of it recoups: dan (BR) 60000 - 15% = 51000; the split gets nothing
    CHECK(c.Bal("dan", "BRL") - d0 == 51000);
    CHECK(c.Bal("alice", "BRL") == a0);
    report(60000);  // 40000 completes the advance (net 34000); 20000 through the split
    CHECK(c.Bal("dan", "BRL") - d0 == 51000 + 34000);
    CHECK(c.Bal("alice", "BRL") - a0 == 8500);  // 10000 - 15%
    CHECK(c.Bal("bob", "BRL") - b0 == 9000);    // 10000 - 10% (treaty)
    auto rc = LoadRecord<Recoupment>(c.state, keys::WorkRecoupment(w), "recoupment");
    REQUIRE(rc);
    CHECK(rc->recouped == 100000);
    report(10000);  // recouped: all through the split
    CHECK(c.Bal("dan", "BRL") - d0 == 85000);
    CHECK(c.Bal("alice", "BRL") - a0 == 8500 + 4250);
    CHECK(c.Conservation() == "ok");
}

// ---------------------------------------------------------------- AML

namespace {

AmlHold HoldOf(const Receipt& r) {
    for (const Event& e : r.events)
        if (auto* h = std::get_if<EvAmlHold>(&e)) return h->hold;
    FAIL("no aml_hold event");
    return {};
}

}  // namespace

TEST_CASE("AML: limits hold payouts and transfers until compliance decides; sanctions block; conservation holds") {
    Chain c;
    // Governance's rules, and their refusals.
    CHECK(c.Code("alice", ProposeTx{SetAmlLimit{"USD", 50000, 0, 0}}) == "missing_permission");
    CHECK(c.Code("gov", ProposeTx{SetAmlLimit{"XXX", 50000, 0, 0}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{SetAmlLimit{"USD", 50000, 80000, 0}}) == "invalid_field");    // rolling without a window
    CHECK(c.Code("gov", ProposeTx{SetAmlLimit{"USD", 50000, 80000, 721}}) == "invalid_field");  // above 30 days
    CHECK(c.Code("gov", ProposeTx{SetAmlLimit{"USD", 0, 0, 0}}) == "no_change");                 // nothing to remove
    c.Gov(SetAmlLimit{"USD", 50000, 80000, 24});
    CHECK(c.Code("gov", ProposeTx{SetAmlLimit{"USD", 50000, 80000, 24}}) == "no_change");

    c.Ok("gw", DepositTx{AddrFor("alice"), "USD", 500000, "d1"});
    c.Ok("alice", SetPayoutPrefsTx{AddrFor("gw"), "USD", 0});

    // Over the single limit: held, nothing instructed, the funds out of the balance.
    Receipt r = c.Ok("alice", WithdrawTx{"USD", 60000});
    CHECK(PayoutIdOf(r) == 0);
    AmlHold big = HoldOf(r);
    CHECK(big.status == AmlHoldStatus::HELD);
    CHECK(big.reason == AmlReason::SINGLE_LIMIT);
    CHECK(big.limit == 50000);
    CHECK(big.kind == AmlHoldKind::PAYOUT);
    CHECK(big.to == AddrFor("gw"));
    CHECK(c.Bal("alice", "USD") == 440000);
    CHECK(c.Conservation() == "ok");
    // Its settlement event.
    auto sev = ExtractSettlementEvents("test-chain", {BlockHeader{}, {}}, c.last, 1);
    REQUIRE(sev.size() == 1);
    CHECK(sev[0].kind == "aml_held");
    CHECK(sev[0].hold_id == big.id);
    CHECK(sev[0].reason == "single_limit");
    CHECK(sev[0].gateway == AddrFor("gw"));

    // Under it: paid out, and counted in the rolling sum (300 + 400 = 700 <= 800; + 200 is above).
    CHECK(PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 30000})) != 0);
    CHECK(PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 40000})) != 0);
    AmlHold rolling = HoldOf(c.Ok("alice", WithdrawTx{"USD", 20000}));
    CHECK(rolling.reason == AmlReason::ROLLING_LIMIT);
    CHECK(rolling.rolling_sum == 70000);
    CHECK(rolling.limit == 80000);
    CHECK(c.Bal("alice", "USD") == 350000);

    // Only compliance decides; a decision is final.
    std::string before = c.state.Dump();
    CHECK(c.Code("alice", AmlReleaseTx{big.id, "mine"}) == "missing_permission");
    CHECK(c.Code("gov", AmlReleaseTx{big.id, "ok"}) == "missing_permission");
    CHECK(c.Code("comp", AmlReleaseTx{big.id, ""}) == "invalid_field");
    CHECK(c.Code("comp", AmlReleaseTx{999, "ok"}) == "not_found");
    CHECK(c.state.Dump() == before);
    Receipt rel = c.Ok("comp", AmlReleaseTx{big.id, "source of funds verified"});
    const uint64_t released_payout = PayoutIdOf(rel);
    REQUIRE(released_payout != 0);
    AmlHold done = *LoadAmlHold(c.state, big.id);
    CHECK(done.status == AmlHoldStatus::RELEASED);
    CHECK(done.payout_id == released_payout);
    CHECK(done.decided_by == AddrFor("comp"));
    CHECK(LoadPayout(c.state, released_payout)->amount == 60000);
    CHECK(c.Bal("alice", "USD") == 350000);  // the payout came out of the hold
    before = c.state.Dump();
    auto again = c.Send("comp", AmlRejectTx{big.id, "changed my mind"});
    REQUIRE(!again);
    CHECK(again.error().rfind("hold_decided: AML hold " + std::to_string(big.id) + " was already released", 0) == 0);
    CHECK(c.state.Dump() == before);
    c.Ok("gw", PayoutConfirmTx{released_payout, "wire-aml-1"});

    // Rejected: the funds go back, with no automatic payout.
    c.Ok("comp", AmlRejectTx{rolling.id, "structuring pattern"});
    CHECK(LoadAmlHold(c.state, rolling.id)->status == AmlHoldStatus::REJECTED);
    CHECK(c.Bal("alice", "USD") == 370000);
    CHECK(c.Conservation() == "ok");

    // A transfer over the limit is held too; released, it reaches the recipient.
    AmlHold tr = HoldOf(c.Ok("alice", TransferTx{AddrFor("bob"), "USD", 55000}));
    CHECK(tr.kind == AmlHoldKind::TRANSFER);
    CHECK(tr.to == AddrFor("bob"));
    CHECK(c.Bal("bob", "USD") == 0);
    c.Ok("comp", AmlReleaseTx{tr.id, "invoice 2026-77"});
    CHECK(c.Bal("bob", "USD") == 55000);
    CHECK(c.Bal("alice", "USD") == 315000);

    // A day later the window has moved on: 450.00 goes through.
    c.time += 25ull * 3600 * 1000;
    CHECK(PayoutIdOf(c.Ok("alice", WithdrawTx{"USD", 45000})) != 0);

    // Sanctions: a country (fay's residency) and an account (bob).
    CHECK(c.Code("gov", ProposeTx{SetSanction{AddrFor("bob"), "AR", true, "x"}}) == "invalid_field");  // both
    CHECK(c.Code("gov", ProposeTx{SetSanction{Address{}, "ZZ", true, "x"}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{SetSanction{Address{}, "AR", true, ""}}) == "invalid_field");
    CHECK(c.Code("gov", ProposeTx{SetSanction{AddrFor("bob"), "", false, "x"}}) == "no_change");  // not listed
    c.Gov(SetSanction{Address{}, "AR", true, "test list 1"});
    c.Gov(SetSanction{AddrFor("bob"), "", true, "test list 2"});
    CHECK(c.Code("gov", ProposeTx{SetSanction{AddrFor("bob"), "", true, "again"}}) == "no_change");
    c.Ok("fay", SetPayoutPrefsTx{AddrFor("gw"), "BRL", 0});
    AmlHold blocked = HoldOf(c.Ok("fay", WithdrawTx{"BRL", 100}));  // BRL has no limits: the list alone
    CHECK(blocked.status == AmlHoldStatus::BLOCKED);
    CHECK(blocked.reason == AmlReason::SANCTIONED_COUNTRY);
    CHECK(blocked.listed == "AR");
    AmlHold to_bob = HoldOf(c.Ok("alice", TransferTx{AddrFor("bob"), "USD", 100}));
    CHECK(to_bob.status == AmlHoldStatus::BLOCKED);
    CHECK(to_bob.reason == AmlReason::SANCTIONED_ACCOUNT);
    AmlHold from_bob = HoldOf(c.Ok("bob", TransferTx{AddrFor("alice"), "USD", 100}));
    CHECK(from_bob.reason == AmlReason::SANCTIONED_ACCOUNT);
    // No decision while listed.
    before = c.state.Dump();
    CHECK(c.Code("comp", AmlReleaseTx{blocked.id, "ok"}) == "sanctioned");
    CHECK(c.Code("comp", AmlRejectTx{to_bob.id, "ok"}) == "sanctioned");
    CHECK(c.state.Dump() == before);
    CHECK(c.Conservation() == "ok");
    // Delisted: compliance decides.
    c.Gov(SetSanction{AddrFor("bob"), "", false, "delisted"});
    c.Ok("comp", AmlReleaseTx{to_bob.id, "delisted"});
    CHECK(c.Bal("bob", "USD") == 55000 + 100 - 100);
    CHECK(c.Code("comp", AmlReleaseTx{blocked.id, "ok"}) == "sanctioned");  // AR is still listed
    // ... and still screens: fay's next payout is blocked too (one listing of two remains).
    CHECK(HoldOf(c.Ok("fay", WithdrawTx{"BRL", 50})).status == AmlHoldStatus::BLOCKED);

    // The audit and the gateway's reconciliation see the holds.
    auto scan = [&](ByteView prefix, const PrefixVisitor& visit) {
        c.state.ForEach([&](const Bytes& k, const Bytes& v) {
            if (k.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), k.begin())) visit(k, v);
        });
    };
    for (const ConservationLine& l : AuditConservation(c.state, scan)) {
        CHECK(l.ok());
        if (l.currency == "BRL") CHECK(l.aml_held == 150);
        if (l.currency == "USD") CHECK(l.aml_held == 100);  // from_bob
    }
    auto rec = ReconcileAml(scan, AddrFor("gw"), 0, UINT64_MAX);
    CHECK(rec["USD"]["released"].count == 1);
    CHECK(rec["USD"]["released"].total == 60000);
    CHECK(rec["USD"]["rejected"].count == 1);
    CHECK(rec["BRL"]["blocked"].count == 2);
    CHECK(AmlLimits(scan).size() == 1);
    CHECK(Sanctions(scan).size() == 1);  // AR
    CHECK(c.Conservation() == "ok");
}

// ---------------------------------------------------------------- withholding on every income type

TEST_CASE("withholding applies to promoter shares and NFT sellers' proceeds; a jurisdiction's report lists every payee") {
    Chain c;
    c.SetupTax();  // BR: royalty 15% (10% for US residents), tax to taxbr
    c.TaxCall("set_rate(int,int,int,int,int,int)", {PackCC("BR"), int64_t{3}, int64_t{0}, int64_t{500}, int64_t{0}, int64_t{0}});
    const uint64_t w = c.RegisterWork("pool song", {{"alice", 10000}});
    // A pool earned in Brazil: 100.00 USD, the promoter (eve, MX) gets 10% = 10.00 as royalty
    // income of Brazil, withheld 15% = 1.50; the work's 90.00 withheld 15% = 13.50.
    c.Ok("dan", ReportPoolTx{"USD", 10000, {{w, 100}}, AddrFor("eve"), 1000, "BR", "2027-01"});
    CHECK(c.Bal("eve", "USD") == 850);
    CHECK(c.Bal("alice", "USD") == 7650);
    CHECK(c.Bal("taxbr", "USD") == 150 + 1350);
    // A promoter must be an account.
    CHECK(c.Code("dan", ReportPoolTx{"USD", 10000, {{w, 100}}, SplitAddress(w), 1000, "BR", ""}) == "contract_recipient");

    // An NFT sale to a Brazilian buyer: royalty 10% through the split and the seller's 90% are both
    // nft_sale income of Brazil, withheld 5%.
    c.Ok("alice", NftMintTx{w, 2, 1000, 0, true});
    const uint64_t t = LoadCollection(c.state, w)->first_token;
    c.Ok("alice", NftListTx{t, "BRL", 10000});
    c.Ok("dan", NftBuyTx{t, 10000});
    CHECK(c.Bal("alice", "BRL") == 950 + 8550);  // royalty 10.00 - 0.50, proceeds 90.00 - 4.50
    CHECK(c.Bal("taxbr", "BRL") == 50 + 450);
    // dan resells to fay (AR): the source is Argentina, which has no table: nothing withheld.
    c.Ok("dan", NftListTx{t, "BRL", 20000});
    const int64_t dan_before = c.Bal("dan", "BRL");
    c.Ok("fay", NftBuyTx{t, 20000});
    CHECK(c.Bal("dan", "BRL") - dan_before == 18000);
    CHECK(c.Conservation() == "ok");

    // The jurisdiction's report: every Brazilian-source withholding of the year, every payee.
    auto scan = [&](ByteView prefix, const PrefixVisitor& visit) {
        c.state.ForEach([&](const Bytes& k, const Bytes& v) {
            if (k.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), k.begin())) visit(k, v);
        });
    };
    CHECK(TaxAccountOf(c.state, "BR") == AddrFor("taxbr"));
    CHECK_FALSE(TaxAccountOf(c.state, "AR").has_value());
    const uint64_t year = 2027;  // T0 is in January 2027
    auto br = JurisdictionReport(scan, "BR", year);
    REQUIRE(br.size() == 4);  // eve's share, alice's pool part, alice's royalty, alice's proceeds
    int64_t tax = 0, gross = 0;
    for (const JurisdictionEntry& e : br) {
        CHECK(e.entry.source == "BR");
        tax += e.entry.tax;
        gross += e.entry.gross;
    }
    CHECK(tax == 150 + 1350 + 50 + 450);  // across currencies: 1500 USD minor units + 500 BRL minor units
    CHECK(gross == 1000 + 9000 + 1000 + 9000);
    const auto eve = std::find_if(br.begin(), br.end(), [](const JurisdictionEntry& e) { return e.payee == AddrFor("eve"); });
    REQUIRE(eve != br.end());
    CHECK(eve->entry.income_type == static_cast<int64_t>(IncomeType::ROYALTY));
    CHECK(eve->entry.tax == 150);
    const auto ar = JurisdictionReport(scan, "AR", year);
    REQUIRE(ar.size() == 2);  // the resale's royalty to alice and dan's proceeds, both at 0 bps
    for (const JurisdictionEntry& e : ar) CHECK(e.entry.tax == 0);
    CHECK(std::count_if(ar.begin(), ar.end(), [](const JurisdictionEntry& e) { return e.payee == AddrFor("dan") && e.entry.gross == 18000; }) == 1);
    CHECK(JurisdictionReport(scan, "BR", year + 1).empty());
}

// ---------------------------------------------------------------- sublicences

TEST_CASE("sublicences: within the parent's scope, checked through the chain, revoked with the parent") {
    Chain c;
    const uint64_t work = c.RegisterWork("series", {{"alice", 10000}});
    const uint64_t from = T0 + 1'000'000, until = T0 + 100'000'000;
    // dan holds an exclusive, sublicensable, revocable licence: BR and AR, stream and download.
    LicenceTerms parent = Terms({"AR", "BR"}, RIGHT_STREAM | RIGHT_DOWNLOAD, true, from, until);
    parent.sublicensable = true;
    parent.revocable = true;
    c.Ok("alice", GrantLicenceTx{work, AddrFor("dan"), parent});  // licence 1
    // eve holds a plain one (not sublicensable) for MX.
    c.Ok("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"MX"}, RIGHT_STREAM, false, from, until)});  // licence 2

    const std::string before = c.state.Dump();
    auto refused = [&](const std::string& who, const GrantSublicenceTx& g) {
        auto r = c.Send(who, g);
        return r ? std::string("accepted") : r.error();
    };
    auto sub = [&](std::vector<std::string> t, uint32_t rights, bool exclusive, uint64_t a, uint64_t b) {
        return GrantSublicenceTx{1, AddrFor("fay"), Terms(std::move(t), rights, exclusive, a, b)};
    };
    CHECK(refused("eve", sub({"BR"}, RIGHT_STREAM, false, from, until)).rfind("missing_permission: missing permission: only licence 1's licensee", 0) == 0);
    CHECK(refused("eve", GrantSublicenceTx{2, AddrFor("fay"), Terms({"MX"}, RIGHT_STREAM, false, from, until)}) ==
          "not_sublicensable: licence 2 is not sublicensable");
    CHECK(refused("dan", sub({"MX"}, RIGHT_STREAM, false, from, until)) == "sublicence_scope: territory MX is not in licence 1");
    CHECK(refused("dan", sub({"BR"}, RIGHT_BROADCAST, false, from, until)).rfind("sublicence_scope: right broadcast is not in licence 1", 0) == 0);
    CHECK(refused("dan", sub({"BR"}, RIGHT_STREAM, false, from - 1, until)).rfind("sublicence_scope: its time", 0) == 0);
    CHECK(refused("dan", sub({"WW"}, RIGHT_STREAM, false, from, until)) == "sublicence_scope: WW is not within licence 1's territories");
    GrantSublicenceTx fee = sub({"BR"}, RIGHT_STREAM, false, from, until);
    fee.terms.fee_currency = "BRL";
    fee.terms.fee_amount = 100;
    CHECK(refused("dan", fee).rfind("invalid_field", 0) == 0);
    CHECK(refused("dan", GrantSublicenceTx{9, AddrFor("fay"), Terms({"BR"}, RIGHT_STREAM, false, from, until)}) == "not_found: no licence 9");
    CHECK(c.state.Dump() == before);

    // Within scope: fay streams in BR for part of the time, exclusively (under an exclusive parent).
    Receipt r = c.Ok("dan", sub({"BR"}, RIGHT_STREAM, true, from, from + 50'000'000));
    const uint64_t s1 = std::get<EvLicence>(r.events.at(0)).licence;
    CHECK(LoadLicence(c.state, s1)->parent == 1);
    CHECK(LoadLicence(c.state, s1)->licensor == AddrFor("dan"));
    auto ans = CheckLicence(c.state, work, AddrFor("fay"), "BR", RIGHT_STREAM, from + 10);
    REQUIRE(ans.allowed);
    CHECK(ans.licence->id == s1);
    CHECK(ans.chain == std::vector<uint64_t>{s1, 1});
    CHECK_FALSE(CheckLicence(c.state, work, AddrFor("fay"), "AR", RIGHT_STREAM, from + 10).allowed);
    CHECK_FALSE(CheckLicence(c.state, work, AddrFor("fay"), "BR", RIGHT_STREAM, from + 60'000'000).allowed);
    // Conflicts follow the chain: another sublicence overlapping the exclusive one conflicts with
    // it; the parent never conflicts with its own sublicences; an owner's new exclusive grant there
    // conflicts too.
    CHECK(refused("dan", GrantSublicenceTx{1, AddrFor("eve"), Terms({"BR"}, RIGHT_STREAM, false, from, until)})
              .rfind("licence_conflict: conflicts with licence " + std::to_string(s1), 0) == 0);
    c.Ok("dan", GrantSublicenceTx{1, AddrFor("eve"), Terms({"AR"}, RIGHT_DOWNLOAD, false, from, until)});
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"BR"}, RIGHT_STREAM, true, from, until)}) == "licence_conflict");
    // fay's sublicence is not sublicensable itself.
    CHECK(c.Code("fay", GrantSublicenceTx{s1, AddrFor("eve"), Terms({"BR"}, RIGHT_STREAM, false, from, from + 1000)}) == "not_sublicensable");

    // Revoking the parent revokes every sublicence below it.
    Receipt rv = c.Ok("alice", RevokeLicenceTx{1});
    CHECK(rv.events.size() == 3);
    for (uint64_t id : {uint64_t{1}, s1, s1 + 1}) CHECK(LoadLicence(c.state, id)->status == LicenceStatus::REVOKED);
    CHECK_FALSE(CheckLicence(c.state, work, AddrFor("fay"), "BR", RIGHT_STREAM, from + 10).allowed);
    CHECK(c.Code("dan", sub({"BR"}, RIGHT_STREAM, false, from, until)) == "not_sublicensable");  // the parent is revoked
    // The scope is free again for the owner.
    CHECK(c.Code("alice", GrantLicenceTx{work, AddrFor("eve"), Terms({"BR"}, RIGHT_STREAM, true, from, until)}) == "ok");
}
