#include "nonce_book.h"

#include <algorithm>

namespace folio::faults {

bool NonceBook::CanAllocate() const { return !m_reuse.empty() || m_next - Floor() < m_window; }

uint64_t NonceBook::Allocate(uint64_t tx) {
    uint64_t n;
    if (!m_reuse.empty()) {
        n = *m_reuse.begin();
        m_reuse.erase(m_reuse.begin());
    } else {
        n = m_next++;
    }
    m_open[n].push_back({tx, false});
    return n;
}

std::vector<uint64_t> NonceBook::Committed(uint64_t tx, uint64_t nonce) {
    std::vector<uint64_t> losers;
    if (auto it = m_open.find(nonce); it != m_open.end()) {
        for (const Holder& h : it->second)
            if (h.tx != tx) losers.push_back(h.tx);
        m_open.erase(it);
    }
    m_reuse.erase(nonce);
    m_next = std::max(m_next, nonce + 1);
    return losers;
}

bool NonceBook::AllRefused(uint64_t nonce) const {
    auto it = m_open.find(nonce);
    return it != m_open.end() && !it->second.empty() &&
           std::all_of(it->second.begin(), it->second.end(), [](const Holder& h) { return h.refused; });
}

void NonceBook::Refused(uint64_t tx, uint64_t nonce) {
    auto it = m_open.find(nonce);
    if (it == m_open.end()) return;
    for (Holder& h : it->second)
        if (h.tx == tx) h.refused = true;
    if (AllRefused(nonce)) m_reuse.insert(nonce);
}

void NonceBook::Lost(uint64_t tx, uint64_t nonce) {
    m_reuse.erase(nonce);
    m_next = std::max(m_next, nonce + 1);
    auto it = m_open.find(nonce);
    if (it == m_open.end()) return;
    auto& hs = it->second;
    hs.erase(std::remove_if(hs.begin(), hs.end(), [tx](const Holder& h) { return h.tx == tx; }), hs.end());
    if (hs.empty()) m_open.erase(it);
}

std::vector<uint64_t> NonceBook::Observe(uint64_t committed_next) {
    std::vector<uint64_t> unsettled;
    while (!m_open.empty() && m_open.begin()->first < committed_next) {
        for (const Holder& h : m_open.begin()->second) unsettled.push_back(h.tx);
        m_reuse.erase(m_open.begin()->first);
        m_open.erase(m_open.begin());
    }
    // A nonce below committed_next that was free for reuse is spent by someone else.
    m_reuse.erase(m_reuse.begin(), m_reuse.lower_bound(committed_next));
    m_next = std::max(m_next, committed_next);
    return unsettled;
}

uint64_t NonceBook::Floor() const { return m_open.empty() ? m_next : m_open.begin()->first; }

std::string NonceBook::Render() const {
    std::string s = "next=" + std::to_string(m_next) + " floor=" + std::to_string(Floor()) + " open=[";
    bool first = true;
    for (const auto& [n, hs] : m_open) {
        s += (first ? "" : " ") + std::to_string(n) + ":";
        first = false;
        for (size_t i = 0; i < hs.size(); ++i)
            s += (i ? "," : "") + std::to_string(hs[i].tx) + (hs[i].refused ? "'" : "");
    }
    s += "] reuse=[";
    first = true;
    for (uint64_t n : m_reuse) {
        s += (first ? "" : " ") + std::to_string(n);
        first = false;
    }
    return s + "]";
}

}  // namespace folio::faults
