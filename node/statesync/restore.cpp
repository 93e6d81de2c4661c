#include <node/statesync/restore.h>
#include <node/statesync/producer.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <node/chain/node.h>
#include <node/consensus/types.h>
#include <node/engine/block_store.h>
#include <node/engine/certifier.h>
#include <node/log/log.h>
#include <node/protocol/certificate.h>
#include <node/storage/chain_store.h>
#include <node/storage/safety_file.h>

namespace folio::statesync {

namespace fs = std::filesystem;

namespace {

constexpr const char* LOG = "statesync";

uint64_t NowMs() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}

std::string BaseUrl(const std::string& server) {
    if (server.rfind("http://", 0) == 0 || server.rfind("https://", 0) == 0) return server;
    return "http://" + server;
}

Result<std::string, std::string> HttpGet(const std::string& server, const std::string& path, uint64_t timeout_ms) {
    httplib::Client cli(BaseUrl(server));
    const auto t = std::chrono::milliseconds(timeout_ms);
    cli.set_connection_timeout(t);
    cli.set_read_timeout(t);
    auto res = cli.Get(path);
    if (!res) return Fail("GET " + path + " from " + server + ": " + httplib::to_string(res.error()));
    if (res->status != 200) return Fail("GET " + path + " from " + server + ": HTTP " + std::to_string(res->status));
    return std::move(res->body);
}

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

class ServerSource final : public Source {
public:
    ServerSource(RestoreConfig cfg, std::vector<std::string> servers, uint64_t height, Hash256 id)
        : m_cfg(std::move(cfg)), m_servers(std::move(servers)), m_height(height), m_id(id) {}

    Result<Bytes, std::string> Manifest() override {
        std::string errors;
        for (const std::string& s : m_servers) {
            auto body = HttpGet(s, "/snapshots/" + std::to_string(m_height) + "/manifest", m_cfg.http_timeout_ms);
            if (!body) {
                errors += (errors.empty() ? "" : "; ") + body.error();
                continue;
            }
            Bytes b = ToBytes(*body);
            auto m = DecodeManifest(b);
            if (!m || ManifestId(*m) != m_id) {
                log::Warn(LOG, "manifest refused: not the one offered", {{"server", s}, {"height", m_height}});
                errors += (errors.empty() ? "" : "; ") + s + ": the manifest is not the one offered";
                continue;
            }
            return b;
        }
        return Fail("no server gave the manifest: " + errors);
    }

    Result<VerifiedChunk, std::string> Chunk(const statesync::Manifest& m, size_t index) override {
        std::string errors;
        const std::string path = "/snapshots/" + std::to_string(m_height) + "/chunks/" + std::to_string(index);
        for (size_t k = 0; k < m_servers.size(); ++k) {
            const std::string& s = m_servers[(index + k) % m_servers.size()];
            std::string why;
            auto body = HttpGet(s, path, m_cfg.http_timeout_ms);
            if (!body) {
                why = body.error();
            } else if (auto entries = DecodeChunk(ToBytes(*body)); !entries) {
                why = std::string("does not decode: ") + DecodeErrorName(entries.error());
            } else if (auto ok = VerifyChunk(m, index, *entries); !ok) {
                why = ok.error();
            } else {
                return VerifiedChunk{std::move(entries.value()), std::move(ok.value())};
            }
            log::Warn(LOG, "chunk refused; fetching it elsewhere", {{"server", s}, {"chunk", index}, {"reason", why}});
            errors += (errors.empty() ? "" : "; ") + s + ": " + why;
        }
        return Fail("chunk " + std::to_string(index) + " failed from every server: " + errors);
    }

private:
    RestoreConfig m_cfg;
    std::vector<std::string> m_servers;
    uint64_t m_height;
    Hash256 m_id;
};

class DirSource final : public Source {
public:
    explicit DirSource(std::string dir) : m_dir(std::move(dir)) {}
    Result<Bytes, std::string> Manifest() override {
        auto b = ReadSnapshotFile((fs::path(m_dir) / "manifest").string(), MAX_MANIFEST_BYTES);
        if (!b) return Fail("cannot read " + (fs::path(m_dir) / "manifest").string());
        return std::move(*b);
    }
    Result<VerifiedChunk, std::string> Chunk(const statesync::Manifest& m, size_t index) override {
        const fs::path p = fs::path(m_dir) / ("chunk-" + std::to_string(index));
        auto b = ReadSnapshotFile(p.string(), MAX_CHUNK_BYTES);
        if (!b) return Fail("cannot read " + p.string());
        auto entries = DecodeChunk(*b);
        if (!entries) return Fail(p.string() + " does not decode: " + DecodeErrorName(entries.error()));
        auto ok = VerifyChunk(m, index, *entries);
        if (!ok) return Fail(p.string() + ": " + ok.error());
        return VerifiedChunk{std::move(entries.value()), std::move(ok.value())};
    }

private:
    std::string m_dir;
};

Bytes U64Value(uint64_t v) {
    Writer w;
    w.U64(v);
    return w.Take();
}

}  // namespace

bool HasStore(const std::string& home) { return fs::exists(fs::path(home) / "data" / "CURRENT"); }

std::unique_ptr<Source> FromDirectory(const std::string& dir) { return std::make_unique<DirSource>(dir); }

Result<std::unique_ptr<Source>, std::string> ChooseFromServers(const RestoreConfig& cfg) {
    if (cfg.servers.empty()) return Fail(std::string("no state-sync server given"));
    const size_t need = std::max<size_t>(1, std::min(cfg.min_agree, cfg.servers.size()));
    const uint64_t deadline = NowMs() + cfg.offer_wait_ms;
    std::string last;
    for (;;) {
        // (height, manifest hash) -> the servers offering it
        std::map<std::pair<uint64_t, Hash256>, std::vector<std::string>> offers;
        for (const std::string& s : cfg.servers) {
            auto body = HttpGet(s, "/snapshots", cfg.http_timeout_ms);
            if (!body) {
                last = body.error();
                continue;
            }
            auto j = nlohmann::json::parse(*body, nullptr, false);
            if (j.is_discarded() || !j.contains("snapshots") || !j["snapshots"].is_array()) {
                last = s + ": /snapshots is not a snapshot list";
                continue;
            }
            for (const auto& o : j["snapshots"]) {
                if (!o.is_object() || !o.contains("height") || !o["height"].is_number_unsigned() ||
                    !o.contains("id") || !o["id"].is_string())
                    continue;
                auto id = Hash256::FromHexStr(o["id"].get<std::string>());
                if (id) offers[{o["height"].get<uint64_t>(), *id}].push_back(s);
            }
        }
        for (auto it = offers.rbegin(); it != offers.rend(); ++it) {
            if (it->second.size() < need) continue;
            log::Info(LOG, "snapshot chosen",
                      {{"height", it->first.first}, {"servers", it->second.size()}, {"id", it->first.second.hex()}});
            return std::unique_ptr<Source>(
                std::make_unique<ServerSource>(cfg, it->second, it->first.first, it->first.second));
        }
        if (NowMs() > deadline)
            return Fail("no snapshot offered by " + std::to_string(need) + " of the " + std::to_string(cfg.servers.size()) +
                        " state-sync servers" + (last.empty() ? std::string() : " (last error: " + last + ")"));
        log::Info(LOG, "waiting for a snapshot that enough servers offer",
                  {{"offers", offers.size()}, {"need", need}});
        std::this_thread::sleep_for(std::chrono::seconds(2));
    }
}

Result<uint64_t, std::string> Install(Source& source, const state::GenesisDoc& genesis, const std::string& home) {
    if (HasStore(home)) return Fail("HOME/data holds a store already: state sync installs only into a new node");
    const uint64_t started = NowMs();
    auto raw = source.Manifest();
    if (!raw) return Fail(raw.error());
    auto m = DecodeManifest(*raw);
    if (!m) return Fail(std::string("the snapshot manifest does not decode: ") + DecodeErrorName(m.error()));
    auto verified = VerifyManifest(*m, genesis.chain_id, GenesisValidatorKeys(genesis));
    if (!verified) return Fail("the snapshot manifest does not verify: " + verified.error());
    auto anchor = consensus::DecodeAnchor(m->anchor);
    if (!anchor || anchor->root_height != m->height)
        return Fail(std::string("the snapshot's consensus anchor is not at its height"));
    auto genesis_block = chain::MakeGenesisBlock(genesis);
    if (!genesis_block) return Fail(genesis_block.error());
    const uint64_t h = m->height;
    log::Info(LOG, "installing snapshot", {{"height", h}, {"chunks", m->chunks.size()}});

    const fs::path tmp = fs::path(home) / "data.statesync";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) return Fail("cannot create " + tmp.string() + ": " + ec.message());
    storage::StoreOptions so;
    auto store = storage::ChainStore::Open(tmp.string(), so);
    if (!store) return Fail("cannot open " + tmp.string() + ": " + store.error().message);

    // The chunks, in prefix order: their leaves come out sorted by state-map key.
    std::vector<SmtWrite> leaves;
    const Bytes set_key = protocol::ValidatorSetKey(anchor->validators.epoch);
    std::optional<Bytes> set_record;
    uint64_t entries = 0;
    for (size_t i = 0; i < m->chunks.size(); ++i) {
        auto chunk = source.Chunk(*m, i);
        if (!chunk) return Fail(chunk.error());
        for (const auto& [k, v] : chunk->leaves) leaves.emplace_back(k, v);
        for (const auto& [k, v] : chunk->entries)
            if (k == set_key) set_record = v;
        entries += chunk->entries.size();
        if (auto st = (*store)->InstallState(chunk->entries); !st)
            return Fail("cannot write the state: " + st.error().message);
        if ((i + 1) % 64 == 0)
            log::Info(LOG, "chunks installed", {{"done", i + 1}, {"of", m->chunks.size()}, {"entries", entries}});
    }
    // The anchor's validator set is the certified state's (it is not under the state root itself).
    if (!set_record) return Fail(std::string("the snapshot's state holds no validator set of its epoch"));
    auto rec = protocol::DecodeFields<protocol::ValidatorSetRecord>(*set_record);
    if (!rec || rec->members != anchor->validators.members)
        return Fail(std::string("the snapshot's consensus anchor names another validator set than its state"));
    MemoryNodeStore none;
    auto smt = SmtApply(none, Hash256{}, 0, leaves, h);
    if (!smt || smt->new_root != verified->block.header.state_root)
        return Fail(std::string("the installed state does not make the certified state root"));
    leaves.clear();
    leaves.shrink_to_fit();
    constexpr size_t NODE_BATCH = 50'000;
    for (size_t i = 0; i < smt->new_nodes.size(); i += NODE_BATCH) {
        std::vector<std::pair<Hash256, Bytes>> part(
            smt->new_nodes.begin() + static_cast<std::ptrdiff_t>(i),
            smt->new_nodes.begin() + static_cast<std::ptrdiff_t>(std::min(smt->new_nodes.size(), i + NODE_BATCH)));
        if (auto st = (*store)->InstallNodes(h, part); !st) return Fail("cannot write the state map: " + st.error().message);
    }
    storage::CommittedBlock top;
    top.block = std::move(verified->block);
    top.receipts = std::move(verified->receipts);
    top.commit_cert = m->commit;
    top.meta.emplace_back(chain::SETTLEMENT_NEXT_META, U64Value(m->settlement_next));
    top.meta.emplace_back(chain::SETTLEMENT_FIRST_META, U64Value(m->settlement_next));
    top.meta.emplace_back(chain::STATE_FLOOR_META, U64Value(h));
    top.meta.emplace_back(chain::LEDGER_FLOOR_META, U64Value(h));
    top.meta.emplace_back(engine::CERT_FLOOR_META, U64Value(h));
    top.meta.emplace_back(engine::PRUNED_META, U64Value(h));
    top.meta.emplace_back(engine::ANCHOR_META, m->anchor);
    for (const Bytes& raw_handoff : m->handoffs) {
        auto ho = protocol::DecodeHandoff(raw_handoff);
        if (!ho) return Fail(std::string("a validator-set hand-off does not decode"));
        auto r = protocol::DecodeFields<protocol::ValidatorSetRecord>(ho->record);
        if (!r) return Fail(std::string("a validator-set hand-off does not decode"));
        top.meta.emplace_back(chain::HandoffMetaKey(r->epoch), raw_handoff);
    }
    if (auto st = (*store)->InstallBase(genesis_block->block, top); !st)
        return Fail("cannot write the snapshot's block: " + st.error().message);
    store.value().reset();
    fs::rename(tmp, fs::path(home) / "data", ec);
    if (ec) return Fail("cannot move the installed store into place: " + ec.message());
    const std::string safety = (fs::path(home) / "safety").string();
    auto existing = storage::ReadSafetyFile(safety);
    if (!existing) return Fail("the safety state is unreadable: " + existing.error());
    if (!existing.value()) {
        if (auto err = storage::WriteSafetyFile(safety, consensus::EncodeSafetyState(consensus::SafetyState{})))
            return Fail("cannot write the safety state: " + *err);
    }
    log::Info(LOG, "snapshot installed",
              {{"height", h}, {"entries", entries}, {"nodes", smt->new_nodes.size()}, {"ms", NowMs() - started}});
    return h;
}

}  // namespace folio::statesync
