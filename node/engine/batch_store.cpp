#include <node/engine/batch_store.h>

#include <node/consensus/types.h>
#include <node/core/fatal.h>
#include <node/engine/meta.h>

namespace folio::engine {

size_t HeldBytes(const StoredBatch& sb) {
    size_t n = sizeof(StoredBatch) + sb.raw.size();
    for (const Bytes& t : sb.batch.txs) n += sizeof(Bytes) + t.size();
    for (const Bytes& e : sb.batch.evidence) n += sizeof(Bytes) + e.size();
    if (sb.commands) n += sb.commands->HeldBytes();
    return n;
}

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

std::shared_ptr<const StoredBatch> BatchStore::Load(const Hash256& hash, chain::VerifyPool& pool) const {
    auto raw = m_ledger.GetMeta(BatchMetaName(hash));
    if (!raw) return nullptr;
    auto batch = protocol::DecodeBatch(*raw);
    if (!batch) return nullptr;
    return Prepare(std::move(batch.value()), std::move(*raw), pool);
}

void BatchStore::Write(const Hash256& hash, ByteView raw) { PutMetaOrFatal(m_ledger, BatchMetaName(hash), raw, false); }

void BatchStore::Unbudget(std::map<Hash256, Entry>::iterator it) {
    Entry& e = it->second;
    if (e.referenced) return;
    auto p = m_peers.find(e.from);
    if (p == m_peers.end()) return;
    p->second.by_seq.erase(e.seq);
    p->second.bytes -= std::min(p->second.bytes, e.charge);
    m_stats.unsolicited -= 1;
    m_stats.unsolicited_bytes -= std::min(m_stats.unsolicited_bytes, e.charge);
    if (p->second.by_seq.empty()) m_peers.erase(p);
}

std::shared_ptr<const StoredBatch> BatchStore::Get(const Hash256& hash, chain::VerifyPool& pool) {
    {
        MutexLock lock(m_mu);
        auto it = m_batches.find(hash);
        if (it != m_batches.end()) return it->second.sb;
    }
    std::shared_ptr<const StoredBatch> sb = Load(hash, pool);
    if (!sb) return nullptr;
    MutexLock lock(m_mu);
    if (m_refs.count(hash) == 0) return sb;  // not kept: nothing waits for it
    auto [it, inserted] = m_batches.try_emplace(hash);
    if (inserted) it->second = Entry{sb, true, PublicKey{}, 0, 0};
    return it->second.sb;
}

std::optional<Bytes> BatchStore::GetRaw(const Hash256& hash) const {
    {
        MutexLock lock(m_mu);
        auto it = m_batches.find(hash);
        if (it != m_batches.end()) return it->second.sb->raw;
    }
    return m_ledger.GetMeta(BatchMetaName(hash));
}

std::shared_ptr<const StoredBatch> BatchStore::Reference(const Hash256& hash, chain::VerifyPool& pool, uint64_t epoch,
                                                         uint64_t round) {
    std::shared_ptr<const StoredBatch> held;
    bool write = false, executed = false;
    {
        MutexLock lock(m_mu);
        // A late proposal of an executed block: nothing waits for its batch, and its disk copy is
        // the chain's (never swept): not referenced again, not kept.
        executed = m_executed.count(hash) != 0;
        Tag* tag = executed ? nullptr : &m_refs[hash];
        if (tag) tag->Raise(epoch, round);
        auto it = tag ? m_batches.find(hash) : m_batches.end();
        if (it != m_batches.end()) {
            Unbudget(it);
            it->second.referenced = true;
            held = it->second.sb;
            write = !tag->written;
            tag->written = true;
        }
    }
    if (executed) return Get(hash, pool);
    if (held) {
        if (write) Write(hash, held->raw);
        return held;
    }
    // Not in memory: it may be in the store (written before a restart, or loaded and dropped).
    return Get(hash, pool);
}

void BatchStore::Unwant(const Hash256& hash) {
    MutexLock lock(m_mu);
    auto r = m_refs.find(hash);
    if (r == m_refs.end() || r->second.committed || r->second.written || m_batches.count(hash) != 0) return;
    m_refs.erase(r);
}

void BatchStore::Want(const Hash256& hash) {
    MutexLock lock(m_mu);
    m_refs[hash].committed = true;
}

void BatchStore::Committed(const std::vector<Hash256>& hashes) {
    std::vector<std::shared_ptr<const StoredBatch>> to_write;
    std::vector<Hash256> names;
    {
        MutexLock lock(m_mu);
        for (const Hash256& h : hashes) {
            Tag& tag = m_refs[h];
            tag.committed = true;
            auto it = m_batches.find(h);
            if (it == m_batches.end()) continue;
            Unbudget(it);
            it->second.referenced = true;
            if (tag.written) continue;
            tag.written = true;
            to_write.push_back(it->second.sb);
            names.push_back(h);
        }
    }
    for (size_t i = 0; i < names.size(); ++i) Write(names[i], to_write[i]->raw);
}

void BatchStore::Sweep(uint64_t epoch, uint64_t round) {
    std::vector<Hash256> to_delete;
    {
        MutexLock lock(m_mu);
        for (auto it = m_refs.begin(); it != m_refs.end();) {
            const Tag& t = it->second;
            const bool dead = !t.committed && (t.epoch < epoch || (t.epoch == epoch && t.round <= round));
            if (!dead) {
                ++it;
                continue;
            }
            if (t.written) to_delete.push_back(it->first);
            m_batches.erase(it->first);
            ++m_stats.swept;
            it = m_refs.erase(it);
        }
    }
    for (const Hash256& h : to_delete)
        if (auto err = m_ledger.DeleteMeta(BatchMetaName(h)))
            Fatal(ENGINE_LOG, "cannot delete " + BatchMetaName(h) + " from the store: " + *err);
}

std::shared_ptr<const StoredBatch> BatchStore::Accept(const PublicKey& from, const Hash256& hash, Bytes raw,
                                                      chain::VerifyPool& pool) {
    {
        MutexLock lock(m_mu);
        if (m_batches.count(hash)) return nullptr;
    }
    auto batch = protocol::DecodeBatch(raw);
    if (!batch) {
        MutexLock lock(m_mu);
        ++m_stats.undecodable;
        return nullptr;
    }
    std::shared_ptr<const StoredBatch> sb = Prepare(std::move(batch.value()), std::move(raw), pool);
    bool write = false;
    {
        MutexLock lock(m_mu);
        if (m_batches.count(hash)) return nullptr;  // arrived meanwhile
        auto r = m_refs.find(hash);
        if (r != m_refs.end()) {
            m_batches.emplace(hash, Entry{sb, true, PublicKey{}, 0, 0});
            write = !r->second.written;
            r->second.written = true;
        } else {
            // Unsolicited: memory only, within its sender's budget (its oldest go first).
            const uint64_t seq = m_seq++;
            const size_t charge = HeldBytes(*sb);
            m_batches.emplace(hash, Entry{sb, false, from, seq, charge});
            PeerBudget& budget = m_peers[from];
            budget.by_seq.emplace(seq, hash);
            budget.bytes += charge;
            m_stats.unsolicited += 1;
            m_stats.unsolicited_bytes += charge;
            while (budget.by_seq.size() > 1 &&
                   (budget.by_seq.size() > m_limits.per_peer_count || budget.bytes > m_limits.per_peer_bytes)) {
                auto oldest = m_batches.find(budget.by_seq.begin()->second);
                const size_t size = oldest->second.charge;
                ++m_stats.evicted;
                m_stats.evicted_bytes += oldest->second.sb->raw.size();
                budget.by_seq.erase(budget.by_seq.begin());
                budget.bytes -= std::min(budget.bytes, size);
                m_stats.unsolicited -= 1;
                m_stats.unsolicited_bytes -= std::min(m_stats.unsolicited_bytes, size);
                m_batches.erase(oldest);
            }
            // Nothing may hold a batch larger than a whole budget (the newest is kept only if it fits).
            if (budget.bytes > m_limits.per_peer_bytes || m_limits.per_peer_count == 0) {
                auto it = m_batches.find(hash);
                ++m_stats.evicted;
                m_stats.evicted_bytes += sb->raw.size();
                Unbudget(it);
                m_batches.erase(it);
            }
        }
    }
    if (write) Write(hash, sb->raw);
    return sb;
}

void BatchStore::AddOwn(const Hash256& hash, protocol::Batch batch, Bytes raw, std::shared_ptr<const Commands> commands,
                        uint64_t epoch, uint64_t round) {
    Write(hash, raw);
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch), std::move(raw), std::move(commands), true});
    MutexLock lock(m_mu);
    Tag& tag = m_refs[hash];
    tag.Raise(epoch, round);
    tag.written = true;
    auto it = m_batches.find(hash);
    if (it != m_batches.end()) {
        Unbudget(it);
        it->second = Entry{std::move(sb), true, PublicKey{}, 0, 0};
    } else {
        m_batches.emplace(hash, Entry{std::move(sb), true, PublicKey{}, 0, 0});
    }
}

void BatchStore::Drop(const Hash256& hash) {
    MutexLock lock(m_mu);
    auto it = m_batches.find(hash);
    if (it != m_batches.end()) {
        Unbudget(it);
        m_batches.erase(it);
    }
    m_refs.erase(hash);
    if (m_executed.insert(hash).second) {
        m_executed_order.push_back(hash);
        if (m_executed_order.size() > EXECUTED_KEPT) {
            m_executed.erase(m_executed_order.front());
            m_executed_order.pop_front();
        }
    }
}

BatchStore::Stats BatchStore::GetStats() const {
    MutexLock lock(m_mu);
    Stats s = m_stats;
    s.held = m_batches.size();
    return s;
}

}  // namespace folio::engine
