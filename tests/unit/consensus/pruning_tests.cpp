// Pruning the block store (docs/consensus.md, "Pruning"): a validator restarted from an anchor and
// only the blocks after its root (plus the root's last ancestors) rebuilds the same committed state
// as from its whole store, re-commits what its ledger had not executed, and goes on with the others.
#include <doctest/doctest.h>

#include <tuple>

#include "cluster.h"

using namespace folio;
using namespace folio::consensus;
using namespace folio::consensus::test;

namespace {

// What the shell's store holds after pruning at `anchor`: the blocks after its root, and the
// root's committed ancestors within `history`.
std::vector<Block> PrunedStore(const Cluster::Node& n, const Anchor& anchor, uint64_t history) {
    std::vector<Block> out;
    for (const Block& b : n.store)
        if (std::tie(b.epoch, b.round) > std::tie(anchor.root.epoch, anchor.root.round)) out.push_back(b);
    for (uint64_t k = 1; k <= history && k < anchor.root_height; ++k)
        out.push_back(n.committed[anchor.root_height - k - 1].block);
    return out;
}

void CheckSameChain(Cluster& c, size_t a, size_t b) {
    const auto& x = c.node(a).committed;
    const auto& y = c.node(b).committed;
    for (size_t h = 0; h < x.size() && h < y.size(); ++h) {
        CHECK(x[h].height == h + 1);
        CHECK(x[h].id == y[h].id);
    }
}

}  // namespace

TEST_CASE("a validator restarted from an anchor and a pruned store re-commits, serves history and goes on") {
    Config cfg;
    cfg.retain_committed = 8;
    Cluster c(4, 0, cfg);
    c.Run(600);
    Cluster::Node& n = c.node(2);
    const uint64_t h = n.committed.size();
    REQUIRE(h >= 30);
    // The executor is 5 blocks behind: the anchor is made at the executed height.
    auto anchor = c.core(2).MakeAnchor(h - 5);
    REQUIRE(anchor.has_value());
    CHECK(anchor->root_height == h - 5);
    CHECK(BlockIdOf(anchor->root) == n.committed[h - 6].id);
    CHECK(anchor->validators == c.genesis());
    CHECK(!anchor->prev_validators.has_value());
    CHECK(anchor->epoch_root_height == 0);
    auto decoded = DecodeAnchor(EncodeAnchor(*anchor));
    REQUIRE(decoded.ok());
    CHECK(*decoded == *anchor);

    std::vector<Block> store = PrunedStore(n, *anchor, cfg.retain_committed);
    CHECK(store.size() < n.store.size());
    std::vector<CommittedBlock> before = n.committed;
    n.committed.resize(h - 5);  // the ledger had executed up to the root
    c.Crash(2);
    c.RestoreFrom(2, *decoded, store);
    // The 5 blocks above the root are committed again, the same ones.
    REQUIRE(n.committed.size() == h);
    for (uint64_t k = h - 5; k < h; ++k) CHECK(n.committed[k].id == before[k].id);
    // The root's ancestors within the retention are in the tree (block requests), older ones not.
    CHECK(c.core(2).IsCommitted(n.committed[h - 6 - cfg.retain_committed].id) == std::optional<bool>(true));
    CHECK(!c.core(2).HasBlock(n.committed[h - 7 - cfg.retain_committed].id));
    // It goes on with the others.
    c.Tick(2000);
    c.Run(600);
    CHECK(n.committed.size() > h + 5);
    CheckSameChain(c, 2, 0);
}

TEST_CASE("an anchor is never made before the current epoch's root; a restart from one after it crosses no epoch") {
    Cluster c(4, 1);
    ValidatorSet next = TestSet(1, 1, 4);  // key 0 leaves, key 4 joins
    c.propose_set = next;
    c.propose_set_from_round = 4;
    c.Run(3000);
    Cluster::Node& n = c.node(1);
    REQUIRE(n.epochs.size() == 1);
    const uint64_t first_height = n.epochs[0].first_height;  // the first block of epoch 1
    const uint64_t h = n.committed.size();
    REQUIRE(h >= first_height + 6);
    // Not before the block that changed the set (the ledger has not executed the change yet).
    CHECK(!c.core(1).MakeAnchor(first_height - 2).has_value());
    auto at_root = c.core(1).MakeAnchor(first_height - 1);
    REQUIRE(at_root.has_value());
    CHECK(BlockIdOf(at_root->root) == BlockIdOf(at_root->epoch_root));
    auto anchor = c.core(1).MakeAnchor(h - 2);
    REQUIRE(anchor.has_value());
    CHECK(anchor->validators == next);
    REQUIRE(anchor->prev_validators.has_value());
    CHECK(*anchor->prev_validators == c.genesis());
    CHECK(anchor->epoch_root_height == first_height - 1);
    CHECK(anchor->epoch_root_qc.data.epoch == 0);

    for (const Anchor& a : {*at_root, *anchor}) {
        std::vector<Block> store = PrunedStore(n, a, 4);
        std::vector<CommittedBlock> before = n.committed;
        n.committed.resize(a.root_height);
        c.Crash(1);
        const size_t epochs_before = n.epochs.size();
        c.RestoreFrom(1, a, store);
        // The set in force is announced again, from the same first height.
        REQUIRE(n.epochs.size() == epochs_before + 1);
        CHECK(n.epochs.back().next == next);
        CHECK(n.epochs.back().first_height == first_height);
        REQUIRE(n.committed.size() >= h);
        for (uint64_t k = a.root_height; k < h; ++k) CHECK(n.committed[k].id == before[k].id);
        CHECK(c.core(1).CurrentEpoch() == 1);
        c.Tick(2000);
        c.Run(800);
        CHECK(n.committed.size() > h + 2);
        CheckSameChain(c, 1, 2);
    }
}

TEST_CASE("an anchor decodes only from its canonical bytes") {
    Cluster c(4);
    c.Run(300);
    auto anchor = c.core(0).MakeAnchor(c.node(0).committed.size());
    REQUIRE(anchor.has_value());
    Bytes enc = EncodeAnchor(*anchor);
    for (size_t cut : {size_t{0}, size_t{1}, enc.size() / 2, enc.size() - 1})
        CHECK(!DecodeAnchor(ByteView(enc.data(), cut)).ok());
    Bytes longer = enc;
    longer.push_back(0);
    CHECK(!DecodeAnchor(longer).ok());
    // A root below its epoch's root is refused.
    Anchor bad = *anchor;
    bad.epoch_root_height = bad.root_height + 1;
    CHECK(DecodeAnchor(EncodeAnchor(bad)).error() == DecodeError::BAD_VALUE);
}
