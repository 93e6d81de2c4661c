// BftEngine in-process (node/engine/bft_engine.h): four validators, each a chain::Node over its
// own data directory driven by a BftEngine, over the real transport on 127.0.0.1, in one process.
// What is checked is agreement and delivery, never speed.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

#include "cluster.h"

namespace folio::engine::test {
namespace {

// Where each node's ledger holds `id`: "height/index", or "-" if it does not (yet).
std::string Where(EngineCluster& c, size_t i, const Hash256& id) {
    if (!c.Running(i)) return "-";
    auto loc = c.NodeAt(i).store().FindTx(id);
    return loc ? std::to_string(loc->height) + "/" + std::to_string(loc->index) : "-";
}

bool FoundOn(EngineCluster& c, const std::vector<size_t>& which, const std::vector<Hash256>& ids) {
    for (size_t i : which)
        for (const Hash256& id : ids)
            if (Where(c, i, id) == "-") return false;
    return true;
}

// Admits account `account`'s transactions with nonces [from, to) at validator `at`.
std::vector<Hash256> Submit(EngineCluster& c, size_t at, size_t account, uint64_t from, uint64_t to) {
    std::vector<Hash256> ids;
    for (uint64_t nonce = from; nonce < to; ++nonce) {
        auto r = c.NodeAt(at).Admit(EngineCluster::WorkTx(account, nonce));
        REQUIRE_MESSAGE(r, "admission at validator " << at << ": " << (r ? "" : r.error().message));
        ids.push_back(r.value());
    }
    return ids;
}

// Every validator in `which` has the same ledger as the first, up to their lowest height.
void CheckSameLedger(EngineCluster& c, const std::vector<size_t>& which) {
    uint64_t common = c.MinHeight(which);
    REQUIRE(common > 0);
    const std::string first = c.Ledger(which.front(), common);
    for (size_t i : which) CHECK_MESSAGE(c.Ledger(i, common) == first, "validator " << i << " vs " << which.front());
}

void StartAll(EngineCluster& c) {
    REQUIRE(c.PortsFound());
    for (size_t i = 0; i < c.Size(); ++i) REQUIRE(c.Start(i) == "");
}

}  // namespace

TEST_CASE("engine: four validators commit the same blocks with transactions submitted to different validators") {
    EngineCluster c;
    StartAll(c);
    std::vector<Hash256> ids;
    for (size_t i = 0; i < c.Size(); ++i)
        for (const Hash256& id : Submit(c, i, i, 0, 3)) ids.push_back(id);
    REQUIRE(c.WaitFor([&] { return FoundOn(c, c.All(), ids); }));
    // Each transaction is at the same place on every ledger.
    for (const Hash256& id : ids) {
        const std::string at0 = Where(c, 0, id);
        for (size_t i = 1; i < c.Size(); ++i) CHECK(Where(c, i, id) == at0);
    }
    // A few blocks past the last of them, the four ledgers are identical at every height.
    uint64_t last = 0;
    for (const Hash256& id : ids) last = std::max(last, c.NodeAt(0).store().FindTx(id)->height);
    REQUIRE(c.WaitFor([&] { return c.MinHeight(c.All()) >= last + 2; }));
    CheckSameLedger(c, c.All());
}

TEST_CASE("engine: a transaction submitted to one validator is committed by all, with the same receipt and a certificate") {
    EngineCluster c;
    StartAll(c);
    const Hash256 id = Submit(c, 2, 2, 0, 1).front();
    REQUIRE(c.WaitFor([&] { return FoundOn(c, c.All(), {id}); }));
    const auto loc = c.NodeAt(2).store().FindTx(id);
    REQUIRE(loc);
    std::optional<protocol::Receipt> first;
    for (size_t i = 0; i < c.Size(); ++i) {
        CHECK(Where(c, i, id) == Where(c, 2, id));
        auto receipt = c.NodeAt(i).store().GetReceipt(loc->height, loc->index);
        REQUIRE(receipt);
        CHECK_MESSAGE(receipt->success, "validator " << i << ": " << receipt->error_code);
        CHECK(receipt->tx_id == id);
        if (!first) first = receipt;
        CHECK(*receipt == *first);
    }
    // Every validator stores the block's ledger certificate: a quorum (3 of 4) of signatures on
    // the executed header.
    REQUIRE(c.WaitFor([&] {
        for (size_t i = 0; i < c.Size(); ++i)
            if (!c.NodeAt(i).store().GetCommitCert(loc->height)) return false;
        return true;
    }));
    for (size_t i = 0; i < c.Size(); ++i) {
        auto cert = DecodeCommitCert(*c.NodeAt(i).store().GetCommitCert(loc->height));
        REQUIRE(cert);
        CHECK(cert->signatures.size() >= 3);
    }
}

TEST_CASE("engine: with one validator stopped the others keep committing; restarted, it catches up to the same ledger") {
    EngineCluster c;
    StartAll(c);
    REQUIRE(c.WaitFor([&] { return c.MinHeight(c.All()) >= 2; }));

    const uint64_t stopped_at = c.Stop(3);
    const std::vector<size_t> three = {0, 1, 2};
    const uint64_t from = std::max(stopped_at, c.MinHeight(three));
    const std::vector<Hash256> ids = Submit(c, 0, 0, 0, 2);
    REQUIRE(c.WaitFor([&] { return c.MinHeight(three) >= from + 3 && FoundOn(c, three, ids); }));
    CheckSameLedger(c, three);

    REQUIRE(c.Start(3) == "");
    uint64_t target = 0;
    for (size_t i : three) target = std::max(target, c.Height(i));
    CHECK(stopped_at < target);  // it missed blocks while stopped
    REQUIRE(c.WaitFor([&] { return c.Height(3) > target; }));
    CHECK(FoundOn(c, {3}, ids));
    for (const Hash256& id : ids) CHECK(Where(c, 3, id) == Where(c, 0, id));
    CheckSameLedger(c, c.All());
    // Every block it executed, those it received by block sync long after the others signed them
    // included, becomes provable: a certificate it could not gather is pulled from the others.
    REQUIRE(c.WaitFor([&] {
        for (uint64_t h = 1; h <= target; ++h)
            if (!c.NodeAt(3).store().GetCommitCert(h)) return false;
        return true;
    }));
    for (uint64_t h = 1; h <= target; ++h) {
        auto cert = DecodeCommitCert(*c.NodeAt(3).store().GetCommitCert(h));
        REQUIRE(cert);
        CHECK(cert->signatures.size() >= 3);
    }
}

TEST_CASE("engine: consensus blocks are pruned; a validator behind catches up from the store; a restart reads a bounded store") {
    // Small retention (docs/consensus.md, "Pruning"): 16 committed blocks in memory (the core
    // prunes its tree every 64 heights, so it holds 16 to 80), 128 on disk, an anchor every 16
    // heights; empty blocks every 5 ms make the chain long quickly, and a 150 ms round timeout
    // keeps the rounds of the stopped validator short (at the default 1 s, the three took ~140 s
    // for the 100 heights).
    constexpr uint64_t RETAIN = 128, IN_MEMORY = 16, EVERY = 16, BEHIND = 100;
    EngineCluster c;
    c.Configure([](BftConfig& b) {
        b.retention.retain = RETAIN;
        b.retention.prune_every = EVERY;
        b.core.retain_committed = IN_MEMORY;
        b.core.base_timeout_ms = 150;
        b.core.max_timeout_ms = 1200;
        b.idle_block_ms = 5;
    });
    StartAll(c);
    REQUIRE(c.WaitFor([&] { return c.MinHeight(c.All()) >= 20; }));
    // Validator 3 falls behind by more than the others hold in memory, less than they keep on
    // disk: it catches up only from blocks served from their stores.
    const uint64_t stopped_at = c.Stop(3);
    const std::vector<size_t> three = {0, 1, 2};
    REQUIRE(c.WaitFor([&] { return c.MinHeight(three) >= stopped_at + BEHIND; }));
    REQUIRE(c.Start(3) == "");
    REQUIRE(c.WaitFor([&] { return c.Height(3) >= stopped_at + BEHIND; }));
    // Long enough for many prunings.
    REQUIRE(c.WaitFor([&] { return c.MinHeight(c.All()) >= 2 * RETAIN + 2 * EVERY; }));
    CheckSameLedger(c, c.All());
    auto stored = [&](size_t i, const std::string& prefix) {
        size_t n = 0;
        c.NodeAt(i).store().ForEachMeta(prefix, [&](const std::string&, const Bytes&) { ++n; });
        return n;
    };
    for (size_t i = 0; i < c.Size(); ++i) {
        size_t blocks = stored(i, "cblock/");
        MESSAGE("validator " << i << ": height " << c.Height(i) << ", " << blocks << " consensus blocks stored, "
                             << c.EngineAt(i).GetStats().blocks_pruned << " pruned");
        CHECK(c.EngineAt(i).GetStats().blocks_pruned > 0);
        // The retention, what came after the last anchor, and the round's uncommitted proposals.
        CHECK(blocks <= RETAIN + 2 * EVERY + 8);
        CHECK(stored(i, "cheight/") <= RETAIN + 2 * EVERY + 8);
        CHECK(c.NodeAt(i).store().GetMeta("cprune/anchor").has_value());
    }
    // A restart from the anchor: same ledger, and it goes on.
    const uint64_t restarted_at = c.Stop(0);
    REQUIRE(c.Start(0) == "");
    REQUIRE(c.WaitFor([&] { return c.Height(0) >= restarted_at + 2 * EVERY; }));
    CheckSameLedger(c, c.All());
}

}  // namespace folio::engine::test
