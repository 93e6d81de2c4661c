#pragma once
// The BFT engine's batch store: the batches of transactions that proposals name by hash, held in
// memory until their block is executed (and always in the node's metadata store, for peers'
// requests and restarts), each with whether every transaction in it verified.
// Thread-safety: one mutex; every method may be called from any thread (the consensus thread
// accepts and proposes batches, the executor reads and drops them).
#include <map>
#include <memory>

#include <node/chain/verify_pool.h>
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

class BatchStore {
public:
    explicit BatchStore(Ledger& ledger) : m_ledger(ledger) {}  // `ledger` must outlive the store

    // The batch `hash` from memory, else from the metadata store (then decoded and verified on
    // `pool`, and kept in memory); null when neither holds one that decodes.
    std::shared_ptr<const StoredBatch> Get(const Hash256& hash, chain::VerifyPool& pool) EXCLUDES(m_mu);
    // A batch received from a peer, `raw` hashing to `hash`: decoded, verified on `pool`, written
    // to the metadata store and kept. Null when it was held already or does not decode.
    std::shared_ptr<const StoredBatch> Accept(const Hash256& hash, Bytes raw, chain::VerifyPool& pool) EXCLUDES(m_mu);
    // A batch this node built (verified by construction) from `commands` (Ledger::Candidates):
    // written to the metadata store and kept.
    void AddOwn(const Hash256& hash, protocol::Batch batch, Bytes raw, std::shared_ptr<const Commands> commands)
        EXCLUDES(m_mu);
    // Forgets the in-memory copy (the metadata store keeps it).
    void Drop(const Hash256& hash) EXCLUDES(m_mu);

private:
    // Decodes the batch's commands once (sb.commands) and checks them and its evidence.
    std::shared_ptr<const StoredBatch> Prepare(protocol::Batch batch, Bytes raw, chain::VerifyPool& pool) const;

    Ledger& m_ledger;
    Mutex m_mu;
    std::map<Hash256, std::shared_ptr<const StoredBatch>> m_batches GUARDED_BY(m_mu);
};

}  // namespace folio::engine
