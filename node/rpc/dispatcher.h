#pragma once
// JSON-RPC 2.0 processing independent of the transport: parsing, strict request validation,
// batches, notifications, the method registry, the access check and rate limiting. The server
// feeds it one HTTP body or one WebSocket message at a time; the fuzz target feeds it bytes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <node/core/keys.h>
#include <node/rpc/auth.h>
#include <node/rpc/errors.h>
#include <node/rpc/rate_limiter.h>
#include <node/rpc/session.h>

namespace folio::metrics {
class Registry;
class Counter;
class Histogram;
}  // namespace folio::metrics

namespace folio::rpc {

enum class Access {
    PUBLIC,         // anyone
    AUTHENTICATED,  // the server answers UNAUTHORIZED (-32010) unless the caller is authenticated
};

// What a handler knows about its caller. Built by the server per call.
struct CallContext {
    std::optional<Address> account;           // the authenticated account, if any
    std::optional<TokenError> auth_error;     // why `account` is empty (a token was missing/bad)
    std::shared_ptr<Session> session;         // the WebSocket session; null over HTTP
    std::string remote_address;               // peer IP address
    uint16_t remote_port = 0;
};

// A method handler. `params` is the request's params (an object or array; an empty object when
// the request had none). Returns the result; throws RpcError to answer with an error (anything
// else becomes INTERNAL_ERROR). Called on a server io thread, concurrently with other calls (also
// of the same method) from other connections; calls from one connection are sequential.
using Handler = std::function<nlohmann::json(const nlohmann::json& params, CallContext& ctx)>;

// Something the operator should hear about, reported by the dispatcher and the server to
// DispatcherConfig::log (foliod writes it to its log, component "rpc"; docs/operations.md, "Logs").
struct RpcEvent {
    enum class Kind : uint8_t {
        INTERNAL_ERROR,      // a call was answered INTERNAL_ERROR (-32603): method, peer, error
        ACCEPT_FAILED,       // the listener's accept failed (e.g. out of descriptors; retried): error
        IO_THREAD_ERROR,     // an io thread caught an exception and goes on: error
        CONNECTION_REFUSED,  // over max_connections: answered 503, or closed at once past the
                             // refusal cap (error says which): peer
        CONNECTION_DROPPED,  // closed on an error before a clean end: timeout, reset, TLS handshake,
                             // malformed HTTP, failed write: peer, error
    };
    Kind kind;
    std::string method;  // the JSON-RPC method, if any
    std::string peer;    // "ip:port" of the client, if known
    std::string error;   // what failed (never sent to the client)
};
const char* RpcEventName(RpcEvent::Kind kind);

struct DispatcherConfig {
    size_t max_batch = 100;      // longer batches -> LIMIT_EXCEEDED
    size_t max_json_depth = 64;  // deeper nesting -> LIMIT_EXCEEDED
    RateLimit rate;              // per account (if authenticated) or per IP, one token per call
    std::function<int64_t()> now_ms;  // unix ms; null -> system clock
    // Receives every RpcEvent; may be null. Called on an io thread, concurrently from several
    // threads; must not block for long.
    std::function<void(const RpcEvent&)> log;
    // Where to count calls (folio_rpc_requests_total by method and code, 0 for a result, and
    // folio_rpc_request_duration_seconds by method; a call naming no registered method counts as
    // method "other"); may be null. Must outlive the dispatcher.
    metrics::Registry* metrics = nullptr;
};

class Dispatcher {
public:
    explicit Dispatcher(DispatcherConfig config);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    // Registers a method. Must happen before Freeze() (the server freezes when it starts);
    // throws std::logic_error on a duplicate name or after Freeze.
    void Register(std::string name, Handler handler, Access access);
    void Freeze() { m_frozen = true; }
    bool Has(std::string_view name) const;
    // The registered method names, sorted, with their access.
    std::vector<std::pair<std::string, Access>> Methods() const;

    // Processes one payload (a request or a batch). Returns the response text, or nullopt when
    // nothing is to be sent back (only notifications). `ctx` is the caller's context: over a
    // WebSocket its account is refreshed from the session before every call. Thread-safe after
    // Freeze(); never throws except std::bad_alloc.
    std::optional<std::string> Process(std::string_view payload, CallContext& ctx) const;

    // One error response as text (for transport-level errors: body too large, too many connections).
    static std::string ErrorText(ErrorCode code, const std::string& reason);

private:
    struct Entry {
        Handler handler;
        Access access;
        metrics::Counter* ok = nullptr;            // its calls answered with a result (with metrics)
        metrics::Histogram* duration = nullptr;    // its calls' time (with metrics)
    };
    struct Metrics;
    // Counts one call (with metrics): of `e` (null: method "other"), its code (0: a result) and,
    // when its handler ran (seconds >= 0), its time.
    void Count(const std::string& method, const Entry* e, int code, double seconds = -1) const;
    void CountOther(ErrorCode code) const { Count({}, nullptr, static_cast<int>(code)); }
    std::optional<nlohmann::json> CallOne(const nlohmann::json& request, CallContext& ctx) const;
    bool TakeRate(const CallContext& ctx) const;
    // Reports an INTERNAL_ERROR answer of `method` to m_config.log (if set).
    void Report(const std::string& method, const CallContext& ctx, std::string error) const;
    int64_t Now() const;

    DispatcherConfig m_config;
    std::map<std::string, Entry, std::less<>> m_methods;
    bool m_frozen = false;
    mutable RateLimiter m_limiter;
    std::unique_ptr<Metrics> m_metrics;  // null without DispatcherConfig::metrics
};

// Serialises a response (invalid UTF-8 from a handler is replaced, never thrown).
std::string DumpJson(const nlohmann::json& j);

}  // namespace folio::rpc
