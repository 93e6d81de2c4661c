// Licence methods: licences of a work and the licence check (docs/rpc.md).
#include <node/api/api.h>

#include <node/api/method_support.h>
#include <node/api/json_render.h>
#include <node/protocol/territory.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterLicenceMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "licence_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t id = args.Uint64("id");
            auto l = state::LoadLicence(node.store(), id);
            if (!l) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no licence " + std::to_string(id));
            return LicenceJson(*l);
        },
        Access::PUBLIC);

    server.Register(
        "licence_list",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t work = args.Uint64("work");
            if (!state::LoadWork(node.store(), work)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(work));
            json out = json::array();
            for (uint64_t id : state::LoadWorkLicences(node.store(), work))
                if (auto l = state::LoadLicence(node.store(), id)) out.push_back(LicenceJson(*l));
            return json{{"work", work}, {"licences", out}};
        },
        Access::PUBLIC);

    server.Register(
        "licence_check",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t work = args.Uint64("work");
            Address licensee = args.AddressParam("licensee");
            std::string territory = args.String("territory");
            if (!protocol::IsCountry(territory))
                throw RpcError(ErrorCode::INVALID_PARAMS, "territory must be an ISO 3166-1 alpha-2 code");
            std::string right_name = args.String("right");
            auto right = protocol::ParseRight(right_name);
            uint64_t at = args.Has("at") ? args.Uint64("at") : node.Head().time_ms;
            json out = {{"allowed", false}, {"work", work}, {"licensee", licensee.hex()},
                        {"territory", territory}, {"right", right_name}, {"at", at}};
            // A fan token's perk (docs/settlement.md, "Fan tokens"): a right a token of the work names.
            bool named = false;
            auto perk = state::FanPerkOf(node.store(), work, licensee, right_name, &named);
            auto perk_json = [&](const state::FanPerk& p) {
                return json{{"token", p.token}, {"symbol", p.symbol}, {"held", p.held}, {"needed", p.needed}};
            };
            if (!right) {
                if (!state::LoadWork(node.store(), work)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(work));
                if (!named)
                    throw RpcError(ErrorCode::INVALID_PARAMS, "unknown right '" + right_name + "': not a licence right, and no fan token of work " +
                                                                  std::to_string(work) + " names it as its perk");
                out["allowed"] = perk.has_value();
                if (perk) {
                    out["via"] = "fan_token";
                    out["fan_token"] = perk_json(*perk);
                } else {
                    out["reason"] = "the licensee holds fewer of the work's fan tokens than the perk '" + right_name + "' needs";
                }
                return out;
            }
            auto ans = state::CheckLicence(node.store(), work, licensee, territory, *right, at);
            out["allowed"] = ans.allowed;
            if (ans.licence) out["licence"] = LicenceJson(*ans.licence);
            if (ans.chain.size() > 1) out["chain"] = ans.chain;  // a sublicence: its id, its parent's, ... the owner's licence
            if (ans.via_nft) out["via"] = "nft_viewing_right";
            if (!ans.allowed && perk) {
                out["allowed"] = true;
                out["via"] = "fan_token";
                out["fan_token"] = perk_json(*perk);
            } else if (!ans.allowed) {
                out["reason"] = ans.reason;
            }
            return out;
        },
        Access::PUBLIC);
}

}  // namespace folio::api
