// `folio events`: settlement events as JSON lines (docs/settlement-events.md).
#include <cli/commands.h>
#include <cli/ws_client.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

namespace folio::cli {

using namespace folio::protocol;

namespace {

// --follow: the settlement_subscribe stream over the node's WebSocket, as JSON lines. The socket is
// logged in once and stays bound past the token's expiry; after any disconnect or a server stop
// notice (slow_consumer) the CLI connects, logs in and subscribes again from the next event it has
// not printed, so nothing is missed or printed twice. A pruned next event ends it (status 1).
[[noreturn]] void Follow(const Ctx& c, Session& s, uint64_t next) {
    int backoff_ms = 500;
    for (;;) {
        try {
            WsRpcClient ws(NodeUrl(c));
            ws.Login(s.signer->sk, s.chain_id);
            ws.Call("settlement_subscribe", {{"from_seq", next}});
            backoff_ms = 500;
            for (;;) {
                json n = ws.Next();
                if (n.value("method", "") != "settlement_subscription") continue;
                const json& r = n["params"]["result"];
                if (r.contains("stop")) {
                    std::string why = r.value("stop", "");
                    next = r.value("next_seq", next);
                    if (why == "pruned")
                        throw CliError("event " + std::to_string(next) + " was pruned on this node (its lowest is later); resume on an archive node");
                    std::fprintf(stderr, "folio: subscription ended (%s); resubscribing from event %llu\n", why.c_str(),
                                 static_cast<unsigned long long>(next));
                    break;
                }
                std::cout << r.dump() << "\n";
                std::cout.flush();
                next = r.value("seq", next) + 1;
            }
        } catch (const RpcFailure& e) {
            if (e.code != 0) throw;  // an answer (unauthorised, pruned, bad params): reconnecting does not help
            std::fprintf(stderr, "folio: %s; reconnecting from event %llu\n", e.what(), static_cast<unsigned long long>(next));
            std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
            backoff_ms = std::min(backoff_ms * 2, 10'000);
        }
    }
}

}  // namespace

// `folio events [--from-seq N] [--limit L] [--follow]`: settlement events as JSON lines (with --json
// and without --follow: one page object {events, next_seq}).
int CmdEvents(Ctx& c) {
    Session s = Login(c);
    uint64_t from = ParseU64(c.args.Opt("from-seq").value_or("1"), "--from-seq");
    uint64_t limit = ParseU64(c.args.Opt("limit").value_or("100"), "--limit");
    if (c.args.Flag("follow")) Follow(c, s, from);
    json page = s.rpc->Call("settlement_events", {{"from_seq", from}, {"limit", limit}});
    if (c.json_out) {
        std::cout << page.dump() << "\n";
        return 0;
    }
    for (const auto& e : page.value("events", json::array())) std::cout << e.dump() << "\n";
    return 0;
}

}  // namespace folio::cli
