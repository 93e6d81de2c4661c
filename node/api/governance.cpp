// Governance methods: the evidence of validator misbehaviour on the ledger, and the governance
// proposals (docs/rpc.md).
#include <node/api/api.h>

#include <optional>
#include <string>

#include <node/api/json_render.h>
#include <node/api/method_support.h>
#include <node/state/queries.h>
#include <node/state/records.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterGovernanceMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "evidence_list",
        [&node](const json&, CallContext&) {
            json out = json::array();
            for (const state::EvidenceRecord& rec : state::ListEvidence(Scan(node)))
                out.push_back({{"id", rec.id.hex()}, {"validator", rec.signer.hex()}, {"height", rec.height},
                               {"evidence", ToHex(rec.encoded)}});
            return json{{"evidence", out}};
        },
        Access::PUBLIC);

    // Governance proposals (docs/rpc.md, "proposal_list"): governance members and auditors.
    server.Register(
        "proposal_list",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            if (!IsOverseer(node, ctx.account))
                throw RpcError(ErrorCode::FORBIDDEN, "only governance members and auditors may list proposals");
            std::optional<std::string> want;
            if (args.Has("status")) {
                want = args.String("status");
                if (*want != "open" && *want != "executed" && *want != "expired")
                    throw RpcError(ErrorCode::INVALID_PARAMS, "status must be open, executed or expired");
            }
            const uint64_t now = node.Head().time_ms;
            const uint32_t threshold = state::LoadGovThreshold(node.store());
            json out = json::array();
            for (const protocol::Proposal& p : state::Proposals(Scan(node))) {
                std::string status = p.status == protocol::ProposalStatus::EXECUTED ? "executed" : now > p.expires_ms ? "expired" : "open";
                if (want && status != *want) continue;
                json approvals = json::array();
                for (const Address& a : p.approvals) approvals.push_back(a.hex());
                out.push_back({{"id", p.id.hex()},
                               {"action", GovActionJson(p.action)},
                               {"proposer", p.proposer.hex()},
                               {"approvals", approvals},
                               {"threshold", threshold},
                               {"status", status},
                               {"created_height", p.created_height},
                               {"expires_ms", p.expires_ms}});
            }
            return json{{"proposals", out}};
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
