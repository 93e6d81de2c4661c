#pragma once
// The money, licence, revenue, tax and auction commands of `folio` (docs/cli.md).
#include <functional>
#include <optional>
#include <string>

#include <cli/common.h>

namespace folio::cli {

// Runs c.args.pos[0] if it is one of: balance, deposit, withdraw, transfer, payout, kyc, fx,
// licence, revenue, tax, audit, reconcile, auction. nullopt if it is none of them.
std::optional<int> RunSettlementCommand(Ctx& c);
// `folio gov freeze|unfreeze|tax-rate|tax-treaty|tax-account ...`: the proposal's body, or nullopt
// for another gov subcommand.
std::optional<protocol::TxBody> SettlementGovBody(const Ctx& c);
// `folio work transfer-shares|consent ...`; nullopt for another work subcommand.
std::optional<int> RunWorkSharesCommand(Ctx& c);
// `folio work certificate WORK_ID -o FILE` and `folio work verify FILE --certificate C --genesis G`
// (offline); `fingerprint` hashes a file (with progress). nullopt for another work subcommand.
std::optional<int> RunWorkCertificateCommand(Ctx& c, const std::function<Hash256(const std::string&)>& fingerprint);

}  // namespace folio::cli
