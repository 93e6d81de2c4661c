#pragma once
// The ledger's transaction rules as pure functions of (state, block) — the umbrella header for
// callers of node/state (docs/state.md). Nothing here does I/O; state is read through
// StateReader and changes come back as a sorted WriteSet. The rules of each kind live in one
// domain file each; dispatch goes through the kinds table (kinds.h).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/result.h>
#include <node/protocol/types.h>
#include <node/state/failures.h>
#include <node/state/keys.h>
#include <node/state/overlay.h>
#include <node/state/records.h>

namespace folio::state {

struct ChainParams {
    std::string chain_id;
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
// `id` is the transaction's id (TxId(tx): the caller has it from decoding, protocol::DecodedTx).
Receipt ApplyTx(Overlay& block, const Transaction& tx, const Hash256& id, const BlockContext& ctx);

struct BlockResult {
    WriteSet writes;
    std::vector<Receipt> receipts;  // one per transaction, then the block step's receipt if it has events
};
struct BlockError {
    size_t tx_index = 0;
    Rejection why;
};
// Builds a block transaction by transaction on top of `base` — the one code path for proposers
// (which skip transactions that fail) and validators (ApplyBlock, which fails the block).
// Construction runs the block step (ExpirePayouts) first; when it did something, Finish appends
// its receipt (tx_id BlockStepId, success) after the transactions' receipts.
// Signatures must have been verified by the caller. Not thread-safe.
class BlockBuilder {
public:
    BlockBuilder(const StateReader& base, ChainParams params, BlockContext ctx);
    // Checks `tx` at this position (CheckStateless + CheckAgainstState EXACT) and, if it passes,
    // executes it and returns its receipt. On rejection nothing changes. `id` is TxId(tx).
    Result<const Receipt*, Rejection> TryAdd(const Transaction& tx, const Hash256& id);
    Result<const Receipt*, Rejection> TryAdd(const protocol::DecodedTx& tx) { return TryAdd(tx.tx(), tx.id()); }
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
    std::vector<Event> m_step_events;  // the block step's
};

// Applies a block's transactions in order to `base`. Every transaction must pass
// CheckStateless and CheckAgainstState(EXACT) at its position, else the block is invalid
// (an honest proposer filters them). Signatures must have been verified by the caller. For
// callers that hold bare transactions (tests): each id is computed here once.
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
    uint64_t fx_rate_validity_ms = FX_RATE_VALIDITY_MS;  // state "m/fx_rate_validity" only when not the default
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
// Block 0: the genesis state's writes, its SMT nodes, and the header over its state root (time
// genesis_time_ms, empty roots); `hash` is the chain's genesis_hash (docs/formats.md, "Genesis
// block and `genesis_hash`"). Pure: the node commits it, `folio work verify` recomputes the hash.
struct GenesisBlock {
    protocol::Block block;
    Hash256 hash;
    WriteSet writes;
    std::vector<std::pair<Hash256, Bytes>> smt_nodes;
};
Result<GenesisBlock, std::string> MakeGenesisBlock(const GenesisDoc& doc);

}  // namespace folio::state
