// Revenue methods: a work's split and the payee's tax report (docs/rpc.md).
#include <node/api/api.h>

#include <map>

#include <node/api/method_support.h>
#include <node/protocol/territory.h>
#include <node/state/queries.h>
#include <node/state/settlement.h>

namespace folio::api {

namespace {

const char* IncomeTypeName(int64_t t) {
    static constexpr const char* INCOME[] = {"unknown", "royalty", "licence_fee", "nft_sale"};
    return t >= 0 && t < 4 ? INCOME[t] : "unknown";
}

}  // namespace

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
            json entries = json::array();
            std::map<std::string, std::pair<Int128, Int128>> totals;
            for (const state::TaxEntry& e : *report) {
                const std::string& cur = e.currency;
                entries.push_back({{"time_ms", e.time_ms},
                                   {"currency", cur},
                                   {"gross", AmountText(e.gross, cur)},
                                   {"tax", AmountText(e.tax, cur)},
                                   {"net", AmountText(e.gross - e.tax, cur)},
                                   {"income_type", IncomeTypeName(e.income_type)},
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

    // A jurisdiction's withholdings of a year, every payee (docs/rpc.md, "tax_jurisdiction_report"):
    // for its tax authority (the account that receives its tax), auditors and governance.
    server.Register(
        "tax_jurisdiction_report",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            const std::string j = args.String("jurisdiction");
            if (!protocol::IsCountry(j)) throw RpcError(ErrorCode::INVALID_PARAMS, "jurisdiction must be an ISO 3166-1 alpha-2 code");
            const uint64_t year = args.Uint64("year");
            if (year < 1970 || year > 9999) throw RpcError(ErrorCode::INVALID_PARAMS, "year must be 1970..9999");
            const std::optional<Address> account = state::TaxAccountOf(node.store(), j);
            if (!IsOverseer(node, ctx.account) && !(account && ctx.account && *ctx.account == *account))
                throw RpcError(ErrorCode::FORBIDDEN, "only " + j + "'s tax account, auditors and governance may read its report");
            json entries = json::array();
            std::map<std::string, std::tuple<uint64_t, Int128, Int128>> totals;
            std::optional<Address> payee;  // the entries come grouped by payee: one account read each
            std::string residency;
            for (const state::JurisdictionEntry& je : state::JurisdictionReport(Scan(node), j, year)) {
                const state::TaxEntry& e = je.entry;
                const std::string& cur = e.currency;
                if (payee != je.payee) {
                    payee = je.payee;
                    residency = state::LoadAccount(node.store(), je.payee).residency;
                }
                entries.push_back({{"payee", je.payee.hex()},
                                   {"residency", residency},
                                   {"time_ms", e.time_ms},
                                   {"currency", cur},
                                   {"gross", AmountText(e.gross, cur)},
                                   {"tax", AmountText(e.tax, cur)},
                                   {"net", AmountText(e.gross - e.tax, cur)},
                                   {"income_type", IncomeTypeName(e.income_type)},
                                   {"bps", e.bps}});
                auto& [n, gross, tax] = totals[cur];
                ++n;
                gross += e.gross;
                tax += e.tax;
            }
            json t = json::array();
            for (const auto& [cur, tot] : totals)
                t.push_back({{"currency", cur},
                             {"count", std::get<0>(tot)},
                             {"gross", AmountText(static_cast<int64_t>(std::get<1>(tot)), cur)},
                             {"tax", AmountText(static_cast<int64_t>(std::get<2>(tot)), cur)}});
            return json{{"jurisdiction", j},
                        {"year", year},
                        {"tax_account", account ? json(account->hex()) : json(nullptr)},
                        {"entries", entries},
                        {"totals", t}};
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
