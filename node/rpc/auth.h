#pragma once
// Zero-trust authentication of RPC callers (docs/rpc-protocol.md, "Authentication").
//   auth_challenge -> {nonce}: 32 random bytes (hex), single use, valid NONCE_TTL (60 s).
//   auth_login {address, signature}: signature = BIP-340 Schnorr by `address` over
//     AuthMessage(chain_id, nonce) = TaggedHash("folio/auth", chain_id_utf8 || 0x00 || nonce_bytes)
//   -> {token, expires}: 32 random bytes (hex) bound to the address, valid token_ttl (1 h).
// Nonces and tokens live in bounded in-memory stores (docs/rpc.md, "Hostile clients"):
//   - challenges are rate-limited per remote address (a login needs a fresh challenge, so this
//     bounds login attempts per address);
//   - an account holds at most max_tokens_per_account tokens (its oldest is revoked past that);
//   - the store holds at most max_tokens: a login into a full store is never refused, it evicts
//     the least valuable token instead — expired ones first, then tokens of accounts the ledger
//     does not know (is_known) before those of known accounts, least recently used first. So a
//     flood of logins by fresh keys can only displace other fresh keys' tokens.
// Thread-safe.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/core/result.h>
#include <node/rpc/rate_limiter.h>

namespace folio::rpc {

inline constexpr std::string_view AUTH_TAG = "folio/auth";
inline constexpr size_t AUTH_NONCE_BYTES = 32;
inline constexpr size_t AUTH_TOKEN_BYTES = 32;

// The 32-byte message an auth_login signature signs. Pure.
Hash256 AuthMessage(std::string_view chain_id, ByteView nonce);

struct AuthConfig {
    int64_t nonce_ttl_ms = 60'000;
    int64_t token_ttl_ms = 3'600'000;
    size_t max_nonces = 10'000;          // oldest pending nonce is evicted past this
    size_t max_tokens = 100'000;         // the least valuable token is evicted past this (above)
    size_t max_tokens_per_account = 16;  // an account's oldest token is revoked past this
    // auth_challenge calls per remote address (IssueChallenge's `peer`); per_second 0 disables.
    RateLimit challenge_rate{10, 100, 100'000};
    // Optional admission policy; null admits everyone.
    std::function<bool(const Address&)> login_allowed;
    // Accounts whose tokens are evicted last (foliod: the account exists on the ledger); null:
    // every account is unknown. Called once per successful login, without the manager's lock.
    std::function<bool(const Address&)> is_known;
};

// Why a bearer token did not authenticate.
enum class TokenError { MISSING, MALFORMED, UNKNOWN, EXPIRED };
const char* TokenErrorReason(TokenError e);

// Why auth_challenge or auth_login was refused.
enum class LoginError { UNKNOWN_NONCE, NONCE_EXPIRED, BAD_SIGNATURE, NOT_ALLOWED, RATE_LIMITED };
const char* LoginErrorReason(LoginError e);

struct Challenge {
    std::string nonce;   // 64 lowercase hex characters
    int64_t expires_ms;  // unix milliseconds
};

struct Token {
    std::string token;  // 64 lowercase hex characters
    Address account;
    int64_t expires_ms;  // unix milliseconds
};

class AuthManager {
public:
    // `now_ms` returns unix time in milliseconds; it is called under the manager's lock.
    AuthManager(std::string chain_id, AuthConfig config, std::function<int64_t()> now_ms);

    const std::string& ChainId() const { return m_chain_id; }
    // A fresh nonce from OpenSSL's CSPRNG, or RATE_LIMITED when `peer` (the caller's IP address)
    // has used up its challenge budget. Throws std::runtime_error if the CSPRNG fails.
    Result<Challenge, LoginError> IssueChallenge(const std::string& peer);
    // Consumes `nonce` (whatever the outcome) and, if the signature is valid, issues a token.
    Result<Token, LoginError> Login(const Address& account, const Signature& signature, const Hash256& nonce);
    // The account a token is bound to.
    Result<Address, TokenError> CheckToken(std::string_view token);
    // Parses an HTTP Authorization header value ("Bearer <64 hex>", scheme case-insensitive).
    Result<Address, TokenError> CheckAuthorizationHeader(std::string_view header_value);
    size_t PendingNonces() const;
    size_t ActiveTokens() const;
    // Tokens evicted from the full store, and challenges refused by the rate limit, since start.
    uint64_t EvictedTokens() const;
    uint64_t RateLimitedChallenges() const;

private:
    // Eviction order: unknown accounts before known ones, then least recently used, then oldest.
    using EvictKey = std::tuple<bool, int64_t, int64_t>;  // (known, last_used_ms, seq)
    struct TokenEntry {
        Address account;
        int64_t expires_ms;
        int64_t seq;
        bool known;
        int64_t last_used_ms;
    };
    void PurgeExpiredLocked(int64_t now);
    void EraseLocked(std::map<Hash256, TokenEntry>::iterator it);

    const std::string m_chain_id;
    const AuthConfig m_config;
    const std::function<int64_t()> m_now;
    mutable std::mutex m_mu;
    std::map<Hash256, int64_t> m_nonces;                         // nonce -> expires_ms
    std::deque<Hash256> m_nonce_order;                           // issue order, for eviction (may hold used nonces)
    std::map<Hash256, TokenEntry> m_tokens;                      // SHA-256(token) -> entry (no token text kept)
    std::map<int64_t, Hash256> m_by_seq;                         // issue order == expiry order (one TTL for all)
    std::map<Address, std::map<int64_t, Hash256>> m_by_account;  // per-account, issue order
    std::map<EvictKey, Hash256> m_evict;                         // eviction order
    int64_t m_token_seq = 0;
    uint64_t m_evicted = 0;
    uint64_t m_rate_limited = 0;
    RateLimiter m_challenge_limiter;
};

}  // namespace folio::rpc
