// The metrics registry (node/metrics/metrics.h): the exact text of a counter, a labelled counter,
// a gauge, a histogram and a callback; escaping of label values and help texts; the naming rules;
// the process's figures; and the /metrics listener (node/metrics/server.h) over a real socket.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <utility>  // before Boost.Asio (1.74's awaitable.hpp uses std::exchange)
#include <vector>

#include <boost/asio.hpp>

#include <node/metrics/metrics.h>
#include <node/metrics/process.h>
#include <node/metrics/server.h>

using namespace folio::metrics;

TEST_CASE("a counter renders with HELP, TYPE and its _total name") {
    Registry r;
    Counter& c = r.AddCounter("folio_blocks_committed_total", "Blocks committed.");
    c.Inc();
    c.Inc(41);
    CHECK(r.Render() ==
          "# HELP folio_blocks_committed_total Blocks committed.\n"
          "# TYPE folio_blocks_committed_total counter\n"
          "folio_blocks_committed_total 42\n");
}

TEST_CASE("a labelled counter renders one line per child, in label-value order") {
    Registry r;
    Family<Counter>& f = r.AddCounterFamily("folio_tx_rejected_total", "Rejected.", {"kind", "reason"});
    f.With({"work_register", "bad_signature"}).Inc(2);
    f.With({"nft_transfer", "nonce_too_low"}).Inc();
    Counter& again = f.With({"work_register", "bad_signature"});
    again.Inc();
    CHECK(&again == &f.With({"work_register", "bad_signature"}));  // one child per label set
    CHECK(r.Render() ==
          "# HELP folio_tx_rejected_total Rejected.\n"
          "# TYPE folio_tx_rejected_total counter\n"
          "folio_tx_rejected_total{kind=\"nft_transfer\",reason=\"nonce_too_low\"} 1\n"
          "folio_tx_rejected_total{kind=\"work_register\",reason=\"bad_signature\"} 3\n");
    CHECK_THROWS_AS(f.With({"only_one"}), std::invalid_argument);
}

TEST_CASE("a family without children and a callback without a value show only HELP and TYPE") {
    Registry r;
    r.AddCounterFamily("folio_a_total", "A.", {"x"});
    r.AddGaugeFunc("folio_b", "B.", [] { return std::optional<double>(); });
    r.AddGaugeFunc("folio_c", "C.", []() -> std::optional<double> { throw std::runtime_error("unreadable"); });
    CHECK(r.Render() ==
          "# HELP folio_a_total A.\n"
          "# TYPE folio_a_total counter\n"
          "# HELP folio_b B.\n"
          "# TYPE folio_b gauge\n"
          "# HELP folio_c C.\n"
          "# TYPE folio_c gauge\n");
}

TEST_CASE("gauges and callbacks") {
    Registry r;
    Gauge& g = r.AddGauge("folio_mempool_transactions", "Transactions in the mempool.");
    g.Set(10);
    g.Add(-3);
    r.AddGaugeFunc("folio_height", "Height.", [] { return std::optional<double>(17); });
    r.AddCounterFunc("folio_x_seconds_total", "X.", [] { return std::optional<double>(0.25); });
    r.AddFunc(Type::GAUGE, "folio_subscriptions", "Subs.", {"kind"}, [] {
        return std::vector<Sample>{{{"blocks"}, 2}, {{"settlement"}, 0}};
    });
    CHECK(r.Render() ==
          "# HELP folio_height Height.\n"
          "# TYPE folio_height gauge\n"
          "folio_height 17\n"
          "# HELP folio_mempool_transactions Transactions in the mempool.\n"
          "# TYPE folio_mempool_transactions gauge\n"
          "folio_mempool_transactions 7\n"
          "# HELP folio_subscriptions Subs.\n"
          "# TYPE folio_subscriptions gauge\n"
          "folio_subscriptions{kind=\"blocks\"} 2\n"
          "folio_subscriptions{kind=\"settlement\"} 0\n"
          "# HELP folio_x_seconds_total X.\n"
          "# TYPE folio_x_seconds_total counter\n"
          "folio_x_seconds_total 0.25\n");
}

TEST_CASE("a histogram renders cumulative buckets, +Inf, _sum and _count") {
    Registry r;
    Histogram& h = r.AddHistogram("folio_commit_latency_seconds", "Latency.", {0.005, 0.1, 1});
    h.Observe(0.005);  // le is inclusive
    h.Observe(0.05);
    h.Observe(0.5);
    h.Observe(7);
    h.Observe(std::nan(""));  // ignored
    CHECK(r.Render() ==
          "# HELP folio_commit_latency_seconds Latency.\n"
          "# TYPE folio_commit_latency_seconds histogram\n"
          "folio_commit_latency_seconds_bucket{le=\"0.005\"} 1\n"
          "folio_commit_latency_seconds_bucket{le=\"0.1\"} 2\n"
          "folio_commit_latency_seconds_bucket{le=\"1\"} 3\n"
          "folio_commit_latency_seconds_bucket{le=\"+Inf\"} 4\n"
          "folio_commit_latency_seconds_sum 7.555\n"
          "folio_commit_latency_seconds_count 4\n");
}

TEST_CASE("a labelled histogram puts le after the family's labels") {
    Registry r;
    Family<Histogram>& f = r.AddHistogramFamily("folio_rpc_request_duration_seconds", "RPC.", {"method"}, {0.5});
    f.With({"chain_info"}).Observe(0.25);
    CHECK(r.Render() ==
          "# HELP folio_rpc_request_duration_seconds RPC.\n"
          "# TYPE folio_rpc_request_duration_seconds histogram\n"
          "folio_rpc_request_duration_seconds_bucket{method=\"chain_info\",le=\"0.5\"} 1\n"
          "folio_rpc_request_duration_seconds_bucket{method=\"chain_info\",le=\"+Inf\"} 1\n"
          "folio_rpc_request_duration_seconds_sum{method=\"chain_info\"} 0.25\n"
          "folio_rpc_request_duration_seconds_count{method=\"chain_info\"} 1\n");
}

TEST_CASE("label values escape backslash, double quote and newline; help escapes backslash and newline") {
    CHECK(EscapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(EscapeHelp("a\\b\"c\nd") == "a\\\\b\"c\\nd");
    Registry r;
    r.AddCounterFamily("folio_e_total", "Line one\nline \\two", {"v"}).With({"say \"hi\"\\\n"}).Inc();
    CHECK(r.Render() ==
          "# HELP folio_e_total Line one\\nline \\\\two\n"
          "# TYPE folio_e_total counter\n"
          "folio_e_total{v=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST_CASE("values: shortest decimal, infinities and NaN") {
    CHECK(FormatValue(1) == "1");
    CHECK(FormatValue(100000) == "100000");
    CHECK(FormatValue(-3) == "-3");
    CHECK(FormatValue(1796371407.06) == "1796371407.06");
    CHECK(FormatValue(0.1) == "0.1");
    CHECK(FormatValue(2.5e-05) == "2.5e-05");
    CHECK(FormatValue(1e21) == "1e+21");
    CHECK(FormatValue(std::numeric_limits<double>::infinity()) == "+Inf");
    CHECK(FormatValue(-std::numeric_limits<double>::infinity()) == "-Inf");
    CHECK(FormatValue(std::nan("")) == "NaN");
}

TEST_CASE("names and labels follow Prometheus' conventions") {
    Registry r;
    CHECK_THROWS_AS(r.AddCounter("blocks_total", "no prefix"), std::invalid_argument);
    CHECK_THROWS_AS(r.AddCounter("folio_blocks", "a counter without _total"), std::invalid_argument);
    CHECK_THROWS_AS(r.AddGauge("folio_blocks_total", "a gauge with _total"), std::invalid_argument);
    CHECK_THROWS_AS(r.AddGauge("folio_bad-name", "a dash"), std::invalid_argument);
    CHECK_THROWS_AS(r.AddGauge("folio_a:b", "a colon (recording rules only)"), std::invalid_argument);
    CHECK_THROWS_AS(r.AddHistogram("folio_x_count", "reserved suffix", {1}), std::invalid_argument);
    CHECK_THROWS_AS(r.AddHistogram("folio_x_seconds", "bounds not increasing", {1, 1}), std::invalid_argument);
    CHECK_THROWS_AS(r.AddHistogram("folio_y_seconds", "infinite bound", {std::numeric_limits<double>::infinity()}),
                    std::invalid_argument);
    CHECK_THROWS_AS(r.AddHistogramFamily("folio_z_seconds", "le is reserved", {"le"}, {1}), std::invalid_argument);
    CHECK_THROWS_AS(r.AddCounterFamily("folio_l_total", "reserved label", {"__x"}), std::invalid_argument);
    CHECK_THROWS_AS(r.AddCounterFamily("folio_m_total", "twice", {"a", "a"}), std::invalid_argument);
    r.AddGauge("folio_once", "x");
    CHECK_THROWS_AS(r.AddGauge("folio_once", "x"), std::invalid_argument);
}

TEST_CASE("concurrent increments are all counted") {
    Registry r;
    Family<Counter>& f = r.AddCounterFamily("folio_n_total", "N.", {"t"});
    Histogram& h = r.AddHistogram("folio_n_seconds", "N.", LatencyBuckets());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            Counter& c = f.With({t % 2 ? "odd" : "even"});
            for (int i = 0; i < 10000; ++i) {
                c.Inc();
                h.Observe(0.001);
                (void)r.Render().size();  // rendering concurrently with updates
                if (i % 1000 == 0) f.With({"other"}).Inc();
            }
        });
    for (auto& t : threads) t.join();
    CHECK(f.With({"odd"}).Value() == 20000);
    CHECK(f.With({"even"}).Value() == 20000);
    CHECK(f.With({"other"}).Value() == 40);
    CHECK(h.Cumulative().back() == 40000);
}

TEST_CASE("the process's own figures") {
    Registry r;
    RegisterProcessMetrics(r);
    const std::string text = r.Render();
    for (const char* name : {"folio_process_resident_memory_bytes ", "folio_process_open_fds ", "folio_process_max_fds ",
                             "folio_process_threads ", "folio_process_cpu_seconds_total ",
                             "folio_process_start_time_seconds "})
        CHECK_MESSAGE(text.find(std::string("\n") + name) != std::string::npos, name);
    CHECK(DirectoryBytes("/nonexistent/folio") == std::nullopt);
    CHECK(DirectoryBytes("/proc/self/fdinfo").has_value());
}

namespace {
// One HTTP/1.1 exchange over a fresh connection: the whole response as text.
std::string Http(uint16_t port, const std::string& method, const std::string& target) {
    namespace net = boost::asio;
    net::io_context ioc;
    net::ip::tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), port});
    const std::string req = method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    net::write(s, net::buffer(req));
    std::string out;
    boost::system::error_code ec;
    net::read(s, net::dynamic_buffer(out), ec);
    return out;
}
}  // namespace

TEST_CASE("the listener: GET /metrics 200 with the format's Content-Type, 404 elsewhere, 405 for other methods") {
    Registry r;
    r.AddCounter("folio_scrapes_total", "Scrapes.").Inc(3);
    MetricsServer server(r, "127.0.0.1", 0);
    server.Start();
    const uint16_t port = server.Port();
    REQUIRE(port != 0);
    const std::string ok = Http(port, "GET", "/metrics");
    CHECK(ok.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(ok.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
    CHECK(ok.substr(ok.find("\r\n\r\n") + 4) == r.Render());
    CHECK(Http(port, "GET", "/metrics?x=1").rfind("HTTP/1.1 200", 0) == 0);
    CHECK(Http(port, "GET", "/").rfind("HTTP/1.1 404", 0) == 0);
    CHECK(Http(port, "GET", "/metricsx").rfind("HTTP/1.1 404", 0) == 0);
    const std::string post = Http(port, "POST", "/metrics");
    CHECK(post.rfind("HTTP/1.1 405", 0) == 0);
    CHECK(post.find("Allow: GET\r\n") != std::string::npos);
    server.Stop();
    server.Stop();  // idempotent
}

TEST_CASE("the listener refuses an address it cannot bind, naming it") {
    Registry r;
    MetricsServer a(r, "127.0.0.1", 0);
    a.Start();
    MetricsServer b(r, "127.0.0.1", a.Port());
    CHECK_THROWS_WITH_AS(b.Start(), doctest::Contains("cannot listen for metrics on 127.0.0.1:"), std::runtime_error);
}

TEST_CASE("HOST:PORT") {
    CHECK(ParseHostPort("--metrics-listen", "127.0.0.1:26660") == std::pair<std::string, uint16_t>("127.0.0.1", 26660));
    CHECK(ParseHostPort("--metrics-listen", "[::1]:9") == std::pair<std::string, uint16_t>("::1", 9));
    for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":80", "h:65536", "h:8x", "h:-1"})
        CHECK_THROWS_AS(ParseHostPort("--metrics-listen", bad), std::invalid_argument);
}
