// Fan token methods: a token and its ranked holders (docs/rpc.md, "Fan tokens").
#include <node/api/api.h>

#include <node/api/json_render.h>
#include <node/api/method_support.h>
#include <node/state/queries.h>

namespace folio::api {

namespace {

json TokenJson(const protocol::FanToken& t) {
    json j = {{"id", t.id},         {"symbol", t.symbol},  {"name", t.name},         {"issuer", t.issuer.hex()},
              {"work", t.work == 0 ? json(nullptr) : json(t.work)},        {"cap", t.cap},
              {"sold", t.sold},     {"currency", t.currency}, {"price", AmountText(t.price, t.currency)},
              {"perk", t.perk.empty() ? json(nullptr) : json(t.perk)},     {"perk_min", t.perk_min},
              {"height", t.height}};
    return j;
}

protocol::FanToken TokenParam(const Node& node, const rpc::Params& args) {
    std::optional<uint64_t> id = args.OptUint64("token");
    if (!id) {
        if (!args.Has("symbol")) throw RpcError(ErrorCode::INVALID_PARAMS, "give 'token' or 'symbol'");
        std::string symbol = args.String("symbol");
        id = state::LoadFanTokenIdBySymbol(node.store(), symbol);
        if (!id) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no fan token " + symbol);
    }
    auto t = state::LoadFanToken(node.store(), *id);
    if (!t) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no fan token " + std::to_string(*id));
    return *t;
}

}  // namespace

void RegisterFanTokenMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "fan_token_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            protocol::FanToken t = TokenParam(node, args);
            json out = TokenJson(t);
            out["holders"] = state::FanTokenHolders(Scan(node), t.id).size();
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "fan_token_holders",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            protocol::FanToken t = TokenParam(node, args);
            uint64_t limit = args.OptUint64("limit").value_or(100);
            if (limit == 0 || limit > 1000) throw RpcError(ErrorCode::INVALID_PARAMS, "limit must be 1..1000");
            auto holders = state::FanTokenHolders(Scan(node), t.id);
            json list = json::array();
            for (size_t i = 0; i < holders.size() && i < limit; ++i)
                list.push_back({{"rank", i + 1},
                                {"holder", holders[i].holder.hex()},
                                {"amount", holders[i].holding.amount},
                                {"since_height", holders[i].holding.since_height},
                                {"perk", !t.perk.empty() && holders[i].holding.amount >= t.perk_min}});
            return json{{"token", t.id}, {"symbol", t.symbol}, {"total_holders", holders.size()}, {"holders", list}};
        },
        Access::PUBLIC);
}

}  // namespace folio::api
