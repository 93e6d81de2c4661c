#pragma once
// The BFT consensus engine: the pure Jolteon core (node/consensus) driven over the validator
// transport (node/net), ordering batches of transactions that the Node then executes.
//
// Design (docs/consensus.md, "The shell"): order, then execute.
//  - The leader answers the core's RequestPayload with a batch (its mempool's transactions, a
//    block time and any equivocation evidence), broadcasts the batch, and proposes its hash.
//  - A validator feeds a proposal to the core (and so may vote) only once it holds the batch, has
//    checked every transaction's signature (cached: each transaction is verified once per node)
//    and finds the block time at most MAX_CLOCK_SKEW_MS ahead of its own clock (the clock policy:
//    docs/consensus.md, "Clocks"). A QC therefore proves
//    that f+1 honest validators hold the batch: committed data is always retrievable.
//  - Committed blocks are executed in order on an executor thread (off the consensus path):
//    transactions invalid at their position are left out deterministically. Each validator then
//    signs the executed ledger header (CommitMessage) and gossips the signature; 2f+1 of them
//    form the block's ledger commit certificate, stored with the block (as Aptos signs executed
//    ledger infos after ordering).
//  - Safety state is fsynced before any message leaves (PersistSafety first); every consensus
//    block and batch seen is stored so Restore can rebuild the tree after a restart, and pruned
//    behind a periodic anchor (docs/consensus.md, "Pruning").
//  - Errors (docs/consensus.md, "The shell"): a local failure — a store write that fails, a
//    persisted state that does not decode, an invariant of its own ledger broken — ends the
//    process through folio::Fatal (node/core/fatal.h), which logs the reason and aborts: nothing
//    after the failed step runs (no message leaves after a safety write that failed). Invalid
//    input from peers is dropped, never fatal.
//    Everything else is logged through node/log under the component "engine".
// Parts (each its own header here, each with one mutex or one owner thread): BatchStore (batches
// by hash, verified or not), BlockStore (consensus blocks on disk, pruned behind an anchor),
// Executor (the committed-block queue and the executor thread),
// LedgerCertifier (ledger signatures, commit certificates), ValidatorSets (sets by first height,
// allowed peers), TxGossip (the gossip buffer and the executor's hand-off). BftEngine keeps the
// consensus thread (the core, the inbox, proposals waiting for batches, in-flight ids, pending
// evidence) and wires the parts.
// Thread-safety: Start/Stop from one thread; Gossip from any; everything else runs on the
// engine's own threads.
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>

#include <node/engine/batch_store.h>
#include <node/engine/block_store.h>
#include <node/engine/certifier.h>
#include <node/engine/consensus_engine.h>
#include <node/engine/executor.h>
#include <node/engine/gossip.h>
#include <node/engine/inbox.h>
#include <node/engine/ledger.h>
#include <node/engine/validator_sets.h>
#include <node/chain/verify_pool.h>
#include <node/consensus/core.h>
#include <node/core/sync.h>
#include <node/net/transport.h>
#include <node/protocol/batch.h>

namespace folio::engine {

// The vote gate's clock bound (docs/consensus.md, "Clocks"): a block time more than this ahead of
// our clock gets no vote; wide enough that clocks 30 s apart never matter.
inline constexpr uint64_t MAX_CLOCK_SKEW_MS = 60'000;
inline constexpr uint64_t CLOCK_WARN_EVERY_MS = 10'000;  // between two clock warnings

struct BftConfig {
    std::string p2p_host = "127.0.0.1";
    uint16_t p2p_port = 0;
    std::vector<net::PeerAddr> peers;  // the other validators' transport addresses
    // Read replicas this node lets connect and follow (docs/operations.md, "Read replicas"): they
    // receive what validators receive and may gossip transactions, but never count as members.
    std::vector<PublicKey> observers;
    consensus::Config core;
    uint64_t idle_block_ms = 500;  // a leader with nothing to order waits this long (< round timeout)
    size_t max_batch_txs = 5000;
    uint64_t exec_backpressure_ms = 200;  // a leader whose executor is behind waits up to this long (0: never)
    size_t verify_threads = 0;            // signature-check pool (0: one per hardware thread)
    net::FaultConfig faults;              // test hooks (seeded drop/delay/reorder, link control)
    // Sign each executed ledger header and gather the commit certificates (off: a ledger with no
    // executed headers to certify, as the consensus bench's).
    bool ledger_signatures = true;
    // Bounds (docs/consensus.md, "Bounds"): the consensus thread's inbox by events and by bytes,
    // in total and per sender (over any, messages are dropped and counted), unsolicited batches
    // per peer, and the proposals waiting for their batch.
    InboxLimits inbox_limits;
    BatchLimits batch_limits;
    size_t max_waiting_proposals = 256;
    // Consensus blocks on disk (docs/consensus.md, "Pruning"): committed heights kept below the
    // last anchor for peers' block sync (>= core.retain_committed), and how often to prune.
    BlockRetention retention;
};

// What the engine dropped or removed to keep its bounds, since Start (BftEngine::GetStats; logged
// every BOUNDS_LOG_EVERY_MS while any of it grows).
struct BftStats {
    uint64_t inbox_dropped = 0, inbox_dropped_bytes = 0;  // over the inbox's budgets
    uint64_t inbox_dropped_share = 0;                     // ... of them: over their sender's share
    size_t inbox_charged_bytes = 0;                       // the inbox's charged bytes now (queued + being handled)
    uint64_t rejected = 0;                                // consensus messages the core dropped (any reason)
    uint64_t future_round = 0;                            // ... of them: too far ahead (FUTURE_ROUND)
    uint64_t equivocation = 0;                            // ... of them: conflicting statements (EQUIVOCATION)
    uint64_t proposals_unchecked = 0;                     // proposals that failed the core's checks: nothing stored
    uint64_t waiting_dropped = 0;                         // proposals dropped: too many waiting for batches
    BatchStore::Stats batches;
    uint64_t blocks_pruned = 0, batches_pruned = 0;  // consensus blocks (and their batches) deleted by pruning
};
inline constexpr uint64_t BOUNDS_LOG_EVERY_MS = 60'000;

// The shell's wire messages (the transport carries opaque bytes): a type byte, then the body.
enum class ShellMsg : uint8_t {
    CONSENSUS = 1,      // consensus::EncodeMessage bytes
    BATCH = 2,          // an encoded Batch
    BATCH_REQUEST = 3,  // hash of a batch we lack
    LEDGER_SIG = 4,     // u64 height, hash ledger block hash, signature over CommitMessage
    TXS = 5,            // gossip: list of encoded transactions
    EVIDENCE = 6,       // gossip: one encoded consensus::Evidence
    CERT_REQUEST = 7,   // u64 heights (at most CERT_PULL_MAX) whose commit certificates we lack
    CERT = 8,           // u64 height, then an encoded CommitCert (an answer to CERT_REQUEST)
};

using protocol::Batch;
using protocol::BatchHash;
using protocol::DecodeBatch;
using protocol::EncodeBatch;

class BftEngine final : public ConsensusEngine {
public:
    // `key` is this validator's secret key (the transport throws std::invalid_argument if it is
    // not a valid one). `ledger` must outlive the engine. Reads the validator sets from the
    // ledger; opens no socket until Start().
    BftEngine(Ledger& ledger, const SecretKey& key, BftConfig cfg);
    // Over a chain::Node (through a NodeLedger the engine owns); `node` must outlive the engine.
    BftEngine(Node& node, const SecretKey& key, BftConfig cfg);
    ~BftEngine() override;
    // Binds the transport (throws boost::system::system_error if the address is taken) and starts
    // the engine's threads. Call at most once per engine; a restarted validator is a new engine.
    void Start() override;
    void Stop() override;
    std::optional<Bytes> AnchorAt(uint64_t height) override;
    EngineStatus Status() const override;
    uint16_t P2pPort() const;
    // Called by the RPC layer after a transaction was admitted: gossip it to the other validators.
    void Gossip(const Hash256& id, ByteView tx_bytes);
    // Consensus messages the core dropped (RejectAction) since Start: a health figure (the bench).
    uint64_t RejectedMessages() const { return m_rejected.load(); }
    // The bounds' counters (any thread).
    BftStats GetStats() const;
    // Hands `bytes` to the consensus thread as if peer `from` had sent them (the inbox's bounds
    // apply): the transport's path, for tests that play a faulty peer. False when dropped.
    bool InjectForTest(const PublicKey& from, Bytes bytes) { return Post(Event{Event::NET, from, std::move(bytes)}); }

private:
    using Event = InboxEvent;
    struct Pending {  // a proposal waiting for its batch
        PublicKey from;
        consensus::Message msg;
        uint64_t since_ms;
    };

    // The one constructor the public ones delegate to: over `borrowed` when given, else over `owned`.
    BftEngine(std::unique_ptr<Ledger> owned, Ledger* borrowed, const SecretKey& key, BftConfig cfg);
    void Init();

    // Any thread.
    bool Post(Event e);
    void SendShell(const PublicKey& to, ShellMsg type, ByteView body);
    void BroadcastShell(ShellMsg type, ByteView body);
    // The executor's hook: a block was executed (executor thread).
    void OnExecuted(const Ledger::Executed& done, const Hash256& batch_hash);

    // Consensus thread.
    void ConsensusLoop();
    void HandleNet(const PublicKey& from, const Bytes& bytes, uint64_t now) REQUIRES(m_consensus_role);
    void HandleConsensus(const PublicKey& from, consensus::Message msg, uint64_t now) REQUIRES(m_consensus_role);
    // Records a proposer's block time against our clock; false when it is more than
    // MAX_CLOCK_SKEW_MS ahead (no vote).
    // Says in the log which clock is off: ours, when most other proposers look off the same way.
    bool ClockAgrees(const PublicKey& proposer, uint64_t block_time_ms, uint64_t now) REQUIRES(m_consensus_role);
    void Run(consensus::Actions actions, uint64_t now) REQUIRES(m_consensus_role);
    // Logs the bounds' counters when they moved (every BOUNDS_LOG_EVERY_MS at most).
    void LogBounds(uint64_t now) REQUIRES(m_consensus_role);
    void AnswerPayload(uint64_t now) REQUIRES(m_consensus_role);
    // Every retention.prune_every committed heights: persists an anchor at the executed height
    // and prunes the block store below it.
    void MaybePrune() REQUIRES(m_consensus_role);
    // Answers the AnchorAt requests waiting (consensus thread).
    void AnswerAnchorRequests() REQUIRES(m_consensus_role) EXCLUDES(m_anchor_mu);
    void AcceptBatch(const PublicKey& from, const Hash256& hash, Bytes raw) REQUIRES(m_consensus_role);
    void FlushGossip() REQUIRES(m_consensus_role);
    void AddEvidence(Bytes encoded, bool gossip) REQUIRES(m_consensus_role);
    // A proposal carrying a validator-set change is voted on only if our ledger has that change
    // scheduled and due at the block's height.
    bool ReconfigAgreed(const consensus::Block& b) const REQUIRES(m_consensus_role);

    std::unique_ptr<Ledger> m_owned_ledger;  // set when built over a Node
    Ledger& m_ledger;
    SecretKey m_key;
    PublicKey m_pub;
    BftConfig m_cfg;
    consensus::SchnorrSigner m_signer;
    consensus::SchnorrVerifier m_verifier;

    // The parts (docs/architecture.md, "Concurrency in foliod"): each has one mutex or one
    // owner thread, and none calls back into the engine under its lock.
    ValidatorSets m_sets;
    BatchStore m_batches;
    LedgerCertifier m_certifier;
    TxGossip m_gossip;
    std::unique_ptr<Executor> m_executor;  // built in Init (its hooks name this engine)

    // The consensus thread: the one thread that calls the core and owns the data marked with it.
    ThreadRole m_consensus_role;
    std::unique_ptr<consensus::Core> m_core PT_GUARDED_BY(m_consensus_role);
    boost::asio::io_context m_io;
    std::unique_ptr<net::Transport> m_net;
    std::thread m_io_thread, m_consensus_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_rejected{0};
    // The core's figures, published by the consensus thread once per loop for Status().
    std::atomic<uint64_t> m_ordered_height{0}, m_epoch{0}, m_round{0};
    std::atomic<uint64_t> m_future_round{0}, m_equivocation{0}, m_unchecked{0}, m_waiting_dropped{0};
    // Signature checks (gossip admission, batches, execution) off the consensus thread; created
    // by Start(), stopped by Stop().
    std::unique_ptr<VerifyPool> m_verify;

    // The consensus thread's inbox (its one mutex), bounded by events and bytes.
    Inbox m_inbox;

    // AnchorAt: heights asked for, and the answers (an empty Bytes: none), by request number.
    struct AnchorRequest {
        uint64_t height = 0;
        bool answered = false;
        std::optional<Bytes> anchor;
    };
    Mutex m_anchor_mu;
    CondVar m_anchor_cv;
    std::map<uint64_t, AnchorRequest> m_anchor_requests GUARDED_BY(m_anchor_mu);
    uint64_t m_anchor_next GUARDED_BY(m_anchor_mu) = 0;

    // Consensus thread only.
    BlockStore m_blocks GUARDED_BY(m_consensus_role);
    std::atomic<uint64_t> m_blocks_pruned{0}, m_batches_pruned{0};
    uint64_t m_timer_deadline GUARDED_BY(m_consensus_role) = 0;
    std::map<PublicKey, int64_t> m_clock_offsets GUARDED_BY(m_consensus_role);  // proposer -> block time - our clock
    uint64_t m_clock_warned_at GUARDED_BY(m_consensus_role) = 0;
    std::optional<consensus::RequestPayloadAction> m_payload_request GUARDED_BY(m_consensus_role);
    uint64_t m_payload_request_at GUARDED_BY(m_consensus_role) = 0;
    // batch hash -> proposals waiting for it
    std::map<Hash256, std::vector<Pending>> m_waiting GUARDED_BY(m_consensus_role);
    // batch hash -> last request time
    std::map<Hash256, uint64_t> m_batch_requested GUARDED_BY(m_consensus_role);
    // tx ids we proposed, not yet executed -> when
    std::map<Hash256, uint64_t> m_in_flight GUARDED_BY(m_consensus_role);
    uint64_t m_in_flight_swept GUARDED_BY(m_consensus_role) = 0;  // wall time of the last expiry pass
    // Evidence (id -> encoding) put in each batch we propose until a committed block records it.
    std::map<Hash256, Bytes> m_evidence_pending GUARDED_BY(m_consensus_role);
    std::set<Hash256> m_evidence_seen GUARDED_BY(m_consensus_role);
    // Messages of each peer the core rejected or the bounds dropped (for the bounds' log line).
    std::map<PublicKey, uint64_t> m_peer_drops GUARDED_BY(m_consensus_role);
    uint64_t m_bounds_logged_at GUARDED_BY(m_consensus_role) = 0;
    uint64_t m_bounds_logged_total GUARDED_BY(m_consensus_role) = 0;
    uint64_t m_idle_added GUARDED_BY(m_consensus_role) = UINT64_MAX;  // mempool AddedCount at the last empty look
};

}  // namespace folio::engine
