#include <tests/unit/rpc/test_client.h>

#include <array>
#include <functional>
#include <optional>
#include <stdexcept>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>

namespace folio::rpc::test {

namespace {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using nlohmann::json;

tcp::endpoint Local(uint16_t port) { return {net::ip::make_address("127.0.0.1"), port}; }

// Runs one asynchronous operation to completion or the deadline.
template <class Start, class Abort>
void RunOp(net::io_context& ioc, std::chrono::milliseconds timeout, Start&& start, Abort&& abort) {
    bool done = false;
    beast::error_code ec;
    start([&](beast::error_code e, auto&&...) {
        ec = e;
        done = true;
    });
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
        abort();
        ioc.restart();
        ioc.run();
        throw std::runtime_error("test client: timeout");
    }
    if (ec) throw beast::system_error(ec);
}
}  // namespace

// ---------------------------------------------------------------------------------------------
struct RpcTestClient::Impl {
    net::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    uint16_t port;
    bool tls;
    std::chrono::milliseconds timeout;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buf;

    beast::tcp_stream& Lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
    template <class F>
    void Op(F&& start) {
        RunOp(ioc, timeout, std::forward<F>(start), [this] { Lowest().close(); });
    }
    template <class F>
    void WithStream(F&& f) {
        if (secure) {
            f(*secure);
        } else {
            f(*plain);
        }
    }
    bool Connected() const { return plain.has_value() || secure.has_value(); }
    void Reset() {
        if (plain) plain->close();
        if (secure) beast::get_lowest_layer(*secure).close();
        plain.reset();
        secure.reset();
        buf.consume(buf.size());
    }
    void Connect() {
        Reset();
        if (tls) {
            ctx.set_verify_mode(ssl::verify_none);
            secure.emplace(ioc, ctx);
            Op([&](auto h) { beast::get_lowest_layer(*secure).async_connect(Local(port), h); });
            Op([&](auto h) { secure->async_handshake(ssl::stream_base::client, h); });
        } else {
            plain.emplace(ioc);
            Op([&](auto h) { plain->async_connect(Local(port), h); });
        }
    }
    HttpReply Exchange(http::request<http::string_body>& req) {
        if (!Connected()) Connect();
        req.set(http::field::host, "127.0.0.1");
        req.prepare_payload();
        WithStream([&](auto& s) { Op([&](auto h) { http::async_write(s, req, h); }); });
        http::response_parser<http::string_body> parser;
        parser.body_limit(64u << 20);
        WithStream([&](auto& s) { Op([&](auto h) { http::async_read(s, buf, parser, h); }); });
        auto res = parser.release();
        HttpReply r;
        r.status = static_cast<int>(res.result_int());
        r.body = res.body();
        r.content_type = std::string(res[http::field::content_type]);
        r.keep_alive = res.keep_alive();
        if (!r.keep_alive) Reset();
        return r;
    }
};

RpcTestClient::RpcTestClient(uint16_t port, bool tls, std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->port = port;
    m_impl->tls = tls;
    m_impl->timeout = timeout;
}
RpcTestClient::~RpcTestClient() = default;

void RpcTestClient::Connect() { m_impl->Connect(); }
void RpcTestClient::Close() { m_impl->Reset(); }

HttpReply RpcTestClient::Post(const std::string& body, const std::string& bearer, const std::string& target) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::content_type, "application/json");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    req.keep_alive(true);
    req.body() = body;
    return m_impl->Exchange(req);
}

HttpReply RpcTestClient::Get(const std::string& target) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.keep_alive(true);
    return m_impl->Exchange(req);
}

json RpcTestClient::Call(const std::string& method, const json& params, const std::string& bearer) {
    json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return Post(req.dump(), bearer).Json();
}

// ---------------------------------------------------------------------------------------------
struct WsTestClient::Impl {
    net::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    std::chrono::milliseconds timeout;
    std::optional<websocket::stream<beast::tcp_stream>> plain;
    std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> secure;
    beast::flat_buffer buf;
    std::deque<json> notes;
    int64_t next_id = 1;
    int close_code = 0;

    beast::tcp_stream& Lowest() { return secure ? beast::get_lowest_layer(*secure) : beast::get_lowest_layer(*plain); }
    template <class F>
    void Op(F&& start) {
        RunOp(ioc, timeout, std::forward<F>(start), [this] { Lowest().close(); });
    }
    template <class F>
    void WithStream(F&& f) {
        if (secure) {
            f(*secure);
        } else {
            f(*plain);
        }
    }
};

WsTestClient::WsTestClient(uint16_t port, const std::string& bearer, bool tls, std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>()) {
    auto& m = *m_impl;
    m.timeout = timeout;
    if (tls) {
        m.ctx.set_verify_mode(ssl::verify_none);
        m.secure.emplace(m.ioc, m.ctx);
    } else {
        m.plain.emplace(m.ioc);
    }
    // A small receive buffer, so a client that stops reading backs the server up quickly.
    m.Op([&](auto h) {
        beast::error_code ec;
        m.Lowest().socket().open(tcp::v4(), ec);
        m.Lowest().socket().set_option(net::socket_base::receive_buffer_size(16 * 1024), ec);
        m.Lowest().async_connect(Local(port), h);
    });
    if (tls) m.Op([&](auto h) { m.secure->next_layer().async_handshake(ssl::stream_base::client, h); });
    m.WithStream([&](auto& ws) {
        ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
            if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
        }));
        ws.read_message_max(64u << 20);
        m.Op([&](auto h) { ws.async_handshake("127.0.0.1", "/ws", h); });
    });
}
WsTestClient::~WsTestClient() = default;

void WsTestClient::Send(const std::string& text) {
    m_impl->WithStream([&](auto& ws) {
        ws.text(true);
        m_impl->Op([&](auto h) { ws.async_write(net::buffer(text), h); });
    });
}

std::string WsTestClient::Read() {
    auto& m = *m_impl;
    std::string out;
    m.WithStream([&](auto& ws) {
        try {
            m.Op([&](auto h) { ws.async_read(m.buf, h); });
        } catch (const beast::system_error& e) {
            m.close_code = static_cast<int>(ws.reason().code);
            throw std::runtime_error("websocket read failed: " + e.code().message() + " (close code " +
                                     std::to_string(m.close_code) + ")");
        }
        out = beast::buffers_to_string(m.buf.data());
        m.buf.consume(m.buf.size());
    });
    return out;
}

json WsTestClient::Call(const std::string& method, const json& params) {
    const int64_t id = m_impl->next_id++;
    Send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    for (;;) {
        json msg = json::parse(Read());
        if (msg.is_object() && msg.contains("id") && msg["id"] == id) return msg;
        m_impl->notes.push_back(std::move(msg));
    }
}

json WsTestClient::NextNotification() {
    if (!m_impl->notes.empty()) {
        json n = std::move(m_impl->notes.front());
        m_impl->notes.pop_front();
        return n;
    }
    return json::parse(Read());
}

int WsTestClient::CloseCode() const { return m_impl->close_code; }

// ---------------------------------------------------------------------------------------------
RawReply RawExchange(uint16_t port, const std::string& data, std::chrono::milliseconds wait, const std::string& from) {
    net::io_context ioc;
    tcp::socket s(ioc);
    if (!from.empty()) {
        s.open(tcp::v4());
        s.bind(tcp::endpoint(net::ip::make_address(from), 0));
    }
    s.connect(Local(port));
    if (!data.empty()) net::write(s, net::buffer(data));
    RawReply r;
    std::array<char, 4096> chunk{};
    std::function<void()> read_more = [&] {
        s.async_read_some(net::buffer(chunk), [&](beast::error_code ec, size_t n) {
            r.received.append(chunk.data(), n);
            if (ec) {
                r.closed = true;
                return;
            }
            read_more();
        });
    };
    read_more();
    ioc.run_for(wait);
    return r;
}

bool Tls12HandshakeSucceeds(uint16_t port) {
    net::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    ctx.set_verify_mode(ssl::verify_none);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    beast::ssl_stream<beast::tcp_stream> s(ioc, ctx);
    beast::get_lowest_layer(s).connect(Local(port));
    beast::error_code ec;
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(5));
    s.handshake(ssl::stream_base::client, ec);
    return !ec;
}

}  // namespace folio::rpc::test
