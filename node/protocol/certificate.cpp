#include <node/protocol/certificate.h>

#include <algorithm>

#include <node/core/merkle.h>

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
// (checked) in turn. With `earlier`, hand-offs of epochs that end at or after the header's height
// are not applied (an earlier block of the chain the hand-offs describe). The failure's reason
// otherwise.
Result<std::vector<PublicKey>, std::string> SetInForce(const BlockHeader& header, const std::vector<Bytes>& handoffs,
                                                       const std::string& chain_id,
                                                       const std::vector<PublicKey>& genesis_validators, bool earlier = false) {
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
        if (earlier && header.height <= hh->height) break;  // the header is in this epoch
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

// The registration proof of `work` (VerifyWorkCertificate's second half).
std::string VerifyRegistration(const Work& work, const RegistrationProof& reg, const std::vector<Bytes>& handoffs,
                               const std::string& chain_id, const std::vector<PublicKey>& genesis_validators) {
    const std::string at = "registration: ";
    auto header = DecodeHeader(reg.header);
    if (!header) return at + "the block header does not decode: " + DecodeErrorName(header.error());
    if (header->chain_id != chain_id) return at + "the block header is for another chain";
    if (header->height != work.registered_height || header->time_ms != work.registered_time_ms)
        return at + "the block is height " + std::to_string(header->height) + " at " + std::to_string(header->time_ms) +
               " ms; the work record says it was registered at height " + std::to_string(work.registered_height) + " at " +
               std::to_string(work.registered_time_ms) + " ms";
    auto validators = SetInForce(*header, handoffs, chain_id, genesis_validators, true);
    if (!validators) return at + validators.error();
    if (std::string why = VerifyCommitBytes(*header, reg.commit, chain_id, *validators); !why.empty()) return at + why;
    // The transaction: register_work of this file, signed by the record's registrant, in the block.
    auto tx = DecodeTx(reg.tx);
    if (!tx) return at + "the transaction does not decode: " + DecodeErrorName(tx.error());
    const auto* body = std::get_if<RegisterWorkTx>(&tx->body);
    if (!body) return at + "the transaction is a " + TxKindName(KindOf(tx->body)) + ", not register_work";
    if (tx->chain_id != chain_id) return at + "the transaction is for another chain";
    if (body->fingerprint != work.fingerprint) return at + "the transaction registers another fingerprint";
    if (tx->sender != work.registrant)
        return at + "the transaction's sender " + tx->sender.hex() + " is not the record's registrant " + work.registrant.hex();
    if (!VerifySchnorr(tx->sender, TxSigHash(*tx), tx->signature)) return at + "the transaction's signature is invalid";
    const Hash256 tx_id = TxId(*tx);
    auto tx_proof = DecodeMerkleProof(reg.tx_proof);
    if (!tx_proof) return at + "the transaction's Merkle path does not decode: " + DecodeErrorName(tx_proof.error());
    if (tx_proof->count != header->tx_count || !MerkleVerify(header->tx_root, tx_id, *tx_proof))
        return at + "the transaction is not under the block's tx_root (Merkle path does not verify)";
    // Its receipt: successful, naming this work, in the block at the transaction's index.
    auto receipt = DecodeReceipt(reg.receipt);
    if (!receipt) return at + "the receipt does not decode: " + DecodeErrorName(receipt.error());
    if (receipt->tx_id != tx_id) return at + "the receipt is another transaction's";
    if (!receipt->success) return at + "the receipt is a failure (" + receipt->error_code + ")";
    const bool named = std::any_of(receipt->events.begin(), receipt->events.end(), [&](const Event& e) {
        const auto* r = std::get_if<EvWorkRegistered>(&e);
        return r && r->work_id == work.id && r->fingerprint == work.fingerprint;
    });
    if (!named) return at + "the receipt has no work_registered event for work " + std::to_string(work.id);
    auto receipt_proof = DecodeMerkleProof(reg.receipt_proof);
    if (!receipt_proof) return at + "the receipt's Merkle path does not decode: " + DecodeErrorName(receipt_proof.error());
    if (receipt_proof->index != tx_proof->index ||
        (receipt_proof->count != header->tx_count && receipt_proof->count != uint64_t{header->tx_count} + 1) ||
        !MerkleVerify(header->receipts_root, Sha256Of(reg.receipt), *receipt_proof))
        return at + "the receipt is not under the block's receipts_root at the transaction's index (Merkle path does not verify)";
    return {};
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
    if (std::string why = VerifyCommitBytes(*header, cert.commit, chain_id, *validators); !why.empty()) return why;
    return VerifyRegistration(*work, cert.registration, cert.handoffs, chain_id, genesis_validators);
}

}  // namespace folio::protocol
