#pragma once
// The BFT engine's batch store: the batches of transactions that proposals name by hash, each with
// whether every transaction in it verified. What it keeps is bounded (docs/consensus.md, "Bounds"):
//  - A batch a peer sends before any proposal names it (*unsolicited*: a leader broadcasts its
//    batch just before its proposal) is held in memory only, within a budget per sender
//    (BatchLimits); over it, that sender's oldest unsolicited batches are evicted. One peer
//    therefore never crowds out the batches of the others, and nothing it sends alone reaches
//    the disk.
//  - A batch named by a proposal that passed the core's checks (Reference), by a committed
//    block (Want, Committed), or built here (AddOwn) is *referenced*: written to the node's
//    metadata store and kept in memory until its block is executed (Drop).
//  - A referenced batch whose proposal can no longer commit (its round is at or below the
//    committed block's) is deleted from memory and disk (Sweep). Batches of committed blocks stay
//    on disk: they are the chain's data, served to peers that catch up by block sync.
// Thread-safety: one mutex; every method may be called from any thread (the consensus thread
// accepts, references and proposes batches, the executor reads and drops them). Reads and writes of
// the metadata store happen outside the lock.
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <vector>

#include <node/chain/verify_pool.h>
#include <node/core/keys.h>
#include <node/core/sync.h>
#include <node/engine/ledger.h>
#include <node/protocol/batch.h>

namespace folio::engine {

struct StoredBatch {
    protocol::Batch batch;
    Bytes raw;                                 // its encoding (what its hash is of)
    std::shared_ptr<const Commands> commands;  // its transactions, decoded once (Ledger::DecodeCommands)
    bool verified = false;                     // every transaction well formed and signed, every evidence decodes
};

// The memory a held batch takes, as the store charges it: its encoding, the decoded copy of its
// transactions and evidence (StoredBatch::batch), and its decoded commands (Commands::HeldBytes).
// About twice the encoding for a batch whose transactions do not decode, four times for one whose
// transactions all do.
size_t HeldBytes(const StoredBatch& sb);

// The budget of unsolicited batches held per sending peer (in memory only), in batches and in
// charged bytes (HeldBytes). The defaults hold a few full batches per peer (an honest leader's
// batch is unsolicited for about one message delay) and at least one maximal one (a batch is at
// most a transport frame, 16 MiB, so charged at most about 64 MiB); the whole store's unsolicited
// memory is at most peers × per_peer_bytes (docs/consensus.md, "Bounds").
struct BatchLimits {
    size_t per_peer_count = 8;
    size_t per_peer_bytes = 64u << 20;
};

class BatchStore {
public:
    // What the store dropped or removed, since it was made (counters for the operator's log).
    struct Stats {
        uint64_t evicted = 0;          // unsolicited batches evicted over their sender's budget
        uint64_t evicted_bytes = 0;    // their encoded size (not the charge)
        uint64_t undecodable = 0;      // received batches that did not decode
        uint64_t swept = 0;            // referenced batches of proposals that can no longer commit, deleted
        size_t unsolicited = 0;        // unsolicited batches held now
        size_t unsolicited_bytes = 0;  // their charged bytes (HeldBytes)
        size_t held = 0;               // batches in memory now (all kinds)
    };

    // `ledger` must outlive the store.
    explicit BatchStore(Ledger& ledger, BatchLimits limits = {}) : m_ledger(ledger), m_limits(limits) {}

    // The batch `hash` from memory, else from the metadata store (then decoded and verified on
    // `pool`; kept in memory only if it is referenced); null when neither holds one that decodes.
    // Never changes whether a batch is referenced.
    std::shared_ptr<const StoredBatch> Get(const Hash256& hash, chain::VerifyPool& pool) EXCLUDES(m_mu);
    // The encoding of batch `hash` (memory, else the metadata store), to answer a peer's request:
    // nothing is decoded or kept.
    std::optional<Bytes> GetRaw(const Hash256& hash) const EXCLUDES(m_mu);
    // A proposal that passed the core's checks names `hash` (its block: `epoch`, `round`). The
    // batch becomes referenced: held and written to the store. Returns it, or null when it is not
    // here yet (then it is referenced on arrival).
    std::shared_ptr<const StoredBatch> Reference(const Hash256& hash, chain::VerifyPool& pool, uint64_t epoch,
                                                 uint64_t round) EXCLUDES(m_mu);
    // No proposal waits for `hash` any more: a batch arriving for it later is unsolicited again.
    void Unwant(const Hash256& hash) EXCLUDES(m_mu);
    // A committed block names `hash` (the executor asks for it when it is missing): referenced
    // on arrival and never swept.
    void Want(const Hash256& hash) EXCLUDES(m_mu);
    // The blocks naming these batches are committed: their batches are never swept, and any held
    // only in memory is written to the store (peers may ask for committed data).
    void Committed(const std::vector<Hash256>& hashes) EXCLUDES(m_mu);
    // The committed block is at (`epoch`, `round`): referenced batches of uncommitted proposals at
    // or below it are deleted (memory and store).
    void Sweep(uint64_t epoch, uint64_t round) EXCLUDES(m_mu);
    // A batch received from `from`, `raw` hashing to `hash`: decoded and verified on `pool`;
    // referenced (and written to the store) when a proposal or committed block waits for it,
    // else held unsolicited within `from`'s budget (evicting its oldest). Null when it was held
    // already or does not decode.
    std::shared_ptr<const StoredBatch> Accept(const PublicKey& from, const Hash256& hash, Bytes raw,
                                              chain::VerifyPool& pool) EXCLUDES(m_mu);
    // A batch this node built (verified by construction) from `commands` (Ledger::Candidates) for
    // its proposal at (`epoch`, `round`): referenced, written to the store and kept.
    void AddOwn(const Hash256& hash, protocol::Batch batch, Bytes raw, std::shared_ptr<const Commands> commands,
                uint64_t epoch, uint64_t round) EXCLUDES(m_mu);
    // Its block was executed: forgets the in-memory copy (the store keeps it).
    void Drop(const Hash256& hash) EXCLUDES(m_mu);
    Stats GetStats() const EXCLUDES(m_mu);

private:
    struct Tag {  // why a batch is referenced: the highest proposal naming it, or committed
        uint64_t epoch = 0, round = 0;
        bool committed = false;
        bool written = false;  // this store wrote it to the metadata store
        void Raise(uint64_t e, uint64_t r) {
            if (e > epoch || (e == epoch && r > round)) epoch = e, round = r;
        }
    };
    struct Entry {
        std::shared_ptr<const StoredBatch> sb;
        bool referenced = false;
        PublicKey from;     // unsolicited: its sender
        uint64_t seq = 0;   // unsolicited: arrival number (eviction order)
        size_t charge = 0;  // unsolicited: HeldBytes(*sb), counted in its sender's budget
    };
    struct PeerBudget {
        std::map<uint64_t, Hash256> by_seq;  // its unsolicited batches, oldest first
        size_t bytes = 0;                    // their charges
    };

    // Decodes the batch's commands once (sb.commands) and checks them and its evidence.
    std::shared_ptr<const StoredBatch> Prepare(protocol::Batch batch, Bytes raw, chain::VerifyPool& pool) const;
    std::shared_ptr<const StoredBatch> Load(const Hash256& hash, chain::VerifyPool& pool) const;
    void Write(const Hash256& hash, ByteView raw);
    // Removes the unsolicited entry `it` from its sender's budget (the entry stays).
    void Unbudget(std::map<Hash256, Entry>::iterator it) REQUIRES(m_mu);

    Ledger& m_ledger;
    const BatchLimits m_limits;
    mutable Mutex m_mu;
    std::map<Hash256, Entry> m_batches GUARDED_BY(m_mu);
    std::map<Hash256, Tag> m_refs GUARDED_BY(m_mu);  // referenced hashes (held, on disk or awaited)
    // Batches of executed committed blocks (Drop), the newest EXECUTED_KEPT: a proposal or a copy
    // that arrives late for one of them never makes it sweepable (its disk copy is the chain's).
    static constexpr size_t EXECUTED_KEPT = 1u << 16;
    std::set<Hash256> m_executed GUARDED_BY(m_mu);
    std::deque<Hash256> m_executed_order GUARDED_BY(m_mu);
    std::map<PublicKey, PeerBudget> m_peers GUARDED_BY(m_mu);
    uint64_t m_seq GUARDED_BY(m_mu) = 0;
    Stats m_stats GUARDED_BY(m_mu);
};

}  // namespace folio::engine
