// Canonical encodings of consensus data: round trips, rejection of non-canonical bytes, and a
// pinned block id so the format cannot drift silently.
#include <doctest/doctest.h>

#include <node/consensus/crypto.h>
#include <tests/unit/consensus/cluster.h>

using namespace folio;
using namespace folio::consensus;
using namespace folio::consensus::test;

namespace {

QuorumCert SampleQc() {
    QuorumCert qc;
    qc.data = VoteData{3, 9, TestPayload(1), TestPayload(2), 8};
    qc.sigs = {{0, Signature{}}, {2, Signature{}}, {3, Signature{}}};
    qc.sigs[1].sig.data[0] = 7;
    return qc;
}

TimeoutCert SampleTc() {
    TimeoutCert tc;
    tc.epoch = 3;
    tc.round = 10;
    tc.entries = {{1, 8, Signature{}}, {2, 9, Signature{}}, {3, 7, Signature{}}};
    return tc;
}

Block SampleBlock() {
    Block b;
    b.epoch = 3;
    b.round = 10;
    b.parent_qc = SampleQc();
    b.parent_id = b.parent_qc.data.block_id;
    b.payload = TestPayload(10);
    b.proposer = TestKey(2);
    b.next_validators = TestSet(4, 1, 4);
    return b;
}

std::vector<Message> SampleMessages() {
    Proposal p;
    p.block = SampleBlock();
    p.last_round_tc = SampleTc();
    p.sig.data[5] = 1;
    Vote v;
    v.data = SampleQc().data;
    v.voter = TestKey(1);
    TimeoutMsg t;
    t.epoch = 3;
    t.round = 11;
    t.high_qc = SampleQc();
    t.last_round_tc = SampleTc();
    t.signer = TestKey(0);
    SyncInfo s;
    s.epoch = 3;
    s.high_qc = SampleQc();
    BlockRequest q{TestPayload(4), 32};
    BlockResponse r;
    r.blocks = {SampleBlock(), SampleBlock()};
    r.blocks[1].next_validators.reset();
    return {p, v, t, s, q, r};
}

}  // namespace

TEST_CASE("every message type round-trips through its canonical encoding") {
    for (const Message& m : SampleMessages()) {
        Bytes b = EncodeMessage(m);
        auto d = DecodeMessage(b);
        REQUIRE(d.ok());
        CHECK(*d == m);
        CHECK(EncodeMessage(*d) == b);
        // Every strict prefix is truncated, and an extra byte is trailing.
        for (size_t cut : {size_t{0}, size_t{1}, b.size() / 2, b.size() - 1}) {
            auto t = DecodeMessage(ByteView(b.data(), cut));
            REQUIRE(!t.ok());
        }
        Bytes longer = b;
        longer.push_back(0);
        auto l = DecodeMessage(longer);
        REQUIRE(!l.ok());
        CHECK(l.error() == DecodeError::TRAILING_BYTES);
    }
}

TEST_CASE("non-canonical and malformed messages are rejected with the right error") {
    SUBCASE("unknown tag") {
        Bytes b = {0x07};
        auto d = DecodeMessage(b);
        REQUIRE(!d.ok());
        CHECK(d.error() == DecodeError::BAD_VALUE);
    }
    SUBCASE("QC signer indices must strictly increase") {
        SyncInfo s;
        s.high_qc = SampleQc();
        std::swap(s.high_qc.sigs[0], s.high_qc.sigs[1]);
        auto d = DecodeMessage(EncodeMessage(s));
        REQUIRE(!d.ok());
        CHECK(d.error() == DecodeError::NON_CANONICAL);
        s.high_qc = SampleQc();
        s.high_qc.sigs[1].index = 0;  // duplicate
        d = DecodeMessage(EncodeMessage(s));
        REQUIRE(!d.ok());
        CHECK(d.error() == DecodeError::NON_CANONICAL);
    }
    SUBCASE("an optional flag other than 0/1") {
        SyncInfo s;
        s.high_qc = SampleQc();
        Bytes b = EncodeMessage(s);
        b.back() = 2;  // the high_tc flag is the last byte
        auto d = DecodeMessage(b);
        REQUIRE(!d.ok());
        CHECK(d.error() == DecodeError::NON_CANONICAL);
    }
    SUBCASE("block request count outside 1..64") {
        for (uint32_t count : {0u, 65u}) {
            BlockRequest q{TestPayload(1), count};
            auto d = DecodeMessage(EncodeMessage(q));
            REQUIRE(!d.ok());
            CHECK(d.error() == DecodeError::BAD_VALUE);
        }
    }
    SUBCASE("a validator set with a duplicate member") {
        Block b = SampleBlock();
        b.next_validators->members[1] = b.next_validators->members[0];
        auto d = DecodeBlock(EncodeBlock(b));
        REQUIRE(!d.ok());
        CHECK(d.error() == DecodeError::BAD_VALUE);
    }
}

TEST_CASE("block ids are pinned: the encoding of a block cannot change silently") {
    ValidatorSet set = TestSet(0, 0, 4);
    Block g = GenesisBlock(set, Hash256{});
    // Genesis: epoch 0, round 0, zero parent, round-0 QC without signatures, zero payload/proposer.
    CHECK(EncodeBlock(g) == Bytes(202, 0));
    CHECK(BlockIdOf(g).hex() == "a76a16d2986d6cd594c9aac6671b218ab0cef1b99041859e353863c5ca33747a");
    CHECK(BlockIdOf(g) == TaggedHash("folio/consensus/block", EncodeBlock(g)));
    Block b = SampleBlock();
    Block c = b;
    c.payload.data[31] ^= 1;
    CHECK(BlockIdOf(b) != BlockIdOf(c));
}

TEST_CASE("safety state round-trips and inconsistent states are rejected") {
    SafetyState s;
    s.epoch = 2;
    s.highest_vote_round = 12;
    s.highest_qc_round = 10;
    s.highest_timeout_round = 12;
    s.highest_proposed_round = 9;
    TimeoutMsg t;
    t.epoch = 2;
    t.round = 12;
    t.high_qc = SampleQc();
    t.signer = TestKey(1);
    s.last_timeout = t;
    auto d = DecodeSafetyState(EncodeSafetyState(s));
    REQUIRE(d.ok());
    CHECK(*d == s);

    SafetyState bad = s;
    bad.highest_timeout_round = 11;  // does not match last_timeout
    auto e = DecodeSafetyState(EncodeSafetyState(bad));
    REQUIRE(!e.ok());
    CHECK(e.error() == DecodeError::BAD_VALUE);
    bad = s;
    bad.last_timeout.reset();  // a timeout round without the timeout
    e = DecodeSafetyState(EncodeSafetyState(bad));
    REQUIRE(!e.ok());
    CHECK(e.error() == DecodeError::BAD_VALUE);
}

TEST_CASE("evidence encoding is canonical: bodies ordered") {
    Bytes a = VoteBody(VoteData{0, 5, TestPayload(1), TestPayload(0), 4});
    Bytes b = VoteBody(VoteData{0, 5, TestPayload(2), TestPayload(0), 4});
    Evidence e1 = MakeEvidence(StatementKind::VOTE, TestKey(1), a, Signature{}, b, Signature{});
    Evidence e2 = MakeEvidence(StatementKind::VOTE, TestKey(1), b, Signature{}, a, Signature{});
    CHECK(e1 == e2);
    auto d = DecodeEvidence(EncodeEvidence(e1));
    REQUIRE(d.ok());
    CHECK(*d == e1);
    Evidence swapped = e1;
    std::swap(swapped.body_a, swapped.body_b);
    auto s = DecodeEvidence(EncodeEvidence(swapped));
    REQUIRE(!s.ok());
    CHECK(s.error() == DecodeError::NON_CANONICAL);
}

TEST_CASE("validator set arithmetic: quorum, faults, leader rotation") {
    CHECK(TestSet(0, 0, 4).Quorum() == 3);
    CHECK(TestSet(0, 0, 4).MaxFaulty() == 1);
    CHECK(TestSet(0, 0, 7).Quorum() == 5);
    CHECK(TestSet(0, 0, 5).Quorum() == 4);  // 2f+1 = 3 would not intersect in an honest node
    CHECK(TestSet(0, 0, 1).Quorum() == 1);
    ValidatorSet s = TestSet(0, 0, 4);
    std::string order;
    for (Round r = 0; r < 6; ++r) order += std::to_string(*s.IndexOf(s.Leader(r)));
    CHECK(order == "012301");
}

TEST_CASE("the buffered encoder and folio::Writer produce the same bytes") {
    for (const Message& m : SampleMessages()) {
        Writer w;
        std::visit([&](const auto& v) { Encode(w, v); }, m);
        Bytes via_writer = w.Take();
        Bytes fast = EncodeMessage(m);
        REQUIRE(fast.size() == via_writer.size() + 1);
        CHECK(Bytes(fast.begin() + 1, fast.end()) == via_writer);
    }
    Writer w;
    Encode(w, SampleBlock());
    CHECK(w.bytes() == EncodeBlock(SampleBlock()));
    Writer v;
    Encode(v, SampleQc().data);
    CHECK(v.bytes() == VoteBody(SampleQc().data));
}
