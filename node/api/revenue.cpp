// Revenue methods: a work's split and the payee's tax report (docs/rpc.md).
#include <node/api/api.h>

#include <map>

#include <node/api/method_support.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterRevenueMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "split_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t work = args.Uint64("work");
            if (!state::LoadWork(node.store(), work)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(work));
            Address split = protocol::SplitAddress(work);
            auto split_payees = state::SplitPayees(node.store(), QueryBlock(node), work);
            if (!split_payees) ThrowQueryError(split_payees.error());
            json payees = json::array();
            for (const state::Payee& p : *split_payees) payees.push_back({{"address", p.address.hex()}, {"bps", p.bps}});
            return json{{"work", work}, {"contract", split.hex()}, {"payees", payees}};
        },
        Access::PUBLIC);

    server.Register(
        "tax_report",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            Address payee = args.AddressParam("payee");
            RequireSelfOrOverseer(node, ctx, payee, "the payee itself");
            uint64_t year = args.Uint64("year");
            auto report = state::TaxReport(node.store(), QueryBlock(node), payee, year);
            if (!report) ThrowQueryError(report.error());
            static constexpr const char* INCOME[] = {"unknown", "royalty", "licence_fee", "nft_sale"};
            json entries = json::array();
            std::map<std::string, std::pair<Int128, Int128>> totals;
            for (const state::TaxEntry& e : *report) {
                const std::string& cur = e.currency;
                entries.push_back({{"time_ms", e.time_ms},
                                   {"currency", cur},
                                   {"gross", AmountText(e.gross, cur)},
                                   {"tax", AmountText(e.tax, cur)},
                                   {"net", AmountText(e.gross - e.tax, cur)},
                                   {"income_type", e.income_type >= 0 && e.income_type < 4 ? INCOME[e.income_type] : "unknown"},
                                   {"source", e.source},
                                   {"bps", e.bps}});
                totals[cur].first += e.gross;
                totals[cur].second += e.tax;
            }
            json t = json::array();
            for (const auto& [cur, gt] : totals)
                t.push_back({{"currency", cur},
                             {"gross", AmountText(static_cast<int64_t>(gt.first), cur)},
                             {"tax", AmountText(static_cast<int64_t>(gt.second), cur)},
                             {"net", AmountText(static_cast<int64_t>(gt.first - gt.second), cur)}});
            protocol::Account acct = state::LoadAccount(node.store(), payee);
            return json{{"payee", payee.hex()}, {"year", year}, {"residency", acct.residency}, {"entries", entries}, {"totals", t}};
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
