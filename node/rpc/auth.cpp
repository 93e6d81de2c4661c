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
        case TokenError::MISSING: return "authentication required";
        case TokenError::MALFORMED: return "malformed bearer token";
        case TokenError::UNKNOWN: return "unknown token";
        case TokenError::EXPIRED: return "token expired";
    }
    return "unauthorized";
}

const char* LoginErrorReason(LoginError e) {
    switch (e) {
        case LoginError::UNKNOWN_NONCE: return "unknown or already used nonce";
        case LoginError::NONCE_EXPIRED: return "nonce expired";
        case LoginError::BAD_SIGNATURE: return "bad signature";
        case LoginError::NOT_ALLOWED: return "account not allowed to log in";
        case LoginError::TOO_MANY_TOKENS: return "too many active tokens";
    }
    return "login refused";
}

AuthManager::AuthManager(std::string chain_id, AuthConfig config, std::function<int64_t()> now_ms)
    : m_chain_id(std::move(chain_id)), m_config(std::move(config)), m_now(std::move(now_ms)) {}

void AuthManager::PurgeExpiredLocked(int64_t now) {
    for (auto it = m_tokens.begin(); it != m_tokens.end();)
        it = it->second.expires_ms <= now ? m_tokens.erase(it) : std::next(it);
}

Challenge AuthManager::IssueChallenge() {
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
    return {nonce.hex(), expires};
}

Result<Token, LoginError> AuthManager::Login(const Address& account, const Signature& signature,
                                              const Hash256& nonce) {
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

    const auto raw = RandomBytes<AUTH_TOKEN_BYTES>();
    std::lock_guard lock(m_mu);
    const int64_t now = m_now();
    if (m_tokens.size() >= m_config.max_tokens) PurgeExpiredLocked(now);
    // Per-account bound: revoke the account's oldest tokens.
    std::vector<std::pair<int64_t, Hash256>> mine;
    for (const auto& [key, e] : m_tokens)
        if (e.account == account) mine.emplace_back(e.issued_seq, key);
    std::sort(mine.begin(), mine.end());
    for (size_t i = 0; i + m_config.max_tokens_per_account <= mine.size() && i < mine.size(); ++i)
        m_tokens.erase(mine[i].second);
    if (m_tokens.size() >= m_config.max_tokens) return Fail(LoginError::TOO_MANY_TOKENS);
    const int64_t expires = now + m_config.token_ttl_ms;
    m_tokens[Sha256Of(raw.view())] = TokenEntry{account, expires, ++m_token_seq};
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
    if (it->second.expires_ms <= m_now()) {
        m_tokens.erase(it);
        return Fail(TokenError::EXPIRED);
    }
    return it->second.account;
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

}  // namespace folio::rpc
