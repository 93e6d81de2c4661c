#include <node/engine/batch_store.h>

#include <node/consensus/types.h>
#include <node/engine/meta.h>

namespace folio::engine {

bool BatchStore::Verify(const StoredBatch& sb, chain::VerifyPool& pool) const {
    if (!m_ledger.VerifyCommands(sb.batch.txs, pool)) return false;
    for (const Bytes& e : sb.batch.evidence)
        if (!consensus::DecodeEvidence(e)) return false;
    return true;
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
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch.value()), std::move(*raw), false});
    sb->verified = Verify(*sb, pool);
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
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch.value()), std::move(raw), false});
    sb->verified = Verify(*sb, pool);
    PutMetaOrFatal(m_ledger, BatchMetaName(hash), sb->raw, false);
    MutexLock lock(m_mu);
    m_batches.emplace(hash, sb);
    return sb;
}

void BatchStore::AddOwn(const Hash256& hash, protocol::Batch batch, Bytes raw) {
    PutMetaOrFatal(m_ledger, BatchMetaName(hash), raw, false);
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch), std::move(raw), true});
    MutexLock lock(m_mu);
    m_batches.emplace(hash, std::move(sb));
}

void BatchStore::Drop(const Hash256& hash) {
    MutexLock lock(m_mu);
    m_batches.erase(hash);
}

}  // namespace folio::engine
