#include <cli/rpc_client.h>

#include <httplib.h>

#include <node/core/codec.h>

namespace folio::cli {

struct RpcClient::Impl {
    explicit Impl(const std::string& url) : http(url) {
        http.set_connection_timeout(5, 0);
        http.set_read_timeout(60, 0);
        http.set_keep_alive(true);
        http.set_tcp_nodelay(true);  // no Nagle: a request is header + body writes
    }
    httplib::Client http;
};

RpcClient::RpcClient(std::string url) : m_url(std::move(url)), m_impl(std::make_unique<Impl>(m_url)) {}
RpcClient::~RpcClient() = default;

nlohmann::json RpcClient::Call(const std::string& method, const nlohmann::json& params) {
    nlohmann::json req = {{"jsonrpc", "2.0"}, {"id", m_next_id++}, {"method", method}, {"params", params}};
    httplib::Headers headers;
    if (!m_token.empty()) headers.emplace("Authorization", "Bearer " + m_token);
    auto res = m_impl->http.Post("/", headers, req.dump(), "application/json");
    if (!res) throw RpcFailure(0, "cannot reach node at " + m_url + ": " + httplib::to_string(res.error()), nullptr);
    nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        throw RpcFailure(0, "node at " + m_url + " answered HTTP " + std::to_string(res->status) + " without JSON-RPC", nullptr);
    if (body.contains("error")) {
        const auto& e = body["error"];
        throw RpcFailure(e.value("code", -32603), e.value("message", "error"), e.value("data", nlohmann::json(nullptr)));
    }
    return body.value("result", nlohmann::json(nullptr));
}

Hash256 AuthMessage(const std::string& chain_id, const Bytes& nonce) {
    Writer w;
    w.Raw(AsBytes(chain_id));
    w.U8(0);
    w.Raw(nonce);
    return TaggedHash("folio/auth", w.bytes());
}

void RpcClient::Login(const SecretKey& sk, const std::string& chain_id) {
    auto pk = DerivePublicKey(sk);
    if (!pk) throw RpcFailure(0, "invalid key", nullptr);
    nlohmann::json ch = Call("auth_challenge", nlohmann::json::object());
    auto nonce = FromHex(ch.at("nonce").get<std::string>());
    if (!nonce) throw RpcFailure(0, "node sent a malformed challenge", nullptr);
    Hash256 msg = AuthMessage(chain_id, *nonce);
    auto sig = SignSchnorr(sk, msg, Sha256Of(msg.view()));
    nlohmann::json res = Call("auth_login", {{"address", pk->hex()}, {"nonce", ch.at("nonce")}, {"signature", sig->hex()}});
    m_token = res.at("token").get<std::string>();
    m_token_expires = res.value("expires", int64_t{0});
}

}  // namespace folio::cli
