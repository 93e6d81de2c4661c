#pragma once
// Signing and verification for consensus messages, and standalone certificate checks (for block
// sync and certificates: a QC, TC, commit certificate or evidence is checked against a validator
// set alone, without any node state).
// Production and unit tests use BIP-340 Schnorr (SchnorrSigner / SchnorrVerifier). The simulator
// may use a cheap deterministic fake; it must implement the same interfaces.
#include <optional>

#include <node/consensus/types.h>

namespace folio::consensus {

// Signs 32-byte digests with one key. Not thread-safe unless the implementation says so.
class Signer {
public:
    virtual ~Signer() = default;
    virtual const PublicKey& Key() const = 0;
    virtual Signature Sign(const Hash256& digest) = 0;
};

// Verifies signatures. Implementations must be deterministic and stateless (thread-safe).
class Verifier {
public:
    virtual ~Verifier() = default;
    virtual bool Verify(const PublicKey& key, const Hash256& digest, const Signature& sig) const = 0;
};

// BIP-340 Schnorr with the secret key held in memory. aux_rand is the digest itself (BIP-340
// allows any value; this keeps signing deterministic and pure). Precondition: `sk` is valid.
class SchnorrSigner final : public Signer {
public:
    explicit SchnorrSigner(const SecretKey& sk);
    const PublicKey& Key() const override { return m_pk; }
    Signature Sign(const Hash256& digest) override;

private:
    SecretKey m_sk;
    PublicKey m_pk;
};

class SchnorrVerifier final : public Verifier {
public:
    bool Verify(const PublicKey& key, const Hash256& digest, const Signature& sig) const override;
};

// A QC is valid for `set` when its epoch is the set's, its indices are strictly increasing members,
// there are at least Quorum() of them and every signature verifies over VoteDigest(qc.data).
// The genesis QC (round 0, no signatures) is not accepted here; callers special-case it.
Status<ConsensusError> VerifyQc(const QuorumCert& qc, const ValidatorSet& set, const Verifier& v);
// Same rules for a TC: each entry signs TimeoutDigest(epoch, round, hqc_round), hqc_round < round.
Status<ConsensusError> VerifyTc(const TimeoutCert& tc, const ValidatorSet& set, const Verifier& v);

// A commit certificate is a QC over two consecutive rounds (round == parent_round + 1): it proves
// that the block parent_id is committed (two-chain rule), and with it every ancestor. Returns the
// committed block id. Standalone: needs only the validator set of qc's epoch.
Result<BlockId, ConsensusError> VerifyCommitCertificate(const QuorumCert& qc, const ValidatorSet& set,
                                                        const Verifier& v);

// Evidence is valid when both bodies decode as statements of its kind with equal (epoch, round),
// they differ, the epoch is set.epoch, the signer is a member, and both signatures verify.
Status<ConsensusError> VerifyEvidence(const Evidence& e, const ValidatorSet& set, const Verifier& v);
// The epoch both of the evidence's statements were signed in (nullopt if a body is malformed).
std::optional<Epoch> EvidenceEpoch(const Evidence& e);

// Builds canonical evidence from two conflicting signed statements (orders the two bodies).
Evidence MakeEvidence(StatementKind kind, const PublicKey& signer, Bytes body1, const Signature& sig1,
                      Bytes body2, const Signature& sig2);

}  // namespace folio::consensus
