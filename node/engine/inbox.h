#pragma once
// The BFT engine's inbox: what the transport's io thread (and the engine's other threads) hand to
// the consensus thread. Bounded by count and by bytes (docs/consensus.md, "Bounds"): an event that
// would exceed either budget is dropped and counted — consensus tolerates message loss, and a
// peer flooding large messages cannot grow the node's memory.
// Thread-safety: one mutex; Push and Notify from any thread, Wait from the consensus thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>

#include <node/core/bytes.h>
#include <node/core/keys.h>
#include <node/core/sync.h>

namespace folio::engine {

struct InboxEvent {
    enum Kind { NET, WAKE } kind = WAKE;
    PublicKey from;
    Bytes bytes;
};

class Inbox {
public:
    // Bytes charged per event besides its payload (the event itself, the queue's slot).
    static constexpr size_t EVENT_OVERHEAD = 64;

    struct Stats {
        uint64_t dropped = 0;        // events refused over a budget
        uint64_t dropped_bytes = 0;  // their payload bytes
        size_t queued = 0;           // events waiting now
        size_t queued_bytes = 0;     // their charged bytes
    };

    Inbox(size_t max_events, size_t max_bytes) : m_max_events(max_events), m_max_bytes(max_bytes) {}

    // Queues `e` and wakes the consumer; false (and counted) when it would exceed max_events
    // events or max_bytes charged bytes.
    bool Push(InboxEvent e) EXCLUDES(m_mu);
    // Waits until an event is queued, `stop` is set, Notify is called or `deadline` passes; then
    // takes every queued event (the budget is free again).
    std::deque<InboxEvent> Wait(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop)
        EXCLUDES(m_mu);
    void Notify() { m_cv.NotifyAll(); }
    Stats GetStats() const EXCLUDES(m_mu);

private:
    const size_t m_max_events, m_max_bytes;
    mutable Mutex m_mu;
    CondVar m_cv;
    std::deque<InboxEvent> m_events GUARDED_BY(m_mu);
    size_t m_bytes GUARDED_BY(m_mu) = 0;
    uint64_t m_dropped GUARDED_BY(m_mu) = 0;
    uint64_t m_dropped_bytes GUARDED_BY(m_mu) = 0;
};

}  // namespace folio::engine
