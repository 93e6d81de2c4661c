#pragma once
// GET /readyz (docs/operations.md, "Health"): whether a load balancer should send traffic to this
// node. Ready when all of:
//   - the node is synced: its executed head is at most `max_lag_blocks` behind what consensus has
//     ordered, and the head block's time is at most `max_block_age_ms` old (a node catching up
//     executes old blocks; a chain that stopped committing makes no new ones either way);
//   - it can reach a quorum: connected validators, plus itself when it is one, are at least
//     floor(2n/3)+1 of the current set of n (a single-validator chain needs no peers).
// A pure function of its inputs, so the rule is tested without a network.
#include <cstdint>
#include <string>

namespace folio::app {

struct ReadyInputs {
    uint64_t now_ms = 0;
    uint64_t head_time_ms = 0;     // the executed head block's header time
    uint64_t executed_height = 0;
    uint64_t ordered_height = 0;   // consensus' committed height (>= executed)
    uint64_t peers = 0;            // validators connected over the transport
    uint64_t validators = 1;       // n, the current set's size
    bool in_set = true;            // this node is one of the n
};

struct ReadyPolicy {
    uint64_t max_lag_blocks = 10;
    uint64_t max_block_age_ms = 30'000;
};

struct ReadyAnswer {
    bool ready = false;
    std::string json;  // {"ready":..,"height":..,"ordered_height":..,"executor_lag":..,"block_age_ms":..,
                       //  "peers":..,"peers_needed":..,"reasons":[..]}
};

ReadyAnswer AssessReadiness(const ReadyInputs& in, const ReadyPolicy& policy);

}  // namespace folio::app
