#pragma once
// A tiny synchronous test network for node/consensus unit tests: real Schnorr keys, FIFO
// delivery, immediate payloads, explicit time, a drop filter, crash/restore of one node.
#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <node/consensus/core.h>

namespace folio::consensus::test {

inline SecretKey TestSecret(uint32_t i) {
    Writer w;
    w.U32(i);
    return TaggedHash("folio/test/consensus-key", w.bytes());
}

inline PublicKey TestKey(uint32_t i) { return *DerivePublicKey(TestSecret(i)); }

// The reasons of the core's rejections among `acts`, in order.
inline std::vector<ConsensusError> Rejects(const Actions& acts) {
    std::vector<ConsensusError> out;
    for (const auto& a : acts)
        if (auto* r = std::get_if<RejectAction>(&a)) out.push_back(r->error);
    return out;
}

inline bool Has(const std::vector<ConsensusError>& v, ConsensusError e) {
    return std::find(v.begin(), v.end(), e) != v.end();
}

inline ValidatorSet TestSet(Epoch epoch, uint32_t first, uint32_t count) {
    ValidatorSet s;
    s.epoch = epoch;
    for (uint32_t i = first; i < first + count; ++i) s.members.push_back(TestKey(i));
    return s;
}

inline Hash256 TestPayload(uint64_t round, uint64_t salt = 0) {
    Writer w;
    w.U64(round);
    w.U64(salt);
    return TaggedHash("folio/test/payload", w.bytes());
}

struct Packet {
    size_t to = 0;
    PublicKey from;
    Message msg;
};

class Cluster {
public:
    struct Node {
        std::unique_ptr<SchnorrSigner> signer;
        std::unique_ptr<Core> core;
        SafetyState persisted;
        std::vector<Block> store;
        std::vector<CommittedBlock> committed;
        std::vector<EpochChangeAction> epochs;
        std::vector<Evidence> evidence;
        uint64_t deadline = 0;
        bool down = false;
    };

    // Keys 0..validators-1 form the genesis set; keys validators..validators+observers-1 observe.
    Cluster(uint32_t validators, uint32_t observers = 0, Config config = {}) : m_config(config) {
        m_genesis = TestSet(0, 0, validators);
        for (uint32_t i = 0; i < validators + observers; ++i) {
            Node n;
            n.signer = std::make_unique<SchnorrSigner>(TestSecret(i));
            m_nodes.push_back(std::move(n));
        }
        for (size_t i = 0; i < m_nodes.size(); ++i) {
            m_nodes[i].core = MakeCore(i);
            Exec(i, m_nodes[i].core->Start(now));
        }
    }

    std::unique_ptr<Core> MakeCore(size_t i) {
        return std::make_unique<Core>(m_config, m_genesis, Hash256{}, *m_nodes[i].signer, m_verifier);
    }

    // Carries out actions of node i. Sends only reach nodes that are up; PersistSafety is kept.
    void Exec(size_t i, Actions actions) {
        for (auto& a : actions) {
            log.emplace_back(i, a);
            if (auto* s = std::get_if<SendAction>(&a)) {
                for (size_t j = 0; j < m_nodes.size(); ++j)
                    if (j != i && m_nodes[j].signer->Key() == s->to) Enqueue(j, i, s->msg);
            } else if (auto* b = std::get_if<BroadcastAction>(&a)) {
                if (auto* p = std::get_if<Proposal>(&b->msg)) m_nodes[i].store.push_back(p->block);
                for (size_t j = 0; j < m_nodes.size(); ++j)
                    if (j != i) Enqueue(j, i, b->msg);
            } else if (auto* ps = std::get_if<PersistSafetyAction>(&a)) {
                m_nodes[i].persisted = ps->state;
            } else if (auto* c = std::get_if<CommitAction>(&a)) {
                for (const auto& cb : c->blocks) m_nodes[i].committed.push_back(cb);
            } else if (auto* e = std::get_if<EpochChangeAction>(&a)) {
                m_nodes[i].epochs.push_back(*e);
            } else if (auto* t = std::get_if<ScheduleTimerAction>(&a)) {
                m_nodes[i].deadline = t->deadline_ms;
            } else if (auto* r = std::get_if<RequestPayloadAction>(&a)) {
                std::optional<ValidatorSet> next;
                if (propose_set && r->epoch + 1 == propose_set->epoch && r->round >= propose_set_from_round)
                    next = propose_set;
                Exec(i, m_nodes[i].core->OnPayloadReady(r->round, r->parent_id, TestPayload(r->round, payload_salt),
                                                         next, now));
            } else if (auto* ev = std::get_if<EvidenceAction>(&a)) {
                m_nodes[i].evidence.push_back(ev->evidence);
            }
        }
    }

    void Enqueue(size_t to, size_t from, const Message& m) {
        Packet p{to, m_nodes[from].signer->Key(), m};
        if (drop && drop(p)) return;
        queue.push_back(std::move(p));
    }

    // Delivers queued messages in FIFO order until none is left (or `max` deliveries).
    void Run(size_t max = 100000) {
        for (size_t k = 0; k < max && !queue.empty(); ++k) {
            Packet p = std::move(queue.front());
            queue.pop_front();
            if (m_nodes[p.to].down) continue;
            if (auto* pr = std::get_if<Proposal>(&p.msg)) m_nodes[p.to].store.push_back(pr->block);  // stored on receipt
            if (auto* br = std::get_if<BlockResponse>(&p.msg))
                for (const auto& b : br->blocks) m_nodes[p.to].store.push_back(b);
            Exec(p.to, m_nodes[p.to].core->OnMessage(p.from, p.msg, now));
        }
    }

    // Moves time forward and fires due timers, then delivers at most `deliveries` messages
    // (a healthy cluster never runs out of messages: each round starts the next).
    void Tick(uint64_t ms, size_t deliveries = 300) {
        now += ms;
        for (size_t i = 0; i < m_nodes.size(); ++i)
            if (!m_nodes[i].down && m_nodes[i].deadline != 0 && m_nodes[i].deadline <= now)
                Exec(i, m_nodes[i].core->OnTimer(now));
        Run(deliveries);
    }

    void Crash(size_t i) {
        m_nodes[i].down = true;
        m_nodes[i].core.reset();
    }
    void Restore(size_t i) {
        m_nodes[i].down = false;
        m_nodes[i].core = MakeCore(i);
        Exec(i, m_nodes[i].core->Restore(m_nodes[i].persisted, m_nodes[i].store, m_nodes[i].committed.size(), now));
    }

    // A restart from an anchor with a pruned block store (Core::Restore's anchor form).
    void RestoreFrom(size_t i, const Anchor& anchor, std::vector<Block> store) {
        m_nodes[i].down = false;
        m_nodes[i].store = std::move(store);
        m_nodes[i].core = MakeCore(i);
        Exec(i, m_nodes[i].core->Restore(m_nodes[i].persisted, anchor, m_nodes[i].store, m_nodes[i].committed.size(),
                                         now));
    }

    Node& node(size_t i) { return m_nodes[i]; }
    Core& core(size_t i) { return *m_nodes[i].core; }
    size_t size() const { return m_nodes.size(); }
    const ValidatorSet& genesis() const { return m_genesis; }
    const Verifier& verifier() const { return m_verifier; }

    uint64_t now = 0;
    std::deque<Packet> queue;
    std::function<bool(const Packet&)> drop;
    std::optional<ValidatorSet> propose_set;
    Round propose_set_from_round = 0;
    uint64_t payload_salt = 0;
    std::vector<std::pair<size_t, Action>> log;  // every executed action, in order

private:
    Config m_config;
    ValidatorSet m_genesis;
    SchnorrVerifier m_verifier;
    std::vector<Node> m_nodes;
};

}  // namespace folio::consensus::test
