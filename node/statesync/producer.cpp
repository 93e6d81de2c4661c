#include <node/statesync/producer.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include <node/chain/node.h>
#include <node/consensus/types.h>
#include <node/log/log.h>
#include <node/protocol/certificate.h>
#include <node/statesync/snapshot.h>

namespace folio::statesync {

namespace fs = std::filesystem;

namespace {

constexpr const char* LOG = "statesync";

bool WriteFile(const fs::path& path, ByteView bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    return static_cast<bool>(out);
}

std::optional<uint64_t> ParseU64(std::string_view s) {
    uint64_t v = 0;
    if (s.empty() || s.size() > 20) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

uint64_t NowMs() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}

}  // namespace

Producer::Producer(ProducerConfig cfg, chain::Node& node, AnchorSource anchors)
    : m_cfg(std::move(cfg)), m_node(node), m_anchors(std::move(anchors)) {}

Producer::~Producer() { Stop(); }

void Producer::Start() {
    std::error_code ec;
    fs::create_directories(m_cfg.dir, ec);
    // A snapshot a crash or stop left half written.
    for (const auto& e : fs::directory_iterator(m_cfg.dir, ec))
        if (e.path().filename().string().rfind("tmp-", 0) == 0) fs::remove_all(e.path(), ec);
    if (auto listed = ListSnapshots(m_cfg.dir); !listed.empty()) m_latest = listed.front().height;
    m_thread = std::thread([this] { Run(); });
}

void Producer::Stop() {
    {
        MutexLock lock(m_mu);
        if (m_stop) return;
        m_stop = true;
        m_cv.NotifyAll();
    }
    if (m_thread.joinable()) m_thread.join();
}

void Producer::OnCommit(uint64_t height) {
    if (m_cfg.interval == 0 || height == 0 || height % m_cfg.interval != 0) return;
    MutexLock lock(m_mu);
    if (m_busy || m_pending || m_stop) {
        log::Warn(LOG, "snapshot skipped: the previous one is still being written", {{"height", height}});
        return;
    }
    m_pending = m_node.store().ViewState();  // the committing thread: exactly this height's state
    m_cv.NotifyAll();
}

void Producer::Run() {
    for (;;) {
        std::shared_ptr<const storage::StateView> view;
        {
            MutexLock lock(m_mu);
            while (!m_stop && !m_pending) m_cv.Wait(m_mu);
            if (m_stop) return;
            view = std::move(m_pending);
            m_pending.reset();
            m_busy = true;
        }
        const uint64_t started = NowMs();
        const uint64_t h = view->Height();
        if (Make(*view)) {
            m_latest = h;
            Trim();
            log::Info(LOG, "snapshot written", {{"height", h}, {"ms", NowMs() - started}});
        }
        view.reset();  // releases the store snapshot
        MutexLock lock(m_mu);
        m_busy = false;
    }
}

bool Producer::Make(const storage::StateView& view) {
    const uint64_t h = view.Height();
    auto stopped = [this] {
        MutexLock lock(m_mu);
        return m_stop;
    };
    // What the manifest needs besides the state, waited for: the certificate arrives after the
    // block, and the engine's anchor only once its tree holds the block as committed.
    Manifest m;
    m.chain_id = m_node.chain_id();
    m.height = h;
    std::optional<Bytes> cert, anchor;
    const uint64_t deadline = NowMs() + m_cfg.wait_ms;
    while (!(cert && anchor)) {
        if (stopped()) return false;
        if (NowMs() > deadline) {
            log::Warn(LOG, "snapshot abandoned: no commit certificate or consensus anchor in time",
                      {{"height", h}, {"certificate", cert.has_value()}, {"anchor", anchor.has_value()}});
            return false;
        }
        if (!cert) cert = m_node.store().GetCommitCert(h);
        if (!anchor) anchor = m_anchors(h);
        if (!(cert && anchor)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto decoded_anchor = consensus::DecodeAnchor(*anchor);
    if (!decoded_anchor || decoded_anchor->root_height != h) {
        log::Error(LOG, "snapshot abandoned: the consensus anchor is not at its height", {{"height", h}});
        return false;
    }
    m.commit = *cert;
    m.anchor = *anchor;
    for (uint64_t e = 1; e <= decoded_anchor->validators.epoch; ++e) {
        std::optional<Bytes> handoff;
        while (!(handoff = m_node.Handoff(e))) {
            if (stopped() || NowMs() > deadline) {
                log::Warn(LOG, "snapshot abandoned: a validator-set hand-off is not available", {{"height", h}, {"epoch", e}});
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        auto decoded = protocol::DecodeHandoff(*handoff);
        if (!decoded) continue;
        auto rec = protocol::DecodeFields<protocol::ValidatorSetRecord>(decoded->record);
        if (rec && rec->from_height <= h) m.handoffs.push_back(*handoff);  // in force at h
    }
    auto block = m_node.store().GetBlockBytes(h);
    if (!block) {
        log::Error(LOG, "snapshot abandoned: the block is not stored", {{"height", h}});
        return false;
    }
    m.block = *block;
    for (const protocol::Receipt& r : m_node.store().GetReceipts(h)) m.receipts.push_back(protocol::EncodeReceipt(r));
    if (auto raw = view.GetMeta(chain::SETTLEMENT_NEXT_META); raw && raw->size() == 8) {
        Reader r(*raw);
        m.settlement_next = r.U64();
    }

    // The state, in state-map key order, split by key prefix.
    std::vector<std::pair<Hash256, Bytes>> keys;
    view.ForEachState([&](const Bytes& k, const Bytes&) { keys.emplace_back(SmtKey(k), k); });
    std::sort(keys.begin(), keys.end());
    m.depth = DepthFor(keys.size());
    const size_t n = size_t{1} << m.depth;
    const fs::path tmp = fs::path(m_cfg.dir) / ("tmp-" + std::to_string(h));
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) {
        log::Error(LOG, "snapshot abandoned: cannot create its directory", {{"dir", tmp.string()}, {"error", ec.message()}});
        return false;
    }
    size_t at = 0;
    m.chunks.resize(n);
    for (size_t i = 0; i < n; ++i) {
        if (stopped()) return false;
        std::vector<Entry> entries;
        std::vector<std::pair<Hash256, Hash256>> leaves;
        for (; at < keys.size() && SmtPrefixIndex(keys[at].first, m.depth) == i; ++at) {
            auto v = view.Get(keys[at].second);
            if (!v) {
                log::Error(LOG, "snapshot abandoned: a state entry vanished from its view", {{"height", h}});
                return false;
            }
            leaves.emplace_back(keys[at].first, SmtValueHash(*v));
            entries.emplace_back(keys[at].second, std::move(*v));
        }
        m.chunks[i] = SmtSubtreeOf(leaves, m.depth);
        if (!WriteFile(tmp / ("chunk-" + std::to_string(i)), EncodeChunk(entries))) {
            log::Error(LOG, "snapshot abandoned: cannot write a chunk", {{"dir", tmp.string()}});
            return false;
        }
    }
    // What a joining node will check, checked here first: a snapshot this node cannot verify
    // itself is never offered.
    auto verified = VerifyManifest(m, m_node.chain_id(), GenesisValidatorKeys(m_node.genesis()));
    if (!verified) {
        log::Error(LOG, "snapshot abandoned: it does not verify", {{"height", h}, {"reason", verified.error()}});
        fs::remove_all(tmp, ec);
        return false;
    }
    if (!WriteFile(tmp / "manifest", EncodeManifest(m))) {
        log::Error(LOG, "snapshot abandoned: cannot write its manifest", {{"dir", tmp.string()}});
        return false;
    }
    const fs::path final_dir = fs::path(m_cfg.dir) / std::to_string(h);
    fs::remove_all(final_dir, ec);
    fs::rename(tmp, final_dir, ec);
    if (ec) {
        log::Error(LOG, "snapshot abandoned: cannot rename it into place", {{"error", ec.message()}});
        return false;
    }
    return true;
}

void Producer::Trim() {
    std::vector<Listed> listed = ListSnapshots(m_cfg.dir);
    std::error_code ec;
    for (size_t i = m_cfg.keep; i < listed.size(); ++i)
        fs::remove_all(fs::path(m_cfg.dir) / std::to_string(listed[i].height), ec);
}

std::optional<Bytes> ReadSnapshotFile(const std::string& path, size_t max) {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec || size > max) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    Bytes out(size);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
    if (!in) return std::nullopt;
    return out;
}

std::vector<Listed> ListSnapshots(const std::string& dir) {
    std::vector<Listed> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        auto h = ParseU64(e.path().filename().string());
        if (!h) continue;
        auto manifest = ReadSnapshotFile((e.path() / "manifest").string(), MAX_MANIFEST_BYTES);
        if (!manifest) continue;
        auto m = DecodeManifest(*manifest);
        if (!m || m->height != *h) continue;
        out.push_back(Listed{*h, ManifestId(*m), m->chunks.size()});
    }
    std::sort(out.begin(), out.end(), [](const Listed& a, const Listed& b) { return a.height > b.height; });
    return out;
}

std::optional<HttpAnswer> ServeSnapshotPath(const std::string& dir, std::string_view target) {
    constexpr std::string_view PREFIX = "/snapshots";
    if (target.substr(0, PREFIX.size()) != PREFIX) return std::nullopt;
    std::string_view rest = target.substr(PREFIX.size());
    auto not_found = [] { return HttpAnswer{404, "not found\n", "text/plain"}; };
    if (rest.empty() || rest == "/") {
        nlohmann::json list = nlohmann::json::array();
        if (!dir.empty())
            for (const Listed& l : ListSnapshots(dir))
                list.push_back({{"height", l.height}, {"chunks", l.chunks}, {"id", l.id.hex()}});
        return HttpAnswer{200, nlohmann::json{{"snapshots", list}}.dump(), "application/json"};
    }
    if (dir.empty() || rest[0] != '/') return not_found();
    rest.remove_prefix(1);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return not_found();
    auto h = ParseU64(rest.substr(0, slash));
    std::string_view what = rest.substr(slash + 1);
    if (!h) return not_found();
    fs::path file;
    if (what == "manifest") {
        file = fs::path(dir) / std::to_string(*h) / "manifest";
    } else if (what.substr(0, 7) == "chunks/") {
        auto i = ParseU64(what.substr(7));
        if (!i) return not_found();
        file = fs::path(dir) / std::to_string(*h) / ("chunk-" + std::to_string(*i));
    } else {
        return not_found();
    }
    auto bytes = ReadSnapshotFile(file.string(), MAX_CHUNK_BYTES > MAX_MANIFEST_BYTES ? MAX_CHUNK_BYTES : MAX_MANIFEST_BYTES);
    if (!bytes) return not_found();
    return HttpAnswer{200, std::string(bytes->begin(), bytes->end()), "application/octet-stream"};
}

}  // namespace folio::statesync
