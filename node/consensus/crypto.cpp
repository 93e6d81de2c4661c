#include <node/consensus/crypto.h>

#include <cassert>

namespace folio::consensus {

SchnorrSigner::SchnorrSigner(const SecretKey& sk) : m_sk(sk) {
    auto pk = DerivePublicKey(sk);
    assert(pk.has_value());
    m_pk = *pk;
}

Signature SchnorrSigner::Sign(const Hash256& digest) {
    auto sig = SignSchnorr(m_sk, digest, digest);
    assert(sig.has_value());
    return *sig;
}

bool SchnorrVerifier::Verify(const PublicKey& key, const Hash256& digest, const Signature& sig) const {
    return VerifySchnorr(key, digest, sig);
}

Status<ConsensusError> VerifyQc(const QuorumCert& qc, const ValidatorSet& set, const Verifier& v) {
    if (qc.data.epoch != set.epoch) return Fail(ConsensusError::WRONG_EPOCH);
    if (qc.data.round == 0 || qc.data.parent_round >= qc.data.round) return Fail(ConsensusError::BAD_QC);
    if (qc.sigs.size() < set.Quorum()) return Fail(ConsensusError::BAD_QC);
    Hash256 digest = VoteDigest(qc.data);
    for (size_t i = 0; i < qc.sigs.size(); ++i) {
        const auto& s = qc.sigs[i];
        if (s.index >= set.Size() || (i > 0 && s.index <= qc.sigs[i - 1].index)) return Fail(ConsensusError::BAD_QC);
        if (!v.Verify(set.members[s.index], digest, s.sig)) return Fail(ConsensusError::BAD_QC);
    }
    return Ok{};
}

Status<ConsensusError> VerifyTc(const TimeoutCert& tc, const ValidatorSet& set, const Verifier& v) {
    if (tc.epoch != set.epoch) return Fail(ConsensusError::WRONG_EPOCH);
    if (tc.round == 0 || tc.entries.size() < set.Quorum()) return Fail(ConsensusError::BAD_TC);
    for (size_t i = 0; i < tc.entries.size(); ++i) {
        const auto& e = tc.entries[i];
        if (e.index >= set.Size() || (i > 0 && e.index <= tc.entries[i - 1].index)) return Fail(ConsensusError::BAD_TC);
        if (e.hqc_round >= tc.round) return Fail(ConsensusError::BAD_TC);
        if (!v.Verify(set.members[e.index], TimeoutDigest(tc.epoch, tc.round, e.hqc_round), e.sig))
            return Fail(ConsensusError::BAD_TC);
    }
    return Ok{};
}

Result<BlockId, ConsensusError> VerifyCommitCertificate(const QuorumCert& qc, const ValidatorSet& set,
                                                        const Verifier& v) {
    if (auto s = VerifyQc(qc, set, v); !s) return Fail(s.error());
    if (qc.data.round != qc.data.parent_round + 1) return Fail(ConsensusError::NOT_A_COMMIT_CERT);
    return qc.data.parent_id;
}

namespace {

// Decodes a statement body into (epoch, round); false if it is not a canonical body of `kind`.
bool StatementEpochRound(StatementKind kind, ByteView body, Epoch& epoch, Round& round) {
    Reader r(body);
    epoch = r.U64();
    round = r.U64();
    switch (kind) {
        case StatementKind::PROPOSAL: (void)r.Fixed<32>(); break;
        case StatementKind::VOTE: (void)r.Fixed<32>(); (void)r.Fixed<32>(); (void)r.U64(); break;
        case StatementKind::TIMEOUT: (void)r.U64(); break;
    }
    return r.Finish();
}

}  // namespace

Status<ConsensusError> VerifyEvidence(const Evidence& e, const ValidatorSet& set, const Verifier& v) {
    if (e.kind != StatementKind::PROPOSAL && e.kind != StatementKind::VOTE && e.kind != StatementKind::TIMEOUT)
        return Fail(ConsensusError::BAD_EVIDENCE);
    Epoch ea = 0, eb = 0;
    Round ra = 0, rb = 0;
    if (!StatementEpochRound(e.kind, e.body_a, ea, ra) || !StatementEpochRound(e.kind, e.body_b, eb, rb))
        return Fail(ConsensusError::BAD_EVIDENCE);
    if (ea != eb || ra != rb || e.body_a == e.body_b) return Fail(ConsensusError::BAD_EVIDENCE);
    if (ea != set.epoch) return Fail(ConsensusError::WRONG_EPOCH);
    if (!set.IndexOf(e.signer)) return Fail(ConsensusError::NOT_A_MEMBER);
    if (!v.Verify(e.signer, StatementDigest(e.kind, e.body_a), e.sig_a) ||
        !v.Verify(e.signer, StatementDigest(e.kind, e.body_b), e.sig_b))
        return Fail(ConsensusError::BAD_SIGNATURE);
    return Ok{};
}

std::optional<Epoch> EvidenceEpoch(const Evidence& e) {
    Epoch epoch = 0;
    Round round = 0;
    if (!StatementEpochRound(e.kind, e.body_a, epoch, round)) return std::nullopt;
    return epoch;
}

Evidence MakeEvidence(StatementKind kind, const PublicKey& signer, Bytes body1, const Signature& sig1,
                      Bytes body2, const Signature& sig2) {
    Evidence e;
    e.kind = kind;
    e.signer = signer;
    if (body2 < body1) {
        e.body_a = std::move(body2);
        e.sig_a = sig2;
        e.body_b = std::move(body1);
        e.sig_b = sig1;
    } else {
        e.body_a = std::move(body1);
        e.sig_a = sig1;
        e.body_b = std::move(body2);
        e.sig_b = sig2;
    }
    return e;
}

}  // namespace folio::consensus
