#include <node/rpc/auth.h>

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace folio::rpc {

namespace {
template <size_t N>
FixedBytes<N> RandomBytes() {
    FixedBytes<N> out;
    if (RAND_bytes(out.data.data(), static_cast<int>(N)) != 1) throw std::runtime_error("RAND_bytes failed");
    return out;
}
bool IEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}
}  // namespace

Hash256 AuthMessage(std::string_view chain_id, ByteView nonce) {
    Bytes msg(chain_id.begin(), chain_id.end());
    msg.push_back(0x00);
    msg.insert(msg.end(), nonce.begin(), nonce.end());
    return TaggedHash(AUTH_TAG, msg);
}

const char* TokenErrorReason(TokenError e) {
    switch (e) {
        case TokenError::MISSING:
            return "authentication required";
        case TokenError::MALFORMED:
            return "malformed bearer token";
        case TokenError::UNKNOWN:
            return "unknown token";
        case TokenError::EXPIRED:
            return "token expired";
    }
    return "unauthorized";
}

const char* LoginErrorReason(LoginError e) {
    switch (e) {
        case LoginError::UNKNOWN_NONCE:
            return "unknown or already used nonce";
        case LoginError::NONCE_EXPIRED:
            return "nonce expired";
        case LoginError::BAD_SIGNATURE:
            return "bad signature";
        case LoginError::NOT_ALLOWED:
            return "account not allowed to log in";
        case LoginError::RATE_LIMITED:
            return "too many login attempts from this address";
    }
    return "login refused";
}

AuthManager::AuthManager(std::string chain_id, AuthConfig config, std::function<int64_t()> now_ms)
    : m_chain_id(std::move(chain_id)),
      m_config(std::move(config)),
      m_now(std::move(now_ms)),
      m_challenge_limiter(m_config.challenge_rate) {}

void AuthManager::EraseLocked(std::map<Hash256, TokenEntry>::iterator it) {
    const TokenEntry& e = it->second;
    m_by_seq.erase(e.seq);
    if (auto a = m_by_account.find(e.account); a != m_by_account.end()) {
        a->second.erase(e.seq);
        if (a->second.empty()) m_by_account.erase(a);
    }
    m_evict.erase(EvictKey{e.known, e.last_used_ms, e.seq});
    m_tokens.erase(it);
}

void AuthManager::PurgeExpiredLocked(int64_t now) {
    while (!m_by_seq.empty()) {
        auto it = m_tokens.find(m_by_seq.begin()->second);
        if (it == m_tokens.end()) {  // cannot happen: the indexes are kept together
            m_by_seq.erase(m_by_seq.begin());
            continue;
        }
        if (it->second.expires_ms > now) break;
        EraseLocked(it);
    }
}

Result<Challenge, LoginError> AuthManager::IssueChallenge(const std::string& peer) {
    if (!m_challenge_limiter.Take(peer, m_now())) {
        std::lock_guard lock(m_mu);
        ++m_rate_limited;
        return Fail(LoginError::RATE_LIMITED);
    }
    const Hash256 nonce = RandomBytes<AUTH_NONCE_BYTES>();
    std::lock_guard lock(m_mu);
    const int64_t now = m_now();
    // Drop expired or used nonces from the front, then evict the oldest while over the bound.
    while (!m_nonce_order.empty()) {
        auto it = m_nonces.find(m_nonce_order.front());
        if (it != m_nonces.end() && it->second > now && m_nonces.size() < m_config.max_nonces) break;
        if (it != m_nonces.end()) m_nonces.erase(it);
        m_nonce_order.pop_front();
    }
    if (m_nonce_order.size() > 2 * m_config.max_nonces + 16) {  // drop used nonces from the order
        std::deque<Hash256> kept;
        for (const auto& n : m_nonce_order)
            if (m_nonces.count(n)) kept.push_back(n);
        m_nonce_order.swap(kept);
    }
    const int64_t expires = now + m_config.nonce_ttl_ms;
    m_nonces[nonce] = expires;
    m_nonce_order.push_back(nonce);
    return Challenge{nonce.hex(), expires};
}

Result<Token, LoginError> AuthManager::Login(const Address& account, const Signature& signature, const Hash256& nonce) {
    {
        std::lock_guard lock(m_mu);
        auto it = m_nonces.find(nonce);
        if (it == m_nonces.end()) return Fail(LoginError::UNKNOWN_NONCE);
        const bool expired = it->second <= m_now();
        m_nonces.erase(it);  // single use, whatever the outcome
        if (expired) return Fail(LoginError::NONCE_EXPIRED);
    }
    if (!VerifySchnorr(account, AuthMessage(m_chain_id, nonce.view()), signature))
        return Fail(LoginError::BAD_SIGNATURE);
    if (m_config.login_allowed && !m_config.login_allowed(account)) return Fail(LoginError::NOT_ALLOWED);
    const bool known = m_config.is_known && m_config.is_known(account);

    const auto raw = RandomBytes<AUTH_TOKEN_BYTES>();
    std::lock_guard lock(m_mu);
    const int64_t now = m_now();
    PurgeExpiredLocked(now);
    // Per-account bound: revoke the account's oldest tokens.
    if (auto a = m_by_account.find(account); a != m_by_account.end()) {
        while (!a->second.empty() && a->second.size() >= std::max<size_t>(1, m_config.max_tokens_per_account)) {
            auto it = m_tokens.find(a->second.begin()->second);
            if (it == m_tokens.end()) {
                a->second.erase(a->second.begin());
                continue;
            }
            const bool last = a->second.size() == 1;
            EraseLocked(it);  // may erase `a` itself when it held the last token
            if (last) break;
        }
    }
    // Global bound: evict the least valuable token (never refuse the login).
    while (!m_evict.empty() && m_tokens.size() >= std::max<size_t>(1, m_config.max_tokens)) {
        auto it = m_tokens.find(m_evict.begin()->second);
        if (it == m_tokens.end()) {
            m_evict.erase(m_evict.begin());
            continue;
        }
        EraseLocked(it);
        ++m_evicted;
    }
    const int64_t expires = now + m_config.token_ttl_ms;
    const int64_t seq = ++m_token_seq;
    const Hash256 key = Sha256Of(raw.view());
    m_tokens[key] = TokenEntry{account, expires, seq, known, now};
    m_by_seq[seq] = key;
    m_by_account[account][seq] = key;
    m_evict[EvictKey{known, now, seq}] = key;
    return Token{raw.hex(), account, expires};
}

Result<Address, TokenError> AuthManager::CheckToken(std::string_view token) {
    if (token.size() != 2 * AUTH_TOKEN_BYTES) return Fail(TokenError::MALFORMED);
    auto raw = FromHex(token);
    if (!raw || token.substr(0, 2) == "0x" || token.substr(0, 2) == "0X") return Fail(TokenError::MALFORMED);
    const Hash256 key = Sha256Of(ByteView(*raw));
    std::lock_guard lock(m_mu);
    auto it = m_tokens.find(key);
    if (it == m_tokens.end()) return Fail(TokenError::UNKNOWN);
    const int64_t now = m_now();
    TokenEntry& e = it->second;
    if (e.expires_ms <= now) {
        EraseLocked(it);
        return Fail(TokenError::EXPIRED);
    }
    if (now > e.last_used_ms) {  // recently used tokens are evicted last
        auto node = m_evict.extract(EvictKey{e.known, e.last_used_ms, e.seq});
        e.last_used_ms = now;
        if (!node.empty()) {
            node.key() = EvictKey{e.known, e.last_used_ms, e.seq};
            m_evict.insert(std::move(node));
        }
    }
    return e.account;
}

Result<Address, TokenError> AuthManager::CheckAuthorizationHeader(std::string_view value) {
    constexpr std::string_view SCHEME = "bearer ";
    if (value.empty()) return Fail(TokenError::MISSING);
    if (value.size() <= SCHEME.size() || !IEquals(value.substr(0, SCHEME.size()), SCHEME))
        return Fail(TokenError::MALFORMED);
    auto token = value.substr(SCHEME.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return CheckToken(token);
}

size_t AuthManager::PendingNonces() const {
    std::lock_guard lock(m_mu);
    return m_nonces.size();
}

size_t AuthManager::ActiveTokens() const {
    std::lock_guard lock(m_mu);
    return m_tokens.size();
}

uint64_t AuthManager::EvictedTokens() const {
    std::lock_guard lock(m_mu);
    return m_evicted;
}

uint64_t AuthManager::RateLimitedChallenges() const {
    std::lock_guard lock(m_mu);
    return m_rate_limited;
}

}  // namespace folio::rpc
