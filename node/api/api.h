#pragma once
// The ledger's JSON-RPC API (docs/rpc.md), registered on the node's RpcServer: one file of
// methods per domain (as node/state), the settlement stream and rpc_discover.
#include <nlohmann/json.hpp>

#include <node/api/settlement_stream.h>
#include <node/chain/node.h>
#include <node/rpc/server.h>

namespace folio::api {

// Registers every method of the API: the domains below, `stream`'s methods and rpc_discover. Call
// before the server starts. Handlers read committed data through `node` and are safe to run on
// any server thread.
void RegisterApi(rpc::RpcServer& server, chain::Node& node, SettlementStream& stream);

// True if `account` exists on the ledger (its record differs from the default one). foliod's
// AuthConfig::is_known: tokens of known accounts are evicted last (docs/rpc.md, "Hostile clients").
bool IsKnownAccount(const chain::Node& node, const Address& account);

// chain_info, chain_getBlock, tx_submit, tx_get (chain.cpp).
void RegisterChainMethods(rpc::RpcServer& server, chain::Node& node);
// account_get, balance_get, payout_get, payout_list, fx_rate_get, audit_conservation,
// reconciliation_report (money.cpp).
void RegisterMoneyMethods(rpc::RpcServer& server, chain::Node& node);
// work_get, work_certificate (works.cpp).
void RegisterWorkMethods(rpc::RpcServer& server, chain::Node& node);
// licence_get, licence_list, licence_check (licences.cpp).
void RegisterLicenceMethods(rpc::RpcServer& server, chain::Node& node);
// split_get, tax_report (revenue.cpp).
void RegisterRevenueMethods(rpc::RpcServer& server, chain::Node& node);
// nft_get, nft_collection (nfts.cpp).
void RegisterNftMethods(rpc::RpcServer& server, chain::Node& node);
// auction_get (auctions.cpp).
void RegisterAuctionMethods(rpc::RpcServer& server, chain::Node& node);
// fan_token_get, fan_token_holders (fan_tokens.cpp).
void RegisterFanTokenMethods(rpc::RpcServer& server, chain::Node& node);
// aml.cpp: aml_holds, aml_hold_get, aml_rules.
void RegisterAmlMethods(rpc::RpcServer& server, chain::Node& node);
// contract_templates, contract_get, contract_query (contracts.cpp).
void RegisterContractMethods(rpc::RpcServer& server, chain::Node& node);
// evidence_list (governance.cpp).
void RegisterGovernanceMethods(rpc::RpcServer& server, chain::Node& node);

// rpc_discover (public): returns OpenRpcDocument(), the OpenRPC 1.2.6 document of every method
// (docs/openrpc.json, embedded at build time and parsed once) (rpc_discover.cpp).
void RegisterDiscover(rpc::RpcServer& server);
const nlohmann::json& OpenRpcDocument();

}  // namespace folio::api
