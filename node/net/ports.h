#pragma once
// Free TCP ports on 127.0.0.1 for test and bench clusters (docs/transport.md). Shell code.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace folio::net {

// Up to `n` distinct ports in [20000, 32000) — below Linux's ephemeral range (32768+), so no
// outgoing connection on this machine (nor a peer's reconnect to a port not listening yet) can be
// holding one — each bound once to check it is free, then released. The scan starts at a point
// derived from `seed` (e.g. the pid, or a random number), so concurrent runs spread out. Fewer
// than `n` only if the range is exhausted. Thread-safe.
std::vector<uint16_t> FreeLoopbackPorts(size_t n, uint32_t seed);

}  // namespace folio::net
