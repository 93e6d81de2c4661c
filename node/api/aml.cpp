// AML methods: holds, and the limits and sanctions list in force (docs/rpc.md, "AML"). The
// compliance role, auditors and governance read them all; a party reads its own holds.
#include <node/api/api.h>

#include <node/api/json_render.h>
#include <node/api/method_support.h>
#include <node/state/queries.h>

namespace folio::api {

namespace {

bool AmlReader(const Node& node, const std::optional<Address>& caller) {
    return IsOverseer(node, caller) || HasRoleAt(node, caller, protocol::Role::COMPLIANCE);
}

std::optional<protocol::AmlHoldStatus> StatusParam(const rpc::Params& args) {
    if (!args.Has("status")) return std::nullopt;
    const std::string s = args.String("status");
    for (uint8_t i = 0; i < protocol::EnumCount(protocol::AmlHoldStatus{}); ++i)
        if (s == protocol::AmlHoldStatusName(static_cast<protocol::AmlHoldStatus>(i))) return static_cast<protocol::AmlHoldStatus>(i);
    throw RpcError(ErrorCode::INVALID_PARAMS, "status must be held, blocked, released or rejected");
}

}  // namespace

void RegisterAmlMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "aml_holds",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            const std::optional<protocol::AmlHoldStatus> status = StatusParam(args);
            const std::optional<Address> account = args.OptAddress("account");
            if (!AmlReader(node, ctx.account) && (!account || !ctx.account || *account != *ctx.account))
                throw RpcError(ErrorCode::FORBIDDEN, "only compliance, auditors and governance may list every hold; give 'account' as yourself");
            const uint64_t after = args.OptUint64("after").value_or(0);
            const uint64_t limit = args.OptUint64("limit").value_or(100);
            if (limit == 0 || limit > 1000) throw RpcError(ErrorCode::INVALID_PARAMS, "limit must be 1..1000");
            json list = json::array();
            for (const protocol::AmlHold& h : state::AmlHoldsWhere(Scan(node), [&](const protocol::AmlHold& h) {
                     return h.id > after && (!status || h.status == *status) && (!account || h.from == *account || h.to == *account);
                 })) {
                if (list.size() == limit) break;
                list.push_back(AmlHoldJson(h));
            }
            return json{{"holds", list}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "aml_hold_get",
        [&node](const json& params, CallContext& ctx) {
            const uint64_t id = ApiParams(params).Uint64("id");
            auto h = state::LoadAmlHold(node.store(), id);
            // Anyone else learns nothing, not even whether the hold exists.
            if (!AmlReader(node, ctx.account) && (!h || !ctx.account || (*ctx.account != h->from && *ctx.account != h->to)))
                throw RpcError(ErrorCode::FORBIDDEN, "only the hold's parties, compliance, auditors and governance may read a hold");
            if (!h) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no AML hold " + std::to_string(id));
            return AmlHoldJson(*h);
        },
        Access::AUTHENTICATED);

    // The limits are not public: knowing them helps a launderer stay under them (structuring).
    server.Register(
        "aml_rules",
        [&node](const json&, CallContext& ctx) {
            if (!AmlReader(node, ctx.account))
                throw RpcError(ErrorCode::FORBIDDEN, "only compliance, auditors and governance may read the AML limits and sanctions list");
            json limits = json::array();
            for (const protocol::SetAmlLimit& l : state::AmlLimits(Scan(node))) limits.push_back(AmlLimitJson(l));
            json accounts = json::array(), countries = json::array();
            for (const protocol::Sanction& s : state::Sanctions(Scan(node))) {
                json j = {{"note", s.note}, {"listed_ms", s.listed_ms}, {"height", s.height}};
                if (s.account.IsZero()) {
                    j["country"] = s.country;
                    countries.push_back(j);
                } else {
                    j["account"] = s.account.hex();
                    accounts.push_back(j);
                }
            }
            return json{{"limits", limits}, {"sanctioned_accounts", accounts}, {"sanctioned_countries", countries}};
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
