#pragma once
// foliod's metrics listener (--metrics-listen, docs/operations.md, "Metrics"): the figures read at
// each scrape from the engine, the RPC server, the settlement stream and the process, added to
// the registry that the chain (Node::AttachMetrics) and the RPC dispatcher (DispatcherConfig::
// metrics) count into, and the HTTP listener serving it.
#include <memory>
#include <string>

#include <node/api/settlement_stream.h>
#include <node/engine/consensus_engine.h>
#include <node/metrics/metrics.h>
#include <node/metrics/server.h>
#include <node/rpc/server.h>

namespace folio::app {

// Registers the gauges and counters read at scrape time and starts the listener on `listen`
// (HOST:PORT; throws std::invalid_argument or std::runtime_error naming --metrics-listen when it is
// not one or cannot be bound). Everything passed must outlive the returned server, which stops
// when destroyed.
std::unique_ptr<metrics::MetricsServer> ServeMetrics(metrics::Registry& registry, const std::string& listen,
                                                     const std::string& version, const engine::ConsensusEngine& engine,
                                                     const rpc::RpcServer& server, api::SettlementStream& stream);

}  // namespace folio::app
