#include <tests/sim/sim.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <tuple>
#include <vector>

#include <node/consensus/core.h>

namespace folio::consensus::sim {

namespace {

// splitmix64: small, seeded, fully deterministic.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t Next() {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
    uint64_t Range(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
    bool Permille(uint32_t p) { return Below(1000) < p; }

private:
    uint64_t m_state;
};

// FNV-1a, 64 bits: the trace fingerprint.
class TraceHash {
public:
    void Mix(uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            m_h ^= (v >> (8 * i)) & 0xff;
            m_h *= 0x100000001b3ULL;
        }
    }
    void Mix(ByteView b) {
        Mix(b.size());
        for (uint8_t c : b) {
            m_h ^= c;
            m_h *= 0x100000001b3ULL;
        }
    }
    uint64_t Value() const { return m_h; }

private:
    uint64_t m_h = 0xcbf29ce484222325ULL;
};

uint64_t Fingerprint(ByteView b) {
    TraceHash h;
    h.Mix(b);
    return h.Value();
}

uint64_t KeyPrefix(const PublicKey& k) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | k.data[static_cast<size_t>(i)];
    return v;
}

// The instances of a configuration: instance i runs key out[i]; the first `twins` keys run
// twice (the same order as Sim::Run creates them).
std::vector<uint32_t> InstanceKeys(uint32_t keys, uint32_t twins) {
    std::vector<uint32_t> out;
    for (uint32_t k = 0; k < keys; ++k)
        for (uint32_t copy = 0; copy < (k < twins ? 2u : 1u); ++copy) out.push_back(k);
    return out;
}

// Twins: every way to split the instances into at most two groups (instance 0 always in group
// 0, so each split is listed once) where some group holds a quorum of distinct keys. Without
// that, no quorum or timeout certificate could ever form for the round and the run would stall
// by construction, not by a bug.
std::vector<std::vector<int>> TwinsPartitions(uint32_t n, uint32_t twins) {
    std::vector<uint32_t> key = InstanceKeys(n, std::min(twins, n));
    size_t m = key.size();
    size_t quorum = n * 2 / 3 + 1;  // ValidatorSet::Quorum
    std::vector<std::vector<int>> out;
    if (m == 0 || m > 20) return out;
    for (uint64_t mask = 0; mask < (uint64_t{1} << (m - 1)); ++mask) {
        std::vector<int> side(m, 0);
        for (size_t i = 1; i < m; ++i) side[i] = static_cast<int>((mask >> (i - 1)) & 1);
        bool quorate = false;
        for (int g = 0; g < 2; ++g) {
            std::set<uint32_t> keys;
            for (size_t i = 0; i < m; ++i)
                if (side[i] == g) keys.insert(key[i]);
            quorate = quorate || keys.size() >= quorum;
        }
        if (quorate) out.push_back(std::move(side));
    }
    return out;
}

struct TwinsRound {
    std::vector<int> side;  // per instance
    uint32_t leader = 0;    // key index
};

// Scenario `index`: round 1 is the lowest "digit" (partition, leader), so consecutive indices
// vary the first round fastest.
std::vector<TwinsRound> TwinsScenario(const SimConfig& c) {
    auto partitions = TwinsPartitions(c.n, c.twins);
    uint64_t per_round = partitions.size() * c.n;
    std::vector<TwinsRound> out;
    if (per_round == 0) return out;
    uint64_t index = c.seed;
    for (uint32_t r = 0; r < c.twins_rounds; ++r) {
        uint64_t digit = index % per_round;
        index /= per_round;
        out.push_back(TwinsRound{partitions[digit / c.n], static_cast<uint32_t>(digit % c.n)});
    }
    return out;
}

// Fake signatures for speed: digest || key. Verification compares bytes, so two statements with
// different contents always have different signatures (double signs stay visible).
class FakeSigner final : public Signer {
public:
    explicit FakeSigner(const PublicKey& key) : m_key(key) {}
    const PublicKey& Key() const override { return m_key; }
    Signature Sign(const Hash256& digest) override { return Make(m_key, digest); }
    static Signature Make(const PublicKey& key, const Hash256& digest) {
        Signature s;
        std::copy(digest.begin(), digest.end(), s.data.begin());
        std::copy(key.begin(), key.end(), s.data.begin() + 32);
        return s;
    }

private:
    PublicKey m_key;
};

class FakeVerifier final : public Verifier {
public:
    bool Verify(const PublicKey& key, const Hash256& digest, const Signature& sig) const override {
        return sig == FakeSigner::Make(key, digest);
    }
};

struct Packet {
    Message msg;
    uint64_t digest = 0;        // fingerprint of the encoded message (trace hash)
    Round round = 0;            // the round a Twins partition filters it by
    std::vector<Block> blocks;  // blocks carried (persisted by the receiver on receipt)
    std::vector<BlockId> ids;   // their ids
};

enum class EventType : uint8_t { DELIVER, TIMER, PAYLOAD, RESTART };

struct Event {
    uint64_t time = 0;
    uint64_t seq = 0;
    EventType type = EventType::DELIVER;
    size_t inst = 0;
    uint64_t incarnation = 0;
    PublicKey from;
    std::shared_ptr<const Packet> packet;
    Round round = 0;
    BlockId parent;
    bool operator>(const Event& o) const { return std::tie(time, seq) > std::tie(o.time, o.seq); }
};

struct Instance {
    size_t id = 0;
    uint32_t key_index = 0;
    PublicKey key;
    bool honest = true;
    std::unique_ptr<FakeSigner> signer;
    std::unique_ptr<Core> core;
    bool up = true;
    uint64_t incarnation = 0;
    // What survives a crash: the last persisted safety state, the block store, the commits.
    SafetyState safety;
    std::map<BlockId, Block> store;
    std::vector<BlockId> committed;  // committed[h - 1] = id at height h
    uint64_t last_commit_time = 0;
    int side = 0;
};

struct Phase {
    uint64_t start = 0;
    uint64_t end = 0;
    std::vector<int> side;  // per instance
};

class Sim {
public:
    explicit Sim(const SimConfig& c) : m_cfg(c), m_rng(c.seed ^ 0x5eed5eed5eedULL) {
        if (m_cfg.twins_rounds > 0) {  // Twins: the scenario is the only fault
            m_cfg.partitions = false;
            m_cfg.crashes = false;
            m_cfg.reconfig = false;
            m_cfg.drop_permille = 0;
            m_cfg.dup_permille = 0;
            m_twins = TwinsScenario(m_cfg);
            for (const TwinsRound& r : m_twins) m_leaders.push_back(r.leader);
        }
    }
    SimResult Run();

private:
    PublicKey KeyOf(uint32_t i) const {
        Writer w;
        w.U32(i);
        return TaggedHash("folio/sim/key", w.bytes());
    }
    const ValidatorSet* SetOf(Epoch e) const {
        auto it = m_sets.find(e);
        return it == m_sets.end() ? nullptr : &it->second;
    }
    void Push(Event e) {
        e.seq = m_seq++;
        m_queue.push(std::move(e));
    }
    void Failf(std::string what) {
        if (m_res.ok) m_res.failure = std::move(what);
        m_res.ok = false;
    }
    bool Connected(size_t a, size_t b, Round round) const;
    Round MessageRound(const Instance& src, const Message& m) const;
    std::shared_ptr<const Packet> MakePacket(const Instance& src, Message msg, std::vector<Block> blocks);
    void Execute(Instance& inst, Actions actions);
    void Send(Instance& src, const PublicKey* to, std::shared_ptr<const Packet> p);
    void CheckStatements(const Message& m);
    void Record(const PublicKey& key, StatementKind kind, Epoch epoch, Round round, Bytes body);
    void RecordQc(const QuorumCert& qc);
    void RecordTc(const TimeoutCert& tc);
    void OnCommit(Instance& inst, const CommitAction& c);
    void Crash(Instance& inst);
    void Restart(Instance& inst);
    Config CoreConfig() const {
        Config c;
        c.base_timeout_ms = m_cfg.base_timeout_ms;
        c.max_timeout_ms = m_cfg.max_timeout_ms;
        c.leader_schedule = m_leaders;
        return c;
    }

    SimConfig m_cfg;
    Rng m_rng;
    SimResult m_res;
    FakeVerifier m_verifier;
    std::map<Epoch, ValidatorSet> m_sets;
    Hash256 m_genesis_payload;
    std::vector<Instance> m_inst;
    std::vector<Phase> m_phases;
    std::vector<TwinsRound> m_twins;  // Twins mode: rounds 1..twins_rounds
    std::vector<uint32_t> m_leaders;
    TraceHash m_trace;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> m_queue;
    uint64_t m_seq = 0;
    uint64_t m_now = 0;
    std::map<std::tuple<PublicKey, StatementKind, Epoch, Round>, Bytes> m_signed;
    std::map<uint64_t, BlockId> m_chain;           // height -> committed id (honest instances)
    std::map<Epoch, uint64_t> m_epoch_start;       // epoch -> first height
    std::set<PublicKey> m_twin_keys;
    std::set<std::tuple<Epoch, Round, BlockId, BlockId, uint64_t>> m_seen_qcs;
    std::set<std::tuple<Epoch, Round, std::vector<std::pair<uint32_t, Round>>>> m_seen_tcs;
};

bool Sim::Connected(size_t a, size_t b, Round round) const {
    if (m_now < m_cfg.heal_at_ms && round >= 1 && round <= m_twins.size())
        return m_twins[round - 1].side[a] == m_twins[round - 1].side[b];
    for (const Phase& p : m_phases)
        if (m_now >= p.start && m_now < p.end) return p.side[a] == p.side[b];
    return true;
}

Round Sim::MessageRound(const Instance& src, const Message& m) const {
    if (const auto* p = std::get_if<Proposal>(&m)) return p->block.round;
    if (const auto* v = std::get_if<Vote>(&m)) return v->data.round;
    if (const auto* t = std::get_if<TimeoutMsg>(&m)) return t->round;
    return src.core ? src.core->CurrentRound() : 0;  // sync and block fetches: the sender's round
}

std::shared_ptr<const Packet> Sim::MakePacket(const Instance& src, Message msg, std::vector<Block> blocks) {
    auto p = std::make_shared<Packet>();
    p->digest = Fingerprint(EncodeMessage(msg));
    p->round = MessageRound(src, msg);
    p->blocks = std::move(blocks);
    for (const Block& b : p->blocks) p->ids.push_back(BlockIdOf(b));
    p->msg = std::move(msg);
    m_trace.Mix(p->digest);
    return p;
}

void Sim::Record(const PublicKey& key, StatementKind kind, Epoch epoch, Round round, Bytes body) {
    auto [it, inserted] = m_signed.try_emplace(std::make_tuple(key, kind, epoch, round), body);
    if (inserted || it->second == body) return;
    if (m_twin_keys.count(key) != 0) {
        ++m_res.twin_equivocations;
        it->second = std::move(body);  // count each new conflicting content
        return;
    }
    m_res.double_sign = true;
    Failf("honest double sign: key " + Short(key) + " kind " + std::to_string(static_cast<int>(kind)) + " epoch " +
          std::to_string(epoch) + " round " + std::to_string(round));
}

void Sim::RecordQc(const QuorumCert& qc) {
    if (qc.sigs.empty()) return;
    // The same certificate travels in many messages: check each distinct one once.
    uint64_t mask = 0;
    for (const auto& s : qc.sigs) mask |= s.index < 64 ? uint64_t{1} << s.index : 0;
    if (!m_seen_qcs.insert(std::make_tuple(qc.data.epoch, qc.data.round, qc.data.block_id, qc.data.parent_id, mask)).second)
        return;
    const ValidatorSet* set = SetOf(qc.data.epoch);
    if (!set) { Failf("QC of unknown epoch"); return; }
    Bytes body = VoteBody(qc.data);
    for (const auto& s : qc.sigs) {
        if (s.index >= set->Size()) { Failf("QC index outside its set"); return; }
        Record(set->members[s.index], StatementKind::VOTE, qc.data.epoch, qc.data.round, body);
    }
}

void Sim::RecordTc(const TimeoutCert& tc) {
    std::vector<std::pair<uint32_t, Round>> key;
    for (const auto& e : tc.entries) key.emplace_back(e.index, e.hqc_round);
    if (!m_seen_tcs.insert(std::make_tuple(tc.epoch, tc.round, std::move(key))).second) return;
    const ValidatorSet* set = SetOf(tc.epoch);
    if (!set) { Failf("TC of unknown epoch"); return; }
    for (const auto& e : tc.entries) {
        if (e.index >= set->Size()) { Failf("TC index outside its set"); return; }
        Record(set->members[e.index], StatementKind::TIMEOUT, tc.epoch, tc.round,
               TimeoutBody(tc.epoch, tc.round, e.hqc_round));
    }
}

// Every signature that leaves a node, including those inside certificates.
void Sim::CheckStatements(const Message& m) {
    if (const auto* p = std::get_if<Proposal>(&m)) {
        const Block& b = p->block;
        Record(b.proposer, StatementKind::PROPOSAL, b.epoch, b.round, ProposalBody(b.epoch, b.round, BlockIdOf(b)));
        RecordQc(b.parent_qc);
        if (p->last_round_tc) RecordTc(*p->last_round_tc);
    } else if (const auto* v = std::get_if<Vote>(&m)) {
        Record(v->voter, StatementKind::VOTE, v->data.epoch, v->data.round, VoteBody(v->data));
    } else if (const auto* t = std::get_if<TimeoutMsg>(&m)) {
        Round hqc_round = t->high_qc.data.epoch == t->epoch ? t->high_qc.data.round : 0;
        Record(t->signer, StatementKind::TIMEOUT, t->epoch, t->round, TimeoutBody(t->epoch, t->round, hqc_round));
        RecordQc(t->high_qc);
        if (t->last_round_tc) RecordTc(*t->last_round_tc);
    } else if (const auto* s = std::get_if<SyncInfo>(&m)) {
        RecordQc(s->high_qc);
        if (s->high_tc) RecordTc(*s->high_tc);
    } else if (const auto* r = std::get_if<BlockResponse>(&m)) {
        for (const Block& b : r->blocks) RecordQc(b.parent_qc);
    }
}

void Sim::Send(Instance& src, const PublicKey* to, std::shared_ptr<const Packet> p) {
    for (Instance& dst : m_inst) {
        if (dst.id == src.id || (to && dst.key != *to)) continue;
        if (!Connected(src.id, dst.id, p->round)) continue;
        if (m_rng.Permille(m_cfg.drop_permille)) continue;
        int copies = m_rng.Permille(m_cfg.dup_permille) ? 2 : 1;
        for (int c = 0; c < copies; ++c) {
            Event e;
            e.type = EventType::DELIVER;
            e.time = m_now + m_rng.Range(m_cfg.min_delay_ms, m_cfg.max_delay_ms);
            e.inst = dst.id;
            e.from = src.key;
            e.packet = p;
            Push(std::move(e));
            ++m_res.messages;
        }
    }
}

void Sim::OnCommit(Instance& inst, const CommitAction& c) {
    for (const CommittedBlock& b : c.blocks) {
        inst.store[b.id] = b.block;
        if (b.height <= inst.committed.size()) {
            if (inst.committed[b.height - 1] != b.id)
                Failf("instance " + std::to_string(inst.id) + " re-committed a different block at height " +
                      std::to_string(b.height));
            continue;
        }
        if (b.height != inst.committed.size() + 1) {
            Failf("instance " + std::to_string(inst.id) + " committed height " + std::to_string(b.height) +
                  " after " + std::to_string(inst.committed.size()));
            return;
        }
        inst.committed.push_back(b.id);
        if (inst.honest && m_now > m_cfg.heal_at_ms) {
            uint64_t since = std::max(inst.last_commit_time, m_cfg.heal_at_ms);
            m_res.max_commit_gap_ms = std::max(m_res.max_commit_gap_ms, m_now - since);
        }
        inst.last_commit_time = m_now;
        if (!inst.honest) continue;
        auto [it, inserted] = m_chain.try_emplace(b.height, b.id);
        if (!inserted && it->second != b.id) {
            m_res.fork = true;
            Failf("fork at height " + std::to_string(b.height) + ": " + Short(it->second) + " vs " + Short(b.id) +
                  " (instance " + std::to_string(inst.id) + ")");
        }
    }
    // The certificate must prove the last listed block (or a descendant) committed.
    const ValidatorSet* set = SetOf(c.commit_cert.data.epoch);
    if (!set || !VerifyCommitCertificate(c.commit_cert, *set, m_verifier))
        Failf("commit without a valid commit certificate");
}

void Sim::Crash(Instance& inst) {
    inst.up = false;
    inst.core.reset();
    ++inst.incarnation;
    ++m_res.crashes;
    Event e;
    e.type = EventType::RESTART;
    e.inst = inst.id;
    e.time = std::min(m_now + m_rng.Range(50, 1500), std::max(m_cfg.heal_at_ms, m_now + 1));
    Push(std::move(e));
    if (m_cfg.verbose) std::fprintf(stderr, "%6llu  #%zu CRASH\n", static_cast<unsigned long long>(m_now), inst.id);
}

void Sim::Restart(Instance& inst) {
    inst.up = true;
    ++inst.incarnation;
    inst.core = std::make_unique<Core>(CoreConfig(), m_sets.at(0), m_genesis_payload, *inst.signer, m_verifier);
    std::vector<Block> blocks;
    blocks.reserve(inst.store.size());
    for (const auto& [id, b] : inst.store) blocks.push_back(b);
    if (m_cfg.verbose) std::fprintf(stderr, "%6llu  #%zu RESTART\n", static_cast<unsigned long long>(m_now), inst.id);
    Execute(inst, inst.core->Restore(inst.safety, blocks, inst.committed.size(), m_now));
}

void Sim::Execute(Instance& inst, Actions actions) {
    size_t limit = actions.size();
    bool crash = false;
    if (m_cfg.crashes && inst.honest && m_now < m_cfg.heal_at_ms && m_rng.Permille(m_cfg.crash_permille)) {
        crash = true;
        // Aim at the interesting windows: just before or just after a PersistSafety.
        std::vector<size_t> persist;
        for (size_t i = 0; i < actions.size(); ++i)
            if (std::holds_alternative<PersistSafetyAction>(actions[i])) persist.push_back(i);
        if (!persist.empty() && m_rng.Permille(700)) limit = persist[m_rng.Below(persist.size())] + m_rng.Below(2);
        else limit = m_rng.Below(actions.size() + 1);
    }
    for (size_t i = 0; i < limit; ++i) {
        Action& a = actions[i];
        if (m_cfg.verbose) {
            std::string line = DescribeActions(Actions{a});
            std::fprintf(stderr, "%6llu  #%zu %s", static_cast<unsigned long long>(m_now), inst.id, line.c_str());
        }
        m_trace.Mix(a.index());
        if (auto* s = std::get_if<SendAction>(&a)) {
            CheckStatements(s->msg);
            std::vector<Block> blocks;
            if (auto* r = std::get_if<BlockResponse>(&s->msg)) blocks = r->blocks;
            m_trace.Mix(KeyPrefix(s->to));
            Send(inst, &s->to, MakePacket(inst, std::move(s->msg), std::move(blocks)));
        } else if (auto* b = std::get_if<BroadcastAction>(&a)) {
            CheckStatements(b->msg);
            std::vector<Block> blocks;
            if (auto* prop = std::get_if<Proposal>(&b->msg)) blocks.push_back(prop->block);
            auto p = MakePacket(inst, std::move(b->msg), std::move(blocks));
            if (!p->blocks.empty()) inst.store[p->ids.back()] = p->blocks.back();  // our own proposal is stored too
            Send(inst, nullptr, std::move(p));
        } else if (auto* ps = std::get_if<PersistSafetyAction>(&a)) {
            m_trace.Mix(EncodeSafetyState(ps->state));
            inst.safety = ps->state;
        } else if (auto* c = std::get_if<CommitAction>(&a)) {
            for (const CommittedBlock& blk : c->blocks) m_trace.Mix(blk.id.view());
            OnCommit(inst, *c);
        } else if (auto* ec = std::get_if<EpochChangeAction>(&a)) {
            if (inst.honest) {
                auto [it, inserted] = m_epoch_start.try_emplace(ec->next.epoch, ec->first_height);
                if (!inserted && it->second != ec->first_height) Failf("epoch starts at different heights");
                const ValidatorSet* set = SetOf(ec->next.epoch);
                if (!set || !(*set == ec->next)) Failf("epoch change to an unexpected set");
            }
        } else if (auto* t = std::get_if<ScheduleTimerAction>(&a)) {
            Event e;
            e.type = EventType::TIMER;
            e.inst = inst.id;
            e.incarnation = inst.incarnation;
            e.time = std::max(t->deadline_ms, m_now);
            m_trace.Mix(e.time);
            Push(std::move(e));
        } else if (auto* rp = std::get_if<RequestPayloadAction>(&a)) {
            Event e;
            e.type = EventType::PAYLOAD;
            e.inst = inst.id;
            e.incarnation = inst.incarnation;
            e.time = m_now + 1;
            e.round = rp->round;
            e.parent = rp->parent_id;
            m_trace.Mix(e.round);
            Push(std::move(e));
        } else if (auto* ev = std::get_if<EvidenceAction>(&a)) {
            ++m_res.evidence;
            m_trace.Mix(KeyPrefix(ev->evidence.signer));
            // Evidence must verify standalone and never accuse an honest key.
            Epoch epoch = 0;
            Reader r(ev->evidence.body_a);
            epoch = r.U64();
            const ValidatorSet* set = SetOf(epoch);
            if (!set || !VerifyEvidence(ev->evidence, *set, m_verifier)) Failf("evidence does not verify");
            if (m_twin_keys.count(ev->evidence.signer) == 0) Failf("evidence against an honest key");
        }
    }
    m_trace.Mix(limit);
    if (crash) Crash(inst);
}

SimResult Sim::Run() {
    // Keys, sets, instances.
    ValidatorSet genesis;
    genesis.epoch = 0;
    for (uint32_t i = 0; i < m_cfg.n; ++i) genesis.members.push_back(KeyOf(i));
    m_sets[0] = genesis;
    uint32_t keys = m_cfg.n;
    if (m_cfg.reconfig) {
        ValidatorSet next;
        next.epoch = 1;
        for (uint32_t i = 1; i <= m_cfg.n; ++i) next.members.push_back(KeyOf(i));
        m_sets[1] = next;
        keys = m_cfg.n + 1;
    }
    m_genesis_payload = TaggedHash("folio/sim/genesis", {});
    uint32_t twins = std::min(m_cfg.twins, m_cfg.n);
    for (uint32_t i = 0; i < twins; ++i) m_twin_keys.insert(KeyOf(i));
    for (uint32_t k = 0; k < keys; ++k) {
        for (int copy = 0; copy < (k < twins ? 2 : 1); ++copy) {
            Instance inst;
            inst.id = m_inst.size();
            inst.key_index = k;
            inst.key = KeyOf(k);
            inst.honest = k >= twins;
            inst.signer = std::make_unique<FakeSigner>(inst.key);
            inst.side = copy;
            m_inst.push_back(std::move(inst));
        }
    }
    // Partition schedule before healing.
    if (m_cfg.partitions) {
        uint64_t t = m_rng.Range(0, 800);
        while (t < m_cfg.heal_at_ms) {
            Phase ph;
            ph.start = t;
            ph.end = std::min(t + m_rng.Range(400, 2500), m_cfg.heal_at_ms);
            ph.side.resize(m_inst.size());
            bool balanced = m_cfg.adversarial || (twins > 0 && m_rng.Permille(500));
            std::vector<size_t> honest;
            for (const Instance& i : m_inst) {
                if (!i.honest) ph.side[i.id] = i.side;  // twins always apart
                else honest.push_back(i.id);
            }
            for (size_t i = honest.size(); i > 1; --i) std::swap(honest[i - 1], honest[m_rng.Below(i)]);
            for (size_t i = 0; i < honest.size(); ++i)
                ph.side[honest[i]] = balanced ? static_cast<int>(i % 2) : static_cast<int>(m_rng.Below(2));
            m_phases.push_back(std::move(ph));
            t = m_phases.back().end + m_rng.Range(200, 1200);
        }
    }
    if (m_cfg.verbose && !m_twins.empty())
        std::fprintf(stderr, "twins scenario %llu: %s\n", static_cast<unsigned long long>(m_cfg.seed),
                     DescribeTwinsScenario(m_cfg).c_str());
    for (Instance& inst : m_inst) {
        inst.core = std::make_unique<Core>(CoreConfig(), genesis, m_genesis_payload, *inst.signer, m_verifier);
        Execute(inst, inst.core->Start(0));
    }
    while (!m_queue.empty() && m_res.ok) {
        if (m_queue.size() > 200000) {  // a message storm is a liveness bug, not a slow run
            Failf("message storm: " + std::to_string(m_queue.size()) + " events in flight");
            break;
        }
        Event e = m_queue.top();
        m_queue.pop();
        if (e.time > m_cfg.duration_ms) break;
        m_now = e.time;
        Instance& inst = m_inst[e.inst];
        m_trace.Mix(e.time);
        m_trace.Mix((static_cast<uint64_t>(e.type) << 32) | e.inst);
        if (e.type == EventType::RESTART) {
            if (!inst.up) Restart(inst);
            continue;
        }
        if (!inst.up) continue;
        if ((e.type == EventType::TIMER || e.type == EventType::PAYLOAD) && e.incarnation != inst.incarnation) continue;
        Actions out;
        switch (e.type) {
            case EventType::DELIVER:
                m_trace.Mix(KeyPrefix(e.from));
                m_trace.Mix(e.packet->digest);
                for (size_t i = 0; i < e.packet->blocks.size(); ++i)  // persisted on receipt
                    inst.store.try_emplace(e.packet->ids[i], e.packet->blocks[i]);
                if (m_cfg.verbose)
                    std::fprintf(stderr, "%6llu  #%zu <- %s: %s\n", static_cast<unsigned long long>(m_now), inst.id,
                                 Short(e.from).c_str(), Describe(e.packet->msg).c_str());
                out = inst.core->OnMessage(e.from, e.packet->msg, m_now);
                break;
            case EventType::TIMER: out = inst.core->OnTimer(m_now); break;
            case EventType::PAYLOAD: {
                Writer w;
                w.U64(m_cfg.seed);
                w.U64(inst.id);
                w.U64(inst.incarnation);
                w.U64(e.round);
                Hash256 payload = TaggedHash("folio/sim/payload", w.bytes());
                std::optional<ValidatorSet> next;
                if (m_cfg.reconfig && inst.core->CurrentEpoch() == 0 && e.round >= 8) next = m_sets.at(1);
                out = inst.core->OnPayloadReady(e.round, e.parent, payload, next, m_now);
                break;
            }
            case EventType::RESTART: break;
        }
        Execute(inst, std::move(out));
    }
    // Results.
    m_res.trace_hash = m_trace.Value();
    bool first = true;
    uint64_t end = std::min(m_now, m_cfg.duration_ms);
    for (const Instance& inst : m_inst) {
        if (!inst.honest) continue;
        uint64_t h = inst.committed.size();
        m_res.min_height = first ? h : std::min(m_res.min_height, h);
        m_res.max_height = std::max(m_res.max_height, h);
        first = false;
        if (m_res.ok && m_cfg.check_liveness && m_cfg.duration_ms >= m_cfg.heal_at_ms + m_cfg.liveness_bound_ms) {
            uint64_t since = std::max(inst.last_commit_time, m_cfg.heal_at_ms);
            m_res.max_commit_gap_ms = std::max(m_res.max_commit_gap_ms, end - since);
            if (inst.last_commit_time <= m_cfg.heal_at_ms || end - since > m_cfg.liveness_bound_ms) {
                m_res.liveness_failed = true;
                Failf("no liveness: instance " + std::to_string(inst.id) + " last committed at " +
                      std::to_string(inst.last_commit_time) + " ms (healed at " + std::to_string(m_cfg.heal_at_ms) +
                      " ms, bound " + std::to_string(m_cfg.liveness_bound_ms) + " ms), " +
                      (inst.core ? inst.core->DebugString() : std::string("down")));
            }
        }
    }
    if (m_res.ok && m_cfg.reconfig && m_epoch_start.count(1) == 0 && m_cfg.check_liveness)
        Failf("the validator-set change never took effect");
    if (m_cfg.verbose) {
        for (const Instance& inst : m_inst)
            std::fprintf(stderr, "#%zu key%u %s %s\n", inst.id, inst.key_index, inst.honest ? "honest" : "twin",
                         inst.core ? inst.core->DebugString().c_str() : "down");
    }
    return m_res;
}

}  // namespace

namespace {
std::string HexU64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace

std::string SimResult::Summary() const {
    return std::string(ok ? "ok" : "FAIL: " + failure) + " | heights " + std::to_string(min_height) + ".." +
           std::to_string(max_height) + ", msgs " + std::to_string(messages) + ", crashes " + std::to_string(crashes) +
           ", evidence " + std::to_string(evidence) + ", twin equivocations " + std::to_string(twin_equivocations) +
           ", max gap " + std::to_string(max_commit_gap_ms) + " ms, trace " + HexU64(trace_hash);
}

uint64_t TwinsScenarioCount(const SimConfig& c) {
    if (c.twins_rounds == 0) return 0;
    uint64_t per_round = TwinsPartitions(c.n, c.twins).size() * c.n, count = 1;
    for (uint32_t r = 0; r < c.twins_rounds; ++r) {
        if (per_round != 0 && count > (uint64_t{1} << 62) / per_round) return 0;
        count *= per_round;
    }
    return count;
}

std::string DescribeTwinsScenario(const SimConfig& c) {
    std::string out;
    uint32_t r = 0;
    for (const TwinsRound& tr : TwinsScenario(c)) {
        ++r;
        out += (r > 1 ? "; r" : "r") + std::to_string(r) + " ";
        for (int g = 0; g < 2; ++g) {
            std::string group;
            for (size_t i = 0; i < tr.side.size(); ++i)
                if (tr.side[i] == g) group += (group.empty() ? "" : ",") + std::to_string(i);
            if (!group.empty()) out += std::string(g ? "|" : "") + "{" + group + "}";
        }
        out += " leader key" + std::to_string(tr.leader);
    }
    return out;
}

SimResult RunSim(const SimConfig& config) { return Sim(config).Run(); }

std::string ReplayArgs(const SimConfig& c) {
    SimConfig d;
    std::string s = "--n " + std::to_string(c.n) + " --twins " + std::to_string(c.twins) + " --seed " +
                    std::to_string(c.seed);
    auto num = [&](const char* name, uint64_t v, uint64_t dv) {
        if (v != dv) s += std::string(" --") + name + " " + std::to_string(v);
    };
    num("duration", c.duration_ms, d.duration_ms);
    num("heal", c.heal_at_ms, d.heal_at_ms);
    num("bound", c.liveness_bound_ms, d.liveness_bound_ms);
    num("drop", c.drop_permille, d.drop_permille);
    num("dup", c.dup_permille, d.dup_permille);
    num("crash", c.crash_permille, d.crash_permille);
    num("max-delay", c.max_delay_ms, d.max_delay_ms);
    num("base-timeout", c.base_timeout_ms, d.base_timeout_ms);
    num("max-timeout", c.max_timeout_ms, d.max_timeout_ms);
    if (!c.partitions) s += " --no-partitions";
    if (!c.crashes) s += " --no-crashes";
    if (c.reconfig) s += " --reconfig";
    if (c.adversarial) s += " --adversarial";
    if (!c.check_liveness) s += " --no-liveness";
    if (c.twins_rounds) s += " --twins-rounds " + std::to_string(c.twins_rounds);
    return s;
}

}  // namespace folio::consensus::sim
