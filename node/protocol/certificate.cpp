#include <node/protocol/certificate.h>

#include <algorithm>

namespace folio::protocol {

Hash256 CommitMessage(const std::string& chain_id, uint64_t height, const Hash256& block_hash) {
    Writer w;
    w.Raw(AsBytes(chain_id));
    w.U8(0);
    w.U64(height);
    w.Fixed(block_hash);
    return TaggedHash("folio/commit", w.bytes());
}

Bytes EncodeCommitCert(const CommitCert& c) { return EncodeFields(c); }
Result<CommitCert, DecodeError> DecodeCommitCert(ByteView b) { return DecodeFields<CommitCert>(b); }

size_t CommitQuorum(size_t n) {
    // More than two thirds: any two quorums share an honest validator for every n, not only for
    // n = 3f + 1 (the same rule as consensus::ValidatorSet::Quorum).
    return n * 2 / 3 + 1;
}

Bytes EncodeHandoff(const ValidatorHandoff& h) { return EncodeFields(h); }
Result<ValidatorHandoff, DecodeError> DecodeHandoff(ByteView b) { return DecodeFields<ValidatorHandoff>(b); }

Bytes ValidatorSetKey(uint64_t epoch) {
    Bytes k{'v', '/', 'e', '/'};
    auto be = BigEndian64(epoch);
    k.insert(k.end(), be.begin(), be.end());
    return k;
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

namespace {

// The validator set in force at `header`'s height: the genesis set, then each hand-off's
// (checked) in turn. The failure's reason otherwise.
Result<std::vector<PublicKey>, std::string> SetInForce(const BlockHeader& header, const std::vector<Bytes>& handoffs,
                                                       const std::string& chain_id,
                                                       const std::vector<PublicKey>& genesis_validators) {
    // Walk the validator-set hand-offs from genesis to the set in force at the certified height.
    std::vector<PublicKey> validators = genesis_validators;
    uint64_t epoch = 0, from_height = 1;
    for (size_t i = 0; i < handoffs.size(); ++i) {
        std::string at = "validator hand-off " + std::to_string(i + 1) + ": ";
        auto h = DecodeHandoff(handoffs[i]);
        if (!h) return Fail(at + "does not decode: " + DecodeErrorName(h.error()));
        auto hh = DecodeHeader(h->header);
        if (!hh) return Fail(at + "the block header does not decode: " + DecodeErrorName(hh.error()));
        if (hh->chain_id != chain_id) return Fail(at + "the block header is for another chain");
        if (hh->height < from_height) return Fail(at + "out of order");
        auto hc = DecodeCommitCert(h->commit);
        if (!hc) return Fail(at + "the commit certificate does not decode: " + DecodeErrorName(hc.error()));
        if (std::string why = VerifyCommitCert(chain_id, *hh, *hc, validators); !why.empty()) return Fail(at + why);
        auto rec = DecodeFields<ValidatorSetRecord>(h->record);
        if (!rec) return Fail(at + "the validator set record does not decode: " + DecodeErrorName(rec.error()));
        if (rec->epoch != epoch + 1 || rec->from_height != hh->height + 1 || rec->members.empty())
            return Fail(at + "the record is not the next epoch's set, in force from the next block");
        auto hp = DecodeSmtProof(h->proof);
        if (!hp) return Fail(at + "the state proof does not decode: " + DecodeErrorName(hp.error()));
        if (!SmtVerifyInclusion(hh->state_root, Sha256Of(ValidatorSetKey(rec->epoch)), Sha256Of(h->record), *hp))
            return Fail(at + "the state proof does not show this validator set under the header's state root");
        validators = rec->members;
        epoch = rec->epoch;
        from_height = rec->from_height;
    }
    if (header.height < from_height)
        return Fail("the certified block (height " + std::to_string(header.height) +
                    ") is older than the last validator hand-off (from height " + std::to_string(from_height) + ")");
    return validators;
}

std::string VerifyCommitBytes(const BlockHeader& header, ByteView commit_bytes, const std::string& chain_id,
                              const std::vector<PublicKey>& validators) {
    auto commit = DecodeCommitCert(commit_bytes);
    if (!commit) return std::string("the commit certificate does not decode: ") + DecodeErrorName(commit.error());
    return VerifyCommitCert(chain_id, header, *commit, validators);
}

}  // namespace

std::string VerifyCertifiedHeader(const BlockHeader& header, ByteView commit_bytes, const std::vector<Bytes>& handoffs,
                                  const std::string& chain_id, const std::vector<PublicKey>& genesis_validators) {
    if (header.chain_id != chain_id) return "the block header is for another chain";
    auto validators = SetInForce(header, handoffs, chain_id, genesis_validators);
    if (!validators) return validators.error();
    return VerifyCommitBytes(header, commit_bytes, chain_id, *validators);
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
    auto validators = SetInForce(*header, cert.handoffs, chain_id, genesis_validators);
    if (!validators) return validators.error();
    Writer key;
    key.Raw(AsBytes(std::string_view("w/")));
    for (int i = 7; i >= 0; --i) key.U8(static_cast<uint8_t>(work->id >> (8 * i)));
    if (!SmtVerifyInclusion(header->state_root, Sha256Of(key.bytes()), Sha256Of(cert.work_record), *proof))
        return "the state proof does not show this work record under the header's state root";
    return VerifyCommitBytes(*header, cert.commit, chain_id, *validators);
}

}  // namespace folio::protocol
