#include <node/rpc/rate_limiter.h>

#include <algorithm>

namespace folio::rpc {

namespace {
constexpr int64_t MILLI = 1000;
}

RateLimiter::RateLimiter(RateLimit limit) : m_limit(limit) {}

void RateLimiter::Refill(Bucket& b, int64_t now_ms) const {
    const int64_t cap = static_cast<int64_t>(m_limit.burst) * MILLI;
    if (now_ms > b.last_ms) {
        const auto rate = static_cast<int64_t>(m_limit.per_second);
        const int64_t elapsed = std::min<int64_t>(now_ms - b.last_ms, cap / rate + 1);  // no overflow
        b.milli_tokens = std::min(cap, b.milli_tokens + elapsed * rate);
    }
    b.last_ms = std::max(b.last_ms, now_ms);
}

bool RateLimiter::Take(const std::string& key, int64_t now_ms) {
    if (m_limit.per_second == 0) return true;
    const int64_t cap = static_cast<int64_t>(m_limit.burst) * MILLI;
    std::lock_guard lock(m_mu);
    Bucket* b = nullptr;
    auto it = m_buckets.find(key);
    if (it != m_buckets.end()) {
        b = &it->second;
    } else {
        if (m_buckets.size() >= m_limit.max_keys) {
            for (auto i = m_buckets.begin(); i != m_buckets.end();) {
                Refill(i->second, now_ms);
                i = i->second.milli_tokens >= cap ? m_buckets.erase(i) : std::next(i);
            }
        }
        if (m_buckets.size() < m_limit.max_keys) {
            b = &m_buckets.emplace(key, Bucket{cap, now_ms}).first->second;
        } else {
            if (!m_overflow_init) m_overflow = Bucket{cap, now_ms};
            m_overflow_init = true;
            b = &m_overflow;
        }
    }
    Refill(*b, now_ms);
    if (b->milli_tokens < MILLI) return false;
    b->milli_tokens -= MILLI;
    return true;
}

size_t RateLimiter::KeyCount() const {
    std::lock_guard lock(m_mu);
    return m_buckets.size();
}

}  // namespace folio::rpc
