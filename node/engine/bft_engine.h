#pragma once
// The BFT consensus engine: the pure Jolteon core (node/consensus) driven over the validator
// transport (node/net), ordering batches of transactions that the Node then executes.
//
// Design (docs/consensus.md, "The shell"): order, then execute.
//  - The leader answers the core's RequestPayload with a batch (its mempool's transactions, a
//    block time and any equivocation evidence), broadcasts the batch, and proposes its hash.
//  - A validator feeds a proposal to the core (and so may vote) only once it holds the batch, has
//    checked every transaction's signature (cached: each transaction is verified once per node)
//    and finds the block time within MAX_CLOCK_SKEW_MS of its own clock. A QC therefore proves
//    that f+1 honest validators hold the batch: committed data is always retrievable.
//  - Committed blocks are executed in order on an executor thread (off the consensus path):
//    transactions invalid at their position are left out deterministically. Each validator then
//    signs the executed ledger header (CommitMessage) and gossips the signature; 2f+1 of them
//    form the block's ledger commit certificate, stored with the block (as Aptos signs executed
//    ledger infos after ordering).
//  - Safety state is fsynced before any message leaves (PersistSafety first); every consensus
//    block and batch seen is stored so Restore can rebuild the tree after a restart.
//  - Errors (docs/consensus.md, "The shell"): a local failure — a store write that fails, a
//    persisted state that does not decode, an invariant of its own ledger broken — ends the
//    process through folio::Fatal (node/core/fatal.h), which logs the reason and aborts: nothing
//    after the failed step runs (no message leaves after a safety write that failed). Invalid
//    input from peers is dropped, never fatal.
//    Everything else is logged through node/log under the component "engine".
// Thread-safety: Start/Stop from one thread; everything else runs on the engine's own threads.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>

#include <node/engine/consensus_engine.h>
#include <node/engine/ledger.h>
#include <node/chain/verify_pool.h>
#include <node/consensus/core.h>
#include <node/net/transport.h>
#include <node/protocol/batch.h>

namespace folio::engine {

inline constexpr uint64_t MAX_CLOCK_SKEW_MS = 10'000;

struct BftConfig {
    std::string p2p_host = "127.0.0.1";
    uint16_t p2p_port = 0;
    std::vector<net::PeerAddr> peers;  // the other validators' transport addresses
    consensus::Config core;
    uint64_t idle_block_ms = 500;      // a leader with nothing to order waits this long (< round timeout)
    size_t max_batch_txs = 5000;
    uint64_t exec_backpressure_ms = 200;  // a leader whose executor is behind waits up to this long (0: never)
    size_t verify_threads = 0;         // signature-check pool (0: one per hardware thread)
    net::FaultConfig faults;           // test hooks (seeded drop/delay/reorder, link control)
    // Sign each executed ledger header and gather the commit certificates (off: a ledger with no
    // executed headers to certify, as the consensus bench's).
    bool ledger_signatures = true;
};

// The shell's wire messages (the transport carries opaque bytes): a type byte, then the body.
enum class ShellMsg : uint8_t {
    CONSENSUS = 1,      // consensus::EncodeMessage bytes
    BATCH = 2,          // an encoded Batch
    BATCH_REQUEST = 3,  // hash of a batch we lack
    LEDGER_SIG = 4,     // u64 height, hash ledger block hash, signature over CommitMessage
    TXS = 5,            // gossip: list of encoded transactions
    EVIDENCE = 6,       // gossip: one encoded consensus::Evidence
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
    uint16_t P2pPort() const;
    // Called by the RPC layer after a transaction was admitted: gossip it to the other validators.
    void Gossip(const Hash256& id, ByteView tx_bytes);
    // Consensus messages the core dropped (RejectAction) since Start: a health figure (the bench).
    uint64_t RejectedMessages() const { return m_rejected.load(); }

private:
    struct Event {
        enum Kind { NET, WAKE } kind = WAKE;
        PublicKey from;
        Bytes bytes;
    };
    struct StoredBatch {
        Batch batch;
        Bytes raw;
        bool verified = false;  // every transaction's signature checked
    };
    struct Pending {  // a proposal waiting for its batch
        PublicKey from;
        consensus::Message msg;
        uint64_t since_ms;
    };
    struct ToExecute {
        uint64_t height;
        consensus::Block block;
    };

    void ConsensusLoop();
    void ExecutorLoop();
    void Post(Event e);
    void HandleNet(const PublicKey& from, const Bytes& bytes, uint64_t now);
    void HandleConsensus(const PublicKey& from, consensus::Message msg, uint64_t now);
    void Run(consensus::Actions actions, uint64_t now);
    void AnswerPayload(uint64_t now);
    bool AcceptBatch(const Hash256& hash, Bytes raw);
    bool VerifyBatch(const StoredBatch& b) const;
    void AdmitGossip(ByteView body);
    void SendShell(const PublicKey& to, ShellMsg type, ByteView body);
    void BroadcastShell(ShellMsg type, ByteView body);
    void OnLedgerSig(const PublicKey& from, ByteView body);
    void FlushGossip();
    std::shared_ptr<const StoredBatch> GetBatch(const Hash256& h);
    // Validator sets (docs/consensus.md, "Validator-set changes"). The ledger is the source of
    // truth for executed heights; the core's EpochChangeAction announces a change first.
    void LoadValidatorSets();                           // from the ledger (start, after execution)
    void AddValidatorSet(uint64_t first_height, const consensus::ValidatorSet& set);
    consensus::ValidatorSet SetAtHeight(uint64_t height) const;
    std::optional<consensus::ValidatorSet> SetOfEpoch(uint64_t epoch) const;
    bool IsAllowedPeer(const PublicKey& key) const;
    // Writes node-local metadata (consensus blocks, batches, the safety state); Fatal on failure.
    void PutMeta(const std::string& name, ByteView value, bool sync);
    // A proposal carrying a validator-set change is voted on only if our ledger has that change
    // scheduled and due at the block's height.
    bool ReconfigAgreed(const consensus::Block& b) const;
    // The change our ledger has scheduled and due for a block at `height` in `epoch`, if any.
    std::optional<consensus::ValidatorSet> DueChange(uint64_t epoch, uint64_t height) const;

    BftEngine(std::unique_ptr<Ledger> owned, const SecretKey& key, BftConfig cfg);
    void Init();

    std::unique_ptr<Ledger> m_owned_ledger;  // set when built over a Node
    Ledger& m_ledger;
    SecretKey m_key;
    PublicKey m_pub;
    BftConfig m_cfg;
    consensus::ValidatorSet m_genesis_set;
    mutable std::mutex m_sets_mu;
    std::map<uint64_t, consensus::ValidatorSet> m_sets;  // first height in force -> set
    std::set<PublicKey> m_allowed;                      // every set's members + the scheduled set's
    consensus::SchnorrSigner m_signer;
    consensus::SchnorrVerifier m_verifier;
    std::unique_ptr<consensus::Core> m_core;

    boost::asio::io_context m_io;
    std::unique_ptr<net::Transport> m_net;
    std::thread m_io_thread, m_consensus_thread, m_exec_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_rejected{0};

    // Consensus thread's inbox.
    std::mutex m_mu;
    std::condition_variable m_cv;
    std::deque<Event> m_events;

    // Consensus thread only.
    uint64_t m_timer_deadline = 0;
    std::optional<consensus::RequestPayloadAction> m_payload_request;
    uint64_t m_payload_request_at = 0;
    std::map<Hash256, std::vector<Pending>> m_waiting;  // batch hash -> proposals waiting for it
    std::map<Hash256, uint64_t> m_batch_requested;      // batch hash -> last request time
    std::map<Hash256, uint64_t> m_in_flight;            // tx ids we proposed, not yet executed -> when
    uint64_t m_in_flight_swept = 0;                     // wall time of the last expiry pass
    void AddEvidence(Bytes encoded, bool gossip);
    // Evidence (id -> encoding) put in each batch we propose until a committed block records it.
    std::map<Hash256, Bytes> m_evidence_pending;
    std::set<Hash256> m_evidence_seen;

    // Shared (m_batch_mu): batches by hash.
    std::mutex m_batch_mu;
    std::map<Hash256, std::shared_ptr<const StoredBatch>> m_batches;

    // Signature checks (gossip admission, batches, execution) off the consensus thread; created
    // by Start(), stopped by Stop(). Gossiped transactions queued for admission are bounded.
    std::unique_ptr<VerifyPool> m_verify;
    std::atomic<size_t> m_verify_backlog{0};
    uint64_t m_idle_added = UINT64_MAX;  // consensus thread: mempool AddedCount at the last empty look

    // Executor queue.
    std::mutex m_exec_mu;
    std::condition_variable m_exec_cv;
    std::deque<ToExecute> m_exec_queue;
    std::atomic<uint64_t> m_executed_height{0};

    // Ledger signatures: height -> block hash -> signer -> signature (executor and net threads).
    std::mutex m_sig_mu;
    std::map<uint64_t, std::map<Hash256, std::map<PublicKey, Signature>>> m_ledger_sigs;
    std::map<uint64_t, Hash256> m_own_hash;  // executed heights awaiting their certificate

    // Transaction gossip (RPC threads -> flushed by the consensus thread).
    std::mutex m_gossip_mu;
    std::vector<Bytes> m_gossip;
    std::vector<Hash256> m_executed_ids;  // executor -> consensus thread: leave m_in_flight
    std::vector<Hash256> m_recorded_evidence;  // executor -> consensus thread: leave m_evidence_pending
};

}  // namespace folio::engine
