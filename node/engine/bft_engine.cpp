#include <node/engine/bft_engine.h>

#include <algorithm>
#include <chrono>
#include <string>

#include <boost/asio/executor_work_guard.hpp>

#include <node/core/fatal.h>
#include <node/engine/meta.h>
#include <node/engine/node_ledger.h>
#include <node/log/log.h>

namespace folio::engine {

namespace {

constexpr uint64_t IN_FLIGHT_TTL_MS = 10000;
constexpr size_t MAX_WAITING_PER_BATCH = 4;  // proposals waiting for one batch (a leader's and its equivocations)
constexpr size_t MAX_PENDING_EVIDENCE = 1024;
constexpr std::string_view LOG = ENGINE_LOG;

std::string Short(const PublicKey& k) { return k.hex().substr(0, 8); }

}  // namespace

BftEngine::BftEngine(Ledger& ledger, const SecretKey& key, BftConfig cfg)
    : BftEngine(nullptr, &ledger, key, std::move(cfg)) {}

BftEngine::BftEngine(Node& node, const SecretKey& key, BftConfig cfg)
    : BftEngine(std::make_unique<NodeLedger>(node), nullptr, key, std::move(cfg)) {}

BftEngine::BftEngine(std::unique_ptr<Ledger> owned, Ledger* borrowed, const SecretKey& key, BftConfig cfg)
    : m_owned_ledger(std::move(owned)),
      m_ledger(borrowed != nullptr ? *borrowed : *m_owned_ledger),
      m_key(key),
      m_pub(DerivePublicKey(key).value_or(PublicKey{})),
      m_cfg(std::move(cfg)),
      m_signer(key),
      m_batches(m_ledger, m_cfg.batch_limits),
      m_certifier(m_ledger, m_key, m_pub, m_sets),
      m_gossip(m_ledger),
      m_inbox(m_cfg.inbox_limits),
      m_blocks(m_ledger, m_cfg.retention) {
    Init();
}

void BftEngine::Init() {
    consensus::ValidatorSet genesis_set;
    genesis_set.epoch = 0;
    if (auto g = m_ledger.ValidatorSetOfEpoch(0)) genesis_set.members = g->members;
    m_core = std::make_unique<consensus::Core>(m_cfg.core, genesis_set, m_ledger.GenesisHash(), m_signer, m_verifier);
    m_sets.Add(1, genesis_set);
    m_sets.Load(m_ledger);
    m_sets.AllowObservers(m_cfg.observers);

    Executor::Hooks hooks;
    hooks.request_batch = [this](const Hash256& h) {
        m_batches.Want(h);  // committed data: kept (and stored) when it arrives
        BroadcastShell(ShellMsg::BATCH_REQUEST, h.view());
    };
    hooks.executed = [this](const Ledger::Executed& done, const Hash256& h) { OnExecuted(done, h); };
    m_executor = std::make_unique<Executor>(m_ledger, m_batches, std::move(hooks));

    net::TransportConfig tc;
    tc.chain_id = m_ledger.ChainId();
    tc.key = m_key;
    tc.listen_host = m_cfg.p2p_host;
    tc.listen_port = m_cfg.p2p_port;
    tc.peers = m_cfg.peers;
    tc.faults = m_cfg.faults;
    // Validators of every epoch (retired ones follow as observers) and of a scheduled set (so a
    // joining validator can sync before its epoch starts).
    tc.is_allowed_peer = [this](const PublicKey& k) { return m_sets.IsAllowedPeer(k); };
    m_net = std::make_unique<net::Transport>(m_io, tc);
    m_net->OnMessage([this](const PublicKey& from, Bytes msg) { Post(Event{Event::NET, from, std::move(msg)}); });
}

BftEngine::~BftEngine() { Stop(); }

uint16_t BftEngine::P2pPort() const { return m_net->ListenPort(); }

void BftEngine::Start() {
    m_verify = std::make_unique<VerifyPool>(m_cfg.verify_threads, m_ledger.sig_cache());
    m_net->Start();
    m_io_thread = std::thread([this] {
        auto guard = boost::asio::make_work_guard(m_io);
        m_io.run();
    });
    m_executor->Start(m_ledger.Height(), *m_verify);
    m_consensus_thread = std::thread([this] { ConsensusLoop(); });
}

void BftEngine::Stop() {
    if (m_stop.exchange(true)) return;
    m_gossip.Stop();
    m_inbox.Notify();
    if (m_consensus_thread.joinable()) m_consensus_thread.join();
    m_executor->Stop();
    if (m_verify) m_verify->Stop();  // admission tasks still queued are dropped
    m_net->Stop();
    m_io.stop();
    if (m_io_thread.joinable()) m_io_thread.join();
}

// Over the inbox's budgets (events or bytes) the event is dropped and counted: consensus
// tolerates message loss.
bool BftEngine::Post(Event e) { return m_inbox.Push(std::move(e)); }

EngineStatus BftEngine::Status() const {
    EngineStatus s;
    s.executed_height = m_executor->ExecutedHeight();
    // Published once per consensus loop: at least the executed height once execution caught up.
    s.ordered_height = std::max(m_ordered_height.load(), s.executed_height);
    s.epoch = m_epoch.load();
    s.round = m_round.load();
    // Members of the set in force only: read replicas (observers) and retired validators are
    // connected too, but do not make a quorum.
    const consensus::ValidatorSet set = m_sets.AtHeight(s.executed_height + 1);
    for (const PublicKey& k : m_net->ConnectedPeers())
        if (std::find(set.members.begin(), set.members.end(), k) != set.members.end()) ++s.peers;
    s.verify_backlog = m_gossip.Backlog();
    return s;
}

BftStats BftEngine::GetStats() const {
    BftStats s;
    Inbox::Stats in = m_inbox.GetStats();
    s.inbox_dropped = in.dropped;
    s.inbox_dropped_bytes = in.dropped_bytes;
    s.inbox_dropped_share = in.dropped_share;
    s.inbox_charged_bytes = in.charged_bytes;
    s.rejected = m_rejected.load();
    s.future_round = m_future_round.load();
    s.equivocation = m_equivocation.load();
    s.proposals_unchecked = m_unchecked.load();
    s.waiting_dropped = m_waiting_dropped.load();
    s.batches = m_batches.GetStats();
    s.blocks_pruned = m_blocks_pruned.load();
    s.batches_pruned = m_batches_pruned.load();
    return s;
}

void BftEngine::LogBounds(uint64_t now) {
    if (now - m_bounds_logged_at < BOUNDS_LOG_EVERY_MS) return;
    m_bounds_logged_at = now;
    const BftStats s = GetStats();
    const uint64_t total = s.inbox_dropped + s.rejected + s.proposals_unchecked + s.waiting_dropped +
                           s.batches.evicted + s.batches.undecodable + s.batches.swept;
    if (total == m_bounds_logged_total) return;
    m_bounds_logged_total = total;
    // The peer whose messages were dropped most (a faulty validator stands out here).
    PublicKey worst;
    uint64_t worst_count = 0;
    for (const auto& [peer, count] : m_peer_drops)
        if (count > worst_count) worst = peer, worst_count = count;
    log::Info(LOG, "bounds: messages dropped or data removed since start",
              {{"inbox_dropped", s.inbox_dropped},
               {"inbox_dropped_bytes", s.inbox_dropped_bytes},
               {"inbox_dropped_share", s.inbox_dropped_share},
               {"inbox_bytes", s.inbox_charged_bytes},
               {"rejected", s.rejected},
               {"future_round", s.future_round},
               {"equivocation", s.equivocation},
               {"proposals_unchecked", s.proposals_unchecked},
               {"waiting_dropped", s.waiting_dropped},
               {"batches_evicted", s.batches.evicted},
               {"batches_evicted_bytes", s.batches.evicted_bytes},
               {"batches_undecodable", s.batches.undecodable},
               {"batches_swept", s.batches.swept},
               {"unsolicited_held", s.batches.unsolicited},
               {"unsolicited_bytes", s.batches.unsolicited_bytes},
               {"top_peer", worst_count ? Short(worst) : std::string("-")},
               {"top_peer_drops", worst_count}});
}

void BftEngine::Gossip(const Hash256&, ByteView tx_bytes) {
    // Wake the consensus thread to flush (once per flush: later ones ride along).
    if (m_gossip.Add(tx_bytes)) Post(Event{});
}

void BftEngine::FlushGossip() {
    TxGossip::Drained d = m_gossip.Take();
    for (const Hash256& id : d.executed) m_in_flight.erase(id);
    for (const Hash256& id : d.recorded) m_evidence_pending.erase(id);
    uint64_t wall = WallMs();
    if (wall - m_in_flight_swept >= 1000) {  // a full pass, once a second (the map can be large)
        m_in_flight_swept = wall;
        for (auto it = m_in_flight.begin(); it != m_in_flight.end();)
            it = wall - it->second > IN_FLIGHT_TTL_MS ? m_in_flight.erase(it) : std::next(it);
    }
    for (const Bytes& body : TxGossip::EncodeTxsBodies(d.txs)) BroadcastShell(ShellMsg::TXS, body);
}

void BftEngine::SendShell(const PublicKey& to, ShellMsg type, ByteView body) {
    Bytes msg;
    msg.reserve(body.size() + 1);
    msg.push_back(static_cast<uint8_t>(type));
    msg.insert(msg.end(), body.begin(), body.end());
    m_net->Send(to, std::move(msg));
}

void BftEngine::BroadcastShell(ShellMsg type, ByteView body) {
    Bytes msg;
    msg.reserve(body.size() + 1);
    msg.push_back(static_cast<uint8_t>(type));
    msg.insert(msg.end(), body.begin(), body.end());
    m_net->Broadcast(msg);
}

// ------------------------------------------------------------------ consensus thread

void BftEngine::ConsensusLoop() {
    m_consensus_role.Assume();  // this thread is the consensus thread
    uint64_t now = SteadyMs();
    auto safety_raw = m_ledger.GetMeta(SAFETY_META);
    if (safety_raw) {
        auto safety = consensus::DecodeSafetyState(*safety_raw);
        if (!safety) Fatal(LOG, "persisted consensus safety state does not decode");
        // From the anchor, if blocks were pruned (docs/consensus.md, "Pruning"), else from genesis.
        BlockStore::Loaded stored = m_blocks.Load(m_cfg.core.retain_committed);
        uint64_t height = m_ledger.Height();
        log::Info(LOG, "restoring consensus",
                  {{"stored_blocks", stored.blocks.size()},
                   {"anchor", stored.anchor ? std::to_string(stored.anchor->root_height) : std::string("none")},
                   {"height", height}});
        if (stored.anchor && stored.anchor->root_height > height)
            Fatal(LOG, "the consensus anchor (height " + std::to_string(stored.anchor->root_height) +
                           ") is above the executed ledger (height " + std::to_string(height) + ")");
        Run(stored.anchor ? m_core->Restore(safety.value(), *stored.anchor, stored.blocks, height, now)
                          : m_core->Restore(safety.value(), stored.blocks, height, now),
            now);
    } else {
        Run(m_core->Start(now), now);
    }
    if (m_cfg.ledger_signatures) m_certifier.Recover(m_ledger.Height());
    uint64_t last_debug = now;
    uint64_t last_pull = now;
    while (!m_stop) {
        if (log::Enabled(log::Level::DEBUG) && SteadyMs() - last_debug >= 2000) {  // the pipeline's state
            last_debug = SteadyMs();
            log::Debug(LOG, "state",
                       {{"core", m_core->DebugString()},
                        {"executed", m_executor->ExecutedHeight()},
                        {"exec_queue", m_executor->QueueSize()},
                        {"mempool", m_ledger.PoolSize()},
                        {"in_flight", m_in_flight.size()},
                        {"verify_backlog", m_gossip.Backlog()},
                        {"waiting", m_waiting.size()}});
        }
        LogBounds(SteadyMs());
        m_ordered_height = m_core->CommittedHeight();
        m_epoch = m_core->CurrentEpoch();
        m_round = m_core->CurrentRound();
        uint64_t wait_ms = 20;
        now = SteadyMs();
        if (m_timer_deadline && m_timer_deadline > now) wait_ms = std::min<uint64_t>(wait_ms, m_timer_deadline - now);
        if (m_timer_deadline && m_timer_deadline <= now) wait_ms = 0;
        std::deque<Event> events =
            m_inbox.Wait(std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms), m_stop);
        now = SteadyMs();
        for (Event& e : events)
            if (e.kind == Event::NET) HandleNet(e.from, e.bytes, now);
        now = SteadyMs();
        if (m_timer_deadline && now >= m_timer_deadline) {
            m_timer_deadline = 0;
            Run(m_core->OnTimer(now), now);
        }
        AnswerPayload(now);
        FlushGossip();
        MaybePrune();
        AnswerAnchorRequests();
        // Pull the commit certificates of executed heights that did not gather their signatures.
        if (m_cfg.ledger_signatures && now - last_pull >= 250) {
            last_pull = now;
            Bytes pull = m_certifier.DuePulls(m_executor->ExecutedHeight(), now);
            if (!pull.empty()) BroadcastShell(ShellMsg::CERT_REQUEST, pull);
        }
        // Ask again for batches that proposals are waiting on.
        for (auto& [hash, pending] : m_waiting) {
            uint64_t& last = m_batch_requested[hash];
            if (now - last < BATCH_RETRY_MS) continue;
            last = now;
            BroadcastShell(ShellMsg::BATCH_REQUEST, hash.view());
        }
        // Forget old waiting proposals (their rounds are long gone).
        for (auto it = m_waiting.begin(); it != m_waiting.end();) {
            auto& v = it->second;
            v.erase(std::remove_if(v.begin(), v.end(), [&](const Pending& p) { return now - p.since_ms > 30000; }),
                    v.end());
            if (v.empty()) {
                m_batch_requested.erase(it->first);
                m_batches.Unwant(it->first);
                it = m_waiting.erase(it);
            } else {
                ++it;
            }
        }
    }
}

void BftEngine::HandleNet(const PublicKey& from, const Bytes& bytes, uint64_t now) {
    if (bytes.empty()) return;
    ByteView body(bytes.data() + 1, bytes.size() - 1);
    switch (static_cast<ShellMsg>(bytes[0])) {
        case ShellMsg::CONSENSUS: {
            auto msg = consensus::DecodeMessage(body);
            if (!msg) return;
            HandleConsensus(from, std::move(msg.value()), now);
            return;
        }
        case ShellMsg::BATCH: {
            Hash256 h = BatchHash(body);
            AcceptBatch(from, h, Bytes(body.begin(), body.end()));
            return;
        }
        case ShellMsg::BATCH_REQUEST: {
            if (body.size() != 32) return;
            if (auto raw = m_batches.GetRaw(Hash256::FromView(body))) SendShell(from, ShellMsg::BATCH, *raw);
            return;
        }
        case ShellMsg::LEDGER_SIG:
            if (m_cfg.ledger_signatures) m_certifier.OnSignature(from, body, m_executor->ExecutedHeight());
            return;
        case ShellMsg::CERT_REQUEST:
            if (!m_sets.IsAllowedPeer(from)) return;
        {
            LedgerCertifier::Answers answers = m_certifier.Answer(body, m_cfg.ledger_signatures);
            for (const Bytes& cert : answers.certs) SendShell(from, ShellMsg::CERT, cert);
            for (const Bytes& sig : answers.sigs) SendShell(from, ShellMsg::LEDGER_SIG, sig);
        }
            return;
        case ShellMsg::CERT:
            if (m_cfg.ledger_signatures) m_certifier.OnCertificate(body, m_executor->ExecutedHeight());
            return;
        case ShellMsg::EVIDENCE: {
            auto ev = consensus::DecodeEvidence(body);
            if (!ev) return;
            auto epoch = consensus::EvidenceEpoch(ev.value());
            auto set = epoch ? m_sets.OfEpoch(*epoch) : std::nullopt;
            if (!set || !consensus::VerifyEvidence(ev.value(), *set, m_verifier)) return;
            AddEvidence(Bytes(body.begin(), body.end()), false);
            return;
        }
        case ShellMsg::TXS:
            m_gossip.Admit(body, *m_verify, [this] { Post(Event{}); });
            return;
    }
}

std::optional<Bytes> BftEngine::AnchorAt(uint64_t height) {
    MutexLock lock(m_anchor_mu);
    const uint64_t id = m_anchor_next++;
    m_anchor_requests[id] = AnchorRequest{height, false, std::nullopt};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!m_anchor_requests[id].answered && !m_stop)
        if (!m_anchor_cv.WaitUntil(m_anchor_mu, deadline)) break;
    std::optional<Bytes> out = std::move(m_anchor_requests[id].anchor);
    m_anchor_requests.erase(id);
    return out;
}

void BftEngine::AnswerAnchorRequests() {
    MutexLock lock(m_anchor_mu);
    bool any = false;
    for (auto& [id, req] : m_anchor_requests) {
        if (req.answered) continue;
        req.answered = any = true;
        // Only once the block is executed here (the anchor then matches this node's ledger).
        if (req.height > m_executor->ExecutedHeight()) continue;
        std::optional<consensus::Anchor> a = m_core->MakeAnchor(req.height);
        if (a && a->root_height == req.height) req.anchor = consensus::EncodeAnchor(*a);
    }
    if (any) m_anchor_cv.NotifyAll();
}

void BftEngine::MaybePrune() {
    if (!m_blocks.PruneDue(m_core->CommittedHeight())) return;
    std::optional<consensus::Anchor> anchor = m_core->MakeAnchor(m_ledger.Height());
    if (!anchor || !m_blocks.PruneDue(anchor->root_height)) return;  // execution is behind: later
    BlockStore::Pruned p =
        m_blocks.Prune(*anchor, [&](const consensus::BlockId& id) REQUIRES(m_consensus_role) {
            return m_core->IsCommitted(id);
        });
    m_blocks_pruned += p.blocks;
    m_batches_pruned += p.batches;
    log::Debug(LOG, "pruned consensus blocks",
               {{"anchor", anchor->root_height},
                {"blocks", p.blocks},
                {"batches", p.batches},
                {"recent", m_blocks.RecentCount()},
                {"pruned_below", m_blocks.PrunedBelow()}});
}

void BftEngine::HandleConsensus(const PublicKey& from, consensus::Message msg, uint64_t now) {
    // Blocks the core no longer holds in memory are served from the store, within its retention.
    if (auto* q = std::get_if<consensus::BlockRequest>(&msg); q && !m_core->HasBlock(q->block_id)) {
        consensus::BlockResponse resp;
        resp.blocks = m_blocks.Chain(q->block_id, std::min<uint32_t>(q->count, consensus::MAX_FETCH_BLOCKS));
        if (!resp.blocks.empty()) {
            SendShell(from, ShellMsg::CONSENSUS, consensus::EncodeMessage(resp));
            return;
        }
    }
    if (auto* p = std::get_if<consensus::Proposal>(&msg)) {
        const consensus::Block& b = p->block;
        // Nothing is stored or fetched for a proposal before the core's checks pass (signature,
        // the round's leader, parent QC/TC, justified round): one that fails goes straight to
        // the core, which rejects it (or answers an older epoch's with SyncInfo, or keeps a
        // later epoch's block as an orphan, bounded). The block itself is stored only once the
        // core inserted it into its tree (Run, TakeInserted).
        // A proposal at or below the committed block can never commit: its batch is not fetched
        // nor referenced (it may be a committed block's, whose disk copy must never be swept).
        const bool late = m_core->AtOrBelowCommitted(b.epoch, b.round);
        if (late || !m_core->CheckProposal(*p)) {
            if (!late) ++m_unchecked;
            Run(m_core->OnMessage(from, msg, now), now);
            return;
        }
        if (b.next_validators && !ReconfigAgreed(b)) {
            log::Warn(LOG, "not voting for a validator-set change: not scheduled and due on our ledger",
                      {{"peer", Short(from)}, {"epoch", b.next_validators->epoch}});
            return;
        }
        if (!b.payload.IsZero()) {
            std::shared_ptr<const StoredBatch> batch = m_batches.Reference(b.payload, *m_verify, b.epoch, b.round);
            if (!batch) {
                auto w = m_waiting.find(b.payload);
                if ((w == m_waiting.end() && m_waiting.size() >= m_cfg.max_waiting_proposals) ||
                    (w != m_waiting.end() && w->second.size() >= MAX_WAITING_PER_BATCH)) {
                    ++m_waiting_dropped;
                    ++m_peer_drops[from];
                    return;
                }
                m_waiting[b.payload].push_back(Pending{from, std::move(msg), now});
                if (now - m_batch_requested[b.payload] >= BATCH_RETRY_MS) {
                    m_batch_requested[b.payload] = now;
                    SendShell(from, ShellMsg::BATCH_REQUEST, b.payload.view());
                }
                return;
            }
            if (!batch->verified) return;  // a batch with a bad transaction: we do not vote for it
            if (!ClockAgrees(b.proposer, batch->batch.time_ms, now)) return;  // block time too far from our clock
        }
    }
    Run(m_core->OnMessage(from, msg, now), now);
}

void BftEngine::AcceptBatch(const PublicKey& from, const Hash256& hash, Bytes raw) {
    std::shared_ptr<const StoredBatch> sb = m_batches.Accept(from, hash, std::move(raw), *m_verify);
    if (!sb) return;  // held already, or it does not decode
    // Its transactions are on their way into a block: do not propose them again meanwhile.
    uint64_t wall = WallMs();
    for (const Hash256& id : sb->commands->ids) m_in_flight.emplace(id, wall);
    m_executor->Wake();
    auto it = m_waiting.find(hash);
    if (it != m_waiting.end()) {
        std::vector<Pending> pending = std::move(it->second);
        m_waiting.erase(it);
        m_batch_requested.erase(hash);
        for (Pending& p : pending) HandleConsensus(p.from, std::move(p.msg), SteadyMs());
    }
}

void BftEngine::AnswerPayload(uint64_t now) {
    if (!m_payload_request) return;
    uint64_t wall = WallMs();
    const bool may_wait =
        now - m_payload_request_at < m_cfg.idle_block_ms && m_in_flight.empty() && m_evidence_pending.empty();
    const uint64_t added = m_ledger.PoolAddedCount();
    if (may_wait && added == m_idle_added) return;  // nothing arrived since the last empty look
    // Back-pressure from execution (as Aptos's proposal back-pressure): while this node's executor
    // still has committed blocks to run, the leader waits (at most exec_backpressure_ms) unless a
    // full batch is waiting, so that transactions gather into fewer, larger blocks. Every block
    // costs every node fixed work (the state map's upper paths, a synced commit, ledger
    // signatures), so many small blocks starve execution as load rises. An idle executor never
    // delays a proposal: at low load latency is unchanged.
    if (m_cfg.exec_backpressure_ms > 0 && now - m_payload_request_at < m_cfg.exec_backpressure_ms) {
        const size_t lag = m_executor->QueueSize();
        const size_t pool = m_ledger.PoolSize();
        const size_t fresh = pool > m_in_flight.size() ? pool - m_in_flight.size() : 0;
        if (lag > 0 && fresh < m_cfg.max_batch_txs) return;
    }
    // Only what goes into the batch is copied out of the mempool; what we (or another leader)
    // proposed and is not executed yet is skipped inside it.
    Ledger::Offer offer = m_ledger.Candidates(m_cfg.max_batch_txs, [&](const Hash256& id) {
        m_consensus_role.Assume();  // called back inline, on the consensus thread
        return m_in_flight.count(id) != 0;
    });
    Batch batch;
    batch.txs = std::move(offer.raws);
    bool idle = batch.txs.empty() && m_evidence_pending.empty();
    if (idle && may_wait) {
        m_idle_added = added;
        return;
    }
    m_idle_added = UINT64_MAX;
    batch.time_ms = wall;
    // Pending evidence goes into every batch we propose until a committed block records it (a
    // proposal can fail to commit; recording the same evidence twice is a no-op).
    for (const auto& [id, enc] : m_evidence_pending) {
        if (batch.evidence.size() >= protocol::MAX_BATCH_EVIDENCE) break;
        batch.evidence.push_back(enc);
    }
    Bytes raw = EncodeBatch(batch);
    Hash256 hash = BatchHash(raw);
    for (const Hash256& id : offer.commands->ids) m_in_flight[id] = wall;
    consensus::RequestPayloadAction req = *m_payload_request;
    m_batches.AddOwn(hash, std::move(batch), raw, std::move(offer.commands), req.epoch, req.round);
    BroadcastShell(ShellMsg::BATCH, raw);
    m_payload_request.reset();
    std::optional<consensus::ValidatorSet> next = DueChange(m_ledger, req.epoch, req.height);
    if (next) log::Info(LOG, "proposing the validator-set change", {{"epoch", next->epoch}, {"height", req.height}});
    Run(m_core->OnPayloadReady(req.round, req.parent_id, hash, next, now), now);
}

// Evidence we detected (gossip = true: tell the other validators, so whichever of them leads next
// can propose it) or received verified from a peer. Proposed by us until a block records it.
void BftEngine::AddEvidence(Bytes encoded, bool gossip) {
    Hash256 id = Sha256Of(encoded);
    if (!m_evidence_seen.insert(id).second) return;
    log::Warn(LOG, gossip ? "equivocation evidence detected here" : "equivocation evidence received",
              {{"evidence", id.hex().substr(0, 16)}});
    if (gossip) BroadcastShell(ShellMsg::EVIDENCE, encoded);
    if (m_evidence_pending.size() < MAX_PENDING_EVIDENCE) m_evidence_pending.emplace(id, std::move(encoded));
}

void BftEngine::Run(consensus::Actions actions, uint64_t now) {
    // The blocks the core just inserted into its tree (they passed its checks) are stored, before
    // any message of this list leaves (unsynced: the next synced write makes them durable).
    for (const consensus::Block& b : m_core->TakeInserted()) m_blocks.Put(b);
    for (consensus::Action& a : actions) {
        if (m_stop) return;
        std::visit(
            [&](auto& act) {
                m_consensus_role.Assume();  // runs inline, on the consensus thread
                using T = std::decay_t<decltype(act)>;
                if constexpr (std::is_same_v<T, consensus::PersistSafetyAction>) {
                    // Durable before any later message of this list leaves the node.
                    PutMetaOrFatal(m_ledger, SAFETY_META, consensus::EncodeSafetyState(act.state), true);
                } else if constexpr (std::is_same_v<T, consensus::SendAction>) {
                    if (act.to == m_pub) {
                        Post(Event{Event::NET, m_pub, [&] {
                                       Bytes m{static_cast<uint8_t>(ShellMsg::CONSENSUS)};
                                       Bytes body = consensus::EncodeMessage(act.msg);
                                       m.insert(m.end(), body.begin(), body.end());
                                       return m;
                                   }()});
                    } else {
                        SendShell(act.to, ShellMsg::CONSENSUS, consensus::EncodeMessage(act.msg));
                    }
                } else if constexpr (std::is_same_v<T, consensus::BroadcastAction>) {
                    BroadcastShell(ShellMsg::CONSENSUS, consensus::EncodeMessage(act.msg));
                } else if constexpr (std::is_same_v<T, consensus::CommitAction>) {
                    // Committed batches are kept (and stored); those of proposals at or below the
                    // committed round that did not commit are removed, memory and disk.
                    std::vector<Hash256> payloads;
                    for (const consensus::CommittedBlock& cb : act.blocks)
                        if (!cb.block.payload.IsZero()) payloads.push_back(cb.block.payload);
                    m_batches.Committed(payloads);
                    m_blocks.Committed(act.blocks);
                    if (!act.blocks.empty())
                        m_batches.Sweep(act.blocks.back().block.epoch, act.blocks.back().block.round);
                    m_executor->Enqueue(act.blocks);
                } else if constexpr (std::is_same_v<T, consensus::ScheduleTimerAction>) {
                    m_timer_deadline = act.deadline_ms;
                } else if constexpr (std::is_same_v<T, consensus::RequestPayloadAction>) {
                    m_payload_request = act;
                    m_payload_request_at = now;
                } else if constexpr (std::is_same_v<T, consensus::EvidenceAction>) {
                    log::Warn(LOG, "equivocation by a validator detected", {{"peer", Short(act.evidence.signer)}});
                    AddEvidence(consensus::EncodeEvidence(act.evidence), true);
                } else if constexpr (std::is_same_v<T, consensus::EpochChangeAction>) {
                    log::Info(LOG, "validator set epoch",
                              {{"epoch", act.next.epoch},
                               {"members", act.next.members.size()},
                               {"height", act.first_height}});
                    m_sets.Add(act.first_height, act.next);
                } else if constexpr (std::is_same_v<T, consensus::RejectAction>) {
                    // The core already dropped the message; at trace level say why.
                    ++m_rejected;
                    if (act.error == consensus::ConsensusError::FUTURE_ROUND) ++m_future_round;
                    if (act.error == consensus::ConsensusError::EQUIVOCATION) ++m_equivocation;
                    if (act.from != m_pub && !act.from.IsZero()) ++m_peer_drops[act.from];
                    if (log::Enabled(log::Level::TRACE))
                        log::Trace(LOG, "dropped a message",
                                   {{"peer", Short(act.from)},
                                    {"error", consensus::ConsensusErrorName(act.error)},
                                    {"core", m_core->DebugString()}});
                }
            },
            a);
    }
}

// ------------------------------------------------------------------ executor thread

void BftEngine::OnExecuted(const Ledger::Executed& done, const Hash256& batch_hash) {
    if (done.sets_changed) m_sets.Load(m_ledger);
    // Executed: keep the batch only in the store (for peers' requests and restarts).
    m_batches.Drop(batch_hash);
    if (m_cfg.ledger_signatures) {
        // Sign the executed header, gossip the signature, and complete the certificate with the
        // signatures already received.
        BroadcastShell(ShellMsg::LEDGER_SIG, m_certifier.SignExecuted(done.height, done.hash));
        m_certifier.Complete(m_executor->ExecutedHeight());
    }
    m_gossip.Executed(done.ids, done.evidence);
    if (m_cfg.exec_backpressure_ms > 0) Post(Event{});  // a leader held back by execution may propose now
}

bool BftEngine::ClockAgrees(const PublicKey& proposer, uint64_t block_time_ms, uint64_t now) {
    const uint64_t wall = WallMs();
    const int64_t offset = block_time_ms >= wall ? static_cast<int64_t>(block_time_ms - wall)
                                                 : -static_cast<int64_t>(wall - block_time_ms);
    const auto skew = static_cast<int64_t>(MAX_CLOCK_SKEW_MS);
    // Only a block time ahead of our clock is refused: one behind is harmless (the block time is
    // max(batch time, parent time + 1)), and refusing it would let two slow or fast clocks stop
    // the chain.
    const bool agrees = offset <= skew;
    if (proposer != m_pub) m_clock_offsets[proposer] = offset;
    if ((offset <= skew && offset >= -skew) || now - m_clock_warned_at < CLOCK_WARN_EVERY_MS) return agrees;
    m_clock_warned_at = now;
    // Our clock is the odd one out when at least 2f of the other validators' latest proposals are
    // off in the same direction (with f faulty clocks among n = 3f+1, the 2f+1 others cannot all
    // be off the same way unless ours is); otherwise the proposer's clock is off.
    const consensus::ValidatorSet set = m_sets.AtHeight(m_ledger.Height() + 1);
    size_t ahead = 0, behind = 0, others = 0;
    for (const PublicKey& k : set.members) {
        if (k == m_pub) continue;
        ++others;
        auto it = m_clock_offsets.find(k);
        if (it == m_clock_offsets.end()) continue;
        if (it->second > skew) ++ahead;
        if (it->second < -skew) ++behind;
    }
    const size_t f = (set.members.size() - 1) / 3;
    const int64_t secs = (offset < 0 ? -offset : offset) / 1000;
    if (others > 0 && std::max(ahead, behind) >= std::max<size_t>(2 * f, 1))
        log::Warn(LOG,
                  std::string("this node's clock is off: it is ") + (ahead >= behind ? "behind" : "ahead of") +
                      " the block times of most other validators by about " + std::to_string(secs) +
                      " s (the vote gate allows " + std::to_string(MAX_CLOCK_SKEW_MS / 1000) +
                      " s); fix it (check NTP)" +
                      (ahead >= behind ? ": until then this node votes for no proposal" : ""),
                  {{"offset_ms", offset}, {"validators_off", std::max(ahead, behind)}, {"of", others}});
    else
        log::Warn(LOG,
                  "a proposer's clock is off: its block time is " + std::to_string(secs) + " s " +
                      (offset > 0 ? "ahead of this node's clock; its proposal gets no vote here"
                                  : "behind this node's clock (its blocks take their parent's time + 1 ms)"),
                  {{"proposer", proposer.hex()}, {"offset_ms", offset}});
    return agrees;
}

bool BftEngine::ReconfigAgreed(const consensus::Block& b) const {
    auto parent_height = m_core->HeightOf(b.parent_id);
    if (!parent_height) return false;
    auto due = DueChange(m_ledger, b.epoch, *parent_height + 1);
    return due && *due == *b.next_validators;
}

}  // namespace folio::engine
