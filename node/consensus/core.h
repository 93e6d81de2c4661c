#pragma once
// The BFT protocol as a pure state machine: DiemBFT v4 / Jolteon (two-chain HotStuff with timeout
// certificates and a pacemaker), see docs/consensus.md.
//
// Inputs are On* calls with the current time in ms; each returns the Actions the shell must carry
// out, in order. Contract with the shell:
//  - PersistSafety must be written and fsynced before any later Send/Broadcast of the same list
//    is executed (a crash in between is safe: nothing signed left the node).
//  - Commit lists blocks in height order; the shell stores them durably and tells Restore the
//    highest height it stored.
//  - ScheduleTimer(deadline): call OnTimer(now) once now >= deadline (only the latest matters).
//  - RequestPayload: the shell builds a block's payload and answers OnPayloadReady.
//  - Every block the shell sees in a received Proposal or BlockResponse (and its own proposals)
//    is kept in its block store and handed to Restore after a restart.
// Not thread-safe: one thread drives a Core.
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <variant>
#include <vector>

#include <node/consensus/crypto.h>
#include <node/consensus/types.h>

namespace folio::consensus {

struct Config {
    uint64_t base_timeout_ms = 1000;  // round timeout after a round entered by a QC
    uint64_t max_timeout_ms = 8000;   // back-off cap: base * 2^k, k = consecutive timed-out rounds
    uint32_t fetch_count = 32;        // ancestors asked for in one BlockRequest (<= 64)
    uint64_t retain_committed = 4096; // committed blocks kept to answer BlockRequests
    size_t max_orphans = 2048;        // blocks waiting for their parent (also: block ids asked for)
    // Votes and timeouts for a round more than this far ahead of ours are dropped (Reject
    // FUTURE_ROUND) before anything is kept for them, so a faulty validator's signatures for far
    // rounds cannot grow the aggregation maps. An honest message that far ahead means we are
    // behind: the certificates it carries are still processed (a timeout's QC/TC), and proposals,
    // timeouts and SyncInfo bring us to the round (docs/consensus.md, "Bounds").
    uint64_t max_future_rounds = 256;
    // Leader election override for the simulator's Twins scenarios (tests/sim): when not empty,
    // the leader of round r (1 <= r <= size) of epoch 0 is members[leader_schedule[r - 1]];
    // every other round is round robin (ValidatorSet::Leader). Every instance must be given the
    // same schedule. Safety does not depend on the leader election, only liveness does; the node
    // leaves it empty.
    std::vector<uint32_t> leader_schedule;
};

struct SendAction {
    PublicKey to;
    Message msg;
};
// To every peer (validators and observers), not to ourselves.
struct BroadcastAction {
    Message msg;
};
struct PersistSafetyAction {
    SafetyState state;
};
struct CommittedBlock {
    uint64_t height = 0;
    BlockId id;
    Block block;
};
// Blocks newly committed, in height order. commit_cert proves (VerifyCommitCertificate) that
// commit_cert.data.parent_id is committed; it is the last block listed or a descendant of it (a
// descendant only when an epoch ends: see docs/consensus.md, "Validator-set changes").
struct CommitAction {
    std::vector<CommittedBlock> blocks;
    QuorumCert commit_cert;
};
// The validator set `next` is in force from block height `first_height` (the committed
// set-changing block's child) on.
struct EpochChangeAction {
    ValidatorSet next;
    uint64_t first_height = 0;
};
struct ScheduleTimerAction {
    uint64_t deadline_ms = 0;
};
// We lead `round`: build a payload on top of `parent_id` (at `height`) and call OnPayloadReady.
struct RequestPayloadAction {
    Epoch epoch = 0;
    Round round = 0;
    BlockId parent_id;
    uint64_t height = 0;
};
struct EvidenceAction {
    Evidence evidence;
};
// A message from `from` was dropped for `error` (the shell may log or score the peer).
// FUTURE_ROUND and EQUIVOCATION name bounds (docs/consensus.md, "Bounds").
struct RejectAction {
    PublicKey from;
    ConsensusError error;
};

using Action = std::variant<SendAction, BroadcastAction, PersistSafetyAction, CommitAction, EpochChangeAction,
                            ScheduleTimerAction, RequestPayloadAction, EvidenceAction, RejectAction>;
using Actions = std::vector<Action>;

class Core {
public:
    // `signer` and `verifier` must outlive the Core. The signer's key may be outside the set
    // (an observer: it follows and commits but never signs).
    Core(Config config, ValidatorSet genesis_set, const Hash256& genesis_payload, Signer& signer,
         const Verifier& verifier);

    // A fresh start (nothing persisted): enters round 1.
    Actions Start(uint64_t now);
    // A restart: `safety` as last persisted, every stored block (any order), and the highest
    // committed height the shell stored. Re-derives the tree and commits; Commit actions are
    // emitted only above `committed_height`. Call instead of Start.
    Actions Restore(const SafetyState& safety, std::span<const Block> stored_blocks, uint64_t committed_height,
                    uint64_t now);
    // A restart from an anchor (MakeAnchor, persisted by the shell) instead of genesis: the tree
    // begins at the anchor's root, with the committed ancestors of the root that are among
    // `stored_blocks` (at most retain_committed of them, for peers' BlockRequests); stored blocks
    // at or below the root's round, or that do not chain to it, are ignored. The anchor's root
    // height must not exceed `committed_height` (the shell made it from executed blocks only).
    Actions Restore(const SafetyState& safety, const Anchor& anchor, std::span<const Block> stored_blocks,
                    uint64_t committed_height, uint64_t now);
    // An anchor at the highest committed block of the tree at or below `max_height` (the shell
    // passes its executed height): restoring from it, and the blocks stored after its root, gives
    // back this tree's committed state. Nullopt when that block lies before the current epoch's
    // root (an epoch change is not executed yet) or is no longer in the tree. The shell persists
    // it before it deletes the blocks the tree no longer holds (docs/consensus.md, "Pruning").
    std::optional<Anchor> MakeAnchor(uint64_t max_height) const;

    Actions OnMessage(const PublicKey& from, const Message& msg, uint64_t now);
    Actions OnProposal(const PublicKey& from, const Proposal& p, uint64_t now);
    Actions OnVote(const PublicKey& from, const Vote& v, uint64_t now);
    Actions OnTimeout(const PublicKey& from, const TimeoutMsg& t, uint64_t now);
    Actions OnSyncInfo(const PublicKey& from, const SyncInfo& s, uint64_t now);
    Actions OnBlockRequest(const PublicKey& from, const BlockRequest& q, uint64_t now);
    Actions OnBlockResponse(const PublicKey& from, const BlockResponse& r, uint64_t now);
    Actions OnTimer(uint64_t now);
    // Answer to RequestPayload. Ignored (Reject STALE) if the round or parent moved on meanwhile.
    // `next_validators` proposes a validator-set change (epoch must be current + 1).
    Actions OnPayloadReady(Round round, const BlockId& parent_id, const Hash256& payload,
                           std::optional<ValidatorSet> next_validators, uint64_t now);

    // The checks OnProposal applies to a proposal of the current epoch before it keeps anything
    // (proposer in the set and leader of the round, its signature, the parent QC and TC, the
    // round justified by them), without changing the state. Ok for a proposal of another epoch
    // (OnProposal answers those: an older one with SyncInfo, a later one is kept as an orphan).
    // The shell calls it before it stores a proposal or fetches its payload.
    Status<ConsensusError> CheckProposal(const Proposal& p) const;

    // --- observers (for the shell, tests and the simulator) ---
    Epoch CurrentEpoch() const { return m_epoch; }
    Round CurrentRound() const { return m_round; }
    const ValidatorSet& Validators() const { return m_vset; }
    const SafetyState& Safety() const { return m_safety; }
    const QuorumCert& HighQc() const { return m_hqc; }
    uint64_t CommittedHeight() const { return m_committed_height; }
    const BlockId& CommittedId() const { return m_committed; }
    // True when a block of (`epoch`, `round`) can no longer commit: at or below the committed
    // block's epoch and round (a late or replayed proposal).
    bool AtOrBelowCommitted(Epoch epoch, Round round) const {
        auto it = m_blocks.find(m_committed);
        if (it == m_blocks.end()) return false;
        return std::tie(epoch, round) <= std::tie(it->second.block.epoch, it->second.block.round);
    }
    const PublicKey& Key() const { return m_signer.Key(); }
    bool HasBlock(const BlockId& id) const { return m_blocks.count(id) != 0; }
    // Whether a block of the tree is committed (nullopt: not in the tree).
    std::optional<bool> IsCommitted(const BlockId& id) const {
        auto it = m_blocks.find(id);
        return it == m_blocks.end() ? std::nullopt : std::optional<bool>(it->second.committed);
    }
    // The height of a block in the tree (nullopt if unknown).
    std::optional<uint64_t> HeightOf(const BlockId& id) const {
        auto it = m_blocks.find(id);
        return it == m_blocks.end() ? std::nullopt : std::optional<uint64_t>(it->second.height);
    }
    // "e<epoch> r<round> hqc<round> c<height>"
    std::string DebugString() const;
    // The sizes of the core's maps (for the bounds' tests and the shell's log).
    struct Sizes {
        size_t blocks = 0, orphans = 0, wanted = 0, votes = 0, timeouts = 0, seen = 0;
    };
    Sizes MapSizes() const;
    // The blocks the last input call (On*, Start) inserted into the tree, in insertion order,
    // handed out once: the shell stores exactly these, so nothing that failed the core's checks
    // is written (docs/consensus.md, "Bounds"). Restore's re-inserted blocks are not listed.
    std::vector<Block> TakeInserted();

private:
    struct TreeNode {
        Block block;
        uint64_t height = 0;
        bool committed = false;
    };
    struct VoteAgg {
        VoteData data;
        std::map<uint32_t, Signature> sigs;
        bool formed = false;
    };
    struct Seen {
        Bytes body;
        Signature sig;
        bool reported = false;
        uint32_t conflicts = 0;  // later statements for the slot that differ from `body`
    };

    Actions Take();
    void Emit(Action a) { m_out.push_back(std::move(a)); }
    void Reject(const PublicKey& from, ConsensusError e) { Emit(RejectAction{from, e}); }
    void Persist() { Emit(PersistSafetyAction{m_safety}); }
    bool IsMember() const { return m_my_index.has_value(); }
    bool CanSign() const { return IsMember() && m_safety.epoch == m_epoch && !m_restoring; }

    // The leader of `round` in the current epoch (Config::leader_schedule, else round robin).
    const PublicKey& LeaderOf(Round round) const;
    Round HqcRound() const { return QcRoundIn(m_hqc); }
    Round QcRoundIn(const QuorumCert& qc) const { return qc.data.epoch == m_epoch ? qc.data.round : 0; }
    BlockId ProposalParent() const;
    Status<ConsensusError> VerifyQcInContext(const QuorumCert& qc) const;

    // Records the statement; emits evidence at the first conflict. Returns how many conflicting
    // statements this slot has seen, this one included (0: the first, or the same again).
    uint32_t CheckEquivocation(StatementKind kind, Round round, uint32_t index, const PublicKey& key, Bytes body,
                               const Signature& sig);
    // True (and a Reject FUTURE_ROUND) when `round` is beyond max_future_rounds ahead of ours.
    bool TooFarAhead(const PublicKey& from, Round round);
    void ProcessQc(const PublicKey& from, const QuorumCert& qc);
    void ProcessTc(const TimeoutCert& tc);
    void TryCommit(const PublicKey& from, const QuorumCert& qc);
    void CommitTo(const PublicKey& from, const BlockId& target, const QuorumCert& qc);
    void EnterEpoch(const ValidatorSet& next, const BlockId& root, const QuorumCert& cert,
                    const std::set<BlockId>& proof);
    void AdvanceRound(Round r, bool via_tc);
    void MaybePropose();
    void Propose(const Hash256& payload, std::optional<ValidatorSet> next);
    void TryVote(const Block& b, const BlockId& id);
    void AddVote(uint32_t index, const Vote& v, const Hash256& digest);
    void AddTimeout(uint32_t index, Round round, Round hqc_round, const Signature& sig);
    void LocalTimeout();
    void ArmTimer();
    void Fetch(const PublicKey& from, const BlockId& id);
    void Unwant(const BlockId& id);
    void SendSync(const PublicKey& to, bool older_epoch);
    // Inserts a block whose certificates were already processed. Returns true if it is in the tree.
    bool InsertBlock(const PublicKey& from, const Block& b);
    bool InsertBlock(const PublicKey& from, const Block& b, const BlockId& id);
    Status<ConsensusError> ValidateBlock(const Block& b, const TreeNode& parent) const;
    bool ChainHasPendingReconfig(const BlockId& id) const;
    // For a block of epoch + 1 that carries our epoch's commit certificate: process it first.
    void PreprocessNextEpochBlock(const PublicKey& from, const Block& b);
    void RetryOrphans();
    void Prune();
    Actions Restore(const SafetyState& safety, const Anchor* anchor, std::span<const Block> stored_blocks,
                    uint64_t committed_height, uint64_t now);
    void LoadAnchor(const Anchor& anchor, std::span<const Block> stored_blocks);

    Config m_config;
    Signer& m_signer;
    const Verifier& m_verifier;
    uint64_t m_now = 0;
    Actions m_out;
    bool m_restoring = false;
    uint64_t m_commit_floor = 0;  // Commit actions only above this height (Restore)

    // Epoch.
    Epoch m_epoch = 0;
    ValidatorSet m_vset;
    std::optional<ValidatorSet> m_prev_vset;
    std::optional<uint32_t> m_my_index;
    BlockId m_epoch_root;         // genesis, or the committed block that changed the set
    QuorumCert m_epoch_root_qc;   // genesis QC, or the previous epoch's commit certificate

    // Block tree.
    std::map<BlockId, TreeNode> m_blocks;
    std::map<std::pair<BlockId, BlockId>, Block> m_orphans;  // (parent id, id) -> block
    std::map<BlockId, uint64_t> m_wanted;                    // ids we asked peers for -> ask number
    std::map<uint64_t, BlockId> m_wanted_order;              // ask number -> id (oldest evicted first)
    uint64_t m_wanted_seq = 0;
    std::vector<Block> m_inserted;       // inserted by the current input call
    std::vector<Block> m_last_inserted;  // by the last one (TakeInserted)
    BlockId m_committed;
    uint64_t m_committed_height = 0;
    uint64_t m_pruned_at = 0;  // the committed height at the last Prune
    Round m_committed_round = 0;
    std::optional<QuorumCert> m_pending_commit;  // commit cert whose target we lack

    // Pacemaker.
    Round m_round = 0;
    QuorumCert m_hqc;
    std::optional<TimeoutCert> m_htc;  // highest TC of this epoch
    uint32_t m_timeout_streak = 0;
    uint64_t m_interval = 0;
    uint64_t m_deadline = 0;
    Round m_payload_requested = 0;

    // Aggregation and equivocation detection (this epoch only).
    std::map<std::pair<Round, Hash256>, VoteAgg> m_votes;
    std::map<Round, std::map<uint32_t, std::pair<Round, Signature>>> m_timeouts;
    std::map<std::tuple<Round, StatementKind, uint32_t>, Seen> m_seen;
    mutable std::map<std::pair<Round, BlockId>, QuorumCert> m_verified_qcs;  // cache of VerifyQc

    SafetyState m_safety;
};

// Short rendering of an action list for tests and logs, one action per line.
std::string DescribeActions(const Actions& actions);

}  // namespace folio::consensus
