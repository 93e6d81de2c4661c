#pragma once
// The ledger's JSON-RPC methods (docs/rpc.md), registered on the node's RpcServer.
#include <node/app/node.h>
#include <node/rpc/server.h>

namespace folio::app {

// Registers chain_info, chain_getBlock, tx_submit, tx_get, account_get, work_get, rpc_discover.
// Handlers read committed data through `node` and are safe to run on any server thread.
void RegisterLedgerMethods(rpc::RpcServer& server, Node& node);
// balance_get, payout_get, payout_list, fx_rate_get, licence_get, licence_list, licence_check,
// audit_conservation, reconciliation_report, tax_report, auction_get, split_get.
void RegisterSettlementMethods(rpc::RpcServer& server, Node& node);

}  // namespace folio::app
