#include <node/state/execute.h>

#include <algorithm>

#include <node/core/fatal.h>
#include <node/core/merkle.h>
#include <node/state/state_root.h>

namespace folio::state {

BlockContext NextBlockContext(const BlockHeader& parent, uint64_t time_ms, const Address& proposer) {
    return BlockContext{parent.height + 1, std::max(time_ms, parent.time_ms + 1), proposer};
}

ExecutedBlock ExecuteBatch(const StateReader& parent, const SmtNodeReader& nodes, const BlockHeader& parent_header,
                           const ChainParams& params, const BlockContext& ctx, std::vector<protocol::DecodedTx> txs,
                           const std::vector<BatchEvidence>& evidence, const std::vector<Address>* next_validators) {
    ExecutedBlock out;
    BlockBuilder builder(parent, params, ctx);
    for (size_t i = 0; i < txs.size(); ++i) {
        auto r = builder.TryAdd(txs[i]);
        if (r) out.block.txs.push_back(std::move(txs[i]).TakeTx());
        else out.skipped.push_back(SkippedTx{i, r.error()});
    }
    for (const BatchEvidence& ev : evidence) builder.AddEvidence(ev.id, ev.signer, ev.encoded);
    if (next_validators) builder.ChangeValidators(*next_validators);
    BlockResult result = builder.Finish();

    std::vector<Hash256> tx_ids, receipt_hashes;
    for (size_t i = 0; i < result.receipts.size(); ++i) {
        const Receipt& rc = result.receipts[i];
        if (i < out.block.txs.size()) tx_ids.push_back(rc.tx_id);  // not the block step's
        receipt_hashes.push_back(Sha256Of(EncodeReceipt(rc)));
    }
    auto smt = UpdateStateRoot(nodes, parent_header.state_root, parent_header.height, result.writes, ctx.height);
    if (!smt) Fatal("state", "the state map is inconsistent with the store");
    BlockHeader& h = out.block.header;
    h.chain_id = params.chain_id;
    h.height = ctx.height;
    h.parent = BlockHash(parent_header);
    h.time_ms = ctx.time_ms;
    h.proposer = ctx.proposer;
    h.tx_count = static_cast<uint32_t>(out.block.txs.size());
    h.tx_root = MerkleRoot(tx_ids);
    h.receipts_root = MerkleRoot(receipt_hashes);
    h.state_root = smt->new_root;
    out.hash = BlockHash(h);
    out.receipts = std::move(result.receipts);
    out.writes = std::move(result.writes);
    out.smt_nodes = std::move(smt->new_nodes);
    out.smt_stale = std::move(smt->stale_nodes);
    return out;
}

}  // namespace folio::state
