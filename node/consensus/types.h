#pragma once
// The data of the BFT protocol (DiemBFT v4 / Jolteon, docs/consensus.md): validator sets, blocks,
// certificates, the signed messages, equivocation evidence and the persisted safety state, each
// with its canonical encoding (node/core/codec.h) and strict decoder. All types are plain values;
// nothing here is thread-safe per object, and nothing does I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/core/result.h>

namespace folio::consensus {

using Round = uint64_t;
using Epoch = uint64_t;
using BlockId = Hash256;

// Decoder limits (a message over them is rejected as TOO_LONG).
constexpr size_t MAX_VALIDATORS = 1024;
constexpr size_t MAX_FETCH_BLOCKS = 64;

// Why a message or certificate was refused. Everything except the decode errors is a
// deterministic judgement of a peer's message against our state ("invalid"), never a local error.
enum class ConsensusError : uint8_t {
    DECODE = 1,            // malformed bytes (see DecodeError)
    WRONG_EPOCH,           // not for the epoch we are in (too old, or a future one we cannot check)
    NOT_A_MEMBER,          // signer not in the validator set in force
    BAD_SIGNATURE,         // a signature does not verify
    BAD_QC,                // quorum certificate malformed, under quorum, or signatures invalid
    BAD_TC,                // timeout certificate malformed, under quorum, or signatures invalid
    WRONG_LEADER,          // proposal not from the round's leader
    BAD_BLOCK,             // block breaks a structural rule (parent, rounds, payload, set change)
    UNJUSTIFIED_ROUND,     // proposal round not justified by its QC or TC
    STALE,                 // old round / already known: dropped without harm
    NOT_A_COMMIT_CERT,     // QC does not certify two consecutive rounds
    BAD_EVIDENCE,          // evidence does not prove an equivocation
    FUTURE_ROUND,          // round beyond Config::max_future_rounds ahead of ours: dropped, nothing kept
    EQUIVOCATION,          // a further conflicting statement for a round: evidence emitted, not aggregated
};
const char* ConsensusErrorName(ConsensusError e);

// A validator set: epoch number and members in leader-rotation order, each with voting power 1.
// Invariants (checked by Validate and the decoder): 1..MAX_VALIDATORS members, no duplicates.
struct ValidatorSet {
    Epoch epoch = 0;
    std::vector<PublicKey> members;

    size_t Size() const { return members.size(); }
    // f = the number of faults tolerated: floor((n - 1) / 3).
    size_t MaxFaulty() const { return members.empty() ? 0 : (members.size() - 1) / 3; }
    // Votes needed for a certificate: floor(2n / 3) + 1 (= 2f + 1 when n = 3f + 1).
    size_t Quorum() const { return members.size() * 2 / 3 + 1; }
    // Index of `key` in members, or nullopt.
    std::optional<uint32_t> IndexOf(const PublicKey& key) const;
    // The leader of `round`: members[round mod n]. Precondition: non-empty.
    const PublicKey& Leader(Round round) const { return members[round % members.size()]; }
    bool Validate() const;
    bool operator==(const ValidatorSet&) const = default;
};

// One signature inside a quorum certificate: the signer's index in the set in force.
struct QcSignature {
    uint32_t index = 0;
    Signature sig;
    bool operator==(const QcSignature&) const = default;
};

// What a vote signs: the certified block and its parent (so a QC alone proves the two-chain
// commit rule: round == parent_round + 1 commits parent_id).
struct VoteData {
    Epoch epoch = 0;
    Round round = 0;
    BlockId block_id;
    BlockId parent_id;
    Round parent_round = 0;
    bool operator==(const VoteData&) const = default;
};

// A quorum certificate: 2f+1 votes on one VoteData, signatures sorted by strictly increasing
// index. The genesis QC (round 0, no signatures) certifies the genesis block.
struct QuorumCert {
    VoteData data;
    std::vector<QcSignature> sigs;
    bool operator==(const QuorumCert&) const = default;
};

// One entry of a timeout certificate: signer index, that signer's highest QC round, signature over
// (epoch, round, hqc_round).
struct TcEntry {
    uint32_t index = 0;
    Round hqc_round = 0;
    Signature sig;
    bool operator==(const TcEntry&) const = default;
};

// A timeout certificate for `round`: 2f+1 entries with strictly increasing indices.
struct TimeoutCert {
    Epoch epoch = 0;
    Round round = 0;
    std::vector<TcEntry> entries;
    Round MaxHqcRound() const;
    bool operator==(const TimeoutCert&) const = default;
};

// A consensus block. It orders an opaque 32-byte payload hash supplied by the shell.
// parent_id == parent_qc.data.block_id, except in the first block of an epoch, whose parent_qc is
// the previous epoch's commit certificate and whose parent is the block that changed the set.
struct Block {
    Epoch epoch = 0;
    Round round = 0;
    BlockId parent_id;
    QuorumCert parent_qc;
    Hash256 payload;
    PublicKey proposer;
    std::optional<ValidatorSet> next_validators;  // a validator-set change (epoch + 1)
    bool operator==(const Block&) const = default;
};

// The proposal message: a block signed by its proposer, with the TC that justifies its round when
// the block does not extend the previous round's QC.
struct Proposal {
    Block block;
    std::optional<TimeoutCert> last_round_tc;
    Signature sig;  // over ProposalDigest(block)
    bool operator==(const Proposal&) const = default;
};

struct Vote {
    VoteData data;
    PublicKey voter;
    Signature sig;  // over VoteDigest(data)
    bool operator==(const Vote&) const = default;
};

// A validator gave up on `round`. Signs (epoch, round, high_qc round); carries the QC itself and
// the TC by which the sender entered `round`, so receivers can catch up.
struct TimeoutMsg {
    Epoch epoch = 0;
    Round round = 0;
    QuorumCert high_qc;
    std::optional<TimeoutCert> last_round_tc;
    PublicKey signer;
    Signature sig;
    bool operator==(const TimeoutMsg&) const = default;
};

// Our position, sent to a peer that is behind (or, from a node an epoch behind, to a peer that
// is ahead, which answers with the certificate that ended that epoch). `epoch` is the sender's.
struct SyncInfo {
    Epoch epoch = 0;
    QuorumCert high_qc;
    std::optional<TimeoutCert> high_tc;
    bool operator==(const SyncInfo&) const = default;
};

// Ask a peer for block `block_id` and up to count-1 of its ancestors (1 <= count <= 64).
struct BlockRequest {
    BlockId block_id;
    uint32_t count = 1;
    bool operator==(const BlockRequest&) const = default;
};

// Answer to a BlockRequest: the block first, then its ancestors, newest to oldest.
struct BlockResponse {
    std::vector<Block> blocks;
    bool operator==(const BlockResponse&) const = default;
};

using Message = std::variant<Proposal, Vote, TimeoutMsg, SyncInfo, BlockRequest, BlockResponse>;

// Kinds of signed statements; a validator signs at most one statement of each kind per
// (epoch, round).
enum class StatementKind : uint8_t { PROPOSAL = 1, VOTE = 2, TIMEOUT = 3 };

// Two signed statements of one kind by one signer for one (epoch, round) with different
// contents. body_a < body_b (bytewise) so the evidence has one encoding.
struct Evidence {
    StatementKind kind = StatementKind::VOTE;
    PublicKey signer;
    Bytes body_a;
    Signature sig_a;
    Bytes body_b;
    Signature sig_b;
    bool operator==(const Evidence&) const = default;
};

// The safety rules' persistent state. The shell persists (fsyncs) it before any later message
// leaves the node; Restore takes it back after a restart.
struct SafetyState {
    Epoch epoch = 0;
    Round highest_vote_round = 0;      // no vote or timeout is signed at or below this (timeout: below)
    Round highest_qc_round = 0;        // the lock: highest parent-QC round voted on
    Round highest_timeout_round = 0;   // round of last_timeout (0 = none)
    Round highest_proposed_round = 0;  // never propose twice in one round
    std::optional<TimeoutMsg> last_timeout;  // re-sent verbatim, never re-signed
    bool operator==(const SafetyState&) const = default;
};

// Where the core's block tree begins after a restart once the blocks below it are pruned from
// the shell's store (docs/consensus.md, "Pruning"). Written by the shell (Core::MakeAnchor), read
// back by Core::Restore; it is this node's own committed state, trusted as such.
struct Anchor {
    Block root;                  // a committed block (the committed tip when the anchor was made)
    uint64_t root_height = 0;
    ValidatorSet validators;     // the current epoch's set
    std::optional<ValidatorSet> prev_validators;  // the previous epoch's (verifies its commit certificate)
    Block epoch_root;            // the committed block the current epoch began after (or genesis)
    uint64_t epoch_root_height = 0;
    QuorumCert epoch_root_qc;    // its certificate (genesis QC, or the previous epoch's commit certificate)
    bool operator==(const Anchor&) const = default;
};

// --- canonical encodings (docs/consensus.md, "Wire format") -----------------------------------
void Encode(Writer& w, const ValidatorSet& v);
void Encode(Writer& w, const VoteData& v);
void Encode(Writer& w, const QuorumCert& v);
void Encode(Writer& w, const TimeoutCert& v);
void Encode(Writer& w, const Block& v);
void Encode(Writer& w, const Proposal& v);
void Encode(Writer& w, const Vote& v);
void Encode(Writer& w, const TimeoutMsg& v);
void Encode(Writer& w, const SyncInfo& v);
void Encode(Writer& w, const BlockRequest& v);
void Encode(Writer& w, const BlockResponse& v);
void Encode(Writer& w, const Evidence& v);
void Encode(Writer& w, const SafetyState& v);

// Readers: on malformed input they record the error in `r` and return a partial value.
ValidatorSet ReadValidatorSet(Reader& r);
QuorumCert ReadQuorumCert(Reader& r);
TimeoutCert ReadTimeoutCert(Reader& r);
Block ReadBlock(Reader& r);

// Whole-buffer codecs: tag byte (1 proposal, 2 vote, 3 timeout, 4 sync, 5 block request,
// 6 block response) then the body. Decode rejects every non-canonical byte string.
Bytes EncodeMessage(const Message& m);
Result<Message, DecodeError> DecodeMessage(ByteView b);
Bytes EncodeEvidence(const Evidence& e);
Result<Evidence, DecodeError> DecodeEvidence(ByteView b);
Bytes EncodeSafetyState(const SafetyState& s);
Result<SafetyState, DecodeError> DecodeSafetyState(ByteView b);
Bytes EncodeBlock(const Block& b);
Result<Block, DecodeError> DecodeBlock(ByteView b);
Bytes EncodeAnchor(const Anchor& a);
Result<Anchor, DecodeError> DecodeAnchor(ByteView b);

// --- identities and signed digests ------------------------------------------------------------
// Block id: TaggedHash("folio/consensus/block", EncodeBlock(b)).
BlockId BlockIdOf(const Block& b);
// The canonical bodies that are signed, and their digests (TaggedHash with a per-kind tag).
Bytes ProposalBody(Epoch epoch, Round round, const BlockId& id);
Bytes VoteBody(const VoteData& d);
Bytes TimeoutBody(Epoch epoch, Round round, Round hqc_round);
Hash256 StatementDigest(StatementKind kind, ByteView body);
Hash256 ProposalDigest(const Block& b);
Hash256 VoteDigest(const VoteData& d);
Hash256 TimeoutDigest(Epoch epoch, Round round, Round hqc_round);

// The genesis block of a chain (epoch = set's epoch, round 0, zero parent, the given payload
// hash, zero proposer) and its QC (round 0, no signatures).
Block GenesisBlock(const ValidatorSet& set, const Hash256& payload);
QuorumCert GenesisQc(const Block& genesis);

// Short human-readable renderings for tests and logs.
std::string Short(const Hash256& h);  // first 8 hex chars
std::string Describe(const Message& m);

}  // namespace folio::consensus
