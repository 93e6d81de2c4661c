#include <node/app/readiness.h>

#include <vector>

#include <nlohmann/json.hpp>

namespace folio::app {

ReadyAnswer AssessReadiness(const ReadyInputs& in, const ReadyPolicy& policy) {
    const uint64_t lag = in.ordered_height > in.executed_height ? in.ordered_height - in.executed_height : 0;
    const uint64_t age = in.now_ms > in.head_time_ms ? in.now_ms - in.head_time_ms : 0;
    const uint64_t quorum = in.validators * 2 / 3 + 1;
    const uint64_t self = in.in_set ? 1 : 0;
    const uint64_t needed = in.validators <= 1 && in.in_set ? 0 : (quorum > self ? quorum - self : 0);
    std::vector<std::string> reasons;
    if (lag > policy.max_lag_blocks)
        reasons.push_back("executor_behind: " + std::to_string(lag) + " ordered blocks not executed yet (limit " +
                          std::to_string(policy.max_lag_blocks) + ")");
    if (age > policy.max_block_age_ms)
        reasons.push_back("head_too_old: the newest executed block is " + std::to_string(age / 1000) +
                          " s old (limit " + std::to_string(policy.max_block_age_ms / 1000) +
                          " s): catching up, or the chain is not committing");
    if (in.peers < needed)
        reasons.push_back("no_quorum: " + std::to_string(in.peers) + " validators connected, " +
                          std::to_string(needed) + " needed");
    ReadyAnswer out;
    out.ready = reasons.empty();
    out.json = nlohmann::json{{"ready", out.ready},
                              {"height", in.executed_height},
                              {"ordered_height", in.ordered_height},
                              {"executor_lag", lag},
                              {"block_age_ms", age},
                              {"peers", in.peers},
                              {"peers_needed", needed},
                              {"reasons", reasons}}
                   .dump();
    return out;
}

}  // namespace folio::app
