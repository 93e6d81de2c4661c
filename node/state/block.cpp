// Blocks: transaction by transaction on top of the parent state (BlockBuilder, ApplyBlock), plus
// the ledger's own records of a block (equivocation evidence, validator-set changes).
#include <node/state/ledger.h>

#include <node/state/domains.h>

namespace folio::state {

bool VerifyTxSignature(const Transaction& tx) { return VerifySchnorr(tx.sender, TxSigHash(tx), tx.signature); }

BlockBuilder::BlockBuilder(const StateReader& base, ChainParams params, BlockContext ctx)
    : m_overlay(base), m_params(std::move(params)), m_ctx(ctx) {
    ExpirePayouts(m_overlay, m_ctx.time_ms, m_step_events);
}

Result<const Receipt*, Rejection> BlockBuilder::TryAdd(const Transaction& tx, const Hash256& id) {
    if (auto st = CheckStateless(tx, m_params); !st) return Fail(st.error());
    // A second registration of a fingerprint in the same block is rejected like one against the
    // committed state: it never enters the block and the mempool drops it, naming the work.
    if (auto st = CheckAgainstState(m_overlay, tx, m_ctx.time_ms, NonceMode::EXACT); !st) return Fail(st.error());
    m_receipts.push_back(ApplyTx(m_overlay, tx, id, m_ctx));
    return &m_receipts.back();
}

bool BlockBuilder::AddEvidence(const Hash256& id, const Address& signer, ByteView encoded) {
    if (m_overlay.Get(keys::Evidence(id))) return false;
    EvidenceRecord rec{id, signer, m_ctx.height, Bytes(encoded.begin(), encoded.end())};
    m_overlay.Put(keys::Evidence(id), EncodeEvidenceRecord(rec));
    return true;
}

void BlockBuilder::ChangeValidators(const std::vector<Address>& members) {
    auto current = LoadValidatorSet(m_overlay);
    if (!current) CorruptStore("validator set");
    auto pending = LoadPendingValidatorSet(m_overlay);
    ValidatorSetRecord next{current->epoch + 1, m_ctx.height + 1, members, pending ? pending->scheduled_by : Hash256{}};
    m_overlay.Put(keys::Validators(), EncodeFields(next));
    m_overlay.Put(keys::ValidatorsOfEpoch(next.epoch), EncodeFields(next));
    if (pending) m_overlay.Delete(keys::PendingValidators());
}

BlockResult BlockBuilder::Finish() {
    BlockResult out;
    out.writes = m_overlay.TakeWrites();
    out.receipts = std::move(m_receipts);
    m_receipts.clear();
    if (!m_step_events.empty()) {
        Receipt step;
        step.tx_id = BlockStepId(m_params.chain_id, m_ctx.height);
        step.events = std::move(m_step_events);
        m_step_events.clear();
        out.receipts.push_back(std::move(step));
    }
    return out;
}

Result<BlockResult, BlockError> ApplyBlock(const StateReader& base, const ChainParams& params, const BlockContext& ctx,
                                           const std::vector<Transaction>& txs) {
    BlockBuilder builder(base, params, ctx);
    for (size_t i = 0; i < txs.size(); ++i)
        if (auto r = builder.TryAdd(txs[i], TxId(txs[i])); !r) return Fail(BlockError{i, r.error()});
    return builder.Finish();
}

}  // namespace folio::state
