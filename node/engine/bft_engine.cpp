#include <node/engine/bft_engine.h>

#include <algorithm>
#include <chrono>
#include <string>

#include <boost/asio/executor_work_guard.hpp>

#include <node/core/fatal.h>
#include <node/engine/node_ledger.h>
#include <node/log/log.h>

namespace folio::engine {

namespace {

constexpr size_t MAX_INBOX = 200000;
constexpr uint64_t BATCH_RETRY_MS = 300;
constexpr uint64_t IN_FLIGHT_TTL_MS = 10000;
constexpr uint64_t LEDGER_SIG_WINDOW = 1000;  // heights kept ahead of/behind execution
constexpr size_t MAX_PENDING_EVIDENCE = 1024;
constexpr size_t GOSSIP_CHUNK_TXS = 128;         // gossiped transactions admitted between wake-ups
constexpr size_t MAX_VERIFY_BACKLOG = 100000;    // gossiped transactions awaiting admission

uint64_t SteadyMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
uint64_t WallMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string Short(const PublicKey& k) { return k.hex().substr(0, 8); }
std::string BlockMetaName(const consensus::BlockId& id) { return "cblock/" + id.hex(); }
std::string BatchMetaName(const Hash256& h) { return "batch/" + h.hex(); }
const char* SAFETY_META = "consensus/safety";
constexpr std::string_view LOG = "engine";  // the log component of every line (and Fatal) here

}  // namespace

void BftEngine::PutMeta(const std::string& name, ByteView value, bool sync) {
    if (auto err = m_ledger.PutMeta(name, value, sync))
        Fatal(LOG, "cannot write " + name + " to the store: " + *err);
}

BftEngine::BftEngine(Ledger& ledger, const SecretKey& key, BftConfig cfg)
    : m_ledger(ledger), m_key(key), m_pub(DerivePublicKey(key).value_or(PublicKey{})), m_cfg(std::move(cfg)), m_signer(key) {
    Init();
}

BftEngine::BftEngine(Node& node, const SecretKey& key, BftConfig cfg)
    : BftEngine(std::make_unique<NodeLedger>(node), key, std::move(cfg)) {}

BftEngine::BftEngine(std::unique_ptr<Ledger> owned, const SecretKey& key, BftConfig cfg)
    : m_owned_ledger(std::move(owned)), m_ledger(*m_owned_ledger), m_key(key),
      m_pub(DerivePublicKey(key).value_or(PublicKey{})), m_cfg(std::move(cfg)), m_signer(key) {
    Init();
}

void BftEngine::Init() {
    m_genesis_set.epoch = 0;
    if (auto g = m_ledger.ValidatorSetOfEpoch(0)) m_genesis_set.members = g->members;
    m_core = std::make_unique<consensus::Core>(m_cfg.core, m_genesis_set, m_ledger.GenesisHash(), m_signer, m_verifier);
    AddValidatorSet(1, m_genesis_set);
    LoadValidatorSets();

    net::TransportConfig tc;
    tc.chain_id = m_ledger.ChainId();
    tc.key = m_key;
    tc.listen_host = m_cfg.p2p_host;
    tc.listen_port = m_cfg.p2p_port;
    tc.peers = m_cfg.peers;
    tc.faults = m_cfg.faults;
    // Validators of every epoch (retired ones follow as observers) and of a scheduled set (so a
    // joining validator can sync before its epoch starts).
    tc.is_allowed_peer = [this](const PublicKey& k) { return IsAllowedPeer(k); };
    m_net = std::make_unique<net::Transport>(m_io, tc);
    m_net->OnMessage([this](const PublicKey& from, Bytes msg) { Post(Event{Event::NET, from, std::move(msg)}); });
}

BftEngine::~BftEngine() { Stop(); }

uint16_t BftEngine::P2pPort() const { return m_net->ListenPort(); }

void BftEngine::Start() {
    m_executed_height = m_ledger.Height();
    m_verify = std::make_unique<VerifyPool>(m_cfg.verify_threads, m_ledger.sig_cache());
    m_net->Start();
    m_io_thread = std::thread([this] {
        auto guard = boost::asio::make_work_guard(m_io);
        m_io.run();
    });
    m_exec_thread = std::thread([this] { ExecutorLoop(); });
    m_consensus_thread = std::thread([this] { ConsensusLoop(); });
}

void BftEngine::Stop() {
    if (m_stop.exchange(true)) return;
    m_cv.notify_all();
    m_exec_cv.notify_all();
    if (m_consensus_thread.joinable()) m_consensus_thread.join();
    if (m_exec_thread.joinable()) m_exec_thread.join();
    if (m_verify) m_verify->Stop();  // admission tasks still queued are dropped
    m_net->Stop();
    m_io.stop();
    if (m_io_thread.joinable()) m_io_thread.join();
}

void BftEngine::Post(Event e) {
    {
        std::lock_guard lock(m_mu);
        if (m_events.size() >= MAX_INBOX) return;  // overload: consensus tolerates message loss
        m_events.push_back(std::move(e));
    }
    m_cv.notify_one();
}

void BftEngine::Gossip(const Hash256&, ByteView tx_bytes) {
    bool first = false;
    {
        std::lock_guard lock(m_gossip_mu);
        first = m_gossip.empty();
        m_gossip.emplace_back(tx_bytes.begin(), tx_bytes.end());
    }
    // Wake the consensus thread to flush (once per flush: later ones ride along).
    if (first) Post(Event{});
}

// Gossiped transactions are admitted on the verification pool, never on the consensus thread:
// one ordered task per message (so each sender's nonces arrive in order, as sent) whose
// signature checks fan out over the pool's threads; admission then finds them in the cache.
// Over the backlog bound they are dropped: a batch that carries them gets them verified then.
void BftEngine::AdmitGossip(ByteView body) {
    Reader r(body);
    size_t n = r.Length(100000);
    std::vector<Bytes> txs;
    txs.reserve(n);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        Bytes tx = r.Blob(protocol::MAX_TX_BYTES);
        if (r.ok()) txs.push_back(std::move(tx));
    }
    if (txs.empty() || m_verify_backlog.load() + txs.size() > MAX_VERIFY_BACKLOG) return;
    m_verify_backlog += txs.size();
    auto msg = std::make_shared<std::vector<Bytes>>(std::move(txs));
    m_verify->PostOrdered([this, msg] {
        m_ledger.PreverifyGossip(*msg, *m_verify);  // fills the cache; a bad one is rejected by Admit
        for (size_t i = 0; i < msg->size(); i += GOSSIP_CHUNK_TXS) {
            for (size_t k = i; k < std::min(msg->size(), i + GOSSIP_CHUNK_TXS); ++k) {
                if (m_stop) return;
                m_ledger.AdmitGossip((*msg)[k]);
            }
            Post(Event{});  // a leader waiting for transactions may propose now
        }
        m_verify_backlog -= msg->size();
    });
}

void BftEngine::FlushGossip() {
    std::vector<Bytes> out;
    std::vector<Hash256> executed, recorded;
    {
        std::lock_guard lock(m_gossip_mu);
        out.swap(m_gossip);
        executed.swap(m_executed_ids);
        recorded.swap(m_recorded_evidence);
    }
    for (const Hash256& id : executed) m_in_flight.erase(id);
    for (const Hash256& id : recorded) m_evidence_pending.erase(id);
    uint64_t wall = WallMs();
    if (wall - m_in_flight_swept >= 1000) {  // a full pass, once a second (the map can be large)
        m_in_flight_swept = wall;
        for (auto it = m_in_flight.begin(); it != m_in_flight.end();)
            it = wall - it->second > IN_FLIGHT_TTL_MS ? m_in_flight.erase(it) : std::next(it);
    }
    for (size_t i = 0; i < out.size(); i += 2000) {
        Writer w;
        size_t end = std::min(out.size(), i + 2000);
        w.Varint(end - i);
        for (size_t k = i; k < end; ++k) w.Blob(out[k]);
        BroadcastShell(ShellMsg::TXS, w.bytes());
    }
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
    uint64_t now = SteadyMs();
    auto safety_raw = m_ledger.GetMeta(SAFETY_META);
    if (safety_raw) {
        auto safety = consensus::DecodeSafetyState(*safety_raw);
        if (!safety) Fatal(LOG, "persisted consensus safety state does not decode");
        std::vector<consensus::Block> blocks;
        m_ledger.ForEachMeta("cblock/", [&](const std::string&, const Bytes& v) {
            if (auto b = consensus::DecodeBlock(v)) blocks.push_back(std::move(b.value()));
        });
        log::Info(LOG, "restoring consensus", {{"stored_blocks", blocks.size()}, {"height", m_ledger.Height()}});
        Run(m_core->Restore(safety.value(), blocks, m_ledger.Height(), now), now);
    } else {
        Run(m_core->Start(now), now);
    }
    uint64_t last_debug = now;
    while (!m_stop) {
        if (log::Enabled(log::Level::DEBUG) && SteadyMs() - last_debug >= 2000) {  // the pipeline's state
            last_debug = SteadyMs();
            size_t exec_queue = 0;
            {
                std::lock_guard lock(m_exec_mu);
                exec_queue = m_exec_queue.size();
            }
            log::Debug(LOG, "state", {{"core", m_core->DebugString()}, {"executed", m_executed_height.load()},
                                      {"exec_queue", exec_queue}, {"mempool", m_ledger.PoolSize()},
                                      {"in_flight", m_in_flight.size()}, {"verify_backlog", m_verify_backlog.load()},
                                      {"waiting", m_waiting.size()}});
        }
        std::deque<Event> events;
        {
            std::unique_lock lock(m_mu);
            uint64_t wait_ms = 20;
            now = SteadyMs();
            if (m_timer_deadline && m_timer_deadline > now) wait_ms = std::min<uint64_t>(wait_ms, m_timer_deadline - now);
            if (m_timer_deadline && m_timer_deadline <= now) wait_ms = 0;
            m_cv.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return !m_events.empty() || m_stop.load(); });
            events.swap(m_events);
        }
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
            v.erase(std::remove_if(v.begin(), v.end(), [&](const Pending& p) { return now - p.since_ms > 30000; }), v.end());
            if (v.empty()) {
                m_batch_requested.erase(it->first);
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
            AcceptBatch(h, Bytes(body.begin(), body.end()));
            return;
        }
        case ShellMsg::BATCH_REQUEST: {
            if (body.size() != 32) return;
            auto b = GetBatch(Hash256::FromView(body));
            if (b) SendShell(from, ShellMsg::BATCH, b->raw);
            return;
        }
        case ShellMsg::LEDGER_SIG: OnLedgerSig(from, body); return;
        case ShellMsg::EVIDENCE: {
            auto ev = consensus::DecodeEvidence(body);
            if (!ev) return;
            auto epoch = consensus::EvidenceEpoch(ev.value());
            auto set = epoch ? SetOfEpoch(*epoch) : std::nullopt;
            if (!set || !consensus::VerifyEvidence(ev.value(), *set, m_verifier)) return;
            AddEvidence(Bytes(body.begin(), body.end()), false);
            return;
        }
        case ShellMsg::TXS: AdmitGossip(body); return;
    }
}

void BftEngine::HandleConsensus(const PublicKey& from, consensus::Message msg, uint64_t now) {
    if (auto* p = std::get_if<consensus::Proposal>(&msg)) {
        const consensus::Block& b = p->block;
        if (b.next_validators && !ReconfigAgreed(b)) {
            log::Warn(LOG, "not voting for a validator-set change: not scheduled and due on our ledger",
                      {{"peer", Short(from)}, {"epoch", b.next_validators->epoch}});
            return;
        }
        PutMeta(BlockMetaName(consensus::BlockIdOf(b)), consensus::EncodeBlock(b), false);
        if (!b.payload.IsZero()) {
            std::shared_ptr<const StoredBatch> batch = GetBatch(b.payload);
            if (!batch) {
                m_waiting[b.payload].push_back(Pending{from, std::move(msg), now});
                if (now - m_batch_requested[b.payload] >= BATCH_RETRY_MS) {
                    m_batch_requested[b.payload] = now;
                    SendShell(from, ShellMsg::BATCH_REQUEST, b.payload.view());
                }
                return;
            }
            if (!batch->verified) return;  // a batch with a bad transaction: we do not vote for it
            uint64_t wall = WallMs();
            uint64_t t = batch->batch.time_ms;
            if ((t > wall ? t - wall : wall - t) > MAX_CLOCK_SKEW_MS) return;  // block time too far from our clock
        }
    } else if (auto* r = std::get_if<consensus::BlockResponse>(&msg)) {
        for (const consensus::Block& b : r->blocks)
            PutMeta(BlockMetaName(consensus::BlockIdOf(b)), consensus::EncodeBlock(b), false);
    }
    Run(m_core->OnMessage(from, msg, now), now);
}

bool BftEngine::VerifyBatch(const StoredBatch& sb) const {
    if (!m_ledger.VerifyCommands(sb.batch.txs, *m_verify)) return false;
    for (const Bytes& e : sb.batch.evidence)
        if (!consensus::DecodeEvidence(e)) return false;
    return true;
}

bool BftEngine::AcceptBatch(const Hash256& hash, Bytes raw) {
    {
        std::lock_guard lock(m_batch_mu);
        if (m_batches.count(hash)) return true;
    }
    auto batch = DecodeBatch(raw);
    if (!batch) return false;
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch.value()), std::move(raw), false});
    sb->verified = VerifyBatch(*sb);
    PutMeta(BatchMetaName(hash), sb->raw, false);
    // Its transactions are on their way into a block: do not propose them again meanwhile.
    uint64_t wall = WallMs();
    for (const Bytes& tx : sb->batch.txs) m_in_flight.emplace(m_ledger.CommandId(tx), wall);
    {
        std::lock_guard lock(m_batch_mu);
        m_batches.emplace(hash, std::move(sb));
    }
    m_exec_cv.notify_all();
    auto it = m_waiting.find(hash);
    if (it != m_waiting.end()) {
        std::vector<Pending> pending = std::move(it->second);
        m_waiting.erase(it);
        m_batch_requested.erase(hash);
        for (Pending& p : pending) HandleConsensus(p.from, std::move(p.msg), SteadyMs());
    }
    return true;
}

std::shared_ptr<const BftEngine::StoredBatch> BftEngine::GetBatch(const Hash256& h) {
    {
        std::lock_guard lock(m_batch_mu);
        auto it = m_batches.find(h);
        if (it != m_batches.end()) return it->second;
    }
    auto raw = m_ledger.GetMeta(BatchMetaName(h));
    if (!raw) return nullptr;
    auto batch = DecodeBatch(*raw);
    if (!batch) return nullptr;
    auto sb = std::make_shared<StoredBatch>(StoredBatch{std::move(batch.value()), std::move(*raw), false});
    sb->verified = VerifyBatch(*sb);
    std::lock_guard lock(m_batch_mu);
    return m_batches.emplace(h, std::move(sb)).first->second;
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
        size_t lag = 0;
        {
            std::lock_guard lock(m_exec_mu);
            lag = m_exec_queue.size();
        }
        const size_t pool = m_ledger.PoolSize();
        const size_t fresh = pool > m_in_flight.size() ? pool - m_in_flight.size() : 0;
        if (lag > 0 && fresh < m_cfg.max_batch_txs) return;
    }
    // Only what goes into the batch is copied out of the mempool; what we (or another leader)
    // proposed and is not executed yet is skipped inside it.
    std::vector<Ledger::Candidate> cands =
        m_ledger.Candidates(m_cfg.max_batch_txs, [&](const Hash256& id) { return m_in_flight.count(id) != 0; });
    Batch batch;
    std::vector<Hash256> ids;
    batch.txs.reserve(cands.size());
    for (Ledger::Candidate& c : cands) {
        batch.txs.push_back(std::move(c.raw));
        ids.push_back(c.id);
    }
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
    PutMeta(BatchMetaName(hash), raw, false);
    {
        std::lock_guard lock(m_batch_mu);
        m_batches.emplace(hash, std::make_shared<StoredBatch>(StoredBatch{std::move(batch), raw, true}));
    }
    for (const Hash256& id : ids) m_in_flight[id] = wall;
    BroadcastShell(ShellMsg::BATCH, raw);
    consensus::RequestPayloadAction req = *m_payload_request;
    m_payload_request.reset();
    std::optional<consensus::ValidatorSet> next = DueChange(req.epoch, req.height);
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
    for (consensus::Action& a : actions) {
        if (m_stop) return;
        std::visit(
            [&](auto& act) {
                using T = std::decay_t<decltype(act)>;
                if constexpr (std::is_same_v<T, consensus::PersistSafetyAction>) {
                    // Durable before any later message of this list leaves the node.
                    PutMeta(SAFETY_META, consensus::EncodeSafetyState(act.state), true);
                } else if constexpr (std::is_same_v<T, consensus::SendAction>) {
                    if (auto* p = std::get_if<consensus::Proposal>(&act.msg))
                        PutMeta(BlockMetaName(consensus::BlockIdOf(p->block)), consensus::EncodeBlock(p->block), false);
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
                    if (auto* p = std::get_if<consensus::Proposal>(&act.msg))
                        PutMeta(BlockMetaName(consensus::BlockIdOf(p->block)), consensus::EncodeBlock(p->block), false);
                    BroadcastShell(ShellMsg::CONSENSUS, consensus::EncodeMessage(act.msg));
                } else if constexpr (std::is_same_v<T, consensus::CommitAction>) {
                    std::lock_guard lock(m_exec_mu);
                    for (auto& cb : act.blocks) m_exec_queue.push_back(ToExecute{cb.height, cb.block});
                    m_exec_cv.notify_all();
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
                              {{"epoch", act.next.epoch}, {"members", act.next.members.size()}, {"height", act.first_height}});
                    AddValidatorSet(act.first_height, act.next);
                } else if constexpr (std::is_same_v<T, consensus::RejectAction>) {
                    // The core already dropped the message; at trace level say why.
                    ++m_rejected;
                    if (log::Enabled(log::Level::TRACE))
                        log::Trace(LOG, "dropped a message",
                                   {{"peer", Short(act.from)}, {"error", consensus::ConsensusErrorName(act.error)},
                                    {"core", m_core->DebugString()}});
                }
            },
            a);
    }
}

// ------------------------------------------------------------------ executor thread

void BftEngine::ExecutorLoop() {
    while (!m_stop) {
        ToExecute next;
        {
            std::unique_lock lock(m_exec_mu);
            m_exec_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return !m_exec_queue.empty() || m_stop.load(); });
            if (m_exec_queue.empty()) continue;
            next = m_exec_queue.front();
        }
        if (next.height <= m_executed_height.load()) {  // already executed (restart replay)
            std::lock_guard lock(m_exec_mu);
            m_exec_queue.pop_front();
            continue;
        }
        if (next.height != m_executed_height.load() + 1)
            Fatal(LOG, "committed height " + std::to_string(next.height) + " after executed height " +
                           std::to_string(m_executed_height.load()));
        std::shared_ptr<const StoredBatch> sb;
        if (!next.block.payload.IsZero()) {
            sb = GetBatch(next.block.payload);
            if (!sb) {
                // Committed data is held by f+1 honest validators: ask until it arrives.
                BroadcastShell(ShellMsg::BATCH_REQUEST, next.block.payload.view());
                std::unique_lock lock(m_exec_mu);
                m_exec_cv.wait_for(lock, std::chrono::milliseconds(BATCH_RETRY_MS));
                continue;
            }
        }
        static const Batch EMPTY_BATCH;
        const Batch& batch = sb ? sb->batch : EMPTY_BATCH;
        std::optional<Ledger::Executed> done = m_ledger.Execute(next.height, next.block, batch, *m_verify);
        if (!done) Fatal(LOG, "cannot commit the block at height " + std::to_string(next.height));
        const Hash256 hash = done->hash;
        const uint64_t height = done->height;
        if (height != next.height)
            Fatal(LOG, "ledger height " + std::to_string(height) + " for consensus height " + std::to_string(next.height));
        const bool sets_changed = done->sets_changed;
        m_executed_height = height;
        if (sets_changed) LoadValidatorSets();
        {
            std::lock_guard lock(m_exec_mu);
            m_exec_queue.pop_front();
        }
        {
            // Executed: keep the batch only in the store (for peers' requests and restarts).
            std::lock_guard lock(m_batch_mu);
            m_batches.erase(next.block.payload);
        }
        if (m_cfg.ledger_signatures) {
            // Sign the executed header and gossip the signature.
            Hash256 msg = CommitMessage(m_ledger.ChainId(), height, hash);
            std::optional<Signature> signed_msg = SignSchnorr(m_key, msg, msg);
            if (!signed_msg) Fatal(LOG, "cannot sign the ledger header at height " + std::to_string(height));
            const Signature& sig = *signed_msg;
            Writer w;
            w.U64(height);
            w.Fixed(hash);
            w.Fixed(sig);
            {
                std::lock_guard lock(m_sig_mu);
                m_own_hash[height] = hash;
                m_ledger_sigs[height][hash][m_pub] = sig;
            }
            BroadcastShell(ShellMsg::LEDGER_SIG, w.bytes());
            OnLedgerSig(m_pub, {});  // try to complete the certificate with signatures already received
        }
        {
            std::lock_guard lock(m_gossip_mu);
            for (const Hash256& id : done->ids) m_executed_ids.push_back(id);
            for (const Hash256& id : done->evidence) m_recorded_evidence.push_back(id);
        }
        if (m_cfg.exec_backpressure_ms > 0) Post(Event{});  // a leader held back by execution may propose now
    }
}

void BftEngine::OnLedgerSig(const PublicKey& from, ByteView body) {
    std::lock_guard lock(m_sig_mu);
    if (!body.empty()) {
        Reader r(body);
        uint64_t height = r.U64();
        Hash256 hash = r.Fixed<32>();
        Signature sig = r.Fixed<64>();
        if (!m_cfg.ledger_signatures || !r.Finish() || !IsAllowedPeer(from)) return;  // counted below only if in the height's set
        uint64_t executed = m_executed_height.load();
        if (height + LEDGER_SIG_WINDOW < executed || height > executed + LEDGER_SIG_WINDOW) return;
        if (!VerifySchnorr(from, CommitMessage(m_ledger.ChainId(), height, hash), sig)) return;
        m_ledger_sigs[height][hash][from] = sig;
    }
    // Complete every certificate that has a quorum of signatures on our own executed hash.
    for (auto it = m_own_hash.begin(); it != m_own_hash.end();) {
        auto& sigs = m_ledger_sigs[it->first][it->second];
        consensus::ValidatorSet set = SetAtHeight(it->first);
        size_t members = static_cast<size_t>(
            std::count_if(sigs.begin(), sigs.end(), [&](const auto& kv) { return set.IndexOf(kv.first).has_value(); }));
        if (members < set.Quorum()) {
            ++it;
            continue;
        }
        CommitCert cert;
        for (const auto& [k, s] : sigs)  // std::map: sorted by key
            if (set.IndexOf(k)) cert.signatures.emplace_back(k, s);
        if (!m_ledger.StoreCommitCert(it->first, cert))
            Fatal(LOG, "cannot store the commit certificate of height " + std::to_string(it->first));
        m_ledger_sigs.erase(it->first);
        it = m_own_hash.erase(it);
    }
    // Bound memory: drop signatures far behind execution.
    uint64_t executed = m_executed_height.load();
    while (!m_ledger_sigs.empty() && m_ledger_sigs.begin()->first + LEDGER_SIG_WINDOW < executed)
        m_ledger_sigs.erase(m_ledger_sigs.begin());
    while (!m_own_hash.empty() && m_own_hash.begin()->first + LEDGER_SIG_WINDOW < executed)
        m_own_hash.erase(m_own_hash.begin());
}

// ------------------------------------------------------------------ validator sets

void BftEngine::AddValidatorSet(uint64_t first_height, const consensus::ValidatorSet& set) {
    std::lock_guard lock(m_sets_mu);
    m_sets[first_height] = set;
    m_allowed.insert(set.members.begin(), set.members.end());
}

void BftEngine::LoadValidatorSets() {
    auto current = m_ledger.ValidatorSet();
    if (!current) return;
    uint64_t known = 0;
    {
        std::lock_guard lock(m_sets_mu);
        for (const auto& [h, set] : m_sets) known = std::max(known, set.epoch);
    }
    for (uint64_t e = known + 1; e <= current->epoch; ++e)
        if (auto rec = m_ledger.ValidatorSetOfEpoch(e))
            AddValidatorSet(rec->from_height, consensus::ValidatorSet{e, rec->members});
    if (auto pending = m_ledger.PendingValidatorSet()) {
        std::lock_guard lock(m_sets_mu);
        m_allowed.insert(pending->members.begin(), pending->members.end());
    }
}

consensus::ValidatorSet BftEngine::SetAtHeight(uint64_t height) const {
    std::lock_guard lock(m_sets_mu);
    auto it = m_sets.upper_bound(height);
    if (it != m_sets.begin()) --it;
    return it->second;
}

std::optional<consensus::ValidatorSet> BftEngine::SetOfEpoch(uint64_t epoch) const {
    std::lock_guard lock(m_sets_mu);
    for (const auto& [h, set] : m_sets)
        if (set.epoch == epoch) return set;
    return std::nullopt;
}

bool BftEngine::IsAllowedPeer(const PublicKey& key) const {
    std::lock_guard lock(m_sets_mu);
    return m_allowed.count(key) != 0;
}

std::optional<consensus::ValidatorSet> BftEngine::DueChange(uint64_t epoch, uint64_t height) const {
    auto current = m_ledger.ValidatorSet();
    auto pending = m_ledger.PendingValidatorSet();
    if (!current || !pending || current->epoch != epoch || pending->epoch != epoch + 1) return std::nullopt;
    if (height + 1 < pending->activation_height) return std::nullopt;
    return consensus::ValidatorSet{pending->epoch, pending->members};
}

bool BftEngine::ReconfigAgreed(const consensus::Block& b) const {
    auto parent_height = m_core->HeightOf(b.parent_id);
    if (!parent_height) return false;
    auto due = DueChange(b.epoch, *parent_height + 1);
    return due && *due == *b.next_validators;
}

}  // namespace folio::engine
