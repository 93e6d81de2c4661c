#pragma once
// Makes state-sync snapshots (snapshot.h) of a running node and serves their files
// (docs/operations.md, "State sync"). Every `interval` heights the committing thread hands the
// state of the height just committed (a store view, storage::StateView) to the snapshot thread,
// which waits for the block's commit certificate, the consensus anchor at that height and the
// validator-set hand-offs, then writes HOME/snapshots/<height>/ (manifest, chunk-<i>) through a
// temporary directory renamed into place, and keeps the newest `keep` snapshots. A snapshot still
// being written when the next one is due makes the next one skipped, never queued.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/sync.h>
#include <node/storage/chain_store.h>

namespace folio::chain {
class Node;
}

namespace folio::statesync {

struct ProducerConfig {
    std::string dir;          // HOME/snapshots
    uint64_t interval = 0;    // heights between snapshots (0: none)
    size_t keep = 2;          // snapshots kept on disk
    uint64_t wait_ms = 120'000;  // longest wait for the certificate, anchor and hand-offs
};

// The consensus anchor at exactly `height` (consensus::EncodeAnchor), or nullopt when the engine
// cannot make one now. Called from the snapshot thread.
using AnchorSource = std::function<std::optional<Bytes>(uint64_t height)>;

class Producer {
public:
    Producer(ProducerConfig cfg, chain::Node& node, AnchorSource anchors);
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;
    void Start();
    void Stop();
    // From the committing thread, after each commit.
    void OnCommit(uint64_t height);
    // The newest snapshot written, 0 if none (metrics, tests).
    uint64_t LatestHeight() const { return m_latest.load(); }

private:
    void Run();
    bool Make(const storage::StateView& view);
    void Trim();

    ProducerConfig m_cfg;
    chain::Node& m_node;
    AnchorSource m_anchors;
    Mutex m_mu;
    CondVar m_cv;
    std::shared_ptr<const storage::StateView> m_pending GUARDED_BY(m_mu);
    bool m_busy GUARDED_BY(m_mu) = false;
    bool m_stop GUARDED_BY(m_mu) = false;
    std::atomic<uint64_t> m_latest{0};
    std::thread m_thread;
};

// A snapshot file's bytes, or nullopt when it cannot be read or is larger than `max`.
std::optional<Bytes> ReadSnapshotFile(const std::string& path, size_t max);

// The snapshots in a directory, newest first: height, identity (ManifestId), chunk count.
struct Listed {
    uint64_t height = 0;
    Hash256 id;
    size_t chunks = 0;
};
std::vector<Listed> ListSnapshots(const std::string& dir);
// The answer to GET /snapshots... on the RPC port (nullopt: not a snapshot path): status, body,
// content type. Paths: /snapshots (JSON list), /snapshots/<h>/manifest, /snapshots/<h>/chunks/<i>.
struct HttpAnswer {
    int status = 200;
    std::string body;
    std::string content_type;
};
std::optional<HttpAnswer> ServeSnapshotPath(const std::string& dir, std::string_view target);

}  // namespace folio::statesync
