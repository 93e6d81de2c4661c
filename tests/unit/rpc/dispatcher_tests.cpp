// JSON-RPC processing without a network: validation, batches, notifications, errors, access,
// rate limiting; plus the Session queue, the rate limiter and the auth store on their own.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include <nlohmann/json.hpp>

#include <node/rpc/auth.h>
#include <node/rpc/dispatcher.h>
#include <node/rpc/params.h>
#include <node/rpc/rate_limiter.h>
#include <node/rpc/session.h>
#include <tests/unit/rpc/test_util.h>

using namespace folio;
using namespace folio::rpc;
using nlohmann::json;
using folio::rpc::test::Brief;

namespace {

struct Env {
    std::atomic<int64_t> now{1'700'000'000'000};
    std::atomic<int> notified{0};
    std::string log;
    Dispatcher d;

    explicit Env(DispatcherConfig c = {}) : d(Configure(std::move(c))) {
        d.Register("add", [](const json& params, CallContext&) -> json {
            Params p(params);
            return p.Uint64("a") + p.Uint64("b");
        }, Access::PUBLIC);
        d.Register("echo", [](const json& params, CallContext&) -> json { return params; }, Access::PUBLIC);
        d.Register("note", [this](const json&, CallContext&) -> json { return ++notified; }, Access::PUBLIC);
        d.Register("boom", [](const json&, CallContext&) -> json {
            throw std::runtime_error("secret internal detail");
        }, Access::PUBLIC);
        d.Register("reject", [](const json&, CallContext&) -> json {
            throw RpcError(ErrorCode::TRANSACTION_REJECTED, "bad nonce", {{"expected", 7}});
        }, Access::PUBLIC);
        d.Register("whoami", [](const json&, CallContext& ctx) -> json { return ctx.account->hex().substr(0, 8); },
                   Access::AUTHENTICATED);
        d.Freeze();
    }
    DispatcherConfig Configure(DispatcherConfig c) {
        c.now_ms = [this] { return now.load(); };
        c.log = [this](const RpcEvent& ev) {
            log += std::string(RpcEventName(ev.kind)) + "|" + ev.method + "|" + ev.peer + "|" + ev.error + "\n";
        };
        return c;
    }
    std::string Run(std::string_view payload, CallContext ctx = {}) {
        if (ctx.remote_address.empty()) ctx.remote_address = "10.0.0.1";
        auto out = d.Process(payload, ctx);
        if (!out) return "(none)";
        return Brief(json::parse(*out));
    }
};

std::string Call(const char* method, const char* params = nullptr, const char* id = "1") {
    std::string s = std::string(R"({"jsonrpc":"2.0","id":)") + id + R"(,"method":")" + method + "\"";
    if (params) s += std::string(R"(,"params":)") + params;
    return s + "}";
}

}  // namespace

TEST_CASE("dispatcher: a call answers its result with the request's id") {
    Env e;
    CHECK(e.Run(Call("add", R"({"a":2,"b":3})")) == "1 = 5");
    CHECK(e.Run(Call("add", R"({"a":2,"b":3})", R"("x")")) == R"("x" = 5)");
    CHECK(e.Run(Call("add", R"({"a":2,"b":3})", "null")) == "null = 5");  // id null is a request
    CHECK(e.Run(Call("add", R"({"a":2,"b":3})", "2.5")) == "2.5 = 5");
    CHECK(e.Run(Call("echo")) == "1 = {}");  // absent params reach the handler as {}
    CHECK(e.Run(Call("echo", "[1,2]")) == "1 = [1,2]");
}

TEST_CASE("dispatcher: every standard error code, with data.reason") {
    Env e;
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":1,"method":"add")") == "null -32700 invalid JSON");
    CHECK(e.Run("") == "null -32700 invalid JSON");
    CHECK(e.Run("1") == "null -32600 request must be an object");
    CHECK(e.Run(R"({"id":1,"method":"add"})") == "1 -32600 missing member 'jsonrpc'");
    CHECK(e.Run(R"({"jsonrpc":"1.0","id":1,"method":"add"})") == "1 -32600 member 'jsonrpc' must be \"2.0\"");
    CHECK(e.Run(R"({"jsonrpc":2.0,"id":1,"method":"add"})") == "1 -32600 member 'jsonrpc' must be \"2.0\"");
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":1,"method":5})") == "1 -32600 member 'method' must be a string");
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":1})") == "1 -32600 member 'method' must be a string");
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":{"a":1},"method":"add"})") == "null -32600 id must be a string, a number or null");
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":[1],"method":"add"})") == "null -32600 id must be a string, a number or null");
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":true,"method":"add"})") == "null -32600 id must be a string, a number or null");
    CHECK(e.Run(Call("echo", R"("text")")) == "1 -32600 member 'params' must be an object or an array");
    CHECK(e.Run(R"({"jsonrpc":"2.0","id":1,"method":"echo","extra":0})") == "1 -32600 unknown member 'extra'");
    // An invalid request is answered even without an id (JSON-RPC 2.0 section 5.1 example).
    CHECK(e.Run(R"({"jsonrpc":"2.0","method":1,"params":"bar"})") == "null -32600 member 'method' must be a string");
    CHECK(e.Run("[]") == "null -32600 empty batch");
    CHECK(e.Run(Call("nope")) == "1 -32601 no method 'nope'");
    CHECK(e.Run(Call("add", R"({"a":2})")) == "1 -32602 missing param 'b'");
    CHECK(e.Run(Call("add", R"({"a":2,"b":"3"})")) == "1 -32602 param 'b' must be an unsigned integer");
    CHECK(e.Run(Call("add", "[2,3]")) == "1 -32602 params must be an object");
    CHECK(e.Run(Call("reject")) == "1 -32003 bad nonce");
}

TEST_CASE("dispatcher: error objects carry code, message and data; internals never leak") {
    Env e;
    CallContext ctx;
    auto out = e.d.Process(Call("boom"), ctx);
    REQUIRE(out);
    CHECK(*out == R"({"error":{"code":-32603,"data":{"reason":"internal error"},"message":"Internal error"},"id":1,"jsonrpc":"2.0"})");
    CHECK(out->find("secret") == std::string::npos);
    CHECK(e.log == "internal error|boom||secret internal detail\n");  // but the operator sees it
    out = e.d.Process(Call("reject"), ctx);
    REQUIRE(out);
    CHECK(json::parse(*out)["error"]["data"] == json{{"reason", "bad nonce"}, {"expected", 7}});
    CHECK(json::parse(*out)["error"]["message"] == "Transaction rejected");
}

TEST_CASE("dispatcher: every INTERNAL_ERROR answer is reported with method, peer and error; nothing else is") {
    std::vector<RpcEvent> events;
    DispatcherConfig c;
    c.log = [&](const RpcEvent& ev) { events.push_back(ev); };
    Dispatcher d(c);
    d.Register("boom", [](const json&, CallContext&) -> json { throw std::runtime_error("disk gone"); }, Access::PUBLIC);
    d.Register("odd", [](const json&, CallContext&) -> json { throw 42; }, Access::PUBLIC);
    d.Register("tax", [](const json&, CallContext&) -> json {
        throw RpcError(ErrorCode::INTERNAL_ERROR, "tax contract returned a malformed report");
    }, Access::PUBLIC);
    d.Register("reject", [](const json&, CallContext&) -> json {
        throw RpcError(ErrorCode::TRANSACTION_REJECTED, "bad nonce");
    }, Access::PUBLIC);
    d.Freeze();
    CallContext ctx;
    ctx.remote_address = "10.0.0.7";
    ctx.remote_port = 4242;
    auto out = d.Process(R"([{"jsonrpc":"2.0","id":1,"method":"boom"},{"jsonrpc":"2.0","id":2,"method":"odd"},)"
                         R"({"jsonrpc":"2.0","id":3,"method":"tax"},{"jsonrpc":"2.0","id":4,"method":"reject"},)"
                         R"({"jsonrpc":"2.0","method":"boom"}])",
                         ctx);
    REQUIRE(out);
    CHECK(Brief(json::parse(*out)) ==
          "[1 -32603 internal error | 2 -32603 internal error | 3 -32603 tax contract returned a malformed report | "
          "4 -32003 bad nonce]");
    std::string seen;
    for (const auto& ev : events)
        seen += std::string(RpcEventName(ev.kind)) + "|" + ev.method + "|" + ev.peer + "|" + ev.error + "\n";
    // The notification's failure (no answer is sent) is reported too.
    CHECK(seen ==
          "internal error|boom|10.0.0.7:4242|disk gone\n"
          "internal error|odd|10.0.0.7:4242|unknown exception\n"
          "internal error|tax|10.0.0.7:4242|tax contract returned a malformed report\n"
          "internal error|boom|10.0.0.7:4242|disk gone\n");
}

TEST_CASE("dispatcher: notifications run but get no response") {
    Env e;
    CHECK(e.Run(R"({"jsonrpc":"2.0","method":"note"})") == "(none)");
    CHECK(e.notified == 1);
    CHECK(e.Run(R"({"jsonrpc":"2.0","method":"nope"})") == "(none)");  // unknown: still silent
    CHECK(e.Run(R"({"jsonrpc":"2.0","method":"boom"})") == "(none)");
    CHECK(e.Run(R"([{"jsonrpc":"2.0","method":"note"},{"jsonrpc":"2.0","method":"note"}])") == "(none)");
    CHECK(e.notified == 3);
}

TEST_CASE("dispatcher: batches answer each call in order and skip notifications") {
    Env e;
    const std::string batch = "[" + Call("add", R"({"a":1,"b":1})", "1") + R"(,{"jsonrpc":"2.0","method":"note"},)" +
                              R"(1,[],)" + Call("nope", nullptr, R"("z")") + "," + Call("add", "{}", "4") + "]";
    CHECK(e.Run(batch) ==
          "[1 = 2 | null -32600 request must be an object | null -32600 request must be an object | "
          "\"z\" -32601 no method 'nope' | 4 -32602 missing param 'a']");
    CHECK(e.notified == 1);
}

TEST_CASE("dispatcher: batch length and nesting depth are limited") {
    DispatcherConfig c;
    c.max_batch = 3;
    c.max_json_depth = 10;
    Env e(c);
    const std::string three = "[" + Call("echo") + "," + Call("echo") + "," + Call("echo") + "]";
    CHECK(e.Run(three) == "[1 = {} | 1 = {} | 1 = {}]");
    const std::string four = "[" + Call("echo") + "," + Call("echo") + "," + Call("echo") + "," + Call("echo") + "]";
    CHECK(e.Run(four) == "null -32005 batch of 4 calls exceeds the limit of 3");
    const std::string deep = Call("echo", (std::string(12, '[') + std::string(12, ']')).c_str());
    CHECK(e.Run(deep) == "null -32005 JSON nested deeper than 10 levels");
    const std::string ok = Call("echo", (std::string(8, '[') + std::string(8, ']')).c_str());
    CHECK(e.Run(ok) == "1 = [[[[[[[[]]]]]]]]");
}

TEST_CASE("dispatcher: AUTHENTICATED methods refuse callers without an account before the handler runs") {
    Env e;
    CHECK(e.Run(Call("whoami")) == "1 -32010 authentication required");
    CallContext expired;
    expired.auth_error = TokenError::EXPIRED;
    CHECK(e.Run(Call("whoami"), expired) == "1 -32010 token expired");
    CallContext bad;
    bad.auth_error = TokenError::UNKNOWN;
    CHECK(e.Run(Call("whoami"), bad) == "1 -32010 unknown token");
    CallContext ok;
    ok.account = Address::FromHexStr(std::string(64, 'a'));
    CHECK(e.Run(Call("whoami"), ok) == "1 = \"aaaaaaaa\"");
}

TEST_CASE("dispatcher: rate limit per IP, per account, refilling with time") {
    DispatcherConfig c;
    c.rate = RateLimit{1, 2, 100};  // 1 call/s, burst 2
    Env e(c);
    CHECK(e.Run(Call("echo")) == "1 = {}");
    CHECK(e.Run(Call("echo")) == "1 = {}");
    CHECK(e.Run(Call("echo")) == "1 -32005 rate limited");
    CHECK(e.Run("garbage") == "null -32005 rate limited");
    CallContext other_ip;
    other_ip.remote_address = "10.0.0.2";
    CHECK(e.Run(Call("echo"), other_ip) == "1 = {}");
    CallContext acct;  // same IP, but an account has its own bucket
    acct.account = Address::FromHexStr(std::string(64, 'b'));
    CHECK(e.Run(Call("echo"), acct) == "1 = {}");
    e.now += 1000;
    CHECK(e.Run("[" + Call("echo") + "," + Call("echo") + "]") == "[1 = {} | 1 -32005 rate limited]");
}

TEST_CASE("dispatcher: registration rules") {
    Env e;
    Dispatcher d{DispatcherConfig{}};
    d.Register("a", [](const json&, CallContext&) -> json { return 1; }, Access::PUBLIC);
    CHECK_THROWS_AS(d.Register("a", [](const json&, CallContext&) -> json { return 1; }, Access::PUBLIC),
                    std::logic_error);
    d.Freeze();
    CHECK_THROWS_AS(d.Register("b", [](const json&, CallContext&) -> json { return 1; }, Access::PUBLIC),
                    std::logic_error);
    CHECK(d.Has("a"));
    CHECK_FALSE(d.Has("b"));
}

// ---------------------------------------------------------------------------------------------
namespace {
struct FakeTransport : SessionTransport {
    int wakes = 0;
    int closes = 0;
    void WakeWriter() override { ++wakes; }
    void CloseTransport() override { ++closes; }
};
std::string Drain(Session& s) {
    std::string out;
    while (auto m = s.BeginWrite()) {
        out += json::parse(*m)["params"].dump() + ";";
        s.FinishWrite();
    }
    return out;
}
}  // namespace

TEST_CASE("session: bounded queue, overflow listener once per episode, final notice in the reserve") {
    SessionLimits lim;
    lim.max_queue_bytes = 1000;
    lim.max_queue_messages = 3;
    lim.reserve_bytes = 200;
    lim.reserve_messages = 1;
    auto s = std::make_shared<Session>(1, "1.2.3.4:5", lim);
    auto t = std::make_shared<FakeTransport>();
    s->AttachTransport(t);
    int fired = 0;
    s->AddOverflowListener([&](Session& self) {
        ++fired;
        CHECK(self.NotifyFinal("sub", json{{"stop", "slow"}}) == Session::NotifyResult::QUEUED);
    });
    CHECK(s->Notify("sub", 1) == Session::NotifyResult::QUEUED);
    CHECK(s->Notify("sub", 2) == Session::NotifyResult::QUEUED);
    CHECK(s->Notify("sub", 3) == Session::NotifyResult::QUEUED);
    CHECK(s->Notify("sub", 4) == Session::NotifyResult::OVERFLOW);  // 4th message: over the count
    CHECK(s->Notify("sub", 5) == Session::NotifyResult::OVERFLOW);  // same episode: no second call
    CHECK(fired == 1);
    CHECK(s->Stats().messages == 4);
    CHECK(s->Stats().refused == 2);
    CHECK(Drain(*s) == R"(1;2;3;{"stop":"slow"};)");
    CHECK(s->Notify("sub", std::string(2000, 'x')) == Session::NotifyResult::OVERFLOW);  // too big alone
    CHECK(fired == 2);  // the queue drained, so this is a new episode
    CHECK(t->wakes >= 1);
    CHECK(t->closes == 0);
}

TEST_CASE("session: a notification serialised once per event is byte for byte what Notify writes") {
    SessionLimits lim;
    lim.max_queue_bytes = 10000;
    lim.max_queue_messages = 2;
    auto s = std::make_shared<Session>(1, "r", lim);
    const json result = {{"seq", 7}, {"kind", "payout_instruction"}, {"payee", nullptr}, {"memo", "a\"b\u00e9"},
                         {"amount", {{"amount", "12.50"}, {"currency", "BRL"}}}};
    const std::string prefix = rpc::SubscriptionNotificationPrefix("settlement_subscription", result);
    CHECK(s->Notify("settlement_subscription", {{"subscription", "42"}, {"result", result}}) ==
          Session::NotifyResult::QUEUED);
    CHECK(s->NotifySerialized(rpc::CloseSubscriptionNotification(prefix, "42")) == Session::NotifyResult::QUEUED);
    auto first = s->BeginWrite();
    REQUIRE(first);
    const std::string a = *first;
    s->FinishWrite();
    auto second = s->BeginWrite();
    REQUIRE(second);
    CHECK(*second == a);
    CHECK(json::parse(*second)["params"]["subscription"] == "42");
    s->FinishWrite();
    // The same queue limits: a third message while two wait is refused.
    CHECK(s->NotifySerialized(rpc::CloseSubscriptionNotification(prefix, "1")) == Session::NotifyResult::QUEUED);
    CHECK(s->NotifySerialized(rpc::CloseSubscriptionNotification(prefix, "2")) == Session::NotifyResult::QUEUED);
    CHECK(s->NotifySerialized(rpc::CloseSubscriptionNotification(prefix, "3")) == Session::NotifyResult::OVERFLOW);
}

TEST_CASE("session: a final notice beyond the reserve closes the connection") {
    SessionLimits lim;
    lim.max_queue_bytes = 100;
    lim.max_queue_messages = 10;
    lim.reserve_bytes = 10;
    auto s = std::make_shared<Session>(1, "r", lim);
    auto t = std::make_shared<FakeTransport>();
    s->AttachTransport(t);
    CHECK(s->NotifyFinal("m", std::string(200, 'x')) == Session::NotifyResult::OVERFLOW);
    CHECK(t->closes == 1);
    CHECK(s->Notify("m", 1) == Session::NotifyResult::CLOSED);
}

TEST_CASE("session: close listeners run once and release every listener; binding is permanent") {
    auto s = std::make_shared<Session>(7, "r", SessionLimits{});
    int closed = 0;
    s->AddCloseListener([&](Session&) { ++closed; });
    const auto a = *Address::FromHexStr(std::string(64, 'a'));
    const auto b = *Address::FromHexStr(std::string(64, 'b'));
    CHECK(s->BindAccount(a));
    CHECK(s->BindAccount(a));
    CHECK_FALSE(s->BindAccount(b));
    CHECK(s->Account() == a);
    s->MarkClosed();
    s->MarkClosed();
    CHECK(closed == 1);
    CHECK(s->Notify("m", 1) == Session::NotifyResult::CLOSED);
    s->AddCloseListener([&](Session&) { ++closed; });  // late: runs at once
    CHECK(closed == 2);
}

TEST_CASE("rate limiter: burst, refill, bounded keys") {
    RateLimiter r(RateLimit{2, 3, 2});
    CHECK(r.Take("a", 0));
    CHECK(r.Take("a", 0));
    CHECK(r.Take("a", 0));
    CHECK_FALSE(r.Take("a", 0));
    CHECK_FALSE(r.Take("a", 499));
    CHECK(r.Take("a", 500));  // 2/s: one token per 500 ms
    CHECK(r.Take("b", 500));
    CHECK(r.KeyCount() == 2);
    CHECK(r.Take("c", 500));  // no room: "c" uses the shared overflow bucket
    CHECK(r.KeyCount() == 2);
    CHECK(r.Take("d", 100000));  // by now "a" and "b" are full again and are dropped for "d"
    CHECK(r.KeyCount() == 1);
    RateLimiter off(RateLimit{0, 0, 1});
    for (int i = 0; i < 100; ++i) CHECK(off.Take("x", 0));
}
