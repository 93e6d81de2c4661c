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

bool NeedsQuotes(std::string_view v) {
    if (v.empty()) return true;
    for (char c : v)
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
    return false;
}

void FatalToLog(std::string_view component, std::string_view message) noexcept {
    try {
        Write(Level::ERROR, component, std::string("fatal: ") + std::string(message));
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
        std::string out = "{\"ts\":\"" + Timestamp(time_ms) + "\",\"level\":\"" + LevelName(l) + "\",\"component\":" +
                          nlohmann::json(std::string(component)).dump() + ",\"msg\":" +
                          nlohmann::json(std::string(message)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        for (const Field& f : fields) {
            out += ',' + nlohmann::json(std::string(f.key)).dump() + ':';
            out += f.is_number ? f.value
                               : nlohmann::json(f.value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
        return out + '}';
    }
    std::string name = LevelName(l);
    for (char& c : name) c = static_cast<char>(c - 'a' + 'A');
    name.resize(5, ' ');
    std::string out = Timestamp(time_ms) + ' ' + name + ' ' + std::string(component) + ": " + std::string(message);
    for (const Field& f : fields) {
        out += ' ';
        out += f.key;
        out += '=';
        out += !f.is_number && NeedsQuotes(f.value) ? nlohmann::json(f.value).dump(-1, ' ', false,
                                                                                   nlohmann::json::error_handler_t::replace)
                                                    : f.value;
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
    if (!Enabled(l)) return;
    auto now = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    std::string line = FormatLine(g_format.load(), now, l, component, message, fields);
    line += '\n';
    std::lock_guard<std::mutex> lk(g_mu);
    std::fwrite(line.data(), 1, line.size(), g_sink);
    std::fflush(g_sink);
}

}  // namespace folio::log
