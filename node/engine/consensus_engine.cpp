#include <node/engine/consensus_engine.h>

#include <chrono>
#include <string>

#include <node/core/fatal.h>

namespace folio::engine {

static uint64_t WallMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void SoloEngine::Start() {
    m_stop = false;
    m_thread = std::thread([this] { Run(); });
}

void SoloEngine::Stop() {
    m_stop = true;
    m_node.mempool().Notify();
    if (m_thread.joinable()) m_thread.join();
}

void SoloEngine::Run() {
    auto last_block = std::chrono::steady_clock::now();
    while (!m_stop) {
        size_t pending = m_node.mempool().WaitForTxs(m_cfg.empty_block_ms);
        if (m_stop) break;
        auto since = std::chrono::steady_clock::now() - last_block;
        if (pending == 0 && since < std::chrono::milliseconds(m_cfg.empty_block_ms)) continue;
        if (pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_cfg.block_interval_ms));  // let a batch gather
        BuiltBlock b = m_node.BuildBlock(WallMs());
        if (b.committed.block.txs.empty() && since < std::chrono::milliseconds(m_cfg.empty_block_ms)) {
            // Only transactions waiting on a nonce gap: do not spin out empty blocks.
            std::this_thread::sleep_for(std::chrono::milliseconds(m_cfg.block_interval_ms));
            continue;
        }
        CommitCert cert = m_node.SignCommit(b);
        const uint64_t height = b.committed.block.header.height;
        if (!m_node.CommitBlock(std::move(b), cert)) Fatal("engine", "cannot commit the block at height " + std::to_string(height));
        last_block = std::chrono::steady_clock::now();
    }
}

}  // namespace folio::engine
