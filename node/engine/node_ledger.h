#pragma once
// The engine's Ledger (node/engine/ledger.h) over chain::Node: signed transactions, the node's
// mempool and signature cache, execution by Node::ExecuteBlock + CommitBlock, metadata and commit
// certificates in the node's store. What foliod and the tests run.
#include <node/consensus/crypto.h>
#include <node/engine/consensus_engine.h>
#include <node/engine/ledger.h>

namespace folio::engine {

// A batch's transactions, decoded once (protocol::DecodedTx: the transaction, its bytes, its id).
struct TxCommands final : Commands {
    std::vector<protocol::DecodedTx> txs;  // ids[i] == txs[i].id()
    // Each transaction is held twice: its encoding and the decoded fields (about as large).
    size_t HeldBytes() const override {
        size_t n = Commands::HeldBytes() + txs.size() * sizeof(protocol::DecodedTx);
        for (const protocol::DecodedTx& t : txs) n += 2 * t.bytes().size();
        return n;
    }
};

class NodeLedger final : public Ledger {
public:
    explicit NodeLedger(Node& node) : m_node(node) {}  // `node` must outlive this

    const std::string& ChainId() const override { return m_node.chain_id(); }
    const Hash256& GenesisHash() const override { return m_node.genesis_hash(); }
    uint64_t Height() const override { return m_node.height(); }

    std::optional<Bytes> GetMeta(const std::string& name) const override;
    std::optional<std::string> PutMeta(const std::string& name, ByteView value, bool sync) override;
    std::optional<std::string> DeleteMeta(const std::string& name) override;
    void ForEachMeta(const std::string& prefix,
                     const std::function<void(const std::string&, const Bytes&)>& fn) const override;

    std::optional<protocol::ValidatorSetRecord> ValidatorSet() const override;
    std::optional<protocol::ValidatorSetRecord> ValidatorSetOfEpoch(uint64_t epoch) const override;
    std::optional<protocol::PendingValidatorSet> PendingValidatorSet() const override;

    chain::SigCache& sig_cache() override { return m_node.sig_cache(); }
    size_t PoolSize() const override;
    uint64_t PoolAddedCount() const override;
    Offer Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) override;
    std::shared_ptr<const Commands> DecodeCommands(const std::vector<Bytes>& raws) override;
    bool VerifyCommands(const Commands& commands, chain::VerifyPool& pool) override;
    void AdmitGossip(const std::vector<Bytes>& raws, chain::VerifyPool& pool, size_t chunk,
                     const std::function<bool()>& between) override;

    std::optional<Executed> Execute(uint64_t height, const consensus::Block& block, const protocol::Batch& batch,
                                    const Commands* commands, chain::VerifyPool& pool) override;
    bool StoreCommitCert(uint64_t height, const protocol::CommitCert& cert) override;
    std::optional<Hash256> ExecutedHash(uint64_t height) const override;
    std::optional<Bytes> CommitCertAt(uint64_t height) const override;

private:
    Node& m_node;
    consensus::SchnorrVerifier m_verifier;
};

}  // namespace folio::engine
