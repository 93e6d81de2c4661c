// folio-bench-events: commit → settlement-event latency with N WebSocket subscribers, and the
// node's memory while they run (issue #8 item 8; scripts/bench drives it).
//
//   folio-bench-events --devnet DIR/devnet.json [--validator 0] [--subscribers 1000] [--rate 50]
//                      [--duration-s 20] [--login ws|bearer] [--setup-concurrency 50]
//
// 1. Opens N WebSocket connections to one validator (Boost.Beast, one client thread). Each logs in
//    as the devnet's auditor (auditors see every settlement event): with --login ws (default)
//    every connection runs auth_challenge + auth_login on its own socket (docs/rpc-protocol.md
//    §5; the connection is bound for its lifetime, so the auditor's 16-token cap does not matter);
//    with --login bearer one token from an HTTP login is sent on every upgrade request. Each then
//    calls settlement_subscribe (live, no filter).
// 2. One extra connection, opened first, calls chain_subscribe. The arrival time of its
//    new-block notification for height H is the commit time of H: the node's header time_ms is
//    taken when the block is built (before execution and fsync), and the same pump thread serves
//    both subscription kinds with the block subscriber first in its order, so this is the earliest
//    moment a client can learn of the commit. (A pump round can see a block's events before the
//    node's new height, so a few pairs come out negative: `negative_share`, in percent.)
// 3. The devnet's gateway submits deposits to the creator (signed tx_submit over HTTP) at a fixed
//    rate; each commits a deposit_credited event.
// 4. latency = arrival of the event at a subscriber − arrival of its block at the block
//    subscriber, over every (event, subscriber) pair; also against the header's time_ms, and the
//    time until the LAST subscriber had each event (fan-out completion).
// 5. The node's VmRSS (/proc/PID/status) is sampled every 50 ms: before connecting, once all are
//    subscribed, the peak, and after the connections closed.
// Output: one JSON line on stdout. The client's arrival stamps are taken on the same machine (and
// cores) as the node, so the figures include the client's own scheduling delay.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cli/rpc_client.h>
#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/protocol/types.h>

using nlohmann::json;
using namespace folio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

int64_t NowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string Arg(int argc, char** argv, const std::string& name, const std::string& def) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == "--" + name) return argv[i + 1];
    return def;
}

// The unsigned integer after `"key":` in `s` (0 if absent).
uint64_t FieldU64(std::string_view s, std::string_view key) {
    size_t p = s.find(key);
    if (p == std::string_view::npos) return 0;
    p += key.size();
    uint64_t v = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') v = v * 10 + static_cast<uint64_t>(s[p++] - '0');
    return v;
}

double RssMb(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
    return 0;
}

// The node's CPU time (user + system), seconds, from /proc/PID/stat.
double CpuS(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t p = all.rfind(')');
    if (p == std::string::npos) return 0;
    std::istringstream in(all.substr(p + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15: utime, stime (clock ticks)
        if (i == 14) utime = std::stod(field);
        if (i == 15) stime = std::stod(field);
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Sample {
    uint64_t height;
    int64_t arrival_ns;
};

struct Shared {
    std::string host = "127.0.0.1";
    std::string port;
    std::string chain_id;
    SecretKey auditor_sk;
    std::string auditor_hex;
    std::string bearer;  // --login bearer
    std::atomic<size_t> ready{0}, failed{0};
    std::atomic<uint64_t> events{0};       // deposit events received, all subscribers
    std::atomic<uint64_t> first_events{0};  // deposit events received by subscriber 0
    std::atomic<uint64_t> stops{0};         // slow_consumer notices
    std::mutex mu;
    std::map<uint64_t, std::pair<int64_t, int64_t>> blocks;  // height -> (arrival ns, header time_ms)
    std::string first_error;
    void Fail(const std::string& e) {
        std::lock_guard lock(mu);
        if (first_error.empty()) first_error = e;
        ++failed;
    }
};

// One WebSocket connection: setup calls in sequence, then a read loop.
class Conn : public std::enable_shared_from_this<Conn> {
public:
    Conn(net::io_context& ioc, Shared& sh, size_t index, bool blocks, std::function<void()> on_ready)
        : m_ws(ioc), m_sh(sh), m_index(index), m_blocks(blocks), m_on_ready(std::move(on_ready)) {}

    void Start() {
        tcp::endpoint ep(net::ip::make_address(m_sh.host), static_cast<uint16_t>(std::stoul(m_sh.port)));
        beast::get_lowest_layer(m_ws).expires_after(std::chrono::seconds(30));
        beast::get_lowest_layer(m_ws).async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->Fail("connect: " + ec.message());
            beast::get_lowest_layer(self->m_ws).socket().set_option(tcp::no_delay(true));
            beast::get_lowest_layer(self->m_ws).expires_never();
            self->m_ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
            const std::string bearer = self->m_sh.bearer;
            self->m_ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
                if (!bearer.empty()) req.set(beast::http::field::authorization, "Bearer " + bearer);
            }));
            self->m_ws.read_message_max(8u << 20);
            self->m_ws.async_handshake(self->m_sh.host + ":" + self->m_sh.port, "/ws",
                                       [self](beast::error_code e) {
                                           if (e) return self->Fail("handshake: " + e.message());
                                           self->Read();
                                           self->Setup();
                                       });
        });
    }

    void Close() {
        if (m_closed) return;
        m_closed = true;
        m_ws.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
    }

    const std::vector<Sample>& samples() const { return m_samples; }

private:
    void Fail(const std::string& what) {
        if (m_closed) return;
        m_closed = true;
        m_sh.Fail("connection " + std::to_string(m_index) + ": " + what);
        beast::error_code ec;
        beast::get_lowest_layer(m_ws).socket().close(ec);
        if (!m_blocks && !m_ready && m_on_ready) m_on_ready();  // let the next connection start
    }

    // Writes a request; `then` gets its response (notifications are handled as they come).
    void Call(const std::string& method, json params, std::function<void(const json&)> then) {
        m_out = json{{"jsonrpc", "2.0"}, {"id", ++m_next_id}, {"method", method}, {"params", std::move(params)}}.dump();
        m_then = std::move(then);
        m_ws.text(true);
        m_ws.async_write(net::buffer(m_out), [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) self->Fail("write: " + ec.message());
        });
    }

    void Setup() {
        if (m_blocks) {
            Subscribe("chain_subscribe");
        } else if (!m_sh.bearer.empty()) {
            Subscribe("settlement_subscribe");
        } else {
            Call("auth_challenge", json::object(), [this](const json& r) {
                auto nonce = FromHex(r.at("nonce").get<std::string>());
                Hash256 aux = Sha256Of(std::string_view("folio-bench-events/" + std::to_string(m_index)));
                auto sig = SignSchnorr(m_sh.auditor_sk, cli::AuthMessage(m_sh.chain_id, *nonce), aux);
                Call("auth_login",
                     {{"address", m_sh.auditor_hex}, {"nonce", r.at("nonce")}, {"signature", sig->hex()}},
                     [this](const json&) { Subscribe("settlement_subscribe"); });
            });
        }
    }

    void Subscribe(const std::string& method) {
        Call(method, json::object(), [this](const json&) {
            m_ready = true;
            ++m_sh.ready;
            if (m_on_ready) m_on_ready();
        });
    }

    void Read() {
        m_ws.async_read(m_buf, [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) {
                if (!self->m_closed) self->Fail("read: " + ec.message());
                return;
            }
            self->OnMessage();
            self->Read();
        });
    }

    void OnMessage() {
        const int64_t now = NowNs();
        auto data = m_buf.data();
        std::string_view s(static_cast<const char*>(data.data()), data.size());
        if (s.rfind("{\"id\"", 0) == 0 || s.rfind("{\"error\"", 0) == 0) {  // a response (members are sorted)
            json r = json::parse(s, nullptr, false);
            m_buf.consume(m_buf.size());
            if (!r.is_object() || r.contains("error") || !r.contains("result")) {
                return Fail("call failed: " + (r.is_object() ? r.dump() : std::string("unparsable")));
            }
            if (m_then) {
                auto then = std::move(m_then);
                m_then = nullptr;
                then(r["result"]);
            }
            return;
        }
        if (m_blocks) {
            json n = json::parse(s, nullptr, false);
            m_buf.consume(m_buf.size());
            if (!n.is_object() || !n.contains("params")) return;
            const json& h = n["params"]["result"];
            if (!h.contains("height")) return;
            std::lock_guard lock(m_sh.mu);
            m_sh.blocks[h["height"].get<uint64_t>()] = {now, h.value("time_ms", int64_t{0})};
            return;
        }
        if (s.find("\"stop\":") != std::string_view::npos) {
            ++m_sh.stops;
        } else if (s.find("\"kind\":\"deposit_credited\"") != std::string_view::npos) {
            m_samples.push_back({FieldU64(s, "\"height\":"), now});
            ++m_sh.events;
            if (m_index == 0) ++m_sh.first_events;
        }
        m_buf.consume(m_buf.size());
    }

    websocket::stream<beast::tcp_stream> m_ws;
    beast::flat_buffer m_buf;
    Shared& m_sh;
    size_t m_index;
    bool m_blocks;
    std::function<void()> m_on_ready;
    std::function<void(const json&)> m_then;
    std::string m_out;
    int64_t m_next_id = 0;
    bool m_closed = false;
    bool m_ready = false;
    std::vector<Sample> m_samples;
};

double Pct(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

double Round(double x) { return static_cast<double>(static_cast<int64_t>(x * 100.0 + 0.5)) / 100.0; }

}  // namespace

int main(int argc, char** argv) {
    const std::string devnet_file = Arg(argc, argv, "devnet", "devnet/devnet.json");
    const size_t vindex = std::stoul(Arg(argc, argv, "validator", "0"));
    const size_t n_subs = std::stoul(Arg(argc, argv, "subscribers", "1000"));
    const double rate = std::stod(Arg(argc, argv, "rate", "50"));
    const double duration_s = std::stod(Arg(argc, argv, "duration-s", "20"));
    const std::string login = Arg(argc, argv, "login", "ws");
    const size_t setup_conc = std::stoul(Arg(argc, argv, "setup-concurrency", "50"));
    if (login != "ws" && login != "bearer") {
        std::fprintf(stderr, "folio-bench-events: --login ws|bearer\n");
        return 2;
    }

    json dn;
    {
        std::ifstream f(devnet_file);
        if (!f) {
            std::fprintf(stderr, "folio-bench-events: cannot read %s\n", devnet_file.c_str());
            return 2;
        }
        dn = json::parse(f);
    }
    const json& v = dn.at("validators").at(vindex);
    const std::string rpc_url = v.at("rpc").get<std::string>();
    const int pid = v.at("pid").get<int>();
    Shared sh;
    sh.port = rpc_url.substr(rpc_url.rfind(':') + 1);
    sh.chain_id = dn.at("chain_id").get<std::string>();
    sh.auditor_sk = *SecretKey::FromHexStr(dn.at("accounts").at("auditor").at("secret_key").get<std::string>());
    sh.auditor_hex = DerivePublicKey(sh.auditor_sk)->hex();
    const SecretKey gw_sk = *SecretKey::FromHexStr(dn.at("accounts").at("gateway").at("secret_key").get<std::string>());
    const Address payee = *ParseAddress(dn.at("accounts").at("creator").at("address").get<std::string>());

    // Memory sampler.
    std::atomic<bool> sampling{true};
    std::atomic<double> rss_peak{0};
    const double rss_before = RssMb(pid);
    rss_peak = rss_before;
    std::thread sampler([&] {
        while (sampling) {
            double r = RssMb(pid);
            if (r > rss_peak) rss_peak = r;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });

    // Pre-sign the deposits (the gateway's cost is not what we measure).
    cli::RpcClient gw(rpc_url);
    gw.Login(gw_sk, sh.chain_id);
    const Address gw_addr = *DerivePublicKey(gw_sk);
    uint64_t nonce = gw.Call("account_get", {{"address", gw_addr.hex()}}).at("pending_nonce").get<uint64_t>();
    const size_t count = static_cast<size_t>(rate * duration_s);
    const std::string run_tag = std::to_string(NowNs() / 1000000);
    std::vector<std::string> txs;
    for (size_t i = 0; i < count; ++i) {
        protocol::Transaction tx;
        tx.chain_id = sh.chain_id;
        tx.sender = gw_addr;
        tx.nonce = nonce++;
        protocol::DepositTx d;
        d.to = payee;
        d.currency = "USD";
        d.amount = 100;
        d.reference = "bench-" + run_tag + "-" + std::to_string(i);
        tx.body = d;
        protocol::SignTx(tx, gw_sk, Sha256Of(std::string_view(d.reference)));
        txs.push_back(json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "tx_submit"}, {"params", {{"tx", ToHex(protocol::EncodeTx(tx))}}}}.dump());
    }
    if (login == "bearer") {
        cli::RpcClient a(rpc_url);
        a.Login(sh.auditor_sk, sh.chain_id);
        sh.bearer = a.token();
    }

    // Connections: the block subscriber first, then N settlement subscribers, at most
    // `setup_conc` setting up at once.
    net::io_context ioc;
    std::vector<std::shared_ptr<Conn>> conns;
    size_t next_conn = 0;
    std::function<void()> launch_next = [&] {
        if (next_conn >= n_subs) return;
        size_t i = next_conn++;
        conns.push_back(std::make_shared<Conn>(ioc, sh, i, false, [&] { launch_next(); }));
        conns.back()->Start();
    };
    auto blocks_conn = std::make_shared<Conn>(ioc, sh, n_subs, true, [&] {
        for (size_t k = 0; k < setup_conc; ++k) launch_next();
    });
    auto guard = net::make_work_guard(ioc);
    const int64_t setup_start = NowNs();
    blocks_conn->Start();
    std::thread io([&] { ioc.run(); });

    auto wait_until = [&](auto pred, double seconds) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (!pred() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return pred();
    };
    bool all_ready = wait_until([&] { return sh.ready.load() + sh.failed.load() >= n_subs + 1; }, 120);
    const double setup_s = static_cast<double>(NowNs() - setup_start) / 1e9;
    if (!all_ready || sh.failed > 0) std::fprintf(stderr, "folio-bench-events: %zu of %zu connections ready, %zu failed (%s)\n",
                                                 sh.ready.load(), n_subs + 1, sh.failed.load(), sh.first_error.c_str());
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const double rss_subscribed = RssMb(pid);

    // Load: deposits at a fixed rate, at most 48 ahead of what subscriber 0 has seen (the node's
    // per-sender pending run).
    size_t submitted = 0, rejected = 0;
    const double cpu_before = CpuS(pid);
    {
        httplib::Client http(rpc_url);
        http.set_keep_alive(true);
        http.set_tcp_nodelay(true);
        const auto start = std::chrono::steady_clock::now();
        for (size_t i = 0; i < count; ++i) {
            std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<int64_t>(1e6 * static_cast<double>(i) / rate)));
            while (i >= sh.first_events.load() + rejected + 48 && std::chrono::steady_clock::now() - start < std::chrono::duration<double>(duration_s * 3))
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            auto res = http.Post("/", txs[i], "application/json");
            json body = res ? json::parse(res->body, nullptr, false) : json();
            if (!body.is_object() || body.contains("error")) {
                if (++rejected <= 3) std::fprintf(stderr, "folio-bench-events: tx_submit failed: %s\n", res ? res->body.c_str() : "no answer");
            } else {
                ++submitted;
            }
        }
    }
    const double load_s = duration_s;
    const size_t expected_subs = sh.ready.load() > 0 ? sh.ready.load() - 1 : 0;  // minus the block subscriber
    bool delivered = wait_until([&] { return sh.events.load() >= submitted * expected_subs; }, 60);
    if (!delivered)
        std::fprintf(stderr, "folio-bench-events: %llu of %zu event deliveries after 60 s\n",
                     static_cast<unsigned long long>(sh.events.load()), submitted * expected_subs);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // trailing block notifications
    const double node_cpu_s = CpuS(pid) - cpu_before;

    // Close everything; measure the node after.
    net::post(ioc, [&] {
        blocks_conn->Close();
        for (auto& c : conns) c->Close();
    });
    guard.reset();
    wait_until([&] { return ioc.stopped(); }, 10);
    if (!ioc.stopped()) ioc.stop();
    io.join();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    sampling = false;
    sampler.join();
    const double rss_after = RssMb(pid);

    // Latencies over every (event, subscriber) pair.
    std::vector<double> lat, lat_hdr, fanout;
    std::map<uint64_t, int64_t> last_arrival;  // height -> last subscriber arrival (for fan-out completion)
    std::map<uint64_t, size_t> per_height;     // events per height (from subscriber 0)
    uint64_t missing_block = 0, events_total = 0;
    size_t complete_subs = 0;
    for (const auto& c : conns) {
        if (c->samples().size() == submitted) ++complete_subs;
        for (const Sample& s : c->samples()) {
            ++events_total;
            auto it = sh.blocks.find(s.height);
            if (it == sh.blocks.end()) {
                ++missing_block;
                continue;
            }
            lat.push_back(static_cast<double>(s.arrival_ns - it->second.first) / 1e6);
            lat_hdr.push_back(static_cast<double>(s.arrival_ns) / 1e6 - static_cast<double>(it->second.second));
            auto& la = last_arrival[s.height];
            la = std::max(la, s.arrival_ns);
        }
    }
    for (const auto& [h, t] : last_arrival) fanout.push_back(static_cast<double>(t - sh.blocks[h].first) / 1e6);
    double lat_min = lat.empty() ? 0 : *std::min_element(lat.begin(), lat.end());
    // Pairs whose event arrived before its block's notification: the pump can see a block's events
    // one round before it sees the new height, so the block notification is then a round late.
    const auto negative = std::count_if(lat.begin(), lat.end(), [](double x) { return x < 0; });
    json out = {
        {"subscribers", expected_subs},
        {"login", login},
        {"setup_s", Round(setup_s)},
        {"deposits_submitted", submitted},
        {"deposits_rejected", rejected},
        {"rate_per_s", rate},
        {"load_s", load_s},
        {"events", conns.empty() ? size_t{0} : conns[0]->samples().size()},
        {"deliveries", events_total},
        {"subscribers_with_every_event", complete_subs},
        {"slow_consumer_stops", sh.stops.load()},
        {"blocks_seen", sh.blocks.size()},
        {"deliveries_without_block", missing_block},
        {"p50_ms", Round(Pct(lat, 0.5))},
        {"p99_ms", Round(Pct(lat, 0.99))},
        {"max_ms", Round(Pct(lat, 1.0))},
        {"min_ms", Round(lat_min)},
        {"negative_share", Round(lat.empty() ? 0.0 : 100.0 * static_cast<double>(negative) / static_cast<double>(lat.size()))},
        {"vs_header_time_p50_ms", Round(Pct(lat_hdr, 0.5))},
        {"vs_header_time_p99_ms", Round(Pct(lat_hdr, 0.99))},
        {"last_subscriber_p50_ms", Round(Pct(fanout, 0.5))},
        {"last_subscriber_p99_ms", Round(Pct(fanout, 0.99))},
        {"rss_mb_before", Round(rss_before)},
        {"rss_mb_subscribed", Round(rss_subscribed)},
        {"rss_mb_peak", Round(rss_peak.load())},
        {"rss_mb_after", Round(rss_after)},
        {"node_cpu_s_during_load", Round(node_cpu_s)},
        // An upper bound on the node's CPU per delivery: all of the node's CPU during the load
        // (the deposits' execution and blocks too, small beside 1,000 deliveries per event).
        {"node_cpu_us_per_delivery",
         Round(events_total ? node_cpu_s * 1e6 / static_cast<double>(events_total) : 0.0)},
        {"connection_failures", sh.failed.load()},
    };
    std::cout << out.dump() << "\n";
    return (sh.failed == 0 && delivered && rejected == 0) ? 0 : 1;
}
