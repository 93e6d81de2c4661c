#include <node/api/method_support.h>

#include <node/api/api.h>

#include <node/core/amount.h>

namespace folio::api {

bool IsOverseer(const Node& node, const std::optional<Address>& caller) {
    if (!caller) return false;
    protocol::Account a = state::LoadAccount(node.store(), *caller);
    return protocol::HasRole(a.roles, protocol::Role::AUDITOR) ||
           protocol::HasRole(a.roles, protocol::Role::GOVERNANCE);
}

bool IsKnownAccount(const chain::Node& node, const Address& account) {
    return state::LoadAccount(node.store(), account) != protocol::Account{};
}

bool HasRoleAt(const Node& node, const std::optional<Address>& who, protocol::Role r) {
    return who && protocol::HasRole(state::LoadAccount(node.store(), *who).roles, r);
}

void RequireSelfOrOverseer(const Node& node, const CallContext& ctx, const Address& a, const char* what) {
    if (!ctx.account || (*ctx.account != a && !IsOverseer(node, ctx.account)))
        throw RpcError(ErrorCode::FORBIDDEN, std::string("only ") + what + ", auditors and governance may read this");
}

json HandoffsJson(const Node& node, uint64_t height) {
    auto handoffs = node.HandoffsUpTo(height);
    if (!handoffs)
        throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE,
                       "the hand-off to validator epoch " + std::to_string(handoffs.error()) + " is not available yet; retry");
    json out = json::array();
    for (const Bytes& h : *handoffs) out.push_back(ToHex(h));
    return out;
}

std::string AmountText(int64_t v, const std::string& cur) {
    auto c = FindCurrency(cur);
    return c ? FormatAmount(v, *c) : std::to_string(v);
}

state::PrefixScan Scan(const Node& node) {
    return [&node](ByteView prefix, const state::PrefixVisitor& visit) { node.store().ForEachState(prefix, visit); };
}

state::BlockContext QueryBlock(const Node& node) {
    protocol::BlockHeader head = node.Head();
    return state::BlockContext{head.height, head.time_ms, Address{}};
}

void ThrowQueryError(const state::QueryError& e) {
    throw RpcError(e.kind == state::QueryError::MALFORMED ? ErrorCode::INTERNAL_ERROR : ErrorCode::RESOURCE_UNAVAILABLE,
                   e.message);
}

}  // namespace folio::api
