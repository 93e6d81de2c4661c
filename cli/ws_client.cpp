// A JSON-RPC client over the node's WebSocket (cli/ws_client.h).
#include <cli/ws_client.h>

#include <deque>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace folio::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;

struct WsRpcClient::Impl {
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    std::unique_ptr<websocket::stream<beast::tcp_stream>> plain;
    std::unique_ptr<websocket::stream<asio::ssl::stream<beast::tcp_stream>>> secure;
    std::deque<json> pending;  // notifications read while waiting for a response
    std::string url;

    [[noreturn]] void Fail(const std::string& what, const beast::error_code& ec) const {
        throw RpcFailure(0, "WebSocket to " + url + ": " + what + ": " + ec.message(), nullptr);
    }

    void Open(const std::string& node_url) {
        url = node_url;
        bool tls_on = node_url.rfind("https://", 0) == 0;
        if (!tls_on && node_url.rfind("http://", 0) != 0) throw RpcFailure(0, "node URL must be http:// or https://: " + node_url, nullptr);
        std::string rest = node_url.substr(tls_on ? 8 : 7);
        rest = rest.substr(0, rest.find('/'));
        std::string host = rest, port = tls_on ? "443" : "80";
        if (auto colon = rest.rfind(':'); colon != std::string::npos) host = rest.substr(0, colon), port = rest.substr(colon + 1);
        beast::error_code ec;
        tcp::resolver resolver(io);
        auto endpoints = resolver.resolve(host, port, ec);
        if (ec) Fail("cannot resolve " + host, ec);
        if (tls_on) {
            tls.set_default_verify_paths();
            tls.set_verify_mode(asio::ssl::verify_peer);
            SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_3_VERSION);
            secure = std::make_unique<websocket::stream<asio::ssl::stream<beast::tcp_stream>>>(io, tls);
            beast::get_lowest_layer(*secure).connect(endpoints, ec);
            if (ec) Fail("cannot connect", ec);
            SSL_ctrl(secure->next_layer().native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     static_cast<void*>(const_cast<char*>(host.c_str())));  // SNI (SSL_set_tlsext_host_name, without its C cast)
            secure->next_layer().handshake(asio::ssl::stream_base::client, ec);
            if (ec) Fail("TLS handshake", ec);
            secure->handshake(rest, "/ws", ec);
        } else {
            plain = std::make_unique<websocket::stream<beast::tcp_stream>>(io);
            beast::get_lowest_layer(*plain).connect(endpoints, ec);
            if (ec) Fail("cannot connect", ec);
            plain->handshake(rest, "/ws", ec);
        }
        if (ec) Fail("handshake", ec);
    }

    void Write(const std::string& text) {
        beast::error_code ec;
        if (secure) secure->write(asio::buffer(text), ec);
        else plain->write(asio::buffer(text), ec);
        if (ec) Fail("write", ec);
    }

    json Read() {
        beast::flat_buffer buf;
        beast::error_code ec;
        if (secure) secure->read(buf, ec);
        else plain->read(buf, ec);
        if (ec) Fail("connection lost", ec);
        json j = json::parse(beast::buffers_to_string(buf.data()), nullptr, false);
        if (j.is_discarded() || !j.is_object()) throw RpcFailure(0, "WebSocket to " + url + ": a message that is not JSON-RPC", nullptr);
        return j;
    }
};

WsRpcClient::WsRpcClient(const std::string& node_url) : m_impl(std::make_unique<Impl>()) { m_impl->Open(node_url); }
WsRpcClient::~WsRpcClient() = default;

json WsRpcClient::Call(const std::string& method, const json& params) {
    uint64_t id = m_next_id++;
    m_impl->Write(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    for (;;) {
        json m = m_impl->Read();
        if (!m.contains("id")) {
            m_impl->pending.push_back(std::move(m));
            continue;
        }
        if (m["id"] != id) continue;
        if (m.contains("error")) {
            const json& e = m["error"];
            throw RpcFailure(e.value("code", -32603), e.value("message", "error"), e.value("data", json(nullptr)));
        }
        return m.value("result", json(nullptr));
    }
}

void WsRpcClient::Login(const SecretKey& sk, const std::string& chain_id) {
    auto pk = DerivePublicKey(sk);
    if (!pk) throw RpcFailure(0, "invalid key", nullptr);
    json ch = Call("auth_challenge", json::object());
    auto nonce = FromHex(ch.at("nonce").get<std::string>());
    if (!nonce) throw RpcFailure(0, "node sent a malformed challenge", nullptr);
    Hash256 msg = AuthMessage(chain_id, *nonce);
    auto sig = SignSchnorr(sk, msg, Sha256Of(msg.view()));
    Call("auth_login", {{"address", pk->hex()}, {"nonce", ch.at("nonce")}, {"signature", sig->hex()}});
}

json WsRpcClient::Next() {
    if (!m_impl->pending.empty()) {
        json m = std::move(m_impl->pending.front());
        m_impl->pending.pop_front();
        return m;
    }
    for (;;) {
        json m = m_impl->Read();
        if (!m.contains("id")) return m;
    }
}

}  // namespace folio::cli
