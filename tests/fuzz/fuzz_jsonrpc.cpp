// Fuzzes the JSON-RPC processing (parsing, validation, batches, dispatch, params helpers) and the
// Authorization header parser. Invariants: never crashes or throws; every response is valid JSON,
// either one response object or a non-empty array of them, each with "jsonrpc":"2.0" and exactly
// one of "result"/"error".
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <node/rpc/auth.h>
#include <node/rpc/dispatcher.h>
#include <node/rpc/params.h>

using namespace folio;
using namespace folio::rpc;
using nlohmann::json;

namespace {

Dispatcher& Instance() {
    static Dispatcher* d = [] {
        DispatcherConfig c;
        c.max_batch = 16;
        c.max_json_depth = 32;
        c.rate.per_second = 0;
        c.now_ms = [] { return int64_t{0}; };
        auto* disp = new Dispatcher(c);
        disp->Register("echo", [](const json& p, CallContext&) -> json { return p; }, Access::PUBLIC);
        disp->Register("get", [](const json& params, CallContext&) -> json {
            Params p(params);
            p.AllowOnly({"height", "name", "address"});
            json out = json::object();
            if (auto h = p.OptUint64("height")) out["height"] = *h;
            if (auto n = p.OptString("name")) out["name"] = *n;
            if (p.Has("address")) out["address"] = p.AddressParam("address").hex();
            return out;
        }, Access::PUBLIC);
        disp->Register("fail", [](const json& p, CallContext&) -> json {
            if (p.is_array() && !p.empty()) throw std::runtime_error("boom");
            throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "nothing", p.is_object() ? p : json::object());
        }, Access::PUBLIC);
        disp->Register("private", [](const json&, CallContext& ctx) -> json { return ctx.account->hex(); },
                       Access::AUTHENTICATED);
        disp->Freeze();
        return disp;
    }();
    return *d;
}

void CheckResponse(const json& r) {
    if (!r.is_object() || r.value("jsonrpc", "") != "2.0" || !r.contains("id")) std::abort();
    if (r.contains("result") == r.contains("error")) std::abort();
    if (r.contains("error")) {
        const auto& e = r["error"];
        if (!e["code"].is_number_integer() || !e["message"].is_string() || !e["data"]["reason"].is_string())
            std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    CallContext ctx;
    ctx.remote_address = "127.0.0.1";
    if (size > 0 && (data[0] & 1)) ctx.account = Address{};
    auto out = Instance().Process(input, ctx);
    if (out) {
        const json r = json::parse(*out);  // must be valid JSON (throws -> the fuzzer reports it)
        if (r.is_array()) {
            if (r.empty()) std::abort();
            for (const auto& x : r) CheckResponse(x);
        } else {
            CheckResponse(r);
        }
    }
    static AuthManager auth("folio-fuzz", AuthConfig{}, [] { return int64_t{0}; });
    (void)auth.CheckAuthorizationHeader(input);
    return 0;
}
