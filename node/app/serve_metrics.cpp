#include "serve_metrics.h"

#include <algorithm>

#include <node/log/log.h>
#include <node/metrics/process.h>

namespace folio::app {

namespace {
std::optional<double> Num(uint64_t v) { return static_cast<double>(v); }
}  // namespace

std::unique_ptr<metrics::MetricsServer> ServeMetrics(metrics::Registry& r, const std::string& listen,
                                                     const std::string& version, const engine::ConsensusEngine& engine,
                                                     const rpc::RpcServer& server, api::SettlementStream& stream) {
    const auto [host, port] = metrics::ParseHostPort("--metrics-listen", listen);

    r.AddFunc(metrics::Type::GAUGE, "folio_build_info", "Always 1; the version of the running foliod.", {"version"},
              [version] { return std::vector<metrics::Sample>{{{version}, 1}}; });
    metrics::RegisterProcessMetrics(r);

    // The engine (consensus and execution).
    r.AddGaugeFunc("folio_consensus_height", "Highest height committed (ordered) by consensus.",
                   [&engine] { return Num(engine.Status().ordered_height); });
    r.AddGaugeFunc("folio_executor_lag_blocks",
                   "Blocks ordered by consensus and not yet executed and stored on this node.", [&engine] {
                       const engine::EngineStatus s = engine.Status();
                       return Num(s.ordered_height - std::min(s.ordered_height, s.executed_height));
                   });
    r.AddGaugeFunc("folio_consensus_epoch", "Consensus epoch (validator set) this node is in.",
                   [&engine] { return Num(engine.Status().epoch); });
    r.AddGaugeFunc("folio_consensus_round", "Consensus round this node is in (0 on a single-validator chain).",
                   [&engine] { return Num(engine.Status().round); });
    r.AddGaugeFunc("folio_peers", "Validators connected to this node over the validator transport.",
                   [&engine] { return Num(engine.Status().peers); });
    r.AddGaugeFunc("folio_verify_backlog_transactions",
                   "Transactions gossiped by peers waiting for their signature check.",
                   [&engine] { return Num(engine.Status().verify_backlog); });

    // The RPC server (its calls are counted by the dispatcher).
    r.AddGaugeFunc("folio_rpc_connections", "Open RPC connections (HTTP and WebSocket).",
                   [&server] { return Num(server.ConnectionCount()); });

    // The settlement stream.
    r.AddFunc(metrics::Type::GAUGE, "folio_subscriptions",
              "Open WebSocket subscriptions by kind (settlement: settlement_subscribe; blocks: chain_subscribe).",
              {"kind"}, [&stream] {
                  const api::SettlementStream::Stats s = stream.GetStats();
                  return std::vector<metrics::Sample>{{{"blocks"}, static_cast<double>(s.block_subscriptions)},
                                                      {{"settlement"}, static_cast<double>(s.settlement_subscriptions)}};
              });
    r.AddFunc(metrics::Type::COUNTER, "folio_subscription_stops_total",
              "Subscriptions ended with a stop notice (a subscriber too slow for its queue), by kind.", {"kind"},
              [&stream] {
                  const api::SettlementStream::Stats s = stream.GetStats();
                  return std::vector<metrics::Sample>{{{"blocks"}, static_cast<double>(s.block_stops)},
                                                      {{"settlement"}, static_cast<double>(s.settlement_stops)}};
              });
    r.AddCounterFunc("folio_subscription_notifications_total",
                     "Notifications (settlement events and block headers) queued to subscribers.",
                     [&stream] { return Num(stream.GetStats().notifications); });

    auto out = std::make_unique<metrics::MetricsServer>(r, host, port);
    out->Start();
    log::Info("main", "serving metrics", {{"address", host + ":" + std::to_string(out->Port())}, {"path", "/metrics"}});
    return out;
}

}  // namespace folio::app
