#pragma once
// The byzantine validator's message builders (folio-byzantine, fault scenario S19 in
// docs/reliability.md). Pure: every message comes from the node's own encoders
// (protocol::EncodeBatch, consensus::EncodeMessage, the ShellMsg framing of node/engine) and a
// seeded generator, so a run is reproducible from its seed. Signed messages use the given signer.
// Unit tests: messages_tests.cpp.
#include <cstdint>
#include <vector>

#include <node/consensus/crypto.h>
#include <node/consensus/types.h>
#include <node/core/bytes.h>
#include <node/engine/bft_engine.h>

namespace folio::byz {

// splitmix64: the builders' only source of variety (deterministic per seed).
class Rng {
public:
    explicit Rng(uint64_t seed) : m_s(seed) {}
    uint64_t Next();
    uint64_t Below(uint64_t n) { return n ? Next() % n : 0; }
    Bytes Fill(size_t n);
    Hash256 Hash();

private:
    uint64_t m_s;
};

// A shell message: the type byte, then the body (what BftEngine::HandleNet reads).
Bytes Shell(engine::ShellMsg type, ByteView body);
inline Bytes Shell(uint8_t type, ByteView body) { return Shell(static_cast<engine::ShellMsg>(type), body); }

// An encoded protocol::Batch nobody asked for: `txs` transactions of `tx_bytes` random bytes each
// (well-formed for DecodeBatch; not decodable transactions) and the block time `time_ms`. Two calls
// give two distinct batches (hence two distinct hashes).
Bytes UnsolicitedBatch(Rng& rng, size_t txs, size_t tx_bytes, uint64_t time_ms);
// The body of a BATCH_REQUEST for a random (unknown) hash.
Bytes BatchRequestBody(Rng& rng);
// The body of a CERT_REQUEST: `count` u64 heights from `first` (the engine answers at most
// CERT_PULL_MAX of them).
Bytes CertRequestBody(uint64_t first, size_t count);

// Far-future consensus messages, correctly signed by `signer` (its key is the sender's): a vote, a
// timeout and a proposal for `round` in `epoch`, about random blocks. The timeout's and the
// proposal's QC is a round-0 QC without signatures (what genesis certifies).
consensus::Message FutureVote(consensus::Signer& signer, consensus::Epoch epoch, consensus::Round round, Rng& rng);
consensus::Message FutureTimeout(consensus::Signer& signer, consensus::Epoch epoch, consensus::Round round);
consensus::Message FutureProposal(consensus::Signer& signer, consensus::Epoch epoch, consensus::Round round, Rng& rng);
// The same message with one bit of its signature flipped (decodes; does not verify).
consensus::Message WithBadSignature(consensus::Message m);
// The message's signed digest and signature (for tests and the summary): the digest its signer
// signs (VoteDigest, TimeoutDigest or ProposalDigest) and the signature it carries.
struct Signed {
    Hash256 digest;
    Signature sig;
    PublicKey signer;
};
Signed SignedPart(const consensus::Message& m);

// Malformed shell messages, one per call, cycling through kinds by `i`:
//  0 a CONSENSUS message cut short, 1 a BATCH cut short, 2 a CONSENSUS body under the BATCH type,
//  3 a type byte no shell message has, 4 a BATCH_REQUEST of the wrong length, 5 random bytes under
//  the CONSENSUS type, 6 a LEDGER_SIG of random bytes, 7 a CERT of random bytes, 8 an EVIDENCE of
//  random bytes, 9 a TXS list of random bytes, 10 the empty message.
inline constexpr size_t MALFORMED_KINDS = 11;
Bytes Malformed(size_t i, consensus::Signer& signer, Rng& rng);
const char* MalformedName(size_t i);

}  // namespace folio::byz
