#include <node/rpc/dispatcher.h>

#include <chrono>
#include <stdexcept>

#include <node/metrics/metrics.h>

namespace folio::rpc {

namespace {
using nlohmann::json;

struct DepthExceeded {};

json ErrorResponse(const json& id, ErrorCode code, const std::string& reason) {
    return MakeErrorResponse(id, code, reason);
}

bool ValidId(const json& id) { return id.is_string() || id.is_number() || id.is_null(); }

// A validated request's parts, or the reason it is invalid.
struct Parsed {
    bool ok = false;
    std::string error;
    json id = nullptr;  // the id to answer with (null if absent or invalid)
    bool has_id = false;
    const json* method = nullptr;
    const json* params = nullptr;
};

Parsed Validate(const json& r) {
    Parsed p;
    if (!r.is_object()) {
        p.error = "request must be an object";
        return p;
    }
    if (auto it = r.find("id"); it != r.end()) {
        if (!ValidId(*it)) {
            p.error = "id must be a string, a number or null";
            return p;
        }
        p.id = *it;
        p.has_id = true;
    }
    auto v = r.find("jsonrpc");
    if (v == r.end()) {
        p.error = "missing member 'jsonrpc'";
        return p;
    }
    if (!v->is_string() || v->get_ref<const std::string&>() != "2.0") {
        p.error = "member 'jsonrpc' must be \"2.0\"";
        return p;
    }
    auto m = r.find("method");
    if (m == r.end() || !m->is_string()) {
        p.error = "member 'method' must be a string";
        return p;
    }
    p.method = &*m;
    if (auto it = r.find("params"); it != r.end()) {
        if (!it->is_object() && !it->is_array()) {
            p.error = "member 'params' must be an object or an array";
            return p;
        }
        p.params = &*it;
    }
    for (const auto& [key, value] : r.items()) {
        if (key != "jsonrpc" && key != "method" && key != "params" && key != "id") {
            p.error = "unknown member '" + key + "'";
            return p;
        }
    }
    p.ok = true;
    return p;
}
}  // namespace

std::string DumpJson(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

const char* RpcEventName(RpcEvent::Kind kind) {
    switch (kind) {
        case RpcEvent::Kind::INTERNAL_ERROR: return "internal error";
        case RpcEvent::Kind::ACCEPT_FAILED: return "accept failed";
        case RpcEvent::Kind::IO_THREAD_ERROR: return "io thread error";
        case RpcEvent::Kind::CONNECTION_REFUSED: return "connection refused";
        case RpcEvent::Kind::CONNECTION_DROPPED: return "connection dropped";
    }
    return "event";
}

void Dispatcher::Report(const std::string& method, const CallContext& ctx, std::string error) const {
    if (!m_config.log) return;
    RpcEvent ev{RpcEvent::Kind::INTERNAL_ERROR, method, {}, std::move(error)};
    if (!ctx.remote_address.empty()) ev.peer = ctx.remote_address + ":" + std::to_string(ctx.remote_port);
    try {
        m_config.log(ev);
    } catch (...) {  // the call is answered whatever the log does
    }
}

std::string Dispatcher::ErrorText(ErrorCode code, const std::string& reason) {
    return DumpJson(ErrorResponse(nullptr, code, reason));
}

struct Dispatcher::Metrics {
    explicit Metrics(metrics::Registry& r)
        : requests(r.AddCounterFamily("folio_rpc_requests_total",
                                      "JSON-RPC calls answered, by method (other: none registered by that name, or "
                                      "no valid request) and code (0: a result; else the JSON-RPC error code).",
                                      {"method", "code"})),
          duration(r.AddHistogramFamily("folio_rpc_request_duration_seconds",
                                        "Time to answer a call of a registered method, by method.", {"method"},
                                        metrics::LatencyBuckets())) {}
    metrics::Family<metrics::Counter>& requests;
    metrics::Family<metrics::Histogram>& duration;
};

Dispatcher::Dispatcher(DispatcherConfig config) : m_config(std::move(config)), m_limiter(m_config.rate) {
    if (m_config.metrics) m_metrics = std::make_unique<Metrics>(*m_config.metrics);
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::Count(const std::string& method, const Entry* e, int code, double seconds) const {
    if (!m_metrics) return;
    if (e && seconds >= 0) e->duration->Observe(seconds);
    if (e && code == 0) return e->ok->Inc();
    const std::string c = std::to_string(code);
    m_metrics->requests.With({e ? std::string_view(method) : std::string_view("other"), c}).Inc();
}

void Dispatcher::Register(std::string name, Handler handler, Access access) {
    if (m_frozen) throw std::logic_error("Dispatcher::Register after the server started: " + name);
    if (!handler) throw std::logic_error("Dispatcher::Register with an empty handler: " + name);
    Entry entry{std::move(handler), access};
    if (m_metrics) {
        entry.ok = &m_metrics->requests.With({name, "0"});
        entry.duration = &m_metrics->duration.With({name});
    }
    if (!m_methods.emplace(std::move(name), std::move(entry)).second)
        throw std::logic_error("Dispatcher::Register: duplicate method");
}

bool Dispatcher::Has(std::string_view name) const { return m_methods.find(name) != m_methods.end(); }

std::vector<std::pair<std::string, Access>> Dispatcher::Methods() const {
    std::vector<std::pair<std::string, Access>> out;
    for (const auto& [name, e] : m_methods) out.emplace_back(name, e.access);
    return out;
}

int64_t Dispatcher::Now() const {
    if (m_config.now_ms) return m_config.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool Dispatcher::TakeRate(const CallContext& ctx) const {
    const std::string key = ctx.account ? "a:" + ctx.account->hex() : "i:" + ctx.remote_address;
    return m_limiter.Take(key, Now());
}

std::optional<json> Dispatcher::CallOne(const json& request, CallContext& ctx) const {
    if (ctx.session) {
        if (auto a = ctx.session->Account()) {
            ctx.account = a;
            ctx.auth_error.reset();
        }
    }
    Parsed p = Validate(request);
    if (!TakeRate(ctx)) {
        const Entry* limited = nullptr;
        if (p.ok)
            if (auto it = m_methods.find(p.method->get_ref<const std::string&>()); it != m_methods.end())
                limited = &it->second;
        Count(limited ? p.method->get_ref<const std::string&>() : std::string(), limited,
              static_cast<int>(ErrorCode::LIMIT_EXCEEDED));
        if (p.ok && !p.has_id) return std::nullopt;
        return ErrorResponse(p.id, ErrorCode::LIMIT_EXCEEDED, "rate limited");
    }
    if (!p.ok) {
        CountOther(ErrorCode::INVALID_REQUEST);
        return ErrorResponse(p.id, ErrorCode::INVALID_REQUEST, p.error);
    }
    const auto& name = p.method->get_ref<const std::string&>();
    auto it = m_methods.find(name);
    if (it == m_methods.end()) {
        CountOther(ErrorCode::METHOD_NOT_FOUND);
        if (!p.has_id) return std::nullopt;
        return ErrorResponse(p.id, ErrorCode::METHOD_NOT_FOUND, "no method '" + name + "'");
    }
    const Entry& e = it->second;
    std::optional<json> error;
    json result;
    int code = 0;
    const auto start = std::chrono::steady_clock::now();
    if (e.access == Access::AUTHENTICATED && !ctx.account) {
        code = static_cast<int>(ErrorCode::UNAUTHORIZED);
        error = RpcError(ErrorCode::UNAUTHORIZED, TokenErrorReason(ctx.auth_error.value_or(TokenError::MISSING)))
                    .ToJson();
    } else {
        static const json EMPTY = json::object();
        try {
            result = e.handler(p.params ? *p.params : EMPTY, ctx);
        } catch (const RpcError& err) {
            if (err.code() == ErrorCode::INTERNAL_ERROR) Report(name, ctx, err.reason());
            code = static_cast<int>(err.code());
            error = err.ToJson();
        } catch (const std::exception& ex) {
            Report(name, ctx, ex.what());
            code = static_cast<int>(ErrorCode::INTERNAL_ERROR);
            error = RpcError(ErrorCode::INTERNAL_ERROR, "internal error").ToJson();
        } catch (...) {
            Report(name, ctx, "unknown exception");
            code = static_cast<int>(ErrorCode::INTERNAL_ERROR);
            error = RpcError(ErrorCode::INTERNAL_ERROR, "internal error").ToJson();
        }
    }
    Count(name, &e, code, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!p.has_id) return std::nullopt;
    if (error) return json{{"jsonrpc", "2.0"}, {"id", p.id}, {"error", std::move(*error)}};
    return json{{"jsonrpc", "2.0"}, {"id", p.id}, {"result", std::move(result)}};
}

std::optional<std::string> Dispatcher::Process(std::string_view payload, CallContext& ctx) const {
    json doc;
    const auto max_depth = static_cast<int>(std::min<size_t>(m_config.max_json_depth, 100000));
    try {
        doc = json::parse(payload, [max_depth](int depth, json::parse_event_t, json&) {
            if (depth > max_depth) throw DepthExceeded{};
            return true;
        });
    } catch (const DepthExceeded&) {
        CountOther(ErrorCode::LIMIT_EXCEEDED);
        if (!TakeRate(ctx)) return ErrorText(ErrorCode::LIMIT_EXCEEDED, "rate limited");
        return ErrorText(ErrorCode::LIMIT_EXCEEDED,
                         "JSON nested deeper than " + std::to_string(m_config.max_json_depth) + " levels");
    } catch (const json::exception&) {
        const bool limited = !TakeRate(ctx);
        CountOther(limited ? ErrorCode::LIMIT_EXCEEDED : ErrorCode::PARSE_ERROR);
        if (limited) return ErrorText(ErrorCode::LIMIT_EXCEEDED, "rate limited");
        return ErrorText(ErrorCode::PARSE_ERROR, "invalid JSON");
    }
    if (!doc.is_array()) {
        auto r = CallOne(doc, ctx);
        if (!r) return std::nullopt;
        return DumpJson(*r);
    }
    if (doc.empty()) {
        const bool limited = !TakeRate(ctx);
        CountOther(limited ? ErrorCode::LIMIT_EXCEEDED : ErrorCode::INVALID_REQUEST);
        if (limited) return ErrorText(ErrorCode::LIMIT_EXCEEDED, "rate limited");
        return ErrorText(ErrorCode::INVALID_REQUEST, "empty batch");
    }
    if (doc.size() > m_config.max_batch) {
        CountOther(ErrorCode::LIMIT_EXCEEDED);
        if (!TakeRate(ctx)) return ErrorText(ErrorCode::LIMIT_EXCEEDED, "rate limited");
        return ErrorText(ErrorCode::LIMIT_EXCEEDED, "batch of " + std::to_string(doc.size()) +
                                                        " calls exceeds the limit of " +
                                                        std::to_string(m_config.max_batch));
    }
    json out = json::array();
    for (const auto& request : doc) {
        if (auto r = CallOne(request, ctx)) out.push_back(std::move(*r));
    }
    if (out.empty()) return std::nullopt;
    return DumpJson(out);
}

}  // namespace folio::rpc
