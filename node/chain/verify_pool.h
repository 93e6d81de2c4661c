#pragma once
// Transaction signature verification off the consensus thread: a bounded cache of the ids whose
// signatures verified on this node, and a thread pool that verifies many transactions at once.
// Every transaction is verified once per node: admission (RPC or gossip), the batch check before
// a vote and execution all consult the cache first (docs/consensus.md, "The shell").
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_set>
#include <vector>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <node/core/sync.h>
#include <node/state/ledger.h>

namespace folio::chain {

// A bounded set of transaction ids whose signatures verified here. A transaction id is the
// tagged hash of its whole canonical encoding, signature included, so an id in the cache means
// these very bytes verified: a hit gives the answer a fresh check would give and only saves the
// work. Only successes are cached, so whether a transaction is valid never depends on what the
// cache holds. When full, the oldest id is forgotten first (it is verified again if it comes back).
// Thread-safe.
class SigCache {
public:
    explicit SigCache(size_t capacity) : m_capacity(capacity) {}
    bool Contains(const Hash256& id) const EXCLUDES(m_mu);
    void Insert(const Hash256& id) EXCLUDES(m_mu);
    size_t Size() const EXCLUDES(m_mu);
    size_t Capacity() const { return m_capacity; }

private:
    struct IdHash {
        size_t operator()(const Hash256& h) const {
            size_t v = 0;
            for (size_t i = 0; i < sizeof v; ++i) v = v << 8 | h.data[i];
            return v;
        }
    };
    const size_t m_capacity;
    mutable Mutex m_mu;
    std::unordered_set<Hash256, IdHash> m_ids GUARDED_BY(m_mu);  // looked up only, never iterated
    std::deque<Hash256> m_order GUARDED_BY(m_mu);                // insertion order: the front is evicted first
};

// Checks a transaction's signature through the cache: a hit skips the check, a success is
// remembered. Deterministic in its result (see SigCache). Thread-safe.
bool VerifyCached(SigCache& cache, const protocol::Transaction& tx, const Hash256& id);

// A fixed set of worker threads (boost::asio::thread_pool) for signature checks.
// Thread-safety: every method may be called from any thread, pool threads included; Stop() and
// the destructor not from a pool thread.
class VerifyPool {
public:
    // threads == 0: one per hardware thread (at least 1, at most 8).
    VerifyPool(size_t threads, SigCache& cache);
    ~VerifyPool();
    VerifyPool(const VerifyPool&) = delete;
    VerifyPool& operator=(const VerifyPool&) = delete;

    size_t Threads() const { return m_threads; }
    SigCache& cache() { return m_cache; }

    // Checks every transaction (ids[i] is TxId(*txs[i])); result[i] says whether txs[i]'s
    // signature verifies. The work is split into chunks that the pool's threads and the calling
    // thread take in turn, so the call finishes even when the pool is busy or stopped (the
    // caller then does it all) and may be made from a pool thread. Blocks until done.
    std::vector<bool> VerifyAll(const std::vector<const protocol::Transaction*>& txs, const std::vector<Hash256>& ids);

    // Runs `task` on a pool thread later. After Stop() tasks are dropped without running.
    void Post(std::function<void()> task) EXCLUDES(m_mu);
    // The same, but tasks posted here run one at a time, in the order posted (a strand), e.g.
    // admissions that must keep each sender's nonce order; a task may still fan out with VerifyAll.
    void PostOrdered(std::function<void()> task) EXCLUDES(m_mu);
    // Tasks queued but not started are dropped (destroyed without running); running ones
    // finish; the threads are joined. Idempotent.
    void Stop() EXCLUDES(m_mu);
    bool Stopped() const EXCLUDES(m_mu);

private:
    SigCache& m_cache;
    size_t m_threads;
    std::unique_ptr<boost::asio::thread_pool> m_pool;
    std::unique_ptr<boost::asio::strand<boost::asio::thread_pool::executor_type>> m_ordered;
    mutable Mutex m_mu;
    bool m_stopped GUARDED_BY(m_mu) = false;
};

}  // namespace folio::chain
