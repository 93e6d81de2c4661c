#include <node/engine/gossip.h>

#include <algorithm>
#include <memory>

#include <node/core/codec.h>
#include <node/protocol/types.h>

namespace folio::engine {

bool TxGossip::Add(ByteView tx_bytes) {
    MutexLock lock(m_mu);
    bool first = m_txs.empty();
    m_txs.emplace_back(tx_bytes.begin(), tx_bytes.end());
    return first;
}

void TxGossip::Executed(const std::vector<Hash256>& ids, const std::vector<Hash256>& evidence) {
    MutexLock lock(m_mu);
    m_executed_ids.insert(m_executed_ids.end(), ids.begin(), ids.end());
    m_recorded_evidence.insert(m_recorded_evidence.end(), evidence.begin(), evidence.end());
}

TxGossip::Drained TxGossip::Take() {
    Drained out;
    MutexLock lock(m_mu);
    out.txs.swap(m_txs);
    out.executed.swap(m_executed_ids);
    out.recorded.swap(m_recorded_evidence);
    return out;
}

std::vector<Bytes> TxGossip::EncodeTxsBodies(const std::vector<Bytes>& txs) {
    std::vector<Bytes> bodies;
    for (size_t i = 0; i < txs.size(); i += GOSSIP_MSG_TXS) {
        Writer w;
        size_t end = std::min(txs.size(), i + GOSSIP_MSG_TXS);
        w.Varint(end - i);
        for (size_t k = i; k < end; ++k) w.Blob(txs[k]);
        bodies.push_back(w.bytes());
    }
    return bodies;
}

void TxGossip::Admit(ByteView body, chain::VerifyPool& pool, std::function<void()> wake) {
    Reader r(body);
    size_t n = r.Length(100000);
    std::vector<Bytes> txs;
    txs.reserve(n);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        Bytes tx = r.Blob(protocol::MAX_TX_BYTES);
        if (r.ok()) txs.push_back(std::move(tx));
    }
    if (txs.empty() || m_backlog.load() + txs.size() > MAX_VERIFY_BACKLOG) return;
    m_backlog += txs.size();
    auto msg = std::make_shared<std::vector<Bytes>>(std::move(txs));
    pool.PostOrdered([this, msg, &pool, wake = std::move(wake)] {
        if (m_stop) return;
        m_ledger.AdmitGossip(*msg, pool, GOSSIP_CHUNK_TXS, [&] {
            wake();  // a leader waiting for transactions may propose now
            return !m_stop.load();
        });
        m_backlog -= msg->size();
    });
}

}  // namespace folio::engine
