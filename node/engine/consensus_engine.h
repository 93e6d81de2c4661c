#pragma once
// The seam between the chain shell (Node) and a consensus protocol. An engine decides when
// blocks are built and when they commit; the Node builds, executes and stores them.
// SoloEngine is the single-validator engine: every block it builds commits at once, signed by
// its own key. The BFT engine (node/consensus + node/net) implements the same interface.
#include <atomic>
#include <cstdint>
#include <optional>
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

// What an engine is doing now, for the operator's gauges (docs/operations.md, "Metrics").
struct EngineStatus {
    uint64_t ordered_height = 0;   // the highest height consensus committed (ordered)
    uint64_t executed_height = 0;  // the highest height executed and stored (ordered - executed: the executor's lag)
    uint64_t epoch = 0, round = 0;  // consensus' current epoch and round (0 for a single validator)
    size_t peers = 0;               // members of the set in force connected over the transport now
                                    // (not read replicas, not retired validators)
    size_t verify_backlog = 0;      // gossiped transactions waiting for their signature check
};

class ConsensusEngine {
public:
    virtual ~ConsensusEngine() = default;
    // A snapshot of the engine's figures; any thread, cheap (read at every metrics scrape).
    virtual EngineStatus Status() const = 0;
    // Starts the engine's thread(s). Returns immediately.
    virtual void Start() = 0;
    // Stops and joins. Blocks already committed stay committed.
    virtual void Stop() = 0;
    // The consensus anchor (consensus::EncodeAnchor) whose root is the block committed at exactly
    // `height`, for a state-sync snapshot of that height (node/statesync); nullopt when the engine
    // has none (no BFT consensus, not executed yet, or no longer in its tree). Any thread; may
    // wait up to about a second for the consensus thread.
    virtual std::optional<Bytes> AnchorAt(uint64_t /*height*/) { return std::nullopt; }
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
    // Every block commits as it is built: ordered = executed = the node's height.
    EngineStatus Status() const override {
        EngineStatus s;
        s.ordered_height = s.executed_height = m_node.height();
        return s;
    }

private:
    void Run();
    Node& m_node;
    SoloConfig m_cfg;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

}  // namespace folio::engine
