#include <node/consensus/core.h>

#include <algorithm>
#include <cassert>

namespace folio::consensus {

namespace {
// Conflicting proposals of one leader for one round that are still kept (besides its first):
// with two, the certified one of a twin pair is always kept; more only cost memory and disk.
constexpr uint32_t MAX_CONFLICTING_PROPOSALS = 1;
// Rounds below ours for which signed statements are remembered (equivocation detection).
constexpr Round SEEN_ROUNDS_KEPT = 64;
}  // namespace

Core::Core(Config config, ValidatorSet genesis_set, const Hash256& genesis_payload, Signer& signer,
           const Verifier& verifier)
    : m_config(config), m_signer(signer), m_verifier(verifier) {
    assert(genesis_set.Validate());
    if (m_config.fetch_count == 0 || m_config.fetch_count > MAX_FETCH_BLOCKS)
        m_config.fetch_count = static_cast<uint32_t>(MAX_FETCH_BLOCKS);
    Block genesis = GenesisBlock(genesis_set, genesis_payload);
    m_epoch = genesis_set.epoch;
    m_vset = std::move(genesis_set);
    m_my_index = m_vset.IndexOf(m_signer.Key());
    m_epoch_root = BlockIdOf(genesis);
    m_epoch_root_qc = GenesisQc(genesis);
    m_hqc = m_epoch_root_qc;
    m_committed = m_epoch_root;
    m_blocks[m_epoch_root] = TreeNode{genesis, 0, true};
    m_safety.epoch = m_epoch;
    m_interval = m_config.base_timeout_ms;
}

Actions Core::Take() {
    Actions out = std::move(m_out);
    m_out.clear();
    m_last_inserted = std::move(m_inserted);
    m_inserted.clear();
    return out;
}

Core::Sizes Core::MapSizes() const {
    return Sizes{m_blocks.size(), m_orphans.size(), m_wanted.size(), m_votes.size(), m_timeouts.size(), m_seen.size()};
}

std::vector<Block> Core::TakeInserted() {
    std::vector<Block> out = std::move(m_last_inserted);
    m_last_inserted.clear();
    return out;
}

bool Core::TooFarAhead(const PublicKey& from, Round round) {
    if (round <= m_round || round - m_round <= m_config.max_future_rounds) return false;
    Reject(from, ConsensusError::FUTURE_ROUND);
    return true;
}

std::string Core::DebugString() const {
    return "e" + std::to_string(m_epoch) + " r" + std::to_string(m_round) + " hqc" + std::to_string(HqcRound()) +
           " c" + std::to_string(m_committed_height);
}

const PublicKey& Core::LeaderOf(Round round) const {
    const auto& schedule = m_config.leader_schedule;
    if (m_epoch == 0 && round >= 1 && round <= schedule.size() && schedule[round - 1] < m_vset.Size())
        return m_vset.members[schedule[round - 1]];
    return m_vset.Leader(round);
}

BlockId Core::ProposalParent() const {
    return m_hqc.data.epoch == m_epoch ? m_hqc.data.block_id : m_epoch_root;
}

Status<ConsensusError> Core::VerifyQcInContext(const QuorumCert& qc) const {
    if (qc.data.epoch == m_epoch) {
        if (qc.data.round == 0) {
            if (qc == m_epoch_root_qc) return Ok{};
            return Fail(ConsensusError::BAD_QC);
        }
        // Most QCs arrive many times (in proposals, timeouts, sync): verify each one once.
        auto it = m_verified_qcs.find({qc.data.round, qc.data.block_id});
        if (it != m_verified_qcs.end() && it->second == qc) return Ok{};
        auto s = VerifyQc(qc, m_vset, m_verifier);
        if (s && qc.data.round + 8 >= m_round) m_verified_qcs[{qc.data.round, qc.data.block_id}] = qc;
        return s;
    }
    // The first blocks of an epoch carry the previous epoch's commit certificate.
    if (m_prev_vset && qc.data.epoch + 1 == m_epoch) {
        auto r = VerifyCommitCertificate(qc, *m_prev_vset, m_verifier);
        if (!r) return Fail(r.error());
        return Ok{};
    }
    return Fail(ConsensusError::WRONG_EPOCH);
}

// --- entry points -----------------------------------------------------------------------------

Actions Core::Start(uint64_t now) {
    m_now = now;
    AdvanceRound(1, false);
    return Take();
}

std::optional<Anchor> Core::MakeAnchor(uint64_t max_height) const {
    auto epoch_root = m_blocks.find(m_epoch_root);  // Prune never drops it
    if (epoch_root == m_blocks.end()) return std::nullopt;
    auto root = m_blocks.find(m_committed);
    while (root != m_blocks.end() && root->second.height > max_height && root->first != m_epoch_root)
        root = m_blocks.find(root->second.block.parent_id);
    if (root == m_blocks.end() || root->second.height > max_height) return std::nullopt;
    Anchor a;
    a.root = root->second.block;
    a.root_height = root->second.height;
    a.validators = m_vset;
    a.prev_validators = m_prev_vset;
    a.epoch_root = epoch_root->second.block;
    a.epoch_root_height = epoch_root->second.height;
    a.epoch_root_qc = m_epoch_root_qc;
    return a;
}

Actions Core::Restore(const SafetyState& safety, std::span<const Block> stored_blocks, uint64_t committed_height,
                      uint64_t now) {
    return Restore(safety, nullptr, stored_blocks, committed_height, now);
}

Actions Core::Restore(const SafetyState& safety, const Anchor& anchor, std::span<const Block> stored_blocks,
                      uint64_t committed_height, uint64_t now) {
    return Restore(safety, &anchor, stored_blocks, committed_height, now);
}

void Core::LoadAnchor(const Anchor& anchor, std::span<const Block> stored_blocks) {
    m_vset = anchor.validators;
    m_epoch = m_vset.epoch;
    m_prev_vset = anchor.prev_validators;
    m_my_index = m_vset.IndexOf(m_signer.Key());
    m_blocks.clear();
    m_epoch_root = BlockIdOf(anchor.epoch_root);
    m_epoch_root_qc = anchor.epoch_root_qc;
    m_hqc = m_epoch_root_qc;
    m_blocks[m_epoch_root] = TreeNode{anchor.epoch_root, anchor.epoch_root_height, true};
    BlockId root = BlockIdOf(anchor.root);
    m_blocks[root] = TreeNode{anchor.root, anchor.root_height, true};
    m_committed = root;
    m_committed_height = anchor.root_height;
    m_committed_round = anchor.root.round;
    m_pruned_at = anchor.root_height;  // the tree starts within the retention
    // The set in force, announced as after a replay through the epoch change.
    if (m_epoch > 0) Emit(EpochChangeAction{m_vset, anchor.epoch_root_height + 1});
    // The committed ancestors still stored, newest first, as far as the retention reaches.
    std::map<BlockId, const Block*> by_id;
    for (const Block& b : stored_blocks)
        if (std::tie(b.epoch, b.round) < std::tie(anchor.root.epoch, anchor.root.round)) by_id[BlockIdOf(b)] = &b;
    BlockId id = anchor.root.parent_id;
    for (uint64_t h = anchor.root_height; h > 1 && h - 1 + m_config.retain_committed >= anchor.root_height; --h) {
        auto it = by_id.find(id);
        if (it == by_id.end()) break;
        m_blocks.emplace(id, TreeNode{*it->second, h - 1, true});
        id = it->second->parent_id;
    }
}

Actions Core::Restore(const SafetyState& safety, const Anchor* anchor, std::span<const Block> stored_blocks,
                      uint64_t committed_height, uint64_t now) {
    m_now = now;
    m_safety = safety;
    m_restoring = true;
    m_commit_floor = committed_height;
    if (anchor) LoadAnchor(*anchor, stored_blocks);
    std::vector<const Block*> order;
    order.reserve(stored_blocks.size());
    for (const auto& b : stored_blocks) {
        // From an anchor: what is at or below its root is in the tree already, or dead.
        if (anchor && std::tie(b.epoch, b.round) <= std::tie(anchor->root.epoch, anchor->root.round)) continue;
        order.push_back(&b);
    }
    std::sort(order.begin(), order.end(), [](const Block* a, const Block* b) {
        return std::tie(a->epoch, a->round) < std::tie(b->epoch, b->round);
    });
    PublicKey none;
    for (const Block* b : order) {
        // From an anchor, a block of this epoch whose parent is not in the tree hung off a pruned
        // fork: never fetched.
        if (anchor && b->epoch == m_epoch && m_blocks.count(b->parent_id) == 0) continue;
        PreprocessNextEpochBlock(none, *b);
        if (b->epoch != m_epoch) {
            if (b->epoch > m_epoch && m_orphans.size() < m_config.max_orphans)
                m_orphans[{b->parent_id, BlockIdOf(*b)}] = *b;
            continue;
        }
        InsertBlock(none, *b);
    }
    // The TC and QC by which we last timed out, so the round resumes where it was.
    if (m_safety.last_timeout && m_safety.last_timeout->epoch == m_epoch) {
        const TimeoutMsg& t = *m_safety.last_timeout;
        if (VerifyQcInContext(t.high_qc)) ProcessQc(none, t.high_qc);
        if (t.last_round_tc && VerifyTc(*t.last_round_tc, m_vset, m_verifier)) ProcessTc(*t.last_round_tc);
    }
    m_restoring = false;
    // Drop what the restore emitted besides safety/commit/epoch changes (no messages, no timers).
    Actions kept;
    for (auto& a : m_out)
        if (std::holds_alternative<PersistSafetyAction>(a) || std::holds_alternative<CommitAction>(a) ||
            std::holds_alternative<EpochChangeAction>(a))
            kept.push_back(std::move(a));
    m_out = std::move(kept);
    if (m_safety.epoch < m_epoch) {
        m_safety = SafetyState{};
        m_safety.epoch = m_epoch;
        Persist();
    }
    if (m_round == 0) m_round = 1;
    m_payload_requested = 0;
    ArmTimer();
    MaybePropose();
    return Take();
}

Actions Core::OnMessage(const PublicKey& from, const Message& msg, uint64_t now) {
    struct V {
        Core& c;
        const PublicKey& from;
        uint64_t now;
        Actions operator()(const Proposal& p) { return c.OnProposal(from, p, now); }
        Actions operator()(const Vote& v) { return c.OnVote(from, v, now); }
        Actions operator()(const TimeoutMsg& t) { return c.OnTimeout(from, t, now); }
        Actions operator()(const SyncInfo& s) { return c.OnSyncInfo(from, s, now); }
        Actions operator()(const BlockRequest& q) { return c.OnBlockRequest(from, q, now); }
        Actions operator()(const BlockResponse& r) { return c.OnBlockResponse(from, r, now); }
    };
    return std::visit(V{*this, from, now}, msg);
}

void Core::PreprocessNextEpochBlock(const PublicKey& from, const Block& b) {
    if (b.epoch == m_epoch + 1 && b.parent_qc.data.epoch == m_epoch && VerifyQcInContext(b.parent_qc))
        ProcessQc(from, b.parent_qc);
}

Actions Core::OnProposal(const PublicKey& from, const Proposal& p, uint64_t now) {
    m_now = now;
    const Block& b = p.block;
    if (b.epoch < m_epoch) {
        SendSync(from, b.epoch + 1 == m_epoch);
        Reject(from, ConsensusError::WRONG_EPOCH);
        return Take();
    }
    PreprocessNextEpochBlock(from, b);
    if (b.epoch > m_epoch) {
        // A later epoch we cannot check yet: keep the block, fetch its ancestry.
        if (m_orphans.size() < m_config.max_orphans) m_orphans[{b.parent_id, BlockIdOf(b)}] = b;
        Fetch(from, b.parent_id);
        Reject(from, ConsensusError::WRONG_EPOCH);
        return Take();
    }
    if (auto s = CheckProposal(p); !s) {
        Reject(from, s.error());
        return Take();
    }
    const uint32_t proposer_index = *m_vset.IndexOf(b.proposer);
    BlockId id = BlockIdOf(b);
    // A leader's conflicting proposals for one round: evidence at the first; the first
    // MAX_CONFLICTING_PROPOSALS are kept (one may be the certified one), further ones are not
    // (a certified block we dropped is fetched when a child or commit names it).
    if (CheckEquivocation(StatementKind::PROPOSAL, b.round, proposer_index, b.proposer,
                          ProposalBody(b.epoch, b.round, id), p.sig) > MAX_CONFLICTING_PROPOSALS) {
        Reject(from, ConsensusError::EQUIVOCATION);
        return Take();
    }
    ProcessQc(from, b.parent_qc);
    if (p.last_round_tc) ProcessTc(*p.last_round_tc);
    if (b.epoch != m_epoch) return Take();
    if (b.round < m_round && m_blocks.count(id) == 0 && b.round + 1 < m_round) SendSync(from, false);
    InsertBlock(from, b, id);
    return Take();
}

Status<ConsensusError> Core::CheckProposal(const Proposal& p) const {
    const Block& b = p.block;
    if (b.epoch != m_epoch) return Ok{};
    if (!m_vset.IndexOf(b.proposer)) return Fail(ConsensusError::NOT_A_MEMBER);
    if (LeaderOf(b.round) != b.proposer) return Fail(ConsensusError::WRONG_LEADER);
    Bytes body = ProposalBody(b.epoch, b.round, BlockIdOf(b));
    if (!m_verifier.Verify(b.proposer, StatementDigest(StatementKind::PROPOSAL, body), p.sig))
        return Fail(ConsensusError::BAD_SIGNATURE);
    if (auto s = VerifyQcInContext(b.parent_qc); !s) return Fail(s.error());
    Round qcr = QcRoundIn(b.parent_qc);
    if (p.last_round_tc && !VerifyTc(*p.last_round_tc, m_vset, m_verifier)) return Fail(ConsensusError::BAD_TC);
    bool justified = b.round == qcr + 1 || (p.last_round_tc && p.last_round_tc->round + 1 == b.round &&
                                            qcr >= p.last_round_tc->MaxHqcRound());
    if (!justified) return Fail(ConsensusError::UNJUSTIFIED_ROUND);
    return Ok{};
}

Actions Core::OnVote(const PublicKey& from, const Vote& v, uint64_t now) {
    m_now = now;
    if (v.data.epoch != m_epoch) { Reject(from, ConsensusError::WRONG_EPOCH); return Take(); }
    auto index = m_vset.IndexOf(v.voter);
    if (!index) { Reject(from, ConsensusError::NOT_A_MEMBER); return Take(); }
    if (v.data.round == 0 || v.data.parent_round >= v.data.round) { Reject(from, ConsensusError::BAD_BLOCK); return Take(); }
    if (TooFarAhead(from, v.data.round)) return Take();
    Bytes body = VoteBody(v.data);
    Hash256 digest = StatementDigest(StatementKind::VOTE, body);
    if (!m_verifier.Verify(v.voter, digest, v.sig)) { Reject(from, ConsensusError::BAD_SIGNATURE); return Take(); }
    if (CheckEquivocation(StatementKind::VOTE, v.data.round, *index, v.voter, std::move(body), v.sig) > 0) {
        // One vote per validator and round is aggregated: conflicting ones only give evidence.
        Reject(from, ConsensusError::EQUIVOCATION);
        return Take();
    }
    if (v.data.round < HqcRound() || LeaderOf(v.data.round + 1) != m_signer.Key()) {
        Reject(from, ConsensusError::STALE);
        return Take();
    }
    AddVote(*index, v, digest);
    return Take();
}

Actions Core::OnTimeout(const PublicKey& from, const TimeoutMsg& t, uint64_t now) {
    m_now = now;
    if (t.epoch < m_epoch) {
        SendSync(from, t.epoch + 1 == m_epoch);
        Reject(from, ConsensusError::WRONG_EPOCH);
        return Take();
    }
    if (t.epoch == m_epoch + 1 && t.high_qc.data.epoch == m_epoch && VerifyQcInContext(t.high_qc))
        ProcessQc(from, t.high_qc);
    if (t.epoch != m_epoch) {
        // The sender is an epoch ahead of us: show it where we are, it answers with the
        // certificate that ended our epoch.
        SendSync(from, false);
        Reject(from, ConsensusError::WRONG_EPOCH);
        return Take();
    }
    auto index = m_vset.IndexOf(t.signer);
    if (!index) { Reject(from, ConsensusError::NOT_A_MEMBER); return Take(); }
    if (auto s = VerifyQcInContext(t.high_qc); !s) { Reject(from, s.error()); return Take(); }
    Round hqc_round = QcRoundIn(t.high_qc);
    if (t.round == 0 || hqc_round >= t.round) { Reject(from, ConsensusError::UNJUSTIFIED_ROUND); return Take(); }
    Bytes body = TimeoutBody(t.epoch, t.round, hqc_round);
    if (!m_verifier.Verify(t.signer, StatementDigest(StatementKind::TIMEOUT, body), t.sig)) {
        Reject(from, ConsensusError::BAD_SIGNATURE);
        return Take();
    }
    if (t.last_round_tc) {
        if (auto s = VerifyTc(*t.last_round_tc, m_vset, m_verifier); !s) { Reject(from, ConsensusError::BAD_TC); return Take(); }
    }
    // Its certificates first: they may bring us up to its round (catch-up works from any distance).
    ProcessQc(from, t.high_qc);
    if (t.last_round_tc) ProcessTc(*t.last_round_tc);
    if (t.epoch != m_epoch) return Take();
    if (TooFarAhead(from, t.round)) return Take();
    CheckEquivocation(StatementKind::TIMEOUT, t.round, *index, t.signer, std::move(body), t.sig);
    if (t.round < m_round) {
        SendSync(from, false);
        return Take();
    }
    AddTimeout(*index, t.round, hqc_round, t.sig);
    return Take();
}

Actions Core::OnSyncInfo(const PublicKey& from, const SyncInfo& s, uint64_t now) {
    m_now = now;
    if (s.epoch < m_epoch) {  // the peer is behind: help it across the epoch change
        SendSync(from, s.epoch + 1 == m_epoch);
        return Take();
    }
    if (s.high_qc.data.epoch < m_epoch) return Take();  // nothing we do not know
    if (auto st = VerifyQcInContext(s.high_qc); !st) {
        Reject(from, st.error());
    } else {
        ProcessQc(from, s.high_qc);
    }
    if (s.high_tc && s.high_tc->epoch == m_epoch) {
        if (VerifyTc(*s.high_tc, m_vset, m_verifier)) ProcessTc(*s.high_tc);
        else Reject(from, ConsensusError::BAD_TC);
    }
    return Take();
}

Actions Core::OnBlockRequest(const PublicKey& from, const BlockRequest& q, uint64_t now) {
    m_now = now;
    BlockResponse resp;
    BlockId id = q.block_id;
    uint32_t count = std::min<uint32_t>(q.count, static_cast<uint32_t>(MAX_FETCH_BLOCKS));
    while (resp.blocks.size() < count) {
        auto it = m_blocks.find(id);
        if (it == m_blocks.end() || it->second.height == 0) break;  // unknown, or a genesis block
        resp.blocks.push_back(it->second.block);
        id = it->second.block.parent_id;
    }
    if (resp.blocks.empty()) { Reject(from, ConsensusError::STALE); return Take(); }
    Emit(SendAction{from, std::move(resp)});
    return Take();
}

Actions Core::OnBlockResponse(const PublicKey& from, const BlockResponse& r, uint64_t now) {
    m_now = now;
    // Accept only blocks we asked for, and the ancestors chained to them by parent id.
    std::optional<BlockId> expect;
    const Block* oldest = nullptr;
    for (const Block& b : r.blocks) {
        BlockId id = BlockIdOf(b);
        bool wanted = m_wanted.count(id) != 0 || (expect && *expect == id);
        if (!wanted) break;
        expect = b.parent_id;
        Unwant(id);
        if (m_blocks.count(id) != 0) break;
        if (b.epoch < m_epoch) break;
        if (m_orphans.size() >= m_config.max_orphans) break;
        m_orphans[{b.parent_id, id}] = b;
        oldest = &b;
    }
    if (!expect) { Reject(from, ConsensusError::STALE); return Take(); }
    // Certificates of the received blocks: the next epoch's first block may end our epoch.
    for (auto it = r.blocks.rbegin(); it != r.blocks.rend(); ++it) PreprocessNextEpochBlock(from, *it);
    RetryOrphans();
    if (oldest && m_blocks.count(oldest->parent_id) == 0 && m_blocks.count(BlockIdOf(*oldest)) == 0)
        Fetch(from, oldest->parent_id);
    return Take();
}

Actions Core::OnTimer(uint64_t now) {
    m_now = now;
    if (now < m_deadline || m_round == 0) return Take();
    LocalTimeout();
    ArmTimer();
    return Take();
}

Actions Core::OnPayloadReady(Round round, const BlockId& parent_id, const Hash256& payload,
                             std::optional<ValidatorSet> next_validators, uint64_t now) {
    m_now = now;
    if (round != m_round || m_payload_requested != round || parent_id != ProposalParent() || !CanSign() ||
        LeaderOf(round) != m_signer.Key() || round <= m_safety.highest_proposed_round) {
        Reject(m_signer.Key(), ConsensusError::STALE);
        return Take();
    }
    if (next_validators && (next_validators->epoch != m_epoch + 1 || !next_validators->Validate())) {
        Reject(m_signer.Key(), ConsensusError::BAD_BLOCK);
        return Take();
    }
    Propose(payload, std::move(next_validators));
    return Take();
}

// --- the protocol -----------------------------------------------------------------------------

uint32_t Core::CheckEquivocation(StatementKind kind, Round round, uint32_t index, const PublicKey& key, Bytes body,
                                 const Signature& sig) {
    // Rounds this far below ours are forgotten by AdvanceRound: do not record them again.
    if (round + SEEN_ROUNDS_KEPT < m_round) return 0;
    auto [it, inserted] = m_seen.try_emplace(std::make_tuple(round, kind, index));
    if (inserted) {
        it->second.body = std::move(body);
        it->second.sig = sig;
        return 0;
    }
    if (it->second.body == body) return 0;
    if (it->second.conflicts < UINT32_MAX) ++it->second.conflicts;
    if (it->second.reported) return it->second.conflicts;
    it->second.reported = true;
    Emit(EvidenceAction{MakeEvidence(kind, key, it->second.body, it->second.sig, std::move(body), sig)});
    return it->second.conflicts;
}

void Core::ProcessQc(const PublicKey& from, const QuorumCert& qc) {
    if (qc.data.epoch != m_epoch) return;
    Epoch before = m_epoch;
    TryCommit(from, qc);
    if (m_epoch != before) return;  // the epoch ended; EnterEpoch set up the new round state
    if (qc.data.round > HqcRound()) m_hqc = qc;
    AdvanceRound(qc.data.round + 1, false);
}

void Core::ProcessTc(const TimeoutCert& tc) {
    if (tc.epoch != m_epoch) return;
    if (!m_htc || tc.round > m_htc->round) m_htc = tc;
    AdvanceRound(tc.round + 1, true);
}

void Core::TryCommit(const PublicKey& from, const QuorumCert& qc) {
#ifdef FOLIO_CONSENSUS_BREAK_COMMIT_RULE
    // Test-only (tests/sim, consensus_sim_broken): a deliberately broken safety rule — the parent
    // of any certified block commits, even across a round gap (a timeout) — so the simulator's
    // detection, failure report and exact replay can be shown to work. Never defined for the node.
    if (qc.data.round == 0) return;
#else
    if (qc.data.round == 0 || qc.data.round != qc.data.parent_round + 1) return;
#endif
    const BlockId& target = qc.data.parent_id;
    auto it = m_blocks.find(target);
    if (it != m_blocks.end() && it->second.committed) return;
    if (it == m_blocks.end()) {
        if (!m_pending_commit || m_pending_commit->data.round < qc.data.round) m_pending_commit = qc;
        Fetch(from, target);
        return;
    }
    CommitTo(from, target, qc);
}

void Core::CommitTo(const PublicKey& from, const BlockId& target, const QuorumCert& qc) {
    std::vector<BlockId> chain;
    BlockId id = target;
    while (true) {
        auto it = m_blocks.find(id);
        if (it == m_blocks.end()) {  // a gap: fetch it, retry when it arrives
            if (!m_pending_commit || m_pending_commit->data.round < qc.data.round) m_pending_commit = qc;
            Fetch(from, id);
            return;
        }
        if (it->second.committed) {
            // The chain must hang off our committed tip; anything else would be a fork, which
            // only more than f faulty validators can certify: refuse it.
            if (id != m_committed) return;
            break;
        }
        chain.push_back(id);
        id = it->second.block.parent_id;
    }
    if (m_pending_commit && m_pending_commit->data.round <= qc.data.round) m_pending_commit.reset();
    std::reverse(chain.begin(), chain.end());
    CommitAction action;
    action.commit_cert = qc;
    std::optional<ValidatorSet> next;
    std::set<BlockId> proof;  // blocks after a set change up to the certified target
    for (const BlockId& b : chain) {
        if (next) {
            proof.insert(b);
            continue;
        }
        TreeNode& node = m_blocks[b];
        node.committed = true;
        m_committed = b;
        m_committed_height = node.height;
        m_committed_round = node.block.round;
        if (node.height > m_commit_floor) action.blocks.push_back(CommittedBlock{node.height, b, node.block});
        if (node.block.next_validators) next = node.block.next_validators;  // the epoch ends here
    }
    if (!action.blocks.empty()) Emit(std::move(action));
    // Every 64 committed heights (commits can jump several at once: not by multiples of 64).
    if (m_committed_height >= m_pruned_at + 64) {
        m_pruned_at = m_committed_height;
        Prune();
    }
    if (next) EnterEpoch(*next, m_committed, qc, proof);
}

void Core::EnterEpoch(const ValidatorSet& next, const BlockId& root, const QuorumCert& cert,
                      const std::set<BlockId>& proof) {
    m_prev_vset = m_vset;
    m_vset = next;
    m_epoch = next.epoch;
    m_my_index = m_vset.IndexOf(m_signer.Key());
    m_epoch_root = root;
    m_epoch_root_qc = cert;
    m_hqc = cert;
    m_htc.reset();
    m_round = 0;
    m_timeout_streak = 0;
    m_payload_requested = 0;
    m_pending_commit.reset();
    m_votes.clear();
    m_timeouts.clear();
    m_seen.clear();
    m_verified_qcs.clear();
    // Uncommitted blocks of the old epoch are dead, except the chain that the commit certificate
    // certifies (peers still in the old epoch fetch it to verify the set change).
    for (auto it = m_blocks.begin(); it != m_blocks.end();) {
        if (!it->second.committed && proof.count(it->first) == 0) it = m_blocks.erase(it);
        else ++it;
    }
    Emit(EpochChangeAction{next, m_committed_height + 1});
    if (m_safety.epoch < m_epoch) {
        m_safety = SafetyState{};
        m_safety.epoch = m_epoch;
        Persist();
    }
    AdvanceRound(1, false);
    RetryOrphans();
}

void Core::ArmTimer() {
    if (m_restoring) return;
    m_deadline = m_now + m_interval;
    Emit(ScheduleTimerAction{m_deadline});
}

void Core::AdvanceRound(Round r, bool via_tc) {
    if (r <= m_round) return;
    m_round = r;
    m_timeout_streak = via_tc ? m_timeout_streak + 1 : 0;
    uint32_t shift = std::min<uint32_t>(m_timeout_streak, 30);
    m_interval = std::min(m_config.base_timeout_ms << shift, m_config.max_timeout_ms);
    ArmTimer();
    // Aggregation state below the previous round is useless now.
    while (!m_votes.empty() && m_votes.begin()->first.first + 1 < m_round) m_votes.erase(m_votes.begin());
    while (!m_timeouts.empty() && m_timeouts.begin()->first + 1 < m_round) m_timeouts.erase(m_timeouts.begin());
    while (!m_seen.empty() && std::get<0>(m_seen.begin()->first) + SEEN_ROUNDS_KEPT < m_round)
        m_seen.erase(m_seen.begin());
    while (!m_verified_qcs.empty() && m_verified_qcs.begin()->first.first + 8 < m_round)
        m_verified_qcs.erase(m_verified_qcs.begin());
    MaybePropose();
}

bool Core::ChainHasPendingReconfig(const BlockId& id) const {
    BlockId cur = id;
    while (true) {
        auto it = m_blocks.find(cur);
        if (it == m_blocks.end() || it->second.committed || it->second.block.epoch != m_epoch) return false;
        if (it->second.block.next_validators) return true;
        cur = it->second.block.parent_id;
    }
}

void Core::MaybePropose() {
    if (!CanSign() || m_round == 0 || LeaderOf(m_round) != m_signer.Key()) return;
    if (m_round <= m_safety.highest_proposed_round || m_payload_requested == m_round) return;
    bool justified = m_round == HqcRound() + 1 ||
                     (m_htc && m_htc->round + 1 == m_round && HqcRound() >= m_htc->MaxHqcRound());
    if (!justified) return;
    BlockId parent = ProposalParent();
    auto it = m_blocks.find(parent);
    if (it == m_blocks.end()) {
        Fetch(LeaderOf(HqcRound()), parent);
        return;
    }
    if (ChainHasPendingReconfig(parent)) {
        // Blocks after a pending set change carry no payload (docs/consensus.md).
        m_payload_requested = m_round;
        Propose(Hash256{}, std::nullopt);
        return;
    }
    m_payload_requested = m_round;
    Emit(RequestPayloadAction{m_epoch, m_round, parent, it->second.height + 1});
}

void Core::Propose(const Hash256& payload, std::optional<ValidatorSet> next) {
    Block b;
    b.epoch = m_epoch;
    b.round = m_round;
    b.parent_id = ProposalParent();
    b.parent_qc = m_hqc;
    b.payload = payload;
    b.proposer = m_signer.Key();
    b.next_validators = std::move(next);
    Proposal p;
    if (HqcRound() + 1 != m_round) p.last_round_tc = m_htc;
    m_safety.highest_proposed_round = m_round;
    Persist();
    BlockId id = BlockIdOf(b);
    Bytes body = ProposalBody(b.epoch, b.round, id);
    p.sig = m_signer.Sign(StatementDigest(StatementKind::PROPOSAL, body));
    p.block = b;
    Emit(BroadcastAction{p});
    CheckEquivocation(StatementKind::PROPOSAL, b.round, *m_my_index, b.proposer, std::move(body), p.sig);
    InsertBlock(m_signer.Key(), b, id);
}

void Core::TryVote(const Block& b, const BlockId& id) {
    if (!CanSign() || b.epoch != m_epoch || b.round != m_round) return;
    Round qcr = QcRoundIn(b.parent_qc);
    const TimeoutCert* tc = (m_htc && m_htc->round + 1 == b.round) ? &*m_htc : nullptr;
    // DiemBFT v4 safe_to_vote.
    if (b.round <= std::max(m_safety.highest_vote_round, qcr)) return;
    bool extends = b.round == qcr + 1 || (tc && qcr >= tc->MaxHqcRound());
    if (!extends) return;
    m_safety.highest_qc_round = std::max(m_safety.highest_qc_round, qcr);
    m_safety.highest_vote_round = b.round;
    Persist();
    Vote v;
    v.data = VoteData{m_epoch, b.round, id, b.parent_id, qcr};
    v.voter = m_signer.Key();
    Bytes body = VoteBody(v.data);
    Hash256 digest = StatementDigest(StatementKind::VOTE, body);
    v.sig = m_signer.Sign(digest);
    const PublicKey& next_leader = LeaderOf(b.round + 1);
    if (next_leader == m_signer.Key()) {
        CheckEquivocation(StatementKind::VOTE, b.round, *m_my_index, v.voter, std::move(body), v.sig);
        AddVote(*m_my_index, v, digest);
    } else {
        Emit(SendAction{next_leader, v});
    }
}

void Core::AddVote(uint32_t index, const Vote& v, const Hash256& digest) {
    VoteAgg& agg = m_votes[{v.data.round, digest}];
    if (agg.formed) return;
    agg.data = v.data;
    agg.sigs[index] = v.sig;
    if (agg.sigs.size() < m_vset.Quorum()) return;
    agg.formed = true;
    QuorumCert qc;
    qc.data = agg.data;
    for (const auto& [i, s] : agg.sigs) qc.sigs.push_back(QcSignature{i, s});
    ProcessQc(m_signer.Key(), qc);
}

void Core::AddTimeout(uint32_t index, Round round, Round hqc_round, const Signature& sig) {
    auto& set = m_timeouts[round];
    set[index] = {hqc_round, sig};
    if (round != m_round) return;
    // Bracha-style amplification: f+1 timeouts mean an honest node gave up on this round.
    if (set.size() >= m_vset.MaxFaulty() + 1 && m_safety.highest_timeout_round < round) LocalTimeout();
    if (set.size() < m_vset.Quorum() || m_round != round) return;
    TimeoutCert tc;
    tc.epoch = m_epoch;
    tc.round = round;
    for (const auto& [i, e] : set) tc.entries.push_back(TcEntry{i, e.first, e.second});
    ProcessTc(tc);
}

void Core::LocalTimeout() {
    if (!CanSign()) return;
    if (m_safety.last_timeout && m_safety.last_timeout->epoch == m_epoch && m_safety.last_timeout->round == m_round) {
        Emit(BroadcastAction{*m_safety.last_timeout});  // re-send, never re-sign
        return;
    }
    Round qcr = HqcRound();
    bool via_tc = m_htc && m_htc->round + 1 == m_round;
    // DiemBFT v4 safe_to_timeout.
    Round floor = std::max(m_safety.highest_vote_round == 0 ? 0 : m_safety.highest_vote_round - 1, qcr);
    if (qcr < m_safety.highest_qc_round || m_round <= floor) return;
    if (m_round != qcr + 1 && !via_tc) return;
    if (m_safety.highest_vote_round == m_round && m_safety.highest_timeout_round == m_round) return;
    TimeoutMsg t;
    t.epoch = m_epoch;
    t.round = m_round;
    t.high_qc = m_hqc;
    if (via_tc) t.last_round_tc = m_htc;
    t.signer = m_signer.Key();
    Bytes body = TimeoutBody(m_epoch, m_round, qcr);
    t.sig = m_signer.Sign(StatementDigest(StatementKind::TIMEOUT, body));
    m_safety.highest_vote_round = std::max(m_safety.highest_vote_round, m_round);
    m_safety.highest_timeout_round = m_round;
    m_safety.last_timeout = t;
    Persist();
    Emit(BroadcastAction{t});
    CheckEquivocation(StatementKind::TIMEOUT, m_round, *m_my_index, t.signer, std::move(body), t.sig);
    AddTimeout(*m_my_index, m_round, qcr, t.sig);
}

void Core::Fetch(const PublicKey& from, const BlockId& id) {
    if (m_restoring || from == m_signer.Key() || from.IsZero()) return;
    if (m_wanted.count(id) == 0) {
        // At most max_orphans ids are wanted: the oldest request is forgotten first (a later
        // epoch's proposals, which cannot be checked yet, must not grow this without bound).
        while (!m_wanted_order.empty() && m_wanted.size() >= std::max<size_t>(m_config.max_orphans, 1)) {
            m_wanted.erase(m_wanted_order.begin()->second);
            m_wanted_order.erase(m_wanted_order.begin());
        }
        m_wanted.emplace(id, m_wanted_seq);
        m_wanted_order.emplace(m_wanted_seq++, id);
    }
    Emit(SendAction{from, BlockRequest{id, m_config.fetch_count}});
}

void Core::SendSync(const PublicKey& to, bool older_epoch) {
    if (m_restoring || to == m_signer.Key() || to.IsZero()) return;
    SyncInfo s;
    s.epoch = m_epoch;
    if (older_epoch) {
        // A peer still in the previous epoch: the commit certificate that ended it.
        if (m_epoch_root_qc.data.epoch + 1 != m_epoch) return;
        s.high_qc = m_epoch_root_qc;
    } else {
        s.high_qc = m_hqc;
        s.high_tc = m_htc;
    }
    Emit(SendAction{to, std::move(s)});
}

Status<ConsensusError> Core::ValidateBlock(const Block& b, const TreeNode& parent) const {
    if (!m_vset.IndexOf(b.proposer) || LeaderOf(b.round) != b.proposer) return Fail(ConsensusError::WRONG_LEADER);
    if (auto s = VerifyQcInContext(b.parent_qc); !s) return Fail(s.error());
    Round qcr = QcRoundIn(b.parent_qc);
    if (b.parent_qc.data.epoch == m_epoch) {
        if (b.parent_id != b.parent_qc.data.block_id || parent.block.epoch != m_epoch ||
            parent.block.round != b.parent_qc.data.round)
            return Fail(ConsensusError::BAD_BLOCK);
    } else if (b.parent_id != m_epoch_root) {
        return Fail(ConsensusError::BAD_BLOCK);
    }
    if (b.round <= qcr) return Fail(ConsensusError::BAD_BLOCK);
    if (ChainHasPendingReconfig(b.parent_id) && (!b.payload.IsZero() || b.next_validators))
        return Fail(ConsensusError::BAD_BLOCK);
    if (b.next_validators && (b.next_validators->epoch != m_epoch + 1 || !b.next_validators->Validate()))
        return Fail(ConsensusError::BAD_BLOCK);
    return Ok{};
}

bool Core::InsertBlock(const PublicKey& from, const Block& b) { return InsertBlock(from, b, BlockIdOf(b)); }

bool Core::InsertBlock(const PublicKey& from, const Block& b, const BlockId& id) {
    if (m_blocks.count(id) != 0) return true;
    if (b.epoch != m_epoch) {
        if (b.epoch > m_epoch && m_orphans.size() < m_config.max_orphans) m_orphans[{b.parent_id, id}] = b;
        return false;
    }
    // A block at or below our committed round cannot be committed any more.
    auto committed = m_blocks.find(m_committed);
    if (committed != m_blocks.end() && committed->second.block.epoch == m_epoch &&
        b.round <= committed->second.block.round)
        return false;
    auto parent = m_blocks.find(b.parent_id);
    if (parent == m_blocks.end()) {
        if (m_orphans.size() < m_config.max_orphans) m_orphans[{b.parent_id, id}] = b;
        Fetch(from, b.parent_id);
        return false;
    }
    if (auto s = ValidateBlock(b, parent->second); !s) {
        Reject(from, s.error());
        return false;
    }
    uint64_t height = parent->second.height + 1;
    m_blocks[id] = TreeNode{b, height, false};
    if (!m_restoring) m_inserted.push_back(b);
    Unwant(id);
    m_orphans.erase({b.parent_id, id});
    ProcessQc(from, b.parent_qc);
    if (b.epoch != m_epoch) return true;
    if (m_pending_commit) {
        QuorumCert qc = *m_pending_commit;
        TryCommit(from, qc);
        if (b.epoch != m_epoch) return true;
    }
    // Children that were waiting for this block.
    std::vector<Block> children;
    for (auto it = m_orphans.lower_bound({id, BlockId{}}); it != m_orphans.end() && it->first.first == id;)
    {
        children.push_back(it->second);
        it = m_orphans.erase(it);
    }
    for (const Block& c : children) InsertBlock(from, c);
    if (m_blocks.count(id) != 0) {
        if (id == ProposalParent()) MaybePropose();
        if (b.epoch == m_epoch && b.round == m_round) TryVote(b, id);
    }
    return true;
}

void Core::RetryOrphans() {
    // Re-scans after each step: inserting or committing may change the orphan set.
    while (true) {
        std::optional<std::pair<BlockId, BlockId>> pick;
        bool insert = false;
        std::vector<QuorumCert> next_epoch_certs;
        for (const auto& [key, b] : m_orphans) {
            if (b.epoch < m_epoch) { pick = key; break; }
            if (b.epoch == m_epoch && m_blocks.count(b.parent_id) != 0) { pick = key; insert = true; break; }
            if (b.epoch == m_epoch + 1 && b.parent_qc.data.epoch == m_epoch && next_epoch_certs.size() < 4)
                next_epoch_certs.push_back(b.parent_qc);
        }
        if (pick) {
            Block copy = m_orphans[*pick];
            m_orphans.erase(*pick);
            if (insert) InsertBlock(PublicKey{}, copy);
            continue;
        }
        Epoch before = m_epoch;
        for (const QuorumCert& qc : next_epoch_certs) {
            if (m_epoch != before) break;
            if (VerifyQcInContext(qc)) ProcessQc(PublicKey{}, qc);
        }
        if (m_epoch == before) return;
    }
}

void Core::Prune() {
    auto committed = m_blocks.find(m_committed);
    if (committed == m_blocks.end()) return;
    Epoch tip_epoch = committed->second.block.epoch;
    Round tip_round = committed->second.block.round;
    for (auto it = m_blocks.begin(); it != m_blocks.end();) {
        const TreeNode& n = it->second;
        bool old = n.height + m_config.retain_committed < m_committed_height;
        bool drop = n.committed ? (old && n.height != 0)
                                : (old || (n.block.epoch == tip_epoch && n.block.round <= tip_round));
        if (drop && it->first != m_committed && it->first != m_epoch_root) it = m_blocks.erase(it);
        else ++it;
    }
    for (auto it = m_orphans.begin(); it != m_orphans.end();) {
        const Block& b = it->second;
        if (b.epoch < tip_epoch || (b.epoch == tip_epoch && b.round <= tip_round)) it = m_orphans.erase(it);
        else ++it;
    }
    m_wanted.clear();
    m_wanted_order.clear();
}

void Core::Unwant(const BlockId& id) {
    auto it = m_wanted.find(id);
    if (it == m_wanted.end()) return;
    m_wanted_order.erase(it->second);
    m_wanted.erase(it);
}

std::string DescribeActions(const Actions& actions) {
    struct V {
        std::string operator()(const SendAction& a) const { return "send " + Short(a.to) + " " + Describe(a.msg); }
        std::string operator()(const BroadcastAction& a) const { return "broadcast " + Describe(a.msg); }
        std::string operator()(const PersistSafetyAction& a) const {
            return "persist e" + std::to_string(a.state.epoch) + " vote" + std::to_string(a.state.highest_vote_round) +
                   " qc" + std::to_string(a.state.highest_qc_round) + " tmo" +
                   std::to_string(a.state.highest_timeout_round) + " prop" +
                   std::to_string(a.state.highest_proposed_round);
        }
        std::string operator()(const CommitAction& a) const {
            std::string s = "commit";
            for (const auto& b : a.blocks) s += " h" + std::to_string(b.height) + "=" + Short(b.id);
            return s;
        }
        std::string operator()(const EpochChangeAction& a) const {
            return "epoch " + std::to_string(a.next.epoch) + " from h" + std::to_string(a.first_height);
        }
        std::string operator()(const ScheduleTimerAction& a) const { return "timer " + std::to_string(a.deadline_ms); }
        std::string operator()(const RequestPayloadAction& a) const {
            return "request_payload r" + std::to_string(a.round) + " h" + std::to_string(a.height);
        }
        std::string operator()(const EvidenceAction& a) const {
            return "evidence kind" + std::to_string(static_cast<int>(a.evidence.kind)) + " " + Short(a.evidence.signer);
        }
        std::string operator()(const RejectAction& a) const {
            return std::string("reject ") + ConsensusErrorName(a.error);
        }
    };
    std::string out;
    for (const auto& a : actions) out += std::visit(V{}, a) + "\n";
    return out;
}

}  // namespace folio::consensus
