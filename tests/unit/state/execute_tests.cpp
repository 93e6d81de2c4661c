// ExecuteBatch (node/state/execute.h): the block proposers and replicas assemble, in one place.
#include <doctest/doctest.h>

#include <node/core/merkle.h>
#include <node/state/execute.h>
#include <node/state/state_root.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::MakeTx;
using folio::test::MapState;

namespace {

// A chain at genesis: its committed state, its state map's nodes and the genesis header (time 5000).
struct Genesis {
    MapState state;
    MemoryNodeStore nodes;
    BlockHeader parent;
    explicit Genesis(const GenesisDoc& g) {
        auto genesis = BuildGenesisState(g).value();
        state.Apply(genesis);
        auto root = UpdateStateRoot(nodes, Hash256{}, 0, genesis, 0).value();
        nodes.Apply(root);
        parent.chain_id = g.chain_id;
        parent.height = 0;
        parent.time_ms = 5000;
        parent.state_root = root.new_root;
    }
};

}  // namespace

TEST_CASE("ExecuteBatch: skips what is invalid at its position, fills the header, matches ApplyBlock") {
    GenesisDoc g;
    g.chain_id = "test-chain";
    g.genesis_time_ms = 1000;
    g.validators.push_back({"v0", AddrFor("validator")});
    g.accounts.push_back({"alice", AddrFor("alice"), WithRole(0, Role::CREATOR), KycStatus::NONE, "", {}});
    Genesis gen(g);
    MapState& state = gen.state;
    MemoryNodeStore& nodes = gen.nodes;
    const BlockHeader& parent = gen.parent;

    BlockContext ctx = NextBlockContext(parent, 4000, AddrFor("validator"));
    CHECK(ctx.height == 1);
    CHECK(ctx.time_ms == 5001);  // monotonic
    CHECK(NextBlockContext(parent, 9000, Address{}).time_ms == 9000);

    std::vector<Transaction> txs = {
        MakeTx("alice", 0, test::Work("a", {{"alice", 10000}})),
        MakeTx("alice", 2, test::Work("b", {{"alice", 10000}})),  // a nonce gap
        MakeTx("bob", 0, test::Work("c", {{"bob", 10000}})),      // no creator role
        MakeTx("alice", 1, test::Work("a", {{"alice", 10000}})),  // the fingerprint is taken
    };
    std::vector<protocol::DecodedTx> decoded;
    for (const Transaction& tx : txs) decoded.push_back(protocol::DecodedTx::FromTx(tx));
    const Hash256 first_id = decoded[0].id();
    ExecutedBlock b = ExecuteBatch(state, nodes, parent, {"test-chain"}, ctx, std::move(decoded));
    REQUIRE(b.block.txs.size() == 1);
    CHECK(b.block.txs[0] == txs[0]);
    REQUIRE(b.skipped.size() == 3);
    CHECK(b.skipped[0].index == 1);
    CHECK(b.skipped[0].why.code == Reject::NONCE_TOO_HIGH);
    CHECK(b.skipped[1].why.code == Reject::MISSING_PERMISSION);
    CHECK(b.skipped[2].why.code == Reject::DUPLICATE_FINGERPRINT);

    auto applied = ApplyBlock(state, {"test-chain"}, ctx, {txs[0]}).value();
    CHECK(b.writes == applied.writes);
    REQUIRE(b.receipts.size() == 1);
    CHECK(b.receipts[0].tx_id == first_id);  // the id carried in, not recomputed
    CHECK(first_id == TxId(txs[0]));
    CHECK(EncodeReceipt(b.receipts[0]) == EncodeReceipt(applied.receipts[0]));
    const BlockHeader& h = b.block.header;
    CHECK(h.height == 1);
    CHECK(h.parent == BlockHash(parent));
    CHECK(h.time_ms == 5001);
    CHECK(h.tx_count == 1);
    CHECK(h.tx_root == MerkleRoot({TxId(txs[0])}));
    CHECK(h.receipts_root == MerkleRoot({Sha256Of(EncodeReceipt(applied.receipts[0]))}));
    CHECK(h.state_root == UpdateStateRoot(nodes, parent.state_root, 0, applied.writes, 1).value().new_root);
    CHECK(b.hash == BlockHash(h));
    CHECK_FALSE(b.smt_nodes.empty());
}

TEST_CASE("ExecuteBatch: the block step's receipt follows the transactions' under receipts_root, not under tx_root") {
    GenesisDoc g;
    g.chain_id = "test-chain";
    g.genesis_time_ms = 1000;
    g.payout_ttl_ms = 10'000;
    g.validators.push_back({"v0", AddrFor("validator")});
    g.accounts.push_back({"alice", AddrFor("alice"), 0, KycStatus::VERIFIED, "BR", {{"BRL", 5000}}});
    g.accounts.push_back({"gw", AddrFor("gw"), WithRole(0, Role::GATEWAY), KycStatus::NONE, "", {}});
    Genesis gen(g);
    MapState& state = gen.state;
    MemoryNodeStore& nodes = gen.nodes;
    const BlockHeader& parent = gen.parent;

    // Block 1: a payout instruction, expiring 10 s later; no step receipt.
    std::vector<protocol::DecodedTx> b1;
    b1.push_back(protocol::DecodedTx::FromTx(MakeTx("alice", 0, SetPayoutPrefsTx{AddrFor("gw"), "BRL", 0})));
    b1.push_back(protocol::DecodedTx::FromTx(MakeTx("alice", 1, WithdrawTx{"BRL", 1200})));
    ExecutedBlock e1 = ExecuteBatch(state, nodes, parent, {"test-chain"}, NextBlockContext(parent, 6000, AddrFor("validator")), std::move(b1));
    REQUIRE(e1.receipts.size() == 2);
    state.Apply(e1.writes);
    for (const auto& [hash, record] : e1.smt_nodes) nodes.Put(hash, record);

    // Block 2, past the expiry, with one transaction: two receipts, the second the block step's.
    // 45.00 needs the 12.00 the expiry returns: the step runs before the transactions.
    Transaction tx = MakeTx("alice", 2, TransferTx{AddrFor("gw"), "BRL", 4500});
    std::vector<protocol::DecodedTx> b2;
    b2.push_back(protocol::DecodedTx::FromTx(tx));
    ExecutedBlock e2 = ExecuteBatch(state, nodes, e1.block.header, {"test-chain"},
                                    NextBlockContext(e1.block.header, 6000 + 10'001, AddrFor("validator")), std::move(b2));
    REQUIRE(e2.block.txs.size() == 1);
    REQUIRE(e2.receipts.size() == 2);
    CHECK(e2.receipts[0].tx_id == TxId(tx));
    CHECK(e2.receipts[0].success);
    CHECK(e2.receipts[1].tx_id == BlockStepId("test-chain", 2));
    REQUIRE(e2.receipts[1].events.size() == 1);
    CHECK(std::get<EvPayout>(e2.receipts[1].events[0]).payout.status == PayoutStatus::EXPIRED);
    const BlockHeader& h = e2.block.header;
    CHECK(h.tx_count == 1);
    CHECK(h.tx_root == MerkleRoot({TxId(tx)}));
    CHECK(h.receipts_root ==
          MerkleRoot({Sha256Of(EncodeReceipt(e2.receipts[0])), Sha256Of(EncodeReceipt(e2.receipts[1]))}));
    CHECK(LoadBalance(state, AddrFor("alice"), "BRL") == 3800);
    state.Apply(e2.writes);
    CHECK(LoadBalance(state, AddrFor("alice"), "BRL") == 500);
}
