#pragma once
// Deterministic simulator for node/consensus: n instances of the pure Core on a simulated network
// with seeded delay, drop, duplication and reordering, partitions that heal, crash-restarts that
// keep only what was persisted, and twins (two instances sharing one key). Checks safety (no two
// honest nodes commit different blocks at one height), no honest double-sign (across restarts),
// liveness after healing, and the validity of every evidence produced.
//
// Twins mode (twins_rounds > 0, after the Twins paper, Bano et al., OPODIS 2021): instead of
// random time-based partitions, scenario number `seed` picks, for each of the first
// `twins_rounds` rounds, one partition of the instances into at most two groups (one of which
// can form a quorum) and the leader of that round; until heal_at_ms, a message of round r (its
// statement's round, or the sender's round for sync and block fetches) is delivered only inside
// round r's groups. TwinsScenarioCount() scenarios enumerate every combination; later rounds are
// unpartitioned and round robin, and no drops, duplicates or crashes are added. (Without the heal
// a round's partition would hold its messages forever and stall runs by construction.)
//
// Every run is a pure function of its SimConfig: SimResult::trace_hash fingerprints every
// delivered message, timer, crash and action, so a seed run twice (or replayed from its printed
// command) gives the identical hash. Single-threaded; one RunSim call is independent of any other.
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
    uint32_t twins_rounds = 0;        // Twins mode: rounds with an enumerated partition and leader
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
    uint64_t trace_hash = 0;          // FNV-1a over the whole trace (see above)
    std::string Summary() const;
};

SimResult RunSim(const SimConfig& config);
// Twins mode: the number of scenarios (valid seeds are 0 .. count - 1); 0 outside Twins mode or
// when the count would exceed 2^62.
uint64_t TwinsScenarioCount(const SimConfig& config);
// Twins mode: "r1 {0,2,3,4}|{1} leader 2; r2 ..." for scenario `config.seed`.
std::string DescribeTwinsScenario(const SimConfig& config);
// The consensus_sim arguments that replay `config` exactly.
std::string ReplayArgs(const SimConfig& config);

}  // namespace folio::consensus::sim
