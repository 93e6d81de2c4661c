// The node's logger (node/log/log.h) and the fatal path (node/core/fatal.h): exact lines in both
// formats, escaping, level and format names, filtering through a file sink, concurrent writers,
// and Fatal in a child process (with the logger configured, and with the default handler).
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <node/core/fatal.h>
#include <node/log/log.h>
#include <tests/unit/child_process.h>

using namespace folio;
using folio::test::ChildResult;
using folio::test::DiedOfAbort;
using folio::test::RunChild;
using log::Format;
using log::Level;

namespace {

constexpr uint64_t T = 1796288462345;  // 2026-12-03T09:01:02.345Z

std::string Text(Level l, std::string_view c, std::string_view m, log::Fields f = {}) {
    return log::FormatLine(Format::TEXT, T, l, c, m, f);
}
std::string Json(Level l, std::string_view c, std::string_view m, log::Fields f = {}) {
    return log::FormatLine(Format::JSON, T, l, c, m, f);
}

// Everything written to `f` so far (rewinds it).
std::string ReadAll(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    return out;
}

std::vector<std::string> Lines(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string::npos) nl = s.size();
        out.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

// A line without its timestamp (the first 25 characters: "YYYY-MM-DDTHH:MM:SS.mmmZ ").
std::string Untimed(const std::string& line) { return line.size() > 25 ? line.substr(25) : line; }

// Puts the logger back as a test binary without Configure would have it (INFO, TEXT, stderr),
// and the fatal handler back to the default.
struct RestoreLogger {
    ~RestoreLogger() {
        log::Configure(Level::INFO, Format::TEXT, stderr);
        SetFatalHandler(nullptr);
    }
};


}  // namespace

TEST_CASE("log: a text line, exactly") {
    CHECK(Text(Level::INFO, "engine", "committed", {{"height", 12}, {"txs", 300}}) ==
          "2026-12-03T09:01:02.345Z INFO  engine: committed height=12 txs=300");
    CHECK(Text(Level::TRACE, "net", "x") == "2026-12-03T09:01:02.345Z TRACE net: x");
    CHECK(Text(Level::DEBUG, "net", "x") == "2026-12-03T09:01:02.345Z DEBUG net: x");
    CHECK(Text(Level::WARN, "rpc", "x") == "2026-12-03T09:01:02.345Z WARN  rpc: x");
    CHECK(Text(Level::ERROR, "store", "x") == "2026-12-03T09:01:02.345Z ERROR store: x");
    CHECK(log::FormatLine(Format::TEXT, 0, Level::INFO, "main", "epoch", {}) == "1970-01-01T00:00:00.000Z INFO  main: epoch");
    CHECK(log::FormatLine(Format::TEXT, 1'000'000'000'007, Level::INFO, "main", "t", {}) ==
          "2001-09-09T01:46:40.007Z INFO  main: t");
}

TEST_CASE("log: a JSON line, exactly: fixed key order, numbers and bools bare, strings quoted") {
    CHECK(Json(Level::INFO, "engine", "committed", {{"height", 12}, {"txs", 300}}) ==
          R"({"ts":"2026-12-03T09:01:02.345Z","level":"info","component":"engine","msg":"committed","height":12,"txs":300})");
    CHECK(Json(Level::ERROR, "store", "fatal: x") ==
          R"({"ts":"2026-12-03T09:01:02.345Z","level":"error","component":"store","msg":"fatal: x"})");
    const int64_t negative = -7;
    const uint64_t max = UINT64_MAX;
    const uint8_t small = 200;
    CHECK(Json(Level::WARN, "rpc", "m", {{"n", negative}, {"max", max}, {"u8", small}, {"s", "5"}, {"ok", true}, {"no", false}}) ==
          R"({"ts":"2026-12-03T09:01:02.345Z","level":"warn","component":"rpc","msg":"m","n":-7,)"
          R"("max":18446744073709551615,"u8":200,"s":"5","ok":true,"no":false})");
    CHECK(Text(Level::WARN, "rpc", "m", {{"n", negative}, {"s", "5"}, {"ok", true}, {"no", false}}) ==
          "2026-12-03T09:01:02.345Z WARN  rpc: m n=-7 s=5 ok=true no=false");
}

TEST_CASE("log: text values are bare only when safe; quotes, line breaks and bytes that are not UTF-8 are escaped") {
    const std::string P = "2026-12-03T09:01:02.345Z INFO  c: m ";
    CHECK(Text(Level::INFO, "c", "m", {{"k", "plain-value_1.2:3/4"}}) == P + "k=plain-value_1.2:3/4");
    CHECK(Text(Level::INFO, "c", "m", {{"k", ""}}) == P + R"(k="")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", "two words"}}) == P + R"(k="two words")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", "say \"hi\""}}) == P + R"(k="say \"hi\"")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", "a=b"}}) == P + R"(k="a=b")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", "back\\slash"}}) == P + R"(k="back\\slash")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", "line1\nline2\r\t"}}) == P + R"(k="line1\nline2\r\t")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", std::string("nul\0x", 5)}}) == P + R"(k="nul\u0000x")");
    CHECK(Text(Level::INFO, "c", "m", {{"k", "caf\xc3\xa9"}}) == P + "k=\"caf\xc3\xa9\"");  // UTF-8 kept, quoted
    CHECK(Text(Level::INFO, "c", "m", {{"k", "bad\xff"}}) == P + "k=\"bad\xef\xbf\xbd\"");  // U+FFFD
    // The message: as written, unless it could break the line or is not UTF-8.
    CHECK(Text(Level::INFO, "c", "a \"quoted\" = message") == "2026-12-03T09:01:02.345Z INFO  c: a \"quoted\" = message");
    CHECK(Text(Level::INFO, "c", "caf\xc3\xa9") == "2026-12-03T09:01:02.345Z INFO  c: caf\xc3\xa9");
    CHECK(Text(Level::INFO, "c", "forged\n2026-12-03T09:01:02.345Z ERROR store: fatal: x") ==
          "2026-12-03T09:01:02.345Z INFO  c: forged\\n2026-12-03T09:01:02.345Z ERROR store: fatal: x");
    CHECK(Text(Level::INFO, "c", "bad\xc3(") == "2026-12-03T09:01:02.345Z INFO  c: bad\xef\xbf\xbd(");
    CHECK(Text(Level::INFO, "c", "\xed\xa0\x80") == "2026-12-03T09:01:02.345Z INFO  c: \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
    CHECK(Text(Level::INFO, "c", "\xc0\xaf") == "2026-12-03T09:01:02.345Z INFO  c: \xef\xbf\xbd\xef\xbf\xbd");  // overlong
    // JSON: every string is a valid JSON string, whatever the bytes.
    CHECK(Json(Level::INFO, "c", "line1\nline2 \"q\"", {{"k", "bad\xff\x01"}}) ==
          "{\"ts\":\"2026-12-03T09:01:02.345Z\",\"level\":\"info\",\"component\":\"c\",\"msg\":\"line1\\nline2 \\\"q\\\"\","
          "\"k\":\"bad\xef\xbf\xbd\\u0001\"}");
    CHECK(Json(Level::INFO, "c\xff", "m", {{"k\"", 1}}) ==
          "{\"ts\":\"2026-12-03T09:01:02.345Z\",\"level\":\"info\",\"component\":\"c\xef\xbf\xbd\",\"msg\":\"m\",\"k\\\"\":1}");
}

TEST_CASE("log: level and format names, accepted and refused") {
    CHECK(log::ParseLevel("trace") == Level::TRACE);
    CHECK(log::ParseLevel("debug") == Level::DEBUG);
    CHECK(log::ParseLevel("info") == Level::INFO);
    CHECK(log::ParseLevel("warn") == Level::WARN);
    CHECK(log::ParseLevel("error") == Level::ERROR);
    CHECK(log::ParseLevel("off") == Level::OFF);
    for (const char* bad : {"", "INFO", "Info", "warning", "err", "fatal", "info ", " info", "3"})
        CHECK_MESSAGE(!log::ParseLevel(bad), bad);
    for (Level l : {Level::TRACE, Level::DEBUG, Level::INFO, Level::WARN, Level::ERROR, Level::OFF})
        CHECK(log::ParseLevel(log::LevelName(l)) == l);
    CHECK(log::ParseFormat("text") == Format::TEXT);
    CHECK(log::ParseFormat("json") == Format::JSON);
    for (const char* bad : {"", "JSON", "Text", "logfmt", "json "}) CHECK_MESSAGE(!log::ParseFormat(bad), bad);
}

TEST_CASE("log: lines below the configured level are not written; the others are, whole, to the sink") {
    RestoreLogger restore;
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink);
    log::Configure(Level::WARN, Format::TEXT, sink);
    CHECK_FALSE(log::Enabled(Level::INFO));
    CHECK(log::Enabled(Level::WARN));
    CHECK_FALSE(log::Enabled(Level::OFF));
    log::Trace("net", "t");
    log::Debug("net", "d");
    log::Info("chain", "below", {{"height", 1}});
    log::Warn("rpc", "at", {{"peer", "10.0.0.1:5"}});
    log::Error("store", "above", {{"error", "disk full"}});
    log::Write(Level::OFF, "main", "never");  // OFF is not a level to write at
    std::vector<std::string> lines = Lines(ReadAll(sink));
    REQUIRE(lines.size() == 2);
    CHECK(Untimed(lines[0]) == "WARN  rpc: at peer=10.0.0.1:5");
    CHECK(Untimed(lines[1]) == "ERROR store: above error=\"disk full\"");
    CHECK(lines[0][4] == '-');
    CHECK(lines[0][23] == 'Z');

    // Reconfigured: JSON from trace up, to a second sink (the first is left alone).
    std::FILE* sink2 = std::tmpfile();
    REQUIRE(sink2);
    log::Configure(Level::TRACE, Format::JSON, sink2);
    log::Trace("net", "t", {{"n", 1}});
    log::Info("chain", "committed", {{"height", 5}});
    lines = Lines(ReadAll(sink2));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].substr(lines[0].find("\"level\"")) == R"("level":"trace","component":"net","msg":"t","n":1})");
    CHECK(lines[1].substr(lines[1].find("\"level\"")) == R"("level":"info","component":"chain","msg":"committed","height":5})");
    CHECK(Lines(ReadAll(sink)).size() == 2);

    // OFF: nothing at all.
    log::Configure(Level::OFF, Format::TEXT, sink2);
    log::Error("store", "silenced");
    CHECK(Lines(ReadAll(sink2)).size() == 2);
    std::fclose(sink);
    std::fclose(sink2);
}

TEST_CASE("log: concurrent writers never interleave within a line") {
    RestoreLogger restore;
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink);
    log::Configure(Level::INFO, Format::TEXT, sink);
    constexpr int THREADS = 4, PER = 250;
    std::vector<std::thread> ts;
    for (int t = 0; t < THREADS; ++t)
        ts.emplace_back([t] {
            const std::string pad(200, static_cast<char>('a' + t));
            for (int i = 0; i < PER; ++i) log::Info("net", "line", {{"thread", t}, {"i", i}, {"pad", pad}});
        });
    for (auto& th : ts) th.join();
    const auto lines = Lines(ReadAll(sink));
    CHECK(lines.size() == static_cast<size_t>(THREADS * PER));
    size_t whole = 0;
    for (const auto& l : lines) {
        const auto t = l.find("thread=");
        if (t == std::string::npos) continue;
        const char c = static_cast<char>('a' + (l[t + 7] - '0'));
        if (Untimed(l).rfind("INFO  net: line thread=", 0) == 0 && l.substr(l.size() - 200) == std::string(200, c)) ++whole;
    }
    CHECK(whole == lines.size());
    std::fclose(sink);
}

TEST_CASE("fatal: with the logger configured, one ERROR line \"fatal: x\" on the sink, then SIGABRT") {
    for (Format format : {Format::TEXT, Format::JSON}) {
        for (Level level : {Level::INFO, Level::OFF}) {  // a fatal line is written even at OFF
            CAPTURE(static_cast<int>(format));
            CAPTURE(static_cast<int>(level));
            const ChildResult r = RunChild([&](int pipe_fd) {
                // The sink is the pipe; stderr (the same pipe) must stay silent.
                std::FILE* sink = ::fdopen(::dup(pipe_fd), "w");
                log::Configure(level, format, sink);
                log::Info("store", "before");
                Fatal("store", "x");
            });
            CHECK(DiedOfAbort(r.status));
            const auto lines = Lines(r.output);
            if (level == Level::INFO) {
                REQUIRE(lines.size() == 2);
            } else {
                REQUIRE(lines.size() == 1);
            }
            const std::string& last = lines.back();
            if (format == Format::TEXT) {
                CHECK(Untimed(last) == "ERROR store: fatal: x");
            } else {
                CHECK(last.rfind("{\"ts\":\"", 0) == 0);
                CHECK(last.substr(last.find("\"level\"")) == R"("level":"error","component":"store","msg":"fatal: x"})");
            }
        }
    }
}

TEST_CASE("fatal: without Configure, the default handler writes one line to stderr, then SIGABRT") {
    const ChildResult r = RunChild([](int) {
        SetFatalHandler(nullptr);  // the handler of a process that never configured the logger
        Fatal("store", "x");
    });
    CHECK(DiedOfAbort(r.status));
    CHECK(r.output == "foliod: fatal: store: x\n");
}

TEST_CASE("fatal: a handler installed with SetFatalHandler runs first, and Fatal still aborts") {
    const ChildResult r = RunChild([](int) {
        SetFatalHandler([](std::string_view c, std::string_view m) noexcept {
            std::fprintf(stderr, "custom %.*s/%.*s\n", static_cast<int>(c.size()), c.data(), static_cast<int>(m.size()),
                         m.data());
        });
        Fatal("chain", "y");
    });
    CHECK(DiedOfAbort(r.status));
    CHECK(r.output == "custom chain/y\n");
}
