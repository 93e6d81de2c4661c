#pragma once
// The money, licence, revenue, tax and auction commands of `folio` (docs/cli.md).
#include <optional>

#include <cli/common.h>

namespace folio::cli {

// Runs c.args.pos[0] if it is one of: balance, deposit, withdraw, transfer, payout, kyc, fx,
// licence, revenue, tax, audit, reconcile, auction. nullopt if it is none of them.
std::optional<int> RunSettlementCommand(Ctx& c);
// `folio gov freeze|unfreeze|tax-rate|tax-treaty|tax-account ...`: the proposal's body, or nullopt
// for another gov subcommand.
std::optional<state::TxBody> SettlementGovBody(const Ctx& c);
// `folio work transfer-shares|consent ...`; nullopt for another work subcommand.
std::optional<int> RunWorkSharesCommand(Ctx& c);

}  // namespace folio::cli
