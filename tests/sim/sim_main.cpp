// consensus_sim: runs the deterministic consensus simulator over a range of seeds.
//   consensus_sim --n 4 --twins 1 --seed 100 --seeds 500     seeds 100..599, all must pass
//   consensus_sim --n 4 --twins 2 --seeds 50 --expect-fork   the control: some seed must fork
//   consensus_sim --n 4 --twins 1 --seed 123 --verbose       replay one seed with a trace
//   consensus_sim --twins-rounds 2 --seed 0 --seeds all       every Twins scenario of 2 rounds (n=4, one twin)
//   consensus_sim --twins-rounds 3 --seed 5 --seeds 1000 --stride 97   a sample: 5, 102, 199, ...
//   consensus_sim ... --check-determinism                     run every seed twice, compare the traces
//   consensus_sim ... --hashes                                print every seed's trace hash
// Exit status 0 when the expectation holds; every failing seed prints the command replaying it.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <tests/sim/sim.h>

using folio::consensus::sim::DescribeTwinsScenario;
using folio::consensus::sim::ReplayArgs;
using folio::consensus::sim::RunSim;
using folio::consensus::sim::SimConfig;
using folio::consensus::sim::TwinsScenarioCount;

namespace {

constexpr uint64_t MAX_PRINTED = 20;  // failing seeds printed in full

int Usage() {
    std::fprintf(stderr,
                 "usage: consensus_sim [--n N] [--twins T] [--seed S] [--seeds COUNT] [--duration MS] [--heal MS]\n"
                 "  [--bound MS] [--drop PERMILLE] [--dup PERMILLE] [--crash PERMILLE] [--max-delay MS]\n"
                 "  [--base-timeout MS] [--max-timeout MS] [--no-partitions] [--no-crashes] [--reconfig]\n"
                 "  [--adversarial] [--no-liveness] [--expect-fork] [--verbose] [--quiet]\n"
                 "  [--twins-rounds R] [--stride K] [--seeds all] [--check-determinism] [--hashes]\n");
    return 2;
}

bool ParseU64(const char* s, uint64_t& out) {
    if (!s || !*s) return false;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (*end != '\0') return false;
    out = static_cast<uint64_t>(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    SimConfig cfg;
    uint64_t seeds = 1;
    bool expect_fork = false;
    bool quiet = false;
    bool all_seeds = false;
    bool check_determinism = false;
    bool hashes = false;
    bool duration_set = false, heal_set = false, bound_set = false, twins_set = false, n_set = false;
    uint64_t stride = 1;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto num = [&](uint64_t& out) {
            if (i + 1 >= argc || !ParseU64(argv[i + 1], out)) return false;
            ++i;
            return true;
        };
        uint64_t v = 0;
        if (a == "--n" && num(v)) cfg.n = static_cast<uint32_t>(v), n_set = true;
        else if (a == "--twins" && num(v)) cfg.twins = static_cast<uint32_t>(v), twins_set = true;
        else if (a == "--seed" && num(v)) cfg.seed = v;
        else if (a == "--seeds" && i + 1 < argc && std::strcmp(argv[i + 1], "all") == 0) all_seeds = true, ++i;
        else if (a == "--seeds" && num(v)) seeds = v;
        else if (a == "--stride" && num(v)) stride = v;
        else if (a == "--twins-rounds" && num(v)) cfg.twins_rounds = static_cast<uint32_t>(v);
        else if (a == "--duration" && num(v)) cfg.duration_ms = v, duration_set = true;
        else if (a == "--heal" && num(v)) cfg.heal_at_ms = v, heal_set = true;
        else if (a == "--bound" && num(v)) cfg.liveness_bound_ms = v, bound_set = true;
        else if (a == "--drop" && num(v)) cfg.drop_permille = static_cast<uint32_t>(v);
        else if (a == "--dup" && num(v)) cfg.dup_permille = static_cast<uint32_t>(v);
        else if (a == "--crash" && num(v)) cfg.crash_permille = static_cast<uint32_t>(v);
        else if (a == "--max-delay" && num(v)) cfg.max_delay_ms = v;
        else if (a == "--base-timeout" && num(v)) cfg.base_timeout_ms = v;
        else if (a == "--max-timeout" && num(v)) cfg.max_timeout_ms = v;
        else if (a == "--no-partitions") cfg.partitions = false;
        else if (a == "--no-crashes") cfg.crashes = false;
        else if (a == "--reconfig") cfg.reconfig = true;
        else if (a == "--adversarial") cfg.adversarial = true;
        else if (a == "--no-liveness") cfg.check_liveness = false;
        else if (a == "--expect-fork") expect_fork = true;
        else if (a == "--verbose") cfg.verbose = true;
        else if (a == "--quiet") quiet = true;
        else if (a == "--check-determinism") check_determinism = true;
        else if (a == "--hashes") hashes = true;
        else return Usage();
    }
    if (cfg.twins_rounds > 0) {
        // Twins defaults: four validators, one twin, a shorter run (the scenario's rounds end
        // within a few hundred ms; the rest shows liveness after them).
        if (!n_set) cfg.n = 4;
        if (!twins_set) cfg.twins = 1;
        if (!heal_set) cfg.heal_at_ms = 1500;
        if (!bound_set) cfg.liveness_bound_ms = 2500;
        if (!duration_set) cfg.duration_ms = cfg.heal_at_ms + cfg.liveness_bound_ms + 500;
    }
    if (cfg.n == 0 || cfg.n > 100 || seeds == 0 || stride == 0 || (all_seeds && cfg.twins_rounds == 0)) return Usage();
    uint64_t scenarios = TwinsScenarioCount(cfg);
    if (cfg.twins_rounds > 0) {
        if (scenarios == 0 || cfg.seed >= scenarios) {
            std::fprintf(stderr, "twins: no scenario %llu (there are %llu)\n",
                         static_cast<unsigned long long>(cfg.seed), static_cast<unsigned long long>(scenarios));
            return 2;
        }
        uint64_t left = (scenarios - cfg.seed + stride - 1) / stride;  // seeds seed, seed+stride, ... below count
        if (all_seeds || seeds > left) seeds = left;
    }
    if (expect_fork) cfg.check_liveness = false;  // forks, not progress, are the point of the control
    uint64_t first = cfg.seed, failures = 0, forks = 0;
    for (uint64_t k = 0; k < seeds; ++k) {
        uint64_t s = first + k * stride;
        cfg.seed = s;
        auto r = RunSim(cfg);
        if (check_determinism) {
            auto again = RunSim(cfg);
            if (again.trace_hash != r.trace_hash || again.Summary() != r.Summary()) {
                ++failures;
                std::printf("NONDETERMINISTIC seed %llu: %s\n  then: %s\n  replay: %s %s --verbose\n",
                            static_cast<unsigned long long>(s), r.Summary().c_str(), again.Summary().c_str(), argv[0],
                            ReplayArgs(cfg).c_str());
                continue;
            }
        }
        if (hashes)
            std::printf("seed %llu trace %016llx\n", static_cast<unsigned long long>(s),
                        static_cast<unsigned long long>(r.trace_hash));
        if (r.fork) ++forks;
        bool bad = expect_fork ? (!r.ok && !r.fork) : !r.ok;  // in the control only forks are expected
        if (bad) {
            if (++failures > MAX_PRINTED) continue;
            std::printf("FAIL seed %llu: %s\n", static_cast<unsigned long long>(s), r.Summary().c_str());
            if (cfg.twins_rounds > 0) std::printf("  scenario: %s\n", DescribeTwinsScenario(cfg).c_str());
            std::printf("  replay: %s %s --verbose\n", argv[0], ReplayArgs(cfg).c_str());
        } else if (expect_fork && r.fork && !quiet) {
            std::printf("fork found (expected) seed %llu: %s\n  replay: %s %s --expect-fork\n",
                        static_cast<unsigned long long>(s), r.failure.c_str(), argv[0], ReplayArgs(cfg).c_str());
        } else if (!quiet && seeds == 1) {
            std::printf("seed %llu: %s\n", static_cast<unsigned long long>(s), r.Summary().c_str());
        }
    }
    if (failures > MAX_PRINTED)
        std::printf("(%llu more failures not printed)\n", static_cast<unsigned long long>(failures - MAX_PRINTED));
    std::printf("%llu %s (n=%u, twins=%u%s): %llu failed, %llu forked\n", static_cast<unsigned long long>(seeds),
                cfg.twins_rounds ? "twins scenarios" : "seeds", cfg.n, cfg.twins,
                cfg.twins_rounds
                    ? (", " + std::to_string(cfg.twins_rounds) + " rounds of " + std::to_string(scenarios)).c_str()
                    : "",
                static_cast<unsigned long long>(failures), static_cast<unsigned long long>(forks));
    if (expect_fork) return (forks > 0 && failures == 0) ? 0 : 1;
    return failures == 0 ? 0 : 1;
}
