#pragma once
// Settlement events for payment services (docs/settlement-events.md): `settlement_events`
// (backfill / polling), `settlement_subscribe` / `settlement_unsubscribe` over WebSocket, and
// `settlement_proof`, and the new-blocks subscription `chain_subscribe` / `chain_unsubscribe`.
// One pump thread delivers every subscription from its cursor: replay and live
// are the same loop, so there is no seam to lose or repeat an event at. A subscriber whose queue
// is full gets a final {"stop", "next_seq"} notice and the subscription ends (memory stays
// bounded by the session's queue limits).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <node/chain/node.h>
#include <node/rpc/server.h>
#include <node/rpc/session.h>

namespace folio::api {

using chain::CommitCert;
using chain::Node;

struct SettlementFilter {
    std::vector<std::string> kinds;  // empty = all
    std::optional<Address> payee, gateway;
    std::string currency;
};

struct StreamLimits {
    size_t subscriptions_per_session = 8;
    size_t max_page = 1000;  // settlement_events limit
};

// The JSON shape of an event (docs/settlement-events.md).
nlohmann::json SettlementEventJson(const state::SettlementEvent& e);

class SettlementStream {
public:
    SettlementStream(Node& node, StreamLimits limits = {});
    ~SettlementStream();
    SettlementStream(const SettlementStream&) = delete;
    SettlementStream& operator=(const SettlementStream&) = delete;

    // Registers the methods; call before the server starts.
    void Register(rpc::RpcServer& server);
    // Wakes the pump (called after each commit).
    void Wake();
    void Stop();

    // For the operator's metrics (docs/operations.md, "Metrics"). Thread-safe.
    struct Stats {
        size_t settlement_subscriptions = 0, block_subscriptions = 0;  // open now
        uint64_t settlement_stops = 0, block_stops = 0;  // stop notices sent (slow consumers) since start
        uint64_t notifications = 0;                      // events and headers delivered since start
    };
    Stats GetStats();

private:
    struct Sub {
        uint64_t id = 0;
        std::weak_ptr<rpc::Session> session;
        uint64_t cursor = 1;
        SettlementFilter filter;
        std::optional<Address> account;
        bool overseer = false;
        bool compliance = false;  // also sees every aml_* event
        bool blocks = false;  // a new-blocks subscription (cursor = next height)
    };
    void Pump();
    // Registers `s` (its session's subscription limit checked) and wakes the pump; the id as text.
    std::string AddSub(Sub s);
    // settlement_unsubscribe / chain_unsubscribe: ends the caller's own subscription of that kind.
    bool RemoveSub(const nlohmann::json& params, const rpc::CallContext& ctx, bool blocks);
    bool Visible(const state::SettlementEvent& e, const std::optional<Address>& account, bool overseer, bool compliance) const;

    Node& m_node;
    StreamLimits m_limits;
    std::mutex m_mu;
    std::condition_variable m_cv;
    std::map<uint64_t, Sub> m_subs;  // by subscription id
    uint64_t m_next_id = 1;
    bool m_stop = false;
    bool m_dirty = false;
    std::atomic<uint64_t> m_settlement_stops{0}, m_block_stops{0}, m_notifications{0};
    std::thread m_thread;
};

}  // namespace folio::api
