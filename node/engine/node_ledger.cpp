#include <node/engine/node_ledger.h>

#include <string>

#include <node/core/fatal.h>
#include <node/engine/meta.h>

namespace folio::engine {

// The safety state lives in its own file beside the store (storage/safety_file.h), so a damaged
// store can be moved aside without it; one written by an older build into the store is read from
// there until the next write.
std::optional<Bytes> NodeLedger::GetMeta(const std::string& name) const {
    if (name == SAFETY_META)
        if (auto s = m_node.SafetyState()) return s;
    return m_node.store().GetMeta(name);
}

std::optional<std::string> NodeLedger::PutMeta(const std::string& name, ByteView value, bool sync) {
    if (name == SAFETY_META) return m_node.PutSafetyState(value);
    if (auto st = m_node.store().PutMeta(name, value, sync); !st) return st.error().message;
    return std::nullopt;
}

void NodeLedger::ForEachMeta(const std::string& prefix,
                             const std::function<void(const std::string&, const Bytes&)>& fn) const {
    m_node.store().ForEachMeta(prefix, fn);
}

std::optional<protocol::ValidatorSetRecord> NodeLedger::ValidatorSet() const { return m_node.ValidatorSet(); }
std::optional<protocol::ValidatorSetRecord> NodeLedger::ValidatorSetOfEpoch(uint64_t epoch) const {
    return m_node.ValidatorSetOfEpoch(epoch);
}
std::optional<protocol::PendingValidatorSet> NodeLedger::PendingValidatorSet() const {
    return m_node.PendingValidators();
}

size_t NodeLedger::PoolSize() const { return m_node.mempool().Size(); }
uint64_t NodeLedger::PoolAddedCount() const { return m_node.mempool().AddedCount(); }

std::vector<Ledger::Candidate> NodeLedger::Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) {
    std::vector<PoolEntry> cands = m_node.mempool().Candidates(max, skip);
    std::vector<Candidate> out;
    out.reserve(cands.size());
    for (const PoolEntry& e : cands) out.push_back(Candidate{e.id, protocol::EncodeTx(e.tx)});
    return out;
}

// A canonical encoding's id is the tagged hash of the bytes as received.
Hash256 NodeLedger::CommandId(ByteView raw) const { return TaggedHash("folio/tx/id", raw); }

bool NodeLedger::VerifyCommands(const std::vector<Bytes>& raws, chain::VerifyPool& pool) {
    // Transactions admitted here or verified before are in the cache; the rest are checked on
    // the pool in parallel (and cached, so admission and execution do not check them again).
    std::vector<protocol::Transaction> txs;
    std::vector<Hash256> ids;
    txs.reserve(raws.size());
    for (const Bytes& raw : raws) {
        auto tx = protocol::DecodeTx(raw);
        if (!tx) return false;
        Hash256 id = protocol::TxId(tx.value());
        if (m_node.sig_cache().Contains(id) || m_node.mempool().Contains(id)) continue;
        txs.push_back(std::move(tx.value()));
        ids.push_back(id);
    }
    std::vector<const protocol::Transaction*> check;
    check.reserve(txs.size());
    for (const protocol::Transaction& t : txs) check.push_back(&t);
    for (bool ok : pool.VerifyAll(check, ids))
        if (!ok) return false;
    return true;
}

void NodeLedger::PreverifyGossip(const std::vector<Bytes>& raws, chain::VerifyPool& pool) {
    std::vector<protocol::Transaction> decoded;
    std::vector<Hash256> ids;
    decoded.reserve(raws.size());
    for (const Bytes& raw : raws) {
        auto tx = protocol::DecodeTx(raw);
        if (!tx) continue;  // Admit reports it
        ids.push_back(protocol::TxId(tx.value()));
        decoded.push_back(std::move(tx.value()));
    }
    std::vector<const protocol::Transaction*> ptrs;
    ptrs.reserve(decoded.size());
    for (const protocol::Transaction& t : decoded) ptrs.push_back(&t);
    (void)pool.VerifyAll(ptrs, ids);  // fills the cache; a bad one is rejected by Admit
}

void NodeLedger::AdmitGossip(ByteView raw) { (void)m_node.Admit(raw, /*from_peer=*/true); }

std::optional<Ledger::Executed> NodeLedger::Execute(uint64_t height, const consensus::Block& block,
                                                    const protocol::Batch& batch, chain::VerifyPool& pool) {
    // Deterministic selection: transactions that do not decode or verify are left out. Each
    // signature was checked once on this node already (cache); misses are checked on the pool.
    std::vector<PoolEntry> decoded;
    decoded.reserve(batch.txs.size());
    for (const Bytes& raw : batch.txs) {
        auto tx = protocol::DecodeTx(raw);
        if (!tx) continue;
        Hash256 id = protocol::TxId(tx.value());
        decoded.push_back(PoolEntry{std::move(tx.value()), id, raw.size(), 0});
    }
    std::vector<const protocol::Transaction*> check;
    std::vector<Hash256> check_ids;
    for (const PoolEntry& e : decoded) {
        check.push_back(&e.tx);
        check_ids.push_back(e.id);
    }
    std::vector<bool> sig_ok = pool.VerifyAll(check, check_ids);
    std::vector<PoolEntry> entries;
    entries.reserve(decoded.size());
    for (size_t i = 0; i < decoded.size(); ++i)
        if (sig_ok[i]) entries.push_back(std::move(decoded[i]));
    // Evidence is checked against the set of its epoch as this ledger records it (deterministic).
    std::vector<Node::EvidenceItem> evidence;
    for (const Bytes& raw : batch.evidence) {
        auto ev = consensus::DecodeEvidence(raw);
        if (!ev) continue;
        auto epoch = consensus::EvidenceEpoch(ev.value());
        auto rec = epoch ? m_node.ValidatorSetOfEpoch(*epoch) : std::nullopt;
        if (!rec || !consensus::VerifyEvidence(ev.value(), consensus::ValidatorSet{*epoch, rec->members}, m_verifier))
            continue;
        evidence.push_back(Node::EvidenceItem{Sha256Of(raw), ev->signer, raw});
    }
    Executed out;
    for (const PoolEntry& e : entries) out.ids.push_back(e.id);
    for (const Node::EvidenceItem& e : evidence) out.evidence.push_back(e.id);
    // A committed block carrying a validator-set change ends its epoch (docs/consensus.md).
    const std::vector<Address>* next_set = block.next_validators ? &block.next_validators->members : nullptr;
    BuiltBlock built = m_node.ExecuteBlock(batch.time_ms, block.proposer, std::move(entries), evidence, next_set);
    out.hash = built.hash;
    out.height = built.committed.block.header.height;
    if (out.height != height)  // checked before the block is stored
        Fatal("engine",
              "ledger height " + std::to_string(out.height) + " for consensus height " + std::to_string(height));
    // Did this block schedule or make a validator-set change? (Then the engine refreshes its sets.)
    out.sets_changed = Node::ChangesValidatorSets(built);
    if (!m_node.CommitBlock(std::move(built))) return std::nullopt;
    return out;
}

bool NodeLedger::StoreCommitCert(uint64_t height, const protocol::CommitCert& cert) {
    return m_node.StoreCommitCert(height, cert);
}

std::optional<Hash256> NodeLedger::ExecutedHash(uint64_t height) const {
    auto h = m_node.store().Header(height);
    if (!h) return std::nullopt;
    return protocol::BlockHash(*h);
}

std::optional<Bytes> NodeLedger::CommitCertAt(uint64_t height) const { return m_node.store().GetCommitCert(height); }

}  // namespace folio::engine
