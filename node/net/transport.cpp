#include <node/net/transport.h>

#include <sodium.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <node/log/log.h>
#include <node/net/wire.h>

// Concurrency design: one mutex (m_mu) guards all state, including every call on a socket,
// acceptor or timer object (no composed Asio operations are used, so every initiation happens
// under the lock). Handlers take the lock on entry, record user-visible events in a local list and
// deliver them after releasing it, under a second (recursive) lock that serialises callbacks and
// lets Stop() wait for a callback in progress. Lock order: m_cb_mu before m_mu.

namespace folio::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr size_t READ_CHUNK = 64 * 1024;
constexpr size_t WRITE_BATCH = 256 * 1024;

uint64_t SplitMix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::chrono::milliseconds Ms(uint64_t ms) { return std::chrono::milliseconds(static_cast<int64_t>(ms)); }

enum class ConnState { CONNECTING, HELLO_WAIT, RESPONSE_WAIT, AUTH_WAIT, ACCEPT_WAIT, ESTABLISHED, CLOSED };
enum class CloseReason { IO, HANDSHAKE, REFUSED, FRAME, IDLE, REPLACED, NONCE };

const char* CloseReasonName(CloseReason r) {
    switch (r) {
        case CloseReason::IO: return "io error";
        case CloseReason::HANDSHAKE: return "handshake failed";
        case CloseReason::REFUSED: return "refused";
        case CloseReason::FRAME: return "bad frame";
        case CloseReason::IDLE: return "idle timeout";
        case CloseReason::REPLACED: return "replaced";
        case CloseReason::NONCE: return "nonce exhausted";
    }
    return "closed";
}

struct Event {
    enum class Kind { CONNECTED, DISCONNECTED, MESSAGE } kind;
    PublicKey key;
    Bytes msg;
};
using Events = std::vector<Event>;

}  // namespace

struct Conn {
    Conn(asio::io_context& io, uint64_t id_, bool inbound_) : id(id_), inbound(inbound_), sock(io), timer(io) {}
    ~Conn() { sodium_memzero(eph.sk.begin(), eph.sk.SIZE); }

    uint64_t id;
    bool inbound;
    tcp::socket sock;
    asio::steady_timer timer;
    uint64_t timer_gen = 0;
    ConnState state = ConnState::CONNECTING;
    std::optional<PublicKey> expected;  // outbound: the key we dialled
    std::string remote;                 // "host:port" dialled, or the inbound peer's address (for the log)
    PublicKey peer;                     // set once the peer's auth verified
    EphemeralKeyPair eph;
    X25519Key eph_i, eph_r;
    FrameCipher tx, rx;
    Bytes rbuf;
    size_t rpos = 0;
    Bytes rtmp = Bytes(READ_CHUNK);
    Bytes out_pending;      // bytes waiting to be written (handshake or control frames)
    Bytes out_writing;      // the batch being written
    size_t wpos = 0;
    bool writing = false;
    uint64_t batch_msgs = 0;   // DATA messages in out_writing
    uint64_t batch_bytes = 0;  // their payload bytes
    bool batch_counted = false;  // the batch came from Peer::queue (counted in queued_bytes)
    // A secondary connection's own copies of the messages sent while it is secondary (see Peer).
    std::deque<Bytes> squeue;
    size_t squeue_bytes = 0;
    Clock::time_point last_rx, last_tx;
    bool Open() const { return state != ConnState::CLOSED; }
};

struct Peer {
    PublicKey key;
    std::optional<PeerAddr> dial;      // set if this node dials the peer
    std::optional<PeerAddr> fallback;  // the peer dials us, but we dial it after fallback_dial_ms alone
    bool configured = false;
    // Established connections with this key. `conn` is the newest (primary): it drains `queue`.
    // `extra` holds older ones still up (oldest first): several processes holding this key (a
    // twin) or a restart the old socket has not noticed yet. Every connection's messages are
    // delivered, and each secondary gets a copy of every message sent while it is up.
    std::shared_ptr<Conn> conn;
    std::vector<std::shared_ptr<Conn>> extra;
    std::shared_ptr<Conn> dialing;  // outbound attempt in progress
    std::deque<Bytes> queue;
    std::multimap<Clock::time_point, Bytes> delayed;
    Clock::time_point last_delay_at{};
    std::unique_ptr<asio::steady_timer> delay_timer;
    uint64_t delay_gen = 0;
    std::unique_ptr<asio::steady_timer> redial_timer;
    uint64_t redial_gen = 0;
    uint32_t backoff_ms = 0;
    PeerStats stats;
};

struct Transport::Impl : std::enable_shared_from_this<Transport::Impl> {
    Impl(asio::io_context& io, TransportConfig cfg) : m_io(io), m_cfg(std::move(cfg)), m_acceptor(io) {}

    asio::io_context& m_io;
    TransportConfig m_cfg;
    PublicKey m_self;

    mutable std::mutex m_mu;
    bool m_started = false;
    bool m_stopped = false;
    tcp::acceptor m_acceptor;
    std::unique_ptr<asio::steady_timer> m_accept_retry;
    uint16_t m_port = 0;
    uint64_t m_next_conn_id = 1;
    std::map<uint64_t, std::shared_ptr<Conn>> m_conns;
    size_t m_inbound = 0;
    std::map<PublicKey, Peer> m_peers;
    FaultConfig m_faults;
    uint64_t m_rng = 0;
    TransportStats m_stats;

    std::recursive_mutex m_cb_mu;
    bool m_cb_stopped = false;
    MessageHandler m_on_message;
    PeerHandler m_on_connected, m_on_disconnected;

    // ---- helpers (all with m_mu held) ----

    Peer& GetPeer(const PublicKey& key) {
        auto it = m_peers.find(key);
        if (it != m_peers.end()) return it->second;
        Peer& p = m_peers[key];
        p.key = key;
        p.backoff_ms = m_cfg.reconnect_min_ms;
        p.delay_timer = std::make_unique<asio::steady_timer>(m_io);
        p.redial_timer = std::make_unique<asio::steady_timer>(m_io);
        return p;
    }

    bool Allowed(const PublicKey& key) {
        if (m_cfg.is_allowed_peer) return m_cfg.is_allowed_peer(key);
        auto it = m_peers.find(key);
        return it != m_peers.end() && it->second.configured;
    }

    std::shared_ptr<Conn> NewConn(bool inbound) {
        auto c = std::make_shared<Conn>(m_io, m_next_conn_id++, inbound);
        m_conns[c->id] = c;
        if (inbound) ++m_inbound;
        return c;
    }

    void ArmTimer(const std::shared_ptr<Conn>& c, uint64_t ms, bool keepalive) {
        uint64_t gen = ++c->timer_gen;
        c->timer.expires_after(Ms(ms));
        c->timer.async_wait([self = shared_from_this(), c, gen, keepalive](const error_code& ec) {
            if (ec) return;
            self->OnConnTimer(c, gen, keepalive);
        });
    }

    uint64_t KeepaliveTick() const {
        uint64_t t = std::min(m_cfg.ping_interval_ms, m_cfg.idle_timeout_ms) / 4;
        return std::max<uint64_t>(t, 10);
    }

    void OnConnTimer(const std::shared_ptr<Conn>& c, uint64_t gen, bool keepalive) {
        Events ev;
        {
            std::lock_guard lk(m_mu);
            if (m_stopped || !c->Open() || gen != c->timer_gen) return;
            if (!keepalive) {
                Close(c, ev, CloseReason::HANDSHAKE, "timeout");
            } else {
                auto now = Clock::now();
                if (now - c->last_rx > Ms(m_cfg.idle_timeout_ms)) {
                    Close(c, ev, CloseReason::IDLE);
                } else {
                    if (now - c->last_tx >= Ms(m_cfg.ping_interval_ms)) {
                        if (!c->tx.Seal(FrameType::PING, {}, m_cfg.max_frame_bytes, c->out_pending)) {
                            Close(c, ev, CloseReason::NONCE);
                        } else {
                            StartWrite(c, ev);
                        }
                    }
                    if (c->Open()) ArmTimer(c, KeepaliveTick(), true);
                }
            }
        }
        Deliver(ev);
    }

    // Logs why a connection closed (component "net"): an established peer's last connection at
    // INFO (a bad frame at WARN), a refused key at INFO, failed dials and handshakes at DEBUG.
    void LogClose(const Conn& c, bool established, bool last, CloseReason reason, std::string_view detail) const {
        const std::string peer = established ? c.peer.hex() : c.expected ? c.expected->hex() : std::string();
        const log::Level level = reason == CloseReason::FRAME || reason == CloseReason::NONCE ? log::Level::WARN
                                 : reason == CloseReason::REFUSED || (established && last) ? log::Level::INFO
                                                                                           : log::Level::DEBUG;
        if (!log::Enabled(level)) return;
        const char* what = established ? (last ? "peer disconnected" : "extra connection closed")
                           : c.inbound ? "inbound handshake failed"
                                       : "dial failed";
        if (reason == CloseReason::REFUSED) what = "peer refused";
        log::Write(level, "net", what,
                   {{"peer", peer}, {"addr", c.remote}, {"reason", CloseReasonName(reason)}, {"error", detail}});
    }

    void Close(const std::shared_ptr<Conn>& c, Events& ev, CloseReason reason, std::string_view detail = {}) {
        if (!c->Open()) return;
        const bool established = c->state == ConnState::ESTABLISHED;
        if (established) {
            const Peer& p = GetPeer(c->peer);
            LogClose(*c, true, p.conn == c && p.extra.empty(), reason, detail);
        } else {
            LogClose(*c, false, false, reason, detail);
        }
        c->state = ConnState::CLOSED;
        error_code ignored;
        c->sock.close(ignored);
        c->timer.cancel();
        ++c->timer_gen;
        m_conns.erase(c->id);
        if (c->inbound) --m_inbound;
        if (reason == CloseReason::HANDSHAKE) ++m_stats.handshakes_failed;
        if (reason == CloseReason::REFUSED) ++m_stats.peers_refused;
        if (reason == CloseReason::FRAME) ++m_stats.frames_rejected;
        if (established) {
            Peer& p = GetPeer(c->peer);
            p.stats.dropped_disconnect += c->batch_msgs + c->squeue.size();
            if (c->batch_counted) p.stats.queued_bytes -= c->batch_bytes;
            c->batch_msgs = c->batch_bytes = 0;
            c->squeue.clear();
            c->squeue_bytes = 0;
            ++p.stats.disconnects;
            if (p.conn == c) {
                p.conn.reset();
                if (!p.extra.empty()) {
                    // The newest remaining connection becomes primary; nothing to report. Its
                    // copies are dropped: what it has not written yet is still in `queue` (then it
                    // writes it now) or was written on the closed connection (lost, as documented).
                    p.conn = p.extra.back();
                    p.extra.pop_back();
                    p.stats.dropped_disconnect += p.conn->squeue.size();
                    p.conn->squeue.clear();
                    p.conn->squeue_bytes = 0;
                    StartWrite(p.conn, ev);
                } else {
                    ev.push_back({Event::Kind::DISCONNECTED, c->peer, {}});
                    if (p.dial || p.fallback) ScheduleRedial(p);
                }
            } else {
                p.extra.erase(std::remove(p.extra.begin(), p.extra.end(), c), p.extra.end());
            }
        } else if (!c->inbound && c->expected) {
            Peer& p = GetPeer(*c->expected);
            if (p.dialing == c) {
                p.dialing.reset();
                ScheduleRedial(p);
            }
        }
    }

    void ScheduleRedial(Peer& p) {
        if (m_stopped || (!p.dial && !p.fallback)) return;
        uint32_t b = std::max<uint32_t>(p.backoff_ms, 1);
        uint32_t delay = b + randombytes_uniform(b / 2 + 1);
        if (!p.dial) delay += m_cfg.fallback_dial_ms;  // give the peer time to dial us first
        p.backoff_ms = std::min(std::max(b * 2, b), std::max(m_cfg.reconnect_max_ms, m_cfg.reconnect_min_ms));
        uint64_t gen = ++p.redial_gen;
        p.redial_timer->expires_after(Ms(delay));
        PublicKey key = p.key;
        p.redial_timer->async_wait([self = shared_from_this(), key, gen](const error_code& ec) {
            if (ec) return;
            std::lock_guard lk(self->m_mu);
            if (self->m_stopped) return;
            Peer& peer = self->GetPeer(key);
            if (peer.redial_gen != gen) return;
            self->Dial(peer);
        });
    }

    void Dial(Peer& p) {
        if (m_stopped || (!p.dial && !p.fallback) || p.conn || p.dialing) return;
        const PeerAddr& to = p.dial ? *p.dial : *p.fallback;
        auto c = NewConn(false);
        c->expected = p.key;
        c->remote = to.host + ":" + std::to_string(to.port);
        p.dialing = c;
        ArmTimer(c, m_cfg.handshake_timeout_ms, false);
        error_code ec;
        auto addr = asio::ip::make_address(to.host, ec);
        if (!ec) {
            Connect(c, tcp::endpoint(addr, to.port));
            return;
        }
        // A host name: resolve it (the resolver runs on Asio's internal thread), then connect.
        auto resolver = std::make_shared<tcp::resolver>(m_io);
        resolver->async_resolve(to.host, std::to_string(to.port),
                                [self = shared_from_this(), c, resolver](const error_code& rec,
                                                                         tcp::resolver::results_type results) {
                                    Events ev;
                                    {
                                        std::lock_guard lk(self->m_mu);
                                        if (self->m_stopped || !c->Open()) return;
                                        if (rec || results.empty()) {
                                            self->Close(c, ev, CloseReason::IO,
                                                        rec ? "resolve: " + rec.message() : "resolve: no address");
                                        } else {
                                            self->Connect(c, results.begin()->endpoint());
                                        }
                                    }
                                    self->Deliver(ev);
                                });
    }

    void Connect(const std::shared_ptr<Conn>& c, const tcp::endpoint& ep) {
        c->sock.async_connect(ep, [self = shared_from_this(), c](const error_code& ec) {
            Events ev;
            {
                std::lock_guard lk(self->m_mu);
                if (self->m_stopped || !c->Open()) return;
                if (ec) {
                    self->Close(c, ev, CloseReason::IO, "connect: " + ec.message());
                } else {
                    error_code ignored;
                    c->sock.set_option(tcp::no_delay(true), ignored);
                    c->eph = NewEphemeral();
                    c->eph_i = c->eph.pk;
                    Bytes hello = EncodeHello(Hello{c->eph.pk});
                    c->out_pending.insert(c->out_pending.end(), hello.begin(), hello.end());
                    c->state = ConnState::RESPONSE_WAIT;
                    self->StartWrite(c, ev);
                    self->StartRead(c);
                }
            }
            self->Deliver(ev);
        });
    }

    void StartAccept() {
        if (m_stopped || !m_acceptor.is_open()) return;
        m_acceptor.async_accept([self = shared_from_this()](const error_code& ec, tcp::socket sock) {
            self->OnAccept(ec, std::move(sock));
        });
    }

    void OnAccept(const error_code& ec, tcp::socket sock) {
        std::lock_guard lk(m_mu);
        if (m_stopped) return;
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            // E.g. out of descriptors: retry shortly instead of spinning.
            log::Error("net", "accept failed", {{"error", ec.message()}});
            m_accept_retry->expires_after(Ms(100));
            m_accept_retry->async_wait([self = shared_from_this()](const error_code& wec) {
                if (wec) return;
                std::lock_guard lk2(self->m_mu);
                self->StartAccept();
            });
            return;
        }
        error_code rec;
        const auto rep = sock.remote_endpoint(rec);
        const std::string remote = rec ? std::string() : rep.address().to_string() + ":" + std::to_string(rep.port());
        if (m_inbound >= m_cfg.max_inbound) {
            ++m_stats.inbound_over_limit;
            log::Warn("net", "inbound connection refused: too many", {{"addr", remote}, {"max_inbound", m_cfg.max_inbound}});
            error_code ignored;
            sock.close(ignored);
        } else {
            auto c = NewConn(true);
            c->remote = remote;
            c->sock = std::move(sock);
            error_code ignored;
            c->sock.set_option(tcp::no_delay(true), ignored);
            c->eph = NewEphemeral();
            c->eph_r = c->eph.pk;
            c->state = ConnState::HELLO_WAIT;
            ArmTimer(c, m_cfg.handshake_timeout_ms, false);
            StartRead(c);
        }
        StartAccept();
    }

    void StartRead(const std::shared_ptr<Conn>& c) {
        if (!c->Open()) return;
        c->sock.async_read_some(asio::buffer(c->rtmp), [self = shared_from_this(), c](const error_code& ec, size_t n) {
            self->OnRead(c, ec, n);
        });
    }

    void OnRead(const std::shared_ptr<Conn>& c, const error_code& ec, size_t n) {
        Events ev;
        {
            std::lock_guard lk(m_mu);
            if (m_stopped || !c->Open()) return;
            if (ec) {
                Close(c, ev, c->state == ConnState::ESTABLISHED ? CloseReason::IO : CloseReason::HANDSHAKE,
                      "read: " + ec.message());
            } else {
                c->rbuf.insert(c->rbuf.end(), c->rtmp.begin(), c->rtmp.begin() + static_cast<std::ptrdiff_t>(n));
                Process(c, ev);
                if (c->rpos > 0 && c->rpos * 2 >= c->rbuf.size()) {
                    c->rbuf.erase(c->rbuf.begin(), c->rbuf.begin() + static_cast<std::ptrdiff_t>(c->rpos));
                    c->rpos = 0;
                }
            }
        }
        Deliver(ev);  // before reading on, so one peer's messages are delivered in order
        std::lock_guard lk(m_mu);
        if (!m_stopped && c->Open()) StartRead(c);
    }

    ByteView Avail(const Conn& c) const {
        return ByteView(c.rbuf.data() + c.rpos, c.rbuf.size() - c.rpos);
    }

    // Consumes as many complete handshake messages and frames as rbuf holds.
    void Process(const std::shared_ptr<Conn>& c, Events& ev) {
        while (c->Open()) {
            ByteView in = Avail(*c);
            switch (c->state) {
            case ConnState::HELLO_WAIT: {
                if (in.size() < HELLO_SIZE) return;
                auto hello = DecodeHello(in.first(HELLO_SIZE));
                c->rpos += HELLO_SIZE;
                if (!hello) return Close(c, ev, CloseReason::HANDSHAKE);
                c->eph_i = hello->eph;
                auto auth = MakeAuth(m_cfg.key, m_cfg.chain_id, c->eph_i, c->eph_r, Role::RESPONDER);
                if (!auth) return Close(c, ev, CloseReason::HANDSHAKE);
                Bytes resp = EncodeResponse(Response{c->eph_r, *auth});
                c->out_pending.insert(c->out_pending.end(), resp.begin(), resp.end());
                c->state = ConnState::AUTH_WAIT;
                StartWrite(c, ev);
                break;
            }
            case ConnState::RESPONSE_WAIT: {
                if (in.size() < RESPONSE_SIZE) return;
                auto resp = DecodeResponse(in.first(RESPONSE_SIZE));
                c->rpos += RESPONSE_SIZE;
                if (!resp) return Close(c, ev, CloseReason::HANDSHAKE);
                c->eph_r = resp->eph;
                if (!VerifyAuth(resp->auth, m_cfg.chain_id, c->eph_i, c->eph_r, Role::RESPONDER))
                    return Close(c, ev, CloseReason::HANDSHAKE);
                // The key proven must be the one we dialled (a different validator at that address,
                // or a relay presenting its own key, is refused) and still be allowed.
                if (resp->auth.key != *c->expected || !Allowed(resp->auth.key))
                    return Close(c, ev, CloseReason::REFUSED,
                                 resp->auth.key != *c->expected ? "answered with key " + resp->auth.key.hex()
                                                                : std::string("not an allowed key"));
                auto keys = DeriveSessionKeys(m_cfg.chain_id, c->eph.sk, c->eph_r, c->eph_i, c->eph_r, m_self,
                                              resp->auth.key);
                if (!keys) return Close(c, ev, CloseReason::HANDSHAKE);
                auto auth = MakeAuth(m_cfg.key, m_cfg.chain_id, c->eph_i, c->eph_r, Role::INITIATOR);
                if (!auth) return Close(c, ev, CloseReason::HANDSHAKE);
                c->peer = resp->auth.key;
                c->tx = FrameCipher(keys->i2r);
                c->rx = FrameCipher(keys->r2i);
                sodium_memzero(c->eph.sk.begin(), c->eph.sk.SIZE);
                Bytes a = EncodeAuth(*auth);
                c->out_pending.insert(c->out_pending.end(), a.begin(), a.end());
                c->state = ConnState::ACCEPT_WAIT;
                StartWrite(c, ev);
                break;
            }
            case ConnState::AUTH_WAIT: {
                if (in.size() < AUTH_SIZE) return;
                auto auth = DecodeAuth(in.first(AUTH_SIZE));
                c->rpos += AUTH_SIZE;
                if (!auth || !VerifyAuth(*auth, m_cfg.chain_id, c->eph_i, c->eph_r, Role::INITIATOR))
                    return Close(c, ev, CloseReason::HANDSHAKE);
                const PublicKey& key = auth->key;
                auto known = m_peers.find(key);
                // We dial this key ourselves: refuse while we have a connection with it (one per
                // pair); accept if we have none (it is dialling us as a fallback).
                const bool we_dial = known != m_peers.end() && known->second.dial.has_value() && known->second.conn;
                if (key == m_self || we_dial || !Allowed(key))
                    return Close(c, ev, CloseReason::REFUSED,
                                 "key " + key.hex() +
                                     (key == m_self ? " is ours" : we_dial ? ": we dial it and are connected" : " not allowed"));
                auto keys = DeriveSessionKeys(m_cfg.chain_id, c->eph.sk, c->eph_i, c->eph_i, c->eph_r, key, m_self);
                if (!keys) return Close(c, ev, CloseReason::HANDSHAKE);
                c->peer = key;
                c->tx = FrameCipher(keys->r2i);
                c->rx = FrameCipher(keys->i2r);
                sodium_memzero(c->eph.sk.begin(), c->eph.sk.SIZE);
                if (!c->tx.Seal(FrameType::ACCEPT, {}, m_cfg.max_frame_bytes, c->out_pending))
                    return Close(c, ev, CloseReason::HANDSHAKE);
                Establish(c, ev);
                break;
            }
            case ConnState::ACCEPT_WAIT:
            case ConnState::ESTABLISHED: {
                auto step = OpenNextFrame(c->rx, in, m_cfg.max_frame_bytes);
                if (!step) return Close(c, ev, CloseReason::FRAME);
                if (step->consumed == 0) return;  // incomplete
                c->rpos += step->consumed;
                auto& frame = step->frame;
                c->last_rx = Clock::now();
                if (c->state == ConnState::ACCEPT_WAIT) {
                    if (frame->type != FrameType::ACCEPT) return Close(c, ev, CloseReason::HANDSHAKE);
                    Establish(c, ev);
                } else if (frame->type == FrameType::DATA) {
                    Peer& p = GetPeer(c->peer);
                    ++p.stats.messages_received;
                    p.stats.bytes_received += frame->body.size();
                    ev.push_back({Event::Kind::MESSAGE, c->peer, std::move(frame->body)});
                } else if (frame->type == FrameType::ACCEPT) {
                    return Close(c, ev, CloseReason::FRAME);  // only the first frame may be ACCEPT
                }
                break;  // PING: nothing to do beyond last_rx
            }
            case ConnState::CONNECTING:
            case ConnState::CLOSED:
                return;
            }
        }
    }

    void Establish(const std::shared_ptr<Conn>& c, Events& ev) {
        Peer& p = GetPeer(c->peer);
        const bool was_connected = p.conn != nullptr;
        if (p.conn) {
            // Keep the older connection: it may be another process with the same key (a twin,
            // whose messages are exactly what equivocation evidence is made of) or a restarted
            // peer's dead socket (it closes on its own by error or idle timeout). Beyond the bound
            // the oldest is closed.
            p.extra.push_back(p.conn);
            p.conn.reset();
            while (!p.extra.empty() && p.extra.size() + 1 > m_cfg.max_connections_per_peer)
                Close(p.extra.front(), ev, CloseReason::REPLACED);
        }
        if (p.dialing == c) p.dialing.reset();
        p.conn = c;
        c->state = ConnState::ESTABLISHED;
        ++p.stats.connects;
        p.backoff_ms = m_cfg.reconnect_min_ms;
        ++p.redial_gen;  // a pending redial is obsolete
        ++m_stats.handshakes_ok;
        c->last_rx = c->last_tx = Clock::now();
        if (!was_connected) {
            ev.push_back({Event::Kind::CONNECTED, c->peer, {}});
            log::Info("net", "peer connected", {{"peer", c->peer.hex()}, {"addr", c->remote}, {"inbound", c->inbound}});
        } else {
            log::Debug("net", "extra connection", {{"peer", c->peer.hex()}, {"addr", c->remote}, {"inbound", c->inbound}});
        }
        ArmTimer(c, KeepaliveTick(), true);
        StartWrite(c, ev);
    }

    // Starts writing if idle: control bytes first, then queued DATA messages (encrypted here, so a
    // message is encrypted only when it is about to be written).
    void StartWrite(const std::shared_ptr<Conn>& c, Events& ev) {
        if (!c->Open() || c->writing) return;
        uint64_t msgs = 0, bytes = 0;
        bool primary = false;
        if (c->state == ConnState::ESTABLISHED) {
            Peer& p = GetPeer(c->peer);
            primary = p.conn == c;
            std::deque<Bytes>& q = primary ? p.queue : c->squeue;
            while (!q.empty() && (c->out_pending.size() < WRITE_BATCH || msgs == 0)) {
                Bytes& m = q.front();
                if (!c->tx.Seal(FrameType::DATA, m, m_cfg.max_frame_bytes, c->out_pending)) {
                    // Only NONCE_EXHAUSTED is possible (sizes are checked in Send): close.
                    c->batch_msgs = msgs;
                    c->batch_bytes = bytes;
                    c->batch_counted = primary;
                    return Close(c, ev, CloseReason::NONCE);
                }
                ++msgs;
                bytes += m.size();
                if (!primary) c->squeue_bytes -= m.size();
                q.pop_front();
            }
        }
        if (c->out_pending.empty()) return;
        std::swap(c->out_writing, c->out_pending);
        c->out_pending.clear();
        c->wpos = 0;
        c->batch_msgs = msgs;
        c->batch_bytes = bytes;
        c->batch_counted = primary;
        c->writing = true;
        c->last_tx = Clock::now();
        WriteSome(c);
    }

    void WriteSome(const std::shared_ptr<Conn>& c) {
        c->sock.async_write_some(asio::buffer(c->out_writing.data() + c->wpos, c->out_writing.size() - c->wpos),
                                 [self = shared_from_this(), c](const error_code& ec, size_t n) {
                                     self->OnWrite(c, ec, n);
                                 });
    }

    void OnWrite(const std::shared_ptr<Conn>& c, const error_code& ec, size_t n) {
        Events ev;
        {
            std::lock_guard lk(m_mu);
            if (m_stopped || !c->Open()) return;
            if (ec) {
                Close(c, ev, c->state == ConnState::ESTABLISHED ? CloseReason::IO : CloseReason::HANDSHAKE,
                      "write: " + ec.message());
            } else {
                c->wpos += n;
                if (c->wpos < c->out_writing.size()) {
                    WriteSome(c);
                } else {
                    c->writing = false;
                    c->out_writing.clear();
                    if (c->batch_msgs > 0) {
                        Peer& p = GetPeer(c->peer);
                        p.stats.messages_sent += c->batch_msgs;
                        p.stats.bytes_sent += c->batch_bytes;
                        if (c->batch_counted) p.stats.queued_bytes -= c->batch_bytes;
                        c->batch_msgs = c->batch_bytes = 0;
                    }
                    StartWrite(c, ev);
                }
            }
        }
        Deliver(ev);
    }

    void SendLocked(const PublicKey& to, Bytes msg) {
        if (m_stopped) return;
        if (msg.size() + MIN_FRAME_LEN > m_cfg.max_frame_bytes) {
            ++m_stats.dropped_oversize;
            return;
        }
        auto it = m_peers.find(to);
        if (it == m_peers.end() || to == m_self) {
            ++m_stats.dropped_unknown_peer;
            return;
        }
        Peer& p = it->second;
        if (m_faults.link_up && !m_faults.link_up(m_self, to)) {
            ++p.stats.dropped_fault;
            return;
        }
        if (m_faults.drop_per_million > 0 && SplitMix64(m_rng) % 1000000 < m_faults.drop_per_million) {
            ++p.stats.dropped_fault;
            return;
        }
        if (p.stats.queued_bytes + msg.size() > m_cfg.send_queue_bytes) {
            ++p.stats.dropped_queue_full;
            return;
        }
        p.stats.queued_bytes += msg.size();
        if (m_faults.delay_ms_max > 0) {
            uint32_t lo = std::min(m_faults.delay_ms_min, m_faults.delay_ms_max);
            uint64_t span = static_cast<uint64_t>(m_faults.delay_ms_max - lo) + 1;
            auto at = Clock::now() + Ms(lo + SplitMix64(m_rng) % span);
            if (!m_faults.reorder) at = std::max(at, p.last_delay_at);
            p.last_delay_at = at;
            p.delayed.emplace(at, std::move(msg));  // equal times keep insertion order
            ArmDelay(p);
            return;
        }
        Events ev;  // StartWrite emits events only when it closes (nonce exhaustion): none to lose
        Enqueue(p, std::move(msg), ev);
        if (!ev.empty()) m_deferred.insert(m_deferred.end(), ev.begin(), ev.end());
    }

    // Hands a message (already counted in queued_bytes) to the primary connection's queue and a
    // copy to each secondary connection of the peer, and starts writing.
    void Enqueue(Peer& p, Bytes msg, Events& ev) {
        std::vector<std::shared_ptr<Conn>> extra = p.extra;  // StartWrite may close one
        for (auto& x : extra) {
            if (!x->Open()) continue;
            if (x->squeue_bytes + msg.size() > m_cfg.send_queue_bytes) {
                ++p.stats.dropped_queue_full;
                continue;
            }
            x->squeue.push_back(msg);
            x->squeue_bytes += msg.size();
            StartWrite(x, ev);
        }
        p.queue.push_back(std::move(msg));
        if (p.conn) StartWrite(p.conn, ev);
    }

    void ArmDelay(Peer& p) {
        if (p.delayed.empty()) return;
        uint64_t gen = ++p.delay_gen;
        p.delay_timer->expires_at(p.delayed.begin()->first);
        PublicKey key = p.key;
        p.delay_timer->async_wait([self = shared_from_this(), key, gen](const error_code& ec) {
            if (ec) return;
            Events ev;
            {
                std::lock_guard lk(self->m_mu);
                if (self->m_stopped) return;
                Peer& peer = self->GetPeer(key);
                if (peer.delay_gen != gen) return;
                auto now = Clock::now();
                while (!peer.delayed.empty() && peer.delayed.begin()->first <= now) {
                    Bytes m = std::move(peer.delayed.begin()->second);
                    peer.delayed.erase(peer.delayed.begin());
                    self->Enqueue(peer, std::move(m), ev);
                }
                self->ArmDelay(peer);
            }
            self->Deliver(ev);
        });
    }

    // Events produced by calls that cannot deliver them themselves (Send from any thread).
    Events m_deferred;

    Events TakeDeferred() {
        Events ev;
        ev.swap(m_deferred);
        return ev;
    }

    void Deliver(Events& ev) {
        {
            std::lock_guard lk(m_mu);
            if (!m_deferred.empty()) {
                Events d = TakeDeferred();
                ev.insert(ev.end(), std::make_move_iterator(d.begin()), std::make_move_iterator(d.end()));
            }
        }
        if (ev.empty()) return;
        std::lock_guard cb(m_cb_mu);
        for (auto& e : ev) {
            if (m_cb_stopped) return;
            switch (e.kind) {
            case Event::Kind::CONNECTED:
                if (m_on_connected) m_on_connected(e.key);
                break;
            case Event::Kind::DISCONNECTED:
                if (m_on_disconnected) m_on_disconnected(e.key);
                break;
            case Event::Kind::MESSAGE:
                if (m_on_message) m_on_message(e.key, std::move(e.msg));
                break;
            }
        }
    }

    void StopLocked() {
        m_stopped = true;
        error_code ignored;
        m_acceptor.close(ignored);
        if (m_accept_retry) m_accept_retry->cancel();
        for (auto& [id, c] : m_conns) {
            c->state = ConnState::CLOSED;
            c->sock.close(ignored);
            c->timer.cancel();
        }
        m_conns.clear();
        for (auto& [key, p] : m_peers) {
            p.conn.reset();
            p.extra.clear();
            p.dialing.reset();
            p.delay_timer->cancel();
            p.redial_timer->cancel();
            p.queue.clear();
            p.delayed.clear();
            p.stats.queued_bytes = 0;
        }
        m_deferred.clear();
    }
};

Transport::Transport(asio::io_context& io, TransportConfig config)
    : m_impl(std::make_shared<Impl>(io, std::move(config))) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
    Impl& s = *m_impl;
    auto self = DerivePublicKey(s.m_cfg.key);
    if (!self) throw std::invalid_argument("transport: invalid secret key");
    s.m_self = *self;
    if (s.m_cfg.max_frame_bytes < MIN_FRAME_LEN || s.m_cfg.max_frame_bytes > 0xffffffffu)
        throw std::invalid_argument("transport: max_frame_bytes out of range");
    if (s.m_cfg.max_connections_per_peer == 0)
        throw std::invalid_argument("transport: max_connections_per_peer must be at least 1");
    for (const auto& pa : s.m_cfg.peers) {
        if (!IsValidPublicKey(pa.key)) throw std::invalid_argument("transport: invalid peer key " + pa.key.hex());
        if (pa.key == s.m_self) continue;
        Peer& p = s.GetPeer(pa.key);
        p.configured = true;
        if (s.m_self < pa.key) p.dial = pa;
        else p.fallback = pa;
    }
    s.m_faults = s.m_cfg.faults;
    s.m_rng = s.m_faults.seed;
    s.m_accept_retry = std::make_unique<asio::steady_timer>(io);
}

Transport::~Transport() { Stop(); }

void Transport::Start() {
    Impl& s = *m_impl;
    std::lock_guard lk(s.m_mu);
    if (s.m_started || s.m_stopped) return;
    s.m_started = true;
    if (!s.m_cfg.listen_host.empty()) {
        tcp::endpoint ep(asio::ip::make_address(s.m_cfg.listen_host), s.m_cfg.listen_port);
        s.m_acceptor.open(ep.protocol());
        s.m_acceptor.set_option(tcp::acceptor::reuse_address(true));
        s.m_acceptor.bind(ep);
        s.m_acceptor.listen();
        s.m_port = s.m_acceptor.local_endpoint().port();
        s.StartAccept();
    }
    for (auto& [key, p] : s.m_peers) {
        if (p.dial) s.Dial(p);
        else if (p.fallback) s.ScheduleRedial(p);
    }
}

void Transport::Stop() {
    Impl& s = *m_impl;
    std::lock_guard cb(s.m_cb_mu);
    s.m_cb_stopped = true;
    std::lock_guard lk(s.m_mu);
    if (s.m_stopped) return;
    s.StopLocked();
}

uint16_t Transport::ListenPort() const {
    std::lock_guard lk(m_impl->m_mu);
    return m_impl->m_port;
}

const PublicKey& Transport::Self() const { return m_impl->m_self; }

void Transport::Send(const PublicKey& to, Bytes msg) {
    std::lock_guard lk(m_impl->m_mu);
    m_impl->SendLocked(to, std::move(msg));
}

void Transport::Broadcast(const Bytes& msg) {
    std::lock_guard lk(m_impl->m_mu);
    std::vector<PublicKey> to;
    for (auto& [key, p] : m_impl->m_peers)
        if (p.conn) to.push_back(key);
    for (auto& key : to) m_impl->SendLocked(key, msg);
}

void Transport::OnMessage(MessageHandler handler) {
    std::lock_guard cb(m_impl->m_cb_mu);
    m_impl->m_on_message = std::move(handler);
}

void Transport::OnPeerConnected(PeerHandler handler) {
    std::lock_guard cb(m_impl->m_cb_mu);
    m_impl->m_on_connected = std::move(handler);
}

void Transport::OnPeerDisconnected(PeerHandler handler) {
    std::lock_guard cb(m_impl->m_cb_mu);
    m_impl->m_on_disconnected = std::move(handler);
}

std::vector<PublicKey> Transport::ConnectedPeers() const {
    std::lock_guard lk(m_impl->m_mu);
    std::vector<PublicKey> out;
    for (auto& [key, p] : m_impl->m_peers)
        if (p.conn) out.push_back(key);
    return out;
}

TransportStats Transport::Stats() const {
    std::lock_guard lk(m_impl->m_mu);
    TransportStats st = m_impl->m_stats;
    for (auto& [key, p] : m_impl->m_peers) {
        PeerStats ps = p.stats;
        ps.connected = p.conn != nullptr;
        ps.connections = p.conn ? 1 + p.extra.size() : 0;
        st.peers[key] = ps;
    }
    return st;
}

void Transport::SetFaults(FaultConfig faults) {
    std::lock_guard lk(m_impl->m_mu);
    m_impl->m_faults = std::move(faults);
    m_impl->m_rng = m_impl->m_faults.seed;
}

}  // namespace folio::net
