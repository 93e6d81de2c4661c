#pragma once
// The standard contracts (contracts/*.fasm, committed as bytecode in contracts/*.bin) and the
// ledger's calls into contracts. Implemented in contracts.cpp; pure.
#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include <node/state/failures.h>
#include <node/state/tx_context.h>
#include <vm/vm.h>

namespace folio::state {

// ---- standard contract templates (deployed at genesis) ----
enum class StandardContract : uint8_t { REVENUE_SPLIT, TAX_WITHHOLDING, AUCTION };
// The committed bytecode (contracts/<name>.bin, embedded at build time). Thread-safe.
const Bytes& StandardCode(StandardContract c);
Hash256 StandardCodeHash(StandardContract c);

// ---- templates and versions (docs/vm.md, "Templates and versions") ----
// The standard templates are version 1 of their names, deployed at genesis without a record:
// these functions answer for them too. A standard name is instantiated by the ledger only.
const char* StandardName(StandardContract c);
std::optional<StandardContract> StandardByName(std::string_view name);
std::optional<TemplateInfo> LoadTemplateInfo(const StateReader& s, const Hash256& code_hash);
std::optional<TemplateInfo> LoadLatestTemplate(const StateReader& s, std::string_view name);
// Records a deployed template ("ctm/"; "ctn/" too when it is its name's latest version).
void StoreTemplateInfo(Overlay& o, const TemplateInfo& t);
// The code the ledger instantiates for `c` now: the latest version of its name.
Hash256 CurrentStandardCodeHash(const StateReader& s, StandardContract c);
// `contract` is an instance of some version of the standard template `c`.
bool IsStandardInstance(const StateReader& s, const Address& contract, StandardContract c);

// ---- calls (for node/state's domains) ----
// Gas the ledger gives its own calls (distribute, set_payees, instantiation).
inline constexpr int64_t LEDGER_CALL_GAS = 10'000'000;
// One VM per thread (its caches only save time).
vm::Vm& ThreadVm();
// The execution failure for a call that did not succeed: out_of_gas or contract_failed, naming
// the contract, the VM status and any printable revert text. With the state, a standard auction's
// revert reason becomes a message with its figures (AuctionRefusal).
Unexpected<TxFailure> CallFailure(const vm::ExecResult& r, const Address& contract);
Unexpected<TxFailure> CallFailure(const vm::ExecResult& r, const Address& contract, const StateReader& s);
// A standard auction's revert data (contracts/auction.fasm: an 8-byte ASCII reason code, then its
// figures, i64 LE each) as a sentence with the figures in `currency` (amounts) and RFC 3339 UTC
// (times), ending with the code in brackets: "bid 1050.00 BRL is below the minimum 1150.00 BRL
// (the highest bid plus the increment) [bid_low]". nullopt when the data is not such a reason.
// Pure and deterministic (it is part of the receipt). docs/vm.md, "Reasons".
std::optional<std::string> AuctionRefusal(ByteView data, std::string_view currency);
// Contract data helpers: the i64 LE at `at` (the caller checks the size); the letters of a packed
// code ('USD' = 'U' | 'S' << 8 | 'D' << 16), at most `n`.
int64_t Le64At(ByteView b, size_t at);
std::string UnpackCode(int64_t v, size_t n);

// The tax contract's `tax_withheld` event (120 bytes; docs/vm.md, "tax_withholding"), or nullopt
// when `e` is not one.
struct TaxWithheldEvent {
    Address payee;
    std::string currency;
    int64_t gross = 0, tax = 0, income_type = 0;
    std::string source, residency;  // residency "" when unknown
    int64_t bps = 0;
    Address account;  // zero when the source has none
};
std::optional<TaxWithheldEvent> DecodeTaxWithheld(const protocol::EvContract& e);

// The currency of a standard auction contract (its storage 'cur'), or "" if there is none.
std::string AuctionCurrency(const StateReader& s, const Address& contract);
// Calls `contract` as `caller`, on x's host; the origin is the transaction's sender unless given.
Result<Bytes, TxFailure> Call(TxContext& x, const Address& caller, const Address& contract, const Bytes& input,
                              int64_t gas);
Result<Bytes, TxFailure> CallWithOrigin(TxContext& x, const Address& origin, const Address& caller,
                                        const Address& contract, const Bytes& input, int64_t gas);
// Creates the work's revenue_split instance from its owners (register_work).
Exec CreateWorkSplit(TxContext& x, const Work& w);

// ---- the ABI's packings ----
Bytes EncodePayees(const std::vector<Share>& owners);  // (address, le64 bps) per owner
int64_t PackCountry(std::string_view cc);              // two ASCII bytes, little-endian; 0 if not 2 long
int64_t PackCurrencyText(std::string_view c);          // vm::PackCurrency; 0 if not 3 long
std::string CurrencyText(vm::CurrencyCode c);          // empty if not three bytes
Bytes Le64(int64_t v);

}  // namespace folio::state
