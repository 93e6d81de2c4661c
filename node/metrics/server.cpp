#include <node/metrics/server.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>  // before Boost.Asio (1.74's awaitable.hpp uses std::exchange)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace folio::metrics {

namespace {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t MAX_HEADER_BYTES = 8u << 10;
constexpr size_t MAX_BODY_BYTES = 4u << 10;

http::response<http::string_body> Answer(const Registry& registry, const http::request<http::string_body>& req) {
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    http::response<http::string_body> res;
    res.version(req.version());
    res.set(http::field::server, "foliod");
    if (target != "/metrics") {
        res.result(http::status::not_found);
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "not found: metrics are at /metrics\n";
    } else if (req.method() != http::verb::get) {
        res.result(http::status::method_not_allowed);
        res.set(http::field::allow, "GET");
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "method not allowed: use GET\n";
    } else {
        res.result(http::status::ok);
        res.set(http::field::content_type, std::string(CONTENT_TYPE));
        res.body() = registry.Render();
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, const Registry& registry, std::shared_ptr<std::atomic<size_t>> count)
        : m_stream(std::move(socket)), m_registry(registry), m_count(std::move(count)) {
        ++*m_count;
    }
    ~Session() { --*m_count; }

    void Read() {
        m_parser.emplace();
        m_parser->header_limit(MAX_HEADER_BYTES);
        m_parser->body_limit(MAX_BODY_BYTES);
        m_stream.expires_after(REQUEST_TIMEOUT);
        http::async_read(m_stream, m_buffer, *m_parser, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
    }

private:
    void OnRead(beast::error_code ec, size_t) {
        if (ec) return Close();
        const http::request<http::string_body> req = m_parser->release();
        m_response = Answer(m_registry, req);
        m_stream.expires_after(REQUEST_TIMEOUT);
        http::async_write(m_stream, m_response, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
    }

    void OnWrite(beast::error_code ec, size_t) {
        if (ec || !m_response.keep_alive()) return Close();
        Read();
    }

    void Close() {
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        m_stream.socket().close(ec);
    }

    beast::tcp_stream m_stream;
    const Registry& m_registry;
    std::shared_ptr<std::atomic<size_t>> m_count;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response;
};

}  // namespace

std::pair<std::string, uint16_t> ParseHostPort(const std::string& flag, const std::string& value) {
    const auto colon = value.rfind(':');
    const std::string port = colon == std::string::npos ? "" : value.substr(colon + 1);
    unsigned long p = 0;
    bool ok = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
    if (ok) p = std::stoul(port);
    if (!ok || p > 65535 || colon == 0)
        throw std::invalid_argument(flag + " must be HOST:PORT (got \"" + value + "\")");
    std::string host = value.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {host, static_cast<uint16_t>(p)};
}

struct MetricsServer::Impl {
    Impl(const Registry& r, std::string h, uint16_t p) : registry(r), host(std::move(h)), port(p) {}

    const Registry& registry;
    const std::string host;
    uint16_t port;
    std::shared_ptr<std::atomic<size_t>> connections = std::make_shared<std::atomic<size_t>>(0);
    std::thread thread;
    bool started = false, stopped = false;
    // Last: destroyed first, with the handlers (and sessions) still queued on it.
    net::io_context ioc{1};
    tcp::acceptor acceptor{ioc};

    void Accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
            if (!ec && connections->load() < MAX_CONNECTIONS)
                std::make_shared<Session>(std::move(socket), registry, connections)->Read();
            // else: the socket closes here (an accept error such as EMFILE is retried at once by the
            // next accept; the listener is for a scraper on the same host, not for the world)
            Accept();
        });
    }
};

MetricsServer::MetricsServer(const Registry& registry, std::string host, uint16_t port)
    : m_impl(std::make_unique<Impl>(registry, std::move(host), port)) {}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Start() {
    if (m_impl->started) throw std::logic_error("MetricsServer::Start called twice");
    m_impl->started = true;
    try {
        const tcp::endpoint ep(net::ip::make_address(m_impl->host), m_impl->port);
        m_impl->acceptor.open(ep.protocol());
        m_impl->acceptor.set_option(net::socket_base::reuse_address(true));
        m_impl->acceptor.bind(ep);
        m_impl->acceptor.listen(net::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen for metrics on " + m_impl->host + ":" + std::to_string(m_impl->port) +
                                 ": " + e.what());
    }
    m_impl->port = m_impl->acceptor.local_endpoint().port();
    m_impl->Accept();
    m_impl->thread = std::thread([impl = m_impl.get()] {
        for (;;) {
            try {
                impl->ioc.run();
                return;
            } catch (const std::exception&) {  // a failed scrape never stops the listener
            }
        }
    });
}

void MetricsServer::Stop() {
    if (!m_impl->started || m_impl->stopped) return;
    m_impl->stopped = true;
    net::post(m_impl->ioc, [impl = m_impl.get()] {
        beast::error_code ec;
        impl->acceptor.close(ec);
    });
    m_impl->ioc.stop();
    if (m_impl->thread.joinable()) m_impl->thread.join();
}

uint16_t MetricsServer::Port() const { return m_impl->port; }

}  // namespace folio::metrics
