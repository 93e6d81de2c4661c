#pragma once
// The ledger's transaction rules as pure functions of (state, block). Nothing here does I/O;
// state is read through StateReader and changes come back as a sorted WriteSet.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/result.h>
#include <node/protocol/types.h>

namespace folio::state {

// The ledger's rules are written in the wire formats' vocabulary (node/protocol).
using namespace folio::protocol;

// Read access to a state snapshot. Implementations must be consistent for the duration of one
// ApplyBlock call. Thread-safety is the implementation's to document.
class StateReader {
public:
    virtual ~StateReader() = default;
    virtual std::optional<Bytes> Get(ByteView key) const = 0;
};

// Byte-wise lexicographic order that also compares against views (lookups without copying the key).
struct KeyLess {
    using is_transparent = void;
    bool operator()(ByteView a, ByteView b) const {
        size_t n = a.size() < b.size() ? a.size() : b.size();
        int c = n == 0 ? 0 : __builtin_memcmp(a.data(), b.data(), n);
        return c < 0 || (c == 0 && a.size() < b.size());
    }
};
// Writes sorted by key; nullopt deletes. Sorting by content keeps every consumer deterministic.
using WriteSet = std::map<Bytes, std::optional<Bytes>, KeyLess>;

// A StateReader with pending writes layered on a base reader. Not thread-safe.
class Overlay final : public StateReader {
public:
    explicit Overlay(const StateReader& base) : m_base(base) {}
    // Not copyable: `Overlay child(parent)` must layer on the parent, never copy its writes.
    Overlay(const Overlay&) = delete;
    Overlay& operator=(const Overlay&) = delete;
    std::optional<Bytes> Get(ByteView key) const override;
    void Put(Bytes key, Bytes value) { m_writes[std::move(key)] = std::move(value); }
    void Delete(Bytes key) { m_writes[std::move(key)] = std::nullopt; }
    // This overlay's own pending write of `key`: nullopt if it has none, else the value
    // (nullopt inside = a pending delete). With RestoreWrite, how a journal undoes a change.
    std::optional<std::optional<Bytes>> PeekWrite(const Bytes& key) const;
    void RestoreWrite(const Bytes& key, const std::optional<std::optional<Bytes>>& w);
    // Moves every write of `child` (an overlay on this one) into this overlay.
    void Absorb(Overlay& child);
    const WriteSet& writes() const { return m_writes; }
    WriteSet TakeWrites() { return std::move(m_writes); }

private:
    const StateReader& m_base;
    WriteSet m_writes;
};

// An empty state (for genesis and tests).
class EmptyState final : public StateReader {
public:
    std::optional<Bytes> Get(ByteView) const override { return std::nullopt; }
};

// State key spaces (docs/formats.md, "State keys").
namespace keys {
Bytes Account(const Address& a);
Bytes Work(uint64_t id);
Bytes WorkByFingerprint(const Hash256& fp);
Bytes Proposal(const Hash256& id);
Bytes GovMembers();
Bytes GovThreshold();
Bytes NextWorkId();
Bytes Evidence(const Hash256& id);
Bytes Template(const Hash256& code_hash);
Bytes Validators();                     // the set in force
Bytes ValidatorsOfEpoch(uint64_t epoch);  // every set since genesis
Bytes PendingValidators();              // a scheduled change
}  // namespace keys


// Equivocation evidence recorded on the ledger (key "ev/" + id).
struct EvidenceRecord {
    Hash256 id;
    Address signer;
    uint64_t height = 0;
    Bytes encoded;  // the consensus evidence: both signed statements
};
Bytes EncodeEvidenceRecord(const EvidenceRecord& r);
Result<EvidenceRecord, DecodeError> DecodeEvidenceRecord(ByteView b);

// Typed reads of the state (nullopt when absent). A stored record that does not decode is a
// corrupted store: a local error, reported by the caller stopping the node.
Account LoadAccount(const StateReader& s, const Address& a);
std::optional<Work> LoadWork(const StateReader& s, uint64_t id);
std::optional<uint64_t> LoadWorkIdByFingerprint(const StateReader& s, const Hash256& fp);
std::optional<Proposal> LoadProposal(const StateReader& s, const Hash256& id);
std::vector<Address> LoadGovMembers(const StateReader& s);
uint32_t LoadGovThreshold(const StateReader& s);
// The validator set in force after the state's last block; nullopt only for a state without genesis.
std::optional<ValidatorSetRecord> LoadValidatorSet(const StateReader& s);
std::optional<ValidatorSetRecord> LoadValidatorSetOfEpoch(const StateReader& s, uint64_t epoch);
std::optional<PendingValidatorSet> LoadPendingValidatorSet(const StateReader& s);

struct ChainParams {
    std::string chain_id;
};

// Default time a payout instruction waits for its gateway's answer (genesis may set another:
// state key "m/payout_ttl").
inline constexpr uint64_t DEFAULT_PAYOUT_TTL_MS = 7ull * 24 * 3600 * 1000;

struct BlockContext {
    uint64_t height = 0;
    uint64_t time_ms = 0;
    Address proposer;
};

// Why a transaction is rejected: it never enters a block and its nonce stays unused.
enum class Reject : uint8_t {
    MALFORMED,
    OVERSIZED,
    WRONG_CHAIN,
    BAD_SIGNATURE,
    NONCE_TOO_LOW,
    NONCE_TOO_HIGH,
    EXPIRED,
    MISSING_PERMISSION,
    ACCOUNT_FROZEN,
    INVALID_FIELD,
    DUPLICATE_FINGERPRINT,
    MEMPOOL_FULL,  // admission only: the node's mempool is at its limit; retry later
    NOT_FOUND,                  // the work, licence, payout or contract named does not exist
    DUPLICATE_REFERENCE,        // a gateway's deposit reference was used before
    PAYOUT_ALREADY_CONFIRMED,   // a second answer for a payout: names the first
    PAYOUT_ALREADY_FAILED,
    PAYOUT_ALREADY_EXPIRED,
    LICENCE_CONFLICT,           // overlaps an exclusive licence (or is exclusive and overlaps one)
};
const char* RejectCode(Reject r);  // stable snake_case code, listed in docs/errors.md

struct Rejection {
    Reject code = Reject::MALFORMED;
    std::string message;
};

// Checks that need no state: chain id and the body's structural rules (shares sum to 10000,
// lengths, ...). Does NOT verify the signature (see VerifyTxSignature).
Status<Rejection> CheckStateless(const Transaction& tx, const ChainParams& params);
// BIP-340 verification of the sender's signature over TxSigHash.
bool VerifyTxSignature(const Transaction& tx);

enum class NonceMode : uint8_t {
    EXACT,   // in a block: the nonce must equal the account's next nonce
    WINDOW,  // mempool admission: next <= nonce < next + NONCE_WINDOW
};
// Checks against the state: nonce, expiry at `time_ms`, frozen, and the sender's permission.
Status<Rejection> CheckAgainstState(const StateReader& s, const Transaction& tx, uint64_t time_ms, NonceMode mode);

// Executes one transaction that passed every check, on `block` (an overlay for the block).
// On success its writes stay; on a rule failure only the nonce advances and the receipt names
// the rule (success = false).
Receipt ApplyTx(Overlay& block, const Transaction& tx, const BlockContext& ctx);

struct BlockResult {
    WriteSet writes;
    std::vector<Receipt> receipts;
};
struct BlockError {
    size_t tx_index = 0;
    Rejection why;
};
// Builds a block transaction by transaction on top of `base` — the one code path for proposers
// (which skip transactions that fail) and validators (ApplyBlock, which fails the block).
// Signatures must have been verified by the caller. Not thread-safe.
class BlockBuilder {
public:
    BlockBuilder(const StateReader& base, ChainParams params, BlockContext ctx)
        : m_overlay(base), m_params(std::move(params)), m_ctx(ctx) {}
    // Checks `tx` at this position (CheckStateless + CheckAgainstState EXACT) and, if it passes,
    // executes it and returns its receipt. On rejection nothing changes.
    Result<const Receipt*, Rejection> TryAdd(const Transaction& tx);
    // The state as the block has changed it so far.
    const StateReader& view() const { return m_overlay; }
    size_t size() const { return m_receipts.size(); }
    // Records verified equivocation evidence (the caller verified it against the validator set in
    // force — a deterministic check). Returns false if this evidence is already recorded.
    bool AddEvidence(const Hash256& id, const Address& signer, ByteView encoded);
    // This block ends its epoch with `members` as the next validator set (consensus committed a
    // block carrying the change): records the set as in force from the next height and clears
    // the scheduled change. Call after the block's transactions.
    void ChangeValidators(const std::vector<Address>& members);
    BlockResult Finish();

private:
    Overlay m_overlay;
    ChainParams m_params;
    BlockContext m_ctx;
    std::vector<Receipt> m_receipts;
};

// Applies a block's transactions in order to `base`. Every transaction must pass
// CheckStateless and CheckAgainstState(EXACT) at its position, else the block is invalid
// (an honest proposer filters them). Signatures must have been verified by the caller.
Result<BlockResult, BlockError> ApplyBlock(const StateReader& base, const ChainParams& params, const BlockContext& ctx,
                                           const std::vector<Transaction>& txs);

// ---- genesis ----
struct GenesisAccount {
    std::string name;
    Address address;
    RoleSet roles = 0;
    KycStatus kyc = KycStatus::NONE;
    std::string residency;
    std::vector<std::pair<std::string, int64_t>> balances;  // currency -> minor units (counted as deposits)
};
struct GenesisValidator {
    std::string name;
    Address key;
};
struct GenesisDoc {
    std::string chain_id;
    uint64_t genesis_time_ms = 0;
    uint32_t gov_threshold = 1;
    std::vector<GenesisValidator> validators;
    std::vector<GenesisAccount> accounts;
    uint64_t payout_ttl_ms = DEFAULT_PAYOUT_TTL_MS;
    Address platform;  // receives NFT platform fees; zero = none (then fees must be 0)
};
enum class GenesisError : uint8_t {
    BAD_CHAIN_ID,
    NO_VALIDATORS,
    DUPLICATE_ACCOUNT,
    BAD_THRESHOLD,
    BAD_ACCOUNT,
    BAD_BALANCE,
    BAD_CONTRACTS,  // a standard contract failed to assemble or instantiate (a build defect)
};
const char* GenesisErrorName(GenesisError e);
// The genesis state's writes.
Result<WriteSet, GenesisError> BuildGenesisState(const GenesisDoc& doc);

}  // namespace folio::state
