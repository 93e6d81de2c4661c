#include <node/engine/inbox.h>

namespace folio::engine {

bool Inbox::Push(InboxEvent e) {
    const size_t charge = e.bytes.size() + EVENT_OVERHEAD;
    {
        MutexLock lock(m_mu);
        const bool over_total = m_total.events >= m_limits.max_events || m_total.bytes + charge > m_limits.max_bytes;
        auto p = m_peers.find(e.from);
        const Charge mine = p == m_peers.end() ? Charge{} : p->second;
        const bool over_share =
            mine.events >= m_limits.per_peer_events || mine.bytes + charge > m_limits.per_peer_bytes;
        if (over_total || over_share) {
            ++m_dropped;
            m_dropped_bytes += e.bytes.size();
            if (over_share) ++m_dropped_share;
            return false;
        }
        Charge& c = p == m_peers.end() ? m_peers[e.from] : p->second;
        c.events += 1;
        c.bytes += charge;
        m_total.events += 1;
        m_total.bytes += charge;
        m_queued_bytes += charge;
        m_events.push_back(std::move(e));
    }
    m_cv.NotifyOne();
    return true;
}

std::deque<InboxEvent> Inbox::Wait(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop) {
    std::deque<InboxEvent> out;
    MutexLock lock(m_mu);
    // The consumer handled what it took last time: release it.
    m_total.events -= m_taken.events;
    m_total.bytes -= m_taken.bytes;
    for (const auto& [peer, taken] : m_taken_peers) {
        auto p = m_peers.find(peer);
        p->second.events -= taken.events;
        p->second.bytes -= taken.bytes;
        if (p->second.events == 0) m_peers.erase(p);
    }
    m_taken = {};
    m_taken_peers.clear();
    while (m_events.empty() && !stop.load() && m_cv.WaitUntil(m_mu, deadline)) {}
    out.swap(m_events);
    // Everything charged now was queued (the taken part was released above): it is all taken.
    m_taken = m_total;
    m_taken_peers = m_peers;
    m_queued_bytes = 0;
    return out;
}

Inbox::Stats Inbox::GetStats() const {
    MutexLock lock(m_mu);
    return Stats{m_dropped,      m_dropped_bytes, m_dropped_share, m_events.size(),
                 m_queued_bytes, m_total.events,  m_total.bytes};
}

}  // namespace folio::engine
