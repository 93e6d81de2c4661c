// The server over real sockets (ephemeral port, in-process): HTTP and WebSocket transport, limits,
// authentication end to end, server-initiated notifications and slow consumers, TLS.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include <node/core/keys.h>
#include <node/rpc/params.h>
#include <node/rpc/server.h>
#include <tests/unit/rpc/test_client.h>
#include <tests/unit/rpc/test_util.h>

using namespace folio;
using namespace folio::rpc;
using namespace folio::rpc::test;
using nlohmann::json;

namespace {

SecretKey Key(uint8_t fill) {
    SecretKey sk;
    sk.data.fill(fill);
    return sk;
}

struct TestServer {
    std::atomic<int64_t> now{1'700'000'000'000};
    std::mutex mu;
    std::shared_ptr<Session> session;  // the last session that called "subscribe"
    std::atomic<int64_t> next_seq{1};
    std::atomic<int> overflow_calls{0};
    std::atomic<int> close_calls{0};
    std::vector<std::string> events;  // every RpcEvent reported, as "kind|method|peer|error"
    std::unique_ptr<RpcServer> server;

    explicit TestServer(const std::function<void(ServerConfig&)>& tweak = nullptr) {
        ServerConfig c;
        c.chain_id = "folio-devnet";
        c.threads = 2;
        c.dispatch.rate.per_second = 0;
        c.dispatch.now_ms = [this] { return now.load(); };
        c.dispatch.log = [this](const RpcEvent& e) {
            std::lock_guard lock(mu);
            events.push_back(std::string(RpcEventName(e.kind)) + "|" + e.method + "|" + e.peer + "|" + e.error);
        };
        if (tweak) tweak(c);
        server = std::make_unique<RpcServer>(c);
        server->Register(
            "echo", [](const json& p, CallContext&) -> json { return p; }, Access::PUBLIC);
        server->Register(
            "add",
            [](const json& params, CallContext&) -> json {
                Params p(params);
                return p.Uint64("a") + p.Uint64("b");
            },
            Access::PUBLIC);
        server->Register(
            "boom", [](const json&, CallContext&) -> json { throw std::runtime_error("db path /x"); }, Access::PUBLIC);
        server->Register(
            "whoami", [](const json&, CallContext& ctx) -> json { return ctx.account->hex(); }, Access::AUTHENTICATED);
        server->Register(
            "balance_of",
            [](const json& params, CallContext& ctx) -> json {
                Params p(params);
                if (p.AddressParam("address") != *ctx.account) throw RpcError(ErrorCode::FORBIDDEN, "not a party");
                return "0.00";
            },
            Access::AUTHENTICATED);
        server->Register(
            "subscribe",
            [this](const json&, CallContext& ctx) -> json {
                if (!ctx.session) throw RpcError(ErrorCode::METHOD_NOT_SUPPORTED, "WebSocket only");
                ctx.session->AddOverflowListener([this](Session& s) {
                    ++overflow_calls;
                    s.NotifyFinal("test_subscription", {{"stop", "slow consumer"}, {"next_seq", next_seq.load()}});
                });
                ctx.session->AddCloseListener([this](Session&) { ++close_calls; });
                std::lock_guard lock(mu);
                session = ctx.session;
                return ctx.session->Id();
            },
            Access::PUBLIC);
        server->Start();
    }
    uint16_t Port() const { return server->Port(); }
    std::shared_ptr<Session> LastSession() {
        std::lock_guard lock(mu);
        return session;
    }
    // The events reported so far whose text starts with `prefix`.
    std::vector<std::string> Events(const std::string& prefix) {
        std::lock_guard lock(mu);
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e.rfind(prefix, 0) == 0) out.push_back(e);
        return out;
    }
};

// challenge -> sign -> login; returns the auth_login response.
json Login(const std::function<json(const std::string&, const json&)>& call, const SecretKey& sk,
           const std::string& chain = "folio-devnet") {
    const json ch = call("auth_challenge", json::object());
    const std::string nonce = ch["result"]["nonce"];
    const Hash256 n = *Hash256::FromHexStr(nonce);
    const Signature sig = *SignSchnorr(sk, AuthMessage(chain, n.view()), Hash256{});
    return call("auth_login", {{"address", DerivePublicKey(sk)->hex()}, {"nonce", nonce}, {"signature", sig.hex()}});
}

bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds max = std::chrono::seconds(3)) {
    const auto end = std::chrono::steady_clock::now() + max;
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return cond();
}

}  // namespace

TEST_CASE("server: HTTP call, batch, notification, health and routing over one keep-alive connection") {
    TestServer t;
    CHECK(t.Port() != 0);
    RpcTestClient c(t.Port());
    CHECK(Brief(c.Call("add", {{"a", 40}, {"b", 2}})) == "1 = 42");
    auto r = c.Post(R"([{"jsonrpc":"2.0","id":1,"method":"add","params":{"a":1,"b":2}},)"
                    R"({"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":"b","method":"echo","params":[7]}])");
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/json");
    CHECK(Brief(r.Json()) == "[1 = 3 | \"b\" = [7]]");
    r = c.Post(R"({"jsonrpc":"2.0","method":"echo"})");
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    r = c.Get("/health");
    CHECK((std::to_string(r.status) + " " + r.body) == "200 ok");
    CHECK(r.keep_alive);
    r = c.Get("/healthz");
    CHECK((std::to_string(r.status) + " " + r.body) == "200 ok");
    CHECK(c.Get("/").status == 405);
    CHECK(c.Post("{}", "", "/nope").status == 404);
    CHECK(t.server->ConnectionCount() == 1);  // all of it on one connection
}

TEST_CASE("server: the standard error codes travel over HTTP") {
    TestServer t;
    RpcTestClient c(t.Port());
    CHECK(Brief(c.Post("{nope").Json()) == "null -32700 invalid JSON");
    CHECK(Brief(c.Post(R"({"jsonrpc":"2.0","id":1,"method":[]})").Json()) ==
          "1 -32600 member 'method' must be a string");
    CHECK(Brief(c.Post("[]").Json()) == "null -32600 empty batch");
    CHECK(Brief(c.Call("nope")) == "1 -32601 no method 'nope'");
    CHECK(Brief(c.Call("add", {{"a", 1}})) == "1 -32602 missing param 'b'");
    const auto r = c.Post(R"({"jsonrpc":"2.0","id":1,"method":"boom"})");
    CHECK(Brief(r.Json()) == "1 -32603 internal error");
    CHECK(r.body.find("/x") == std::string::npos);
    CHECK(r.status == 200);
    // The operator hears about the -32603 (and only about it): method, client address, the error.
    const auto internal = t.Events("internal error|");
    REQUIRE(internal.size() == 1);
    CHECK(internal[0].rfind("internal error|boom|127.0.0.1:", 0) == 0);
    CHECK(internal[0].substr(internal[0].rfind('|')) == "|db path /x");
    CHECK(t.Events("").size() == 1);
}

TEST_CASE("server: oversized body -> 413 with -32005, and a batch too long -> -32005") {
    TestServer t([](ServerConfig& c) {
        c.max_body_bytes = 4096;
        c.dispatch.max_batch = 2;
    });
    RpcTestClient c(t.Port());
    const std::string big =
        R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" + std::string(100000, 'x') + "\"]}";
    auto r = c.Post(big);
    CHECK(r.status == 413);
    CHECK_FALSE(r.keep_alive);
    CHECK(Brief(r.Json()) == "null -32005 request body exceeds 4096 bytes");
    // The client reconnects and carries on.
    CHECK(Brief(c.Call("echo", {1})) == "1 = [1]");
    r = c.Post(R"([{"jsonrpc":"2.0","id":1,"method":"echo"},{"jsonrpc":"2.0","id":2,"method":"echo"},)"
               R"({"jsonrpc":"2.0","id":3,"method":"echo"}])");
    CHECK(Brief(r.Json()) == "null -32005 batch of 3 calls exceeds the limit of 2");
}

TEST_CASE("server: connections beyond the limit get 503/-32005 and are closed; a freed slot is reused") {
    TestServer t([](ServerConfig& c) { c.max_connections = 2; });
    auto a = std::make_unique<RpcTestClient>(t.Port());
    RpcTestClient b(t.Port());
    CHECK(Brief(a->Call("echo")) == "1 = {}");
    CHECK(Brief(b.Call("echo")) == "1 = {}");
    RpcTestClient third(t.Port());
    auto r = third.Post(R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
    CHECK(r.status == 503);
    CHECK_FALSE(r.keep_alive);
    CHECK(Brief(r.Json()) == "null -32005 too many connections");
    CHECK(t.server->ConnectionCount() == 2);
    const auto refused = t.Events("connection refused|");
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].rfind("connection refused||127.0.0.1:", 0) == 0);
    CHECK(refused[0].substr(refused[0].rfind('|')) == "|too many connections: answered 503");
    a.reset();  // close one
    CHECK(WaitFor([&] { return t.server->ConnectionCount() < 2; }));
    CHECK(Brief(third.Call("echo")) == "1 = {}");
}

TEST_CASE("server: connections per remote address are bounded; another address is still served") {
    TestServer t([](ServerConfig& c) {
        c.max_connections = 100;
        c.max_connections_per_ip = 3;
    });
    std::vector<std::unique_ptr<RpcTestClient>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<RpcTestClient>(t.Port()));
        CHECK(Brief(held.back()->Call("echo")) == "1 = {}");
    }
    RpcTestClient fourth(t.Port());
    auto r = fourth.Post(R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
    CHECK(r.status == 503);
    CHECK(Brief(r.Json()) == "null -32005 too many connections from this address");
    CHECK(t.server->ConnectionCount() == 3);
    const auto refused = t.Events("connection refused|");
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].substr(refused[0].rfind('|')) == "|too many connections from this address: answered 503");
    // The same moment, a client from another loopback address gets its answer.
    auto other = RawExchange(t.Port(), "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                             std::chrono::seconds(3), "127.0.0.2");
    CHECK(other.received.rfind("HTTP/1.1 200", 0) == 0);
    // A freed slot of the first address is reused.
    held.pop_back();
    CHECK(WaitFor([&] { return t.server->ConnectionCount() == 2; }));
    CHECK(Brief(fourth.Call("echo")) == "1 = {}");
}

TEST_CASE("server: login attempts are rate-limited per address (-32005), others still log in") {
    TestServer t([](ServerConfig& c) { c.auth.challenge_rate = RateLimit{1, 3, 1000}; });
    RpcTestClient c(t.Port());
    auto call = [&](const std::string& m, const json& p) { return c.Call(m, p); };
    for (int i = 0; i < 3; ++i) CHECK(Login(call, Key(static_cast<uint8_t>(0x30 + i)))["result"].contains("token"));
    CHECK(Brief(c.Call("auth_challenge")) == "1 -32005 too many login attempts from this address");
    // The same server, a client from another address.
    const std::string req = R"({"jsonrpc":"2.0","id":7,"method":"auth_challenge"})";
    auto other = RawExchange(t.Port(),
                             "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                             "Content-Length: " +
                                 std::to_string(req.size()) + "\r\n\r\n" + req,
                             std::chrono::seconds(3), "127.0.0.2");
    CHECK(other.received.find("\"nonce\"") != std::string::npos);
    t.now += 1000;
    CHECK(Login(call, Key(0x40))["result"].contains("token"));
    CHECK(t.server->Auth().RateLimitedChallenges() == 1);
}

TEST_CASE("server: rate limit per IP, and an authenticated account has its own bucket") {
    TestServer t([](ServerConfig& c) { c.dispatch.rate = RateLimit{1, 4, 1000}; });
    RpcTestClient c(t.Port());
    auto call = [&](const std::string& m, const json& p) { return c.Call(m, p); };
    const json login = Login(call, Key(0x22));  // 2 calls
    const std::string token = login["result"]["token"];
    CHECK(Brief(c.Call("echo")) == "1 = {}");
    CHECK(Brief(c.Call("echo")) == "1 = {}");
    CHECK(Brief(c.Call("echo")) == "1 -32005 rate limited");
    CHECK(Brief(c.Call("echo", json::object(), token)) == "1 = {}");
    t.now += 1000;
    CHECK(Brief(c.Call("echo")) == "1 = {}");
}

TEST_CASE("server: auth end to end over HTTP") {
    TestServer t;
    RpcTestClient c(t.Port());
    auto call = [&](const std::string& m, const json& p) { return c.Call(m, p); };
    const SecretKey alice = Key(0x22);
    const SecretKey bob = Key(0x33);
    const std::string alice_addr = DerivePublicKey(alice)->hex();
    const std::string bob_addr = DerivePublicKey(bob)->hex();

    CHECK(Brief(c.Call("whoami")) == "1 -32010 authentication required");
    const json ch = c.Call("auth_challenge");
    CHECK(ch["result"]["chain_id"] == "folio-devnet");
    CHECK(ch["result"]["expires"] == t.now / 1000 + 60);

    const json ok = Login(call, alice);
    REQUIRE(ok.contains("result"));
    const std::string token = ok["result"]["token"];
    CHECK(ok["result"]["expires"] == t.now / 1000 + 3600);
    CHECK(Brief(c.Call("whoami", json::object(), token)) == "1 = \"" + alice_addr + "\"");
    CHECK(Brief(c.Call("balance_of", {{"address", alice_addr}}, token)) == "1 = \"0.00\"");
    // Alice's token does not open Bob's data.
    CHECK(Brief(c.Call("balance_of", {{"address", bob_addr}}, token)) == "1 -32011 not a party");

    // Wrong signature (signed for another chain), reused nonce, unknown token, malformed header.
    CHECK(Brief(Login(call, alice, "other-chain")) == "1 -32012 bad signature");
    const json ch2 = c.Call("auth_challenge");
    const std::string nonce = ch2["result"]["nonce"];
    const Signature sig =
        *SignSchnorr(alice, AuthMessage("folio-devnet", Hash256::FromHexStr(nonce)->view()), Hash256{});
    const json params = {{"address", alice_addr}, {"nonce", nonce}, {"signature", sig.hex()}};
    CHECK(c.Call("auth_login", params).contains("result"));
    CHECK(Brief(c.Call("auth_login", params)) == "1 -32012 unknown or already used nonce");
    CHECK(Brief(c.Call("auth_login", {{"address", alice_addr}, {"nonce", nonce}})) ==
          "1 -32602 missing param 'signature'");
    CHECK(Brief(c.Call("whoami", json::object(), std::string(64, 'f'))) == "1 -32010 unknown token");
    CHECK(Brief(c.Post(R"({"jsonrpc":"2.0","id":1,"method":"whoami"})", "not-hex").Json()) ==
          "1 -32010 malformed bearer token");

    // Expiry.
    t.now += 3600 * 1000;
    CHECK(Brief(c.Call("whoami", json::object(), token)) == "1 -32010 token expired");
    CHECK(Brief(c.Call("echo", {1}, token)) == "1 = [1]");  // public methods still answer
}

TEST_CASE("server: WebSocket request/response, push notifications, auth binding") {
    TestServer t;
    WsTestClient ws(t.Port());
    CHECK(Brief(ws.Call("add", {{"a", 2}, {"b", 2}})) == "1 = 4");
    ws.Send(R"([{"jsonrpc":"2.0","id":"x","method":"echo","params":[1]},{"jsonrpc":"2.0","method":"echo"}])");
    CHECK(Brief(json::parse(ws.Read())) == "[\"x\" = [1]]");
    ws.Send("{bad");
    CHECK(Brief(json::parse(ws.Read())) == "null -32700 invalid JSON");

    const json sub = ws.Call("subscribe");
    auto s = t.LastSession();
    REQUIRE(s);
    CHECK(sub["result"] == s->Id());
    CHECK(s->Notify("test_subscription", {{"n", 1}}) == Session::NotifyResult::QUEUED);
    CHECK(ws.NextNotification().dump() == R"({"jsonrpc":"2.0","method":"test_subscription","params":{"n":1}})");
    CHECK(Brief(RpcTestClient(t.Port()).Call("subscribe")) == "1 -32004 WebSocket only");

    // Login on the socket binds it: no token needed afterwards, and it cannot switch accounts.
    CHECK(Brief(ws.Call("whoami")) == "3 -32010 authentication required");
    auto call = [&](const std::string& m, const json& p) { return ws.Call(m, p); };
    const SecretKey alice = Key(0x22);
    CHECK(Login(call, alice).contains("result"));
    CHECK(ws.Call("whoami")["result"] == DerivePublicKey(alice)->hex());
    CHECK(s->Account() == DerivePublicKey(alice));
    t.now += 2 * 3600 * 1000;  // the binding lasts for the connection, past the token's expiry
    CHECK(ws.Call("whoami")["result"] == DerivePublicKey(alice)->hex());
    CHECK(Brief(Login(call, Key(0x33))) == "9 -32011 connection is bound to another account");
}

TEST_CASE("server: a bearer token on the WebSocket upgrade binds the connection") {
    TestServer t;
    RpcTestClient c(t.Port());
    auto call = [&](const std::string& m, const json& p) { return c.Call(m, p); };
    const std::string token = Login(call, Key(0x22))["result"]["token"];
    WsTestClient ws(t.Port(), token);
    CHECK(ws.Call("whoami")["result"] == DerivePublicKey(Key(0x22))->hex());
    WsTestClient anon(t.Port(), std::string(64, 'e'));  // unknown token: connected, not bound
    CHECK(Brief(anon.Call("whoami")) == "1 -32010 authentication required");
}

TEST_CASE("server: a WebSocket client that stops reading overflows a bounded queue, gets a final notice") {
    TestServer t([](ServerConfig& c) {
        c.ws_queue.max_queue_bytes = 32 * 1024;
        c.ws_queue.max_queue_messages = 1000;
        c.ws_queue.reserve_bytes = 4 * 1024;
        c.ws_queue.reserve_messages = 4;
    });
    WsTestClient ws(t.Port());
    ws.Call("subscribe");
    auto s = t.LastSession();
    REQUIRE(s);
    // The client reads nothing from here on; push until the server refuses.
    const std::string pad(2000, 'p');
    int pushed = 0;
    for (int i = 0; i < 200000; ++i) {
        const auto r = s->Notify("test_subscription", {{"seq", t.next_seq.load()}, {"pad", pad}});
        if (r != Session::NotifyResult::QUEUED) break;
        ++t.next_seq;
        ++pushed;
    }
    CHECK(t.overflow_calls == 1);
    CHECK(s->Stats().overflow_episodes == 1);
    // A publisher that ignores the refusal and keeps pushing for a while: the queue stays bounded.
    // It pushes until the socket buffers are full too and 200 pushes in a row have been refused.
    int flood_queued = 0;
    int refused_in_a_row = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (refused_in_a_row < 200 && std::chrono::steady_clock::now() < end) {
        if (s->Notify("flood", {{"pad", pad}}) == Session::NotifyResult::QUEUED) {
            ++flood_queued;
            refused_in_a_row = 0;
        } else {
            ++refused_in_a_row;
            std::this_thread::yield();
        }
    }
    CHECK(refused_in_a_row == 200);
    const auto st = s->Stats();
    CHECK(st.peak_bytes <= 32 * 1024 + 4 * 1024);
    CHECK(st.bytes <= 32 * 1024 + 4 * 1024);
    MESSAGE("pushed " << pushed << " before overflow, " << flood_queued << " flood messages queued, " << st.refused
                      << " refused; peak queue " << st.peak_bytes << " bytes");

    // The client resumes: every queued notification arrives in order, then the stop notice.
    int64_t expect = 1;
    for (;;) {
        const json n = ws.NextNotification();
        if (n["method"] == "flood") continue;
        const json& p = n["params"];
        if (p.contains("stop")) {
            CHECK(p.dump() == json{{"next_seq", expect}, {"stop", "slow consumer"}}.dump());
            break;
        }
        REQUIRE(p["seq"] == expect);
        ++expect;
    }
    CHECK(expect == pushed + 1);
    CHECK(Brief(ws.Call("echo", {1})) == "2 = [1]");  // the connection itself is fine
}

TEST_CASE("server: a WebSocket client that never reads is dropped when a write stalls") {
    TestServer t([](ServerConfig& c) {
        c.ws_queue.max_queue_bytes = 32 * 1024;
        c.ws_queue.reserve_bytes = 4 * 1024;
        c.socket_send_buffer = 16 * 1024;
        c.ws_write_timeout = std::chrono::milliseconds(300);
    });
    WsTestClient ws(t.Port());
    ws.Call("subscribe");
    auto s = t.LastSession();
    REQUIRE(s);
    // The client never reads again. A publisher keeps pushing (refusals included) until the
    // kernel buffers are full and a write stalls past the timeout.
    const std::string pad(2000, 'p');
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!s->IsClosed() && std::chrono::steady_clock::now() < end) {
        if (s->Notify("flood", {{"pad", pad}}) != Session::NotifyResult::QUEUED) std::this_thread::yield();
    }
    CHECK(t.overflow_calls >= 1);
    CHECK(s->Stats().peak_bytes <= 32 * 1024 + 4 * 1024);
    CHECK(s->IsClosed());
    CHECK(t.close_calls == 1);
    CHECK(s->Notify("x", 1) == Session::NotifyResult::CLOSED);
    const auto dropped = t.Events("connection dropped|");
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].find("|websocket write: ") != std::string::npos);
    CHECK(WaitFor([&] { return t.server->ConnectionCount() == 0; }));
}

TEST_CASE("server: WebSocket message size limit closes with 1009; session close listeners run") {
    TestServer t([](ServerConfig& c) { c.max_ws_message_bytes = 1024; });
    {
        WsTestClient ws(t.Port());
        ws.Call("subscribe");
        ws.Send(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[")" + std::string(2000, 'x') + "\"]}");
        CHECK_THROWS(ws.Read());
        CHECK(ws.CloseCode() == 1009);
    }
    CHECK(WaitFor([&] { return t.close_calls == 1; }));
    auto s = t.LastSession();
    CHECK(s->IsClosed());
    CHECK(s->Notify("x", 1) == Session::NotifyResult::CLOSED);
}

TEST_CASE("server: idle and malformed HTTP connections are closed") {
    TestServer t([](ServerConfig& c) { c.header_timeout = std::chrono::milliseconds(200); });
    auto idle = RawExchange(t.Port(), "", std::chrono::seconds(3));
    CHECK(idle.closed);
    CHECK(idle.received.empty());
    auto slow = RawExchange(t.Port(), "POST / HTTP/1.1\r\nHost: x\r\n", std::chrono::seconds(3));  // never ends
    CHECK(slow.closed);
    auto bad = RawExchange(t.Port(), "BLAH\x01 / HTTP/1.1\r\n\r\n", std::chrono::seconds(3));
    CHECK(bad.closed);
    CHECK(bad.received.rfind("HTTP/1.1 400", 0) == 0);
    auto huge = RawExchange(t.Port(), "GET /health HTTP/1.1\r\nX: " + std::string(20000, 'h') + "\r\n\r\n",
                            std::chrono::seconds(3));
    CHECK(huge.received.rfind("HTTP/1.1 431", 0) == 0);
    // Each of the four was dropped on an error, and each drop was reported with the client's address.
    CHECK(WaitFor([&] { return t.Events("connection dropped|").size() == 4; }));
    for (const auto& e : t.Events("connection dropped|")) {
        CHECK(e.rfind("connection dropped||127.0.0.1:", 0) == 0);
        CHECK(e.find("|read: ") != std::string::npos);
    }
    CHECK(t.Events("").size() == 4);
    // A client that ends its connection cleanly between requests is not reported.
    {
        RpcTestClient c(t.Port());
        CHECK(Brief(c.Call("echo")) == "1 = {}");
    }
    CHECK(WaitFor([&] { return t.server->ConnectionCount() == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(t.Events("").size() == 4);
}

TEST_CASE("server: TLS 1.3 only, HTTP and WebSocket") {
    const auto dir = std::filesystem::temp_directory_path() / ("folio_rpc_tls_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string();
    const std::string key = (dir / "key.pem").string();
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -keyout " +
        key + " -out " + cert + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    {
        TestServer t([&](ServerConfig& c) {
            c.tls_cert_file = cert;
            c.tls_key_file = key;
        });
        CHECK(t.server->TlsEnabled());
        RpcTestClient c(t.Port(), true);
        CHECK(Brief(c.Call("add", {{"a", 1}, {"b", 1}})) == "1 = 2");
        CHECK(c.Get("/health").body == "ok");
        WsTestClient ws(t.Port(), "", true);
        CHECK(Brief(ws.Call("echo", {3})) == "1 = [3]");
        CHECK_FALSE(Tls12HandshakeSucceeds(t.Port()));
        auto plain = RawExchange(t.Port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(3));
        CHECK(plain.received.find("200") == std::string::npos);
    }
    ServerConfig bad;
    bad.tls_cert_file = (dir / "missing.pem").string();
    bad.tls_key_file = key;
    RpcServer s(bad);
    CHECK_THROWS_AS(s.Start(), std::runtime_error);
    std::filesystem::remove_all(dir);
}
