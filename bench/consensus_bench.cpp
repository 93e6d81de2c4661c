// folio-bench-consensus: the consensus layer alone. One process = one validator running the real
// consensus::Core (Jolteon) over the real net::Transport (authenticated, encrypted TCP), ordering
// opaque 32-byte commands with no execution, as libhotstuff's benchmark does (docs/performance.md,
// "Consensus alone").
//
//   folio-bench-consensus run --n N [options]      # driver: starts N node processes on 127.0.0.1
//                                                  # with fresh keys, prints one summary JSON line
//   folio-bench-consensus node --index I --n N --seed S --ports P0,P1,.. --dir D [options]
//
// Options (both modes; the driver passes them on):
//   --block-size B    commands per block (400)
//   --batch-ms T      a leader with fewer than B commands waits up to T ms to fill its block (5)
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
// How a command travels (like libhotstuff, whose clients send each command to every replica): its
// origin generates it (4-byte origin, 8-byte sequence, 20 filler bytes) and sends it to every
// validator; each keeps a FIFO pool. The round's leader takes up to B pooled commands, broadcasts
// them as a batch, and proposes the batch's hash as the block payload. A validator votes only once
// it holds the batch (so committed data is always held by f+1 honest validators). Commands in a
// batch leave every pool; a batch whose block has not committed within 5 s goes back to the pools.
// The safety state the core asks to persist is written to a file and fdatasync'ed before any later
// message leaves (blocks are not stored: the bench never restarts).
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
#include <condition_variable>
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
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <node/consensus/core.h>
#include <node/consensus/crypto.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/net/transport.h>

using nlohmann::json;
using namespace folio;

namespace {

using Cmd = FixedBytes<32>;
constexpr size_t CMD_SIZE = 32;
constexpr uint64_t BATCH_TTL_MS = 5000;     // a proposed batch not committed by then: back to the pools
constexpr uint64_t GC_AFTER_MS = 10000;     // committed commands are remembered this long (duplicates)
constexpr uint64_t BATCH_RETRY_MS = 200;
constexpr size_t MAX_CMDS_PER_MSG = 8192;

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

Hash256 BatchHashOf(ByteView body) { return TaggedHash("folio/bench/batch", body); }

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
    void Write(ByteView enc) {
        uint64_t t0 = NowUs();
        Bytes buf(4 + enc.size());
        uint32_t n = static_cast<uint32_t>(enc.size());
        std::memcpy(buf.data(), &n, 4);
        std::memcpy(buf.data() + 4, enc.data(), enc.size());
        if (::pwrite(m_fd, buf.data(), buf.size(), 0) != static_cast<ssize_t>(buf.size()) || ::fdatasync(m_fd) != 0)
            throw std::runtime_error(std::string("cannot persist the safety state: ") + std::strerror(errno));
        ++m_writes;
        m_us += NowUs() - t0;
    }
    uint64_t writes() const { return m_writes; }
    uint64_t micros() const { return m_us; }

private:
    int m_fd;
    uint64_t m_writes = 0;
    uint64_t m_us = 0;
};

enum class Msg : uint8_t { CONSENSUS = 1, CMDS = 2, BATCH = 3, BATCH_REQUEST = 4 };

class BenchNode {
public:
    BenchNode(uint32_t index, std::vector<SecretKey> keys, std::vector<uint16_t> ports, const std::string& seed,
              const std::string& dir, Options opt)
        : m_index(index), m_opt(opt), m_dir(dir), m_signer(keys[index]), m_safety(dir + "/node" + std::to_string(index) + ".safety") {
        for (const SecretKey& k : keys) m_vset.members.push_back(*DerivePublicKey(k));
        m_self = m_vset.members[index];
        consensus::Config cc;
        cc.base_timeout_ms = opt.timeout_ms;
        cc.max_timeout_ms = 8 * opt.timeout_ms;
        m_core = std::make_unique<consensus::Core>(cc, m_vset, TaggedHash("folio/bench/genesis", AsBytes(seed)), m_signer,
                                                   m_verifier);
        net::TransportConfig tc;
        tc.chain_id = "folio-bench-consensus/" + seed;
        tc.key = keys[index];
        tc.listen_host = "127.0.0.1";
        tc.listen_port = ports[index];
        for (size_t i = 0; i < keys.size(); ++i)
            if (i != index) {
                tc.peers.push_back(net::PeerAddr{m_vset.members[i], "127.0.0.1", ports[i]});
                m_peers.push_back(m_vset.members[i]);
            }
        m_net = std::make_unique<net::Transport>(m_io, tc);
        m_net->OnMessage([this](const PublicKey& from, Bytes msg) {
            {
                std::lock_guard lock(m_mu);
                m_inbox.emplace_back(from, std::move(msg));
            }
            m_cv.notify_one();
        });
        m_chain.push_back(Hash256{});
    }

    int Run() {
        m_net->Start();
        std::thread io([this] {
            auto guard = boost::asio::make_work_guard(m_io);
            m_io.run();
        });
        m_start_us = NowUs();
        m_window_from = m_start_us + static_cast<uint64_t>(m_opt.warmup_s * 1e6);
        m_window_to = m_window_from + static_cast<uint64_t>(m_opt.duration_s * 1e6);
        uint64_t exit_at = m_window_to + static_cast<uint64_t>(m_opt.linger_s * 1e6);
        m_last_gen_us = m_start_us;
        Execute(m_core->Start(NowMs()));
        int rc = 0;
        try {
            while (!g_term && NowUs() < exit_at) Step();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "folio-bench-consensus node %u: %s\n", m_index, e.what());
            rc = 1;
        }
        if (!m_reported) Report();
        WriteSeq();
        m_net->Stop();
        m_io.stop();
        io.join();
        return rc;
    }

private:
    enum class State : uint8_t { POOLED, PROPOSED, COMMITTED };
    struct Entry {
        State state;
    };
    struct StoredBatch {
        std::vector<Cmd> cmds;
        Bytes raw;
        uint64_t at_ms = 0;
        bool committed = false;
    };
    struct Waiting {
        PublicKey from;
        consensus::Message msg;
    };

    static uint64_t NowMs() { return NowUs() / 1000; }

    void Step() {
        std::deque<std::pair<PublicKey, Bytes>> inbox;
        {
            std::unique_lock lock(m_mu);
            uint64_t now = NowMs();
            uint64_t wait = m_opt.tick_ms;
            if (!m_self_msgs.empty() || (m_timer && *m_timer <= now)) wait = 0;
            else if (m_timer) wait = std::min(wait, *m_timer - now);
            if (m_inbox.empty() && wait > 0)
                m_cv.wait_for(lock, std::chrono::milliseconds(wait), [&] { return !m_inbox.empty() || g_term.load(); });
            inbox.swap(m_inbox);
        }
        for (auto& [from, bytes] : inbox) HandleNet(from, bytes);
        while (!m_self_msgs.empty()) {
            consensus::Message m = std::move(m_self_msgs.front());
            m_self_msgs.pop_front();
            Execute(m_core->OnMessage(m_self, m, NowMs()));
        }
        uint64_t now = NowMs();
        if (m_timer && now >= *m_timer) {
            m_timer.reset();
            Execute(m_core->OnTimer(now));
        }
        Generate();
        AnswerPayload();
        ApplyCommits();
        Housekeeping();
        if (!m_reported && NowUs() >= m_window_to) Report();
    }

    // ---------------------------------------------------------------- commands and batches

    void Generate() {
        uint64_t now = NowUs();
        size_t want = 0;
        if (m_opt.rate > 0) {
            auto due = static_cast<uint64_t>(m_opt.rate * static_cast<double>(now - m_start_us) / 1e6);
            want = due > m_next_seq ? static_cast<size_t>(due - m_next_seq) : 0;
        } else if (m_own_pending.size() < m_opt.outstanding) {
            want = m_opt.outstanding - m_own_pending.size();
        }
        for (size_t i = 0; i < want; ++i) {
            uint64_t seq = m_next_seq++;
            Cmd c = MakeCmd(m_index, seq);
            m_own_pending.emplace(seq, now);
            if (AddToPool(c)) m_outbox.push_back(c);
        }
        if (!m_outbox.empty() && (now - m_last_gen_us >= m_opt.tick_ms * 1000 || m_outbox.size() >= MAX_CMDS_PER_MSG)) {
            m_last_gen_us = now;
            for (size_t i = 0; i < m_outbox.size(); i += MAX_CMDS_PER_MSG) {
                size_t end = std::min(m_outbox.size(), i + MAX_CMDS_PER_MSG);
                Bytes body;
                body.reserve((end - i) * CMD_SIZE);
                for (size_t k = i; k < end; ++k) body.insert(body.end(), m_outbox[k].begin(), m_outbox[k].end());
                BroadcastShell(Msg::CMDS, body);
            }
            m_outbox.clear();
        }
    }

    bool AddToPool(const Cmd& c) {
        auto [it, fresh] = m_cmds.try_emplace(c, Entry{State::POOLED});
        if (!fresh) return false;
        m_pool.push_back(c);
        ++m_pooled;
        return true;
    }

    // A batch seen (ours or a leader's): its commands leave the pools.
    void AcceptBatch(const Hash256& h, Bytes raw) {
        if (m_batches.count(h)) return;
        StoredBatch b;
        b.cmds.reserve(raw.size() / CMD_SIZE);
        for (size_t off = 0; off + CMD_SIZE <= raw.size(); off += CMD_SIZE)
            b.cmds.push_back(Cmd::FromView(ByteView(raw.data() + off, CMD_SIZE)));
        b.raw = std::move(raw);
        b.at_ms = NowMs();
        for (const Cmd& c : b.cmds) {
            auto [it, fresh] = m_cmds.try_emplace(c, Entry{State::PROPOSED});
            if (!fresh && it->second.state == State::POOLED) {
                it->second.state = State::PROPOSED;
                --m_pooled;
            }
        }
        m_batches.emplace(h, std::move(b));
        m_batch_order.emplace_back(NowMs(), h);
        auto w = m_waiting.find(h);
        if (w != m_waiting.end()) {
            std::vector<Waiting> ws = std::move(w->second);
            m_waiting.erase(w);
            for (Waiting& x : ws) Execute(m_core->OnMessage(x.from, x.msg, NowMs()));
        }
    }

    void AnswerPayload() {
        if (!m_request) return;
        uint64_t now = NowMs();
        uint64_t waited = now - m_request_at;
        bool full = m_pooled >= m_opt.block_size;
        if (!full && !(m_pooled > 0 && waited >= m_opt.batch_ms) && waited < m_opt.idle_ms) return;
        Bytes raw;
        raw.reserve(std::min(m_pooled, m_opt.block_size) * CMD_SIZE);
        size_t taken = 0;
        while (taken < m_opt.block_size && !m_pool.empty()) {
            Cmd c = m_pool.front();
            m_pool.pop_front();
            auto it = m_cmds.find(c);
            if (it == m_cmds.end() || it->second.state != State::POOLED) continue;
            raw.insert(raw.end(), c.begin(), c.end());
            ++taken;
        }
        Hash256 payload;  // zero: an empty block
        if (taken > 0) {
            payload = BatchHashOf(raw);
            BroadcastShell(Msg::BATCH, raw);  // before the proposal: same per-peer connection, in order
            AcceptBatch(payload, std::move(raw));
        }
        consensus::RequestPayloadAction req = *m_request;
        m_request.reset();
        Execute(m_core->OnPayloadReady(req.round, req.parent_id, payload, std::nullopt, now));
    }

    // Committed blocks are applied in height order once their batch is here.
    void ApplyCommits() {
        while (!m_to_apply.empty()) {
            const consensus::CommittedBlock& cb = m_to_apply.front();
            if (cb.height != m_chain.size()) throw std::runtime_error("commit out of order");
            const Hash256& payload = cb.block.payload;
            size_t ops = 0;
            if (!payload.IsZero()) {
                auto it = m_batches.find(payload);
                if (it == m_batches.end()) {
                    uint64_t now = NowMs();
                    if (now - m_batch_requested[payload] >= BATCH_RETRY_MS) {
                        m_batch_requested[payload] = now;
                        BroadcastShell(Msg::BATCH_REQUEST, payload.view());
                    }
                    return;
                }
                StoredBatch& b = it->second;
                b.committed = true;
                uint64_t now_us = NowUs();
                bool in_window = now_us >= m_window_from && now_us < m_window_to;
                for (const Cmd& c : b.cmds) {
                    auto [eit, fresh] = m_cmds.try_emplace(c, Entry{State::PROPOSED});
                    Entry& e = eit->second;
                    if (e.state == State::COMMITTED) {
                        ++m_duplicates;
                        continue;
                    }
                    if (e.state == State::POOLED) --m_pooled;
                    e.state = State::COMMITTED;
                    ++ops;
                    if (CmdOrigin(c) != m_index) continue;
                    auto p = m_own_pending.find(CmdSeq(c));
                    if (p == m_own_pending.end()) continue;
                    if (in_window) m_latencies_ms.push_back(static_cast<double>(now_us - p->second) / 1000.0);
                    m_own_pending.erase(p);
                }
                m_gc.emplace_back(NowMs(), payload);
                if (in_window) m_window_ops += ops;
                m_batch_requested.erase(payload);
            }
            uint64_t now_us = NowUs();
            if (now_us >= m_window_from && now_us < m_window_to) {
                if (!m_height_from) m_height_from = cb.height - 1;
                m_height_to = cb.height;
            }
            Writer w;
            w.Fixed(m_chain.back());
            w.Fixed(payload);
            m_chain.push_back(TaggedHash("folio/bench/seq", w.bytes()));
            m_total_ops += ops;
            m_to_apply.pop_front();
        }
    }

    void Housekeeping() {
        uint64_t now = NowMs();
        // Proposed batches whose block did not commit in time: their commands go back to the pools.
        while (!m_batch_order.empty() && now - m_batch_order.front().first > BATCH_TTL_MS) {
            Hash256 h = m_batch_order.front().second;
            m_batch_order.pop_front();
            auto it = m_batches.find(h);
            if (it == m_batches.end() || it->second.committed) continue;
            for (const Cmd& c : it->second.cmds) {
                auto e = m_cmds.find(c);
                if (e != m_cmds.end() && e->second.state == State::PROPOSED) {
                    e->second.state = State::POOLED;
                    ++m_pooled;
                    m_pool.push_back(c);
                    ++m_requeued;
                }
            }
            // Kept (a late commit still needs it) until GC_AFTER_MS more have passed.
            m_gc.emplace_back(now, h);
        }
        // Committed (or abandoned) batches are forgotten after a while, with their commands.
        while (!m_gc.empty() && now - m_gc.front().first > GC_AFTER_MS) {
            Hash256 h = m_gc.front().second;
            m_gc.pop_front();
            auto it = m_batches.find(h);
            if (it == m_batches.end()) continue;
            if (it->second.committed)
                for (const Cmd& c : it->second.cmds) m_cmds.erase(c);
            m_batches.erase(it);
        }
        // Ask again for batches that proposals wait on.
        for (auto& [h, ws] : m_waiting) {
            uint64_t& last = m_batch_requested[h];
            if (now - last < BATCH_RETRY_MS) continue;
            last = now;
            BroadcastShell(Msg::BATCH_REQUEST, h.view());
        }
        if (m_waiting.size() > 256) m_waiting.erase(m_waiting.begin());
    }

    // ---------------------------------------------------------------- network and core

    void SendShell(const PublicKey& to, Msg type, ByteView body) {
        Bytes m;
        m.reserve(body.size() + 1);
        m.push_back(static_cast<uint8_t>(type));
        m.insert(m.end(), body.begin(), body.end());
        m_net->Send(to, std::move(m));
    }
    // To every peer, queued for those not connected yet (Transport::Broadcast skips them).
    void BroadcastShell(Msg type, ByteView body) {
        for (const PublicKey& p : m_peers) SendShell(p, type, body);
    }

    void HandleNet(const PublicKey& from, const Bytes& bytes) {
        if (bytes.empty()) return;
        ByteView body(bytes.data() + 1, bytes.size() - 1);
        switch (static_cast<Msg>(bytes[0])) {
            case Msg::CONSENSUS: {
                auto msg = consensus::DecodeMessage(body);
                if (!msg) return;
                if (auto* p = std::get_if<consensus::Proposal>(&msg.value())) {
                    const Hash256& payload = p->block.payload;
                    if (!payload.IsZero() && !m_batches.count(payload)) {
                        m_waiting[payload].push_back(Waiting{from, std::move(msg.value())});
                        return;  // voted on once the batch is here (Housekeeping asks for it)
                    }
                }
                Execute(m_core->OnMessage(from, msg.value(), NowMs()));
                return;
            }
            case Msg::CMDS:
                if (body.size() % CMD_SIZE != 0) return;
                for (size_t off = 0; off < body.size(); off += CMD_SIZE)
                    AddToPool(Cmd::FromView(ByteView(body.data() + off, CMD_SIZE)));
                return;
            case Msg::BATCH:
                if (body.size() % CMD_SIZE != 0 || body.empty()) return;
                AcceptBatch(BatchHashOf(body), Bytes(body.begin(), body.end()));
                return;
            case Msg::BATCH_REQUEST: {
                if (body.size() != 32) return;
                auto it = m_batches.find(Hash256::FromView(body));
                if (it != m_batches.end()) SendShell(from, Msg::BATCH, it->second.raw);
                return;
            }
        }
    }

    void Execute(consensus::Actions actions) {
        for (consensus::Action& a : actions) {
            std::visit(
                [&](auto& act) {
                    using T = std::decay_t<decltype(act)>;
                    if constexpr (std::is_same_v<T, consensus::PersistSafetyAction>) {
                        m_safety.Write(consensus::EncodeSafetyState(act.state));  // before any later send
                    } else if constexpr (std::is_same_v<T, consensus::SendAction>) {
                        if (act.to == m_self) m_self_msgs.push_back(std::move(act.msg));
                        else SendShell(act.to, Msg::CONSENSUS, consensus::EncodeMessage(act.msg));
                    } else if constexpr (std::is_same_v<T, consensus::BroadcastAction>) {
                        BroadcastShell(Msg::CONSENSUS, consensus::EncodeMessage(act.msg));
                    } else if constexpr (std::is_same_v<T, consensus::CommitAction>) {
                        for (auto& b : act.blocks) m_to_apply.push_back(std::move(b));
                    } else if constexpr (std::is_same_v<T, consensus::ScheduleTimerAction>) {
                        m_timer = act.deadline_ms;
                    } else if constexpr (std::is_same_v<T, consensus::RequestPayloadAction>) {
                        m_request = act;
                        m_request_at = NowMs();
                    } else if constexpr (std::is_same_v<T, consensus::RejectAction>) {
                        ++m_rejects;
                    } else {
                        (void)act;  // evidence and epoch changes do not happen in this bench
                    }
                },
                a);
        }
    }

    // ---------------------------------------------------------------- results

    void Report() {
        m_reported = true;
        double window_s = m_opt.duration_s;
        std::vector<double> lat = m_latencies_ms;
        double p50 = Percentile(lat, 0.5), p99 = Percentile(lat, 0.99);
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        double cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        uint64_t height = m_chain.size() - 1;
        json j = {{"node", m_index},
                  {"n", m_vset.Size()},
                  {"ops_per_s", static_cast<double>(m_window_ops) / window_s},
                  {"p50_ms", p50},
                  {"p99_ms", p99},
                  {"latency_samples", lat.size()},
                  {"window_s", window_s},
                  {"window_ops", m_window_ops},
                  {"window_heights", json::array({m_height_from.value_or(0), m_height_to})},
                  {"blocks_per_s", static_cast<double>(m_height_to - m_height_from.value_or(m_height_to)) / window_s},
                  {"committed_height", height},
                  {"committed_ops", m_total_ops},
                  {"seq_hash", m_chain.back().hex()},
                  {"round", m_core->CurrentRound()},
                  {"safety_writes", m_safety.writes()},
                  {"safety_write_ms_avg", m_safety.writes() ? static_cast<double>(m_safety.micros()) / 1000.0 / static_cast<double>(m_safety.writes()) : 0.0},
                  {"requeued", m_requeued},
                  {"duplicates", m_duplicates},
                  {"rejected_msgs", m_rejects},
                  {"cpu_s", cpu_s}};
        std::cout << j.dump() << std::endl;
    }

    void WriteSeq() {
        std::ofstream f(m_dir + "/node" + std::to_string(m_index) + ".seq");
        for (size_t h = 1; h < m_chain.size(); ++h) f << h << " " << m_chain[h].hex() << "\n";
    }

    uint32_t m_index;
    Options m_opt;
    std::string m_dir;
    consensus::ValidatorSet m_vset;
    PublicKey m_self;
    std::vector<PublicKey> m_peers;
    consensus::SchnorrSigner m_signer;
    consensus::SchnorrVerifier m_verifier;
    std::unique_ptr<consensus::Core> m_core;
    SafetyFile m_safety;
    boost::asio::io_context m_io;
    std::unique_ptr<net::Transport> m_net;

    std::mutex m_mu;
    std::condition_variable m_cv;
    std::deque<std::pair<PublicKey, Bytes>> m_inbox;

    // Consensus thread only.
    std::deque<consensus::Message> m_self_msgs;
    std::optional<uint64_t> m_timer;
    std::optional<consensus::RequestPayloadAction> m_request;
    uint64_t m_request_at = 0;
    std::unordered_map<Cmd, Entry, CmdHash> m_cmds;
    std::deque<Cmd> m_pool;  // FIFO; entries no longer POOLED are skipped when popped
    size_t m_pooled = 0;
    std::map<Hash256, StoredBatch> m_batches;
    std::deque<std::pair<uint64_t, Hash256>> m_batch_order, m_gc;
    std::map<Hash256, std::vector<Waiting>> m_waiting;
    std::map<Hash256, uint64_t> m_batch_requested;
    std::deque<consensus::CommittedBlock> m_to_apply;
    std::vector<Hash256> m_chain;  // seq hash by height

    uint64_t m_next_seq = 0;
    std::unordered_map<uint64_t, uint64_t> m_own_pending;  // seq -> generated at (us)
    std::vector<Cmd> m_outbox;
    uint64_t m_last_gen_us = 0;

    uint64_t m_start_us = 0, m_window_from = 0, m_window_to = 0;
    std::optional<uint64_t> m_height_from;
    uint64_t m_height_to = 0;
    uint64_t m_window_ops = 0, m_total_ops = 0, m_duplicates = 0, m_requeued = 0, m_rejects = 0;
    std::vector<double> m_latencies_ms;
    bool m_reported = false;
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
    BenchNode node(index, keys, ports, seed, dir, Options::Parse(argc, argv));
    return node.Run();
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
    // Free ports below Linux's ephemeral range (32768+): no outgoing connection on this machine
    // (nor a peer's reconnect to a port not listening yet) can be holding one. Each candidate is
    // bound once to check it is free, then released.
    std::vector<uint16_t> ports;
    {
        boost::asio::io_context io;
        std::vector<boost::asio::ip::tcp::acceptor> acc;
        uint16_t candidate = static_cast<uint16_t>(20000 + rd() % 12000);
        for (int tries = 0; ports.size() < n && tries < 12000; ++tries) {
            if (++candidate >= 32000) candidate = 20000;
            boost::system::error_code ec;
            boost::asio::ip::tcp::acceptor a(io);
            boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), candidate);
            a.open(ep.protocol(), ec);
            if (!ec) a.bind(ep, ec);
            if (ec) continue;
            acc.push_back(std::move(a));
            ports.push_back(candidate);
        }
        if (ports.size() < n) return 2;
    }
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
