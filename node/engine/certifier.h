#pragma once
// The BFT engine's ledger certifier: each validator signs the header of every block it executed
// (CommitMessage) and gossips the signature (LEDGER_SIG); 2f+1 signatures of the height's set on
// this node's own executed hash form the block's commit certificate, stored with the block.
// Signatures are kept per height within LEDGER_SIG_WINDOW heights of execution.
// Every executed height stays awaited until it has a certificate: a height that did not gather
// its signatures (a crash between commit and certificate, a block received by block sync long
// after the others signed it) is pulled from peers (CERT_REQUEST). A peer answers with the
// certificate if it holds one (CERT), else with its own signature over its executed header
// (LEDGER_SIG, signed again if need be): so a height whose signatures were lost on every node
// (each validator killed or cut off right after executing it) still gathers a quorum. Each
// certificate is checked against this node's own executed hash and the height's validator set.
// At start, Recover finds the executed heights without a certificate from a persisted floor
// upwards.
// Thread-safety: one mutex; the executor signs, the consensus thread adds peers' signatures and
// certificates.
#include <cstdint>
#include <map>
#include <vector>

#include <node/core/keys.h>
#include <node/core/sync.h>
#include <node/engine/ledger.h>
#include <node/engine/validator_sets.h>

namespace folio::engine {

inline constexpr uint64_t LEDGER_SIG_WINDOW = 1000;                     // heights kept ahead of/behind execution
inline constexpr uint64_t CERT_PULL_LAG = 3;                            // heights behind execution before a pull
inline constexpr uint64_t CERT_PULL_RETRY_MS = 1000;                    // between two pulls of one height
inline constexpr size_t CERT_PULL_MAX = 64;                             // heights per CERT_REQUEST
inline constexpr const char* CERT_FLOOR_META = "consensus/cert_floor";  // every height <= it certified

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
    // window of `executed` or for an awaited height, and verifies. Then completes what it can (as
    // Complete).
    void OnSignature(const PublicKey& from, ByteView body, uint64_t executed) EXCLUDES(m_mu);
    // Stores the commit certificate of every own executed height that has a quorum of its set's
    // signatures (Fatal if the store fails), and forgets heights far behind `executed`.
    void Complete(uint64_t executed) EXCLUDES(m_mu);

    // At start: awaits every executed height above the persisted floor that has no certificate.
    void Recover(uint64_t executed) EXCLUDES(m_mu);
    // The awaited heights to pull now (at least CERT_PULL_LAG behind `executed`, not asked within
    // CERT_PULL_RETRY_MS, at most CERT_PULL_MAX), encoded as a CERT_REQUEST body (u64 each).
    Bytes DuePulls(uint64_t executed, uint64_t now_ms) EXCLUDES(m_mu);
    struct Answers {
        std::vector<Bytes> certs;  // CERT bodies (u64 height, encoded certificate)
        std::vector<Bytes> sigs;   // LEDGER_SIG bodies (as SignExecuted's)
    };
    // A CERT_REQUEST body: per requested height, the certificate this node holds, else (when
    // `sign` and this node executed the height) its own signature over its executed header; a
    // malformed body gets nothing. Ends the process through folio::Fatal if it cannot sign.
    Answers Answer(ByteView request, bool sign) const EXCLUDES(m_mu);
    // A peer's CERT body: stored if the height is awaited and the certificate holds a quorum of
    // the height's set over this node's own hash; anything else is dropped.
    void OnCertificate(ByteView body, uint64_t executed) EXCLUDES(m_mu);
    size_t Awaited() const EXCLUDES(m_mu);

private:
    Bytes SignBody(uint64_t height, const Hash256& hash) const;
    void CompleteLocked(uint64_t executed) REQUIRES(m_mu);
    void StoreLocked(uint64_t height, const protocol::CommitCert& cert) REQUIRES(m_mu);

    Ledger& m_ledger;
    const SecretKey m_key;
    const PublicKey m_pub;
    const ValidatorSets& m_sets;
    mutable Mutex m_mu;
    // height -> block hash -> signer -> signature
    std::map<uint64_t, std::map<Hash256, std::map<PublicKey, Signature>>> m_sigs GUARDED_BY(m_mu);
    std::map<uint64_t, Hash256> m_own_hash GUARDED_BY(m_mu);  // executed heights awaiting their certificate
    std::map<uint64_t, uint64_t> m_pulled GUARDED_BY(m_mu);    // awaited height -> last pull (ms)
    uint64_t m_floor GUARDED_BY(m_mu) = 0;                     // persisted: every height <= it certified
};

}  // namespace folio::engine
