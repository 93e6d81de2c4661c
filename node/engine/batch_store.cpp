#include <node/engine/batch_store.h>

#include <node/consensus/types.h>
#include <node/engine/meta.h>

namespace folio::engine {

std::shared_ptr<const StoredBatch> BatchStore::Prepare(protocol::Batch batch, Bytes raw,
                                                       chain::VerifyPool& pool) const {
    auto sb = std::make_shared<StoredBatch>();
    sb->commands = m_ledger.DecodeCommands(batch.txs);
    sb->verified = m_ledger.VerifyCommands(*sb->commands, pool);
    for (const Bytes& e : batch.evidence)
        if (!consensus::DecodeEvidence(e)) sb->verified = false;
    sb->batch = std::move(batch);
    sb->raw = std::move(raw);
    return sb;
}

std::shared_ptr<const StoredBatch> BatchStore::Get(const Hash256& hash, chain::VerifyPool& pool) {
    {
        MutexLock lock(m_mu);
        auto it = m_batches.find(hash);
        if (it != m_batches.end()) return it->second;
    }
    auto raw = m_ledger.GetMeta(BatchMetaName(hash));
    if (!raw) return nullptr;
    auto batch = protocol::DecodeBatch(*raw);
    if (!batch) return nullptr;
    std::shared_ptr<const StoredBatch> sb = Prepare(std::move(batch.value()), std::move(*raw), pool);
    MutexLock lock(m_mu);
    return m_batches.emplace(hash, std::move(sb)).first->second;
}

std::shared_ptr<const StoredBatch> BatchStore::Accept(const Hash256& hash, Bytes raw, chain::VerifyPool& pool) {
    {
        MutexLock lock(m_mu);
        if (m_batches.count(hash)) return nullptr;
    }
    auto batch = protocol::DecodeBatch(raw);
    if (!batch) return nullptr;
    std::shared_ptr<const StoredBatch> sb = Prepare(std::move(batch.value()), std::move(raw), pool);
    PutMetaOrFatal(m_ledger, BatchMetaName(hash), sb->raw, false);
    MutexLock lock(m_mu);
    m_batches.emplace(hash, sb);
    return sb;
}

void BatchStore::AddOwn(const Hash256& hash, protocol::Batch batch, Bytes raw,
                        std::shared_ptr<const Commands> commands) {
    PutMetaOrFatal(m_ledger, BatchMetaName(hash), raw, false);
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch), std::move(raw), std::move(commands), true});
    MutexLock lock(m_mu);
    m_batches.emplace(hash, std::move(sb));
}

void BatchStore::Drop(const Hash256& hash) {
    MutexLock lock(m_mu);
    m_batches.erase(hash);
}

}  // namespace folio::engine
