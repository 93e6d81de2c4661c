#pragma once
// Parameter parsing and access helpers shared by the RPC method files. Each throws RpcError
// (INVALID_PARAMS) naming the parameter.
#include <nlohmann/json.hpp>

#include <node/chain/node.h>
#include <node/rpc/errors.h>
#include <node/state/ledger.h>

namespace folio::api {

using chain::CommitCert;
using chain::Node;

using nlohmann::json;
using rpc::ErrorCode;
using rpc::RpcError;

inline const json& Param(const json& params, const char* name) {
    if (!params.is_object() || !params.contains(name))
        throw RpcError(ErrorCode::INVALID_PARAMS, std::string("missing parameter '") + name + "'");
    return params.at(name);
}

inline std::string StringParam(const json& params, const char* name) {
    const json& v = Param(params, name);
    if (!v.is_string()) throw RpcError(ErrorCode::INVALID_PARAMS, std::string("parameter '") + name + "' must be a string");
    return v.get<std::string>();
}

inline uint64_t UintParam(const json& params, const char* name) {
    const json& v = Param(params, name);
    if (!v.is_number_unsigned()) throw RpcError(ErrorCode::INVALID_PARAMS, std::string("parameter '") + name + "' must be a non-negative integer");
    return v.get<uint64_t>();
}

inline Hash256 HashParam(const json& params, const char* name) {
    auto h = Hash256::FromHexStr(StringParam(params, name));
    if (!h) throw RpcError(ErrorCode::INVALID_PARAMS, std::string("parameter '") + name + "' must be 64 hex characters");
    return *h;
}

inline Address AddressParam(const json& params, const char* name) {
    auto a = ParseAddress(StringParam(params, name));
    if (!a) throw RpcError(ErrorCode::INVALID_PARAMS, std::string("parameter '") + name + "' is not a valid address");
    return *a;
}

// Auditors and governance members read everything (docs/rpc.md, "Access").
inline bool IsOverseer(const Node& node, const std::optional<Address>& caller) {
    if (!caller) return false;
    protocol::Account a = state::LoadAccount(node.store(), *caller);
    return protocol::HasRole(a.roles, protocol::Role::AUDITOR) || protocol::HasRole(a.roles, protocol::Role::GOVERNANCE);
}

}  // namespace folio::api
