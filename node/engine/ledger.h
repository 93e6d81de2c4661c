#pragma once
// The seam between the BFT engine and what it orders for (docs/consensus.md, "The shell"):
// exactly what BftEngine asks of a ledger. NodeLedger (node/engine/node_ledger.h) implements it
// over chain::Node (foliod, the tests); the consensus bench implements it with opaque commands and
// no execution (bench/consensus_bench.cpp), so the bench measures this engine, not a copy.
// Thread-safety: called from the engine's consensus, executor and verification threads at once;
// an implementation must be safe for that.
#include <cstdint>
#include <functional>
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

class Ledger {
public:
    struct Candidate {  // a pooled command offered for a batch
        Hash256 id;
        Bytes raw;
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
    // Up to `max` pooled commands, in proposal order, skipping those `skip` names.
    virtual std::vector<Candidate> Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) = 0;
    virtual Hash256 CommandId(ByteView raw) const = 0;
    // True iff every command of a batch is well formed and signed (a batch we may vote for).
    virtual bool VerifyCommands(const std::vector<Bytes>& raws, chain::VerifyPool& pool) = 0;
    // Gossiped commands: checked first (on the pool, filling the cache), then admitted one by one.
    virtual void PreverifyGossip(const std::vector<Bytes>& raws, chain::VerifyPool& pool) = 0;
    virtual void AdmitGossip(ByteView raw) = 0;

    // Executes the committed block `block` at `height` (its batch `batch`, empty when the block
    // has no payload) and stores it; nullopt when it cannot be stored. Ends the process through
    // folio::Fatal if the block it built is not at `height`, before storing it.
    virtual std::optional<Executed> Execute(uint64_t height, const consensus::Block& block,
                                            const protocol::Batch& batch, chain::VerifyPool& pool) = 0;
    virtual bool StoreCommitCert(uint64_t height, const protocol::CommitCert& cert) = 0;
    // The executed ledger block hash at `height` (what validators sign), if executed here.
    virtual std::optional<Hash256> ExecutedHash(uint64_t height) const = 0;
    // The commit certificate stored for `height`, encoded, if any.
    virtual std::optional<Bytes> CommitCertAt(uint64_t height) const = 0;
};

}  // namespace folio::engine
