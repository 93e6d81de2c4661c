// The kinds table and the dispatch through it (kinds.h, ledger.h).
#include <node/state/kinds.h>

#include <array>

#include <node/state/domains.h>
#include <node/state/ledger.h>

namespace folio::state {

namespace {

// Adapters from the table's signatures to the domains' typed overloads.
template <class T>
Status<Rejection> Stateless(const Transaction& tx) {
    return Check(tx, std::get<T>(tx.body));
}
template <class T>
Status<Rejection> AgainstState(const StateReader& s, const Transaction& tx, uint64_t time_ms) {
    return CheckState(s, tx, std::get<T>(tx.body), time_ms);
}
template <class T>
Exec EffectOf(TxContext& x) {
    return Apply(x, std::get<T>(x.tx.body));
}

constexpr RoleSet Roles(Role r) { return RoleSet{1} << static_cast<uint8_t>(r); }
constexpr RoleSet Roles(Role a, Role b) { return Roles(a) | Roles(b); }

// One row per TxKind, in kind order. The body type T is checked against the kind's variant slot.
#define ROW(KIND, T, ROLES, STATELESS, STATE, AUTO)                                                        \
    KindRule{TxKind::KIND, ROLES, STATELESS, STATE, EffectOf<T>, AUTO};                                     \
    static_assert(std::is_same_v<std::variant_alternative_t<static_cast<size_t>(TxKind::KIND) - 1, TxBody>, T>)

constexpr KindRule R_PROPOSE = ROW(PROPOSE, ProposeTx, Roles(Role::GOVERNANCE), Stateless<ProposeTx>, nullptr, false);
constexpr KindRule R_APPROVE = ROW(APPROVE, ApproveTx, Roles(Role::GOVERNANCE), nullptr, nullptr, false);
constexpr KindRule R_REGISTER_WORK = ROW(REGISTER_WORK, RegisterWorkTx, Roles(Role::CREATOR, Role::STUDIO),
                                         Stateless<RegisterWorkTx>, AgainstState<RegisterWorkTx>, false);
constexpr KindRule R_DEPOSIT = ROW(DEPOSIT, DepositTx, Roles(Role::GATEWAY), Stateless<DepositTx>, AgainstState<DepositTx>, true);
constexpr KindRule R_SET_PAYOUT_PREFS = ROW(SET_PAYOUT_PREFS, SetPayoutPrefsTx, 0, Stateless<SetPayoutPrefsTx>,
                                            AgainstState<SetPayoutPrefsTx>, true);
constexpr KindRule R_WITHDRAW = ROW(WITHDRAW, WithdrawTx, 0, Stateless<WithdrawTx>, nullptr, true);
constexpr KindRule R_PAYOUT_CONFIRM = ROW(PAYOUT_CONFIRM, PayoutConfirmTx, 0, Stateless<PayoutConfirmTx>,
                                          AgainstState<PayoutConfirmTx>, true);
constexpr KindRule R_PAYOUT_FAIL = ROW(PAYOUT_FAIL, PayoutFailTx, 0, Stateless<PayoutFailTx>, AgainstState<PayoutFailTx>, true);
constexpr KindRule R_PAYOUT_EXPIRE = ROW(PAYOUT_EXPIRE, PayoutExpireTx, 0, Stateless<PayoutExpireTx>, nullptr, false);
constexpr KindRule R_SET_KYC = ROW(SET_KYC, SetKycTx, Roles(Role::KYC_PROVIDER), Stateless<SetKycTx>, nullptr, true);
constexpr KindRule R_POST_FX_RATE = ROW(POST_FX_RATE, PostFxRateTx, Roles(Role::FX_ORACLE), Stateless<PostFxRateTx>, nullptr, true);
constexpr KindRule R_GRANT_LICENCE = ROW(GRANT_LICENCE, GrantLicenceTx, 0, Stateless<GrantLicenceTx>,
                                         AgainstState<GrantLicenceTx>, true);
constexpr KindRule R_ACCEPT_LICENCE = ROW(ACCEPT_LICENCE, AcceptLicenceTx, Roles(Role::DISTRIBUTOR), nullptr, AgainstState<AcceptLicenceTx>, true);
constexpr KindRule R_REVOKE_LICENCE = ROW(REVOKE_LICENCE, RevokeLicenceTx, 0, nullptr, AgainstState<RevokeLicenceTx>, true);
constexpr KindRule R_REPORT_REVENUE = ROW(REPORT_REVENUE, ReportRevenueTx, Roles(Role::DISTRIBUTOR), Stateless<ReportRevenueTx>,
                                          AgainstState<ReportRevenueTx>, true);
constexpr KindRule R_REPORT_POOL = ROW(REPORT_POOL, ReportPoolTx, Roles(Role::DISTRIBUTOR), Stateless<ReportPoolTx>, AgainstState<ReportPoolTx>, true);
constexpr KindRule R_TRANSFER_SHARES = ROW(TRANSFER_SHARES, TransferSharesTx, 0, Stateless<TransferSharesTx>,
                                           AgainstState<TransferSharesTx>, true);
constexpr KindRule R_CREATE_AUCTION = ROW(CREATE_AUCTION, CreateAuctionTx, 0, Stateless<CreateAuctionTx>,
                                          AgainstState<CreateAuctionTx>, true);
constexpr KindRule R_CONTRACT_CALL = ROW(CONTRACT_CALL, ContractCallTx, 0, Stateless<ContractCallTx>,
                                         AgainstState<ContractCallTx>, true);
constexpr KindRule R_TRANSFER = ROW(TRANSFER, TransferTx, 0, Stateless<TransferTx>, nullptr, true);
constexpr KindRule R_NFT_MINT = ROW(NFT_MINT, NftMintTx, 0, Stateless<NftMintTx>, AgainstState<NftMintTx>, true);
constexpr KindRule R_NFT_TRANSFER = ROW(NFT_TRANSFER, NftTransferTx, 0, Stateless<NftTransferTx>, AgainstState<NftTransferTx>, true);
constexpr KindRule R_NFT_LIST = ROW(NFT_LIST, NftListTx, 0, Stateless<NftListTx>, AgainstState<NftListTx>, true);
constexpr KindRule R_NFT_DELIST = ROW(NFT_DELIST, NftDelistTx, 0, nullptr, AgainstState<NftDelistTx>, true);
constexpr KindRule R_NFT_BUY = ROW(NFT_BUY, NftBuyTx, 0, Stateless<NftBuyTx>, AgainstState<NftBuyTx>, true);
constexpr KindRule R_NFT_BURN = ROW(NFT_BURN, NftBurnTx, 0, nullptr, AgainstState<NftBurnTx>, true);
constexpr KindRule R_CONTRACT_INSTANTIATE = ROW(CONTRACT_INSTANTIATE, ContractInstantiateTx, 0, Stateless<ContractInstantiateTx>,
                                                AgainstState<ContractInstantiateTx>, true);
constexpr KindRule R_ATTACH_CONTRACT = ROW(ATTACH_CONTRACT, AttachContractTx, 0, nullptr, AgainstState<AttachContractTx>, false);
constexpr KindRule R_FAN_TOKEN_ISSUE = ROW(FAN_TOKEN_ISSUE, FanTokenIssueTx, Roles(Role::CREATOR, Role::STUDIO), Stateless<FanTokenIssueTx>,
                                           AgainstState<FanTokenIssueTx>, false);
constexpr KindRule R_FAN_TOKEN_BUY = ROW(FAN_TOKEN_BUY, FanTokenBuyTx, 0, Stateless<FanTokenBuyTx>, AgainstState<FanTokenBuyTx>, true);
constexpr KindRule R_SET_RECOUPMENT = ROW(SET_RECOUPMENT, SetRecoupmentTx, 0, Stateless<SetRecoupmentTx>,
                                          AgainstState<SetRecoupmentTx>, false);
constexpr KindRule R_FAN_TOKEN_TRANSFER = ROW(FAN_TOKEN_TRANSFER, FanTokenTransferTx, 0, Stateless<FanTokenTransferTx>,
                                              AgainstState<FanTokenTransferTx>, false);
constexpr KindRule R_AML_RELEASE = ROW(AML_RELEASE, AmlReleaseTx, Roles(Role::COMPLIANCE), Stateless<AmlReleaseTx>,
                                       AgainstState<AmlReleaseTx>, true);
constexpr KindRule R_AML_REJECT = ROW(AML_REJECT, AmlRejectTx, Roles(Role::COMPLIANCE), Stateless<AmlRejectTx>,
                                      AgainstState<AmlRejectTx>, false);
constexpr KindRule R_GRANT_SUBLICENCE = ROW(GRANT_SUBLICENCE, GrantSublicenceTx, 0, Stateless<GrantSublicenceTx>,
                                            AgainstState<GrantSublicenceTx>, false);
#undef ROW

constexpr std::array<KindRule, TX_KIND_MAX> TABLE = {
    R_PROPOSE,        R_APPROVE,        R_REGISTER_WORK, R_DEPOSIT,        R_SET_PAYOUT_PREFS, R_WITHDRAW,
    R_PAYOUT_CONFIRM, R_PAYOUT_FAIL,    R_PAYOUT_EXPIRE, R_SET_KYC,        R_POST_FX_RATE,     R_GRANT_LICENCE,
    R_ACCEPT_LICENCE, R_REVOKE_LICENCE, R_REPORT_REVENUE, R_REPORT_POOL,   R_TRANSFER_SHARES,  R_CREATE_AUCTION,
    R_CONTRACT_CALL,  R_TRANSFER,       R_NFT_MINT,      R_NFT_TRANSFER,   R_NFT_LIST,         R_NFT_DELIST,
    R_NFT_BUY,        R_NFT_BURN,       R_CONTRACT_INSTANTIATE, R_ATTACH_CONTRACT, R_FAN_TOKEN_ISSUE,
    R_FAN_TOKEN_BUY,  R_FAN_TOKEN_TRANSFER, R_SET_RECOUPMENT, R_AML_RELEASE, R_AML_REJECT,
    R_GRANT_SUBLICENCE,
};
static_assert(std::variant_size_v<TxBody> == TX_KIND_MAX, "a TxKind without a row in the kinds table");
// Rows in TxKind order. (That each row has an effect is checked by state_tests: GCC cannot
// compare a function pointer with nullptr in a constant expression under -fsanitize.)
constexpr bool InKindOrder() {
    for (size_t i = 0; i < TABLE.size(); ++i)
        if (static_cast<size_t>(TABLE[i].kind) != i + 1) return false;
    return true;
}
static_assert(InKindOrder());

// "role 'a' or 'b'" for the roles in `roles`.
std::string RoleList(RoleSet roles) {
    std::string out;
    for (uint8_t r = 0; r < 32; ++r) {
        if ((roles & (RoleSet{1} << r)) == 0) continue;
        out += out.empty() ? "role '" : " or '";
        out += RoleName(static_cast<Role>(r));
        out += "'";
    }
    return out;
}

}  // namespace

const KindRule* FindKindRule(TxKind k) {
    auto i = static_cast<size_t>(k);
    return i >= 1 && i <= TABLE.size() ? &TABLE[i - 1] : nullptr;
}

std::span<const KindRule> KindRules() { return TABLE; }

// ---------------------------------------------------------------- dispatch

Status<Rejection> CheckStateless(const Transaction& tx, const ChainParams& params) {
    if (tx.chain_id != params.chain_id)
        return Rej(Reject::WRONG_CHAIN, "transaction is for chain '" + tx.chain_id + "', this is '" + params.chain_id + "'");
    const KindRule* rule = FindKindRule(KindOf(tx.body));
    if (rule && rule->stateless) return rule->stateless(tx);
    return Ok{};
}

Status<Rejection> CheckAgainstState(const StateReader& s, const Transaction& tx, uint64_t time_ms, NonceMode mode) {
    Account acct = LoadAccount(s, tx.sender);
    if (tx.nonce < acct.next_nonce)
        return Rej(Reject::NONCE_TOO_LOW, "nonce " + std::to_string(tx.nonce) + " already used; next is " +
                                              std::to_string(acct.next_nonce));
    uint64_t limit = mode == NonceMode::EXACT ? acct.next_nonce : acct.next_nonce + NONCE_WINDOW - 1;
    if (tx.nonce > limit)
        return Rej(Reject::NONCE_TOO_HIGH, "nonce " + std::to_string(tx.nonce) + " is ahead of the account's next nonce " +
                                               std::to_string(acct.next_nonce) +
                                               (mode == NonceMode::WINDOW ? " by more than the window of " + std::to_string(NONCE_WINDOW)
                                                                          : std::string()));
    if (tx.expires_at_ms != 0 && time_ms > tx.expires_at_ms) return Rej(Reject::EXPIRED, "transaction expired");
    if (acct.frozen) return Rej(Reject::ACCOUNT_FROZEN, "account is frozen by governance");
    const KindRule* rule = FindKindRule(KindOf(tx.body));
    if (!rule) return Rej(Reject::MALFORMED, "unknown transaction kind");
    if (rule->roles != 0 && (acct.roles & rule->roles) == 0)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: " + RoleList(rule->roles) + " required");
    if (rule->against_state) return rule->against_state(s, tx, time_ms);
    return Ok{};
}

Receipt ApplyTx(Overlay& block, const Transaction& tx, const Hash256& id, const BlockContext& ctx) {
    Receipt rc;
    rc.tx_id = id;
    // The nonce advances whatever the outcome.
    Account acct = LoadAccount(block, tx.sender);
    acct.next_nonce = tx.nonce + 1;
    StoreAccount(block, tx.sender, acct);

    Overlay scratch(static_cast<const StateReader&>(block));  // layered on the block, not a copy
    std::vector<Event> events;
    TxContext x(scratch, tx, rc.tx_id, ctx, events);
    const KindRule* rule = FindKindRule(KindOf(tx.body));
    if (!rule) CorruptStore("transaction of an unknown kind in a block");
    Exec result = rule->effect(x);
    if (result && rule->auto_payouts) AutoPayouts(x);
    if (result) {
        block.Absorb(scratch);
        rc.events = std::move(events);
    } else {
        rc.success = false;
        rc.error_code = FailureName(result.error().code);
        rc.error_message = result.error().message;
    }
    return rc;
}

}  // namespace folio::state
