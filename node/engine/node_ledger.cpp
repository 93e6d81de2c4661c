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

std::optional<std::string> NodeLedger::DeleteMeta(const std::string& name) {
    if (auto st = m_node.store().DeleteMeta(name); !st) return st.error().message;
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

Ledger::Offer NodeLedger::Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) {
    std::vector<PoolEntry> cands = m_node.mempool().Candidates(max, skip);
    auto commands = std::make_shared<TxCommands>();
    Offer out;
    out.raws.reserve(cands.size());
    commands->ids.reserve(cands.size());
    commands->txs.reserve(cands.size());
    for (PoolEntry& e : cands) {
        out.raws.push_back(e.tx.bytes());
        commands->ids.push_back(e.id());
        commands->txs.push_back(std::move(e.tx));
    }
    out.commands = std::move(commands);
    return out;
}

std::shared_ptr<const Commands> NodeLedger::DecodeCommands(const std::vector<Bytes>& raws) {
    auto out = std::make_shared<TxCommands>();
    out->ids.reserve(raws.size());
    out->txs.reserve(raws.size());
    for (const Bytes& raw : raws) {
        auto tx = protocol::DecodedTx::Decode(raw);
        if (!tx) {  // left out of execution; the batch is not voted for
            out->all_decoded = false;
            continue;
        }
        out->ids.push_back(tx->id());
        out->txs.push_back(std::move(tx.value()));
    }
    return out;
}

namespace {

// The commands came from this ledger (DecodeCommands or Candidates): always TxCommands.
const TxCommands& AsTx(const Commands& c) { return static_cast<const TxCommands&>(c); }

// Checks the signatures of `txs` on the pool (cache first); result[i] for txs[i].
std::vector<bool> VerifyTxs(const std::vector<protocol::DecodedTx>& txs, chain::VerifyPool& pool,
                            const std::function<bool(const Hash256&)>& known) {
    std::vector<const protocol::Transaction*> check;
    std::vector<Hash256> ids;
    std::vector<size_t> where;
    check.reserve(txs.size());
    ids.reserve(txs.size());
    for (size_t i = 0; i < txs.size(); ++i) {
        if (known(txs[i].id())) continue;
        check.push_back(&txs[i].tx());
        ids.push_back(txs[i].id());
        where.push_back(i);
    }
    std::vector<bool> ok(txs.size(), true);
    std::vector<bool> checked = pool.VerifyAll(check, ids);
    for (size_t k = 0; k < where.size(); ++k) ok[where[k]] = checked[k];
    return ok;
}

}  // namespace

bool NodeLedger::VerifyCommands(const Commands& commands, chain::VerifyPool& pool) {
    if (!commands.all_decoded) return false;
    // Transactions admitted here or verified before are in the cache (or the mempool, which holds
    // only verified ones); the rest are checked on the pool in parallel (and cached, so admission
    // and execution do not check them again).
    for (bool ok : VerifyTxs(AsTx(commands).txs, pool, [&](const Hash256& id) {
             return m_node.sig_cache().Contains(id) || m_node.mempool().Contains(id);
         }))
        if (!ok) return false;
    return true;
}

void NodeLedger::AdmitGossip(const std::vector<Bytes>& raws, chain::VerifyPool& pool, size_t chunk,
                             const std::function<bool()>& between) {
    std::vector<protocol::DecodedTx> decoded;
    decoded.reserve(raws.size());
    for (const Bytes& raw : raws) {
        auto tx = protocol::DecodedTx::Decode(raw);
        if (tx) decoded.push_back(std::move(tx.value()));  // one that does not decode is dropped
    }
    // Fills the cache; a bad signature is rejected by Admit.
    (void)VerifyTxs(decoded, pool, [](const Hash256&) { return false; });
    for (size_t i = 0; i < decoded.size(); ++i) {
        (void)m_node.Admit(std::move(decoded[i]), /*from_peer=*/true);
        if ((i + 1) % chunk == 0 || i + 1 == decoded.size())
            if (!between()) return;
    }
}

std::optional<Ledger::Executed> NodeLedger::Execute(uint64_t height, const consensus::Block& block,
                                                    const protocol::Batch& batch, const Commands* commands,
                                                    chain::VerifyPool& pool) {
    // Deterministic selection: transactions that do not decode (DecodeCommands left them out) or
    // verify are left out. Each signature was checked once on this node already (cache); misses
    // are checked on the pool.
    static const std::vector<protocol::DecodedTx> NONE;
    const std::vector<protocol::DecodedTx>& decoded = commands ? AsTx(*commands).txs : NONE;
    std::vector<bool> sig_ok = VerifyTxs(decoded, pool, [](const Hash256&) { return false; });
    std::vector<protocol::DecodedTx> entries;
    entries.reserve(decoded.size());
    for (size_t i = 0; i < decoded.size(); ++i)
        if (sig_ok[i]) entries.push_back(decoded[i]);
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
    for (const protocol::DecodedTx& e : entries) out.ids.push_back(e.id());
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
