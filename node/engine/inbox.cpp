#include <node/engine/inbox.h>

namespace folio::engine {

bool Inbox::Push(InboxEvent e) {
    const size_t charge = e.bytes.size() + EVENT_OVERHEAD;
    {
        MutexLock lock(m_mu);
        if (m_events.size() >= m_max_events || m_bytes + charge > m_max_bytes) {
            ++m_dropped;
            m_dropped_bytes += e.bytes.size();
            return false;
        }
        m_bytes += charge;
        m_events.push_back(std::move(e));
    }
    m_cv.NotifyOne();
    return true;
}

std::deque<InboxEvent> Inbox::Wait(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop) {
    std::deque<InboxEvent> out;
    MutexLock lock(m_mu);
    while (m_events.empty() && !stop.load() && m_cv.WaitUntil(m_mu, deadline)) {}
    out.swap(m_events);
    m_bytes = 0;
    return out;
}

Inbox::Stats Inbox::GetStats() const {
    MutexLock lock(m_mu);
    return Stats{m_dropped, m_dropped_bytes, m_events.size(), m_bytes};
}

}  // namespace folio::engine
