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

namespace folio::state {

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
};
inline constexpr uint8_t ROLE_COUNT = 9;
const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
using RoleSet = uint32_t;  // bit i = Role i
inline bool HasRole(RoleSet s, Role r) { return (s >> static_cast<unsigned>(r)) & 1u; }
inline RoleSet WithRole(RoleSet s, Role r) { return s | (1u << static_cast<unsigned>(r)); }
inline RoleSet WithoutRole(RoleSet s, Role r) { return s & ~(1u << static_cast<unsigned>(r)); }

// ---- accounts ----
enum class KycStatus : uint8_t { NONE = 0, VERIFIED = 1, REVOKED = 2 };

struct Account {
    uint64_t next_nonce = 0;
    RoleSet roles = 0;
    KycStatus kyc = KycStatus::NONE;
    std::string residency;  // ISO 3166-1 alpha-2, or empty
    bool frozen = false;
    bool operator==(const Account&) const = default;
};

// ---- works ----
enum class WorkKind : uint8_t { FILM = 0, SERIES = 1, SONG = 2, GAME = 3, BOOK = 4, IMAGE = 5, OTHER = 6 };
inline constexpr uint8_t WORK_KIND_COUNT = 7;
const char* WorkKindName(WorkKind k);
std::optional<WorkKind> ParseWorkKind(std::string_view name);

struct Share {
    Address owner;
    uint16_t bps = 0;
    bool operator==(const Share&) const = default;
};

struct IndustryIds {
    std::string isrc, iswc, isan, eidr;  // empty = absent
    bool operator==(const IndustryIds&) const = default;
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
};

// ---- governance ----
struct GrantRole {
    Address account;
    Role role = Role::CREATOR;
    bool operator==(const GrantRole&) const = default;
};
struct RevokeRole {
    Address account;
    Role role = Role::CREATOR;
    bool operator==(const RevokeRole&) const = default;
};
struct SetThreshold {
    uint32_t threshold = 1;  // M of the governance members
    bool operator==(const SetThreshold&) const = default;
};
// Deploys a contract template: bytecode validated at deployment (vm::Validate), stored by its
// code hash (TaggedHash("folio/vm/code", code)).
struct DeployTemplate {
    Bytes code;
    bool operator==(const DeployTemplate&) const = default;
};
inline constexpr size_t MAX_CONTRACT_CODE = 60000;
using GovAction = std::variant<GrantRole, RevokeRole, SetThreshold, DeployTemplate>;

enum class ProposalStatus : uint8_t { OPEN = 0, EXECUTED = 1 };
struct Proposal {
    Hash256 id;  // the proposing transaction's id
    GovAction action;
    Address proposer;
    std::vector<Address> approvals;  // sorted, unique
    ProposalStatus status = ProposalStatus::OPEN;
    uint64_t created_height = 0;
    bool operator==(const Proposal&) const = default;
};

// ---- transactions ----
enum class TxKind : uint8_t { PROPOSE = 1, APPROVE = 2, REGISTER_WORK = 3 };

struct ProposeTx {
    GovAction action;
    bool operator==(const ProposeTx&) const = default;
};
struct ApproveTx {
    Hash256 proposal;
    bool operator==(const ApproveTx&) const = default;
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
};
using TxBody = std::variant<ProposeTx, ApproveTx, RegisterWorkTx>;
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

// ---- events and receipts ----
struct EvWorkRegistered { uint64_t work_id; Hash256 fingerprint; std::vector<Share> owners; bool operator==(const EvWorkRegistered&) const = default; };
struct EvProposalCreated { Hash256 proposal; bool operator==(const EvProposalCreated&) const = default; };
struct EvProposalApproved { Hash256 proposal; Address approver; uint32_t approvals; uint32_t threshold; bool operator==(const EvProposalApproved&) const = default; };
struct EvProposalExecuted { Hash256 proposal; bool operator==(const EvProposalExecuted&) const = default; };
struct EvRoleGranted { Address account; Role role; bool operator==(const EvRoleGranted&) const = default; };
struct EvRoleRevoked { Address account; Role role; bool operator==(const EvRoleRevoked&) const = default; };
struct EvThresholdSet { uint32_t threshold; bool operator==(const EvThresholdSet&) const = default; };
struct EvTemplateDeployed { Hash256 code_hash; uint32_t size; bool operator==(const EvTemplateDeployed&) const = default; };
using Event = std::variant<EvWorkRegistered, EvProposalCreated, EvProposalApproved, EvProposalExecuted, EvRoleGranted,
                           EvRoleRevoked, EvThresholdSet, EvTemplateDeployed>;
const char* EventName(const Event& e);

struct Receipt {
    Hash256 tx_id;
    bool success = true;
    std::string error_code;     // empty on success; a documented code (docs/errors.md)
    std::string error_message;  // human-readable detail
    std::vector<Event> events;
    bool operator==(const Receipt&) const = default;
};
Bytes EncodeReceipt(const Receipt& r);
Result<Receipt, DecodeError> DecodeReceipt(ByteView bytes);

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
    Hash256 receipts_root;  // Merkle root of SHA-256(EncodeReceipt) per transaction
    Hash256 state_root;     // authenticated state map root after the block
    bool operator==(const BlockHeader&) const = default;
};
Bytes EncodeHeader(const BlockHeader& h);
Result<BlockHeader, DecodeError> DecodeHeader(ByteView bytes);
// The block hash: TaggedHash("folio/block", EncodeHeader(h)).
Hash256 BlockHash(const BlockHeader& h);

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
void EncodeGovAction(Writer& w, const GovAction& a);
GovAction DecodeGovAction(Reader& r);

}  // namespace folio::state
