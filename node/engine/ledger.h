#pragma once
// The seam between the BFT engine and what it orders for (docs/consensus.md, "The shell"):
// exactly what BftEngine asks of a ledger. NodeLedger (node/engine/node_ledger.h) implements it
// over chain::Node (foliod, the tests); the consensus bench implements it with opaque commands and
// no execution (bench/consensus_bench.cpp), so the bench measures this engine, not a copy.
// Thread-safety: called from the engine's consensus, executor and verification threads at once;
// an implementation must be safe for that.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <node/chain/verify_pool.h>
#include <node/consensus/types.h>
#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/protocol/batch.h>
#include <node/protocol/certificate.h>
#include <node/protocol/types.h>

namespace folio::engine {

// A batch's commands as a Ledger decoded them — once, when the batch is built or arrives — kept
// with the batch until it is executed, so no command is decoded or hashed again on the way.
// A Ledger subclasses it with what it decoded; the engine only reads the ids.
struct Commands {
    virtual ~Commands() = default;
    // The memory these commands hold (an estimate of the heap bytes: what BatchStore charges).
    virtual size_t HeldBytes() const { return ids.size() * sizeof(Hash256); }
    std::vector<Hash256> ids;  // of every command that decoded, in batch order
    bool all_decoded = true;   // false: some command does not decode (the batch is not voted for)
};

class Ledger {
public:
    struct Offer {                                 // pooled commands offered for a batch
        std::vector<Bytes> raws;                   // in proposal order
        std::shared_ptr<const Commands> commands;  // the same, decoded (ids in the same order)
    };
    struct Executed {  // a committed block, executed and stored
        uint64_t height = 0;
        Hash256 hash;                   // the executed ledger header (what validators sign)
        bool sets_changed = false;      // it scheduled or made a validator-set change
        std::vector<Hash256> ids;       // commands executed (never to be proposed again)
        std::vector<Hash256> evidence;  // evidence it recorded
    };

    virtual ~Ledger() = default;

    virtual const std::string& ChainId() const = 0;
    virtual const Hash256& GenesisHash() const = 0;
    virtual uint64_t Height() const = 0;  // executed height

    // Consensus-local metadata (safety state, consensus blocks, batches). PutMeta returns the
    // error of a failed write (the engine stops on it).
    virtual std::optional<Bytes> GetMeta(const std::string& name) const = 0;
    virtual std::optional<std::string> PutMeta(const std::string& name, ByteView value, bool sync) = 0;
    // Removes an entry (unsynced; absent is no error); the error of a failed write.
    virtual std::optional<std::string> DeleteMeta(const std::string& name) = 0;
    virtual void ForEachMeta(const std::string& prefix,
                             const std::function<void(const std::string&, const Bytes&)>& fn) const = 0;

    // Validator sets as the executed ledger records them.
    virtual std::optional<protocol::ValidatorSetRecord> ValidatorSet() const = 0;  // in force now
    virtual std::optional<protocol::ValidatorSetRecord> ValidatorSetOfEpoch(uint64_t epoch) const = 0;
    virtual std::optional<protocol::PendingValidatorSet> PendingValidatorSet() const = 0;

    // Commands: the pool a leader proposes from, and their checks (run on the engine's pool).
    virtual chain::SigCache& sig_cache() = 0;  // the cache behind the engine's VerifyPool
    virtual size_t PoolSize() const = 0;
    virtual uint64_t PoolAddedCount() const = 0;  // grows on every admission
    // Up to `max` pooled commands, in proposal order, skipping those `skip` names (their ids
    // come from the pool: nothing is decoded or hashed).
    virtual Offer Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) = 0;
    // A received (or stored) batch's commands, decoded and identified once.
    virtual std::shared_ptr<const Commands> DecodeCommands(const std::vector<Bytes>& raws) = 0;
    // True iff every command decoded and is signed (a batch we may vote for). `commands` came
    // from this ledger's DecodeCommands or Candidates.
    virtual bool VerifyCommands(const Commands& commands, chain::VerifyPool& pool) = 0;
    // Gossiped commands: decoded once, checked on the pool (filling the cache), then admitted in
    // order. `between` is called after every `chunk` admissions; admission stops when it
    // returns false.
    virtual void AdmitGossip(const std::vector<Bytes>& raws, chain::VerifyPool& pool, size_t chunk,
                             const std::function<bool()>& between) = 0;

    // Executes the committed block `block` at `height` (its batch `batch` with its decoded
    // `commands`, from this ledger; null when the block has no payload) and stores it; nullopt
    // when it cannot be stored. Ends the process through folio::Fatal if the block it built is
    // not at `height`, before storing it.
    virtual std::optional<Executed> Execute(uint64_t height, const consensus::Block& block,
                                            const protocol::Batch& batch, const Commands* commands,
                                            chain::VerifyPool& pool) = 0;
    virtual bool StoreCommitCert(uint64_t height, const protocol::CommitCert& cert) = 0;
    // The executed ledger block hash at `height` (what validators sign), if executed here.
    virtual std::optional<Hash256> ExecutedHash(uint64_t height) const = 0;
    // The commit certificate stored for `height`, encoded, if any.
    virtual std::optional<Bytes> CommitCertAt(uint64_t height) const = 0;
};

}  // namespace folio::engine
