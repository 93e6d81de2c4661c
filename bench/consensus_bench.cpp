// folio-bench-consensus: the consensus layer alone. One process = one validator running foliod's
// own BFT engine (engine::BftEngine: the real consensus::Core, Jolteon, over the real
// net::Transport, authenticated encrypted TCP) over a NullLedger in place of chain::Node (the
// engine::Ledger seam, node/engine/ledger.h), ordering opaque 32-byte commands with no execution,
// as libhotstuff's benchmark does (docs/performance.md, "Consensus alone").
//
//   folio-bench-consensus run --n N [options]      # driver: starts N node processes on 127.0.0.1
//                                                  # with fresh keys, prints one summary JSON line
//   folio-bench-consensus node --index I --n N --seed S --ports P0,P1,.. --dir D [options]
//
// Options (both modes; the driver passes them on):
//   --block-size B    commands per block (400)
//   --batch-ms T      accepted and reported, no effect: the engine does not wait to fill a block
//   --idle-ms T       a leader with no command at all proposes an empty block after T ms (50)
//   --rate R          open loop: each process offers R commands/s (0 = closed loop)
//   --outstanding K   closed loop: each process keeps K of its commands uncommitted (1500)
//   --tick-ms T       each process gossips its new commands every T ms (2)
//   --warmup-s W --duration-s D   the measurement window is [W, W + D) s after start (2, 10)
//   --timeout-ms T    the core's base round timeout (1000)
//   --linger-s L      a node exits by itself L s after its window if no SIGTERM came (30)
//   --dir D           (run) where the nodes write their files; default a fresh /tmp directory,
//                     removed after a clean run
//
// How a command travels: its origin generates it (4-byte origin, 8-byte sequence, 20 filler bytes),
// pools it and hands it to the engine's gossip (BftEngine::Gossip), which sends it to every
// validator; each keeps a FIFO pool (NullLedger). Batches, proposals, votes, the wait for a batch
// before voting and the safety writes are the engine's own: the safety state the core asks to
// persist is written to a file and fdatasync'ed before any later message leaves; batches are kept
// in memory until 10 s after their execution, consensus blocks not at all (the bench never restarts). Executing a
// committed block marks its commands committed (they leave the pool) and chains its payload.
//
// Each node measures, over the window: committed commands/s (every command in a block committed in
// the window, as seen at this node) and commit latency of its own commands (generation -> the
// block holding it is committed here). It prints one JSON line at the end of the window and keeps
// running until SIGTERM (or --linger-s), then writes `<dir>/node<I>.seq`: one line per committed
// height, "height seq_hash", where seq_hash chains every committed payload:
// seq(h) = TaggedHash("folio/bench/seq", seq(h-1) || payload(h)), seq(0) = zero.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <node/chain/verify_pool.h>
#include <node/consensus/crypto.h>
#include <node/engine/bft_engine.h>
#include <node/net/ports.h>
#include <node/engine/ledger.h>
#include <node/engine/meta.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/net/transport.h>

using nlohmann::json;
using namespace folio;

namespace {

using Cmd = FixedBytes<32>;
constexpr size_t CMD_SIZE = 32;
constexpr uint64_t GC_AFTER_MS = 10000;     // committed commands are remembered this long (duplicates)

std::atomic<bool> g_term{false};
void OnTerm(int) { g_term = true; }

uint64_t NowUs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

struct CmdHash {
    size_t operator()(const Cmd& c) const {
        uint64_t v;
        std::memcpy(&v, c.data.data() + 12, sizeof v);
        return static_cast<size_t>(v);
    }
};

uint64_t SplitMix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

Cmd MakeCmd(uint32_t origin, uint64_t seq) {
    Cmd c;
    std::memcpy(c.data.data(), &origin, 4);
    std::memcpy(c.data.data() + 4, &seq, 8);
    uint64_t r = SplitMix((static_cast<uint64_t>(origin) << 48) ^ seq);
    for (size_t off = 12; off < CMD_SIZE; off += 8) {
        std::memcpy(c.data.data() + off, &r, std::min<size_t>(8, CMD_SIZE - off));
        r = SplitMix(r);
    }
    return c;
}
uint32_t CmdOrigin(const Cmd& c) {
    uint32_t o;
    std::memcpy(&o, c.data.data(), 4);
    return o;
}
uint64_t CmdSeq(const Cmd& c) {
    uint64_t s;
    std::memcpy(&s, c.data.data() + 4, 8);
    return s;
}

SecretKey DeriveKey(const std::string& seed, uint64_t i) {
    for (uint64_t ctr = 0;; ++ctr) {
        Writer w;
        w.Str(seed);
        w.U64(i);
        w.U64(ctr);
        SecretKey sk = SecretKey::FromView(TaggedHash("folio/bench/consensus-key", w.bytes()).view());
        if (IsValidSecretKey(sk)) return sk;
    }
}

std::optional<std::string> ArgOpt(int argc, char** argv, const std::string& name) {
    for (int i = 2; i + 1 < argc; ++i)
        if (argv[i] == "--" + name) return std::string(argv[i + 1]);
    return std::nullopt;
}
std::string Arg(int argc, char** argv, const std::string& name, const std::string& def) {
    return ArgOpt(argc, argv, name).value_or(def);
}

double Percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    return v[i];
}

struct Options {
    size_t block_size = 400;
    uint64_t batch_ms = 5;
    uint64_t idle_ms = 50;
    double rate = 0;
    size_t outstanding = 1500;
    uint64_t tick_ms = 2;
    double warmup_s = 2;
    double duration_s = 10;
    uint64_t timeout_ms = 1000;
    double linger_s = 30;

    static Options Parse(int argc, char** argv) {
        Options o;
        o.block_size = std::stoul(Arg(argc, argv, "block-size", "400"));
        o.batch_ms = std::stoull(Arg(argc, argv, "batch-ms", "5"));
        o.idle_ms = std::stoull(Arg(argc, argv, "idle-ms", "50"));
        o.rate = std::stod(Arg(argc, argv, "rate", "0"));
        o.outstanding = std::stoul(Arg(argc, argv, "outstanding", "1500"));
        o.tick_ms = std::stoull(Arg(argc, argv, "tick-ms", "2"));
        o.warmup_s = std::stod(Arg(argc, argv, "warmup-s", "2"));
        o.duration_s = std::stod(Arg(argc, argv, "duration-s", "10"));
        o.timeout_ms = std::stoull(Arg(argc, argv, "timeout-ms", "1000"));
        o.linger_s = std::stod(Arg(argc, argv, "linger-s", "30"));
        return o;
    }
    std::vector<std::string> Forward() const {
        return {"--block-size", std::to_string(block_size), "--batch-ms",   std::to_string(batch_ms),
                "--idle-ms",    std::to_string(idle_ms),    "--rate",       std::to_string(rate),
                "--outstanding", std::to_string(outstanding), "--tick-ms",  std::to_string(tick_ms),
                "--warmup-s",   std::to_string(warmup_s),   "--duration-s", std::to_string(duration_s),
                "--timeout-ms", std::to_string(timeout_ms), "--linger-s",   std::to_string(linger_s)};
    }
};

// The safety state, overwritten in place and fdatasync'ed: u32 length, then the encoding.
class SafetyFile {
public:
    explicit SafetyFile(const std::string& path) : m_fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600)) {
        if (m_fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    }
    ~SafetyFile() { ::close(m_fd); }
    SafetyFile(const SafetyFile&) = delete;
    SafetyFile& operator=(const SafetyFile&) = delete;
    std::optional<std::string> Write(ByteView enc) {
        uint64_t t0 = NowUs();
        Bytes buf(4 + enc.size());
        uint32_t n = static_cast<uint32_t>(enc.size());
        std::memcpy(buf.data(), &n, 4);
        std::memcpy(buf.data() + 4, enc.data(), enc.size());
        if (::pwrite(m_fd, buf.data(), buf.size(), 0) != static_cast<ssize_t>(buf.size()) || ::fdatasync(m_fd) != 0)
            return std::string("cannot persist the safety state: ") + std::strerror(errno);
        ++m_writes;
        m_us += NowUs() - t0;
        return std::nullopt;
    }
    uint64_t writes() const { return m_writes; }
    uint64_t micros() const { return m_us; }

private:
    int m_fd;
    uint64_t m_writes = 0;  // written on the consensus thread only; read after the engine stopped
    uint64_t m_us = 0;
};

// The engine's ledger in this bench (node/engine/ledger.h): opaque 32-byte commands, no execution.
// Metadata lives in memory (batches only, until GC_AFTER_MS after their execution: the bench never
// restarts, so consensus blocks are not kept) except the safety state, which goes to its fdatasync'ed file. One validator set (genesis),
// no signatures to check, no ledger signatures. A command pool in arrival order; executing a block
// chains its payload into the sequence hash and times this process's own commands.
class NullLedger final : public engine::Ledger {
public:
    NullLedger(uint32_t index, const std::string& seed, std::vector<PublicKey> members, const std::string& dir)
        : m_index(index), m_chain_id("folio-bench-consensus/" + seed),
          m_genesis(TaggedHash("folio/bench/genesis", AsBytes(seed))),
          m_safety(dir + "/node" + std::to_string(index) + ".safety") {
        m_set.members = std::move(members);
        m_chain.push_back(Hash256{});
    }

    // Window and measurement (set before the engine starts).
    void SetWindow(uint64_t from_us, uint64_t to_us) {
        m_window_from = from_us;
        m_window_to = to_us;
    }
    // A command generated here: pooled (the caller gossips it).
    void Generate(const Cmd& c, uint64_t now_us) {
        std::lock_guard lock(m_mu);
        m_own_pending.emplace(CmdSeq(c), now_us);
        AddLocked(c);
    }
    size_t OwnPending() const {
        std::lock_guard lock(m_mu);
        return m_own_pending.size();
    }

    // ---- engine::Ledger
    const std::string& ChainId() const override { return m_chain_id; }
    const Hash256& GenesisHash() const override { return m_genesis; }
    uint64_t Height() const override {
        std::lock_guard lock(m_mu);
        return m_chain.size() - 1;
    }
    std::optional<Bytes> GetMeta(const std::string& name) const override {
        std::lock_guard lock(m_meta_mu);
        auto it = m_meta.find(name);
        if (it == m_meta.end()) return std::nullopt;
        return it->second;
    }
    std::optional<std::string> PutMeta(const std::string& name, ByteView value, bool sync) override {
        if (name == engine::SAFETY_META) return m_safety.Write(value);  // the only write that must be durable
        (void)sync;
        if (name.rfind("batch/", 0) != 0) return std::nullopt;  // consensus blocks, the anchor: never read back
        std::lock_guard lock(m_meta_mu);
        m_meta[name] = Bytes(value.begin(), value.end());
        return std::nullopt;
    }
    std::optional<std::string> DeleteMeta(const std::string& name) override {
        std::lock_guard lock(m_meta_mu);
        m_meta.erase(name);
        return std::nullopt;
    }
    void ForEachMeta(const std::string&, const std::function<void(const std::string&, const Bytes&)>&) const override {}
    std::optional<protocol::ValidatorSetRecord> ValidatorSet() const override { return m_set; }
    std::optional<protocol::ValidatorSetRecord> ValidatorSetOfEpoch(uint64_t epoch) const override {
        if (epoch != 0) return std::nullopt;
        return m_set;
    }
    std::optional<protocol::PendingValidatorSet> PendingValidatorSet() const override { return std::nullopt; }

    chain::SigCache& sig_cache() override { return m_sig_cache; }
    size_t PoolSize() const override {
        std::lock_guard lock(m_mu);
        return m_pooled.size();
    }
    uint64_t PoolAddedCount() const override {
        std::lock_guard lock(m_mu);
        return m_added;
    }
    Offer Candidates(size_t max, const std::function<bool(const Hash256&)>& skip) override {
        std::lock_guard lock(m_mu);
        Offer out;
        auto commands = std::make_shared<engine::Commands>();
        while (!m_pool.empty() && !m_pooled.count(m_pool.front())) m_pool.pop_front();  // committed meanwhile
        for (const Cmd& c : m_pool) {
            if (out.raws.size() >= max) break;
            auto it = m_pooled.find(c);
            if (it == m_pooled.end()) continue;
            Hash256 id = Hash256::FromView(c.view());
            if (skip(id)) continue;
            if (it->second) ++m_requeued;  // offered before, not committed: proposed again
            it->second = true;
            out.raws.emplace_back(c.begin(), c.end());
            commands->ids.push_back(id);
        }
        out.commands = std::move(commands);
        return out;
    }
    // A command is its own id (CMD_SIZE bytes); anything else does not decode.
    std::shared_ptr<const engine::Commands> DecodeCommands(const std::vector<Bytes>& raws) override {
        auto out = std::make_shared<engine::Commands>();
        for (const Bytes& r : raws) {
            if (r.size() == CMD_SIZE) out->ids.push_back(Hash256::FromView(r));
            else out->all_decoded = false;
        }
        return out;
    }
    bool VerifyCommands(const engine::Commands& commands, chain::VerifyPool&) override { return commands.all_decoded; }
    void AdmitGossip(const std::vector<Bytes>& raws, chain::VerifyPool&, size_t chunk,
                     const std::function<bool()>& between) override {
        for (size_t i = 0; i < raws.size(); ++i) {
            if (raws[i].size() == CMD_SIZE) {
                std::lock_guard lock(m_mu);
                AddLocked(Cmd::FromView(raws[i]));
            }
            if ((i + 1) % chunk == 0 || i + 1 == raws.size())
                if (!between()) return;
        }
    }
    std::optional<Executed> Execute(uint64_t height, const consensus::Block& block, const protocol::Batch& batch,
                                    const engine::Commands*, chain::VerifyPool&) override {
        std::lock_guard lock(m_mu);
        if (height != m_chain.size()) return std::nullopt;
        const uint64_t now_us = NowUs();
        const bool in_window = now_us >= m_window_from && now_us < m_window_to;
        Executed out;
        out.height = height;
        size_t ops = 0;
        for (const Bytes& raw : batch.txs) {
            if (raw.size() != CMD_SIZE) continue;
            Cmd c = Cmd::FromView(raw);
            if (!m_committed.insert(c).second) {
                ++m_duplicates;
                continue;
            }
            m_committed_order.emplace_back(now_us, c);
            m_pooled.erase(c);
            out.ids.push_back(Hash256::FromView(c.view()));
            ++ops;
            if (CmdOrigin(c) != m_index) continue;
            auto p = m_own_pending.find(CmdSeq(c));
            if (p == m_own_pending.end()) continue;
            if (in_window) m_latencies_ms.push_back(static_cast<double>(now_us - p->second) / 1000.0);
            m_own_pending.erase(p);
        }
        // Committed commands are remembered GC_AFTER_MS (late gossip of them is not pooled again).
        while (!m_committed_order.empty() && now_us - m_committed_order.front().first > GC_AFTER_MS * 1000) {
            m_committed.erase(m_committed_order.front().second);
            m_committed_order.pop_front();
        }
        if (in_window) {
            m_window_ops += ops;
            if (!m_height_from) m_height_from = height - 1;
            m_height_to = height;
        }
        m_total_ops += ops;
        m_round = block.round;
        Writer w;
        w.Fixed(m_chain.back());
        w.Fixed(block.payload);
        m_chain.push_back(TaggedHash("folio/bench/seq", w.bytes()));
        out.hash = m_chain.back();
        {
            // Executed batches are kept GC_AFTER_MS more (a lagging peer may still ask for one).
            std::lock_guard meta(m_meta_mu);
            m_executed_batches.emplace_back(now_us, "batch/" + block.payload.hex());
            while (now_us - m_executed_batches.front().first > GC_AFTER_MS * 1000) {
                m_meta.erase(m_executed_batches.front().second);
                m_executed_batches.pop_front();
            }
        }
        return out;
    }
    bool StoreCommitCert(uint64_t, const protocol::CommitCert&) override { return true; }
    std::optional<Hash256> ExecutedHash(uint64_t) const override { return std::nullopt; }
    std::optional<Bytes> CommitCertAt(uint64_t) const override { return std::nullopt; }

    json Report(size_t n, double window_s, uint64_t rejected) const {
        std::lock_guard lock(m_mu);
        std::vector<double> lat = m_latencies_ms;
        double p50 = Percentile(lat, 0.5), p99 = Percentile(lat, 0.99);
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        double cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        return json{{"node", m_index},
                    {"n", n},
                    {"ops_per_s", static_cast<double>(m_window_ops) / window_s},
                    {"p50_ms", p50},
                    {"p99_ms", p99},
                    {"latency_samples", lat.size()},
                    {"window_s", window_s},
                    {"window_ops", m_window_ops},
                    {"window_heights", json::array({m_height_from.value_or(0), m_height_to})},
                    {"blocks_per_s", static_cast<double>(m_height_to - m_height_from.value_or(m_height_to)) / window_s},
                    {"committed_height", m_chain.size() - 1},
                    {"committed_ops", m_total_ops},
                    {"seq_hash", m_chain.back().hex()},
                    {"round", m_round},
                    {"safety_writes", m_safety.writes()},
                    {"safety_write_ms_avg", m_safety.writes() ? static_cast<double>(m_safety.micros()) / 1000.0 / static_cast<double>(m_safety.writes()) : 0.0},
                    {"requeued", m_requeued},
                    {"duplicates", m_duplicates},
                    {"rejected_msgs", rejected},
                    {"cpu_s", cpu_s}};
    }
    void WriteSeq(const std::string& dir) const {
        std::lock_guard lock(m_mu);
        std::ofstream f(dir + "/node" + std::to_string(m_index) + ".seq");
        for (size_t h = 1; h < m_chain.size(); ++h) f << h << " " << m_chain[h].hex() << "\n";
    }

private:
    void AddLocked(const Cmd& c) {
        if (m_committed.count(c) || !m_pooled.emplace(c, false).second) return;
        m_pool.push_back(c);
        ++m_added;
    }

    const uint32_t m_index;
    const std::string m_chain_id;
    const Hash256 m_genesis;
    protocol::ValidatorSetRecord m_set;
    chain::SigCache m_sig_cache{16};  // unused: nothing here is signed
    SafetyFile m_safety;
    uint64_t m_window_from = 0, m_window_to = 0;

    mutable std::mutex m_meta_mu;
    std::map<std::string, Bytes> m_meta;  // batches by "batch/<hash>"
    std::deque<std::pair<uint64_t, std::string>> m_executed_batches;  // execution time (us), name

    mutable std::mutex m_mu;
    std::deque<Cmd> m_pool;                            // arrival order; committed ones skipped
    std::unordered_map<Cmd, bool, CmdHash> m_pooled;   // pooled command -> offered for a batch before
    std::unordered_set<Cmd, CmdHash> m_committed;
    std::deque<std::pair<uint64_t, Cmd>> m_committed_order;  // commit time (us), for forgetting
    uint64_t m_added = 0;
    std::vector<Hash256> m_chain;  // seq hash by height
    std::unordered_map<uint64_t, uint64_t> m_own_pending;  // seq -> generated at (us)
    std::optional<uint64_t> m_height_from;
    uint64_t m_height_to = 0, m_round = 0;
    uint64_t m_window_ops = 0, m_total_ops = 0, m_duplicates = 0, m_requeued = 0;
    std::vector<double> m_latencies_ms;
};

std::vector<uint16_t> ParsePorts(const std::string& s) {
    std::vector<uint16_t> out;
    std::stringstream ss(s);
    std::string p;
    while (std::getline(ss, p, ',')) out.push_back(static_cast<uint16_t>(std::stoul(p)));
    return out;
}

int RunNode(int argc, char** argv) {
    uint32_t index = static_cast<uint32_t>(std::stoul(Arg(argc, argv, "index", "0")));
    size_t n = std::stoul(Arg(argc, argv, "n", "4"));
    std::string seed = Arg(argc, argv, "seed", "bench");
    std::vector<uint16_t> ports = ParsePorts(Arg(argc, argv, "ports", ""));
    std::string dir = Arg(argc, argv, "dir", ".");
    if (ports.size() != n || index >= n) {
        std::fprintf(stderr, "folio-bench-consensus node: --ports must list --n ports and --index < n\n");
        return 2;
    }
    std::vector<SecretKey> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(DeriveKey(seed, i));
    std::signal(SIGTERM, OnTerm);
    std::signal(SIGINT, OnTerm);
    const Options opt = Options::Parse(argc, argv);
    std::vector<PublicKey> members;
    for (const SecretKey& k : keys) members.push_back(*DerivePublicKey(k));
    NullLedger ledger(index, seed, members, dir);

    engine::BftConfig cfg;
    cfg.p2p_host = "127.0.0.1";
    cfg.p2p_port = ports[index];
    for (size_t i = 0; i < n; ++i)
        if (i != index) cfg.peers.push_back(net::PeerAddr{members[i], "127.0.0.1", ports[i]});
    cfg.core.base_timeout_ms = opt.timeout_ms;
    cfg.core.max_timeout_ms = 8 * opt.timeout_ms;
    cfg.idle_block_ms = opt.idle_ms;
    cfg.max_batch_txs = opt.block_size;
    cfg.exec_backpressure_ms = 0;  // execution is free here
    cfg.verify_threads = 1;        // nothing to verify
    cfg.ledger_signatures = false;
    engine::BftEngine eng(ledger, keys[index], cfg);

    const uint64_t start_us = NowUs();
    const uint64_t window_from = start_us + static_cast<uint64_t>(opt.warmup_s * 1e6);
    const uint64_t window_to = window_from + static_cast<uint64_t>(opt.duration_s * 1e6);
    const uint64_t exit_at = window_to + static_cast<uint64_t>(opt.linger_s * 1e6);
    ledger.SetWindow(window_from, window_to);
    eng.Start();
    // The load: this process's commands, pooled here and gossiped by the engine every tick.
    uint64_t next_seq = 0;
    bool reported = false;
    while (!g_term && NowUs() < exit_at) {
        const uint64_t now = NowUs();
        size_t want = 0;
        if (opt.rate > 0) {
            auto due = static_cast<uint64_t>(opt.rate * static_cast<double>(now - start_us) / 1e6);
            want = due > next_seq ? static_cast<size_t>(due - next_seq) : 0;
        } else if (size_t pending = ledger.OwnPending(); pending < opt.outstanding) {
            want = opt.outstanding - pending;
        }
        for (size_t i = 0; i < want; ++i) {
            Cmd c = MakeCmd(index, next_seq++);
            ledger.Generate(c, now);
            eng.Gossip(Hash256::FromView(c.view()), c.view());
        }
        if (!reported && now >= window_to) {
            reported = true;
            std::cout << ledger.Report(n, opt.duration_s, eng.RejectedMessages()).dump() << std::endl;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(opt.tick_ms));
    }
    eng.Stop();
    if (!reported) std::cout << ledger.Report(n, opt.duration_s, eng.RejectedMessages()).dump() << std::endl;
    ledger.WriteSeq(dir);
    return 0;
}

// ---------------------------------------------------------------- driver

double Median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

int RunDriver(int argc, char** argv) {
    size_t n = std::stoul(Arg(argc, argv, "n", "4"));
    Options opt = Options::Parse(argc, argv);
    std::string dir = Arg(argc, argv, "dir", "");
    bool own_dir = dir.empty();
    if (own_dir) {
        char tmpl[] = "/tmp/folio-cbench.XXXXXX";
        if (!::mkdtemp(tmpl)) return 2;
        dir = tmpl;
    }
    // Fresh keys every run: a random seed.
    std::random_device rd;
    std::string seed = std::to_string(rd()) + "-" + std::to_string(rd());
    // Free ports below Linux's ephemeral range, each checked (node/net/ports.h).
    std::vector<uint16_t> ports = net::FreeLoopbackPorts(n, static_cast<uint32_t>(rd()));
    if (ports.size() < n) return 2;
    std::string port_list;
    for (uint16_t p : ports) port_list += (port_list.empty() ? "" : ",") + std::to_string(p);

    std::string self = "/proc/self/exe";
    char exe[4096];
    ssize_t len = ::readlink(self.c_str(), exe, sizeof exe - 1);
    if (len <= 0) return 2;
    exe[len] = 0;

    struct Child {
        pid_t pid;
        int fd;
        std::string buf;
        std::optional<json> result;
    };
    std::vector<Child> kids;
    for (size_t i = 0; i < n; ++i) {
        int fds[2];
        if (::pipe(fds) != 0) return 2;
        std::vector<std::string> args = {exe, "node", "--index", std::to_string(i), "--n", std::to_string(n), "--seed", seed,
                                         "--ports", port_list, "--dir", dir};
        for (auto& a : opt.Forward()) args.push_back(a);
        pid_t pid = ::fork();
        if (pid == 0) {
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            ::close(fds[1]);
            std::vector<char*> av;
            for (auto& a : args) av.push_back(a.data());
            av.push_back(nullptr);
            ::execv(exe, av.data());
            std::_Exit(127);
        }
        ::close(fds[1]);
        kids.push_back(Child{pid, fds[0], "", std::nullopt});
    }
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>((opt.warmup_s + opt.duration_s + 30) * 1000));
    size_t got = 0;
    while (got < n && std::chrono::steady_clock::now() < deadline) {
        std::vector<pollfd> pfds;
        for (auto& k : kids) pfds.push_back(pollfd{k.fd, POLLIN, 0});
        if (::poll(pfds.data(), pfds.size(), 200) <= 0) continue;
        bool all_closed = true;
        for (size_t i = 0; i < kids.size(); ++i) {
            if (kids[i].fd < 0) continue;
            all_closed = false;
            if (!(pfds[i].revents & (POLLIN | POLLHUP))) continue;
            char b[4096];
            ssize_t r = ::read(kids[i].fd, b, sizeof b);
            if (r <= 0) {
                ::close(kids[i].fd);
                kids[i].fd = -1;
                continue;
            }
            kids[i].buf.append(b, static_cast<size_t>(r));
            auto nl = kids[i].buf.find('\n');
            if (nl != std::string::npos && !kids[i].result) {
                kids[i].result = json::parse(kids[i].buf.substr(0, nl), nullptr, false);
                ++got;
            }
        }
        if (all_closed) break;
    }
    for (auto& k : kids) ::kill(k.pid, SIGTERM);
    bool all_exited_ok = true;
    for (auto& k : kids) {
        int status = 0;
        ::waitpid(k.pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) all_exited_ok = false;
        if (k.fd >= 0) ::close(k.fd);
    }
    // Agreement: every node's committed sequence hash, height by height, up to the lowest height
    // all reached.
    std::vector<std::vector<std::string>> seqs(n);
    for (size_t i = 0; i < n; ++i) {
        std::ifstream f(dir + "/node" + std::to_string(i) + ".seq");
        uint64_t h;
        std::string hash;
        while (f >> h >> hash) seqs[i].push_back(hash);
    }
    size_t common = SIZE_MAX;
    for (auto& s : seqs) common = std::min(common, s.size());
    bool agree = common != SIZE_MAX;
    for (size_t h = 0; agree && h < common; ++h)
        for (size_t i = 1; i < n; ++i)
            if (seqs[i][h] != seqs[0][h]) agree = false;

    json nodes = json::array();
    std::vector<double> ops, p50, p99, bps, cpu, fsync_ms;
    for (auto& k : kids) {
        if (!k.result || !k.result->is_object()) continue;
        const json& r = *k.result;
        nodes.push_back(r);
        ops.push_back(r.value("ops_per_s", 0.0));
        p50.push_back(r.value("p50_ms", 0.0));
        p99.push_back(r.value("p99_ms", 0.0));
        bps.push_back(r.value("blocks_per_s", 0.0));
        cpu.push_back(r.value("cpu_s", 0.0));
        fsync_ms.push_back(r.value("safety_write_ms_avg", 0.0));
    }
    bool complete = nodes.size() == n && all_exited_ok;
    json out = {{"n", n},
                {"block_size", opt.block_size},
                {"batch_ms", opt.batch_ms},
                {"rate_per_process", opt.rate},
                {"outstanding_per_process", opt.outstanding},
                {"duration_s", opt.duration_s},
                {"ops_per_s", Median(ops)},
                {"p50_ms", Median(p50)},
                {"p99_ms", Median(p99)},
                {"p99_ms_max", p99.empty() ? 0.0 : *std::max_element(p99.begin(), p99.end())},
                {"blocks_per_s", Median(bps)},
                {"cpu_s_per_node", Median(cpu)},
                {"safety_write_ms_avg", Median(fsync_ms)},
                {"common_height", common == SIZE_MAX ? 0 : common},
                {"seq_hash", common == SIZE_MAX || common == 0 ? "" : seqs[0][common - 1]},
                {"agree", agree},
                {"complete", complete},
                {"nodes", nodes}};
    std::cout << out.dump() << std::endl;
    if (own_dir && complete && agree) std::filesystem::remove_all(dir);
    return complete && agree ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: folio-bench-consensus run|node [--n N] [options]; see the header of bench/consensus_bench.cpp\n");
        return 2;
    }
    std::string mode = argv[1];
    try {
        if (mode == "node") return RunNode(argc, argv);
        if (mode == "run") return RunDriver(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "folio-bench-consensus: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "folio-bench-consensus: unknown mode %s\n", mode.c_str());
    return 2;
}
