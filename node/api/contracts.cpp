// Contract methods: the templates, an instance, and read-only calls (docs/rpc.md, "Contracts").
#include <node/api/api.h>

#include <node/api/json_render.h>
#include <node/api/method_support.h>
#include <node/protocol/addresses.h>
#include <node/state/contracts.h>
#include <node/state/queries.h>
#include <vm/abi.h>

namespace folio::api {

namespace {

json RoleNames(protocol::RoleSet roles) {
    json out = json::array();
    for (uint8_t r = 0; r < protocol::ROLE_COUNT; ++r)
        if (protocol::HasRole(roles, static_cast<protocol::Role>(r))) out.push_back(protocol::RoleName(static_cast<protocol::Role>(r)));
    return out;
}

json TemplateJson(const Node& node, const protocol::TemplateInfo& t) {
    auto code = node.store().Get(state::keys::Template(t.code_hash));
    return {{"code_hash", t.code_hash.hex()},
            {"name", t.name},
            {"version", t.version},
            {"instantiators", t.ledger_only ? json("ledger") : t.instantiators == 0 ? json("any") : RoleNames(t.instantiators)},
            {"height", t.height},
            {"size", code ? code->size() : 0}};
}

}  // namespace

void RegisterContractMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "contract_templates",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            std::optional<std::string> name = args.OptString("name");
            json out = json::array();
            for (const protocol::TemplateInfo& t : state::Templates(Scan(node)))
                if (!name || t.name == *name) out.push_back(TemplateJson(node, t));
            if (name && out.empty()) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no template named " + *name);
            return json{{"templates", out}};
        },
        Access::PUBLIC);

    server.Register(
        "contract_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            Address contract = Address::FromView(args.Hash("contract").view());  // a contract address is a hash, not a key
            auto code = state::LoadInstanceCodeHash(node.store(), contract);
            if (!code) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no contract at " + contract.hex());
            json out = {{"contract", contract.hex()}, {"code_hash", code->hex()}, {"template", nullptr}};
            if (auto t = state::LoadTemplateInfo(node.store(), *code)) out["template"] = TemplateJson(node, *t);
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "contract_query",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            Address contract = Address::FromView(args.Hash("contract").view());  // a contract address is a hash, not a key
            auto input = FromHex(args.String("input"));
            if (!input || input->size() > vm::MAX_ABI_BYTES + 4)
                throw RpcError(ErrorCode::INVALID_PARAMS, "input must be the hex of at most " +
                                                              std::to_string(vm::MAX_ABI_BYTES + 4) + " bytes (selector || ABI arguments)");
            uint64_t gas = args.OptUint64("gas").value_or(protocol::MAX_TX_GAS);
            if (gas == 0 || gas > protocol::MAX_TX_GAS)
                throw RpcError(ErrorCode::INVALID_PARAMS, "gas must be 1.." + std::to_string(protocol::MAX_TX_GAS));
            if (!state::IsContract(node.store(), contract))
                throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no contract at " + contract.hex());
            // The tax contract's reports are personal: tax_report gives them to the payee, auditors
            // and governance; its queries here are for overseers only.
            if (contract == protocol::TaxContractAddress() && !IsOverseer(node, ctx.account))
                throw RpcError(ErrorCode::FORBIDDEN, "only auditors and governance may query the tax contract (use tax_report)");
            state::ContractRun r = state::RunContractQuery(node.store(), QueryBlock(node), *ctx.account, contract, *input,
                                                           static_cast<int64_t>(gas));
            json events = json::array();
            for (const auto& e : r.events) events.push_back(EventJson(e, &node.store()));
            json out = {{"status", r.status}, {"output", ToHex(r.output)}, {"gas_used", r.gas_used}, {"events", events}};
            bool printable = !r.output.empty() &&
                             std::all_of(r.output.begin(), r.output.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
            if (r.status == "reverted" && printable) out["reason"] = std::string(r.output.begin(), r.output.end());
            return out;
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
