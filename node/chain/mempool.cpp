#include <node/chain/mempool.h>

#include <algorithm>
#include <chrono>

namespace folio::chain {

AddResult Mempool::Add(protocol::DecodedTx dtx) {
    const Hash256 id = dtx.id();
    const size_t bytes = dtx.bytes().size();
    const protocol::Transaction& tx = dtx.tx();
    const auto now = std::chrono::steady_clock::now();
    {
        MutexLock lock(m_mu);
        if (m_by_id.count(id)) return AddResult::ALREADY_KNOWN;
        auto& per = m_by_sender[tx.sender];
        if (per.count(tx.nonce)) return AddResult::NONCE_IN_USE;
        if (m_by_id.size() >= m_limits.max_txs || m_bytes + bytes > m_limits.max_bytes) {
            if (per.empty()) m_by_sender.erase(tx.sender);
            return AddResult::POOL_FULL;
        }
        Address sender = tx.sender;
        uint64_t nonce = tx.nonce;
        per.emplace(nonce, PoolEntry{std::move(dtx), m_next_seq++, now});
        m_by_id.emplace(id, std::make_pair(sender, nonce));
        m_bytes += bytes;
    }
    m_cv.NotifyAll();
    return AddResult::ADDED;
}

bool Mempool::Contains(const Hash256& id) const {
    MutexLock lock(m_mu);
    return m_by_id.count(id) != 0;
}

uint64_t Mempool::PendingNonce(const Address& sender, uint64_t committed_next) const {
    MutexLock lock(m_mu);
    auto it = m_by_sender.find(sender);
    uint64_t next = committed_next;
    if (it == m_by_sender.end()) return next;
    for (const auto& [n, e] : it->second) {
        if (n < next) continue;
        if (n != next) break;
        ++next;
    }
    return next;
}

size_t Mempool::Size() const {
    MutexLock lock(m_mu);
    return m_by_id.size();
}

std::vector<PoolEntry> Mempool::Candidates(size_t max) const { return Candidates(max, [](const Hash256&) { return false; }); }

uint64_t Mempool::AddedCount() const {
    MutexLock lock(m_mu);
    return m_next_seq;
}

std::vector<PoolEntry> Mempool::Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) const {
    MutexLock lock(m_mu);
    // Senders in the order their oldest pending transaction arrived.
    std::vector<std::pair<uint64_t, const std::map<uint64_t, PoolEntry>*>> senders;
    senders.reserve(m_by_sender.size());
    for (const auto& [addr, per] : m_by_sender) {
        if (per.empty()) continue;
        uint64_t oldest = UINT64_MAX;
        for (const auto& [n, e] : per) oldest = std::min(oldest, e.seq);
        senders.emplace_back(oldest, &per);
    }
    std::sort(senders.begin(), senders.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<PoolEntry> out;
    for (const auto& [seq, per] : senders) {
        uint64_t expect = per->begin()->first;
        for (const auto& [n, e] : *per) {
            if (n != expect || out.size() >= max) break;  // a gap: later nonces wait
            if (!skip(e.id())) out.push_back(e);
            ++expect;
        }
        if (out.size() >= max) break;
    }
    return out;
}

void Mempool::EraseLocked(const Address& sender, uint64_t nonce) {
    auto it = m_by_sender.find(sender);
    if (it == m_by_sender.end()) return;
    auto e = it->second.find(nonce);
    if (e == it->second.end()) return;
    m_bytes -= e->second.bytes();
    m_by_id.erase(e->second.id());
    it->second.erase(e);
    if (it->second.empty()) m_by_sender.erase(it);
}

void Mempool::Drop(const Hash256& id, const std::string& code, const std::string& message) {
    MutexLock lock(m_mu);
    auto it = m_by_id.find(id);
    if (it != m_by_id.end()) {
        auto [sender, nonce] = it->second;
        EraseLocked(sender, nonce);
    }
    RememberLocked(id, code, message);
}

void Mempool::RememberLocked(const Hash256& id, const std::string& code, const std::string& message) {
    if (m_rejected.emplace(id, std::make_pair(code, message)).second) m_rejected_order.push_back(id);
    while (m_rejected_order.size() > m_limits.remembered_rejections) {
        m_rejected.erase(m_rejected_order.front());
        m_rejected_order.pop_front();
    }
}

void Mempool::RememberRejection(const Hash256& id, const std::string& code, const std::string& message) {
    MutexLock lock(m_mu);
    RememberLocked(id, code, message);
}

std::optional<std::pair<std::string, std::string>> Mempool::RejectionOf(const Hash256& id) const {
    MutexLock lock(m_mu);
    auto it = m_rejected.find(id);
    if (it == m_rejected.end()) return std::nullopt;
    return it->second;
}

size_t Mempool::WaitForTxs(uint64_t ms) {
    MutexLock lock(m_mu);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (m_by_id.empty() && m_cv.WaitUntil(m_mu, deadline)) {}
    return m_by_id.size();
}

void Mempool::Notify() { m_cv.NotifyAll(); }

}  // namespace folio::chain
