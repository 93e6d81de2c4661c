#pragma once
// Zero-trust authentication of RPC callers (docs/rpc-protocol.md, "Authentication").
//   auth_challenge -> {nonce}: 32 random bytes (hex), single use, valid NONCE_TTL (60 s).
//   auth_login {address, signature}: signature = BIP-340 Schnorr by `address` over
//     AuthMessage(chain_id, nonce) = TaggedHash("folio/auth", chain_id_utf8 || 0x00 || nonce_bytes)
//   -> {token, expires}: 32 random bytes (hex) bound to the address, valid token_ttl (1 h).
// Nonces and tokens live in bounded in-memory stores. Thread-safe.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/core/result.h>

namespace folio::rpc {

inline constexpr std::string_view AUTH_TAG = "folio/auth";
inline constexpr size_t AUTH_NONCE_BYTES = 32;
inline constexpr size_t AUTH_TOKEN_BYTES = 32;

// The 32-byte message an auth_login signature signs. Pure.
Hash256 AuthMessage(std::string_view chain_id, ByteView nonce);

struct AuthConfig {
    int64_t nonce_ttl_ms = 60'000;
    int64_t token_ttl_ms = 3'600'000;
    size_t max_nonces = 10'000;           // oldest pending nonce is evicted past this
    size_t max_tokens = 100'000;          // logins are refused (LIMIT_EXCEEDED) past this
    size_t max_tokens_per_account = 16;   // an account's oldest token is revoked past this
    // Optional admission policy (e.g. "the account exists on the ledger"); null admits everyone.
    std::function<bool(const Address&)> login_allowed;
};

// Why a bearer token did not authenticate.
enum class TokenError { MISSING, MALFORMED, UNKNOWN, EXPIRED };
const char* TokenErrorReason(TokenError e);

// Why auth_login was refused.
enum class LoginError { UNKNOWN_NONCE, NONCE_EXPIRED, BAD_SIGNATURE, NOT_ALLOWED, TOO_MANY_TOKENS };
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
    // A fresh nonce from OpenSSL's CSPRNG. Throws std::runtime_error if the CSPRNG fails.
    Challenge IssueChallenge();
    // Consumes `nonce` (whatever the outcome) and, if the signature is valid, issues a token.
    Result<Token, LoginError> Login(const Address& account, const Signature& signature, const Hash256& nonce);
    // The account a token is bound to.
    Result<Address, TokenError> CheckToken(std::string_view token);
    // Parses an HTTP Authorization header value ("Bearer <64 hex>", scheme case-insensitive).
    Result<Address, TokenError> CheckAuthorizationHeader(std::string_view header_value);
    size_t PendingNonces() const;
    size_t ActiveTokens() const;

private:
    struct TokenEntry {
        Address account;
        int64_t expires_ms;
        int64_t issued_seq;
    };
    void PurgeExpiredLocked(int64_t now);

    const std::string m_chain_id;
    const AuthConfig m_config;
    const std::function<int64_t()> m_now;
    mutable std::mutex m_mu;
    std::map<Hash256, int64_t> m_nonces;  // nonce -> expires_ms
    std::deque<Hash256> m_nonce_order;    // issue order, for eviction (may hold used nonces)
    std::map<Hash256, TokenEntry> m_tokens;  // SHA-256(token) -> entry (no token text kept)
    int64_t m_token_seq = 0;
};

}  // namespace folio::rpc
