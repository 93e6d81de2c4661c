#pragma once
// The mempool: admitted transactions waiting for a block, per sender ordered by nonce, bounded.
// Thread-safe: every method locks the pool's mutex.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <node/core/sync.h>
#include <node/state/ledger.h>

namespace folio::chain {

struct MempoolLimits {
    size_t max_txs = 100000;        // whole pool
    size_t max_bytes = 256u << 20;  // whole pool, encoded size
    size_t remembered_rejections = 20000;
};

struct PoolEntry {
    protocol::DecodedTx tx;  // decoded once at admission, with its bytes and id
    uint64_t seq = 0;        // arrival order
    std::chrono::steady_clock::time_point admitted{};  // when Add took it (commit latency)
    const Hash256& id() const { return tx.id(); }
    size_t bytes() const { return tx.bytes().size(); }
};

enum class AddResult : uint8_t { ADDED, ALREADY_KNOWN, NONCE_IN_USE, POOL_FULL };

class Mempool {
public:
    explicit Mempool(MempoolLimits limits) : m_limits(limits) {}

    // Adds a transaction that passed admission checks.
    AddResult Add(protocol::DecodedTx tx) EXCLUDES(m_mu);
    bool Contains(const Hash256& id) const EXCLUDES(m_mu);
    // The nonce after the sender's pending run that starts at `committed_next` (what a wallet
    // should use for its next transaction).
    uint64_t PendingNonce(const Address& sender, uint64_t committed_next) const EXCLUDES(m_mu);
    size_t Size() const EXCLUDES(m_mu);

    // Candidates for the next block: per sender the pending run of nonces in order, senders in
    // the order their oldest pending transaction arrived. At most `max` entries.
    std::vector<PoolEntry> Candidates(size_t max) const EXCLUDES(m_mu);
    // The same, leaving out (without copying) every entry for which skip(id) is true; a skipped
    // entry still counts as pending for the nonce run of its sender, and not toward `max`.
    // `skip` runs under the pool's lock: it must not call into the pool.
    std::vector<PoolEntry> Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) const EXCLUDES(m_mu);
    // Increases with every added transaction: unchanged means nothing new arrived.
    uint64_t AddedCount() const EXCLUDES(m_mu);

    // Removes transactions that are in a committed block, and every pending transaction whose
    // nonce the committed state has passed (`next_nonce` gives the account's next nonce).
    // `admitted`, if given, gets the admission time of each of `ids` that was in the pool.
    template <typename NextNonce>
    void RemoveCommitted(const std::vector<Hash256>& ids, NextNonce&& next_nonce,
                         std::vector<std::chrono::steady_clock::time_point>* admitted = nullptr) EXCLUDES(m_mu);
    // Removes one transaction and remembers why (tx_get then reports it as rejected).
    void Drop(const Hash256& id, const std::string& code, const std::string& message) EXCLUDES(m_mu);

    // The reason a transaction was rejected after admission, if remembered (bounded memory).
    std::optional<std::pair<std::string, std::string>> RejectionOf(const Hash256& id) const EXCLUDES(m_mu);
    void RememberRejection(const Hash256& id, const std::string& code, const std::string& message) EXCLUDES(m_mu);

    // Waits until the pool is non-empty or `ms` passed; returns Size().
    size_t WaitForTxs(uint64_t ms) EXCLUDES(m_mu);
    void Notify() EXCLUDES(m_mu);

private:
    void EraseLocked(const Address& sender, uint64_t nonce) REQUIRES(m_mu);
    void RememberLocked(const Hash256& id, const std::string& code, const std::string& message) REQUIRES(m_mu);

    MempoolLimits m_limits;
    mutable Mutex m_mu;
    CondVar m_cv;
    std::map<Address, std::map<uint64_t, PoolEntry>> m_by_sender GUARDED_BY(m_mu);
    std::map<Hash256, std::pair<Address, uint64_t>> m_by_id GUARDED_BY(m_mu);
    size_t m_bytes GUARDED_BY(m_mu) = 0;
    uint64_t m_next_seq GUARDED_BY(m_mu) = 0;
    std::map<Hash256, std::pair<std::string, std::string>> m_rejected GUARDED_BY(m_mu);
    std::deque<Hash256> m_rejected_order GUARDED_BY(m_mu);
};

template <typename NextNonce>
void Mempool::RemoveCommitted(const std::vector<Hash256>& ids, NextNonce&& next_nonce,
                              std::vector<std::chrono::steady_clock::time_point>* admitted) {
    MutexLock lock(m_mu);
    std::vector<Address> senders;
    for (const Hash256& id : ids) {
        auto it = m_by_id.find(id);
        if (it == m_by_id.end()) continue;
        auto [sender, nonce] = it->second;
        if (admitted) admitted->push_back(m_by_sender.find(sender)->second.at(nonce).admitted);
        senders.push_back(sender);
        EraseLocked(sender, nonce);
    }
    for (const Address& s : senders) {
        auto it = m_by_sender.find(s);
        if (it == m_by_sender.end()) continue;
        uint64_t next = next_nonce(s);
        while (!it->second.empty() && it->second.begin()->first < next) {
            const PoolEntry& e = it->second.begin()->second;
            RememberLocked(e.id(), "nonce_too_low", "another transaction with this nonce was committed");
            EraseLocked(s, it->second.begin()->first);
            it = m_by_sender.find(s);
            if (it == m_by_sender.end()) break;
        }
    }
}

}  // namespace folio::chain
