#include <node/engine/executor.h>

#include <chrono>
#include <string>

#include <node/core/fatal.h>
#include <node/engine/meta.h>

namespace folio::engine {

void Executor::Start(uint64_t executed_height, chain::VerifyPool& pool) {
    m_executed_height = executed_height;
    m_thread = std::thread([this, &pool] { Loop(pool); });
}

void Executor::Stop() {
    m_stop = true;
    m_cv.NotifyAll();
    if (m_thread.joinable()) m_thread.join();
}

void Executor::Enqueue(const std::vector<consensus::CommittedBlock>& blocks) {
    {
        MutexLock lock(m_mu);
        for (const auto& cb : blocks) m_queue.push_back(ToExecute{cb.height, cb.block});
    }
    m_cv.NotifyAll();
}

size_t Executor::QueueSize() const {
    MutexLock lock(m_mu);
    return m_queue.size();
}

void Executor::Loop(chain::VerifyPool& pool) {
    static const protocol::Batch EMPTY_BATCH;
    while (!m_stop) {
        ToExecute next;
        {
            MutexLock lock(m_mu);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
            while (m_queue.empty() && !m_stop.load() && m_cv.WaitUntil(m_mu, deadline)) {}
            if (m_queue.empty()) continue;
            next = m_queue.front();
        }
        const uint64_t executed = m_executed_height.load();
        if (next.height <= executed) {  // already executed (restart replay)
            MutexLock lock(m_mu);
            m_queue.pop_front();
            continue;
        }
        if (next.height != executed + 1)
            Fatal(ENGINE_LOG, "committed height " + std::to_string(next.height) + " after executed height " +
                                  std::to_string(executed));
        std::shared_ptr<const StoredBatch> sb;
        if (!next.block.payload.IsZero()) {
            sb = m_batches.Get(next.block.payload, pool);
            if (!sb) {
                // Committed data is held by f+1 honest validators: ask until it arrives.
                m_hooks.request_batch(next.block.payload);
                MutexLock lock(m_mu);
                (void)m_cv.WaitUntil(m_mu,
                                     std::chrono::steady_clock::now() + std::chrono::milliseconds(BATCH_RETRY_MS));
                continue;
            }
        }
        const protocol::Batch& batch = sb ? sb->batch : EMPTY_BATCH;
        std::optional<Ledger::Executed> done =
            m_ledger.Execute(next.height, next.block, batch, sb ? sb->commands.get() : nullptr, pool);
        if (!done) Fatal(ENGINE_LOG, "cannot commit the block at height " + std::to_string(next.height));
        if (done->height != next.height)
            Fatal(ENGINE_LOG, "ledger height " + std::to_string(done->height) + " for consensus height " +
                                  std::to_string(next.height));
        m_executed_height = done->height;
        {
            MutexLock lock(m_mu);
            m_queue.pop_front();
        }
        m_hooks.executed(*done, next.block.payload);
    }
}

}  // namespace folio::engine
