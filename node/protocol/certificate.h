#pragma once
// Commit certificates and work certificates: what lets anyone holding a file, a certificate and
// the genesis validator set verify a work's registration offline (docs/certificates.md). Pure;
// thread-safe.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/keys.h>
#include <node/core/result.h>
#include <node/core/smt.h>
#include <node/protocol/types.h>

namespace folio::protocol {

// The commit certificate of a block: signatures of validators over CommitMessage.
struct CommitCert {
    std::vector<std::pair<PublicKey, Signature>> signatures;  // sorted by key
    // A record (version 1 = kind 1: validator signatures over CommitMessage).
    FOLIO_FIELDS(FOLIO_SORTED(signatures, 1024))
};
Bytes EncodeCommitCert(const CommitCert& c);
Result<CommitCert, DecodeError> DecodeCommitCert(ByteView b);
// What a validator signs to commit a block: TaggedHash("folio/commit", chain_id || 0x00 || height u64 LE || block hash).
Hash256 CommitMessage(const std::string& chain_id, uint64_t height, const Hash256& block_hash);
// Signatures needed out of n validators: floor(2n/3) + 1 (2f+1 when n = 3f+1).
size_t CommitQuorum(size_t n);
// Empty when `cert` holds valid signatures of at least CommitQuorum(validators) distinct members
// of `validators` over the header's CommitMessage; else the reason.
std::string VerifyCommitCert(const std::string& chain_id, const BlockHeader& header, const CommitCert& cert,
                             const std::vector<PublicKey>& validators);

// How a work was registered: the register_work transaction and its receipt, each proven under the
// certified header of the block that executed them (docs/certificates.md).
struct RegistrationProof {
    Bytes header;         // EncodeHeader of the registration block (height = the record's registered_height)
    Bytes commit;         // its EncodeCommitCert
    Bytes tx;             // EncodeTx of the register_work transaction
    Bytes tx_proof;       // EncodeMerkleProof of its id under header.tx_root (count = tx_count)
    Bytes receipt;        // EncodeReceipt of its receipt
    Bytes receipt_proof;  // EncodeMerkleProof of SHA-256(receipt) under header.receipts_root
};

// The parts of a work certificate (the JSON document carries them hex-encoded).
struct WorkCertificate {
    std::string chain_id;
    Bytes work_record;  // EncodeWork of the state record
    Bytes proof;        // EncodeSmtProof of key "w/" + id under header.state_root
    Bytes header;       // EncodeHeader
    Bytes commit;       // EncodeCommitCert
    std::vector<Bytes> handoffs;  // EncodeHandoff of each validator-set change since genesis, in order
    RegistrationProof registration;
};
// A validator-set hand-off: the block that ended an epoch, certified by that epoch's set, and a
// state proof that its state root holds the next epoch's set (key "v/e/" + u64be epoch).
struct ValidatorHandoff {
    Bytes header;  // EncodeHeader of the epoch's last block
    Bytes commit;  // its EncodeCommitCert, by the epoch's set
    Bytes record;  // EncodeFields(ValidatorSetRecord) of the next epoch
    Bytes proof;   // EncodeSmtProof of the record's key under header.state_root
    FOLIO_FIELDS(FOLIO_MAX(header, 4096), FOLIO_MAX(commit, 1024 * 100), FOLIO_MAX(record, 1024 * 40),
                 FOLIO_MAX(proof, 1 << 16))
};
Bytes EncodeHandoff(const ValidatorHandoff& h);
Result<ValidatorHandoff, DecodeError> DecodeHandoff(ByteView b);
// The state key of an epoch's validator set record: "v/e/" + u64 big-endian epoch.
Bytes ValidatorSetKey(uint64_t epoch);
// Verifies that `commit_bytes` (an EncodeCommitCert) certifies `header` on chain `chain_id`,
// following `handoffs` (EncodeHandoff of each validator-set change since genesis, in order) from
// the genesis set to the set in force at the header's height. Empty when valid; else the reason.
std::string VerifyCertifiedHeader(const BlockHeader& header, ByteView commit_bytes, const std::vector<Bytes>& handoffs,
                                  const std::string& chain_id, const std::vector<PublicKey>& genesis_validators);
// Verifies a certificate for the file whose SHA-256 is `fingerprint` against the genesis
// `chain_id` and validator set, following the hand-offs to the set in force at the certified
// height: the work's current record in the certified state, and its registration — the
// register_work transaction (signed by the record's registrant, for this fingerprint) and its
// successful receipt (work_registered with this id) under the certified header of the block the
// record names. Empty when valid; else the first reason it fails.
std::string VerifyWorkCertificate(const Hash256& fingerprint, const WorkCertificate& cert, const std::string& chain_id,
                                  const std::vector<PublicKey>& genesis_validators);

}  // namespace folio::protocol
