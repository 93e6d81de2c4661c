// State-sync snapshots (node/statesync/snapshot.h): a state split into chunks by key prefix
// verifies chunk by chunk against the summaries, and the summaries make the state root; a chunk
// with an entry changed, dropped, added, moved to another chunk or reordered is refused; the
// codecs round-trip and refuse what they cannot decode exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include <node/core/keys.h>
#include <node/core/merkle.h>
#include <node/protocol/certificate.h>
#include <node/statesync/snapshot.h>

using namespace folio;
using namespace folio::statesync;

namespace {

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A state of n entries split at `depth`: the manifest's summaries and each chunk's entries.
struct Split {
    Manifest m;
    std::vector<std::vector<Entry>> chunks;
    Hash256 root;
};

Split MakeSplit(size_t n, uint8_t depth) {
    std::map<Hash256, Entry> by_key;
    for (size_t i = 0; i < n; ++i) {
        Entry e{B("k/" + std::to_string(i)), B("value " + std::to_string(i * 7))};
        by_key[SmtKey(e.first)] = e;
    }
    Split s;
    s.m.depth = depth;
    s.m.chunks.resize(size_t{1} << depth);
    s.chunks.resize(size_t{1} << depth);
    std::vector<SmtWrite> writes;
    for (const auto& [k, e] : by_key) {
        s.chunks[SmtPrefixIndex(k, depth)].push_back(e);
        writes.emplace_back(k, SmtValueHash(e.second));
    }
    for (size_t i = 0; i < s.chunks.size(); ++i) {
        std::vector<std::pair<Hash256, Hash256>> leaves;
        for (const Entry& e : s.chunks[i]) leaves.emplace_back(SmtKey(e.first), SmtValueHash(e.second));
        s.m.chunks[i] = SmtSubtreeOf(leaves, depth);
    }
    MemoryNodeStore none;
    auto up = SmtApply(none, Hash256{}, 0, writes, 1);
    REQUIRE(up.ok());
    s.root = up->new_root;
    return s;
}

}  // namespace

TEST_CASE("statesync: chunks verify against their summaries, which make the state root") {
    for (int d : {0, 1, 3, 6}) {
        const auto depth = static_cast<uint8_t>(d);
        Split s = MakeSplit(500, depth);
        CHECK(SmtRootOfSubtrees(s.m.chunks) == s.root);
        for (size_t i = 0; i < s.chunks.size(); ++i) {
            auto ok = VerifyChunk(s.m, i, s.chunks[i]);
            REQUIRE(ok.ok());
            CHECK(ok->size() == s.chunks[i].size());
        }
    }
}

TEST_CASE("statesync: a damaged chunk is refused") {
    Split s = MakeSplit(300, 2);
    size_t i = 0;
    while (s.chunks[i].size() < 3) ++i;
    auto refused = [&](std::vector<Entry> c) { return !VerifyChunk(s.m, i, c).ok(); };
    std::vector<Entry> c = s.chunks[i];
    c[1].second.push_back('!');
    CHECK(refused(c));  // a value changed
    c = s.chunks[i];
    c.erase(c.begin());
    CHECK(refused(c));  // an entry dropped
    c = s.chunks[i];
    std::swap(c[0], c[1]);
    CHECK(refused(c));  // out of order
    c = s.chunks[i];
    c.push_back(s.chunks[(i + 1) % s.chunks.size()].front());
    CHECK(refused(c));  // an entry of another chunk
    CHECK(refused({}));  // empty where the summary is not
    CHECK_FALSE(VerifyChunk(s.m, s.chunks.size(), s.chunks[i]).ok());  // no such chunk
    // An entry added in its right place (a key of this prefix that is not in the state).
    for (size_t k = 0;; ++k) {
        Entry extra{B("extra/" + std::to_string(k)), B("x")};
        if (SmtPrefixIndex(SmtKey(extra.first), 2) != i) continue;
        c = s.chunks[i];
        c.push_back(extra);
        std::sort(c.begin(), c.end(), [](const Entry& a, const Entry& b) { return SmtKey(a.first) < SmtKey(b.first); });
        CHECK(refused(c));
        break;
    }
}

TEST_CASE("statesync: manifest and chunk codecs round-trip and are exact") {
    Split s = MakeSplit(40, 2);
    s.m.chain_id = "folio-test";
    s.m.height = 80;
    s.m.block = B("block");
    s.m.receipts = {B("r1"), B("r2")};
    s.m.commit = B("commit");
    s.m.handoffs = {B("h1")};
    s.m.anchor = B("anchor");
    s.m.settlement_next = 17;
    Bytes enc = EncodeManifest(s.m);
    auto back = DecodeManifest(enc);
    REQUIRE(back.ok());
    CHECK(*back == s.m);
    Bytes longer = enc;
    longer.push_back(0);
    CHECK(DecodeManifest(longer).error() == DecodeError::TRAILING_BYTES);
    CHECK_FALSE(DecodeManifest(ByteView(enc).first(enc.size() - 1)).ok());
    Manifest wrong = s.m;
    wrong.chunks.pop_back();  // 3 summaries for depth 2
    CHECK(DecodeManifest(EncodeManifest(wrong)).error() == DecodeError::BAD_VALUE);
    // The identity leaves out the certificate (nodes gather different quorums), nothing else.
    Manifest other_cert = s.m;
    other_cert.commit = B("another quorum");
    CHECK(ManifestId(other_cert) == ManifestId(s.m));
    Manifest other_anchor = s.m;
    other_anchor.anchor = B("another anchor");
    CHECK(ManifestId(other_anchor) != ManifestId(s.m));
    Bytes chunk = EncodeChunk(s.chunks[0]);
    auto entries = DecodeChunk(chunk);
    REQUIRE(entries.ok());
    CHECK(*entries == s.chunks[0]);
    chunk.push_back(1);
    CHECK_FALSE(DecodeChunk(chunk).ok());
    CHECK(DepthFor(0) == 0);
    CHECK(DepthFor(TARGET_CHUNK_ENTRIES) == 0);
    CHECK(DepthFor(TARGET_CHUNK_ENTRIES + 1) == 1);
    CHECK(DepthFor(size_t{1} << 40) == SMT_MAX_SUBTREE_DEPTH);
}

TEST_CASE("statesync: a manifest for another chain or without a certified block is refused") {
    Manifest m;
    m.chain_id = "other";
    m.chunks.resize(1);
    auto r = VerifyManifest(m, "folio-test", {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("chain 'other'") != std::string::npos);
    m.chain_id = "folio-test";
    r = VerifyManifest(m, "folio-test", {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("block does not decode") != std::string::npos);
}

TEST_CASE("statesync: a block with the block step's receipt verifies; another receipt after the transactions does not") {
    // One validator; block 5 of an empty state with one transaction and, after its receipt, the
    // block step's (payouts expired at the block's start, docs/settlement.md).
    const Hash256 seed = Sha256Of(B("statesync test validator"));
    const SecretKey sk = SecretKey::FromView(seed.view());
    const PublicKey v = *DerivePublicKey(sk);
    protocol::Transaction tx;
    tx.chain_id = "folio-test";
    tx.sender = v;
    tx.body = protocol::TransferTx{v, "BRL", 1};
    const Hash256 tx_id = protocol::TxId(tx);
    protocol::Receipt r0;
    r0.tx_id = tx_id;
    auto manifest_with = [&](const Hash256& step_id) {
        protocol::Receipt step;
        step.tx_id = step_id;
        std::vector<Bytes> raw = {protocol::EncodeReceipt(r0), protocol::EncodeReceipt(step)};
        protocol::Block b;
        b.header.chain_id = "folio-test";
        b.header.height = 5;
        b.header.time_ms = 1800000000000;
        b.header.tx_count = 1;
        b.header.tx_root = MerkleRoot({tx_id});
        b.header.receipts_root = MerkleRoot({Sha256Of(raw[0]), Sha256Of(raw[1])});
        b.header.state_root = MakeSplit(0, 0).root;
        b.txs = {tx};
        protocol::CommitCert cc;
        cc.signatures.emplace_back(v, *SignSchnorr(sk, protocol::CommitMessage("folio-test", 5, protocol::BlockHash(b.header)), Hash256{}));
        Manifest m;
        m.chain_id = "folio-test";
        m.height = 5;
        m.block = protocol::EncodeBlock(b);
        m.receipts = raw;
        m.commit = protocol::EncodeCommitCert(cc);
        m.chunks = MakeSplit(0, 0).m.chunks;
        return m;
    };
    auto ok = VerifyManifest(manifest_with(protocol::BlockStepId("folio-test", 5)), "folio-test", {v});
    REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? "" : ok.error()));
    CHECK(ok->receipts.size() == 2);
    auto bad = VerifyManifest(manifest_with(Sha256Of(B("another"))), "folio-test", {v});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("not the certified block's") != std::string::npos);
    auto other_height = VerifyManifest(manifest_with(protocol::BlockStepId("folio-test", 6)), "folio-test", {v});
    CHECK_FALSE(other_height.ok());
}
