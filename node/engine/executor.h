#pragma once
// The BFT engine's executor: committed blocks queue here (in height order, from the consensus
// thread) and its own thread executes and stores them one by one through the Ledger, off the
// consensus path. A committed block whose batch this node lacks waits while the batch is asked
// for (committed data is held by f+1 honest validators).
// Thread-safety: one mutex for the queue; one owner thread (the executor's) for the rest.
// Enqueue, Wake, QueueSize and ExecutedHeight from any thread; Start and Stop from one thread.
#include <atomic>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include <node/chain/verify_pool.h>
#include <node/consensus/core.h>
#include <node/core/sync.h>
#include <node/engine/batch_store.h>
#include <node/engine/ledger.h>

namespace folio::engine {

inline constexpr uint64_t BATCH_RETRY_MS = 300;  // a missing batch is asked for again after this long

class Executor {
public:
    struct Hooks {
        // A committed block's batch is not held: ask the peers for it (called every BATCH_RETRY_MS).
        std::function<void(const Hash256& batch_hash)> request_batch;
        // A block was executed and stored (ExecutedHeight() is already its height).
        std::function<void(const Ledger::Executed& done, const Hash256& batch_hash)> executed;
    };
    // `ledger` and `batches` must outlive the executor.
    Executor(Ledger& ledger, BatchStore& batches, Hooks hooks)
        : m_ledger(ledger), m_batches(batches), m_hooks(std::move(hooks)) {}
    ~Executor() { Stop(); }

    // Starts the thread; blocks at or below `executed_height` are skipped (restart replay).
    // `pool` checks the signatures execution has not seen and must outlive Stop().
    void Start(uint64_t executed_height, chain::VerifyPool& pool);
    // Joins the thread (a block being executed finishes first). Idempotent.
    void Stop();
    // Committed blocks, in height order.
    void Enqueue(const std::vector<consensus::CommittedBlock>& blocks) EXCLUDES(m_mu);
    // A batch arrived: a block waiting for it may run now.
    void Wake() { m_cv.NotifyAll(); }
    size_t QueueSize() const EXCLUDES(m_mu);
    uint64_t ExecutedHeight() const { return m_executed_height.load(); }

private:
    struct ToExecute {
        uint64_t height;
        consensus::Block block;
    };
    void Loop(chain::VerifyPool& pool) EXCLUDES(m_mu);

    Ledger& m_ledger;
    BatchStore& m_batches;
    const Hooks m_hooks;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_executed_height{0};
    std::thread m_thread;

    mutable Mutex m_mu;
    CondVar m_cv;
    std::deque<ToExecute> m_queue GUARDED_BY(m_mu);
};

}  // namespace folio::engine
