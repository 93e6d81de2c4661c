#pragma once
// Read-only questions about the state for the node's API (docs/rpc.md, "Settlement methods"):
// balances, payouts, the conservation audit, gateway reconciliation, the evidence list, and
// queries of the standard contracts (tax report, auction state, split payees). The API renders
// the answers; it never parses state keys or runs the VM itself. Pure; thread-safe as far as the
// reader and the scan are (a contract query uses a scratch overlay and this thread's VM).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <node/core/amount.h>
#include <node/core/result.h>
#include <node/state/overlay.h>
#include <node/state/records.h>

namespace folio::state {

// Ordered iteration over the entries whose key starts with `prefix` (the store offers it:
// ChainStore::ForEachState). StateReader has no iteration; listing queries take one of these.
using PrefixVisitor = std::function<void(const Bytes& key, const Bytes& value)>;
using PrefixScan = std::function<void(ByteView prefix, const PrefixVisitor& visit)>;

// ---- money ----
struct CurrencyAmount {
    std::string currency;
    int64_t amount = 0;
};
// `a`'s non-zero balances, by currency code.
std::vector<CurrencyAmount> Balances(const StateReader& s, const PrefixScan& scan, const Address& a);
// Every payout instruction, by id, that `pred` accepts.
std::vector<Payout> PayoutsWhere(const PrefixScan& scan, const std::function<bool(const Payout&)>& pred);

// ---- governance ----
// Every governance proposal (in the order of their ids), open, executed or expired.
std::vector<Proposal> Proposals(const PrefixScan& scan);

// Conservation per currency: balances + escrow (held by contracts) + pending payouts + open AML
// holds must equal deposited - paid out.
struct ConservationLine {
    std::string currency;
    Int128 balances = 0, escrow = 0, pending = 0, aml_held = 0, deposited = 0, paid_out = 0;
    bool ok() const { return balances + escrow + pending + aml_held == deposited - paid_out; }
};
std::vector<ConservationLine> AuditConservation(const StateReader& s, const PrefixScan& scan);  // by currency

// A gateway's payouts created in [from_ms, until_ms), by target currency, then by status
// ("instructed" counts them all; then confirmed, failed, expired, pending).
struct ReconciliationLine {
    uint64_t count = 0;
    Int128 total = 0;  // in the target currency
};
using Reconciliation = std::map<std::string, std::map<std::string, ReconciliationLine>>;
Reconciliation Reconcile(const PrefixScan& scan, const Address& gateway, uint64_t from_ms, uint64_t until_ms);

// ---- AML ----
// The AML holds for which `pred` is true, by id.
std::vector<AmlHold> AmlHoldsWhere(const PrefixScan& scan, const std::function<bool(const AmlHold&)>& pred);
// A gateway's payout holds created in [from_ms, until_ms), by currency, then by status (held,
// blocked, released, rejected), in the source currency.
Reconciliation ReconcileAml(const PrefixScan& scan, const Address& gateway, uint64_t from_ms, uint64_t until_ms);
std::vector<SetAmlLimit> AmlLimits(const PrefixScan& scan);  // by currency
std::vector<Sanction> Sanctions(const PrefixScan& scan);     // accounts (by address), then countries

// ---- fan tokens ----
struct FanHolder {
    Address holder;
    FanHolding holding;
};
// A token's holders ranked for event priority: most tokens first, then the longest held (earliest
// since_height), then by address.
std::vector<FanHolder> FanTokenHolders(const PrefixScan& scan, uint64_t token);
// Per token: the cap, the tokens sold, and the sum of the holdings (must equal sold).
struct FanTokenLine {
    FanToken token;
    Int128 held = 0;
    bool ok() const { return held == static_cast<Int128>(token.sold) && token.sold <= token.cap; }
};
std::vector<FanTokenLine> AuditFanTokens(const PrefixScan& scan);

// ---- governance ----
// Every equivocation evidence recorded, by id.
std::vector<EvidenceRecord> ListEvidence(const PrefixScan& scan);

// ---- contracts ----
struct QueryError {
    enum Kind : uint8_t {
        CALL_FAILED,  // the contract call did not succeed: message = "contract query failed: <VM status>"
        MALFORMED,    // the contract's answer does not decode
    } kind = CALL_FAILED;
    std::string message;
};
// A read-only call of `contract` by the ledger on `s` as of `block`; nothing is kept.
Result<Bytes, QueryError> QueryContract(const StateReader& s, const BlockContext& block, const Address& contract,
                                         const Bytes& input);
// A read-only call of `contract` by `caller` (caller = origin), as a transaction would run it at
// `block`, with `gas`: its status, return or revert data, gas used and the events it would emit.
// Nothing is kept (contract_query).
struct ContractRun {
    std::string status;  // vm::ExecStatusName: "ok", "reverted", "out_of_gas", ...
    Bytes output;
    int64_t gas_used = 0;
    std::vector<Event> events;
};
ContractRun RunContractQuery(const StateReader& s, const BlockContext& block, const Address& caller, const Address& contract,
                             const Bytes& input, int64_t gas);
// Every contract template: the genesis ones (version 1 of the standard names), then those
// governance deployed, by name and version.
std::vector<TemplateInfo> Templates(const PrefixScan& scan);

// One withholding of the tax contract's report (docs/vm.md, "tax_withholding", report()).
struct TaxEntry {
    int64_t time_ms = 0;
    std::string currency;
    int64_t gross = 0, tax = 0;
    int64_t income_type = 0;  // IncomeType
    std::string source;       // ISO 3166-1 alpha-2, or empty
    int64_t bps = 0;
};
// `payee`'s withholdings in `year`.
Result<std::vector<TaxEntry>, QueryError> TaxReport(const StateReader& s, const BlockContext& block, const Address& payee,
                                                     uint64_t year);

// A jurisdiction's withholdings in a year, for its tax authority: every report entry of the tax
// contract (any payee) whose source is `jurisdiction`, read from the contract's storage ('rep'
// entries, docs/vm.md "tax_withholding"), ordered by payee then entry index (the order of the
// chain for each payee).
struct JurisdictionEntry {
    Address payee;
    uint64_t index = 0;  // the entry's index in the payee's report of the year
    TaxEntry entry;
};
std::vector<JurisdictionEntry> JurisdictionReport(const PrefixScan& scan, const std::string& jurisdiction, uint64_t year);
// The account that receives `jurisdiction`'s withheld tax (the tax contract's set_account), if any.
std::optional<Address> TaxAccountOf(const StateReader& s, const std::string& jurisdiction);

// An auction instance's state (docs/vm.md, "Standard contract: auction", show()).
struct AuctionState {
    bool closed = false;
    int64_t end_ms = 0, highest_bid = 0, price = 0, bids = 0, reveal_end_ms = 0, current_price = 0;
    Address highest_bidder, winner;  // zero = none
    std::string currency;
    Bytes raw;  // show()'s bytes
};
// nullopt when show() answers something that does not decode.
Result<std::optional<AuctionState>, QueryError> ShowAuction(const StateReader& s, const BlockContext& block,
                                                             const Address& contract);

struct Payee {
    Address address;
    int64_t bps = 0;
};
// The payees of work `work`'s revenue split (empty when its answer does not decode).
Result<std::vector<Payee>, QueryError> SplitPayees(const StateReader& s, const BlockContext& block, uint64_t work);

}  // namespace folio::state
