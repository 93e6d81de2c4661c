// The auth scheme's test vector (docs/rpc-protocol.md), the login example of docs/rpc.md, and the
// nonce/token store.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>

#include <node/core/keys.h>
#include <node/rpc/auth.h>

using namespace folio;
using namespace folio::rpc;

namespace {
SecretKey Key(uint8_t fill) {
    SecretKey sk;
    sk.data.fill(fill);
    return sk;
}
Hash256 Nonce(const Challenge& c) { return *Hash256::FromHexStr(c.nonce); }
Signature SignLogin(const SecretKey& sk, const std::string& chain, const Hash256& nonce) {
    return *SignSchnorr(sk, AuthMessage(chain, nonce.view()), Hash256{});
}
struct Env {
    std::atomic<int64_t> now{1'700'000'000'000};
    AuthManager auth;
    explicit Env(AuthConfig c = {}) : auth("folio-devnet", std::move(c), [this] { return now.load(); }) {}
    Challenge Issue(const std::string& peer = "127.0.0.1") {
        auto c = auth.IssueChallenge(peer);
        REQUIRE(c.ok());
        return *c;
    }
    // challenge -> sign -> login from `peer`.
    Result<Token, LoginError> LoginAs(const SecretKey& k, const std::string& peer = "127.0.0.1") {
        const Challenge c = Issue(peer);
        return auth.Login(*DerivePublicKey(k), SignLogin(k, "folio-devnet", Nonce(c)), Nonce(c));
    }
};
}  // namespace

TEST_CASE("auth: test vector of docs/rpc-protocol.md") {
    const SecretKey sk = Key(0x11);
    Bytes nonce;
    for (uint8_t i = 0; i < 32; ++i) nonce.push_back(i);
    const Address address = *DerivePublicKey(sk);
    CHECK(address.hex() == "4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa");
    const Hash256 msg = AuthMessage("folio-devnet", nonce);
    CHECK(msg.hex() == "e7add4ce99f842b1cdfac1af55c3d9a6ba35889cbc15573ca30fc0c47c0b6625");
    const Signature sig = *SignSchnorr(sk, msg, Hash256{});
    CHECK(sig.hex() ==
          "7dcd12957e4e4365b058322269ad682af3eea742e277d1c4b3e5d8bf4e70efdc"
          "fe0e08f7ab137cae8e829ba71f0225c67111a538a7fc1ffd62069583bb162402");
    CHECK(VerifySchnorr(address, msg, sig));
    // The chain id is part of the message: a signature for another chain does not verify.
    CHECK_FALSE(VerifySchnorr(address, AuthMessage("folio-mainnet", nonce), sig));
}

TEST_CASE("auth: login issues a token bound to the address; nonces are single use") {
    Env e;
    const SecretKey sk = Key(0x22);
    const Address a = *DerivePublicKey(sk);
    const Challenge c = e.Issue();
    CHECK(c.nonce.size() == 64);
    CHECK(c.expires_ms == e.now + 60'000);
    CHECK(e.Issue().nonce != c.nonce);
    auto tok = e.auth.Login(a, SignLogin(sk, "folio-devnet", Nonce(c)), Nonce(c));
    REQUIRE(tok.ok());
    CHECK(tok->token.size() == 64);
    CHECK(tok->expires_ms == e.now + 3'600'000);
    auto who = e.auth.CheckToken(tok->token);
    REQUIRE(who.ok());
    CHECK(*who == a);
    auto again = e.auth.Login(a, SignLogin(sk, "folio-devnet", Nonce(c)), Nonce(c));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error() == LoginError::UNKNOWN_NONCE);
}

TEST_CASE("auth: refusals - bad signature, wrong chain, expired nonce, unknown nonce, policy") {
    AuthConfig cfg;
    const SecretKey banned = Key(0x44);
    cfg.login_allowed = [b = *DerivePublicKey(banned)](const Address& a) { return a != b; };
    Env e(cfg);
    const SecretKey sk = Key(0x22);
    const Address a = *DerivePublicKey(sk);
    auto c = e.Issue();
    auto r = e.auth.Login(a, SignLogin(Key(0x33), "folio-devnet", Nonce(c)), Nonce(c));  // another key
    CHECK(r.error() == LoginError::BAD_SIGNATURE);
    CHECK(e.auth.Login(a, SignLogin(sk, "folio-devnet", Nonce(c)), Nonce(c)).error() ==
          LoginError::UNKNOWN_NONCE);  // consumed by the failed attempt
    c = e.Issue();
    CHECK(e.auth.Login(a, SignLogin(sk, "other-chain", Nonce(c)), Nonce(c)).error() == LoginError::BAD_SIGNATURE);
    c = e.Issue();
    e.now += 60'000;
    CHECK(e.auth.Login(a, SignLogin(sk, "folio-devnet", Nonce(c)), Nonce(c)).error() == LoginError::NONCE_EXPIRED);
    Hash256 never;
    never.data.fill(7);
    CHECK(e.auth.Login(a, SignLogin(sk, "folio-devnet", never), never).error() == LoginError::UNKNOWN_NONCE);
    c = e.Issue();
    CHECK(e.auth.Login(*DerivePublicKey(banned), SignLogin(banned, "folio-devnet", Nonce(c)), Nonce(c)).error() ==
          LoginError::NOT_ALLOWED);
}

TEST_CASE("auth: tokens expire; malformed and unknown tokens are told apart") {
    Env e;
    const SecretKey sk = Key(0x22);
    auto c = e.Issue();
    auto tok = e.auth.Login(*DerivePublicKey(sk), SignLogin(sk, "folio-devnet", Nonce(c)), Nonce(c));
    REQUIRE(tok.ok());
    CHECK(e.auth.CheckAuthorizationHeader("Bearer " + tok->token).ok());
    CHECK(e.auth.CheckAuthorizationHeader("bearer  " + tok->token + " ").ok());
    CHECK(e.auth.CheckAuthorizationHeader("").error() == TokenError::MISSING);
    CHECK(e.auth.CheckAuthorizationHeader("Basic abc").error() == TokenError::MALFORMED);
    CHECK(e.auth.CheckAuthorizationHeader("Bearer xyz").error() == TokenError::MALFORMED);
    CHECK(e.auth.CheckToken(std::string(64, 'a')).error() == TokenError::UNKNOWN);
    e.now += 3'600'000 - 1;
    CHECK(e.auth.CheckToken(tok->token).ok());
    e.now += 1;
    CHECK(e.auth.CheckToken(tok->token).error() == TokenError::EXPIRED);
    CHECK(e.auth.ActiveTokens() == 0);
}

TEST_CASE("auth: stores are bounded") {
    AuthConfig cfg;
    cfg.max_nonces = 4;
    cfg.max_tokens = 3;
    cfg.max_tokens_per_account = 2;
    Env e(cfg);
    const auto first = e.Issue();
    for (int i = 0; i < 10; ++i) (void)e.Issue();
    CHECK(e.auth.PendingNonces() == 4);
    const SecretKey sk = Key(0x22);
    const Address a = *DerivePublicKey(sk);
    CHECK(e.auth.Login(a, SignLogin(sk, "folio-devnet", Nonce(first)), Nonce(first)).error() ==
          LoginError::UNKNOWN_NONCE);  // evicted as the oldest
    auto login = [&](const SecretKey& k) {
        auto c = e.Issue();
        return e.auth.Login(*DerivePublicKey(k), SignLogin(k, "folio-devnet", Nonce(c)), Nonce(c));
    };
    auto t1 = login(sk);
    auto t2 = login(sk);
    auto t3 = login(sk);  // per-account bound 2: t1 is revoked
    REQUIRE(t3.ok());
    CHECK(e.auth.CheckToken(t1->token).error() == TokenError::UNKNOWN);
    CHECK(e.auth.CheckToken(t2->token).ok());
    auto t33 = login(Key(0x33));
    REQUIRE(t33.ok());
    // The store is full (3): a new login is never refused; the least recently used token goes.
    e.now += 1;
    CHECK(e.auth.CheckToken(t2->token).ok());  // used: t3 is now the least recently used
    CHECK(e.auth.CheckToken(t33->token).ok());
    auto t55 = login(Key(0x55));
    REQUIRE(t55.ok());
    CHECK(e.auth.ActiveTokens() == 3);
    CHECK(e.auth.EvictedTokens() == 1);
    CHECK(e.auth.CheckToken(t3->token).error() == TokenError::UNKNOWN);
    CHECK(e.auth.CheckToken(t2->token).ok());
    CHECK(e.auth.CheckToken(t33->token).ok());
    CHECK(e.auth.CheckToken(t55->token).ok());
    e.now += 3'600'000;  // all expired: purged by the next login, nothing evicted
    CHECK(login(Key(0x66)).ok());
    CHECK(e.auth.ActiveTokens() == 1);
    CHECK(e.auth.EvictedTokens() == 1);
}

TEST_CASE("auth: a flood of logins by fresh keys never displaces a known account's token") {
    const SecretKey real = Key(0x22);
    const Address real_addr = *DerivePublicKey(real);
    AuthConfig cfg;
    cfg.max_tokens = 8;
    cfg.challenge_rate = RateLimit{0, 0, 100};  // this test is about the store, not the rate
    cfg.is_known = [real_addr](const Address& a) { return a == real_addr; };
    Env e(cfg);
    auto mine = e.LoginAs(real);
    REQUIRE(mine.ok());
    // The real user's token is old and unused; 500 fresh keys log in after it.
    for (int i = 0; i < 500; ++i) {
        SecretKey k;
        k.data.fill(0);
        k.data[0] = 0x40;
        k.data[30] = static_cast<uint8_t>(i >> 8);
        k.data[31] = static_cast<uint8_t>(i);
        e.now += 1;
        REQUIRE(e.LoginAs(k, "10.0.0." + std::to_string(i % 200)).ok());
    }
    CHECK(e.auth.ActiveTokens() == 8);
    CHECK(e.auth.EvictedTokens() == 493);
    CHECK(e.auth.CheckToken(mine->token).ok());
    // And the real user can still log in (a second token).
    auto again = e.LoginAs(real);
    REQUIRE(again.ok());
    CHECK(e.auth.CheckToken(again->token).ok());
    CHECK(e.auth.CheckToken(mine->token).ok());
}

TEST_CASE("auth: challenges (so login attempts) are rate-limited per remote address") {
    AuthConfig cfg;
    cfg.challenge_rate = RateLimit{2, 5, 100};
    Env e(cfg);
    for (int i = 0; i < 5; ++i) CHECK(e.auth.IssueChallenge("10.0.0.1").ok());
    auto refused = e.auth.IssueChallenge("10.0.0.1");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error() == LoginError::RATE_LIMITED);
    CHECK(std::string(LoginErrorReason(refused.error())) == "too many login attempts from this address");
    CHECK(e.auth.RateLimitedChallenges() == 1);
    // Another address is not affected, and the limited one refills at 2 per second.
    CHECK(e.auth.IssueChallenge("10.0.0.2").ok());
    e.now += 500;
    CHECK(e.auth.IssueChallenge("10.0.0.1").ok());
    CHECK_FALSE(e.auth.IssueChallenge("10.0.0.1").ok());
    CHECK(e.auth.PendingNonces() == 7);
}

TEST_CASE("auth: the auth_login example of docs/rpc.md signs the auth_challenge example and verifies") {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/docs/rpc.md");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string md = ss.str();
    const size_t from = md.find("### `auth_challenge`"), to = md.find("### Hostile clients");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    const std::string section = md.substr(from, to - from);
    auto field = [&](const std::string& name, size_t occurrence) {
        std::regex re("\"" + name + "\":\"([^\"]*)\"");
        auto it = std::sregex_iterator(section.begin(), section.end(), re);
        for (size_t i = 0; i < occurrence && it != std::sregex_iterator(); ++i) ++it;
        REQUIRE(it != std::sregex_iterator());
        return (*it)[1].str();
    };
    const std::string chain = field("chain_id", 0);
    const std::string challenge_nonce = field("nonce", 0), login_nonce = field("nonce", 1);
    CHECK(login_nonce == challenge_nonce);
    const auto address = Address::FromHexStr(field("address", 0));
    const auto nonce = FromHex(login_nonce);
    const auto sig = Signature::FromHexStr(field("signature", 0));
    REQUIRE(address);
    REQUIRE(nonce);
    REQUIRE(sig);
    const Hash256 msg = AuthMessage(chain, *nonce);
    CHECK(VerifySchnorr(*address, msg, *sig));
    // It is alice's (secret key 11...11) BIP-340 signature with aux_rand zero, as the page says.
    CHECK(*address == *DerivePublicKey(Key(0x11)));
    CHECK(*SignSchnorr(Key(0x11), msg, Hash256{}) == *sig);
    CHECK(section.find(msg.hex()) != std::string::npos);
}
