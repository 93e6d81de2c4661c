// The protocol core with real BIP-340 signatures: commits and commit certificates, persist-before-
// send, crash windows around PersistSafety, evidence, the pacemaker's back-off, validator-set
// changes, and rejection of invalid proposals.
#include <doctest/doctest.h>

#include <algorithm>

#include <tests/unit/consensus/cluster.h>

using namespace folio;
using namespace folio::consensus;
using namespace folio::consensus::test;

namespace {

std::vector<Message> Sent(const Actions& acts) {
    std::vector<Message> out;
    for (const auto& a : acts) {
        if (auto* s = std::get_if<SendAction>(&a)) out.push_back(s->msg);
        if (auto* b = std::get_if<BroadcastAction>(&a)) out.push_back(b->msg);
    }
    return out;
}

template <typename T>
std::vector<T> SentOf(const Actions& acts) {
    std::vector<T> out;
    for (const auto& m : Sent(acts))
        if (auto* v = std::get_if<T>(&m)) out.push_back(*v);
    return out;
}

std::optional<size_t> IndexOfFirst(const Actions& acts, size_t variant_index) {
    for (size_t i = 0; i < acts.size(); ++i)
        if (acts[i].index() == variant_index) return i;
    return std::nullopt;
}

Proposal SignedProposal(const Block& b, Signer& s) {
    Proposal p;
    p.block = b;
    p.sig = s.Sign(ProposalDigest(b));
    return p;
}

QuorumCert SignQc(const VoteData& d, const std::vector<uint32_t>& secrets, const std::vector<uint32_t>& indices) {
    QuorumCert qc;
    qc.data = d;
    for (size_t i = 0; i < secrets.size(); ++i) {
        SchnorrSigner s(TestSecret(secrets[i]));
        qc.sigs.push_back(QcSignature{indices[i], s.Sign(VoteDigest(d))});
    }
    return qc;
}

// A leader (key 1 leads round 1) and its twin each propose round 1 with different payloads.
struct TwinLeaders {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrSigner s1{TestSecret(1)};
    SchnorrSigner s1_twin{TestSecret(1)};
    SchnorrVerifier verifier;
    Core leader{Config{}, set, Hash256{}, s1, verifier};
    Core twin{Config{}, set, Hash256{}, s1_twin, verifier};
    Proposal a, b;
    TwinLeaders() {
        a = ProposeWith(leader, 1);
        b = ProposeWith(twin, 2);
    }
    static Proposal ProposeWith(Core& c, uint64_t salt) {
        Actions acts = c.Start(0);
        auto req = std::get<RequestPayloadAction>(acts[IndexOfFirst(acts, 6).value()]);
        auto props = SentOf<Proposal>(c.OnPayloadReady(req.round, req.parent_id, TestPayload(1, salt), std::nullopt, 0));
        REQUIRE(props.size() == 1);
        return props[0];
    }
};

}  // namespace

TEST_CASE("four validators commit one chain; commit certificates verify standalone") {
    Cluster c(4);
    c.Run(600);
    size_t min_height = SIZE_MAX;
    for (size_t i = 0; i < c.size(); ++i) min_height = std::min(min_height, c.node(i).committed.size());
    CHECK(min_height >= 10);
    for (size_t i = 1; i < c.size(); ++i)
        for (size_t h = 0; h < min_height; ++h) CHECK(c.node(i).committed[h].id == c.node(0).committed[h].id);
    for (size_t h = 0; h < min_height; ++h) CHECK(c.node(0).committed[h].height == h + 1);

    size_t certs = 0;
    for (const auto& [i, a] : c.log) {
        auto* commit = std::get_if<CommitAction>(&a);
        if (!commit) continue;
        auto id = VerifyCommitCertificate(commit->commit_cert, c.genesis(), c.verifier());
        REQUIRE(id.ok());
        CHECK(*id == commit->blocks.back().id);  // no epoch change here: the last block itself
        auto other = VerifyCommitCertificate(commit->commit_cert, TestSet(0, 10, 4), c.verifier());
        REQUIRE(!other.ok());
        CHECK(other.error() == ConsensusError::BAD_QC);
        auto later = VerifyCommitCertificate(commit->commit_cert, TestSet(1, 0, 4), c.verifier());
        REQUIRE(!later.ok());
        CHECK(later.error() == ConsensusError::WRONG_EPOCH);
        ++certs;
    }
    CHECK(certs >= 10);
}

TEST_CASE("a QC over non-consecutive rounds is not a commit certificate; under-quorum QCs fail") {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrVerifier v;
    VoteData d{0, 5, TestPayload(5), TestPayload(3), 3};
    QuorumCert qc = SignQc(d, {0, 1, 2}, {0, 1, 2});
    CHECK(VerifyQc(qc, set, v).ok());
    auto r = VerifyCommitCertificate(qc, set, v);
    REQUIRE(!r.ok());
    CHECK(r.error() == ConsensusError::NOT_A_COMMIT_CERT);
    QuorumCert two = SignQc(d, {0, 1}, {0, 1});
    CHECK(VerifyQc(two, set, v).error() == ConsensusError::BAD_QC);
    QuorumCert wrong_index = SignQc(d, {0, 1, 2}, {0, 1, 3});  // key 2 claims index 3
    CHECK(VerifyQc(wrong_index, set, v).error() == ConsensusError::BAD_QC);
}

TEST_CASE("every signed message leaves only after the safety state that covers it was persisted") {
    Config cfg;
    cfg.base_timeout_ms = 100;
    Cluster c(4, 0, cfg);
    const PublicKey k1 = TestKey(1);
    c.drop = [&](const Packet& p) { return p.from == k1 || p.to == 1; };  // key 1 is cut off: timeouts
    for (int i = 0; i < 20; ++i) c.Tick(100);
    std::vector<SafetyState> persisted(c.size());
    size_t votes = 0, timeouts = 0, proposals = 0;
    for (const auto& [i, a] : c.log) {
        if (auto* p = std::get_if<PersistSafetyAction>(&a)) persisted[i] = p->state;
        std::optional<Message> m;
        if (auto* s = std::get_if<SendAction>(&a)) m = s->msg;
        if (auto* b = std::get_if<BroadcastAction>(&a)) m = b->msg;
        if (!m) continue;
        if (auto* v = std::get_if<Vote>(&*m)) {
            CHECK(persisted[i].highest_vote_round >= v->data.round);
            ++votes;
        } else if (auto* t = std::get_if<TimeoutMsg>(&*m)) {
            CHECK(persisted[i].highest_timeout_round >= t->round);
            CHECK(persisted[i].last_timeout.has_value());
            ++timeouts;
        } else if (auto* p = std::get_if<Proposal>(&*m)) {
            CHECK(persisted[i].highest_proposed_round >= p->block.round);
            ++proposals;
        }
    }
    CHECK(votes > 10);
    CHECK(timeouts > 2);
    CHECK(proposals > 5);
    CHECK(c.node(0).committed.size() >= 3);  // progress without key 1
}

TEST_CASE("crash between deciding and persisting: the undecided vote never left, one vote per round") {
    TwinLeaders t;
    SchnorrSigner s3(TestSecret(3));  // votes for round 1 go to key 2
    Core node(Config{}, t.set, Hash256{}, s3, t.verifier);
    (void)node.Start(0);
    Actions acts = node.OnProposal(TestKey(1), t.a, 1);
    auto persist = IndexOfFirst(acts, 2);
    REQUIRE(persist.has_value());
    REQUIRE(SentOf<Vote>(acts).size() == 1);
    for (size_t i = 0; i < *persist; ++i) CHECK(Sent(Actions{acts[i]}).empty());  // nothing signed before it
    // Crash before the PersistSafety executes: nothing of this list happened. Restart with the
    // previous state (none) and the block store (A was stored on receipt).
    Core restarted(Config{}, t.set, Hash256{}, s3, t.verifier);
    std::vector<Block> store = {t.a.block};
    Actions r = restarted.Restore(SafetyState{}, store, 0, 2);
    CHECK(SentOf<Vote>(r).empty());
    Actions b = restarted.OnProposal(TestKey(1), t.b, 3);
    auto votes = SentOf<Vote>(b);
    REQUIRE(votes.size() == 1);  // the only vote of round 1 that ever left this validator
    CHECK(votes[0].data.block_id == BlockIdOf(t.b.block));
}

TEST_CASE("crash between persisting and sending: after restart no second vote in that round") {
    TwinLeaders t;
    SchnorrSigner s3(TestSecret(3));  // votes for round 1 go to key 2
    Core node(Config{}, t.set, Hash256{}, s3, t.verifier);
    (void)node.Start(0);
    Actions acts = node.OnProposal(TestKey(1), t.a, 1);
    auto persist = IndexOfFirst(acts, 2);
    REQUIRE(persist.has_value());
    SafetyState persisted = std::get<PersistSafetyAction>(acts[*persist]).state;
    CHECK(persisted.highest_vote_round == 1);
    // The PersistSafety executed, then the process died before the vote was sent.
    Core restarted(Config{}, t.set, Hash256{}, s3, t.verifier);
    std::vector<Block> store = {t.a.block};
    Actions r = restarted.Restore(persisted, store, 0, 2);
    CHECK(SentOf<Vote>(r).empty());
    CHECK(SentOf<Vote>(restarted.OnProposal(TestKey(1), t.b, 3)).empty());  // the conflicting block
    CHECK(SentOf<Vote>(restarted.OnProposal(TestKey(1), t.a, 4)).empty());  // nor the same one again
    CHECK(restarted.Safety().highest_vote_round == 1);
}

TEST_CASE("a restarted leader never proposes a second block for a round it proposed in") {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrSigner s1(TestSecret(1));
    SchnorrVerifier v;
    Core leader(Config{}, set, Hash256{}, s1, v);
    Actions start = leader.Start(0);
    auto req = std::get<RequestPayloadAction>(start[IndexOfFirst(start, 6).value()]);
    Actions acts = leader.OnPayloadReady(req.round, req.parent_id, TestPayload(1, 1), std::nullopt, 0);
    auto persist = IndexOfFirst(acts, 2);
    REQUIRE(persist.has_value());
    SafetyState persisted = std::get<PersistSafetyAction>(acts[*persist]).state;
    CHECK(persisted.highest_proposed_round == 1);
    // Crash after persisting, before the broadcast: the block never reached the store.
    Core restarted(Config{}, set, Hash256{}, s1, v);
    Actions r = restarted.Restore(persisted, {}, 0, 1);
    CHECK(!IndexOfFirst(r, 6).has_value());  // no new payload request for round 1
    Actions again = restarted.OnPayloadReady(1, req.parent_id, TestPayload(1, 2), std::nullopt, 2);
    CHECK(SentOf<Proposal>(again).empty());
    CHECK(Has(Rejects(again), ConsensusError::STALE));
}

TEST_CASE("a timeout is re-sent verbatim after a restart, never re-signed") {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrSigner s2(TestSecret(2));
    SchnorrVerifier v;
    Config cfg;
    cfg.base_timeout_ms = 100;
    Core node(cfg, set, Hash256{}, s2, v);
    (void)node.Start(0);
    Actions acts = node.OnTimer(100);
    auto sent = SentOf<TimeoutMsg>(acts);
    REQUIRE(sent.size() == 1);
    REQUIRE(IndexOfFirst(acts, 2).value() < IndexOfFirst(acts, 1).value());  // persist, then broadcast
    SafetyState persisted = node.Safety();
    Core restarted(cfg, set, Hash256{}, s2, v);
    (void)restarted.Restore(persisted, {}, 0, 150);
    auto again = SentOf<TimeoutMsg>(restarted.OnTimer(1000));
    REQUIRE(again.size() == 1);
    CHECK(EncodeMessage(again[0]) == EncodeMessage(sent[0]));
}

TEST_CASE("a planted proposal equivocation produces evidence that verifies standalone") {
    TwinLeaders t;
    SchnorrSigner s2(TestSecret(2));
    Core node(Config{}, t.set, Hash256{}, s2, t.verifier);
    (void)node.Start(0);
    Actions first = node.OnProposal(TestKey(1), t.a, 1);
    CHECK(!IndexOfFirst(first, 7).has_value());
    Actions second = node.OnProposal(TestKey(1), t.b, 2);
    auto idx = IndexOfFirst(second, 7);
    REQUIRE(idx.has_value());
    Evidence e = std::get<EvidenceAction>(second[*idx]).evidence;
    CHECK(e.kind == StatementKind::PROPOSAL);
    CHECK(e.signer == TestKey(1));
    CHECK(VerifyEvidence(e, t.set, t.verifier).ok());
    auto decoded = DecodeEvidence(EncodeEvidence(e));
    REQUIRE(decoded.ok());
    CHECK(VerifyEvidence(*decoded, t.set, t.verifier).ok());
    // Negative: wrong epoch's set, a forged signature, identical statements, other signer.
    CHECK(VerifyEvidence(e, TestSet(1, 0, 4), t.verifier).error() == ConsensusError::WRONG_EPOCH);
    Evidence forged = e;
    forged.sig_b.data[10] ^= 1;
    CHECK(VerifyEvidence(forged, t.set, t.verifier).error() == ConsensusError::BAD_SIGNATURE);
    Evidence same = e;
    same.body_b = same.body_a;
    same.sig_b = same.sig_a;
    CHECK(VerifyEvidence(same, t.set, t.verifier).error() == ConsensusError::BAD_EVIDENCE);
    Evidence other = e;
    other.signer = TestKey(3);
    CHECK(VerifyEvidence(other, t.set, t.verifier).error() == ConsensusError::BAD_SIGNATURE);
    // A third copy does not report again.
    CHECK(!IndexOfFirst(node.OnProposal(TestKey(1), t.b, 3), 7).has_value());
}

TEST_CASE("a planted vote equivocation produces evidence at the next leader") {
    TwinLeaders t;
    SchnorrSigner s3(TestSecret(3)), s3_twin(TestSecret(3)), s2(TestSecret(2));
    Core voter(Config{}, t.set, Hash256{}, s3, t.verifier);
    Core voter_twin(Config{}, t.set, Hash256{}, s3_twin, t.verifier);
    Core next_leader(Config{}, t.set, Hash256{}, s2, t.verifier);  // leads round 2: collects round-1 votes
    (void)voter.Start(0);
    (void)voter_twin.Start(0);
    (void)next_leader.Start(0);
    auto va = SentOf<Vote>(voter.OnProposal(TestKey(1), t.a, 1));
    auto vb = SentOf<Vote>(voter_twin.OnProposal(TestKey(1), t.b, 1));
    REQUIRE(va.size() == 1);
    REQUIRE(vb.size() == 1);
    CHECK(!IndexOfFirst(next_leader.OnVote(TestKey(3), va[0], 2), 7).has_value());
    Actions acts = next_leader.OnVote(TestKey(3), vb[0], 3);
    auto idx = IndexOfFirst(acts, 7);
    REQUIRE(idx.has_value());
    Evidence e = std::get<EvidenceAction>(acts[*idx]).evidence;
    CHECK(e.kind == StatementKind::VOTE);
    CHECK(VerifyEvidence(e, t.set, t.verifier).ok());
}

TEST_CASE("invalid proposals are rejected: wrong leader, bad signature, unjustified round") {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrVerifier v;
    SchnorrSigner s0(TestSecret(0)), s2(TestSecret(2)), s3(TestSecret(3));
    Core node(Config{}, set, Hash256{}, s0, v);
    (void)node.Start(0);
    Block genesis = GenesisBlock(set, Hash256{});
    Block b;
    b.epoch = 0;
    b.round = 1;
    b.parent_qc = GenesisQc(genesis);
    b.parent_id = b.parent_qc.data.block_id;
    b.payload = TestPayload(1);
    b.proposer = TestKey(2);  // round 1 belongs to key 1
    CHECK(Has(Rejects(node.OnProposal(TestKey(2), SignedProposal(b, s2), 1)), ConsensusError::WRONG_LEADER));
    b.round = 2;  // key 2 leads round 2, but a genesis QC only justifies round 1
    CHECK(Has(Rejects(node.OnProposal(TestKey(2), SignedProposal(b, s2), 1)), ConsensusError::UNJUSTIFIED_ROUND));
    Proposal forged = SignedProposal(b, s3);  // signed by someone else
    CHECK(Has(Rejects(node.OnProposal(TestKey(2), forged, 1)), ConsensusError::BAD_SIGNATURE));
    Block ok = b;
    ok.round = 1;
    ok.proposer = TestKey(1);
    SchnorrSigner s1(TestSecret(1));
    Actions good = node.OnProposal(TestKey(1), SignedProposal(ok, s1), 1);
    CHECK(Rejects(good).empty());
    CHECK(SentOf<Vote>(good).size() == 1);
}

TEST_CASE("the pacemaker backs off exponentially on consecutive timeouts, up to the cap") {
    Config cfg;
    cfg.base_timeout_ms = 100;
    cfg.max_timeout_ms = 400;
    Cluster c(4, 0, cfg);
    c.drop = [](const Packet& p) {  // only timeouts get through: every round ends with a TC
        return std::holds_alternative<Proposal>(p.msg) || std::holds_alternative<Vote>(p.msg);
    };
    auto last_deadline = [&](size_t node) {
        uint64_t d = 0;
        for (const auto& [i, a] : c.log)
            if (auto* t = std::get_if<ScheduleTimerAction>(&a); t && i == node) d = t->deadline_ms;
        return d;
    };
    CHECK(last_deadline(0) == 100);
    std::string intervals;
    for (uint64_t step : {uint64_t{100}, uint64_t{200}, uint64_t{400}, uint64_t{400}}) {
        c.Tick(step);
        intervals += std::to_string(last_deadline(0) - c.now) + " ";
    }
    CHECK(intervals == "200 400 400 400 ");
    CHECK(c.core(0).CurrentRound() == 5);
    // Once proposals and votes flow again, a round entered by a QC resets the interval.
    c.drop = nullptr;
    c.Tick(400);
    c.Run(200);
    CHECK(c.core(0).CommittedHeight() >= 1);
    CHECK(last_deadline(0) - c.now == 100);
}

TEST_CASE("a validator-set change takes effect at the committed block's child, QCs checked against it") {
    Cluster c(4, 1);  // key 4 observes epoch 0
    ValidatorSet next = TestSet(1, 1, 4);  // key 0 leaves, key 4 joins
    c.propose_set = next;
    c.propose_set_from_round = 4;
    c.Run(3000);
    REQUIRE(c.node(0).epochs.size() == 1);
    uint64_t first_height = c.node(0).epochs[0].first_height;
    for (size_t i = 0; i < c.size(); ++i) {
        REQUIRE(c.node(i).epochs.size() == 1);
        CHECK(c.node(i).epochs[0].first_height == first_height);
        CHECK(c.node(i).epochs[0].next == next);
        CHECK(c.core(i).CurrentEpoch() == 1);
        REQUIRE(c.node(i).committed.size() >= first_height + 3);
    }
    const auto& chain = c.node(4).committed;  // the observer that joined followed the whole chain
    const Block& changer = chain[first_height - 2].block;
    REQUIRE(changer.next_validators.has_value());
    CHECK(*changer.next_validators == next);
    for (uint64_t h = 1; h < first_height - 1; ++h) CHECK(chain[h - 1].block.epoch == 0);
    // The first block of epoch 1 carries the commit certificate of epoch 0 (checked by the old set).
    const Block& first = chain[first_height - 1].block;
    CHECK(first.epoch == 1);
    CHECK(first.round == 1);
    CHECK(first.parent_id == chain[first_height - 2].id);
    CHECK(first.parent_qc.data.epoch == 0);
    CHECK(VerifyCommitCertificate(first.parent_qc, c.genesis(), c.verifier()).ok());
    // Later blocks carry epoch-1 QCs: valid for the new set, not for the old one.
    const Block& later = chain[first_height + 1].block;
    CHECK(later.epoch == 1);
    CHECK(VerifyQc(later.parent_qc, next, c.verifier()).ok());
    CHECK(VerifyQc(later.parent_qc, c.genesis(), c.verifier()).error() == ConsensusError::WRONG_EPOCH);
    // The departed key 0 signs nothing in epoch 1; the joined key 4 does.
    size_t by_old = 0, by_new = 0;
    for (const auto& [i, a] : c.log) {
        auto* s = std::get_if<SendAction>(&a);
        auto* b = std::get_if<BroadcastAction>(&a);
        const Message* m = s ? &s->msg : b ? &b->msg : nullptr;
        if (!m) continue;
        Epoch e = 0;
        if (auto* v = std::get_if<Vote>(m)) e = v->data.epoch;
        else if (auto* p = std::get_if<Proposal>(m)) e = p->block.epoch;
        else if (auto* t = std::get_if<TimeoutMsg>(m)) e = t->epoch;
        else continue;
        if (e == 1 && i == 0) ++by_old;
        if (e == 1 && i == 4) ++by_new;
    }
    CHECK(by_old == 0);
    CHECK(by_new > 0);
    // A QC for epoch 1 signed by the old members at the same indices is refused by a node.
    QuorumCert real = c.core(1).HighQc();
    REQUIRE(real.data.epoch == 1);
    QuorumCert by_old_keys = SignQc(real.data, {0, 1, 2}, {0, 1, 2});  // index 0 is key 1 now
    SyncInfo forged{1, by_old_keys, std::nullopt};
    CHECK(Has(Rejects(c.core(1).OnSyncInfo(TestKey(2), forged, c.now)), ConsensusError::BAD_QC));
    QuorumCert by_new_keys = SignQc(real.data, {1, 2, 3}, {0, 1, 2});
    SyncInfo fine{1, by_new_keys, std::nullopt};
    CHECK(Rejects(c.core(1).OnSyncInfo(TestKey(2), fine, c.now)).empty());
}

TEST_CASE("a restarted validator rebuilds its tree and commits from its store and safety state") {
    Cluster c(4);
    c.Run(300);
    size_t before = c.node(2).committed.size();
    REQUIRE(before >= 5);
    c.Crash(2);
    c.Run(200);  // the others go on (3 of 4 are a quorum)
    c.Restore(2);
    CHECK(c.core(2).CommittedHeight() >= before);
    c.Tick(2000);  // its timer fires; the others' messages bring it up to date
    c.Run(400);
    CHECK(c.node(2).committed.size() > before);
    for (size_t h = 0; h < c.node(2).committed.size() && h < c.node(0).committed.size(); ++h)
        CHECK(c.node(2).committed[h].id == c.node(0).committed[h].id);
}

TEST_CASE("a leader schedule (the simulator's Twins scenarios) overrides round robin for its rounds only") {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrVerifier v;
    SchnorrSigner s0(TestSecret(0)), s1(TestSecret(1)), s3(TestSecret(3));
    Config cfg;
    cfg.leader_schedule = {3};  // key 3 leads round 1; round 2 and later are round robin again
    Core node(cfg, set, Hash256{}, s0, v);
    (void)node.Start(0);
    Block genesis = GenesisBlock(set, Hash256{});
    Block b;
    b.epoch = 0;
    b.round = 1;
    b.parent_qc = GenesisQc(genesis);
    b.parent_id = b.parent_qc.data.block_id;
    b.payload = TestPayload(1);
    b.proposer = set.members[1];  // the round-robin leader of round 1 is no longer the leader
    CHECK(Has(Rejects(node.OnProposal(set.members[1], SignedProposal(b, s1), 1)), ConsensusError::WRONG_LEADER));
    b.proposer = set.members[3];
    Actions acts = node.OnProposal(set.members[3], SignedProposal(b, s3), 1);
    CHECK(Rejects(acts).empty());
    bool sent_to_round2_leader = false;
    for (const auto& a : acts)
        if (auto* s = std::get_if<SendAction>(&a))
            sent_to_round2_leader =
                sent_to_round2_leader || (std::holds_alternative<Vote>(s->msg) && s->to == set.Leader(2));
    CHECK(sent_to_round2_leader);

    // A schedule naming no member is ignored (round robin), never an out-of-range access.
    Config bad;
    bad.leader_schedule = {9};
    SchnorrSigner s0b(TestSecret(0));
    Core other(bad, set, Hash256{}, s0b, v);
    (void)other.Start(0);
    b.proposer = set.members[1];
    CHECK(Rejects(other.OnProposal(set.members[1], SignedProposal(b, s1), 1)).empty());
}
