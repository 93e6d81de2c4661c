// State-version pruning at the node (chain::Node, --state-retain-versions): the floor follows the
// head, the trees from the floor on stay whole, and the validator-set hand-off — proved against
// the state of an epoch's last block, long pruned — is stored before that version goes.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include <node/chain/node.h>
#include <node/core/smt.h>
#include <node/protocol/certificate.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
namespace fs = std::filesystem;

TEST_CASE("state pruning: the floor follows the head; hand-offs are stored before their version goes") {
    const fs::path dir = fs::temp_directory_path() / ("folio-state-pruning-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    chain::NodeConfig cfg;
    cfg.home = dir.string();
    cfg.sync_writes = false;
    cfg.state_retain_versions = 128;
    cfg.genesis.chain_id = "prune-test";
    cfg.genesis.genesis_time_ms = 1'000;
    const Address v0 = test::AddrFor("v0");
    cfg.genesis.validators.push_back({"v0", v0});
    cfg.genesis.accounts.push_back({"v0", v0, protocol::WithRole(0, protocol::Role::CREATOR), protocol::KycStatus::VERIFIED, "BR", {}});
    cfg.validator_key = test::KeyFor("v0");
    auto opened = chain::Node::Open(cfg);
    REQUIRE(opened);
    chain::Node& n = *opened.value();

    // Height 20 ends epoch 0: the set {v0, v1} is in force from 21 on (hand-off block: 20).
    const std::vector<Address> next = {v0, test::AddrFor("v1")};
    constexpr uint64_t TOP = 400;
    for (uint64_t h = 1; h <= TOP; ++h) {
        // A work per block: the state (and so every root) changes at every height.
        std::vector<protocol::DecodedTx> txs;
        txs.push_back(protocol::DecodedTx::FromTx(
            test::MakeTx("v0", h - 1, test::Work("song " + std::to_string(h), {{"v0", 10000}}), "prune-test")));
        chain::BuiltBlock b = n.ExecuteBlock(1'000 + h * 10, v0, std::move(txs), {}, h == 20 ? &next : nullptr);
        REQUIRE(b.committed.block.txs.size() == 1);
        REQUIRE(b.committed.block.header.height == h);
        const chain::CommitCert cert = n.SignCommit(b);
        REQUIRE(n.CommitBlock(std::move(b), cert));
    }
    auto rec = n.ValidatorSetOfEpoch(1);
    REQUIRE(rec);
    const uint64_t last = rec->from_height - 1;
    // Pruned every 64 heights to height - 128: at 384, floor 256.
    CHECK(n.StateFloor() == 384 - 128);
    CHECK(last < n.StateFloor());
    // The tree of the hand-off block is gone...
    const Hash256 vkey = Sha256Of(protocol::ValidatorSetKey(1));
    const protocol::BlockHeader last_header = *n.store().Header(last);
    CHECK(SmtProve(n.store(), last_header.state_root, last, vkey).error() == SmtError::MISSING_NODE);
    // ...but the hand-off was kept, and proves the new set against that block's root.
    auto raw = n.Handoff(1);
    REQUIRE(raw);
    auto handoff = protocol::DecodeHandoff(*raw);
    REQUIRE(handoff);
    auto header = protocol::DecodeHeader(handoff.value().header);
    REQUIRE(header);
    CHECK(header.value().height == last);
    auto proof = DecodeSmtProof(handoff.value().proof);
    REQUIRE(proof);
    CHECK(SmtVerifyInclusion(header.value().state_root, vkey, Sha256Of(handoff.value().record), proof.value()));
    // Every tree from the floor on is whole: the head's and the floor's prove the set record.
    for (uint64_t h : {n.StateFloor(), TOP}) {
        const protocol::BlockHeader hh = *n.store().Header(h);
        auto p = SmtProve(n.store(), hh.state_root, h, vkey);
        REQUIRE(p);
        CHECK(SmtVerifyInclusion(hh.state_root, vkey, Sha256Of(handoff.value().record), p.value()));
    }
    opened.value().reset();
    fs::remove_all(dir);
}
