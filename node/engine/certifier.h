#pragma once
// The BFT engine's ledger certifier: each validator signs the header of every block it executed
// (CommitMessage) and gossips the signature (LEDGER_SIG); 2f+1 signatures of the height's set on
// this node's own executed hash form the block's commit certificate, stored with the block.
// Signatures are kept per height within LEDGER_SIG_WINDOW heights of execution.
// Thread-safety: one mutex; the executor signs, the consensus thread adds peers' signatures.
#include <cstdint>
#include <map>

#include <node/core/keys.h>
#include <node/core/sync.h>
#include <node/engine/ledger.h>
#include <node/engine/validator_sets.h>

namespace folio::engine {

inline constexpr uint64_t LEDGER_SIG_WINDOW = 1000;  // heights kept ahead of/behind execution

class LedgerCertifier {
public:
    // `ledger` and `sets` must outlive the certifier; `key` is this validator's.
    LedgerCertifier(Ledger& ledger, const SecretKey& key, const PublicKey& pub, const ValidatorSets& sets)
        : m_ledger(ledger), m_key(key), m_pub(pub), m_sets(sets) {}

    // Signs this node's executed header (`hash` at `height`) and records it as the hash to
    // certify; returns the LEDGER_SIG body to broadcast (u64 height, hash, signature). Ends the
    // process through folio::Fatal if it cannot sign.
    Bytes SignExecuted(uint64_t height, const Hash256& hash) EXCLUDES(m_mu);
    // A peer's LEDGER_SIG body: kept if it decodes, comes from an allowed peer, is within the
    // window of `executed` and verifies. Then completes what it can (as Complete).
    void OnSignature(const PublicKey& from, ByteView body, uint64_t executed) EXCLUDES(m_mu);
    // Stores the commit certificate of every own executed height that has a quorum of its set's
    // signatures (Fatal if the store fails), and forgets heights far behind `executed`.
    void Complete(uint64_t executed) EXCLUDES(m_mu);

private:
    void CompleteLocked(uint64_t executed) REQUIRES(m_mu);

    Ledger& m_ledger;
    const SecretKey m_key;
    const PublicKey m_pub;
    const ValidatorSets& m_sets;
    Mutex m_mu;
    // height -> block hash -> signer -> signature
    std::map<uint64_t, std::map<Hash256, std::map<PublicKey, Signature>>> m_sigs GUARDED_BY(m_mu);
    std::map<uint64_t, Hash256> m_own_hash GUARDED_BY(m_mu);  // executed heights awaiting their certificate
};

}  // namespace folio::engine
