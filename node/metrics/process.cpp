#include <node/metrics/process.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <sys/resource.h>
#include <unistd.h>

namespace folio::metrics {

namespace {

// Resident set size: the second field of /proc/self/statm, in pages.
std::optional<double> ResidentBytes() {
    std::ifstream in("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    if (!(in >> size >> resident)) return std::nullopt;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::optional<double> OpenFds() {
    std::error_code ec;
    std::filesystem::directory_iterator it("/proc/self/fd", ec), end;
    if (ec) return std::nullopt;
    uint64_t n = 0;
    for (; it != end; it.increment(ec)) {
        if (ec) return std::nullopt;
        ++n;
    }
    return n > 0 ? static_cast<double>(n - 1) : 0.0;  // less the iterator's own descriptor
}

std::optional<double> MaxFds() {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return std::nullopt;
    return static_cast<double>(r.rlim_cur);
}

// /proc/self/stat after the command name (which may hold spaces and parentheses): field 3 on.
std::optional<std::string> StatFields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    const auto close = line.rfind(')');
    if (close == std::string::npos || close + 2 > line.size()) return std::nullopt;
    return line.substr(close + 2);
}

// Field `n` (1-based, as in proc(5)) of /proc/self/stat, n >= 3.
std::optional<double> StatField(size_t n) {
    auto rest = StatFields();
    if (!rest) return std::nullopt;
    std::istringstream in(*rest);
    std::string v;
    for (size_t i = 3; i <= n; ++i)
        if (!(in >> v)) return std::nullopt;
    try {
        return std::stod(v);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<double> CpuSeconds() {
    auto utime = StatField(14), stime = StatField(15);
    const long ticks = sysconf(_SC_CLK_TCK);
    if (!utime || !stime || ticks <= 0) return std::nullopt;
    return (*utime + *stime) / static_cast<double>(ticks);
}

std::optional<double> Threads() { return StatField(20); }

// Boot time (btime of /proc/stat) + the process's start (field 22, in clock ticks after boot).
std::optional<double> StartTimeSeconds() {
    std::ifstream in("/proc/stat");
    std::string key;
    double btime = -1;
    while (in >> key) {
        if (key == "btime") {
            in >> btime;
            break;
        }
        in.ignore(1 << 20, '\n');
    }
    auto start = StatField(22);
    const long ticks = sysconf(_SC_CLK_TCK);
    if (btime < 0 || !start || ticks <= 0) return std::nullopt;
    return btime + *start / static_cast<double>(ticks);
}

}  // namespace

void RegisterProcessMetrics(Registry& r) {
    r.AddGaugeFunc("folio_process_resident_memory_bytes", "Resident memory of the foliod process in bytes.",
                   ResidentBytes);
    r.AddGaugeFunc("folio_process_open_fds", "Open file descriptors of the foliod process.", OpenFds);
    r.AddGaugeFunc("folio_process_max_fds", "The foliod process's limit of open file descriptors (RLIMIT_NOFILE).",
                   MaxFds);
    r.AddGaugeFunc("folio_process_threads", "Threads of the foliod process.", Threads);
    r.AddCounterFunc("folio_process_cpu_seconds_total", "User and system CPU time of the foliod process in seconds.",
                     CpuSeconds);
    // Read once: it does not change.
    const std::optional<double> start = StartTimeSeconds();
    r.AddGaugeFunc("folio_process_start_time_seconds", "Start time of the foliod process since the Unix epoch in seconds.",
                   [start] { return start; });
}

std::optional<uint64_t> DirectoryBytes(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) return std::nullopt;
    uint64_t total = 0;
    for (; it != end; it.increment(ec)) {
        if (ec) return std::nullopt;
        // A file removed between the listing and the look (LevelDB deletes compacted tables) counts 0.
        std::error_code fec;
        if (it->is_regular_file(fec)) {
            const auto size = it->file_size(fec);
            if (!fec) total += size;
        }
    }
    return total;
}

}  // namespace folio::metrics
