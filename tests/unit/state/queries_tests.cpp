// The read-only queries the API renders (node/state/queries.h), on a small chain: balances,
// payouts, the conservation audit, reconciliation, evidence, and the standard contracts' answers.
#include <doctest/doctest.h>

#include <node/core/amount.h>
#include <node/state/queries.h>
#include <node/state/settlement.h>
#include <vm/abi.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::MakeTx;
using folio::test::MapState;

namespace {

const ChainParams PARAMS{"test-chain"};
constexpr uint64_t T0 = 1'800'000'000'000;  // 2027-01-15

int64_t PackCC(const char* cc) { return static_cast<int64_t>(cc[0]) | static_cast<int64_t>(cc[1]) << 8; }

struct Chain {
    MapState state;
    uint64_t height = 0, time = T0;
    std::map<std::string, uint64_t> nonce;
    Chain() {
        GenesisDoc g;
        g.chain_id = "test-chain";
        g.genesis_time_ms = T0;
        g.validators.push_back({"v0", AddrFor("validator")});
        auto acct = [&](const char* name, Role role, const char* res, std::vector<std::pair<std::string, int64_t>> bal = {}) {
            g.accounts.push_back({name, AddrFor(name), WithRole(0, role), KycStatus::VERIFIED, res, std::move(bal)});
        };
        acct("gov", Role::GOVERNANCE, "US");
        acct("gw", Role::GATEWAY, "US");
        acct("alice", Role::CREATOR, "BR");
        acct("bob", Role::CREATOR, "US");
        acct("dan", Role::DISTRIBUTOR, "BR", {{"BRL", 10'000'000}});
        g.accounts.push_back({"taxbr", AddrFor("taxbr"), 0, KycStatus::NONE, "", {}});
        state.Apply(BuildGenesisState(g).value());
    }
    Receipt Ok(const std::string& who, TxBody body) {
        time += 1000;
        auto r = ApplyBlock(state, PARAMS, {++height, time, AddrFor("validator")}, {MakeTx(who, nonce[who]++, std::move(body))});
        REQUIRE(r);
        REQUIRE_MESSAGE(r->receipts.at(0).success, (r->receipts.at(0).error_code + ": " + r->receipts.at(0).error_message));
        state.Apply(r->writes);
        return r->receipts.at(0);
    }
    // Many transactions of one sender in one block, all of which must succeed.
    void Many(const std::string& who, const std::vector<TxBody>& bodies) {
        time += 1000;
        std::vector<Transaction> txs;
        for (const TxBody& b : bodies) txs.push_back(MakeTx(who, nonce[who]++, b));
        auto r = ApplyBlock(state, PARAMS, {++height, time, AddrFor("validator")}, txs);
        REQUIRE(r);
        for (const Receipt& rc : r->receipts) REQUIRE_MESSAGE(rc.success, (rc.error_code + ": " + rc.error_message));
        state.Apply(r->writes);
    }
    void TaxCall(const std::string& sig, std::vector<vm::AbiValue> args) {
        Ok("gov", ProposeTx{GovContractCall{TaxContractAddress(), *vm::EncodeCallChecked(sig, args)}});
    }
    PrefixScan Scan() const {
        return [this](ByteView prefix, const PrefixVisitor& visit) {
            state.ForEach([&](const Bytes& k, const Bytes& v) {
                if (k.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), k.begin())) visit(k, v);
            });
        };
    }
    BlockContext Head() const { return {height, time, Address{}}; }
};

std::string Show(const std::vector<CurrencyAmount>& v) {
    std::string s;
    for (const auto& b : v) s += b.currency + "=" + std::to_string(b.amount) + " ";
    return s;
}

}  // namespace

TEST_CASE("queries: balances, payouts, audit, reconciliation, evidence") {
    Chain c;
    c.Ok("gw", DepositTx{AddrFor("alice"), "USD", 5000, "ref-1"});
    c.Ok("alice", SetPayoutPrefsTx{AddrFor("gw"), "USD", 0});
    c.Ok("alice", WithdrawTx{"USD", 2000});

    CHECK(Show(Balances(c.state, c.Scan(), AddrFor("alice"))) == "USD=3000 ");
    CHECK(Show(Balances(c.state, c.Scan(), AddrFor("dan"))) == "BRL=10000000 ");
    CHECK(Balances(c.state, c.Scan(), AddrFor("bob")).empty());

    auto pending = PayoutsWhere(c.Scan(), [](const Payout& p) { return p.status == PayoutStatus::PENDING; });
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].payee == AddrFor("alice"));
    CHECK(pending[0].amount == 2000);

    auto audit = AuditConservation(c.state, c.Scan());
    REQUIRE(audit.size() == 2);
    CHECK(audit[0].currency == "BRL");
    CHECK(audit[0].ok());
    CHECK(audit[1].currency == "USD");
    CHECK(audit[1].balances == 3000);
    CHECK(audit[1].pending == 2000);
    CHECK(audit[1].deposited == 5000);
    CHECK(audit[1].ok());

    Reconciliation rec = Reconcile(c.Scan(), AddrFor("gw"), 0, UINT64_MAX);
    REQUIRE(rec.count("USD") == 1);
    CHECK(rec["USD"]["instructed"].count == 1);
    CHECK(rec["USD"]["instructed"].total == 2000);
    CHECK(rec["USD"]["pending"].count == 1);
    CHECK(rec["USD"]["confirmed"].count == 0);
    CHECK(Reconcile(c.Scan(), AddrFor("gw"), 0, T0).empty());  // created after T0

    CHECK(ListEvidence(c.Scan()).empty());
    BlockBuilder b(c.state, PARAMS, {c.height + 1, c.time + 1000, AddrFor("validator")});
    Hash256 id = Sha256Of(std::string_view("evidence"));
    REQUIRE(b.AddEvidence(id, AddrFor("validator"), Bytes{1, 2, 3}));
    c.state.Apply(b.Finish().writes);
    auto ev = ListEvidence(c.Scan());
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].id == id);
    CHECK(ev[0].encoded == Bytes{1, 2, 3});
}

TEST_CASE("queries: a tax report of thousands of withholdings has every one (the contract answers 1170 a call)") {
    Chain c;
    Receipt reg = c.Ok("alice", test::Work("song", {{"alice", 10000}}));
    uint64_t work = std::get<EvWorkRegistered>(reg.events.at(0)).work_id;
    c.TaxCall("set_account(int,address)", {PackCC("BR"), AddrFor("taxbr")});
    c.TaxCall("set_rate(int,int,int,int,int,int)", {PackCC("BR"), int64_t{1}, int64_t{0}, int64_t{1500}, int64_t{0}, int64_t{0}});
    // 2,400 reports of 1.00 to 24.00 BRL: alice's entries span three pages (1170, 1170, 60).
    constexpr int N = 2400;
    for (int block = 0; block < N / 300; ++block) {
        std::vector<TxBody> reports;
        for (int i = 0; i < 300; ++i)
            reports.push_back(ReportRevenueTx{work, "BRL", 100 * (1 + (block * 300 + i) % 24), 0, 0, "BR", "2027-01"});
        c.Many("dan", reports);
    }
    auto report = TaxReport(c.state, c.Head(), AddrFor("alice"), 2027);
    REQUIRE(report);
    REQUIRE(report->size() == N);
    int64_t gross = 0, tax = 0;
    for (size_t i = 0; i < report->size(); ++i) {
        const TaxEntry& e = report->at(i);
        CHECK(e.gross == 100 * (1 + static_cast<int64_t>(i) % 24));  // in order, none repeated or lost at a page edge
        gross += e.gross;
        tax += e.tax;
    }
    CHECK(tax == LoadBalance(c.state, AddrFor("taxbr"), "BRL"));  // every withholding paid to the BR tax account is listed
    CHECK(gross == 100 * (N / 24) * (24 * 25 / 2));
    auto none = TaxReport(c.state, c.Head(), AddrFor("alice"), 2026);
    REQUIRE(none);
    CHECK(none->empty());
}

TEST_CASE("queries: split payees, tax report, auction state, a failed contract query") {
    Chain c;
    Receipt reg = c.Ok("alice", test::Work("song", {{"alice", 6000}, {"bob", 4000}}));
    uint64_t work = std::get<EvWorkRegistered>(reg.events.at(0)).work_id;

    auto payees = SplitPayees(c.state, c.Head(), work);
    REQUIRE(payees);
    REQUIRE(payees->size() == 2);
    for (const Payee& p : *payees) CHECK(p.bps == (p.address == AddrFor("alice") ? 6000 : 4000));

    // BR withholds 15% on royalties.
    c.TaxCall("set_account(int,address)", {PackCC("BR"), AddrFor("taxbr")});
    c.TaxCall("set_rate(int,int,int,int,int,int)", {PackCC("BR"), int64_t{1}, int64_t{0}, int64_t{1500}, int64_t{0}, int64_t{0}});
    c.Ok("dan", ReportRevenueTx{work, "BRL", 100000, 0, 0, "BR", "2027-01"});
    auto report = TaxReport(c.state, c.Head(), AddrFor("alice"), 2027);
    REQUIRE(report);
    REQUIRE(report->size() == 1);
    const TaxEntry& e = report->at(0);
    CHECK(e.currency == "BRL");
    CHECK(e.gross == 60000);
    CHECK(e.tax == 9000);
    CHECK(e.income_type == static_cast<int64_t>(IncomeType::ROYALTY));
    CHECK(e.source == "BR");
    CHECK(e.bps == 1500);
    CHECK(TaxReport(c.state, c.Head(), AddrFor("alice"), 2026)->empty());

    LicenceTerms terms;
    terms.territories = {"BR"};
    terms.rights = RIGHT_STREAM;
    terms.exclusive = true;
    terms.start_ms = c.time;
    terms.end_ms = c.time + 10'000'000;
    uint64_t end = c.time + 60'000;
    c.Ok("alice", CreateAuctionTx{work, AuctionKind::ENGLISH, "BRL", 100000, 1000, 5000, 10000, c.time, end, "BR", terms});
    auto show = ShowAuction(c.state, c.Head(), AuctionAddress(1));
    REQUIRE(show);
    REQUIRE(show->has_value());
    const AuctionState& st = **show;
    CHECK(st.currency == "BRL");
    CHECK_FALSE(st.closed);
    CHECK(st.end_ms == static_cast<int64_t>(end));
    CHECK(st.bids == 0);
    CHECK(st.highest_bidder.IsZero());
    CHECK(st.winner.IsZero());

    auto none = QueryContract(c.state, c.Head(), AddrFor("bob"), *vm::EncodeCallChecked("show()", {}));
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == QueryError::CALL_FAILED);
    CHECK(none.error().message.rfind("contract query failed: ", 0) == 0);
}
