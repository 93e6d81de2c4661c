#pragma once
// Token-bucket rate limiting per key (an account or an IP address). Integer arithmetic in
// milli-tokens: a bucket holds at most `burst` tokens and regains `per_second` tokens per second.
// The number of buckets is bounded by `max_keys`: when full, buckets that have refilled
// completely (indistinguishable from new ones) are dropped; if none can be dropped, new keys share
// one overflow bucket. Thread-safe.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace folio::rpc {

struct RateLimit {
    uint32_t per_second = 100;  // 0 disables rate limiting
    uint32_t burst = 200;
    size_t max_keys = 100000;
};

class RateLimiter {
public:
    explicit RateLimiter(RateLimit limit);
    // Takes one token from `key`'s bucket at time `now_ms` (any monotonic-enough millisecond
    // clock); false if the bucket is empty.
    bool Take(const std::string& key, int64_t now_ms);
    size_t KeyCount() const;

private:
    struct Bucket {
        int64_t milli_tokens = 0;
        int64_t last_ms = 0;
    };
    void Refill(Bucket& b, int64_t now_ms) const;

    const RateLimit m_limit;
    mutable std::mutex m_mu;
    std::unordered_map<std::string, Bucket> m_buckets;
    Bucket m_overflow;
    bool m_overflow_init = false;
};

}  // namespace folio::rpc
