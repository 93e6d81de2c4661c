#pragma once
// The node's JSON-RPC 2.0 server (docs/rpc-protocol.md): one port serving
//   POST /      JSON-RPC over HTTP/1.1 (keep-alive; single calls, batches, notifications)
//   GET /healthz (or /health) 200 "ok": the process is up and serving
//   GET /readyz  200 or 503 with a JSON body: whether to send traffic here (config.readiness)
//   GET other   config.get_paths, when set (e.g. /snapshots/...)
//   GET /ws     WebSocket upgrade; one JSON-RPC payload per message, plus server notifications
// optionally over TLS 1.3. It registers auth_challenge and auth_login itself (auth.h).
//
// Threading: Start() runs an io_context on `threads` threads; handlers run on those threads,
// concurrently across connections and sequentially within one connection. Register() must be
// called before Start(). Port(), ConnectionCount(), Stop() are thread-safe. Stop() (also run by
// the destructor) closes every connection and joins the threads; Session handles kept by handlers
// are inert afterwards.
//
// Operator events — calls answered INTERNAL_ERROR, accept failures, connections refused over the
// limit or dropped on an error — go to config.dispatch.log as RpcEvents (dispatcher.h); foliod
// writes them to its log. Nothing is reported for connections closed by Stop().
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <node/rpc/auth.h>
#include <node/rpc/dispatcher.h>
#include <node/rpc/session.h>

namespace folio::rpc {

// The answer of GET /readyz: ready (200) or not (503), and a JSON object saying why.
struct Readiness {
    bool ready = false;
    std::string json_body;
};

// The answer to a GET path served beside the RPC (ServerConfig::get_paths).
struct GetAnswer {
    unsigned status = 200;
    std::string body;
    std::string content_type;
};

struct ServerConfig {
    std::string bind_address = "127.0.0.1";
    uint16_t port = 0;  // 0: an ephemeral port (see RpcServer::Port)
    size_t threads = 2;
    std::string chain_id;  // signed into auth_login messages

    // TLS 1.3 (only) when both are set: PEM certificate chain and private key files.
    std::string tls_cert_file;
    std::string tls_key_file;

    // Limits. Every one answers a clear error when hit (docs/rpc-protocol.md, "Limits").
    size_t max_body_bytes = 1u << 20;        // HTTP 413 + LIMIT_EXCEEDED
    size_t max_header_bytes = 16u << 10;     // HTTP 431
    size_t max_connections = 1024;           // HTTP 503 + LIMIT_EXCEEDED, then close
    size_t max_connections_per_ip = 128;     // per remote address, the same answer; 0 = no bound
    size_t max_ws_message_bytes = 1u << 20;  // WebSocket close 1009 (message too big)
    SessionLimits ws_queue;                  // per WebSocket connection (session.h)
    // Kernel send buffer per connection (SO_SNDBUF; 0 = the OS default with autotuning). Bounded so
    // that a consumer that stops reading fills the session's queue — and is told so — instead of
    // megabytes of kernel buffers, and so that kernel memory per connection is bounded too.
    size_t socket_send_buffer = 256u << 10;
    std::chrono::milliseconds header_timeout{30'000};     // idle keep-alive + request header
    std::chrono::milliseconds body_timeout{30'000};       // request body; also each response write
    std::chrono::milliseconds ws_idle_timeout{120'000};   // no traffic (pings are sent at half)
    std::chrono::milliseconds ws_write_timeout{30'000};   // one outgoing message not taken by the
                                                          // client in this long: the connection is dropped
    std::chrono::milliseconds handshake_timeout{10'000};  // TLS and WebSocket handshakes / close
    // GET /readyz: called on an RPC thread for each request (must be thread-safe and cheap).
    // Unset: /readyz answers 200 {"ready":true} as soon as the server serves.
    std::function<Readiness()> readiness;
    // Other GET paths (e.g. foliod's /snapshots/..., docs/operations.md "State sync"): called on
    // an RPC thread for a GET whose path is not one of the above (must be thread-safe); nullopt
    // answers 404. Unset: every other path is 404.
    std::function<std::optional<GetAnswer>(std::string_view target)> get_paths;
    DispatcherConfig dispatch;                            // batch length, JSON depth, rate limit, clock, log
    AuthConfig auth;                                      // nonce/token lifetimes and store bounds
};

class RpcServer {
public:
    explicit RpcServer(ServerConfig config);
    ~RpcServer();
    RpcServer(const RpcServer&) = delete;
    RpcServer& operator=(const RpcServer&) = delete;

    // Registers a method (dispatcher.h). Before Start() only; throws std::logic_error otherwise.
    void Register(std::string name, Handler handler, Access access);
    // Binds, listens and starts the threads. Throws std::runtime_error if the address cannot be
    // bound or the TLS files cannot be loaded.
    void Start();
    // Idempotent.
    void Stop();
    // The bound port (after Start).
    uint16_t Port() const;
    // Open connections (HTTP and WebSocket), not counting ones being refused.
    size_t ConnectionCount() const;
    bool TlsEnabled() const;
    AuthManager& Auth();
    const Dispatcher& GetDispatcher() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace folio::rpc
