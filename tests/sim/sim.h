#pragma once
// Deterministic simulator for node/consensus: n instances of the pure Core on a simulated network
// with seeded delay, drop, duplication and reordering, partitions that heal, crash-restarts that
// keep only what was persisted, and twins (two instances sharing one key). Checks safety (no two
// honest nodes commit different blocks at one height), no honest double-sign (across restarts),
// liveness after healing, and the validity of every evidence produced.
// Single-threaded; one RunSim call is independent of any other.
#include <cstdint>
#include <string>

namespace folio::consensus::sim {

struct SimConfig {
    uint32_t n = 4;                   // validators in the genesis set
    uint32_t twins = 0;               // the first `twins` keys run on two instances each
    uint64_t seed = 1;
    uint64_t duration_ms = 6000;      // simulated time
    uint64_t heal_at_ms = 3000;       // partitions and crashes happen only before this
    uint64_t liveness_bound_ms = 3000;  // every honest node commits within this after healing
    bool partitions = true;
    bool crashes = true;
    bool reconfig = false;            // an extra observer joins and key 0 leaves (epoch 0 -> 1)
    bool adversarial = false;         // every partition puts twins apart and splits honest nodes evenly
    bool check_liveness = true;
    uint32_t drop_permille = 20;
    uint32_t dup_permille = 20;
    uint32_t crash_permille = 3;      // chance per handled input that an honest node crashes
    uint64_t min_delay_ms = 5;
    uint64_t max_delay_ms = 50;
    uint64_t base_timeout_ms = 200;
    uint64_t max_timeout_ms = 1600;
    bool verbose = false;             // trace every event on stderr
};

struct SimResult {
    bool ok = true;
    bool fork = false;
    bool double_sign = false;
    bool liveness_failed = false;
    std::string failure;              // first failure, empty when ok
    uint64_t min_height = 0;          // lowest committed height among honest instances at the end
    uint64_t max_height = 0;
    uint64_t evidence = 0;            // evidence actions emitted (all verified standalone)
    uint64_t twin_equivocations = 0;  // conflicting statements signed by twin keys
    uint64_t crashes = 0;
    uint64_t messages = 0;
    uint64_t max_commit_gap_ms = 0;   // after healing, longest time an honest node went without a commit
    std::string Summary() const;
};

SimResult RunSim(const SimConfig& config);
// The consensus_sim arguments that replay `config` exactly.
std::string ReplayArgs(const SimConfig& config);

}  // namespace folio::consensus::sim
