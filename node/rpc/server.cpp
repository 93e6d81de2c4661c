#include <node/rpc/server.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>

#include <node/rpc/params.h>

namespace folio::rpc {

namespace {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using nlohmann::json;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
constexpr bool IS_TLS = std::is_same_v<Stream, TlsStream>;

constexpr size_t REFUSE_CAP = 64;                      // connections being refused at once
constexpr std::chrono::milliseconds REFUSE_TIMEOUT{5000};
constexpr size_t DRAIN_MAX_BYTES = 8u << 20;           // read and discarded before a close
constexpr std::chrono::milliseconds DRAIN_TIMEOUT{2000};
constexpr const char* SERVER_NAME = "folio";

// A connection in the server's registry (so Stop() can abort it).
class Connection {
public:
    virtual ~Connection() = default;
    virtual void Abort() = 0;  // thread-safe: closes the socket on the connection's strand
};

// Counts a connection while alive: runs `release` once when destroyed.
class Slot {
public:
    Slot() = default;
    explicit Slot(std::function<void()> release) : m_release(std::move(release)) {}
    Slot(Slot&& o) noexcept : m_release(std::exchange(o.m_release, nullptr)) {}
    Slot& operator=(Slot&& o) noexcept {
        std::swap(m_release, o.m_release);
        return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() {
        if (m_release) m_release();
    }

private:
    std::function<void()> m_release;
};

int64_t SystemNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

DispatcherConfig WithClock(DispatcherConfig c) {
    if (!c.now_ms) c.now_ms = SystemNowMs;
    return c;
}

// State shared by the server and every connection (connections keep it alive).
struct Core {
    explicit Core(ServerConfig c)
        : config(std::move(c)),
          dispatcher(WithClock(config.dispatch)),
          auth(config.chain_id, config.auth, WithClock(config.dispatch).now_ms) {}

    const ServerConfig config;
    Dispatcher dispatcher;
    AuthManager auth;
    std::optional<ssl::context> tls;
    std::atomic<size_t> connections{0};
    std::atomic<size_t> refusing{0};
    std::atomic<uint64_t> next_id{1};
    std::atomic<bool> stopping{false};

    std::mutex live_mu;
    std::map<uint64_t, std::weak_ptr<Connection>> live;

    // Open connections per remote address (only while max_connections_per_ip > 0).
    std::mutex ip_mu;
    std::map<std::string, size_t> per_ip;

    // Takes a slot for a connection from `ip`, or returns why it is refused.
    std::optional<std::string> Admit(const std::string& ip) {
        if (config.max_connections_per_ip > 0) {
            std::lock_guard lock(ip_mu);
            size_t& n = per_ip[ip];
            if (n >= config.max_connections_per_ip) {
                if (n == 0) per_ip.erase(ip);
                return "too many connections from this address";
            }
            ++n;
        }
        if (connections.fetch_add(1) >= config.max_connections) {
            connections.fetch_sub(1);
            ReleaseIp(ip);
            return "too many connections";
        }
        return std::nullopt;
    }
    void Release(const std::string& ip) {
        connections.fetch_sub(1);
        ReleaseIp(ip);
    }
    void ReleaseIp(const std::string& ip) {
        if (config.max_connections_per_ip == 0) return;
        std::lock_guard lock(ip_mu);
        auto it = per_ip.find(ip);
        if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
    }

    void Add(uint64_t id, std::weak_ptr<Connection> c) {
        std::lock_guard lock(live_mu);
        live.emplace(id, std::move(c));
    }
    void Remove(uint64_t id) {
        std::lock_guard lock(live_mu);
        live.erase(id);
    }
    // Reports an event to config.dispatch.log; drops during Stop() are not reported.
    void Report(RpcEvent::Kind kind, std::string peer, std::string error) const {
        if (!config.dispatch.log) return;
        if (stopping && (kind == RpcEvent::Kind::CONNECTION_DROPPED || kind == RpcEvent::Kind::CONNECTION_REFUSED)) return;
        try {
            config.dispatch.log(RpcEvent{kind, {}, std::move(peer), std::move(error)});
        } catch (...) {  // serving goes on whatever the log does
        }
    }
};

void RegisterAuthMethods(Dispatcher& d, AuthManager& auth) {
    d.Register(
        "auth_challenge",
        [&auth](const json&, CallContext& ctx) -> json {
            const auto c = auth.IssueChallenge(ctx.remote_address);
            if (!c) throw RpcError(ErrorCode::LIMIT_EXCEEDED, LoginErrorReason(c.error()));
            return {{"nonce", c->nonce}, {"expires", c->expires_ms / 1000}, {"chain_id", auth.ChainId()}};
        },
        Access::PUBLIC);
    d.Register(
        "auth_login",
        [&auth](const json& params, CallContext& ctx) -> json {
            Params p(params);
            p.AllowOnly({"address", "nonce", "signature"});
            const Address address = p.AddressParam("address");
            const auto nonce = Hash256::FromHexStr(p.String("nonce"));
            if (!nonce) throw RpcError(ErrorCode::INVALID_PARAMS, "param 'nonce' must be 64 hex characters");
            const auto sig = Signature::FromHexStr(p.String("signature"));
            if (!sig) throw RpcError(ErrorCode::INVALID_PARAMS, "param 'signature' must be 128 hex characters");
            const auto bound_to_other = [&] {
                auto bound = ctx.session ? ctx.session->Account() : std::nullopt;
                return bound && *bound != address;
            };
            if (bound_to_other())
                throw RpcError(ErrorCode::FORBIDDEN, "connection is bound to another account");
            auto r = auth.Login(address, *sig, *nonce);
            if (!r) {
                const auto code = r.error() == LoginError::RATE_LIMITED  ? ErrorCode::LIMIT_EXCEEDED
                                  : r.error() == LoginError::NOT_ALLOWED   ? ErrorCode::FORBIDDEN
                                                                           : ErrorCode::AUTHENTICATION_FAILED;
                throw RpcError(code, LoginErrorReason(r.error()));
            }
            if (ctx.session && !ctx.session->BindAccount(address))
                throw RpcError(ErrorCode::FORBIDDEN, "connection is bound to another account");
            ctx.account = address;
            ctx.auth_error.reset();
            return {{"token", r->token}, {"expires", r->expires_ms / 1000}, {"address", AddressToString(address)}};
        },
        Access::PUBLIC);
}

std::string RemoteString(const std::string& ip, uint16_t port) { return ip + ":" + std::to_string(port); }

// ---------------------------------------------------------------------------------------------
// WebSocket connection.
template <class Stream>
class WsConnection : public Connection,
                     public SessionTransport,
                     public std::enable_shared_from_this<WsConnection<Stream>> {
public:
    WsConnection(std::shared_ptr<Core> core, Stream&& stream, Slot slot, std::string ip, uint16_t port)
        : m_core(std::move(core)),
          m_ws(std::move(stream)),
          m_slot(std::move(slot)),
          m_id(m_core->next_id.fetch_add(1)),
          m_ip(std::move(ip)),
          m_port(port),
          m_session(std::make_shared<Session>(m_id, RemoteString(m_ip, m_port), m_core->config.ws_queue)),
          m_close_timer(m_ws.get_executor()),
          m_write_timer(m_ws.get_executor()) {}

    ~WsConnection() override {
        m_session->MarkClosed();
        m_core->Remove(m_id);
    }

    // On the connection's strand, with the upgrade request already read.
    void Start(const http::request<http::string_body>& req) {
        m_core->Add(m_id, this->weak_from_this());
        const auto& cfg = m_core->config;
        beast::get_lowest_layer(m_ws).expires_never();  // the websocket stream has its own timers
        websocket::stream_base::timeout t{};
        t.handshake_timeout = cfg.handshake_timeout;
        t.idle_timeout = cfg.ws_idle_timeout;
        t.keep_alive_pings = true;
        m_ws.set_option(t);
        m_ws.read_message_max(cfg.max_ws_message_bytes);
        m_ws.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(http::field::server, SERVER_NAME); }));
        if (auto it = req.find(http::field::authorization); it != req.end()) {
            auto r = m_core->auth.CheckAuthorizationHeader(std::string_view(it->value().data(), it->value().size()));
            if (r) m_session->BindAccount(*r);
        }
        m_ws.async_accept(req, beast::bind_front_handler(&WsConnection::OnAccept, this->shared_from_this()));
    }

    void Abort() override {
        net::post(m_ws.get_executor(), [self = this->shared_from_this()] {
            self->m_close_timer.cancel();
            self->m_write_timer.cancel();
            beast::get_lowest_layer(self->m_ws).close();
        });
    }
    void WakeWriter() override {
        net::post(m_ws.get_executor(), [self = this->shared_from_this()] { self->StartWrite(); });
    }
    void CloseTransport() override {
        net::post(m_ws.get_executor(), [self = this->shared_from_this()] { self->DoClose(); });
    }

private:
    void Dropped(const char* what, const beast::error_code& ec) const {
        m_core->Report(RpcEvent::Kind::CONNECTION_DROPPED, RemoteString(m_ip, m_port),
                       std::string(what) + ": " + ec.message());
    }

    void OnAccept(beast::error_code ec) {
        if (ec) {
            Dropped("websocket handshake", ec);
            return Finish();
        }
        m_session->AttachTransport(std::weak_ptr<SessionTransport>(this->shared_from_this()));
        DoRead();
        StartWrite();
    }

    void DoRead() {
        m_ws.async_read(m_buf, beast::bind_front_handler(&WsConnection::OnRead, this->shared_from_this()));
    }

    void OnRead(beast::error_code ec, size_t) {
        if (ec) {  // closed, reset, idle timeout, or too big (beast sent close 1009)
            if (ec != websocket::error::closed && !m_closing && !m_finished) Dropped("websocket read", ec);
            return Finish();
        }
        std::string text = beast::buffers_to_string(m_buf.data());
        m_buf.consume(m_buf.size());
        CallContext ctx;
        ctx.session = m_session;
        ctx.remote_address = m_ip;
        ctx.remote_port = m_port;
        ctx.auth_error = TokenError::MISSING;
        if (auto out = m_core->dispatcher.Process(text, ctx)) m_session->EnqueueResponse(std::move(*out));
        StartWrite();
        if (m_finished || m_closing) return;
        if (m_session->ShouldPauseReading()) {
            m_read_paused = true;
        } else {
            DoRead();
        }
    }

    void StartWrite() {
        if (m_writing || m_finished || m_closing) return;
        m_writing = m_session->BeginWrite();
        if (!m_writing) return;
        m_ws.text(true);
        m_write_timer.expires_after(m_core->config.ws_write_timeout);
        m_write_timer.async_wait([self = this->shared_from_this()](beast::error_code tec) {
            if (tec || !self->m_writing || self->m_finished) return;
            self->Dropped("websocket write", beast::error::timeout);
            self->m_closing = true;  // no further reports: the write fails next
            beast::get_lowest_layer(self->m_ws).close();
        });
        m_ws.async_write(net::buffer(*m_writing),
                         beast::bind_front_handler(&WsConnection::OnWrite, this->shared_from_this()));
    }

    void OnWrite(beast::error_code ec, size_t) {
        m_write_timer.cancel();
        m_writing.reset();
        if (ec) {
            if (!m_closing && !m_finished) Dropped("websocket write", ec);
            beast::get_lowest_layer(m_ws).close();
            return Finish();
        }
        m_session->FinishWrite();
        if (m_read_paused && !m_finished && !m_closing && !m_session->ShouldPauseReading()) {
            m_read_paused = false;
            DoRead();
        }
        StartWrite();
    }

    void DoClose() {
        if (m_closing || m_finished) return;
        m_closing = true;
        m_close_timer.expires_after(m_core->config.handshake_timeout);
        m_close_timer.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) beast::get_lowest_layer(self->m_ws).close();
        });
        m_ws.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {
            self->m_close_timer.cancel();
            beast::get_lowest_layer(self->m_ws).close();
            self->Finish();
        });
    }

    void Finish() {
        if (m_finished) return;
        m_finished = true;
        m_session->MarkClosed();
    }

    std::shared_ptr<Core> m_core;
    websocket::stream<Stream> m_ws;
    Slot m_slot;
    const uint64_t m_id;
    const std::string m_ip;
    const uint16_t m_port;
    std::shared_ptr<Session> m_session;
    net::steady_timer m_close_timer;
    net::steady_timer m_write_timer;  // a client that does not read stalls writes: drop it
    beast::flat_buffer m_buf;
    std::shared_ptr<const std::string> m_writing;
    bool m_read_paused = false;
    bool m_closing = false;
    bool m_finished = false;
};

// ---------------------------------------------------------------------------------------------
// HTTP connection (keep-alive); hands itself over to a WsConnection on an upgrade to /ws.
template <class Stream>
class HttpConnection : public Connection, public std::enable_shared_from_this<HttpConnection<Stream>> {
public:
    HttpConnection(std::shared_ptr<Core> core, tcp::socket&& socket, Slot slot, std::string refusal, std::string ip,
                   uint16_t port)
        : m_core(std::move(core)),
          m_stream(MakeStream(std::move(socket))),
          m_slot(std::move(slot)),
          m_refusal(std::move(refusal)),
          m_refusing(!m_refusal.empty()),
          m_id(m_core->next_id.fetch_add(1)),
          m_ip(std::move(ip)),
          m_port(port) {}

    ~HttpConnection() override { m_core->Remove(m_id); }

    void Start() {
        m_core->Add(m_id, this->weak_from_this());
        net::dispatch(m_stream.get_executor(), [self = this->shared_from_this()] { self->OnStart(); });
    }

    void Abort() override {
        net::post(m_stream.get_executor(),
                  [self = this->shared_from_this()] { beast::get_lowest_layer(self->m_stream).close(); });
    }

private:
    Stream MakeStream(tcp::socket&& socket) {
        if constexpr (IS_TLS<Stream>) {
            return Stream(std::move(socket), *m_core->tls);
        } else {
            return Stream(std::move(socket));
        }
    }

    auto Self() { return this->shared_from_this(); }
    beast::tcp_stream& Lowest() { return beast::get_lowest_layer(m_stream); }

    void OnStart() {
        if constexpr (IS_TLS<Stream>) {
            Lowest().expires_after(m_core->config.handshake_timeout);
            m_stream.async_handshake(ssl::stream_base::server, [self = Self()](beast::error_code ec) {
                if (ec) return self->Drop("TLS handshake", ec);
                self->ReadHeader();
            });
        } else {
            ReadHeader();
        }
    }

    void ReadHeader() {
        const auto& cfg = m_core->config;
        m_parser.emplace();
        m_parser->header_limit(static_cast<uint32_t>(std::min<size_t>(cfg.max_header_bytes, UINT32_MAX)));
        m_parser->body_limit(static_cast<uint64_t>(cfg.max_body_bytes));
        // A refused connection gets a short while to send its request and read the 503.
        Lowest().expires_after(m_refusing ? std::min<std::chrono::milliseconds>(cfg.header_timeout, REFUSE_TIMEOUT)
                                          : cfg.header_timeout);
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                beast::bind_front_handler(&HttpConnection::OnHeader, Self()));
    }

    static bool IsHttpProtocolError(const beast::error_code& ec) {
        return ec.category() == beast::error_code(http::error::bad_target).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message;
    }

    void OnReadError(beast::error_code ec) {
        if (ec == http::error::end_of_stream) return Shutdown();  // the client closed between requests
        // Answered (413, 431, 400) and closed, or closed at once: reported as dropped either way.
        Report("read", ec);
        if (ec == http::error::body_limit)
            return SendError(http::status::payload_too_large, ErrorCode::LIMIT_EXCEEDED,
                             "request body exceeds " + std::to_string(m_core->config.max_body_bytes) + " bytes");
        if (ec == http::error::header_limit)
            return SendText(http::status::request_header_fields_too_large, "header too large\n", true);
        if (IsHttpProtocolError(ec)) return SendText(http::status::bad_request, "bad request\n", true);
        CloseNow();  // timeout, reset, truncated request
    }

    void OnHeader(beast::error_code ec, size_t) {
        if (ec) return OnReadError(ec);
        auto& req = m_parser->get();
        if (websocket::is_upgrade(req)) {
            if (m_refusing) return SendError(http::status::service_unavailable, ErrorCode::LIMIT_EXCEEDED, m_refusal);
            if (req.target() != "/ws") return SendText(http::status::not_found, "not found\n", true);
            if (!m_parser->is_done()) return SendText(http::status::bad_request, "upgrade with a body\n", true);
            return Upgrade();
        }
        if (m_parser->is_done()) return Handle();
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
            Lowest().expires_after(m_core->config.body_timeout);
            http::async_write(m_stream, *cont, [self = Self(), cont](beast::error_code wec, size_t) {
                if (wec) return self->Drop("write", wec);
                self->ReadBody();
            });
            return;
        }
        ReadBody();
    }

    void ReadBody() {
        Lowest().expires_after(m_core->config.body_timeout);
        http::async_read(m_stream, m_buffer, *m_parser, [self = Self()](beast::error_code ec, size_t) {
            if (ec) return self->OnReadError(ec);
            self->Handle();
        });
    }

    void Upgrade() {
        auto req = m_parser->release();
        m_parser.reset();
        auto ws = std::make_shared<WsConnection<Stream>>(m_core, std::move(m_stream), std::move(m_slot), m_ip, m_port);
        m_upgraded = true;
        ws->Start(req);
    }

    void Handle() {
        auto req = m_parser->release();
        m_parser.reset();
        const bool keep = req.keep_alive();
        if (m_refusing) return SendError(http::status::service_unavailable, ErrorCode::LIMIT_EXCEEDED, m_refusal);
        const auto target = req.target();
        if (target == "/healthz" || target == "/health") {  // liveness; /health is the older name
            if (req.method() != http::verb::get) return SendMethodNotAllowed("GET", keep);
            return SendText(http::status::ok, "ok", !keep);
        }
        if (target == "/readyz") {
            if (req.method() != http::verb::get) return SendMethodNotAllowed("GET", keep);
            Readiness r{true, "{\"ready\":true}"};
            if (m_core->config.readiness) r = m_core->config.readiness();
            return Send(MakeResponse(r.ready ? http::status::ok : http::status::service_unavailable,
                                     std::move(r.json_body), "application/json", !keep));
        }
        if (target != "/" && req.method() == http::verb::get && m_core->config.get_paths) {
            auto a = m_core->config.get_paths(std::string_view(target.data(), target.size()));
            if (!a) return SendText(http::status::not_found, "not found\n", !keep);
            return Send(MakeResponse(static_cast<http::status>(a->status), std::move(a->body), a->content_type.c_str(),
                                     !keep));
        }
        if (target != "/") return SendText(http::status::not_found, "not found\n", !keep);
        if (req.method() != http::verb::post) return SendMethodNotAllowed("POST", keep);

        CallContext ctx;
        ctx.remote_address = m_ip;
        ctx.remote_port = m_port;
        if (auto it = req.find(http::field::authorization); it == req.end()) {
            ctx.auth_error = TokenError::MISSING;
        } else {
            auto r = m_core->auth.CheckAuthorizationHeader(std::string_view(it->value().data(), it->value().size()));
            if (r) {
                ctx.account = *r;
            } else {
                ctx.auth_error = r.error();
            }
        }
        auto out = m_core->dispatcher.Process(req.body(), ctx);
        if (!out) return Send(MakeResponse(http::status::no_content, "", "", !keep));
        Send(MakeResponse(http::status::ok, std::move(*out), "application/json", !keep));
    }

    http::response<http::string_body> MakeResponse(http::status status, std::string body, const char* type,
                                                   bool close) {
        http::response<http::string_body> res{status, 11};
        res.set(http::field::server, SERVER_NAME);
        if (*type) res.set(http::field::content_type, type);
        res.keep_alive(!close);
        res.body() = std::move(body);
        res.prepare_payload();
        return res;
    }

    void SendError(http::status status, ErrorCode code, const std::string& reason) {
        Send(MakeResponse(status, Dispatcher::ErrorText(code, reason), "application/json", true));
    }
    void SendText(http::status status, const char* text, bool close) {
        Send(MakeResponse(status, text, "text/plain", close));
    }
    void SendMethodNotAllowed(const char* allow, bool keep) {
        auto res = MakeResponse(http::status::method_not_allowed, "method not allowed\n", "text/plain", !keep);
        res.set(http::field::allow, allow);
        Send(std::move(res));
    }

    void Send(http::response<http::string_body> res) {
        m_parser.reset();
        auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
        const bool close = sp->need_eof();
        Lowest().expires_after(m_core->config.body_timeout);
        http::async_write(m_stream, *sp, [self = Self(), sp, close](beast::error_code ec, size_t) {
            if (ec) return self->Drop("write", ec);
            if (close) return self->Shutdown();
            self->ReadHeader();
        });
    }

    // Graceful close: TLS close_notify, or a TCP half-close followed by discarding what the client
    // still sends (so an early error response is not destroyed by a reset).
    void Shutdown() {
        if constexpr (IS_TLS<Stream>) {
            Lowest().expires_after(m_core->config.handshake_timeout);
            m_stream.async_shutdown([self = Self()](beast::error_code) { self->CloseNow(); });
        } else {
            beast::error_code ec;
            m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            if (ec) return CloseNow();
            m_drain.resize(16u << 10);
            Lowest().expires_after(DRAIN_TIMEOUT);
            Drain();
        }
    }

    void Drain() {
        m_stream.async_read_some(net::buffer(m_drain), [self = Self()](beast::error_code ec, size_t n) {
            self->m_drained += n;
            if (ec || self->m_drained > DRAIN_MAX_BYTES) return self->CloseNow();
            self->Drain();
        });
    }

    void Report(const char* what, const beast::error_code& ec) const {
        m_core->Report(RpcEvent::Kind::CONNECTION_DROPPED, RemoteString(m_ip, m_port),
                       std::string(what) + ": " + ec.message());
    }
    void Drop(const char* what, const beast::error_code& ec) {
        Report(what, ec);
        CloseNow();
    }

    void CloseNow() {
        if (m_upgraded) return;
        beast::error_code ec;
        Lowest().socket().close(ec);
    }

    std::shared_ptr<Core> m_core;
    Stream m_stream;
    Slot m_slot;
    const std::string m_refusal;  // why the connection is refused (empty: it is not)
    const bool m_refusing;
    const uint64_t m_id;
    const std::string m_ip;
    const uint16_t m_port;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::vector<uint8_t> m_drain;
    size_t m_drained = 0;
    bool m_upgraded = false;
};

// ---------------------------------------------------------------------------------------------
class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, std::shared_ptr<Core> core, const tcp::endpoint& ep)
        : m_ioc(ioc), m_core(std::move(core)), m_acceptor(net::make_strand(ioc)), m_retry(m_acceptor.get_executor()) {
        m_acceptor.open(ep.protocol());
        m_acceptor.set_option(net::socket_base::reuse_address(true));
        m_acceptor.bind(ep);
        m_acceptor.listen(net::socket_base::max_listen_connections);
        m_port = m_acceptor.local_endpoint().port();
    }
    uint16_t Port() const { return m_port; }
    void Run() {
        net::dispatch(m_acceptor.get_executor(), [self = shared_from_this()] { self->DoAccept(); });
    }
    void Close() {
        net::post(m_acceptor.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->m_acceptor.close(ec);
            self->m_retry.cancel();
        });
    }

private:
    void DoAccept() {
        m_acceptor.async_accept(net::make_strand(m_ioc), beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
    }

    void OnAccept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !m_acceptor.is_open() || m_core->stopping) return;
        if (ec) {  // e.g. out of file descriptors: back off briefly
            m_core->Report(RpcEvent::Kind::ACCEPT_FAILED, {}, ec.message());
            m_retry.expires_after(std::chrono::milliseconds(100));
            m_retry.async_wait([self = shared_from_this()](beast::error_code wec) {
                if (!wec) self->DoAccept();
            });
            return;
        }
        Launch(std::move(socket));
        DoAccept();
    }

    void Launch(tcp::socket&& socket) {
        beast::error_code ec;
        const auto ep = socket.remote_endpoint(ec);
        if (ec) return m_core->Report(RpcEvent::Kind::CONNECTION_DROPPED, {}, "remote endpoint: " + ec.message());
        socket.set_option(tcp::no_delay(true), ec);
        if (m_core->config.socket_send_buffer > 0)
            socket.set_option(net::socket_base::send_buffer_size(static_cast<int>(m_core->config.socket_send_buffer)), ec);
        const std::string ip = ep.address().to_string();
        Slot slot;
        std::string refusal;
        if (auto why = m_core->Admit(ip)) {
            refusal = std::move(*why);
            if (m_core->refusing.fetch_add(1) >= REFUSE_CAP) {
                m_core->refusing.fetch_sub(1);
                m_core->Report(RpcEvent::Kind::CONNECTION_REFUSED, RemoteString(ip, ep.port()),
                               refusal + ": closed at once");
                return;  // the socket closes here
            }
            slot = Slot([core = m_core.get()] { core->refusing.fetch_sub(1); });
            m_core->Report(RpcEvent::Kind::CONNECTION_REFUSED, RemoteString(ip, ep.port()), refusal + ": answered 503");
        } else {
            slot = Slot([core = m_core.get(), ip] { core->Release(ip); });
        }
        if (m_core->tls) {
            std::make_shared<HttpConnection<TlsStream>>(m_core, std::move(socket), std::move(slot), refusal, ip,
                                                         ep.port())->Start();
        } else {
            std::make_shared<HttpConnection<PlainStream>>(m_core, std::move(socket), std::move(slot), refusal, ip,
                                                          ep.port())->Start();
        }
    }

    net::io_context& m_ioc;
    std::shared_ptr<Core> m_core;
    tcp::acceptor m_acceptor;
    net::steady_timer m_retry;
    uint16_t m_port = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
struct RpcServer::Impl {
    explicit Impl(ServerConfig config)
        : ioc(static_cast<int>(std::max<size_t>(1, config.threads))), core(std::make_shared<Core>(std::move(config))) {
        RegisterAuthMethods(core->dispatcher, core->auth);
    }

    net::io_context ioc;  // first member: destroyed last
    std::shared_ptr<Core> core;
    std::shared_ptr<Listener> listener;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::vector<std::thread> threads;
    std::atomic<uint16_t> port{0};
    std::mutex mu;
    bool started = false;
    bool stopped = false;
};

RpcServer::RpcServer(ServerConfig config) : m_impl(std::make_unique<Impl>(std::move(config))) {}

RpcServer::~RpcServer() { Stop(); }

void RpcServer::Register(std::string name, Handler handler, Access access) {
    m_impl->core->dispatcher.Register(std::move(name), std::move(handler), access);
}

void RpcServer::Start() {
    std::lock_guard lock(m_impl->mu);
    if (m_impl->started) throw std::logic_error("RpcServer::Start called twice");
    auto& core = *m_impl->core;
    const auto& cfg = core.config;
    if (!cfg.tls_cert_file.empty() || !cfg.tls_key_file.empty()) {
        if (cfg.tls_cert_file.empty() || cfg.tls_key_file.empty())
            throw std::runtime_error("rpc: TLS needs both a certificate and a key file");
        try {
            core.tls.emplace(ssl::context::tls_server);
            core.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                                  ssl::context::no_tlsv1_2 | ssl::context::single_dh_use);
            if (SSL_CTX_set_min_proto_version(core.tls->native_handle(), TLS1_3_VERSION) != 1)
                throw std::runtime_error("cannot require TLS 1.3");
            core.tls->use_certificate_chain_file(cfg.tls_cert_file);
            core.tls->use_private_key_file(cfg.tls_key_file, ssl::context::pem);
        } catch (const std::exception& e) {
            core.tls.reset();
            throw std::runtime_error(std::string("rpc: cannot load TLS certificate/key: ") + e.what());
        }
    }
    core.dispatcher.Freeze();
    try {
        const tcp::endpoint ep(net::ip::make_address(cfg.bind_address), cfg.port);
        m_impl->listener = std::make_shared<Listener>(m_impl->ioc, m_impl->core, ep);
    } catch (const std::exception& e) {
        throw std::runtime_error("rpc: cannot listen on " + cfg.bind_address + ":" + std::to_string(cfg.port) +
                                 ": " + e.what());
    }
    m_impl->port = m_impl->listener->Port();
    m_impl->work.emplace(net::make_work_guard(m_impl->ioc));
    m_impl->listener->Run();
    m_impl->started = true;
    for (size_t i = 0; i < std::max<size_t>(1, cfg.threads); ++i) {
        m_impl->threads.emplace_back([impl = m_impl.get()] {
            for (;;) {
                try {
                    impl->ioc.run();
                    return;
                } catch (const std::exception& e) {
                    impl->core->Report(RpcEvent::Kind::IO_THREAD_ERROR, {}, e.what());
                }
            }
        });
    }
}

void RpcServer::Stop() {
    std::lock_guard lock(m_impl->mu);
    if (!m_impl->started || m_impl->stopped) return;
    m_impl->stopped = true;
    auto& core = *m_impl->core;
    core.stopping = true;
    m_impl->listener->Close();
    m_impl->work.reset();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    for (;;) {
        std::vector<std::shared_ptr<Connection>> live;
        {
            std::lock_guard l(core.live_mu);
            for (auto& [id, w] : core.live)
                if (auto c = w.lock()) live.push_back(std::move(c));
        }
        if (live.empty() || std::chrono::steady_clock::now() > deadline) break;
        for (auto& c : live) c->Abort();
        live.clear();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    m_impl->ioc.stop();
    for (auto& t : m_impl->threads) t.join();
    m_impl->threads.clear();
}

uint16_t RpcServer::Port() const { return m_impl->port; }
size_t RpcServer::ConnectionCount() const { return m_impl->core->connections.load(); }
bool RpcServer::TlsEnabled() const { return m_impl->core->tls.has_value(); }
AuthManager& RpcServer::Auth() { return m_impl->core->auth; }
const Dispatcher& RpcServer::GetDispatcher() const { return m_impl->core->dispatcher; }

}  // namespace folio::rpc
