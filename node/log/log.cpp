#include <node/log/log.h>

#include <node/core/fatal.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

namespace folio::log {
namespace {

std::atomic<Level> g_min{Level::INFO};
std::atomic<Format> g_format{Format::TEXT};
std::mutex g_mu;
std::FILE* g_sink = stderr;  // guarded by g_mu

std::string Timestamp(uint64_t time_ms) {
    std::time_t secs = static_cast<std::time_t>(time_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned>(time_ms % 1000));
    return buf;
}

// A JSON string literal of `v`: quotes, backslashes and control bytes escaped, bytes that are not
// UTF-8 replaced by U+FFFD (never throws).
std::string Quoted(std::string_view v) {
    return nlohmann::json(std::string(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// True if `v` is well-formed UTF-8 (RFC 3629: shortest forms only, no surrogates, <= U+10FFFF).
bool IsUtf8(std::string_view v) {
    size_t i = 0;
    while (i < v.size()) {
        const auto b = static_cast<unsigned char>(v[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            n = 1;
            cp = b & 0x1Fu;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 2;
            cp = b & 0x0Fu;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 3;
            cp = b & 0x07u;
        } else {
            return false;
        }
        if (v.size() - i <= n) return false;
        for (size_t k = 1; k <= n; ++k) {
            const auto c = static_cast<unsigned char>(v[i + k]);
            if ((c & 0xC0u) != 0x80u) return false;
            cp = cp << 6 | (c & 0x3Fu);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += n + 1;
    }
    return true;
}

bool HasControl(std::string_view v) {
    for (char c : v)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    return false;
}

// A text-format field value is written bare only if it is non-empty printable ASCII without
// space, quote, '=' or backslash; anything else is written as a JSON string literal.
bool NeedsQuotes(std::string_view v) {
    if (v.empty()) return true;
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || u < 0x20 || u >= 0x7F) return true;
    }
    return false;
}

// A text-format message (or component) stays as written unless it holds a control byte (a line
// break would forge a second line) or is not UTF-8; then it is escaped as in a JSON string, without
// the surrounding quotes.
std::string TextSafe(std::string_view v) {
    if (!HasControl(v) && IsUtf8(v)) return std::string(v);
    std::string q = Quoted(v);
    return q.substr(1, q.size() - 2);
}

uint64_t NowMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// Formats and writes one line whatever the minimum level.
void WriteLine(Level l, std::string_view component, std::string_view message, Fields fields) {
    std::string line = FormatLine(g_format.load(), NowMs(), l, component, message, fields);
    line += '\n';
    std::lock_guard<std::mutex> lk(g_mu);
    std::fwrite(line.data(), 1, line.size(), g_sink);
    std::fflush(g_sink);
}

// A fatal error is written even when the level is "off": it is the node's last word.
void FatalToLog(std::string_view component, std::string_view message) noexcept {
    try {
        WriteLine(Level::ERROR, component, std::string("fatal: ") + std::string(message), {});
    } catch (...) {
    }
}

}  // namespace

std::optional<Level> ParseLevel(std::string_view s) {
    for (Level l : {Level::TRACE, Level::DEBUG, Level::INFO, Level::WARN, Level::ERROR, Level::OFF})
        if (s == LevelName(l)) return l;
    return std::nullopt;
}

const char* LevelName(Level l) {
    switch (l) {
        case Level::TRACE: return "trace";
        case Level::DEBUG: return "debug";
        case Level::INFO: return "info";
        case Level::WARN: return "warn";
        case Level::ERROR: return "error";
        case Level::OFF: return "off";
    }
    return "info";
}

std::optional<Format> ParseFormat(std::string_view s) {
    if (s == "text") return Format::TEXT;
    if (s == "json") return Format::JSON;
    return std::nullopt;
}

std::string FormatLine(Format format, uint64_t time_ms, Level l, std::string_view component, std::string_view message,
                       Fields fields) {
    if (format == Format::JSON) {
        // Key order is fixed (ts, level, component, msg, then the fields in call order).
        std::string out = "{\"ts\":\"" + Timestamp(time_ms) + "\",\"level\":\"" + LevelName(l) +
                          "\",\"component\":" + Quoted(component) + ",\"msg\":" + Quoted(message);
        for (const Field& f : fields) {
            out += ',' + Quoted(f.key) + ':';
            out += f.bare ? f.value : Quoted(f.value);
        }
        return out + '}';
    }
    std::string name = LevelName(l);
    for (char& c : name) c = static_cast<char>(c - 'a' + 'A');
    name.resize(5, ' ');
    std::string out = Timestamp(time_ms) + ' ' + name + ' ' + TextSafe(component) + ": " + TextSafe(message);
    for (const Field& f : fields) {
        out += ' ';
        out += TextSafe(f.key);
        out += '=';
        out += !f.bare && NeedsQuotes(f.value) ? Quoted(f.value) : f.value;
    }
    return out;
}

void Configure(Level min, Format format, std::FILE* sink) {
    {
        std::lock_guard<std::mutex> lk(g_mu);
        g_sink = sink ? sink : stderr;
    }
    g_min.store(min);
    g_format.store(format);
    SetFatalHandler(&FatalToLog);
}

bool Enabled(Level l) { return l != Level::OFF && l >= g_min.load(std::memory_order_relaxed); }

void Write(Level l, std::string_view component, std::string_view message, Fields fields) {
    if (Enabled(l)) WriteLine(l, component, message, fields);
}

}  // namespace folio::log
