// `folio events`: settlement events as JSON lines (docs/settlement-events.md).
#include <cli/commands.h>

#include <chrono>
#include <iostream>
#include <thread>

namespace folio::cli {

using namespace folio::protocol;

// `folio events --from-seq N [--limit L] [--follow]`: settlement events as JSON lines (with --json
// and without --follow: one page object {events, next_seq}). --follow polls for new events.
int CmdEvents(Ctx& c) {
    Session s = Login(c);
    uint64_t from = ParseU64(c.args.Opt("from-seq").value_or("1"), "--from-seq");
    uint64_t limit = ParseU64(c.args.Opt("limit").value_or("100"), "--limit");
    bool follow = c.args.Flag("follow");
    for (;;) {
        json page = s.rpc->Call("settlement_events", {{"from_seq", from}, {"limit", limit}});
        if (c.json_out && !follow) {
            std::cout << page.dump() << "\n";
            return 0;
        }
        for (const auto& e : page.value("events", json::array())) std::cout << e.dump() << "\n";
        std::cout.flush();
        uint64_t next = page.value("next_seq", from);
        bool caught_up = next > page.value("latest_seq", uint64_t{0});
        from = next;
        if (!follow) return 0;
        if (caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    }
}

}  // namespace folio::cli
