#pragma once
// The BFT engine's transaction gossip: transactions admitted over RPC wait here until the
// consensus thread broadcasts them (TXS messages); the executor hands the ids it executed and the
// evidence it recorded to the consensus thread through here; gossiped transactions from peers are
// admitted on the verification pool, never on the consensus thread.
// Thread-safety: one mutex for the hand-off buffers; Add from any thread (RPC), Executed from the
// executor, Take from the consensus thread; Admit from any thread (its tasks run on the pool).
#include <atomic>
#include <functional>
#include <vector>

#include <node/chain/verify_pool.h>
#include <node/core/sync.h>
#include <node/engine/ledger.h>

namespace folio::engine {

inline constexpr size_t GOSSIP_CHUNK_TXS = 128;       // gossiped transactions admitted between wake-ups
inline constexpr size_t MAX_VERIFY_BACKLOG = 100000;  // gossiped transactions awaiting admission
inline constexpr size_t GOSSIP_MSG_TXS = 2000;        // transactions per TXS message

class TxGossip {
public:
    explicit TxGossip(Ledger& ledger) : m_ledger(ledger) {}  // `ledger` must outlive this

    // Queues an admitted transaction's bytes for the next broadcast; true if the queue was empty
    // (the caller wakes the consensus thread, once per flush).
    bool Add(ByteView tx_bytes) EXCLUDES(m_mu);
    // What a block executed: its transaction ids and the evidence it recorded.
    void Executed(const std::vector<Hash256>& ids, const std::vector<Hash256>& evidence) EXCLUDES(m_mu);
    struct Drained {
        std::vector<Bytes> txs;         // to broadcast
        std::vector<Hash256> executed;  // no longer in flight
        std::vector<Hash256> recorded;  // evidence no longer pending
    };
    Drained Take() EXCLUDES(m_mu);
    // The TXS message bodies carrying `txs` (a list of blobs, GOSSIP_MSG_TXS per message).
    static std::vector<Bytes> EncodeTxsBodies(const std::vector<Bytes>& txs);

    // A peer's TXS body: one ordered task on `pool` per message (so each sender's nonces arrive
    // in order, as sent) whose signature checks fan out over the pool's threads; admission then
    // finds them in the cache. `wake` is called after every GOSSIP_CHUNK_TXS admissions (a leader
    // waiting for transactions may propose). Over MAX_VERIFY_BACKLOG the message is dropped (a
    // batch that carries them gets them verified then). `pool` must outlive the tasks.
    void Admit(ByteView body, chain::VerifyPool& pool, std::function<void()> wake);
    // Tasks still running stop admitting; call before the pool is stopped.
    void Stop() { m_stop = true; }
    size_t Backlog() const { return m_backlog.load(); }

private:
    Ledger& m_ledger;
    std::atomic<bool> m_stop{false};
    std::atomic<size_t> m_backlog{0};
    Mutex m_mu;
    std::vector<Bytes> m_txs GUARDED_BY(m_mu);
    std::vector<Hash256> m_executed_ids GUARDED_BY(m_mu);
    std::vector<Hash256> m_recorded_evidence GUARDED_BY(m_mu);
};

}  // namespace folio::engine
