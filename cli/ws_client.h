#pragma once
// A JSON-RPC 2.0 client over the node's WebSocket (GET /ws; Boost.Beast), for subscriptions:
// `folio events --follow`. ws:// for an http:// node URL, wss:// (TLS 1.3) for https://.
// Blocking, one object per connection; transport failures throw RpcFailure with code 0.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <cli/rpc_client.h>
#include <node/core/keys.h>

namespace folio::cli {

class WsRpcClient {
public:
    // `node_url` as for RpcClient: http://host:port or https://host:port.
    explicit WsRpcClient(const std::string& node_url);
    ~WsRpcClient();
    // Calls `method` and returns its result; notifications that arrive first are kept for Next().
    nlohmann::json Call(const std::string& method, const nlohmann::json& params);
    // Logs in on the socket (auth_challenge + auth_login): the connection is bound to the account
    // for its lifetime, past the token's expiry (docs/rpc-protocol.md §5.1).
    void Login(const SecretKey& sk, const std::string& chain_id);
    // The next notification ({method, params}); blocks until one arrives or the connection fails.
    nlohmann::json Next();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    uint64_t m_next_id = 1;
};

}  // namespace folio::cli
