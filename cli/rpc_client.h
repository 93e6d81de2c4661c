#pragma once
// A JSON-RPC 2.0 client over HTTP(S) for the CLI (cpp-httplib). Not thread-safe per object.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <node/core/keys.h>

namespace folio::cli {

// A JSON-RPC error answer (code, message, data) or a transport failure (code 0).
struct RpcFailure : std::runtime_error {
    RpcFailure(int c, const std::string& msg, nlohmann::json d)
        : std::runtime_error(msg), code(c), data(std::move(d)) {}
    int code;
    nlohmann::json data;
};

class RpcClient {
public:
    // `url` like http://127.0.0.1:26657 (https:// for TLS).
    explicit RpcClient(std::string url);
    ~RpcClient();
    // Calls `method`; returns `result` or throws RpcFailure.
    nlohmann::json Call(const std::string& method, const nlohmann::json& params);
    // Logs in as the key's account (auth_challenge + auth_login); later calls carry the token.
    void Login(const SecretKey& sk, const std::string& chain_id);
    const std::string& url() const { return m_url; }
    const std::string& token() const { return m_token; }
    int64_t token_expires() const { return m_token_expires; }

private:
    std::string m_url;
    std::string m_token;
    int64_t m_token_expires = 0;
    uint64_t m_next_id = 1;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The message an account signs to log in: TaggedHash("folio/auth", chain_id || 0x00 || nonce).
Hash256 AuthMessage(const std::string& chain_id, const Bytes& nonce);

}  // namespace folio::cli
