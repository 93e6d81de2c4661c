#pragma once
// The BFT engine's inbox: what the transport's io thread (and the engine's other threads) hand to
// the consensus thread. Bounded by count and by bytes, in total and per sender (docs/consensus.md,
// "Bounds"): an event that would exceed any budget is dropped and counted — consensus tolerates
// message loss, a peer flooding large messages cannot grow the node's memory, and one peer cannot
// take the whole inbox (what it may queue is its share; the rest stays for the others).
// The budgets cover the events queued *and* those the consumer took with its last Wait: they are
// released when it calls Wait again (it has handled them by then), so the events in memory at
// once never exceed the budgets, however fast they arrive while the consumer works.
// Thread-safety: one mutex; Push and Notify from any thread, Wait from the consensus thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>

#include <node/core/bytes.h>
#include <node/core/keys.h>
#include <node/core/sync.h>

namespace folio::engine {

struct InboxEvent {
    enum Kind { NET, WAKE } kind = WAKE;
    PublicKey from;  // NET: the sender; WAKE: zero (the node's own threads share that sender's share)
    Bytes bytes;
};

// The inbox's budgets. An event is charged its payload plus Inbox::EVENT_OVERHEAD bytes. The
// per-sender shares must leave room for a maximal message (the transport's max_frame_bytes).
struct InboxLimits {
    size_t max_events = 200'000;
    size_t max_bytes = 64u << 20;
    size_t per_peer_events = 100'000;   // one sender's events (queued or being handled)
    size_t per_peer_bytes = 32u << 20;  // one sender's charged bytes
};

class Inbox {
public:
    // Bytes charged per event besides its payload (the event itself, the queue's slot).
    static constexpr size_t EVENT_OVERHEAD = 64;

    struct Stats {
        uint64_t dropped = 0;        // events refused over a budget
        uint64_t dropped_bytes = 0;  // their payload bytes
        uint64_t dropped_share = 0;  // ... of them: refused over their sender's share
        size_t queued = 0;           // events waiting now
        size_t queued_bytes = 0;     // their charged bytes
        size_t charged = 0;          // events counted against the budget now (queued + being handled)
        size_t charged_bytes = 0;    // their charged bytes
    };

    explicit Inbox(InboxLimits limits) : m_limits(limits) {}

    // Queues `e` and wakes the consumer; false (and counted) when it would exceed a budget.
    bool Push(InboxEvent e) EXCLUDES(m_mu);
    // Releases the events the previous Wait returned (the consumer is done with them), waits until
    // an event is queued, `stop` is set, Notify is called or `deadline` passes; then takes every
    // queued event (they stay charged until the next Wait).
    std::deque<InboxEvent> Wait(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop)
        EXCLUDES(m_mu);
    void Notify() { m_cv.NotifyAll(); }
    Stats GetStats() const EXCLUDES(m_mu);
    const InboxLimits& Limits() const { return m_limits; }

private:
    struct Charge {
        size_t events = 0, bytes = 0;
    };

    const InboxLimits m_limits;
    mutable Mutex m_mu;
    CondVar m_cv;
    std::deque<InboxEvent> m_events GUARDED_BY(m_mu);
    size_t m_queued_bytes GUARDED_BY(m_mu) = 0;            // of m_events
    Charge m_total GUARDED_BY(m_mu);                       // queued + taken
    std::map<PublicKey, Charge> m_peers GUARDED_BY(m_mu);  // the same per sender (no zero entries)
    Charge m_taken GUARDED_BY(m_mu);                       // what the last Wait returned
    std::map<PublicKey, Charge> m_taken_peers GUARDED_BY(m_mu);
    uint64_t m_dropped GUARDED_BY(m_mu) = 0;
    uint64_t m_dropped_bytes GUARDED_BY(m_mu) = 0;
    uint64_t m_dropped_share GUARDED_BY(m_mu) = 0;
};

}  // namespace folio::engine
