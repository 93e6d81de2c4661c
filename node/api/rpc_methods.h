#pragma once
// The ledger's JSON-RPC methods (docs/rpc.md), registered on the node's RpcServer.
#include <node/chain/node.h>
#include <node/rpc/server.h>

namespace folio::api {

using chain::CommitCert;
using chain::Node;

// Registers chain_info, chain_getBlock, tx_submit, tx_get, account_get, evidence_list, work_get.
// Handlers read committed data through `node` and are safe to run on any server thread.
void RegisterLedgerMethods(rpc::RpcServer& server, Node& node);
// balance_get, payout_get, payout_list, fx_rate_get, licence_get, licence_list, licence_check,
// audit_conservation, reconciliation_report, tax_report, auction_get, nft_get, nft_collection,
// work_certificate, split_get.
void RegisterSettlementMethods(rpc::RpcServer& server, Node& node);
// rpc_discover (public): returns OpenRpcDocument(), the OpenRPC 1.2.6 document of every method
// (docs/openrpc.json, embedded at build time and parsed once).
void RegisterDiscover(rpc::RpcServer& server);
const nlohmann::json& OpenRpcDocument();

}  // namespace folio::api
