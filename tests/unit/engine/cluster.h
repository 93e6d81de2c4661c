#pragma once
// Four BFT engines in one process (tests/unit/engine): each validator is a chain::Node over its
// own temporary data directory and a BftEngine, connected to the others by the real transport on
// 127.0.0.1 — what foliod wires in node/app/main.cpp, without the RPC server. A validator can be
// stopped and restarted from its data directory on the same port.
//
// No timing is asserted: waits poll every 20 ms and fail only when nothing moved for 60 s, or
// after 5 minutes in all (the machine running the tests may be slow and shared).
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <node/chain/node.h>
#include <node/engine/bft_engine.h>
#include <node/net/ports.h>

#include "../state/test_util.h"

namespace folio::engine::test {

namespace fs = std::filesystem;

// Accounts with the creator role, one per validator: account i submits through validator i.
inline std::string AccountName(size_t i) { return "creator" + std::to_string(i); }

inline state::GenesisDoc ClusterGenesis(const std::vector<SecretKey>& keys) {
    state::GenesisDoc g;
    g.chain_id = "test-chain";  // folio::test::MakeTx's default
    g.genesis_time_ms = 1'795'512'649'000ull;
    for (size_t i = 0; i < keys.size(); ++i) g.validators.push_back({"v" + std::to_string(i), *DerivePublicKey(keys[i])});
    for (size_t i = 0; i < keys.size(); ++i)
        g.accounts.push_back({AccountName(i), folio::test::AddrFor(AccountName(i)),
                              protocol::WithRole(0, protocol::Role::CREATOR), protocol::KycStatus::VERIFIED, "BR", {}});
    return g;
}

// `n` free TCP ports on 127.0.0.1 (net::FreeLoopbackPorts: below the ephemeral range, each checked).
inline std::vector<uint16_t> FreePorts(size_t n) {
    return net::FreeLoopbackPorts(n, static_cast<uint32_t>(::getpid()) * 7919u);
}

class EngineCluster {
public:
    static constexpr auto PROGRESS_TIMEOUT = std::chrono::seconds(60);
    static constexpr auto TOTAL_TIMEOUT = std::chrono::minutes(5);
    static constexpr auto POLL = std::chrono::milliseconds(20);

    explicit EngineCluster(size_t n = 4) {
        static int instance = 0;
        m_root = fs::temp_directory_path() /
                 ("folio-engine-tests-" + std::to_string(::getpid()) + "-" + std::to_string(instance++));
        fs::remove_all(m_root);
        for (size_t i = 0; i < n; ++i) m_keys.push_back(folio::test::KeyFor("validator" + std::to_string(i)));
        m_genesis = ClusterGenesis(m_keys);
        m_ports = FreePorts(n);
        m_validators.resize(n);
    }
    ~EngineCluster() {
        for (size_t i = 0; i < m_validators.size(); ++i) Stop(i);
        std::error_code ec;
        fs::remove_all(m_root, ec);
    }
    EngineCluster(const EngineCluster&) = delete;
    EngineCluster& operator=(const EngineCluster&) = delete;

    size_t Size() const { return m_validators.size(); }
    bool PortsFound() const { return m_ports.size() == m_validators.size(); }

    // Opens validator i's node (creating its data directory and genesis the first time) and
    // starts its engine. Returns "" or what failed.
    std::string Start(size_t i) {
        Validator& v = m_validators.at(i);
        chain::NodeConfig cfg;
        cfg.home = (m_root / ("v" + std::to_string(i))).string();
        cfg.genesis = m_genesis;
        cfg.validator_key = m_keys[i];
        cfg.sync_writes = false;       // the safety state is still synced (BftEngine)
        cfg.state_cache_bytes = 4u << 20;
        auto node = chain::Node::Open(cfg);
        if (!node) return "Node::Open: " + node.error();
        v.node = std::move(node.value());
        BftConfig bft;
        bft.p2p_port = m_ports[i];
        for (size_t j = 0; j < m_keys.size(); ++j)
            if (j != i) bft.peers.push_back(net::PeerAddr{*DerivePublicKey(m_keys[j]), "127.0.0.1", m_ports[j]});
        bft.verify_threads = 1;
        bft.core.retain_committed = 4096;  // as foliod (the rest of its retention is served from disk)
        if (m_configure) m_configure(bft);
        v.engine = std::make_unique<BftEngine>(*v.node, m_keys[i], bft);
        BftEngine* raw = v.engine.get();
        v.node->OnAdmit([raw](const Hash256& id, ByteView bytes) { raw->Gossip(id, bytes); });
        v.engine->Start();
        return "";
    }

    // Stops validator i's engine and closes its node; its data directory stays. Returns the
    // height its ledger was left at.
    uint64_t Stop(size_t i) {
        Validator& v = m_validators.at(i);
        if (v.engine) v.engine->Stop();
        const uint64_t height = Height(i);
        if (v.node) v.node->OnAdmit({});
        v.engine.reset();
        v.node.reset();
        return height;
    }

    bool Running(size_t i) const { return m_validators.at(i).node != nullptr; }
    BftEngine& EngineAt(size_t i) { return *m_validators.at(i).engine; }
    const SecretKey& KeyAt(size_t i) const { return m_keys.at(i); }
    const state::GenesisDoc& Genesis() const { return m_genesis; }
    // Makes Start give the next engines these settings (before Start).
    void Configure(std::function<void(BftConfig&)> f) { m_configure = std::move(f); }
    chain::Node& NodeAt(size_t i) { return *m_validators.at(i).node; }
    uint64_t Height(size_t i) const { return Running(i) ? m_validators.at(i).node->height() : 0; }

    // The lowest committed height among the running validators.
    uint64_t MinHeight(const std::vector<size_t>& which) const {
        uint64_t h = UINT64_MAX;
        for (size_t i : which) h = std::min(h, Height(i));
        return h == UINT64_MAX ? 0 : h;
    }
    std::vector<size_t> All() const {
        std::vector<size_t> v;
        for (size_t i = 0; i < Size(); ++i) v.push_back(i);
        return v;
    }

    // Validator i's ledger from height 1 to `to`: one "height:block-hash/state-root" line per
    // height (8 hex digits each), so that two validators' histories compare like a diff.
    std::string Ledger(size_t i, uint64_t to) {
        std::string s;
        for (uint64_t h = 1; h <= to; ++h) {
            auto hdr = NodeAt(i).store().Header(h);
            s += std::to_string(h) + ":";
            s += hdr ? protocol::BlockHash(*hdr).hex().substr(0, 8) + "/" + hdr->state_root.hex().substr(0, 8) : "missing";
            s += "\n";
        }
        return s;
    }

    // Polls `done` every 20 ms. Fails (returns false) when it has not held and no running
    // validator's height moved for 60 s, or after 5 minutes in all (a condition that never holds
    // on a live chain).
    bool WaitFor(const std::function<bool()>& done) {
        std::vector<uint64_t> last(Size());
        const auto start = std::chrono::steady_clock::now();
        auto last_progress = start;
        while (!done()) {
            bool moved = false;
            for (size_t i = 0; i < Size(); ++i) {
                uint64_t h = Height(i);
                if (h != last[i]) moved = true;
                last[i] = h;
            }
            auto now = std::chrono::steady_clock::now();
            if (moved) last_progress = now;
            if (now - last_progress > PROGRESS_TIMEOUT || now - start > TOTAL_TIMEOUT) return false;
            std::this_thread::sleep_for(POLL);
        }
        return true;
    }

    // A signed register_work transaction from account i (its nonce-th), encoded.
    static Bytes WorkTx(size_t account, uint64_t nonce) {
        const std::string who = AccountName(account);
        protocol::Transaction tx =
            folio::test::MakeTx(who, nonce, folio::test::Work(who + "/work/" + std::to_string(nonce), {{who, 10000}}));
        return protocol::EncodeTx(tx);
    }

private:
    struct Validator {
        std::unique_ptr<chain::Node> node;
        std::unique_ptr<BftEngine> engine;
    };
    fs::path m_root;
    std::vector<SecretKey> m_keys;
    state::GenesisDoc m_genesis;
    std::vector<uint16_t> m_ports;
    std::vector<Validator> m_validators;
    std::function<void(BftConfig&)> m_configure;
};

}  // namespace folio::engine::test
