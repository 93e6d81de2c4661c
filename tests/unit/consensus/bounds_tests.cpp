// The core's bounds (docs/consensus.md, "Bounds"): what a faulty validator's validly signed
// messages can make an honest core keep. Far-future votes and timeouts are dropped before
// anything is kept (while their certificates still bring a node up to date), one vote per
// validator and round is aggregated, a leader's conflicting proposals beyond the second are not
// kept, the ids asked for are capped, and CheckProposal / TakeInserted let the shell store only
// blocks that passed the checks.
#include <doctest/doctest.h>

#include <algorithm>

#include <tests/unit/consensus/cluster.h>

using namespace folio;
using namespace folio::consensus;
using namespace folio::consensus::test;

namespace {

BlockId SomeId(uint64_t i) { return TestPayload(i, 77); }

// A vote by key `secret` for `round`, on an arbitrary block (the core aggregates votes without the block).
Vote SignedVote(uint32_t secret, Round round, uint64_t salt = 0) {
    Vote v;
    v.data = VoteData{0, round, SomeId(round * 1000 + salt), SomeId(round), round - 1};
    v.voter = TestKey(secret);
    SchnorrSigner s(TestSecret(secret));
    v.sig = s.Sign(VoteDigest(v.data));
    return v;
}

// A timeout by key `secret` for `round`, on the genesis QC.
TimeoutMsg SignedTimeout(uint32_t secret, Round round, const QuorumCert& genesis_qc) {
    TimeoutMsg t;
    t.epoch = 0;
    t.round = round;
    t.high_qc = genesis_qc;
    t.signer = TestKey(secret);
    SchnorrSigner s(TestSecret(secret));
    t.sig = s.Sign(TimeoutDigest(0, round, 0));
    return t;
}

Proposal SignedProposal(const Block& b, uint32_t secret) {
    Proposal p;
    p.block = b;
    SchnorrSigner s(TestSecret(secret));
    p.sig = s.Sign(ProposalDigest(b));
    return p;
}

struct OneNode {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrSigner signer{TestSecret(0)};  // key 0 leads rounds 4, 8, ...: it collects votes of rounds 3, 7, ...
    SchnorrVerifier verifier;
    Config cfg;
    std::unique_ptr<Core> core;
    Block genesis = GenesisBlock(set, Hash256{});
    explicit OneNode(uint64_t max_future_rounds = 256) {
        cfg.max_future_rounds = max_future_rounds;
        core = std::make_unique<Core>(cfg, set, Hash256{}, signer, verifier);
        (void)core->Start(0);
    }
    // A round-1 block by its leader (key 1) on genesis, told apart by `salt`.
    Block Round1(uint64_t salt) const {
        Block b;
        b.epoch = 0;
        b.round = 1;
        b.parent_qc = GenesisQc(genesis);
        b.parent_id = b.parent_qc.data.block_id;
        b.payload = TestPayload(1, salt);
        b.proposer = TestKey(1);
        return b;
    }
};

}  // namespace

TEST_CASE("bounds: votes for rounds beyond max_future_rounds are dropped before anything is kept") {
    OneNode n(16);
    REQUIRE(n.core->CurrentRound() == 1);
    const size_t seen_before = n.core->MapSizes().seen;
    // Far ahead (round 1 + 16 is the last one inside the window): key 3 signs votes for rounds
    // key 0 would aggregate (r + 1 a multiple of 4).
    for (Round r = 19; r < 19 + 4 * 200; r += 4) {
        Actions acts = n.core->OnVote(TestKey(3), SignedVote(3, r), 1);
        CHECK(Has(Rejects(acts), ConsensusError::FUTURE_ROUND));
    }
    CHECK(n.core->MapSizes().votes == 0);
    CHECK(n.core->MapSizes().seen == seen_before);
    // Inside the window a vote is aggregated as before.
    Actions ok = n.core->OnVote(TestKey(3), SignedVote(3, 15), 1);
    CHECK(Rejects(ok).empty());
    CHECK(n.core->MapSizes().votes == 1);
}

TEST_CASE("bounds: one vote per validator and round is aggregated; conflicting ones only give evidence") {
    OneNode n;
    CHECK(Rejects(n.core->OnVote(TestKey(3), SignedVote(3, 3, 0), 1)).empty());
    bool evidence = false;
    for (uint64_t salt = 1; salt <= 50; ++salt) {
        Actions acts = n.core->OnVote(TestKey(3), SignedVote(3, 3, salt), 1);
        CHECK(Has(Rejects(acts), ConsensusError::EQUIVOCATION));
        for (const auto& a : acts) evidence = evidence || std::holds_alternative<EvidenceAction>(a);
    }
    CHECK(evidence);
    CHECK(n.core->MapSizes().votes == 1);
    CHECK(n.core->MapSizes().seen == 1);
    // The same vote again is no conflict.
    CHECK(Rejects(n.core->OnVote(TestKey(3), SignedVote(3, 3, 0), 1)).empty());
}

TEST_CASE("bounds: timeouts for far rounds are dropped; nothing is remembered for them") {
    OneNode n(16);
    const QuorumCert gqc = GenesisQc(n.genesis);
    for (Round r = 18; r < 18 + 300; ++r)
        CHECK(Has(Rejects(n.core->OnTimeout(TestKey(2), SignedTimeout(2, r, gqc), 1)), ConsensusError::FUTURE_ROUND));
    CHECK(n.core->MapSizes().timeouts == 0);
    CHECK(n.core->MapSizes().seen == 0);
    CHECK(n.core->CurrentRound() == 1);
    // Inside the window: kept (one entry per round).
    CHECK(Rejects(n.core->OnTimeout(TestKey(2), SignedTimeout(2, 17, gqc), 1)).empty());
    CHECK(n.core->MapSizes().timeouts == 1);
}

TEST_CASE("bounds: a timeout far ahead still brings a node up to its certificate's round (catch-up)") {
    // Four validators with a window of 4 rounds; one is down while the others run far ahead.
    Config cfg;
    cfg.max_future_rounds = 4;
    Cluster c(4, 0, cfg);
    c.Run(200);
    c.Crash(3);
    for (int i = 0; i < 30; ++i) c.Tick(2000, 400);  // the other three commit on (timing out its rounds)
    const Round ahead = c.core(0).CurrentRound();
    REQUIRE(ahead > 40);
    c.Restore(3);
    REQUIRE(c.core(3).CurrentRound() + 4 < ahead);
    // Messages from far-ahead rounds reach it; their certificates bring it up, and it commits again.
    size_t before = c.node(3).committed.size();
    for (int i = 0; i < 10; ++i) c.Tick(2000, 400);
    CHECK(c.core(3).CurrentRound() + 4 >= c.core(0).CurrentRound());
    CHECK(c.node(3).committed.size() > before);
    for (size_t h = 0; h < c.node(3).committed.size() && h < c.node(0).committed.size(); ++h)
        CHECK(c.node(3).committed[h].id == c.node(0).committed[h].id);
}

TEST_CASE("bounds: a leader's conflicting proposals for one round: two kept, further ones dropped") {
    OneNode n;
    const size_t blocks_before = n.core->MapSizes().blocks;
    Actions first = n.core->OnProposal(TestKey(1), SignedProposal(n.Round1(0), 1), 1);
    CHECK(Rejects(first).empty());
    CHECK(n.core->TakeInserted().size() == 1);
    Actions second = n.core->OnProposal(TestKey(1), SignedProposal(n.Round1(1), 1), 1);
    CHECK(n.core->TakeInserted().size() == 1);  // the second is kept (it may be the certified one)
    for (uint64_t salt = 2; salt < 40; ++salt) {
        Actions acts = n.core->OnProposal(TestKey(1), SignedProposal(n.Round1(salt), 1), 1);
        CHECK(Has(Rejects(acts), ConsensusError::EQUIVOCATION));
        CHECK(n.core->TakeInserted().empty());
    }
    CHECK(n.core->MapSizes().blocks == blocks_before + 2);
}

TEST_CASE("bounds: proposals cannot be far ahead: a round needs a certificate; nothing is kept for them") {
    OneNode n;
    Block b = n.Round1(0);
    b.round = 1'000'001;  // key 1 leads it (1'000'001 mod 4 = 1), but the genesis QC justifies round 1 only
    Proposal p = SignedProposal(b, 1);
    CHECK(n.core->CheckProposal(p).error() == ConsensusError::UNJUSTIFIED_ROUND);
    auto before = n.core->MapSizes();
    CHECK(Has(Rejects(n.core->OnProposal(TestKey(1), p, 1)), ConsensusError::UNJUSTIFIED_ROUND));
    auto after = n.core->MapSizes();
    CHECK(after.blocks == before.blocks);
    CHECK(after.seen == before.seen);
    CHECK(after.orphans == before.orphans);
    CHECK(n.core->TakeInserted().empty());
}

TEST_CASE("bounds: CheckProposal gives OnProposal's verdict without changing anything") {
    OneNode n;
    Block ok = n.Round1(0);
    Block wrong_leader = ok;
    wrong_leader.proposer = TestKey(2);
    CHECK(n.core->CheckProposal(SignedProposal(wrong_leader, 2)).error() == ConsensusError::WRONG_LEADER);
    Proposal forged = SignedProposal(ok, 3);
    CHECK(n.core->CheckProposal(forged).error() == ConsensusError::BAD_SIGNATURE);
    CHECK(n.core->CheckProposal(SignedProposal(ok, 1)).ok());
    CHECK(n.core->MapSizes().blocks == 1);  // only genesis: checking kept nothing
    CHECK(n.core->CurrentRound() == 1);
    (void)n.core->OnProposal(TestKey(1), forged, 1);
    CHECK(n.core->TakeInserted().empty());
    (void)n.core->OnProposal(TestKey(1), SignedProposal(ok, 1), 1);
    auto inserted = n.core->TakeInserted();
    REQUIRE(inserted.size() == 1);
    CHECK(BlockIdOf(inserted[0]) == BlockIdOf(ok));
    CHECK(n.core->TakeInserted().empty());  // handed out once
}

TEST_CASE("bounds: a later epoch's proposals (uncheckable) cannot grow the ids asked for beyond max_orphans") {
    ValidatorSet set = TestSet(0, 0, 4);
    SchnorrSigner s0(TestSecret(0));
    SchnorrVerifier v;
    Config cfg;
    cfg.max_orphans = 32;
    Core core(cfg, set, Hash256{}, s0, v);
    (void)core.Start(0);
    Block genesis = GenesisBlock(set, Hash256{});
    for (uint64_t i = 0; i < 500; ++i) {
        Block b;
        b.epoch = 5;
        b.round = 1;
        b.parent_id = SomeId(i);
        b.parent_qc = GenesisQc(genesis);
        b.payload = TestPayload(1, i);
        b.proposer = TestKey(1);
        (void)core.OnProposal(TestKey(1), SignedProposal(b, 1), 1);
    }
    CHECK(core.MapSizes().orphans <= 32);
    CHECK(core.MapSizes().wanted <= 32);
    CHECK(core.MapSizes().wanted > 0);
}
