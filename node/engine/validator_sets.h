#pragma once
// The BFT engine's validator sets (docs/consensus.md, "Validator-set changes"): every set by the
// first height it is in force, and the peers the transport lets in (every set's members and the
// scheduled set's). The ledger is the source of truth for executed heights; the core's
// EpochChangeAction announces a change first (Add).
// Thread-safety: one mutex; every method may be called from any thread (the consensus thread, the
// executor, the certifier, the transport's handshake).
#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include <node/consensus/types.h>
#include <node/core/sync.h>
#include <vector>

#include <node/engine/ledger.h>

namespace folio::engine {

class ValidatorSets {
public:
    // `set` is in force from block height `first_height` on; its members become allowed peers.
    void Add(uint64_t first_height, const consensus::ValidatorSet& set) EXCLUDES(m_mu);
    // Adds the sets of epochs the ledger records beyond the known ones, and allows the members of
    // a scheduled set (so a joining validator can sync before its epoch starts).
    void Load(const Ledger& ledger) EXCLUDES(m_mu);
    // The set in force at `height` (the first set for heights before it). At least one set must
    // have been added.
    consensus::ValidatorSet AtHeight(uint64_t height) const EXCLUDES(m_mu);
    std::optional<consensus::ValidatorSet> OfEpoch(uint64_t epoch) const EXCLUDES(m_mu);
    bool IsAllowedPeer(const PublicKey& key) const EXCLUDES(m_mu);
    // Read replicas (foliod --observer KEY): keys allowed to connect and follow the chain without
    // ever being members (docs/operations.md, "Read replicas").
    void AllowObservers(const std::vector<PublicKey>& keys) EXCLUDES(m_mu);

private:
    mutable Mutex m_mu;
    std::map<uint64_t, consensus::ValidatorSet> m_sets GUARDED_BY(m_mu);  // first height in force -> set
    std::set<PublicKey> m_allowed GUARDED_BY(m_mu);  // every set's members + the scheduled set's + observers
};

// The change the ledger has scheduled and due for a block at `height` in `epoch`, if any.
std::optional<consensus::ValidatorSet> DueChange(const Ledger& ledger, uint64_t epoch, uint64_t height);

}  // namespace folio::engine
