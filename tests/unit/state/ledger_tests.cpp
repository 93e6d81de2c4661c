// The ledger's rules as pure functions: outcomes of transactions, block validity, governance
// M-of-N, determinism.
#include <doctest/doctest.h>

#include <node/core/smt.h>
#include <node/state/queries.h>
#include <node/state/state_root.h>
#include <vm/code.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::MakeTx;
using folio::test::MapState;

namespace {

const ChainParams PARAMS{"test-chain"};

GenesisDoc Genesis(uint32_t threshold = 1) {
    GenesisDoc g;
    g.chain_id = "test-chain";
    g.gov_threshold = threshold;
    g.validators.push_back({"v0", AddrFor("validator")});
    g.accounts.push_back({"alice", AddrFor("alice"), WithRole(0, Role::CREATOR), KycStatus::VERIFIED, "BR", {}});
    g.accounts.push_back({"bob", AddrFor("bob"), WithRole(0, Role::STUDIO), KycStatus::VERIFIED, "US", {}});
    g.accounts.push_back({"gov1", AddrFor("gov1"), WithRole(0, Role::GOVERNANCE), KycStatus::VERIFIED, "US", {}});
    g.accounts.push_back({"gov2", AddrFor("gov2"), WithRole(0, Role::GOVERNANCE), KycStatus::VERIFIED, "US", {}});
    g.accounts.push_back({"gov3", AddrFor("gov3"), WithRole(0, Role::GOVERNANCE), KycStatus::VERIFIED, "US", {}});
    return g;
}

struct Chain {
    MapState state;
    uint64_t height = 0;
    uint64_t skip_ms = 0;  // added to every block's time from now on (a jump of the clock)
    explicit Chain(uint32_t threshold = 1) { state.Apply(BuildGenesisState(Genesis(threshold)).value()); }

    // Applies one block; returns the receipts or the block error's code name.
    Result<std::vector<Receipt>, std::string> Block(const std::vector<Transaction>& txs) {
        BlockContext ctx{height + 1, 1000 * (height + 1) + skip_ms, AddrFor("validator")};
        auto r = ApplyBlock(state, PARAMS, ctx, txs);
        if (!r) return Fail(std::string(RejectCode(r.error().why.code)) + "@" + std::to_string(r.error().tx_index));
        state.Apply(r->writes);
        ++height;
        return r->receipts;
    }
    Receipt One(const Transaction& tx) {
        auto r = Block({tx});
        REQUIRE_MESSAGE(r, (r ? "" : r.error()));
        return r->at(0);
    }
};

std::string Outcome(const Receipt& r) { return r.success ? "ok" : r.error_code; }

}  // namespace

TEST_CASE("register_work: the work, its fingerprint index and the owners' shares") {
    Chain c;
    Receipt r = c.One(MakeTx("alice", 0, test::Work("film", {{"alice", 7000}, {"bob", 3000}})));
    CHECK(Outcome(r) == "ok");
    REQUIRE(r.events.size() == 1);
    auto ev = std::get<EvWorkRegistered>(r.events[0]);
    CHECK(ev.work_id == 1);
    auto w = LoadWork(c.state, 1);
    REQUIRE(w);
    CHECK(w->title == "title of film");
    CHECK(w->registrant == AddrFor("alice"));
    CHECK(w->registered_height == 1);
    CHECK(w->owners.size() == 2);
    CHECK(LoadWorkIdByFingerprint(c.state, Sha256Of(std::string_view("film"))) == 1u);
    CHECK(LoadAccount(c.state, AddrFor("alice")).next_nonce == 1);
}

TEST_CASE("rejections leave the state unchanged and the nonce unused") {
    Chain c;
    c.One(MakeTx("alice", 0, test::Work("film", {{"alice", 10000}})));
    std::string before = c.state.Dump();
    auto code = [&](const Transaction& tx) {
        auto r = c.Block({tx});
        return r ? std::string("accepted") : r.error();
    };
    CHECK(code(MakeTx("bob", 0, test::Work("film", {{"bob", 10000}}))) == "duplicate_fingerprint@0");
    CHECK(code(MakeTx("alice", 0, test::Work("x", {{"alice", 10000}}))) == "nonce_too_low@0");
    CHECK(code(MakeTx("alice", 2, test::Work("x", {{"alice", 10000}}))) == "nonce_too_high@0");
    CHECK(code(MakeTx("alice", 1, test::Work("x", {{"alice", 10000}}), "other-chain")) == "wrong_chain_id@0");
    CHECK(code(MakeTx("alice", 1, test::Work("x", {{"alice", 9999}}))) == "invalid_field@0");
    CHECK(code(MakeTx("alice", 1, test::Work("x", {{"bob", 10000}}))) == "invalid_field@0");  // signer not an owner
    CHECK(code(MakeTx("gov1", 0, test::Work("x", {{"gov1", 10000}}))) == "missing_permission@0");
    CHECK(code(MakeTx("alice", 1, ProposeTx{GrantRole{AddrFor("bob"), Role::AUDITOR}})) == "missing_permission@0");
    Transaction expired = MakeTx("alice", 1, test::Work("x", {{"alice", 10000}}));
    expired.expires_at_ms = 1;
    SignTx(expired, test::KeyFor("alice"), Hash256{});
    CHECK(code(expired) == "expired@0");
    // A second registration of one fingerprint inside a block invalidates the block.
    CHECK(code(MakeTx("alice", 1, test::Work("y", {{"alice", 10000}}))) == "accepted");
    before = c.state.Dump();
    auto r = c.Block({MakeTx("alice", 2, test::Work("z", {{"alice", 10000}})), MakeTx("bob", 0, test::Work("z", {{"bob", 10000}}))});
    CHECK_FALSE(r);
    CHECK(r.error() == "duplicate_fingerprint@1");
    CHECK(c.state.Dump() == before);
}

TEST_CASE("the mempool's nonce window") {
    Chain c;
    Transaction t = MakeTx("alice", NONCE_WINDOW - 1, test::Work("w", {{"alice", 10000}}));
    CHECK(CheckAgainstState(c.state, t, 0, NonceMode::WINDOW));
    CHECK_FALSE(CheckAgainstState(c.state, t, 0, NonceMode::EXACT));
    t = MakeTx("alice", NONCE_WINDOW, test::Work("w", {{"alice", 10000}}));
    CHECK(CheckAgainstState(c.state, t, 0, NonceMode::WINDOW).error().code == Reject::NONCE_TOO_HIGH);
}

TEST_CASE("a transaction that fails during execution commits with success=false and uses its nonce") {
    Chain c;
    Receipt r = c.One(MakeTx("gov1", 0, ApproveTx{Sha256Of(std::string_view("no such proposal"))}));
    CHECK(Outcome(r) == "proposal_not_found");
    CHECK(r.events.empty());
    CHECK(LoadAccount(c.state, AddrFor("gov1")).next_nonce == 1);
}

TEST_CASE("governance: a role is granted when M of N members approve") {
    Chain c(2);
    Transaction propose = MakeTx("gov1", 0, ProposeTx{GrantRole{AddrFor("carol"), Role::AUDITOR}});
    Receipt r = c.One(propose);
    CHECK(Outcome(r) == "ok");
    CHECK(r.events.size() == 2);  // created + approved (1 of 2)
    CHECK(std::get<EvProposalApproved>(r.events[1]).approvals == 1);
    CHECK_FALSE(HasRole(LoadAccount(c.state, AddrFor("carol")).roles, Role::AUDITOR));

    Hash256 pid = TxId(propose);
    CHECK(Outcome(c.One(MakeTx("gov1", 1, ApproveTx{pid}))) == "already_approved");
    r = c.One(MakeTx("gov2", 0, ApproveTx{pid}));
    CHECK(Outcome(r) == "ok");
    CHECK(HasRole(LoadAccount(c.state, AddrFor("carol")).roles, Role::AUDITOR));
    CHECK(std::string(EventName(r.events.back())) == "proposal_executed");
    CHECK(Outcome(c.One(MakeTx("gov3", 0, ApproveTx{pid}))) == "proposal_closed");
}

TEST_CASE("governance: threshold changes and quorum protection") {
    Chain c(1);
    CHECK(Outcome(c.One(MakeTx("gov1", 0, ProposeTx{SetThreshold{4}}))) == "invalid_threshold");  // 3 members
    CHECK(Outcome(c.One(MakeTx("gov1", 1, ProposeTx{SetThreshold{3}}))) == "ok");
    CHECK(LoadGovThreshold(c.state) == 3);
    // Revoking a member would leave 2 < 3: refused at execution, once all three approve.
    Transaction p = MakeTx("gov1", 2, ProposeTx{RevokeRole{AddrFor("gov3"), Role::GOVERNANCE}});
    c.One(p);
    c.One(MakeTx("gov2", 0, ApproveTx{TxId(p)}));
    CHECK(Outcome(c.One(MakeTx("gov3", 0, ApproveTx{TxId(p)}))) == "would_break_quorum");
    CHECK(LoadGovMembers(c.state).size() == 3);
}

TEST_CASE("execution is deterministic: the same block gives the same writes and state root") {
    std::vector<Transaction> txs;
    for (int i = 0; i < 20; ++i)
        txs.push_back(MakeTx(i % 2 ? "alice" : "bob", static_cast<uint64_t>(i / 2),
                             test::Work("w" + std::to_string(i), {{i % 2 ? "alice" : "bob", 10000}})));
    auto run = [&] {
        Chain c;
        BlockContext ctx{1, 5000, AddrFor("validator")};
        auto r = ApplyBlock(c.state, PARAMS, ctx, txs);
        REQUIRE(r);
        MemoryNodeStore nodes;
        auto g = UpdateStateRoot(nodes, Hash256{}, 0, BuildGenesisState(Genesis()).value(), 0);
        nodes.Apply(g.value());
        auto root = UpdateStateRoot(nodes, g->new_root, 0, r->writes, 1);
        return std::make_pair(r->writes, root->new_root);
    };
    auto a = run(), b = run();
    CHECK(a.first == b.first);
    CHECK(a.second == b.second);
    CHECK_FALSE(a.second.IsZero());
}

TEST_CASE("genesis validation") {
    GenesisDoc g = Genesis();
    g.chain_id = "";
    CHECK(BuildGenesisState(g).error() == GenesisError::BAD_CHAIN_ID);
    g = Genesis();
    g.validators.clear();
    CHECK(BuildGenesisState(g).error() == GenesisError::NO_VALIDATORS);
    g = Genesis();
    g.accounts.push_back(g.accounts[0]);
    CHECK(BuildGenesisState(g).error() == GenesisError::DUPLICATE_ACCOUNT);
    g = Genesis(4);
    CHECK(BuildGenesisState(g).error() == GenesisError::BAD_THRESHOLD);
}

TEST_CASE("equivocation evidence is recorded once in state") {
    Chain c;
    BlockContext ctx{1, 1000, AddrFor("validator")};
    BlockBuilder b(c.state, PARAMS, ctx);
    Bytes enc{1, 2, 3};
    Hash256 id = Sha256Of(enc);
    CHECK(b.AddEvidence(id, AddrFor("validator"), enc));
    CHECK_FALSE(b.AddEvidence(id, AddrFor("validator"), enc));  // already recorded in this block
    c.state.Apply(b.Finish().writes);
    auto raw = c.state.Get(keys::Evidence(id));
    REQUIRE(raw);
    auto rec = DecodeEvidenceRecord(*raw);
    REQUIRE(rec);
    CHECK(rec->signer == AddrFor("validator"));
    CHECK(rec->height == 1);
    CHECK(rec->encoded == enc);
    BlockBuilder again(c.state, PARAMS, BlockContext{2, 2000, AddrFor("validator")});
    CHECK_FALSE(again.AddEvidence(id, AddrFor("validator"), enc));  // already on the ledger
}

TEST_CASE("contract templates: validated at deployment, stored by code hash") {
    Chain c;
    // Malformed bytecode is rejected with the validator's reason and changes nothing.
    Transaction bad = MakeTx("gov1", 0, ProposeTx{DeployTemplate{Bytes{0x02, 0x00}, "t", 1, 0}});  // unknown format version
    auto st = CheckStateless(bad, PARAMS);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == Reject::INVALID_FIELD);
    CHECK(st.error().message.rfind("bytecode rejected: ", 0) == 0);
    auto r = c.Block({bad});
    REQUIRE_FALSE(r);
    CHECK(r.error() == "invalid_field@0");
    CHECK(DecodeTx(EncodeTx(bad)).ok());  // well-formed transaction, invalid code
    CHECK_FALSE(CheckStateless(MakeTx("gov1", 0, ProposeTx{DeployTemplate{Bytes{}, "t", 1, 0}}), PARAMS));

    // Valid bytecode (the smallest program: STOP) is deployed once, by governance.
    Bytes code{0x01, 0x00};
    Receipt ok = c.One(MakeTx("gov1", 0, ProposeTx{DeployTemplate{code, "stop", 1, 0}}));
    CHECK(Outcome(ok) == "ok");
    auto ev = std::get<EvTemplateDeployed>(ok.events.at(2));
    CHECK(ev.code_hash == vm::CodeHash(code));
    CHECK(c.state.Get(keys::Template(ev.code_hash)) == code);
    CHECK(Outcome(c.One(MakeTx("gov1", 1, ProposeTx{DeployTemplate{code, "stop", 2, 0}}))) == "template_exists");
    CHECK(Outcome(c.One(MakeTx("gov1", 2, ProposeTx{GrantRole{AddrFor("x"), Role::AUDITOR}}))) == "ok");
}

TEST_CASE("a proposal stays open for 7 days of block time; approving it later fails and changes nothing") {
    Chain c(2);
    Transaction p1 = MakeTx("gov1", 0, ProposeTx{GrantRole{AddrFor("x"), Role::AUDITOR}});
    Transaction p2 = MakeTx("gov1", 1, ProposeTx{GrantRole{AddrFor("y"), Role::AUDITOR}});
    CHECK(Outcome(c.One(p1)) == "ok");
    CHECK(Outcome(c.One(p2)) == "ok");
    auto open = LoadProposal(c.state, TxId(p1)).value();
    CHECK(open.expires_ms == 1000 + PROPOSAL_TTL_MS);
    // p2 is approved at the last millisecond of its window (made at 2000 ms; the next block is 3000 ms + skip).
    c.skip_ms = PROPOSAL_TTL_MS - 1000;
    CHECK(Outcome(c.One(MakeTx("gov2", 0, ApproveTx{TxId(p2)}))) == "ok");
    CHECK(HasRole(LoadAccount(c.state, AddrFor("y")).roles, Role::AUDITOR));
    // p1's window ended 1 s earlier: expired, refused with its deadline, nothing granted.
    Receipt late = c.One(MakeTx("gov2", 1, ApproveTx{TxId(p1)}));
    CHECK(Outcome(late) == "proposal_expired");
    CHECK(late.error_message == "proposal " + TxId(p1).hex() + " expired at " + std::to_string(1000 + PROPOSAL_TTL_MS) +
                                    " ms (7 days without reaching the threshold); propose it again");
    CHECK_FALSE(HasRole(LoadAccount(c.state, AddrFor("x")).roles, Role::AUDITOR));
    CHECK(LoadProposal(c.state, TxId(p1))->approvals.size() == 1);
    // Both are listed: p1 still open in the record (its expiry is read against the time), p2 executed.
    PrefixScan scan = [&](ByteView prefix, const PrefixVisitor& visit) {
        c.state.ForEach([&](const Bytes& k, const Bytes& v) {
            if (k.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), k.begin())) visit(k, v);
        });
    };
    auto all = Proposals(scan);
    REQUIRE(all.size() == 2);
    for (const Proposal& p : all)
        CHECK(p.status == (p.id == TxId(p2) ? ProposalStatus::EXECUTED : ProposalStatus::OPEN));
}

// A work of alice's alone, with these industry identifiers.
static auto WorkWithIds(const char* content, IndustryIds ids) {
    auto w = test::Work(content, {{"alice", 10000}});
    w.ids = std::move(ids);
    return w;
}
// "accepted", or the block's refusal as "code@index".
static std::string BlockOutcome(Chain& c, const Transaction& tx) {
    auto r = c.Block({tx});
    return r ? std::string("accepted") : r.error();
}

TEST_CASE("register_work validates industry identifiers by their own rules") {
    Chain c;
    auto with_ids = WorkWithIds;
    auto code = [&](const Transaction& tx) { return BlockOutcome(c, tx); };
    CHECK(code(MakeTx("alice", 0, with_ids("a", {"US-PR3-73-00012", "T-034.524.680-1", "", "10.5240/1C80-DD87-F0C8-5488-60C2-5"}))) == "accepted");
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"", "T-034.524.680-2", "", ""}))) == "invalid_field@0");
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"", "", "", "10.5240/1C80-DD87-F0C8-5488-60C2-6"}))) == "invalid_field@0");
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"", "", "0000-0000-D07A-0090-R-0000-0000-X", ""}))) == "invalid_field@0");
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"USPR3730001", "", "", ""}))) == "invalid_field@0");
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"", "", "0000-0000-D07A-0090-Q-0000-0000-X", ""}))) == "accepted");
}

TEST_CASE("industry identifiers are unique across works, in any written form; the refusal names the first work") {
    Chain c;
    auto with_ids = WorkWithIds;
    auto code = [&](const Transaction& tx) { return BlockOutcome(c, tx); };
    CHECK(code(MakeTx("alice", 0, with_ids("a", {"US-PR3-73-00012", "", "", ""}))) == "accepted");
    // The same ISRC in its compact form, or in lower case, is the same identifier.
    std::string before = c.state.Dump();
    Transaction again = MakeTx("alice", 1, with_ids("b", {"USPR37300012", "", "", ""}));
    CHECK(code(again) == "duplicate_identifier@0");
    auto why = CheckAgainstState(c.state, again, 0, NonceMode::EXACT);
    REQUIRE_FALSE(why);
    CHECK(why.error().message == "ISRC US-PR3-73-00012 is already registered as work 1");
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"us-pr3-73-00012", "", "", ""}))) == "invalid_field@0");  // Check is strict about case
    CHECK(c.state.Dump() == before);
    // Each scheme on its own: another work may carry other identifiers, and an ISWC is refused
    // by the ISWC the first work holds even when its ISRC is new.
    CHECK(code(MakeTx("alice", 1, with_ids("b", {"US-PR3-73-00013", "T-034.524.680-1", "", ""}))) == "accepted");
    Transaction iswc = MakeTx("alice", 2, with_ids("c", {"US-PR3-73-00014", "T0345246801", "", ""}));
    CHECK(code(iswc) == "duplicate_identifier@0");
    CHECK(CheckAgainstState(c.state, iswc, 0, NonceMode::EXACT).error().message == "ISWC T-034.524.680-1 is already registered as work 2");
    CHECK(code(MakeTx("alice", 2, with_ids("c", {"", "", "", ""}))) == "accepted");  // no identifiers: nothing to collide
}

TEST_CASE("validator-set change: scheduled by a governance proposal, made when consensus commits it") {
    Chain c(2);
    auto genesis_set = LoadValidatorSet(c.state);
    REQUIRE(genesis_set);
    CHECK(genesis_set->epoch == 0);
    CHECK(genesis_set->from_height == 1);
    CHECK(genesis_set->members == std::vector<Address>{AddrFor("validator")});
    CHECK(LoadValidatorSetOfEpoch(c.state, 0) == genesis_set);
    CHECK_FALSE(LoadPendingValidatorSet(c.state));

    std::vector<Address> next{AddrFor("validator"), AddrFor("validator2")};
    // Stateless checks (at submission): empty, duplicate, invalid key, height 0.
    auto stateless = [&](SetValidators v) {
        auto st = CheckStateless(MakeTx("gov1", 0, ProposeTx{std::move(v)}), PARAMS);
        return st ? std::string("ok") : std::string(RejectCode(st.error().code));
    };
    CHECK(stateless(SetValidators{{}, 100}) == "invalid_field");
    CHECK(stateless(SetValidators{{AddrFor("validator"), AddrFor("validator")}, 100}) == "invalid_field");
    CHECK(stateless(SetValidators{{Address{}}, 100}) == "invalid_field");
    CHECK(stateless(SetValidators{next, 0}) == "invalid_field");
    CHECK(stateless(SetValidators{next, 100}) == "ok");

    // Too soon: checked when the proposal executes (height 2 here, lead 10 -> at least 12).
    Transaction soon = MakeTx("gov1", 0, ProposeTx{SetValidators{next, 5}});
    c.One(soon);
    CHECK(Outcome(c.One(MakeTx("gov2", 0, ApproveTx{TxId(soon)}))) == "activation_too_soon");
    CHECK_FALSE(LoadPendingValidatorSet(c.state));
    // The set in force is not a change.
    Transaction same = MakeTx("gov1", 1, ProposeTx{SetValidators{{AddrFor("validator")}, 100}});
    c.One(same);
    CHECK(Outcome(c.One(MakeTx("gov2", 1, ApproveTx{TxId(same)}))) == "validator_set_unchanged");

    // M of N approve: the change is scheduled, nothing else changes yet.
    Transaction p = MakeTx("gov1", 2, ProposeTx{SetValidators{next, 100}});
    c.One(p);
    CHECK_FALSE(LoadPendingValidatorSet(c.state));  // 1 of 2 approvals
    Receipt r = c.One(MakeTx("gov2", 2, ApproveTx{TxId(p)}));
    REQUIRE(Outcome(r) == "ok");
    auto pending = LoadPendingValidatorSet(c.state);
    REQUIRE(pending);
    CHECK(pending->epoch == 1);
    CHECK(pending->activation_height == 100);
    CHECK(pending->members == next);
    bool scheduled_event = false;
    for (const Event& e : r.events)
        if (auto* s = std::get_if<EvValidatorSetScheduled>(&e)) scheduled_event = s->epoch == 1 && s->members == next;
    CHECK(scheduled_event);
    CHECK(LoadValidatorSet(c.state)->epoch == 0);

    // A second change while one is pending is refused.
    Transaction p2 = MakeTx("gov1", 3, ProposeTx{SetValidators{{AddrFor("validator2")}, 200}});
    c.One(p2);
    CHECK(Outcome(c.One(MakeTx("gov2", 3, ApproveTx{TxId(p2)}))) == "validator_change_pending");

    // Consensus commits the block carrying the change (height 99): in force from 100.
    BlockBuilder b(c.state, PARAMS, BlockContext{99, 99000, AddrFor("validator")});
    b.ChangeValidators(next);
    c.state.Apply(b.Finish().writes);
    auto now = LoadValidatorSet(c.state);
    REQUIRE(now);
    CHECK(now->epoch == 1);
    CHECK(now->from_height == 100);
    CHECK(now->members == next);
    CHECK(now->scheduled_by == pending->scheduled_by);
    CHECK(LoadValidatorSetOfEpoch(c.state, 1) == now);
    CHECK(LoadValidatorSetOfEpoch(c.state, 0) == genesis_set);  // history kept
    CHECK_FALSE(LoadPendingValidatorSet(c.state));
}
