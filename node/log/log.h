#pragma once
// The node's one logger (docs/operations.md, "Logs"): levels, a component per line, structured
// fields, one sink, text or JSON lines. Every part of the shell logs through it; pure code
// (core, protocol, vm, state, consensus) never logs — it returns results, and a local failure
// goes through folio::Fatal (node/core/fatal.h), which Configure routes here.
//
//   log::Info("engine", "committed", {{"height", h}, {"txs", n}});
//   text: 2026-12-03T09:01:02.345Z INFO  engine: committed height=12 txs=300
//   json: {"ts":"2026-12-03T09:01:02.345Z","level":"info","component":"engine","msg":"committed","height":12,"txs":300}
//
// Thread-safety: every function may be called from any thread; a line is written whole.
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace folio::log {

enum class Level : uint8_t { TRACE, DEBUG, INFO, WARN, ERROR, OFF };
enum class Format : uint8_t { TEXT, JSON };

// "trace" | "debug" | "info" | "warn" | "error" | "off"; nullopt for anything else.
std::optional<Level> ParseLevel(std::string_view s);
const char* LevelName(Level l);
// "text" | "json".
std::optional<Format> ParseFormat(std::string_view s);

// One structured field: a key and a string, an integer or a bool. Strings are quoted in JSON;
// integers and bools are written bare (a JSON number, true or false). A char is not an integer
// here: pass a string.
struct Field {
    std::string_view key;
    std::string value;
    bool bare = false;  // an integer or a bool: never quoted

    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const std::string& v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(v) {}
    template <std::integral T>
        requires(!std::same_as<T, char>)
    Field(std::string_view k, T v) : key(k), value(std::to_string(v)), bare(true) {
        if constexpr (std::same_as<T, bool>) value = v ? "true" : "false";
    }
};
using Fields = std::initializer_list<Field>;

// Sets the minimum level, the line format and the sink (default: INFO, TEXT, stderr), and
// routes folio::Fatal to the sink as one ERROR line "fatal: <message>", written whatever the
// level (also OFF). The sink is not closed by the logger.
void Configure(Level min, Format format, std::FILE* sink = stderr);
bool Enabled(Level l);
void Write(Level l, std::string_view component, std::string_view message, Fields fields = {});

inline void Trace(std::string_view c, std::string_view m, Fields f = {}) { if (Enabled(Level::TRACE)) Write(Level::TRACE, c, m, f); }
inline void Debug(std::string_view c, std::string_view m, Fields f = {}) { if (Enabled(Level::DEBUG)) Write(Level::DEBUG, c, m, f); }
inline void Info(std::string_view c, std::string_view m, Fields f = {}) { Write(Level::INFO, c, m, f); }
inline void Warn(std::string_view c, std::string_view m, Fields f = {}) { Write(Level::WARN, c, m, f); }
inline void Error(std::string_view c, std::string_view m, Fields f = {}) { Write(Level::ERROR, c, m, f); }

// Renders one line exactly as Write would (without the trailing newline); `time_ms` is Unix
// milliseconds. A line never holds a line break: text messages and keys are written as given
// unless they hold a control byte or are not UTF-8 (then escaped as in a JSON string, unquoted);
// a text field value is bare if it is printable ASCII without space, '"', '=' or '\\', otherwise
// a JSON string literal; in JSON, bytes that are not UTF-8 become U+FFFD. For tests and for
// sinks that are not files.
std::string FormatLine(Format format, uint64_t time_ms, Level l, std::string_view component, std::string_view message,
                       Fields fields);

}  // namespace folio::log
