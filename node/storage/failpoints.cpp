#include <node/storage/failpoints.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

namespace folio::storage {
namespace {

struct Armed {
    std::mutex mu;
    std::map<std::string, long> remaining;  // "when:point" -> hits left before the crash
};

// Parsed once from FOLIO_FAILPOINTS; nullptr when unset (the production case).
Armed* Load() {
    const char* spec = std::getenv("FOLIO_FAILPOINTS");
    if (spec == nullptr || *spec == '\0') return nullptr;
    auto* a = new Armed;  // lives for the whole process
    std::string s(spec);
    size_t pos = 0;
    while (pos < s.size()) {
        size_t comma = s.find(',', pos);
        if (comma == std::string::npos) comma = s.size();
        std::string item = s.substr(pos, comma - pos);
        size_t at = item.find('@');
        long n = at == std::string::npos ? 1 : std::strtol(item.c_str() + at + 1, nullptr, 10);
        std::string name = item.substr(0, at);
        if (name.find(':') == std::string::npos || n < 1) {
            std::fprintf(stderr, "FOLIO_FAILPOINTS: bad item '%s' (want when:point@N)\n", item.c_str());
            std::_Exit(2);
        }
        a->remaining[name] = n;
        pos = comma + 1;
    }
    return a;
}

}  // namespace

void Failpoint(std::string_view when, std::string_view point) {
    static Armed* const armed = Load();
    if (armed == nullptr) return;
    std::string key = std::string(when) + ":" + std::string(point);
    std::lock_guard lock(armed->mu);
    auto it = armed->remaining.find(key);
    if (it == armed->remaining.end() || --it->second > 0) return;
    std::fprintf(stderr, "failpoint %s reached: exiting with code %d\n", key.c_str(), FAILPOINT_EXIT);
    std::fflush(stderr);
    _exit(FAILPOINT_EXIT);
}

}  // namespace folio::storage
