#pragma once
// The validator's chain shell: admission into the mempool, block building on the committed
// state, and the atomic commit to the store. Consensus engines (node/engine/consensus_engine.h)
// drive it; the RPC layer reads through it.
//
// Thread-safety: Admit() and the read methods may be called from any thread. BuildBlock() and
// CommitBlock() are called only by the consensus engine's thread.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <node/chain/mempool.h>
#include <node/chain/verify_pool.h>
#include <node/protocol/certificate.h>
#include <node/state/ledger.h>
#include <node/state/settlement_events.h>
#include <node/storage/chain_store.h>

namespace folio::metrics {
class Registry;
}

namespace folio::chain {

struct NodeConfig {
    std::string home;
    state::GenesisDoc genesis;
    SecretKey validator_key;  // zero = not a validator (read-only node)
    size_t max_block_txs = 5000;
    MempoolLimits mempool;
    size_t sig_cache_ids = 1u << 18;  // verified-signature cache (transaction ids)
    bool sync_writes = true;
    size_t state_cache_bytes = 256u << 20;  // in-memory cache of state-map nodes (storage::StoreOptions)
    size_t state_values_cache_bytes = 32u << 20;  // in-memory cache of committed state values (storage::StoreOptions)
    // A BFT validator whose store is damaged moves it aside (HOME/data.corrupt-<ms>) and starts
    // over from genesis, syncing from its peers; its safety state (HOME/safety, outside the store)
    // is kept. Off for a single-validator chain: there the store is the only copy.
    bool quarantine_corrupt_store = false;
    // State-version pruning (docs/operations.md, "Pruning"): keep the state map's trees of the
    // newest `state_retain_versions` heights and delete the node records only older trees use;
    // 0 keeps every version (an archive node). Checked every STATE_PRUNE_EVERY commits.
    uint64_t state_retain_versions = 0;
    // Block pruning (docs/operations.md, "Pruning"): keep the blocks, receipts, transaction index,
    // commit certificates and settlement events of the newest `ledger_retain_blocks` heights (and
    // genesis); 0 keeps them all (an archive node). Checked every STATE_PRUNE_EVERY commits.
    uint64_t ledger_retain_blocks = 0;
};
inline constexpr uint64_t STATE_PRUNE_EVERY = 64;

// Node-local metadata (ChainStore meta) that a state-synced store starts with (node/statesync):
// the next settlement event number, the lowest height whose state tree is held, the lowest
// height above genesis whose block is held (absent: 1, every block), and each epoch's hand-off.
inline constexpr const char* SETTLEMENT_NEXT_META = "sev/next";
inline constexpr const char* SETTLEMENT_FIRST_META = "sev/first";  // absent: 1
inline constexpr const char* STATE_FLOOR_META = "prune/state_floor";
inline constexpr const char* LEDGER_FLOOR_META = "prune/ledger_floor";
std::string HandoffMetaKey(uint64_t epoch);
inline constexpr uint64_t MIN_STATE_RETAIN_VERSIONS = 128;

// A block built and executed on top of the committed head, ready to be committed.
struct BuiltBlock {
    storage::CommittedBlock committed;
    Hash256 hash;
    uint64_t tx_bytes = 0;  // the encoded size of its transactions (block size metric)
};

// The genesis block a genesis document makes (height 0, no transactions; its state root commits
// to the genesis state) and its hash, the chain's identity: a data directory holds one chain,
// `foliod genesis hash` prints it, certificates and clients check it.
using state::GenesisBlock;  // made in node/state (pure); the node commits it
using state::MakeGenesisBlock;

// Commit certificates (node/protocol/certificate.h, docs/formats.md).
using protocol::CommitCert;
using protocol::CommitMessage;
using protocol::DecodeCommitCert;
using protocol::EncodeCommitCert;

struct AdmitError {
    state::Reject code;
    std::string message;
};

class Node {
public:
    // Opens the store at HOME/data and stores genesis if the store is new. Fails if the store
    // holds a different chain than `cfg.genesis`.
    static Result<std::unique_ptr<Node>, std::string> Open(NodeConfig cfg);
    ~Node();

    // Registers the chain's metrics in `registry` (docs/operations.md, "Metrics": transactions
    // admitted, rejected, committed, failed and skipped by kind and reason, blocks, their size and
    // latency, commit latency of this node's transactions) and counts into them from then on.
    // Call once, before the node is used from other threads; `registry` must outlive the node's use.
    void AttachMetrics(metrics::Registry& registry);

    const std::string& chain_id() const { return m_params.chain_id; }
    const state::GenesisDoc& genesis() const { return m_cfg.genesis; }
    const Hash256& genesis_hash() const { return m_genesis_hash; }
    // The consensus safety state (HOME/safety, storage/safety_file.h); nullopt if none was written.
    // A damaged file ends the process (folio::Fatal): a validator that cannot know what it signed
    // must not sign.
    std::optional<Bytes> SafetyState() const;
    std::optional<std::string> PutSafetyState(ByteView state);
    storage::ChainStore& store() { return *m_store; }
    const storage::ChainStore& store() const { return *m_store; }
    Mempool& mempool() { return m_mempool; }
    // Ids of transactions whose signatures verified on this node (admission, batches, execution).
    SigCache& sig_cache() { return m_sig_cache; }
    uint64_t height() const { return m_height.load(); }
    // The validator sets on the committed ledger: the set in force, the set of `epoch`, and a
    // scheduled change (nullopt when absent). Thread-safe.
    std::optional<protocol::ValidatorSetRecord> ValidatorSet() const;
    std::optional<protocol::ValidatorSetRecord> ValidatorSetOfEpoch(uint64_t epoch) const;
    std::optional<protocol::PendingValidatorSet> PendingValidators() const;
    // Whether executing `b` scheduled or made a validator-set change.
    static bool ChangesValidatorSets(const BuiltBlock& b);
    // The latest committed header (cached; no store read).
    protocol::BlockHeader Head() const {
        std::lock_guard lock(m_head_mu);
        return m_head;
    }
    std::optional<PublicKey> validator_key() const { return m_validator_pub; }

    // Mempool admission of encoded transaction bytes: decode, size, chain id, structure,
    // signature, nonce window, permission. Returns the transaction id.
    // `from_peer`: gossiped by another validator (not gossiped again).
    Result<Hash256, AdmitError> Admit(ByteView tx_bytes, bool from_peer = false);
    // The same for a transaction decoded already (gossip: decoded once for its signature check).
    Result<Hash256, AdmitError> Admit(protocol::DecodedTx tx, bool from_peer = false);
    // Called for each newly admitted transaction from a client (the BFT engine gossips it).
    void OnAdmit(std::function<void(const Hash256&, ByteView)> cb) { m_on_admit = std::move(cb); }

    // Builds the next block from the mempool at `time_ms` (made monotonic: at least the parent's
    // time + 1). Transactions that became invalid are dropped from the mempool with their reason.
    BuiltBlock BuildBlock(uint64_t time_ms);
    // Executes `txs` (already ordered, e.g. by BFT consensus) as the next block: transactions that
    // are invalid at their position are left out (remembered as rejected, or kept pending when
    // only a nonce gap stops them). Deterministic: every node gets the same block from the same
    // input. Signatures must have been verified by the caller.
    // `evidence` (verified by the caller against the validator set) is recorded on the ledger.
    struct EvidenceItem {
        Hash256 id;
        Address signer;
        Bytes encoded;
    };
    // `next_validators`: this block ends its epoch (consensus committed it carrying a validator-set
    // change); the ledger records the new set as in force from the next height.
    // Each transaction carries its bytes and id from decoding (nothing is re-encoded or re-hashed).
    BuiltBlock ExecuteBlock(uint64_t time_ms, const PublicKey& proposer, std::vector<protocol::DecodedTx> txs,
                            const std::vector<EvidenceItem>& evidence = {},
                            const std::vector<Address>* next_validators = nullptr);
    // Signs the block's commit message with this node's validator key (single-validator commit).
    CommitCert SignCommit(const BuiltBlock& b) const;
    // Stores the block atomically and updates the mempool. Returns false on a store failure
    // (the caller stops the node).
    bool CommitBlock(BuiltBlock b, const CommitCert& cert);
    // The same without a certificate (it is added later with StoreCommitCert).
    bool CommitBlock(BuiltBlock b);
    bool StoreCommitCert(uint64_t height, const CommitCert& cert);

    // The validator-set hand-off into `epoch` (>= 1; protocol::EncodeHandoff: the old epoch's last
    // block header, its certificate, and a state proof of the new set at it), as certificates carry
    // it. Built once from the store and kept in the node's metadata, so state pruning never loses
    // it; nullopt while it cannot be built yet (the last block's certificate has not arrived).
    std::optional<Bytes> Handoff(uint64_t epoch) const;
    // The hand-offs a verifier follows from the genesis set to the set in force at `height`: those
    // of every validator-set change in force at or before `height` (epochs 1, 2, ... whose
    // from_height <= height), in order — what protocol::VerifyCertifiedHeader takes. On failure,
    // the first epoch whose hand-off cannot be built yet (its last block's certificate has not
    // arrived): the caller answers "retry".
    Result<std::vector<Bytes>, uint64_t> HandoffsUpTo(uint64_t height) const;
    // The lowest height whose state tree this node still holds (0 unless pruning removed some).
    uint64_t StateFloor() const;
    // The lowest height above genesis whose block, receipts and certificate this node holds (1
    // unless it joined by state sync): heights from 1 below it answer "pruned" (RPC -32002).
    uint64_t LedgerFloor() const;

    // Settlement events by global sequence number (1, 2, ...); the next number to be assigned.
    std::optional<state::SettlementEvent> SettlementEventAt(uint64_t seq) const;
    uint64_t NextSettlementSeq() const;
    // The lowest sequence number held (1 unless the node joined by state sync: events before its
    // snapshot are not held).
    uint64_t FirstSettlementSeq() const;

    // Called after each commit (on the committing thread) with the committed height.
    void OnCommit(std::function<void(uint64_t)> cb) { m_on_commit = std::move(cb); }

private:
    // Prunes the state map's versions below height - state_retain_versions, never past an epoch
    // hand-off that is not stored yet.
    void MaybePruneState(uint64_t height);
    // Prunes blocks (and what belongs to them) below height - ledger_retain_blocks, never past an
    // epoch hand-off that is not stored yet, a bounded number per call.
    void MaybePruneLedger(uint64_t height);
    // `floor` lowered to the last block of the first epoch whose hand-off cannot be built yet
    // (stored in metadata as a side effect for the others).
    uint64_t HandoffSafeFloor(uint64_t floor) const;
    explicit Node(NodeConfig cfg);  // node.cpp (m_metrics' type is complete there)
    bool InitGenesis(std::string& err);
    Result<Hash256, AdmitError> AdmitDecoded(protocol::DecodedTx tx, bool from_peer);
    // Counts a block just committed (m_metrics set); `admitted`: its transactions' admission times here.
    void CountCommitted(const BuiltBlock& b, const std::vector<std::chrono::steady_clock::time_point>& admitted);

    struct Metrics;  // node.cpp
    std::unique_ptr<Metrics> m_metrics;  // null until AttachMetrics

    NodeConfig m_cfg;
    state::ChainParams m_params;
    std::unique_ptr<storage::ChainStore> m_store;
    Mempool m_mempool;
    SigCache m_sig_cache;
    std::atomic<uint64_t> m_height{0};
    Hash256 m_genesis_hash;
    std::optional<PublicKey> m_validator_pub;
    std::function<void(uint64_t)> m_on_commit;
    std::function<void(const Hash256&, ByteView)> m_on_admit;
    std::mutex m_admit_mu;  // serialises the check-then-add of admission per node
    mutable std::mutex m_head_mu;
    protocol::BlockHeader m_head;
};

}  // namespace folio::chain
