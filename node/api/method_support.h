#pragma once
// What the method files of node/api share: their params, access checks and the committed state's
// queries. Internal to node/api.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <node/chain/node.h>
#include <node/rpc/errors.h>
#include <node/rpc/params.h>
#include <node/rpc/server.h>
#include <node/state/ledger.h>
#include <node/state/queries.h>

namespace folio::api {

using chain::Node;
using nlohmann::json;
using rpc::Access;
using rpc::CallContext;
using rpc::ErrorCode;
using rpc::RpcError;

// The ledger methods' params (rpc::ParamWording::PARAMETER). `params` must outlive the view.
inline rpc::Params ApiParams(const json& params) { return rpc::Params(params, rpc::ParamWording::PARAMETER); }

// Auditors and governance members read everything (docs/rpc.md, "Access").
bool IsOverseer(const Node& node, const std::optional<Address>& caller);
bool HasRoleAt(const Node& node, const std::optional<Address>& who, protocol::Role r);
// FORBIDDEN "only <what>, auditors and governance may read this" unless the caller is `a` or an
// overseer.
void RequireSelfOrOverseer(const Node& node, const CallContext& ctx, const Address& a, const char* what);

// The validator-set hand-offs from the genesis set to the set in force at `height`, hex-encoded
// (Node::HandoffsUpTo), as work certificates and settlement proofs carry them (validator_handoffs).
// RESOURCE_UNAVAILABLE ("retry") when one cannot be built yet.
json HandoffsJson(const Node& node, uint64_t height);

// An amount in minor units as the currency's decimal text (the integer if the currency is unknown).
std::string AmountText(int64_t v, const std::string& cur);

// The committed state's prefix scan, for state's listing queries.
state::PrefixScan Scan(const Node& node);
// The block a contract query runs in: the head's height and time.
state::BlockContext QueryBlock(const Node& node);
// A contract query's failure as the JSON-RPC error it has always been.
[[noreturn]] void ThrowQueryError(const state::QueryError& e);

}  // namespace folio::api
