// Governance methods: the evidence of validator misbehaviour on the ledger (docs/rpc.md).
#include <node/api/api.h>

#include <node/api/method_support.h>
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
}

}  // namespace folio::api
