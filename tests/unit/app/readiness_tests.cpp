// The rule of GET /readyz (node/app/readiness.h): synced (executor lag, head block age) and a
// reachable quorum (floor(2n/3)+1 with itself when it is a validator).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <node/app/readiness.h>

using folio::app::AssessReadiness;
using folio::app::ReadyInputs;
using folio::app::ReadyPolicy;

namespace {
ReadyInputs Healthy4() {
    ReadyInputs in;
    in.now_ms = 1'000'000;
    in.head_time_ms = 999'500;
    in.executed_height = 100;
    in.ordered_height = 102;
    in.peers = 3;
    in.validators = 4;
    in.in_set = true;
    return in;
}
nlohmann::json Body(const ReadyInputs& in) { return nlohmann::json::parse(AssessReadiness(in, ReadyPolicy{}).json); }
}  // namespace

TEST_CASE("readyz: a synced validator with a quorum is ready") {
    auto a = AssessReadiness(Healthy4(), ReadyPolicy{});
    CHECK(a.ready);
    auto j = nlohmann::json::parse(a.json);
    CHECK(j["ready"] == true);
    CHECK(j["executor_lag"] == 2);
    CHECK(j["block_age_ms"] == 500);
    CHECK(j["peers_needed"] == 2);
    CHECK(j["reasons"].empty());
}

TEST_CASE("readyz: each reason alone makes it unready, and is named") {
    ReadyInputs lag = Healthy4();
    lag.ordered_height = 111;  // 11 > 10
    CHECK_FALSE(AssessReadiness(lag, ReadyPolicy{}).ready);
    CHECK(Body(lag)["reasons"][0].get<std::string>().rfind("executor_behind: 11 ordered blocks", 0) == 0);
    lag.ordered_height = 110;  // exactly the limit
    CHECK(AssessReadiness(lag, ReadyPolicy{}).ready);

    ReadyInputs old = Healthy4();
    old.head_time_ms = old.now_ms - 30'001;
    CHECK_FALSE(AssessReadiness(old, ReadyPolicy{}).ready);
    CHECK(Body(old)["reasons"][0].get<std::string>().rfind("head_too_old: ", 0) == 0);

    ReadyInputs alone = Healthy4();
    alone.peers = 1;  // itself + 1 = 2 < 3 of 4
    CHECK_FALSE(AssessReadiness(alone, ReadyPolicy{}).ready);
    CHECK(Body(alone)["reasons"][0] == "no_quorum: 1 validators connected, 2 needed");
}

TEST_CASE("readyz: quorum sizes for n = 1..7, validators and observers") {
    // floor(2n/3)+1: 1,2,3,3,4,5,5; a validator counts itself, an observer does not.
    const uint64_t quorum[] = {0, 1, 2, 3, 3, 4, 5, 5};
    for (uint64_t n = 1; n <= 7; ++n) {
        CAPTURE(n);
        ReadyInputs in = Healthy4();
        in.validators = n;
        in.in_set = true;
        CHECK(Body(in)["peers_needed"] == (n == 1 ? 0 : quorum[n] - 1));
        in.in_set = false;
        CHECK(Body(in)["peers_needed"] == quorum[n]);
    }
}
