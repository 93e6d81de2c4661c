#pragma once
// The metrics listener (foliod --metrics-listen, docs/operations.md, "Metrics"): a small HTTP/1.1
// server, separate from the RPC port, answering
//   GET /metrics   200, the registry in the text exposition format 0.0.4
//   other methods  405 (Allow: GET, HEAD); other paths 404
// on one io thread of its own. Connections are bounded (MAX_CONNECTIONS; more are closed at once)
// and a request must arrive within REQUEST_TIMEOUT.
// Thread-safety: Start, Stop and Port from one thread; the registry is read on the io thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <node/metrics/metrics.h>

namespace folio::metrics {

inline constexpr size_t MAX_CONNECTIONS = 32;
inline constexpr std::chrono::seconds REQUEST_TIMEOUT{10};

// "HOST:PORT" into its parts; std::invalid_argument naming `flag` otherwise.
std::pair<std::string, uint16_t> ParseHostPort(const std::string& flag, const std::string& value);

class MetricsServer {
public:
    // `registry` must outlive the server. Opens nothing until Start().
    MetricsServer(const Registry& registry, std::string host, uint16_t port);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Binds and starts the io thread; throws std::runtime_error when the address cannot be bound.
    void Start();
    // Closes the listener and every connection, joins the thread. Idempotent.
    void Stop();
    // The bound port (after Start; useful with port 0).
    uint16_t Port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace folio::metrics
