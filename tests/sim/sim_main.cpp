// consensus_sim: runs the deterministic consensus simulator over a range of seeds.
//   consensus_sim --n 4 --twins 1 --seed 100 --seeds 500     seeds 100..599, all must pass
//   consensus_sim --n 4 --twins 2 --seeds 50 --expect-fork   the control: some seed must fork
//   consensus_sim --n 4 --twins 1 --seed 123 --verbose       replay one seed with a trace
// Exit status 0 when the expectation holds; every failing seed prints the command replaying it.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <tests/sim/sim.h>

using folio::consensus::sim::ReplayArgs;
using folio::consensus::sim::RunSim;
using folio::consensus::sim::SimConfig;

namespace {

int Usage() {
    std::fprintf(stderr,
                 "usage: consensus_sim [--n N] [--twins T] [--seed S] [--seeds COUNT] [--duration MS] [--heal MS]\n"
                 "  [--bound MS] [--drop PERMILLE] [--dup PERMILLE] [--crash PERMILLE] [--max-delay MS]\n"
                 "  [--base-timeout MS] [--max-timeout MS] [--no-partitions] [--no-crashes] [--reconfig]\n"
                 "  [--adversarial] [--no-liveness] [--expect-fork] [--verbose] [--quiet]\n");
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
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto num = [&](uint64_t& out) {
            if (i + 1 >= argc || !ParseU64(argv[i + 1], out)) return false;
            ++i;
            return true;
        };
        uint64_t v = 0;
        if (a == "--n" && num(v)) cfg.n = static_cast<uint32_t>(v);
        else if (a == "--twins" && num(v)) cfg.twins = static_cast<uint32_t>(v);
        else if (a == "--seed" && num(v)) cfg.seed = v;
        else if (a == "--seeds" && num(v)) seeds = v;
        else if (a == "--duration" && num(v)) cfg.duration_ms = v;
        else if (a == "--heal" && num(v)) cfg.heal_at_ms = v;
        else if (a == "--bound" && num(v)) cfg.liveness_bound_ms = v;
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
        else return Usage();
    }
    if (cfg.n == 0 || cfg.n > 100 || seeds == 0) return Usage();
    if (expect_fork) cfg.check_liveness = false;  // forks, not progress, are the point of the control
    uint64_t first = cfg.seed, failures = 0, forks = 0;
    for (uint64_t s = first; s < first + seeds; ++s) {
        cfg.seed = s;
        auto r = RunSim(cfg);
        if (r.fork) ++forks;
        bool bad = expect_fork ? (!r.ok && !r.fork) : !r.ok;  // in the control only forks are expected
        if (bad) {
            ++failures;
            std::printf("FAIL seed %llu: %s\n  replay: %s %s --verbose\n", static_cast<unsigned long long>(s),
                        r.Summary().c_str(), argv[0], ReplayArgs(cfg).c_str());
        } else if (expect_fork && r.fork && !quiet) {
            std::printf("fork found (expected) seed %llu: %s\n  replay: %s %s --expect-fork\n",
                        static_cast<unsigned long long>(s), r.failure.c_str(), argv[0], ReplayArgs(cfg).c_str());
        } else if (!quiet && seeds == 1) {
            std::printf("seed %llu: %s\n", static_cast<unsigned long long>(s), r.Summary().c_str());
        }
    }
    std::printf("%llu seeds (n=%u, twins=%u): %llu failed, %llu forked\n", static_cast<unsigned long long>(seeds),
                cfg.n, cfg.twins, static_cast<unsigned long long>(failures), static_cast<unsigned long long>(forks));
    if (expect_fork) return (forks > 0 && failures == 0) ? 0 : 1;
    return failures == 0 ? 0 : 1;
}
