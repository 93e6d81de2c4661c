#pragma once
// Ledger data types: roles, accounts, works, governance proposals, transactions, events,
// receipts and blocks, with their canonical encodings (docs/formats.md specifies every byte).
// All types are plain values; encode/decode functions are pure and thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/core/result.h>
#include <node/protocol/fields.h>

namespace folio::protocol {

// ---- limits (part of the protocol: changing one is a consensus change) ----
inline constexpr size_t MAX_TX_BYTES = 64 * 1024;      // a larger transaction is rejected
inline constexpr size_t MAX_CHAIN_ID = 64;
inline constexpr size_t MAX_TITLE = 256;
inline constexpr size_t MAX_URI = 512;
inline constexpr size_t MAX_INDUSTRY_ID = 64;
inline constexpr size_t MAX_OWNERS = 32;
inline constexpr size_t MAX_BLOCK_TXS = 20000;
inline constexpr uint64_t NONCE_WINDOW = 64;           // nonces in flight ahead of the next one

// ---- roles ----
enum class Role : uint8_t {
    GOVERNANCE = 0,
    VALIDATOR = 1,
    KYC_PROVIDER = 2,
    GATEWAY = 3,
    FX_ORACLE = 4,
    CREATOR = 5,
    STUDIO = 6,
    DISTRIBUTOR = 7,
    AUDITOR = 8,
    COMPLIANCE = 9,  // decides AML holds (docs/settlement.md, "AML")
};
inline constexpr uint8_t ROLE_COUNT = 10;
constexpr size_t EnumCount(Role) { return ROLE_COUNT; }
const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
using RoleSet = uint32_t;  // bit i = Role i
inline bool HasRole(RoleSet s, Role r) { return (s >> static_cast<unsigned>(r)) & 1u; }
inline RoleSet WithRole(RoleSet s, Role r) { return s | (1u << static_cast<unsigned>(r)); }
inline RoleSet WithoutRole(RoleSet s, Role r) { return s & ~(1u << static_cast<unsigned>(r)); }

// ---- accounts ----
enum class KycStatus : uint8_t { NONE = 0, VERIFIED = 1, REVOKED = 2 };
constexpr size_t EnumCount(KycStatus) { return 3; }

struct Account {
    uint64_t next_nonce = 0;
    RoleSet roles = 0;
    KycStatus kyc = KycStatus::NONE;
    std::string residency;  // ISO 3166-1 alpha-2, or empty
    bool frozen = false;
    bool operator==(const Account&) const = default;
    FOLIO_FIELDS(next_nonce, roles, kyc, FOLIO_MAX(residency, 2), frozen)
    bool DecodeCheck() const { return roles < (1u << ROLE_COUNT); }
};

// ---- works ----
enum class WorkKind : uint8_t { FILM = 0, SERIES = 1, SONG = 2, GAME = 3, BOOK = 4, IMAGE = 5, OTHER = 6 };
inline constexpr uint8_t WORK_KIND_COUNT = 7;
constexpr size_t EnumCount(WorkKind) { return WORK_KIND_COUNT; }
const char* WorkKindName(WorkKind k);
std::optional<WorkKind> ParseWorkKind(std::string_view name);

struct Share {
    Address owner;
    uint16_t bps = 0;
    bool operator==(const Share&) const = default;
    FOLIO_FIELDS(owner, bps)
};
// Share lists are sorted by owner, owners unique (FOLIO_SORTED).
inline const Address& SortKey(const Share& s) { return s.owner; }

struct IndustryIds {
    std::string isrc, iswc, isan, eidr;  // empty = absent
    bool operator==(const IndustryIds&) const = default;
    FOLIO_FIELDS(FOLIO_MAX(isrc, MAX_INDUSTRY_ID), FOLIO_MAX(iswc, MAX_INDUSTRY_ID), FOLIO_MAX(isan, MAX_INDUSTRY_ID),
                 FOLIO_MAX(eidr, MAX_INDUSTRY_ID))
};

struct Work {
    uint64_t id = 0;
    Hash256 fingerprint;  // SHA-256 of the work's file
    std::string title;
    WorkKind kind = WorkKind::OTHER;
    IndustryIds ids;
    Hash256 metadata_hash;  // zero = none
    std::string metadata_uri;
    std::vector<Share> owners;  // sorted by owner, bps sum to 10000
    Address registrant;
    uint64_t registered_height = 0;
    uint64_t registered_time_ms = 0;
    bool operator==(const Work&) const = default;
    FOLIO_FIELDS(id, fingerprint, FOLIO_MAX(title, MAX_TITLE), kind, ids, metadata_hash, FOLIO_MAX(metadata_uri, MAX_URI),
                 FOLIO_SORTED(owners, MAX_OWNERS), registrant, registered_height, registered_time_ms)
};

// ---- governance ----
struct GrantRole {
    Address account;
    Role role = Role::CREATOR;
    bool operator==(const GrantRole&) const = default;
    FOLIO_FIELDS(account, role)
};
struct RevokeRole {
    Address account;
    Role role = Role::CREATOR;
    bool operator==(const RevokeRole&) const = default;
    FOLIO_FIELDS(account, role)
};
struct SetThreshold {
    uint32_t threshold = 1;  // M of the governance members
    bool operator==(const SetThreshold&) const = default;
    FOLIO_FIELDS(threshold)
};
// Deploys a contract template: bytecode validated at deployment (vm::Validate), stored by its
// code hash (TaggedHash("folio/vm/code", code)), as version `version` of the template `name`
// (1..32 of a-z, 0-9, _; each version above the name's latest). `instantiators`: the roles whose
// holders may instantiate it (contract_instantiate; 0 = any account). The standard names
// (revenue_split, auction) are instantiated by the ledger only: a new version of one is what the
// ledger instantiates from then on (docs/vm.md, "Templates and versions").
inline constexpr size_t MAX_CONTRACT_CODE = 60000;
inline constexpr size_t MAX_TEMPLATE_NAME = 32;
struct DeployTemplate {
    Bytes code;
    std::string name;
    uint32_t version = 1;
    RoleSet instantiators = 0;
    bool operator==(const DeployTemplate&) const = default;
    FOLIO_FIELDS(FOLIO_MAX(code, MAX_CONTRACT_CODE), FOLIO_MAX(name, MAX_TEMPLATE_NAME), version, instantiators)
};
// A deployed template's record (state "ctm/" + code hash; the latest version of a name also at
// "ctn/" + name).
struct TemplateInfo {
    Hash256 code_hash;
    std::string name;
    uint32_t version = 0;
    RoleSet instantiators = 0;
    bool ledger_only = false;  // a standard template: only the ledger makes instances
    uint64_t height = 0;       // deployed at (0: genesis)
    bool operator==(const TemplateInfo&) const = default;
    FOLIO_FIELDS(code_hash, FOLIO_MAX(name, MAX_TEMPLATE_NAME), version, instantiators, ledger_only, height)
};
// Freezes or unfreezes an account: a frozen account cannot send transactions, be debited or be
// paid out (credits still arrive).
struct SetFrozen {
    Address account;
    bool frozen = true;
    bool operator==(const SetFrozen&) const = default;
    FOLIO_FIELDS(account, frozen)
};
// Calls a contract with the governance address as the caller (GovernanceAddress()): how the tax
// table of tax_withholding is set.
struct GovContractCall {
    Address contract;
    Bytes input;
    bool operator==(const GovContractCall&) const = default;
    FOLIO_FIELDS(contract, input)
};
// Schedules a validator-set change (docs/consensus.md, "Validator-set changes"): `members`, in
// leader-rotation order, are the validators from the first block at or after `activation_height`
// that follows a committed block carrying the change. Executing the proposal only records it
// (state "v/pending"); consensus makes it take effect.
struct SetValidators {
    std::vector<Address> members;
    uint64_t activation_height = 0;
    bool operator==(const SetValidators&) const = default;
    FOLIO_FIELDS(members, activation_height)
};
inline constexpr size_t MAX_LEDGER_VALIDATORS = 100;
// An executed SetValidators must activate at least this many blocks after the block executing it,
// so that every validator has executed it before a leader proposes the change.
inline constexpr uint64_t VALIDATOR_CHANGE_MIN_LEAD = 10;
// AML limits of one currency (docs/settlement.md, "AML"): a payout or transfer of more than
// `single`, or one that would take the account's rolling sum of the last `window_hours` hours above
// `rolling`, is held until a compliance account releases or rejects it. 0 = no such limit; both 0
// removes the currency's limits. Also the state record "aml/" + currency.
inline constexpr uint32_t MAX_AML_WINDOW_HOURS = 720;
struct SetAmlLimit {
    std::string currency;
    int64_t single = 0;
    int64_t rolling = 0;
    uint32_t window_hours = 0;  // 1..720 with rolling > 0, else 0
    bool operator==(const SetAmlLimit&) const = default;
    FOLIO_FIELDS(currency, single, rolling, window_hours)
};
// Lists (or delists) an account or a country on the sanctions list: a payout or transfer by or to
// a listed account, or an account whose KYC residency is a listed country, is blocked.
struct SetSanction {
    Address account;      // zero with a country
    std::string country;  // "" with an account; ISO 3166-1 alpha-2
    bool listed = true;
    std::string note;     // the listing's reference, 1..128 printable ASCII (e.g. "OFAC SDN 12345")
    bool operator==(const SetSanction&) const = default;
    FOLIO_FIELDS(account, FOLIO_MAX(country, 2), listed, FOLIO_MAX(note, 128))
};
using GovAction = std::variant<GrantRole, RevokeRole, SetThreshold, DeployTemplate, SetFrozen, GovContractCall, SetValidators,
                               SetAmlLimit, SetSanction>;

enum class ProposalStatus : uint8_t { OPEN = 0, EXECUTED = 1 };
constexpr size_t EnumCount(ProposalStatus) { return 2; }
struct Proposal {
    Hash256 id;  // the proposing transaction's id
    GovAction action;
    Address proposer;
    std::vector<Address> approvals;  // sorted, unique
    ProposalStatus status = ProposalStatus::OPEN;
    uint64_t created_height = 0;
    uint64_t expires_ms = 0;  // an open proposal cannot be approved after this block time
    bool operator==(const Proposal&) const = default;
    FOLIO_FIELDS(id, action, proposer, FOLIO_SORTED(approvals, 1024), status, created_height, expires_ms)
};

// ---- transactions ----
enum class TxKind : uint8_t {
    PROPOSE = 1,
    APPROVE = 2,
    REGISTER_WORK = 3,
    DEPOSIT = 4,
    SET_PAYOUT_PREFS = 5,
    WITHDRAW = 6,
    PAYOUT_CONFIRM = 7,
    PAYOUT_FAIL = 8,
    PAYOUT_EXPIRE = 9,
    SET_KYC = 10,
    POST_FX_RATE = 11,
    GRANT_LICENCE = 12,
    ACCEPT_LICENCE = 13,
    REVOKE_LICENCE = 14,
    REPORT_REVENUE = 15,
    REPORT_POOL = 16,
    TRANSFER_SHARES = 17,
    CREATE_AUCTION = 18,
    CONTRACT_CALL = 19,
    TRANSFER = 20,
    NFT_MINT = 21,
    NFT_TRANSFER = 22,
    NFT_LIST = 23,
    NFT_DELIST = 24,
    NFT_BUY = 25,
    NFT_BURN = 26,
    CONTRACT_INSTANTIATE = 27,
    ATTACH_CONTRACT = 28,
    FAN_TOKEN_ISSUE = 29,
    FAN_TOKEN_BUY = 30,
    FAN_TOKEN_TRANSFER = 31,
    SET_RECOUPMENT = 32,
    AML_RELEASE = 33,
    AML_REJECT = 34,
    GRANT_SUBLICENCE = 35,
};
inline constexpr uint8_t TX_KIND_MAX = 35;

struct ProposeTx {
    GovAction action;
    bool operator==(const ProposeTx&) const = default;
    FOLIO_FIELDS(action)
};
struct ApproveTx {
    Hash256 proposal;
    bool operator==(const ApproveTx&) const = default;
    FOLIO_FIELDS(proposal)
};
struct RegisterWorkTx {
    Hash256 fingerprint;
    std::string title;
    WorkKind kind = WorkKind::OTHER;
    IndustryIds ids;
    Hash256 metadata_hash;
    std::string metadata_uri;
    std::vector<Share> owners;  // sorted by owner, unique, bps > 0, sum 10000
    bool operator==(const RegisterWorkTx&) const = default;
    FOLIO_FIELDS(fingerprint, FOLIO_MAX(title, MAX_TITLE), kind, ids, metadata_hash, FOLIO_MAX(metadata_uri, MAX_URI),
                 FOLIO_SORTED(owners, MAX_OWNERS))
};
// ---- money (docs/settlement.md) ----
// A gateway credits `to` with fiat it received off-ledger; `reference` is the gateway's unique
// external reference (a repeat is rejected: duplicate_deposit_reference).
struct DepositTx {
    Address to;
    std::string currency;  // ISO 4217
    int64_t amount = 0;    // minor units, 1..MAX_AMOUNT
    std::string reference;  // 1..64 printable ASCII
    bool operator==(const DepositTx&) const = default;
    FOLIO_FIELDS(to, currency, amount, reference)
};
struct SetPayoutPrefsTx {
    Address gateway;          // must hold the gateway role
    std::string currency;     // payout currency
    int64_t threshold = 0;    // automatic payout when a balance in `currency` reaches it; 0 = off
    bool operator==(const SetPayoutPrefsTx&) const = default;
    FOLIO_FIELDS(gateway, currency, threshold)
};
struct WithdrawTx {
    std::string currency;
    int64_t amount = 0;
    bool operator==(const WithdrawTx&) const = default;
    FOLIO_FIELDS(currency, amount)
};
struct PayoutConfirmTx {
    uint64_t payout_id = 0;
    std::string reference;  // the gateway's external reference of the fiat payment
    bool operator==(const PayoutConfirmTx&) const = default;
    FOLIO_FIELDS(payout_id, reference)
};
struct PayoutFailTx {
    uint64_t payout_id = 0;
    std::string reason;
    bool operator==(const PayoutFailTx&) const = default;
    FOLIO_FIELDS(payout_id, reason)
};
struct PayoutExpireTx {
    uint64_t payout_id = 0;
    bool operator==(const PayoutExpireTx&) const = default;
    FOLIO_FIELDS(payout_id)
};
struct SetKycTx {
    Address account;
    KycStatus status = KycStatus::VERIFIED;
    std::string residency;  // ISO 3166-1 alpha-2
    bool operator==(const SetKycTx&) const = default;
    FOLIO_FIELDS(account, status, residency)
};
// 1 unit of `base` = num/den units of `quote` (exact rational).
struct PostFxRateTx {
    std::string base, quote;
    uint64_t num = 0, den = 0;
    bool operator==(const PostFxRateTx&) const = default;
    FOLIO_FIELDS(base, quote, num, den)
};
struct TransferTx {
    Address to;
    std::string currency;
    int64_t amount = 0;
    bool operator==(const TransferTx&) const = default;
    FOLIO_FIELDS(to, currency, amount)
};

// ---- licences ----
enum Right : uint32_t {
    RIGHT_STREAM = 1u << 0,
    RIGHT_DOWNLOAD = 1u << 1,
    RIGHT_BROADCAST = 1u << 2,
    RIGHT_THEATRICAL = 1u << 3,
    RIGHT_DISTRIBUTE = 1u << 4,
    RIGHT_SYNC = 1u << 5,
    RIGHT_DERIVATIVE = 1u << 6,
    RIGHT_VIEW = 1u << 7,
};
inline constexpr uint32_t RIGHTS_ALL = (1u << 8) - 1;
struct LicenceTerms {
    std::vector<std::string> territories;  // sorted ISO 3166-1 alpha-2 codes, or exactly {"WW"}
    std::vector<std::string> excluded;     // sorted; only with WW
    uint32_t rights = 0;                   // Right bits
    bool exclusive = false;
    uint64_t start_ms = 0;
    uint64_t end_ms = 0;                   // > start_ms
    std::string fee_currency;              // empty when fee_amount == 0
    int64_t fee_amount = 0;                // paid by the licensee on acceptance
    uint16_t royalty_bps = 0;              // on reported gross revenue
    bool sublicensable = false;
    bool revocable = false;
    bool operator==(const LicenceTerms&) const = default;
    FOLIO_FIELDS(territories, excluded, rights, exclusive, start_ms, end_ms, fee_currency, fee_amount, royalty_bps,
                 sublicensable, revocable)
};
// A licence without a fee is granted at once; with a fee it is an offer the licensee accepts and
// pays in one transaction.
struct GrantLicenceTx {
    uint64_t work = 0;
    Address licensee;
    LicenceTerms terms;
    bool operator==(const GrantLicenceTx&) const = default;
    FOLIO_FIELDS(work, licensee, terms)
};
// The licensee of an active, sublicensable licence `parent` grants part of it (docs/settlement.md,
// "Sublicences"): territories, rights and time within the parent's, exclusive only under an
// exclusive parent, no fee (the price is between the parties); the sublicence is active at once.
inline constexpr size_t MAX_SUBLICENCE_DEPTH = 4;  // a sublicence of a sublicence ... at most 4 below the owner's licence
inline constexpr size_t MAX_SUBLICENCES = 64;      // direct sublicences of one licence
inline constexpr size_t MAX_SUBLICENCE_TREE = 1000; // sublicences below one owner's licence (a revocation's events fit a receipt)
struct GrantSublicenceTx {
    uint64_t parent = 0;
    Address licensee;
    LicenceTerms terms;
    bool operator==(const GrantSublicenceTx&) const = default;
    FOLIO_FIELDS(parent, licensee, terms)
};
struct AcceptLicenceTx {
    uint64_t licence = 0;
    bool operator==(const AcceptLicenceTx&) const = default;
    FOLIO_FIELDS(licence)
};
struct RevokeLicenceTx {
    uint64_t licence = 0;
    bool operator==(const RevokeLicenceTx&) const = default;
    FOLIO_FIELDS(licence)
};

// ---- revenue ----
enum class IncomeType : uint8_t { ROYALTY = 1, LICENCE_FEE = 2, NFT_SALE = 3 };
constexpr size_t EnumCount(IncomeType) { return 4; }
// The licensee pays `amount` for `work`, or, with gross > 0, floor(gross * royalty_bps / 10000)
// of its licence `licence` (then amount must be 0). `territory` is where the revenue arose (the
// source for withholding); empty = the licence's single territory or the payer's residency.
struct ReportRevenueTx {
    uint64_t work = 0;
    std::string currency;
    int64_t amount = 0;
    int64_t gross = 0;
    uint64_t licence = 0;
    std::string territory;
    std::string period;  // free text such as "2026-11", recorded in the event
    bool operator==(const ReportRevenueTx&) const = default;
    FOLIO_FIELDS(work, currency, amount, gross, licence, territory, period)
};
struct PoolEntry {
    uint64_t work = 0;
    uint64_t seconds = 0;
    bool operator==(const PoolEntry&) const = default;
    FOLIO_FIELDS(work, seconds)
};
// A subscription pool split across works by watch time, after an optional promoter share.
struct ReportPoolTx {
    std::string currency;
    int64_t pool = 0;
    std::vector<PoolEntry> entries;  // works unique, seconds > 0
    Address promoter;                // zero = none
    uint16_t promoter_bps = 0;
    std::string territory;
    std::string period;
    bool operator==(const ReportPoolTx&) const = default;
    FOLIO_FIELDS(currency, pool, entries, promoter, promoter_bps, territory, period)
};

// ---- works ----
struct Consent {
    Address owner;
    Signature signature;  // over TransferSharesDigest
    bool operator==(const Consent&) const = default;
    FOLIO_FIELDS(owner, signature)
};
// New owners of a work; every current owner other than the sender signs (consents).
struct TransferSharesTx {
    uint64_t work = 0;
    std::vector<Share> owners;  // sorted, unique, bps > 0, sum 10000
    std::vector<Consent> consents;
    bool operator==(const TransferSharesTx&) const = default;
    FOLIO_FIELDS(work, owners, consents)
};

// ---- contracts ----
enum class AuctionKind : uint8_t { ENGLISH = 1, DUTCH = 2, SEALED = 3 };
constexpr size_t EnumCount(AuctionKind) { return 4; }
// Creates an auction of a licence of `work` (licensee = the winner), run by the standard auction
// contract; the licence's territory/rights/time are reserved until close.
struct CreateAuctionTx {
    uint64_t work = 0;
    AuctionKind kind = AuctionKind::ENGLISH;
    std::string currency;
    int64_t p1 = 0, p2 = 0, p3 = 0, p4 = 0;  // docs/vm.md, "Standard contract: auction"
    uint64_t start_ms = 0, end_ms = 0;
    std::string source;  // country of the proceeds, for withholding
    LicenceTerms terms;  // fee 0, not revocable
    bool operator==(const CreateAuctionTx&) const = default;
    FOLIO_FIELDS(work, kind, currency, p1, p2, p3, p4, start_ms, end_ms, source, terms)
};
struct ContractCallTx {
    Address contract;
    Bytes input;
    uint64_t gas = 0;  // <= MAX_TX_GAS
    bool operator==(const ContractCallTx&) const = default;
    FOLIO_FIELDS(contract, input, gas)
};
inline constexpr uint64_t MAX_TX_GAS = 20'000'000;

// ---- NFTs (docs/settlement.md, "NFTs") ----
inline constexpr uint32_t MAX_EDITIONS = 10000;
// Creates the work's collection and mints its `editions` to the sender (an owner); the cap is
// `editions`: no edition is ever minted beyond it.
struct NftMintTx {
    uint64_t work = 0;
    uint32_t editions = 0;
    uint16_t royalty_bps = 0;  // of every sale, through the work's revenue split
    uint16_t fee_bps = 0;      // platform fee of every sale
    bool viewing_right = true; // holders may view the work (licence_check right "view")
    bool operator==(const NftMintTx&) const = default;
    FOLIO_FIELDS(work, editions, royalty_bps, fee_bps, viewing_right)
};
struct NftTransferTx {
    uint64_t token = 0;
    Address to;
    bool operator==(const NftTransferTx&) const = default;
    FOLIO_FIELDS(token, to)
};
struct NftListTx {
    uint64_t token = 0;
    std::string currency;
    int64_t price = 0;
    bool operator==(const NftListTx&) const = default;
    FOLIO_FIELDS(token, currency, price)
};
struct NftDelistTx {
    uint64_t token = 0;
    bool operator==(const NftDelistTx&) const = default;
    FOLIO_FIELDS(token)
};
// Buys a listed token at its listed price; `max_price` (in the listing's currency) protects the
// buyer against a price raised after it looked.
struct NftBuyTx {
    uint64_t token = 0;
    int64_t max_price = 0;
    bool operator==(const NftBuyTx&) const = default;
    FOLIO_FIELDS(token, max_price)
};
struct NftBurnTx {
    uint64_t token = 0;
    bool operator==(const NftBurnTx&) const = default;
    FOLIO_FIELDS(token)
};
// Makes an instance of a deployed template at ContractAddress(sender, nonce) and runs its
// instantiation call (selector 0 || params) with `gas`; the sender must hold one of the
// template's instantiator roles.
struct ContractInstantiateTx {
    Hash256 code_hash;
    Bytes params;
    uint64_t gas = 0;  // <= MAX_TX_GAS
    bool operator==(const ContractInstantiateTx&) const = default;
    FOLIO_FIELDS(code_hash, params, gas)
};
// Routes a work's revenue through `contract` (its distribute(int,int,int,int)) instead of the
// work's revenue split; a zero contract detaches. Every owner but the sender consents by signing
// AttachContractDigest.
struct AttachContractTx {
    uint64_t work = 0;
    Address contract;
    std::vector<Consent> consents;
    bool operator==(const AttachContractTx&) const = default;
    FOLIO_FIELDS(work, contract, consents)
};

// ---- fan tokens (docs/settlement.md, "Fan tokens") ----
// A creator or studio issues a capped fungible token for a work it owns (work > 0: primary sales
// pay through the work's split) or for itself (work 0: sales pay the issuer). Holders of at least
// `perk_min` tokens pass licence_check for the right named `perk` (of the work; of every work the
// issuer owns for a token of its own). Whole tokens only.
inline constexpr uint64_t MAX_FAN_TOKEN_CAP = 1'000'000'000'000;
struct FanTokenIssueTx {
    uint64_t work = 0;
    std::string symbol;  // 2..8 of A-Z, 0-9, starting with a letter; unique on the chain
    std::string name;    // 1..64 printable
    uint64_t cap = 0;    // 1..10^12 tokens
    std::string currency;
    int64_t price = 0;   // per token, minor units
    std::string perk;    // "" or 1..32 of a-z, _
    uint64_t perk_min = 0;  // tokens needed for the perk (>= 1 with a perk, 0 without)
    bool operator==(const FanTokenIssueTx&) const = default;
    FOLIO_FIELDS(work, FOLIO_MAX(symbol, 8), FOLIO_MAX(name, 64), cap, currency, price, FOLIO_MAX(perk, 32), perk_min)
};
// Buys `amount` tokens of the unsold supply at the token's price.
struct FanTokenBuyTx {
    uint64_t token = 0;
    uint64_t amount = 0;
    bool operator==(const FanTokenBuyTx&) const = default;
    FOLIO_FIELDS(token, amount)
};
struct FanTokenTransferTx {
    uint64_t token = 0;
    Address to;
    uint64_t amount = 0;
    bool operator==(const FanTokenTransferTx&) const = default;
    FOLIO_FIELDS(token, to, amount)
};
// The owners set an advance to recoup for one payee: revenue of the work in `currency` goes to
// `payee` first (through withholding) until `amount` is recouped, then through the work's revenue
// contract. amount 0 removes it. Every owner but the sender consents (RecoupmentDigest).
struct SetRecoupmentTx {
    uint64_t work = 0;
    Address payee;
    std::string currency;
    int64_t amount = 0;
    std::vector<Consent> consents;
    bool operator==(const SetRecoupmentTx&) const = default;
    FOLIO_FIELDS(work, payee, currency, amount, consents)
};
// State record "wr/" + work.
struct Recoupment {
    Address payee;
    std::string currency;
    int64_t amount = 0;    // the advance
    int64_t recouped = 0;  // so far
    bool operator==(const Recoupment&) const = default;
    FOLIO_FIELDS(payee, currency, amount, recouped)
};

// State records "ft/" + id and "fh/" + id + holder.
struct FanToken {
    uint64_t id = 0;
    std::string symbol, name;
    Address issuer;
    uint64_t work = 0;
    uint64_t cap = 0, sold = 0;
    std::string currency;
    int64_t price = 0;
    std::string perk;
    uint64_t perk_min = 0;
    uint64_t height = 0;
    bool operator==(const FanToken&) const = default;
    FOLIO_FIELDS(id, FOLIO_MAX(symbol, 8), FOLIO_MAX(name, 64), issuer, work, cap, sold, currency, price, FOLIO_MAX(perk, 32),
                 perk_min, height)
};
struct FanHolding {
    uint64_t amount = 0;
    uint64_t since_height = 0;  // when the holder's current run of holding began (the ranking's tie-break)
    bool operator==(const FanHolding&) const = default;
    FOLIO_FIELDS(amount, since_height)
};

// ---- AML (docs/settlement.md, "AML") ----
// A compliance account releases a held payout or transfer (it goes ahead as instructed) or rejects
// it (the funds go back to the account they came from); `note` is its record, 1..256 printable.
struct AmlReleaseTx {
    uint64_t hold = 0;
    std::string note;
    bool operator==(const AmlReleaseTx&) const = default;
    FOLIO_FIELDS(hold, FOLIO_MAX(note, 256))
};
struct AmlRejectTx {
    uint64_t hold = 0;
    std::string note;
    bool operator==(const AmlRejectTx&) const = default;
    FOLIO_FIELDS(hold, FOLIO_MAX(note, 256))
};
enum class AmlHoldKind : uint8_t { PAYOUT = 0, TRANSFER = 1 };
constexpr size_t EnumCount(AmlHoldKind) { return 2; }
// HELD: over a limit; BLOCKED: a sanctioned party (no decision while it stays listed).
enum class AmlHoldStatus : uint8_t { HELD = 0, BLOCKED = 1, RELEASED = 2, REJECTED = 3 };
constexpr size_t EnumCount(AmlHoldStatus) { return 4; }
enum class AmlReason : uint8_t { SINGLE_LIMIT = 0, ROLLING_LIMIT = 1, SANCTIONED_ACCOUNT = 2, SANCTIONED_COUNTRY = 3 };
constexpr size_t EnumCount(AmlReason) { return 4; }
const char* AmlHoldKindName(AmlHoldKind k);
const char* AmlHoldStatusName(AmlHoldStatus s);
const char* AmlReasonName(AmlReason r);
// A held payout or transfer (state record "ah/" + be64 id; the payload of aml_hold events). The
// funds are out of `from`'s balance while it is HELD or BLOCKED.
struct AmlHold {
    uint64_t id = 0;
    AmlHoldKind kind = AmlHoldKind::PAYOUT;
    Address from;     // the payee of the payout, the sender of the transfer
    Address to;       // the payout's gateway, the transfer's recipient
    std::string currency;
    int64_t amount = 0;
    AmlReason reason = AmlReason::SINGLE_LIMIT;
    int64_t limit = 0;        // the limit it went over (0 for a sanctions block)
    int64_t rolling_sum = 0;  // `from`'s rolling sum before it (rolling limit)
    std::string listed;       // the sanctioned party: an address (hex) or a country
    AmlHoldStatus status = AmlHoldStatus::HELD;
    uint64_t created_ms = 0, ended_ms = 0;
    Address decided_by;       // the compliance account (released, rejected)
    std::string note;         // its note
    uint64_t payout_id = 0;   // a released payout: the instruction made
    Hash256 tx;               // the transaction that was held
    bool operator==(const AmlHold&) const = default;
    FOLIO_FIELDS(id, kind, from, to, currency, amount, reason, limit, rolling_sum, FOLIO_MAX(listed, 64), status, created_ms,
                 ended_ms, decided_by, FOLIO_MAX(note, 256), payout_id, tx)
};
// One hour's outgoing sum of an account in a currency, for the rolling limit.
struct AmlBucket {
    uint64_t hour = 0;  // block time / 3600000
    int64_t sum = 0;
    bool operator==(const AmlBucket&) const = default;
    FOLIO_FIELDS(hour, sum)
};
// State record "amr/" + address + currency: the hours of the longest window still needed, oldest first.
struct AmlRolling {
    std::vector<AmlBucket> buckets;
    bool operator==(const AmlRolling&) const = default;
    FOLIO_FIELDS(FOLIO_MAX(buckets, MAX_AML_WINDOW_HOURS + 1))
};
// State record "san/a/" + address or "san/c/" + country: a listing.
struct Sanction {
    Address account;
    std::string country;
    std::string note;
    uint64_t listed_ms = 0;
    uint64_t height = 0;
    bool operator==(const Sanction&) const = default;
    FOLIO_FIELDS(account, FOLIO_MAX(country, 2), FOLIO_MAX(note, 128), listed_ms, height)
};

using TxBody = std::variant<ProposeTx, ApproveTx, RegisterWorkTx, DepositTx, SetPayoutPrefsTx, WithdrawTx,
                            PayoutConfirmTx, PayoutFailTx, PayoutExpireTx, SetKycTx, PostFxRateTx, GrantLicenceTx,
                            AcceptLicenceTx, RevokeLicenceTx, ReportRevenueTx, ReportPoolTx, TransferSharesTx,
                            CreateAuctionTx, ContractCallTx, TransferTx, NftMintTx, NftTransferTx, NftListTx,
                            NftDelistTx, NftBuyTx, NftBurnTx, ContractInstantiateTx, AttachContractTx,
                            FanTokenIssueTx, FanTokenBuyTx, FanTokenTransferTx, SetRecoupmentTx, AmlReleaseTx,
                            AmlRejectTx, GrantSublicenceTx>;
TxKind KindOf(const TxBody& b);
const char* TxKindName(TxKind k);

struct Transaction {
    std::string chain_id;
    Address sender;
    uint64_t nonce = 0;
    uint64_t expires_at_ms = 0;  // 0 = no expiry; else the last block time at which it may commit
    TxBody body;
    Signature signature;
    bool operator==(const Transaction&) const = default;
    // The signed part (after the version byte); the signature follows it (EncodeTx).
    FOLIO_FIELDS(FOLIO_MAX(chain_id, MAX_CHAIN_ID), sender, nonce, expires_at_ms, FOLIO_TAGGED(body, 1))
};

// Encoding without the signature: what is signed.
Bytes EncodeUnsignedTx(const Transaction& tx);
Bytes EncodeTx(const Transaction& tx);
// Strict decoding: rejects non-canonical bytes, unknown kinds, bodies that break a structural rule
// (unsorted owners, ...), and anything over MAX_TX_BYTES.
Result<Transaction, DecodeError> DecodeTx(ByteView bytes);
// The message a sender signs: TaggedHash("folio/tx/sig", EncodeUnsignedTx(tx)).
Hash256 TxSigHash(const Transaction& tx);
// The transaction id: TaggedHash("folio/tx/id", EncodeTx(tx)).
Hash256 TxId(const Transaction& tx);
// Fills tx.signature. aux_rand is BIP-340 auxiliary randomness supplied by the caller.
bool SignTx(Transaction& tx, const SecretKey& sk, const Hash256& aux_rand);

// A transaction decoded once, with its canonical bytes and its id, carried from admission (or a
// batch's arrival) through the mempool and the batch to ExecuteBatch and its receipt, so no one
// re-encodes, re-decodes or re-hashes it on the way. Invariant: bytes() == EncodeTx(tx()) and
// id() == TxId(tx()) (decoding is strict, so the bytes received are the canonical encoding and
// the id is their hash; fuzz_tx checks it).
class DecodedTx {
public:
    // Decodes `bytes` (DecodeTx's rules and errors) and hashes them once for the id.
    static Result<DecodedTx, DecodeError> Decode(ByteView bytes);
    // A transaction built here (tests, tools): encoded and hashed once.
    static DecodedTx FromTx(Transaction tx);

    const Transaction& tx() const { return m_tx; }
    const Bytes& bytes() const { return m_bytes; }
    const Hash256& id() const { return m_id; }
    // Moves the transaction out (the bytes and the id stay); the object is then only good for
    // bytes() and id().
    Transaction TakeTx() && { return std::move(m_tx); }

private:
    DecodedTx(Transaction tx, Bytes bytes, const Hash256& id)
        : m_tx(std::move(tx)), m_bytes(std::move(bytes)), m_id(id) {}
    Transaction m_tx;
    Bytes m_bytes;
    Hash256 m_id;
};

// ---- events and receipts ----
struct EvWorkRegistered {
    uint64_t work_id;
    Hash256 fingerprint;
    std::vector<Share> owners;
    bool operator==(const EvWorkRegistered&) const = default;
    FOLIO_FIELDS(work_id, fingerprint, FOLIO_SORTED(owners, MAX_OWNERS))
};
struct EvProposalCreated {
    Hash256 proposal;
    bool operator==(const EvProposalCreated&) const = default;
    FOLIO_FIELDS(proposal)
};
struct EvProposalApproved {
    Hash256 proposal;
    Address approver;
    uint32_t approvals;
    uint32_t threshold;
    bool operator==(const EvProposalApproved&) const = default;
    FOLIO_FIELDS(proposal, approver, approvals, threshold)
};
struct EvProposalExecuted {
    Hash256 proposal;
    bool operator==(const EvProposalExecuted&) const = default;
    FOLIO_FIELDS(proposal)
};
struct EvRoleGranted {
    Address account;
    Role role;
    bool operator==(const EvRoleGranted&) const = default;
    FOLIO_FIELDS(account, role)
};
struct EvRoleRevoked {
    Address account;
    Role role;
    bool operator==(const EvRoleRevoked&) const = default;
    FOLIO_FIELDS(account, role)
};
struct EvThresholdSet {
    uint32_t threshold;
    bool operator==(const EvThresholdSet&) const = default;
    FOLIO_FIELDS(threshold)
};
struct EvTemplateDeployed {
    Hash256 code_hash;
    uint32_t size;
    std::string name;
    uint32_t version = 0;
    bool operator==(const EvTemplateDeployed&) const = default;
    FOLIO_FIELDS(code_hash, size, FOLIO_MAX(name, MAX_TEMPLATE_NAME), version)
};
struct EvDeposit {
    Address account, gateway;
    std::string currency;
    int64_t amount = 0;
    std::string reference;
    bool operator==(const EvDeposit&) const = default;
    FOLIO_FIELDS(account, gateway, currency, amount, reference)
};
enum class PayoutStatus : uint8_t { PENDING = 0, CONFIRMED = 1, FAILED = 2, EXPIRED = 3 };
constexpr size_t EnumCount(PayoutStatus) { return 4; }
const char* PayoutStatusName(PayoutStatus s);
// A payout instruction and its outcome (state record "po/" and the payload of payout events).
struct Payout {
    uint64_t id = 0;
    Address payee, gateway;
    std::string currency;       // the ledger currency moved
    int64_t amount = 0;         // source amount, minor units
    std::string target_currency;
    int64_t target_amount = 0;  // = amount when no conversion
    uint64_t rate_id = 0;       // 0 = no conversion
    uint64_t rate_num = 0, rate_den = 0;
    PayoutStatus status = PayoutStatus::PENDING;
    uint64_t created_ms = 0, expires_ms = 0, ended_ms = 0;
    std::string note;           // the gateway's reference (confirmed) or reason (failed)
    Hash256 tx;                 // the instructing transaction
    bool operator==(const Payout&) const = default;
    FOLIO_FIELDS(id, payee, gateway, currency, amount, target_currency, target_amount, rate_id, rate_num, rate_den,
                 status, created_ms, expires_ms, ended_ms, note, tx)
};
// kind: the payout's status after the transaction (PENDING = a new instruction).
struct EvPayout {
    Payout payout;
    bool operator==(const EvPayout&) const = default;
    FOLIO_FIELDS(payout)
};
struct EvAccountUpdated {  // KYC, residency, freeze or payout preferences changed
    Address account;
    std::string what;  // "kyc", "frozen", "unfrozen", "payout_prefs"
    bool operator==(const EvAccountUpdated&) const = default;
    FOLIO_FIELDS(account, what)
};
struct EvFxRate {
    uint64_t rate_id = 0;
    std::string base, quote;
    uint64_t num = 0, den = 0;
    bool operator==(const EvFxRate&) const = default;
    FOLIO_FIELDS(rate_id, base, quote, num, den)
};
enum class LicenceStatus : uint8_t { OFFERED = 0, ACTIVE = 1, REVOKED = 2, RESERVED = 3, RELEASED = 4 };
constexpr size_t EnumCount(LicenceStatus) { return 5; }
const char* LicenceStatusName(LicenceStatus s);
struct EvLicence {
    uint64_t licence = 0;
    uint64_t work = 0;
    Address licensee;
    LicenceStatus status = LicenceStatus::ACTIVE;
    bool operator==(const EvLicence&) const = default;
    FOLIO_FIELDS(licence, work, licensee, status)
};
struct EvRevenue {
    uint64_t work = 0;
    Address payer;
    std::string currency;
    int64_t amount = 0;
    IncomeType income = IncomeType::ROYALTY;
    std::string period;
    bool operator==(const EvRevenue&) const = default;
    FOLIO_FIELDS(work, payer, currency, amount, income, period)
};
struct EvSharesTransferred {
    uint64_t work = 0;
    std::vector<Share> owners;
    bool operator==(const EvSharesTransferred&) const = default;
    FOLIO_FIELDS(work, owners)
};
struct EvAuctionCreated {
    uint64_t auction = 0;
    uint64_t work = 0;
    Address contract;
    uint64_t licence = 0;
    bool operator==(const EvAuctionCreated&) const = default;
    FOLIO_FIELDS(auction, work, contract, licence)
};
// An event emitted by a contract (EMIT): topic and data as the contract wrote them.
struct EvContract {
    Address contract;
    Bytes topic;
    Bytes data;
    bool operator==(const EvContract&) const = default;
    FOLIO_FIELDS(contract, topic, data)
};
struct EvTransfer {
    Address from, to;
    std::string currency;
    int64_t amount = 0;
    bool operator==(const EvTransfer&) const = default;
    FOLIO_FIELDS(from, to, currency, amount)
};
enum class NftAction : uint8_t { MINTED = 0, TRANSFERRED = 1, LISTED = 2, DELISTED = 3, SOLD = 4, BURNED = 5 };
constexpr size_t EnumCount(NftAction) { return 6; }
const char* NftActionName(NftAction a);
struct EvNft {
    uint64_t token = 0;
    uint64_t work = 0;
    NftAction action = NftAction::MINTED;
    Address from, to;
    std::string currency;
    int64_t amount = 0;   // price (listed, sold)
    int64_t royalty = 0;  // sold: to the work's split
    int64_t fee = 0;      // sold: to the platform
    bool operator==(const EvNft&) const = default;
    FOLIO_FIELDS(token, work, action, from, to, currency, amount, royalty, fee)
};
// A validator-set change was scheduled by governance (it takes effect through consensus).
struct EvValidatorSetScheduled {
    uint64_t epoch = 0;  // the epoch the new set will have
    uint64_t activation_height = 0;
    std::vector<Address> members;
    bool operator==(const EvValidatorSetScheduled&) const = default;
    FOLIO_FIELDS(epoch, activation_height, members)
};
// A contract instance was made (contract_instantiate) from the template `code_hash`.
struct EvContractCreated {
    Address contract;
    Hash256 code_hash;
    Address creator;
    bool operator==(const EvContractCreated&) const = default;
    FOLIO_FIELDS(contract, code_hash, creator)
};
// A work's revenue now flows through `contract` (zero: through its revenue split again).
struct EvContractAttached {
    uint64_t work = 0;
    Address contract;
    bool operator==(const EvContractAttached&) const = default;
    FOLIO_FIELDS(work, contract)
};
enum class FanTokenAction : uint8_t { ISSUED = 0, SOLD = 1, TRANSFERRED = 2 };
constexpr size_t EnumCount(FanTokenAction) { return 3; }
struct EvFanToken {
    uint64_t token = 0;
    FanTokenAction action = FanTokenAction::ISSUED;
    Address from, to;  // issued: the issuer; sold: from zero to the buyer
    uint64_t amount = 0;
    std::string currency;
    int64_t paid = 0;  // sold: amount x price
    bool operator==(const EvFanToken&) const = default;
    FOLIO_FIELDS(token, action, from, to, amount, currency, paid)
};
// A recoupment was set (recouped 0; amount 0: removed) or advanced by a payment of the work.
struct EvRecoupment {
    uint64_t work = 0;
    Address payee;
    std::string currency;
    int64_t amount = 0;    // the advance
    int64_t recouped = 0;  // so far, after this event
    int64_t paid = 0;      // this payment's part (0 when set)
    bool operator==(const EvRecoupment&) const = default;
    FOLIO_FIELDS(work, payee, currency, amount, recouped, paid)
};
// A payout or transfer was held or blocked, or a hold was released or rejected (the hold after it).
struct EvAmlHold {
    AmlHold hold;
    bool operator==(const EvAmlHold&) const = default;
    FOLIO_FIELDS(hold)
};
// Governance set a currency's AML limits (all 0: removed).
struct EvAmlLimit {
    SetAmlLimit limit;
    bool operator==(const EvAmlLimit&) const = default;
    FOLIO_FIELDS(limit)
};
// Governance listed or delisted an account or a country.
struct EvSanction {
    SetSanction sanction;
    bool operator==(const EvSanction&) const = default;
    FOLIO_FIELDS(sanction)
};
using Event = std::variant<EvWorkRegistered, EvProposalCreated, EvProposalApproved, EvProposalExecuted, EvRoleGranted,
                           EvRoleRevoked, EvThresholdSet, EvTemplateDeployed, EvDeposit, EvPayout, EvAccountUpdated,
                           EvFxRate, EvLicence, EvRevenue, EvSharesTransferred, EvAuctionCreated, EvContract,
                           EvTransfer, EvNft, EvValidatorSetScheduled, EvContractCreated, EvContractAttached,
                           EvFanToken, EvRecoupment, EvAmlHold, EvAmlLimit, EvSanction>;
const char* EventName(const Event& e);

struct Receipt {
    Hash256 tx_id;
    bool success = true;
    std::string error_code;     // empty on success; a documented code (docs/errors.md)
    std::string error_message;  // human-readable detail
    std::vector<Event> events;
    bool operator==(const Receipt&) const = default;
    FOLIO_FIELDS(tx_id, success, FOLIO_MAX(error_code, 64), FOLIO_MAX(error_message, 1024), FOLIO_MAX(events, 4096))
    bool DecodeCheck() const { return success == error_code.empty(); }
};
Bytes EncodeReceipt(const Receipt& r);
Result<Receipt, DecodeError> DecodeReceipt(ByteView bytes);

// ---- validator sets (state records "v/..."; docs/formats.md) ----
// A validator set on the ledger: in force from block `from_height` (epoch 0: genesis, from 1).
struct ValidatorSetRecord {
    uint64_t epoch = 0;
    uint64_t from_height = 1;
    std::vector<Address> members;  // leader-rotation order
    Hash256 scheduled_by;          // the transaction that executed the governance proposal (zero at genesis)
    bool operator==(const ValidatorSetRecord&) const = default;
    FOLIO_FIELDS(epoch, from_height, members, scheduled_by)
};
// A change that governance scheduled and consensus has not yet made (key "v/pending").
struct PendingValidatorSet {
    uint64_t epoch = 0;  // current + 1
    uint64_t activation_height = 0;
    uint64_t scheduled_height = 0;
    std::vector<Address> members;
    Hash256 scheduled_by;
    bool operator==(const PendingValidatorSet&) const = default;
    FOLIO_FIELDS(epoch, activation_height, scheduled_height, members, scheduled_by)
};

// ---- blocks ----
struct BlockHeader {
    uint32_t version = 1;
    std::string chain_id;
    uint64_t height = 0;
    Hash256 parent;
    uint64_t time_ms = 0;
    Address proposer;
    uint32_t tx_count = 0;
    Hash256 tx_root;        // Merkle root of the transaction ids
    Hash256 receipts_root;  // Merkle root of SHA-256(EncodeReceipt) per transaction, then the block step's
    Hash256 state_root;     // authenticated state map root after the block
    bool operator==(const BlockHeader&) const = default;
    FOLIO_FIELDS(version, FOLIO_MAX(chain_id, MAX_CHAIN_ID), height, parent, time_ms, proposer, tx_count, tx_root,
                 receipts_root, state_root)
    bool DecodeCheck() const { return version == 1; }
};
Bytes EncodeHeader(const BlockHeader& h);
Result<BlockHeader, DecodeError> DecodeHeader(ByteView bytes);
// The block hash: TaggedHash("folio/block", EncodeHeader(h)).
Hash256 BlockHash(const BlockHeader& h);
// The id of a block's step receipt: the ledger's own work at the block's start (payouts past their
// expiry, docs/settlement.md), receipt number tx_count when it did something, absent otherwise.
// TaggedHash("folio/block_step", chain_id || 0x00 || u64le height): never a transaction's id.
Hash256 BlockStepId(std::string_view chain_id, uint64_t height);

struct Block {
    BlockHeader header;
    std::vector<Transaction> txs;
    bool operator==(const Block&) const = default;
};
Bytes EncodeBlock(const Block& b);
Result<Block, DecodeError> DecodeBlock(ByteView bytes, size_t max_bytes);

// ---- state records (values in the state map) ----
Bytes EncodeAccount(const Account& a);
Result<Account, DecodeError> DecodeAccount(ByteView b);
Bytes EncodeWork(const Work& w);
Result<Work, DecodeError> DecodeWork(ByteView b);
Bytes EncodeProposal(const Proposal& p);
Result<Proposal, DecodeError> DecodeProposal(ByteView b);

// ---- settlement records (values in the state map; docs/settlement.md) ----
struct PayoutPrefs {
    Address gateway;
    std::string currency;
    int64_t threshold = 0;
    bool operator==(const PayoutPrefs&) const = default;
    FOLIO_FIELDS(gateway, currency, threshold)
};
// "m/payout_expiry": the minutes of the expiry index still to look at, first..last (absent when the
// index is empty). Minute m holds the pending payouts with expires_ms / 60000 == m.
struct PayoutExpiryCursor {
    uint64_t first_minute = 0, last_minute = 0;
    bool operator==(const PayoutExpiryCursor&) const = default;
    FOLIO_FIELDS(first_minute, last_minute)
};
struct FxRate {
    uint64_t id = 0;
    std::string base, quote;
    uint64_t num = 0, den = 0;
    Address oracle;
    uint64_t time_ms = 0;
    bool operator==(const FxRate&) const = default;
    FOLIO_FIELDS(id, base, quote, num, den, oracle, time_ms)
};
struct Licence {
    uint64_t id = 0;
    uint64_t work = 0;
    Address licensor, licensee;  // licensee zero while an auction's licence is reserved
    LicenceTerms terms;
    LicenceStatus status = LicenceStatus::ACTIVE;
    uint64_t auction = 0;  // the auction that sells it, or 0
    Hash256 tx;            // the granting transaction
    uint64_t height = 0;
    uint64_t parent = 0;   // a sublicence: the licence it is part of (0: granted by an owner)
    bool operator==(const Licence&) const = default;
    FOLIO_FIELDS(id, work, licensor, licensee, terms, status, auction, tx, height, parent)
};
struct Supply {  // per currency: what entered and left the ledger
    int64_t deposited = 0;
    int64_t paid_out = 0;  // confirmed payouts
    bool operator==(const Supply&) const = default;
    FOLIO_FIELDS(deposited, paid_out)
};
struct NftCollection {
    uint64_t work = 0;
    uint32_t cap = 0;
    uint16_t royalty_bps = 0, fee_bps = 0;
    bool viewing_right = true;
    uint64_t first_token = 0;  // tokens first_token .. first_token + cap - 1, edition = index + 1
    Address creator;
    bool operator==(const NftCollection&) const = default;
    FOLIO_FIELDS(work, cap, royalty_bps, fee_bps, viewing_right, first_token, creator)
};
struct Nft {
    uint64_t id = 0;
    uint64_t work = 0;
    uint32_t edition = 0;
    Address owner;
    bool listed = false;
    std::string currency;
    int64_t price = 0;
    bool burned = false;
    bool operator==(const Nft&) const = default;
    FOLIO_FIELDS(id, work, edition, owner, listed, currency, price, burned)
};
// One NFT sale (nft_buy), kept per work in the order of the chain: "ns/" + u64be work + u64be index,
// index 0, 1, … (the count is "nsn/" + u64be work). The amounts are in `currency`; the seller got
// price − royalty − fee.
struct NftSale {
    uint64_t token = 0;
    uint32_t edition = 0;
    Address seller;
    Address buyer;
    std::string currency;
    int64_t price = 0;
    int64_t royalty = 0;
    int64_t fee = 0;
    uint64_t height = 0;
    uint64_t time_ms = 0;
    Hash256 tx;
    bool operator==(const NftSale&) const = default;
    FOLIO_FIELDS(token, edition, seller, buyer, currency, price, royalty, fee, height, time_ms, tx)
};
struct Auction {
    uint64_t id = 0;
    uint64_t work = 0;
    Address contract;
    Address seller;
    uint64_t licence = 0;
    AuctionKind kind = AuctionKind::ENGLISH;
    bool operator==(const Auction&) const = default;
    FOLIO_FIELDS(id, work, contract, seller, licence, kind)
};

}  // namespace folio::protocol
