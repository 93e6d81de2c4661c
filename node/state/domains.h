#pragma once
// Internal to node/state: the domain files' kind rules (referenced by the table in kinds.cpp) and
// the few helpers one domain lends another. Not for callers outside node/state.
#include <cstdint>
#include <string>
#include <vector>

#include <node/state/failures.h>
#include <node/state/kinds.h>
#include <node/state/records.h>
#include <node/state/tx_context.h>

namespace folio::state {

// Rules of one kind, by body type: `Check`, `CheckState` and `Apply` overloads per body.
// works.cpp
Status<Rejection> Check(const Transaction& tx, const RegisterWorkTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const RegisterWorkTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const RegisterWorkTx& b);
Status<Rejection> Check(const Transaction& tx, const TransferSharesTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const TransferSharesTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const TransferSharesTx& b);
bool IsOwner(const Work& w, const Address& a);
// Every owner of `w` but `sender` signed `digest` (a consent in `consents`); else missing_permission
// naming the first owner without one.
Status<Rejection> CheckOwnersConsent(const Work& w, const Address& sender, const std::vector<Consent>& consents, const Hash256& digest);

// governance.cpp
Status<Rejection> Check(const Transaction& tx, const ProposeTx& b);
Exec Apply(TxContext& x, const ProposeTx& b);
Exec Apply(TxContext& x, const ApproveTx& b);

// money.cpp
Status<Rejection> Check(const Transaction& tx, const DepositTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const DepositTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const DepositTx& b);
Status<Rejection> Check(const Transaction& tx, const SetPayoutPrefsTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const SetPayoutPrefsTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const SetPayoutPrefsTx& b);
Status<Rejection> Check(const Transaction& tx, const WithdrawTx& b);
Exec Apply(TxContext& x, const WithdrawTx& b);
Status<Rejection> Check(const Transaction& tx, const PayoutConfirmTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const PayoutConfirmTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const PayoutConfirmTx& b);
Status<Rejection> Check(const Transaction& tx, const PayoutFailTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const PayoutFailTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const PayoutFailTx& b);
Status<Rejection> Check(const Transaction& tx, const PayoutExpireTx& b);
Exec Apply(TxContext& x, const PayoutExpireTx& b);
Status<Rejection> Check(const Transaction& tx, const SetKycTx& b);
Exec Apply(TxContext& x, const SetKycTx& b);
Status<Rejection> Check(const Transaction& tx, const PostFxRateTx& b);
Exec Apply(TxContext& x, const PostFxRateTx& b);
Status<Rejection> Check(const Transaction& tx, const TransferTx& b);
Exec Apply(TxContext& x, const TransferTx& b);
// The KYC rule of the economic actions (docs/settlement.md, "Roles and KYC"): `a` must be
// KYC-verified to do `action`, else kyc_required naming its status.
Status<Rejection> RequireKyc(const StateReader& s, const Address& a, std::string_view action);
// A known currency and an amount in 1..MAX_AMOUNT (0.. with allow_zero).
Status<Rejection> CheckMoney(const std::string& currency, int64_t amount, bool allow_zero = false);
// Ledger moves of balances: overflow and shortfall are execution failures.
Exec Credit(TxContext& x, const Address& a, const std::string& cur, int64_t amount);
Exec Debit(TxContext& x, const Address& a, const std::string& cur, int64_t amount);
// After a successful transaction: accounts credited in their payout currency up to their
// threshold get an automatic payout of that whole balance (skipped when it cannot be made).
void AutoPayouts(TxContext& x);
// The block step, before a block's transactions: every pending payout whose expiry the block's
// time has passed (expires_ms < time_ms) expires — its funds return to the payee and an EvPayout
// (expired) goes to `events` — found through the expiry index (docs/settlement.md, "Expiry").
void ExpirePayouts(Overlay& o, uint64_t time_ms, std::vector<Event>& events);

// Makes a pending payout instruction of `amount` of `payee`'s balance to its gateway (its EvPayout
// the first event it adds); `screen`: through the AML screen first (a hit holds it instead).
Exec CreatePayout(TxContext& x, const Address& payee, const std::string& cur, int64_t amount, bool screen = true);
// 1..max printable ASCII characters.
bool PrintableAscii(const std::string& s, size_t max);

// aml.cpp (docs/settlement.md, "AML")
// Why a payout or transfer is held: the reason, the limit and rolling sum it went over, the
// sanctioned party (an address's hex or a country).
struct AmlScreen {
    AmlReason reason = AmlReason::SINGLE_LIMIT;
    int64_t limit = 0;
    int64_t rolling_sum = 0;
    std::string listed;
};
// The screen of `amount` `cur` going out of `from` (to `to`, zero for a payout) at `time_ms`: the
// sanctions list (either party, or its KYC residency), then the currency's single limit, then its
// rolling limit over `from`'s sum in the window. nullopt: it may go ahead.
std::optional<AmlScreen> ScreenAml(const StateReader& s, const Address& from, const Address& to, const std::string& cur,
                                   int64_t amount, uint64_t time_ms);
// Counts `amount` that went out of `from` in its rolling sum (while the currency has a rolling limit).
void CountAml(Overlay& o, const Address& from, const std::string& cur, int64_t amount, uint64_t time_ms);
// Records a hold of `amount` (already debited from `from`) and its aml_hold event.
void HoldAml(TxContext& x, AmlHoldKind kind, const Address& from, const Address& to, const std::string& cur, int64_t amount,
             const AmlScreen& why);
std::string AmlScreenText(const AmlScreen& why, const std::string& cur, int64_t amount);
Status<Rejection> Check(const Transaction& tx, const AmlReleaseTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const AmlReleaseTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const AmlReleaseTx& b);
Status<Rejection> Check(const Transaction& tx, const AmlRejectTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const AmlRejectTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const AmlRejectTx& b);
// Governance's actions on the AML limits and the sanctions list (a proposal's check and effect).
Status<Rejection> CheckAction(const SetAmlLimit& a);
Status<Rejection> CheckAction(const SetSanction& a);
Exec Execute(TxContext& x, const SetAmlLimit& a);
Exec Execute(TxContext& x, const SetSanction& a);

// licences.cpp
Status<Rejection> Check(const Transaction& tx, const GrantLicenceTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const GrantLicenceTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const GrantLicenceTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const AcceptLicenceTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const AcceptLicenceTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const RevokeLicenceTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const RevokeLicenceTx& b);
Status<Rejection> Check(const Transaction& tx, const GrantSublicenceTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const GrantSublicenceTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const GrantSublicenceTx& b);
Status<Rejection> CheckTerms(const LicenceTerms& t);
// The sender owns `work` and `terms` conflict with no licence at `time_ms` (grant and auction).
Status<Rejection> CheckLicensable(const StateReader& s, const Transaction& tx, uint64_t work, const LicenceTerms& terms,
                                  uint64_t time_ms);
// Issues a licence of `work` from the sender; its id in *id_out when given.
Exec NewLicence(TxContext& x, uint64_t work, const Address& licensee, const LicenceTerms& terms, LicenceStatus status,
                uint64_t auction, uint64_t* id_out);

// revenue.cpp
Status<Rejection> Check(const Transaction& tx, const ReportRevenueTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ReportRevenueTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const ReportRevenueTx& b);
Status<Rejection> Check(const Transaction& tx, const ReportPoolTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ReportPoolTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const ReportPoolTx& b);
// The source country (packed) of income: the territory named, else a licence's single
// territory, else the payer's residency.
int64_t SourceOf(const StateReader& s, const std::string& territory, const Licence* l, const Address& payer);
// Moves `amount` from `payer` to `payee` through the tax contract's withholding (income type
// `income`, source country `source` packed): the tax to the jurisdiction's account, the rest to
// the payee, a tax_withheld event and a report entry either way.
Exec PayWithheld(TxContext& x, const Address& payer, const Address& payee, const std::string& cur, int64_t amount,
                 IncomeType income, int64_t source);
// Moves `amount` from `payer` into the work's split and distributes it.
Exec PayWork(TxContext& x, const Address& payer, uint64_t work, const std::string& cur, int64_t amount, IncomeType income,
             int64_t source, const std::string& period);

// nfts.cpp
Status<Rejection> Check(const Transaction& tx, const NftMintTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftMintTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const NftMintTx& b);
Status<Rejection> Check(const Transaction& tx, const NftTransferTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftTransferTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const NftTransferTx& b);
Status<Rejection> Check(const Transaction& tx, const NftListTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftListTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const NftListTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftDelistTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const NftDelistTx& b);
Status<Rejection> Check(const Transaction& tx, const NftBuyTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftBuyTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const NftBuyTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftBurnTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const NftBurnTx& b);

// revenue.cpp: set_recoupment
Status<Rejection> Check(const Transaction& tx, const SetRecoupmentTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const SetRecoupmentTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const SetRecoupmentTx& b);

// fan_tokens.cpp
Status<Rejection> Check(const Transaction& tx, const FanTokenIssueTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const FanTokenIssueTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const FanTokenIssueTx& b);
Status<Rejection> Check(const Transaction& tx, const FanTokenBuyTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const FanTokenBuyTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const FanTokenBuyTx& b);
Status<Rejection> Check(const Transaction& tx, const FanTokenTransferTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const FanTokenTransferTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const FanTokenTransferTx& b);

// contracts.cpp
Status<Rejection> Check(const Transaction& tx, const ContractInstantiateTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ContractInstantiateTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const ContractInstantiateTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const AttachContractTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const AttachContractTx& b);

// auctions.cpp
Status<Rejection> Check(const Transaction& tx, const CreateAuctionTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const CreateAuctionTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const CreateAuctionTx& b);

// contracts.cpp
Status<Rejection> Check(const Transaction& tx, const ContractCallTx& b);
Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ContractCallTx& b, uint64_t time_ms);
Exec Apply(TxContext& x, const ContractCallTx& b);

// Helpers shared by domains.
inline std::string Dec(uint64_t v) { return std::to_string(v); }

}  // namespace folio::state
