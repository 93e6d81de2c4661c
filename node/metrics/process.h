#pragma once
// The process's own figures for the registry (Linux: /proc/self, getrlimit), read when rendered:
// resident memory, open and allowed file descriptors, threads, CPU time, start time. And the size
// of a directory on disk (the chain store). Thread-safe.
#include <cstdint>
#include <optional>
#include <string>

#include <node/metrics/metrics.h>

namespace folio::metrics {

// Registers folio_process_resident_memory_bytes, _open_fds, _max_fds, _threads,
// _cpu_seconds_total and _start_time_seconds.
void RegisterProcessMetrics(Registry& registry);

// The bytes of the regular files under `path` (recursively; symlinks not followed); nullopt when
// `path` cannot be read.
std::optional<uint64_t> DirectoryBytes(const std::string& path);

}  // namespace folio::metrics
