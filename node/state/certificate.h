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
#include <node/state/types.h>

namespace folio::state {

// The commit certificate of a block: signatures of validators over CommitMessage.
struct CommitCert {
    std::vector<std::pair<PublicKey, Signature>> signatures;  // sorted by key
};
Bytes EncodeCommitCert(const CommitCert& c);
Result<CommitCert, DecodeError> DecodeCommitCert(ByteView b);
// What a validator signs to commit a block: TaggedHash("folio/commit", chain_id || 0x00 || height u64 LE || block hash).
Hash256 CommitMessage(const std::string& chain_id, uint64_t height, const Hash256& block_hash);
// Signatures needed out of n validators: 2f+1 with f = floor((n-1)/3).
size_t CommitQuorum(size_t n);
// Empty when `cert` holds valid signatures of at least CommitQuorum(validators) distinct members
// of `validators` over the header's CommitMessage; else the reason.
std::string VerifyCommitCert(const std::string& chain_id, const BlockHeader& header, const CommitCert& cert,
                             const std::vector<PublicKey>& validators);

// The parts of a work certificate (the JSON document carries them hex-encoded).
struct WorkCertificate {
    std::string chain_id;
    Bytes work_record;  // EncodeWork of the state record
    Bytes proof;        // EncodeSmtProof of key "w/" + id under header.state_root
    Bytes header;       // EncodeHeader
    Bytes commit;       // EncodeCommitCert
    std::vector<Bytes> handoffs;  // validator-set changes since genesis (none exist yet: must be empty)
};
// Verifies a certificate for the file whose SHA-256 is `fingerprint` against the genesis
// `chain_id` and validator set. Empty when valid; else the first reason it fails.
std::string VerifyWorkCertificate(const Hash256& fingerprint, const WorkCertificate& cert, const std::string& chain_id,
                                  const std::vector<PublicKey>& genesis_validators);

}  // namespace folio::state
