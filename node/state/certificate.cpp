#include <node/state/certificate.h>

#include <algorithm>

namespace folio::state {

Hash256 CommitMessage(const std::string& chain_id, uint64_t height, const Hash256& block_hash) {
    Writer w;
    w.Raw(AsBytes(chain_id));
    w.U8(0);
    w.U64(height);
    w.Fixed(block_hash);
    return TaggedHash("folio/commit", w.bytes());
}

Bytes EncodeCommitCert(const CommitCert& c) {
    Writer w;
    w.U8(1);  // kind 1: a list of validator signatures over CommitMessage
    w.Varint(c.signatures.size());
    for (const auto& [pk, sig] : c.signatures) {
        w.Fixed(pk);
        w.Fixed(sig);
    }
    return w.Take();
}

Result<CommitCert, DecodeError> DecodeCommitCert(ByteView b) {
    Reader r(b);
    CommitCert c;
    if (r.U8() != 1) r.Fail(DecodeError::BAD_VALUE);
    size_t n = r.Length(1024);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        PublicKey pk = r.Fixed<32>();
        Signature sig = r.Fixed<64>();
        if (!c.signatures.empty() && !(c.signatures.back().first < pk)) r.Fail(DecodeError::NON_CANONICAL);
        c.signatures.emplace_back(pk, sig);
    }
    if (!r.Finish()) return Fail(r.error());
    return c;
}

size_t CommitQuorum(size_t n) {
    if (n == 0) return 1;
    size_t f = (n - 1) / 3;
    return 2 * f + 1;
}

std::string VerifyCommitCert(const std::string& chain_id, const BlockHeader& header, const CommitCert& cert,
                             const std::vector<PublicKey>& validators) {
    Hash256 msg = CommitMessage(chain_id, header.height, BlockHash(header));
    size_t good = 0;
    for (const auto& [pk, sig] : cert.signatures) {
        if (std::find(validators.begin(), validators.end(), pk) == validators.end())
            return "commit signature by " + pk.hex() + ", which is not in the validator set";
        if (!VerifySchnorr(pk, msg, sig)) return "commit signature by validator " + pk.hex() + " is invalid for this header";
        ++good;  // keys are sorted and unique (DecodeCommitCert), so each counts once
    }
    size_t need = CommitQuorum(validators.size());
    if (good < need)
        return "the commit certificate has " + std::to_string(good) + " validator signatures, " + std::to_string(need) +
               " of " + std::to_string(validators.size()) + " are needed";
    return {};
}

std::string VerifyWorkCertificate(const Hash256& fingerprint, const WorkCertificate& cert, const std::string& chain_id,
                                  const std::vector<PublicKey>& genesis_validators) {
    if (cert.chain_id != chain_id)
        return "the certificate is for chain '" + cert.chain_id + "', the genesis is for '" + chain_id + "'";
    auto work = DecodeWork(cert.work_record);
    if (!work) return std::string("the work record does not decode: ") + DecodeErrorName(work.error());
    if (work->fingerprint != fingerprint)
        return "the file's SHA-256 " + fingerprint.hex() + " is not the certified work's fingerprint " + work->fingerprint.hex();
    auto header = DecodeHeader(cert.header);
    if (!header) return std::string("the block header does not decode: ") + DecodeErrorName(header.error());
    if (header->chain_id != chain_id) return "the block header is for another chain";
    auto proof = DecodeSmtProof(cert.proof);
    if (!proof) return std::string("the state proof does not decode: ") + DecodeErrorName(proof.error());
    Writer key;
    key.Raw(AsBytes(std::string_view("w/")));
    for (int i = 7; i >= 0; --i) key.U8(static_cast<uint8_t>(work->id >> (8 * i)));
    if (!SmtVerifyInclusion(header->state_root, Sha256Of(key.bytes()), Sha256Of(cert.work_record), *proof))
        return "the state proof does not show this work record under the header's state root";
    if (!cert.handoffs.empty())
        return "the certificate lists validator-set hand-offs, but this chain has had no validator-set change";
    auto commit = DecodeCommitCert(cert.commit);
    if (!commit) return std::string("the commit certificate does not decode: ") + DecodeErrorName(commit.error());
    return VerifyCommitCert(chain_id, *header, *commit, genesis_validators);
}

}  // namespace folio::state
