#pragma once
// The seam between the chain shell (Node) and a consensus protocol. An engine decides when
// blocks are built and when they commit; the Node builds, executes and stores them.
// SoloEngine is the single-validator engine: every block it builds commits at once, signed by
// its own key. The BFT engine (node/consensus + node/net) implements the same interface.
#include <atomic>
#include <cstdint>
#include <thread>

#include <node/chain/node.h>

namespace folio::engine {

using chain::BuiltBlock;
using chain::CommitCert;
using chain::CommitMessage;
using chain::DecodeCommitCert;
using chain::EncodeCommitCert;
using chain::Node;
using chain::PoolEntry;
using chain::VerifyPool;

class ConsensusEngine {
public:
    virtual ~ConsensusEngine() = default;
    // Starts the engine's thread(s). Returns immediately.
    virtual void Start() = 0;
    // Stops and joins. Blocks already committed stay committed.
    virtual void Stop() = 0;
    // An engine never stops on its own: a local failure (a store write that fails, an invariant
    // of its own ledger broken) ends the process through folio::Fatal (node/core/fatal.h).
};

struct SoloConfig {
    uint64_t block_interval_ms = 20;   // how long transactions gather before a block is built
    uint64_t empty_block_ms = 1000;    // an empty block is built after this long without transactions
};

class SoloEngine final : public ConsensusEngine {
public:
    SoloEngine(Node& node, SoloConfig cfg) : m_node(node), m_cfg(cfg) {}
    ~SoloEngine() override { Stop(); }
    void Start() override;
    void Stop() override;

private:
    void Run();
    Node& m_node;
    SoloConfig m_cfg;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

}  // namespace folio::engine
