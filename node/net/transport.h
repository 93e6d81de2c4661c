#pragma once
// The validator-to-validator transport: moves opaque byte messages between validators over
// mutually authenticated, encrypted TCP channels (Boost.Asio + libsodium). The wire format, the
// handshake and the threat model are specified in docs/transport.md; the codec is node/net/wire.h.
//
// Connection policy: one connection per peer pair. For a peer listed in TransportConfig::peers,
// the node with the lexicographically smaller public key dials and the other accepts; an inbound
// connection from a peer this node is responsible for dialling is refused. Inbound connections are
// accepted from any key that `is_allowed_peer` accepts. Several authenticated connections with one
// key (a restarted peer whose old socket is not yet noticed, or two processes holding the same key)
// are all kept, up to `max_connections_per_peer` (then the oldest is closed): messages from every
// one of them are delivered, and every message sent to that key is written on each of them.
//
// Thread-safety: every public member function may be called from any thread, including from
// inside a callback. The io_context may be run by one or several threads. Callbacks are never
// invoked concurrently with each other (they are serialised by an internal lock) and never while
// an internal lock of the transport is held, so a callback may call Send/Broadcast/Stop. Callbacks
// must not block for long: while one runs, no other callback of this transport runs. With one io
// thread, the events of one peer arrive in order: connected, its messages, disconnected.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <node/core/bytes.h>
#include <node/core/keys.h>

namespace folio::net {

// A peer's identity and where to dial it.
struct PeerAddr {
    PublicKey key;
    std::string host;  // an IP literal or a host name
    uint16_t port = 0;
};

// Send-side fault injection for tests (kernel netem is not available). Applied to every message
// this node sends, at Send()/Broadcast() time, in this order: link_up, drop, delay. Handshakes and
// keep-alive pings are not affected, so a "down" link keeps its TCP connection.
struct FaultConfig {
    uint64_t seed = 0;               // seeds the splitmix64 generator used for drop and delay
    uint32_t drop_per_million = 0;   // probability of dropping each message, in millionths
    uint32_t delay_ms_min = 0;       // each message is held for a uniform delay in [min, max] ms
    uint32_t delay_ms_max = 0;       // 0 = no delay
    bool reorder = false;            // false: delayed messages keep their order per peer
    // false = drop every message from `from` (this node) to `to`. Empty = every link is up.
    // Called with an internal lock held: must be fast and must not call this Transport.
    std::function<bool(const PublicKey& from, const PublicKey& to)> link_up;
};

struct TransportConfig {
    std::string chain_id;            // part of the handshake transcript: other chains fail
    SecretKey key;                   // this node's validator key (its identity)
    std::string listen_host = "127.0.0.1";  // an IP literal; empty = do not listen
    uint16_t listen_port = 0;        // 0 = an ephemeral port (see ListenPort())
    std::vector<PeerAddr> peers;     // peers this node connects to (it dials those with a larger key)
    size_t max_frame_bytes = 16u << 20;   // largest encrypted frame (length field) accepted or sent;
                                          // the largest message is max_frame_bytes - 17
    size_t send_queue_bytes = 64u << 20;  // per peer: bytes queued, delayed or being written
    uint32_t reconnect_min_ms = 100;      // dial back-off: doubles per failure up to max, + jitter
    uint32_t reconnect_max_ms = 5000;
    // A configured peer with the larger key normally dials us. If no connection with it is up for
    // this long, we dial it ourselves: it may not know our address (a validator that joined by
    // governance is not in the others' peer lists).
    uint32_t fallback_dial_ms = 3000;
    uint32_t handshake_timeout_ms = 5000;  // connect + handshake must finish within this
    uint32_t ping_interval_ms = 2000;      // a PING is sent after this long without sending
    uint32_t idle_timeout_ms = 10000;      // the connection closes after this long without receiving
    size_t max_inbound = 64;               // inbound connections (handshaking or established)
    size_t max_connections_per_peer = 4;   // established connections kept per key (>= 1); 1 = a new
                                           // connection replaces the old one
    // Which keys may connect (the validator set or registered node list). Called on an io thread
    // with an internal lock held: must be fast and must not call this Transport. Empty = exactly
    // the keys listed in `peers`.
    std::function<bool(const PublicKey&)> is_allowed_peer;
    FaultConfig faults;
};

// Counters for one peer. Messages are counted once each; bytes are message (payload) bytes.
struct PeerStats {
    bool connected = false;
    size_t connections = 0;              // established connections with this key (> 1: see above)
    uint64_t messages_sent = 0;          // written to a socket (a copy on each connection counts)
    uint64_t bytes_sent = 0;
    uint64_t messages_received = 0;      // delivered to OnMessage
    uint64_t bytes_received = 0;
    uint64_t dropped_queue_full = 0;     // Send() found the per-peer queue full (newest dropped)
    uint64_t dropped_fault = 0;          // dropped by the fault hooks (link down or random drop)
    uint64_t dropped_disconnect = 0;     // being written when the connection broke
    uint64_t connects = 0;               // connections established
    uint64_t disconnects = 0;            // established connections lost
    size_t queued_bytes = 0;             // now queued, delayed or being written (the newest
                                         // connection's queue; copies for older ones not counted)
};

struct TransportStats {
    std::map<PublicKey, PeerStats> peers;
    uint64_t handshakes_ok = 0;
    uint64_t handshakes_failed = 0;      // bad message, bad signature (e.g. other chain), timeout, EOF
    uint64_t peers_refused = 0;          // authenticated but not allowed, unexpected key, or policy
    uint64_t inbound_over_limit = 0;     // closed at once because max_inbound was reached
    uint64_t frames_rejected = 0;        // oversized, failed authentication, or bad type: closed
    uint64_t dropped_unknown_peer = 0;   // Send() to a key that is neither configured nor seen
    uint64_t dropped_oversize = 0;       // Send() of a message larger than the frame limit
};

class Transport {
public:
    using MessageHandler = std::function<void(const PublicKey& from, Bytes msg)>;
    using PeerHandler = std::function<void(const PublicKey& peer)>;

    // Does no I/O. `io` must outlive this object and every handler it has pending. Throws
    // std::invalid_argument if the key or a peer entry is invalid.
    Transport(boost::asio::io_context& io, TransportConfig config);
    // Calls Stop().
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Binds the listener (throws boost::system::system_error if the address is taken or bad) and
    // starts dialling. Register the handlers before calling it. Call at most once.
    void Start();
    // Closes the listener and every connection and cancels timers; the port is free when it
    // returns. After Stop() returns no callback runs (one in progress on another thread is waited
    // for; if Stop is called from a callback, that callback finishes). Queued messages are lost.
    // Idempotent; the transport cannot be started again.
    void Stop();
    // The bound port (useful with listen_port = 0); 0 before Start().
    uint16_t ListenPort() const;
    // This node's public key.
    const PublicKey& Self() const;

    // Fire and forget. The message is queued for `to` (bounded by send_queue_bytes; on overflow
    // this newest message is dropped and counted) and written when a connection is up: a message
    // sent while the peer is disconnected waits in the queue until it reconnects. Messages to a key
    // that is neither in `peers` nor has ever connected are dropped and counted. Messages to one
    // peer are written in order (unless the fault hooks reorder them); messages being written
    // when a connection breaks are lost.
    void Send(const PublicKey& to, Bytes msg);
    // Send() to every peer connected now (disconnected peers do not get it).
    void Broadcast(const Bytes& msg);

    // Handlers; set them before Start(). Called on an io thread (see the class comment). Connected
    // fires when a key goes from no established connection to one, disconnected when its last
    // established connection is lost (extra connections with the same key come and go silently).
    void OnMessage(MessageHandler handler);
    void OnPeerConnected(PeerHandler handler);
    void OnPeerDisconnected(PeerHandler handler);

    // Keys with an established (authenticated and accepted) connection, sorted.
    std::vector<PublicKey> ConnectedPeers() const;
    // A snapshot of the counters.
    TransportStats Stats() const;
    // Replaces the fault configuration (and reseeds the generator); applies to later sends.
    void SetFaults(FaultConfig faults);

    struct Impl;

private:
    std::shared_ptr<Impl> m_impl;
};

}  // namespace folio::net
