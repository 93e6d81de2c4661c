// The transport end to end: several Transports on 127.0.0.1, each on its own io thread, plus a raw
// TCP peer that speaks the protocol by hand to inject bad frames.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <set>

#include <node/log/log.h>

#include "test_util.h"

using namespace folio;
using namespace folio::net;
using namespace folio::net::test;

namespace {

// Starts nodes for `keys` (sorted ascending) with every node knowing every other. The largest key
// starts first: a node only dials larger keys, whose ports are then known.
std::vector<std::unique_ptr<Node>> StartMesh(const std::string& chain, const std::vector<KeyPair>& keys,
                                             const std::function<void(TransportConfig&)>& tweak = {}) {
    std::vector<std::unique_ptr<Node>> nodes(keys.size());
    std::vector<uint16_t> ports(keys.size(), 0);
    for (size_t i = keys.size(); i-- > 0;) {
        TransportConfig cfg = BaseConfig(chain, keys[i]);
        for (size_t j = 0; j < keys.size(); ++j)
            if (j != i) cfg.peers.push_back(PeerAddr{keys[j].pk, "127.0.0.1", ports[j]});
        if (tweak) tweak(cfg);
        nodes[i] = std::make_unique<Node>(std::move(cfg));
        ports[i] = nodes[i]->port();
    }
    return nodes;
}

bool AllConnected(const std::vector<std::unique_ptr<Node>>& nodes) {
    for (auto& n : nodes)
        if (n->t().ConnectedPeers().size() != nodes.size() - 1) return false;
    return true;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
}

// Two nodes a < b (a dials b); `tweak_a` adjusts a's config.
struct Pair {
    std::vector<KeyPair> keys;
    std::unique_ptr<Node> b, a;
};
Pair StartPair(const std::string& prefix, const std::function<void(TransportConfig&)>& tweak_a = {},
               const std::function<void(TransportConfig&)>& tweak_b = {}) {
    Pair p;
    p.keys = SortedKeys(prefix, 2);
    TransportConfig cb = BaseConfig("chain", p.keys[1]);
    cb.peers.push_back(PeerAddr{p.keys[0].pk, "127.0.0.1", 0});
    if (tweak_b) tweak_b(cb);
    p.b = std::make_unique<Node>(std::move(cb));
    TransportConfig ca = BaseConfig("chain", p.keys[0]);
    ca.peers.push_back(PeerAddr{p.keys[1].pk, "127.0.0.1", p.b->port()});
    if (tweak_a) tweak_a(ca);
    p.a = std::make_unique<Node>(std::move(ca));
    return p;
}

}  // namespace

TEST_CASE("transport: four nodes exchange messages both ways between all pairs") {
    auto keys = SortedKeys("mesh", 4);
    auto nodes = StartMesh("chain", keys);
    REQUIRE(WaitFor([&] { return AllConnected(nodes); }));
    for (size_t i = 0; i < 4; ++i)
        for (size_t j = 0; j < 4; ++j)
            if (i != j) nodes[i]->t().Send(keys[j].pk, B("m" + std::to_string(i) + std::to_string(j)));
    REQUIRE(WaitFor([&] {
        for (auto& n : nodes)
            if (n->GotCount() < 3) return false;
        return true;
    }));
    for (size_t j = 0; j < 4; ++j) {
        std::vector<std::string> want;
        for (size_t i = 0; i < 4; ++i)
            if (i != j) want.push_back(Short(keys[i].pk) + ":m" + std::to_string(i) + std::to_string(j));
        CHECK(Join(Sorted(nodes[j]->Got())) == Join(Sorted(want)));
    }
    // Broadcast reaches every connected peer; stats count what was sent and received.
    nodes[0]->t().Broadcast(B("all"));
    REQUIRE(WaitFor([&] { return nodes[1]->GotCount() == 4 && nodes[2]->GotCount() == 4 && nodes[3]->GotCount() == 4; }));
    CHECK(nodes[3]->Got().back() == Short(keys[0].pk) + ":all");
    // Sends are counted when the write completes, which may be just after delivery.
    REQUIRE(WaitFor([&] { return nodes[0]->t().Stats().peers[keys[1].pk].messages_sent == 2; }));
    auto st = nodes[0]->t().Stats();
    CHECK(st.peers[keys[1].pk].bytes_sent == 6);
    CHECK(st.peers[keys[1].pk].messages_received == 1);
    CHECK(st.peers[keys[1].pk].connected);
    CHECK(st.handshakes_ok == 3);
    // Exactly one connection per pair: every node saw each peer connect once.
    for (auto& n : nodes) CHECK(n->connects.load() == 3);
    // Unknown recipients and oversized messages are dropped and counted.
    nodes[0]->t().Send(TestKey("stranger").pk, B("x"));
    nodes[0]->t().Send(keys[1].pk, Bytes((16u << 20) - 16));
    st = nodes[0]->t().Stats();
    CHECK(st.dropped_unknown_peer == 1);
    CHECK(st.dropped_oversize == 1);
}

TEST_CASE("transport: a peer that does not know our address is dialled as a fallback") {
    // a < b: a would dial b, but a has no address for b (b joined later; a only allows its key).
    // After fallback_dial_ms without a connection, b dials a, and messages flow both ways.
    auto keys = SortedKeys("fallback", 2);
    TransportConfig ca = BaseConfig("chain", keys[0]);
    PublicKey bk = keys[1].pk;
    ca.is_allowed_peer = [bk](const PublicKey& k) { return k == bk; };
    Node a(std::move(ca));
    TransportConfig cb = BaseConfig("chain", keys[1]);
    cb.peers.push_back(PeerAddr{keys[0].pk, "127.0.0.1", a.port()});
    cb.fallback_dial_ms = 100;
    Node b(std::move(cb));
    REQUIRE(WaitFor([&] { return a.t().ConnectedPeers().size() == 1 && b.t().ConnectedPeers().size() == 1; }));
    a.t().Send(keys[1].pk, B("to-b"));
    b.t().Send(keys[0].pk, B("to-a"));
    REQUIRE(WaitFor([&] { return a.GotCount() == 1 && b.GotCount() == 1; }));
    CHECK(a.Got().back() == Short(keys[1].pk) + ":to-a");
    CHECK(b.Got().back() == Short(keys[0].pk) + ":to-b");
    CHECK(a.connects.load() == 1);  // one connection for the pair
}

TEST_CASE("transport: a key outside the allowed set is refused and cannot send") {
    // x < a, so x dials a; a allows only itself and `good`.
    auto keys = SortedKeys("refuse", 3);
    const KeyPair& x = keys[0];
    const KeyPair& a = keys[1];
    const KeyPair& good = keys[2];
    TransportConfig ca = BaseConfig("chain", a);
    ca.peers.push_back(PeerAddr{good.pk, "127.0.0.1", 1});
    ca.is_allowed_peer = [&](const PublicKey& k) { return k == good.pk; };
    Node na(std::move(ca));
    TransportConfig cx = BaseConfig("chain", x);
    cx.peers.push_back(PeerAddr{a.pk, "127.0.0.1", na.port()});
    Node nx(std::move(cx));
    REQUIRE(WaitFor([&] { return na.t().Stats().peers_refused >= 2; }));  // and x keeps retrying
    nx.t().Send(a.pk, B("let me in"));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    CHECK(na.GotCount() == 0);
    CHECK(na.t().ConnectedPeers().empty());
    CHECK(nx.t().ConnectedPeers().empty());  // x never got the ACCEPT frame
    CHECK(nx.connects.load() == 0);
    CHECK(na.connects.load() == 0);
    CHECK(nx.t().Stats().peers[a.pk].messages_sent == 0);
}

TEST_CASE("transport: the dialling side refuses a peer its allow-list rejects") {
    // a < x: a dials x, x proves its key, a refuses it before sending its own proof.
    auto keys = SortedKeys("refuse2", 2);
    const KeyPair& a = keys[0];
    const KeyPair& x = keys[1];
    TransportConfig cx = BaseConfig("chain", x);
    cx.peers.push_back(PeerAddr{a.pk, "127.0.0.1", 0});
    Node nx(std::move(cx));
    TransportConfig ca = BaseConfig("chain", a);
    ca.peers.push_back(PeerAddr{x.pk, "127.0.0.1", nx.port()});
    ca.is_allowed_peer = [](const PublicKey&) { return false; };
    Node na(std::move(ca));
    REQUIRE(WaitFor([&] { return na.t().Stats().peers_refused >= 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(na.t().ConnectedPeers().empty());
    CHECK(nx.t().ConnectedPeers().empty());
    CHECK(nx.t().Stats().handshakes_failed >= 1);  // x saw the initiator hang up
}

TEST_CASE("transport: a node of another chain id is refused") {
    auto keys = SortedKeys("chains", 2);
    TransportConfig cb = BaseConfig("chain-main", keys[1]);
    cb.peers.push_back(PeerAddr{keys[0].pk, "127.0.0.1", 0});
    Node nb(std::move(cb));
    TransportConfig ca = BaseConfig("chain-other", keys[0]);
    ca.peers.push_back(PeerAddr{keys[1].pk, "127.0.0.1", nb.port()});
    Node na(std::move(ca));
    // The dialler verifies the responder's signature over its own chain id: it fails.
    REQUIRE(WaitFor([&] { return na.t().Stats().handshakes_failed >= 2; }));
    na.t().Send(keys[1].pk, B("hello"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(nb.GotCount() == 0);
    CHECK(na.t().ConnectedPeers().empty());
    CHECK(nb.t().ConnectedPeers().empty());
    CHECK(nb.t().Stats().handshakes_ok == 0);
}

TEST_CASE("transport: a peer proving a different key than the one expected at that address is refused") {
    // x expects validator `b` at c's address; c answers with a valid proof of its own key.
    auto keys = SortedKeys("mitm", 3);
    const KeyPair& x = keys[0];
    const KeyPair& b = keys[1];
    const KeyPair& c = keys[2];
    TransportConfig cc = BaseConfig("chain", c);
    cc.peers.push_back(PeerAddr{x.pk, "127.0.0.1", 0});  // c would accept x
    Node nc(std::move(cc));
    TransportConfig cx = BaseConfig("chain", x);
    cx.peers.push_back(PeerAddr{b.pk, "127.0.0.1", nc.port()});
    cx.peers.push_back(PeerAddr{c.pk, "127.0.0.1", 1});  // c is allowed, just not at this address
    Node nx(std::move(cx));
    REQUIRE(WaitFor([&] { return nx.t().Stats().peers_refused >= 1; }));
    nx.t().Send(b.pk, B("for b only"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(nc.GotCount() == 0);
    CHECK(nx.t().ConnectedPeers().empty());
    CHECK(nc.t().ConnectedPeers().empty());
    CHECK(nx.t().Stats().peers[b.pk].messages_sent == 0);
}

namespace {

// A node `a` that accepts the raw peer `r` (r < a, so a never dials it).
struct RawSetup {
    std::vector<KeyPair> keys = SortedKeys("raw", 2);
    const KeyPair& r() const { return keys[0]; }
    const KeyPair& a() const { return keys[1]; }
    std::unique_ptr<Node> node;
    explicit RawSetup(const std::function<void(TransportConfig&)>& tweak = {}) {
        TransportConfig cfg = BaseConfig("chain", a());
        cfg.peers.push_back(PeerAddr{r().pk, "127.0.0.1", 0});
        if (tweak) tweak(cfg);
        node = std::make_unique<Node>(std::move(cfg));
    }
};

}  // namespace

TEST_CASE("transport: tampered ciphertext closes the connection") {
    RawSetup s;
    RawPeer raw;
    REQUIRE(raw.Connect(s.node->port()));
    REQUIRE(raw.Handshake("chain", s.r(), s.a().pk) == "");
    REQUIRE(WaitFor([&] { return s.node->IsConnectedTo(s.r().pk); }));
    Bytes good;
    REQUIRE(raw.tx.Seal(FrameType::DATA, B("genuine"), 1u << 20, good).ok());
    REQUIRE(raw.SendAll(good));
    REQUIRE(WaitFor([&] { return s.node->GotCount() == 1; }));
    Bytes bad;
    REQUIRE(raw.tx.Seal(FrameType::DATA, B("forged!"), 1u << 20, bad).ok());
    bad[6] ^= 0x20;  // flip one ciphertext bit
    REQUIRE(raw.SendAll(bad));
    CHECK(raw.WaitClosed(2000));
    CHECK(Join(s.node->Got()) == Short(s.r().pk) + ":genuine");
    CHECK(s.node->t().Stats().frames_rejected == 1);
    CHECK(WaitFor([&] { return s.node->disconnects.load() == 1; }));
    CHECK(s.node->t().ConnectedPeers().empty());
}

TEST_CASE("transport: an oversized frame closes the connection") {
    RawSetup s([](TransportConfig& c) { c.max_frame_bytes = 4096; });
    RawPeer raw;
    REQUIRE(raw.Connect(s.node->port()));
    REQUIRE(raw.Handshake("chain", s.r(), s.a().pk) == "");
    // A legal frame right at the limit is delivered; one byte more closes before any allocation.
    Bytes at_limit;
    REQUIRE(raw.tx.Seal(FrameType::DATA, Bytes(4096 - 17, 'z'), 4096, at_limit).ok());
    REQUIRE(raw.SendAll(at_limit));
    REQUIRE(WaitFor([&] { return s.node->GotCount() == 1; }));
    Bytes header = {0x01, 0x10, 0x00, 0x00};  // 4097
    REQUIRE(raw.SendAll(header));
    CHECK(raw.WaitClosed(2000));
    CHECK(s.node->t().Stats().frames_rejected == 1);
}

TEST_CASE("transport: a bad hello, a silent client and excess inbound connections are closed") {
    RawSetup s([](TransportConfig& c) {
        c.handshake_timeout_ms = 200;
        c.max_inbound = 2;
    });
    RawPeer garbage;
    REQUIRE(garbage.Connect(s.node->port()));
    REQUIRE(garbage.SendAll(Bytes(HELLO_SIZE, 0x41)));
    CHECK(garbage.WaitClosed(1000));
    CHECK(WaitFor([&] { return s.node->t().Stats().handshakes_failed == 1; }));

    RawPeer silent1, silent2, third;
    REQUIRE(silent1.Connect(s.node->port()));
    REQUIRE(silent2.Connect(s.node->port()));
    REQUIRE(WaitFor([&] { return true; }, 50));
    REQUIRE(third.Connect(s.node->port()));
    CHECK(third.WaitClosed(150));  // over the limit: closed at once, before the handshake timeout
    CHECK(s.node->t().Stats().inbound_over_limit == 1);
    CHECK(silent1.WaitClosed(1000));  // handshake timeout
    CHECK(silent2.WaitClosed(1000));
    CHECK(WaitFor([&] { return s.node->t().Stats().handshakes_failed == 3; }));
}

TEST_CASE("transport: keep-alive pings flow and an idle peer is disconnected") {
    RawSetup s([](TransportConfig& c) {
        c.ping_interval_ms = 50;
        c.idle_timeout_ms = 400;
    });
    RawPeer raw;
    REQUIRE(raw.Connect(s.node->port()));
    REQUIRE(raw.Handshake("chain", s.r(), s.a().pk) == "");
    auto ping = raw.ReadFrame(1000);
    REQUIRE(ping.has_value());
    CHECK(ping->type == FrameType::PING);
    // The raw peer never sends anything: the node gives up on it after idle_timeout_ms.
    CHECK(raw.WaitClosed(2000));
    CHECK(WaitFor([&] { return s.node->disconnects.load() == 1; }));
}

TEST_CASE("transport: reconnects after the accepting side restarts on the same port") {
    auto p = StartPair("restart");
    const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
    p.a->t().Send(b, B("before"));
    REQUIRE(WaitFor([&] { return p.b->GotCount() == 1; }));
    const uint16_t port = p.b->port();
    p.b.reset();  // Stop + destroy
    REQUIRE(WaitFor([&] { return p.a->disconnects.load() == 1; }));
    p.a->t().Send(b, B("while-down"));  // queued until the peer is back
    TransportConfig cb = BaseConfig("chain", p.keys[1]);
    cb.listen_port = port;
    cb.peers.push_back(PeerAddr{a, "127.0.0.1", 0});
    p.b = std::make_unique<Node>(std::move(cb));
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
    p.a->t().Send(b, B("after"));
    p.b->t().Send(a, B("back"));
    REQUIRE(WaitFor([&] { return p.b->GotCount() == 2 && p.a->GotCount() == 1; }));
    CHECK(Join(p.b->Got()) == Short(a) + ":while-down " + Short(a) + ":after");
    CHECK(Join(p.a->Got()) == Short(b) + ":back");
    CHECK(p.a->t().Stats().peers[b].connects == 2);
}

TEST_CASE("transport: reconnects after the dialling side restarts") {
    auto p = StartPair("restart2");
    const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b); }));
    const uint16_t bport = p.b->port();
    p.a.reset();
    REQUIRE(WaitFor([&] { return p.b->disconnects.load() == 1; }));
    TransportConfig ca = BaseConfig("chain", p.keys[0]);
    ca.peers.push_back(PeerAddr{b, "127.0.0.1", bport});
    p.a = std::make_unique<Node>(std::move(ca));
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
    p.b->t().Send(a, B("hi again"));
    REQUIRE(WaitFor([&] { return p.a->GotCount() == 1; }));
    CHECK(p.b->t().ConnectedPeers().size() == 1);
}

TEST_CASE("transport: two processes with one key (a twin) are both heard and both receive") {
    // t1 and t2 hold key a (< b), so both dial b. b keeps both connections: their messages are
    // delivered, and what b sends to a is written on both (docs/transport.md, connection policy).
    auto keys = SortedKeys("twin", 2);
    const PublicKey a = keys[0].pk, b = keys[1].pk;
    TransportConfig cb = BaseConfig("chain", keys[1]);
    cb.peers.push_back(PeerAddr{a, "127.0.0.1", 0});
    cb.max_connections_per_peer = 2;
    Node nb(std::move(cb));
    auto twin = [&] {
        TransportConfig c = BaseConfig("chain", keys[0]);
        c.peers.push_back(PeerAddr{b, "127.0.0.1", nb.port()});
        return std::make_unique<Node>(std::move(c));
    };
    auto t1 = twin();
    REQUIRE(WaitFor([&] { return t1->IsConnectedTo(b) && nb.IsConnectedTo(a); }));
    auto t2 = twin();
    REQUIRE(WaitFor([&] { return t2->IsConnectedTo(b) && nb.t().Stats().peers[a].connections == 2; }));
    t1->t().Send(b, B("one"));
    t2->t().Send(b, B("two"));
    REQUIRE(WaitFor([&] { return nb.GotCount() == 2; }));
    CHECK(Join(Sorted(nb.Got())) == Short(a) + ":one " + Short(a) + ":two");
    nb.t().Send(a, B("to-a"));
    REQUIRE(WaitFor([&] { return t1->GotCount() == 1 && t2->GotCount() == 1; }));
    CHECK(Join(t1->Got()) == Short(b) + ":to-a");
    CHECK(Join(t2->Got()) == Short(b) + ":to-a");
    CHECK(nb.connects.load() == 1);  // one key, one "connected" event
    CHECK(t1->disconnects.load() == 0);

    // A third process with the key: over the bound, b closes the oldest (t1's) connection.
    auto t3 = twin();
    REQUIRE(WaitFor([&] { return t1->disconnects.load() >= 1; }));
    REQUIRE(WaitFor([&] { return nb.t().Stats().peers[a].connections == 2; }));
    // t1 redials and in turn displaces the oldest; b always keeps two and stays connected.
    CHECK(nb.disconnects.load() == 0);

    // When every twin is gone, b reports the peer disconnected once.
    t1.reset();
    t2.reset();
    t3.reset();
    REQUIRE(WaitFor([&] { return nb.disconnects.load() == 1; }));
    CHECK(nb.t().ConnectedPeers().empty());
}

TEST_CASE("transport: a full send queue drops the newest messages and counts them") {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto p = StartPair("queue", [](TransportConfig& c) { c.send_queue_bytes = 1u << 20; });
    const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b); }));
    std::atomic<bool> blocked{false};
    p.b->SetHook([&](const PublicKey&, const Bytes&) {
        if (!blocked.exchange(true)) released.wait();  // b stops reading after its first message
    });
    const size_t N = 400, SIZE = 64 * 1024;  // 25 MiB, far more than the socket buffers hold
    for (size_t i = 0; i < N; ++i) {
        Bytes m(SIZE, 0);
        m[0] = static_cast<uint8_t>(i);
        m[1] = static_cast<uint8_t>(i >> 8);
        p.a->t().Send(b, std::move(m));
    }
    PeerStats st = p.a->t().Stats().peers[b];
    CHECK(st.dropped_queue_full > 0);
    CHECK(st.queued_bytes <= (1u << 20));
    release.set_value();
    const size_t accepted = N - st.dropped_queue_full;
    REQUIRE(WaitFor([&] { return p.b->GotCount() == accepted; }, 10000));
    REQUIRE(WaitFor([&] { return p.a->t().Stats().peers[b].queued_bytes == 0; }));
    st = p.a->t().Stats().peers[b];
    CHECK(st.messages_sent == accepted);
    CHECK(st.dropped_disconnect == 0);
    CHECK(p.b->t().Stats().peers[a].messages_received == accepted);
}

TEST_CASE("transport: fault hooks: a 100% drop link delivers nothing, the other direction works") {
    auto p = StartPair("drop", [](TransportConfig& c) { c.faults.drop_per_million = 1000000; });
    const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
    for (int i = 0; i < 20; ++i) p.a->t().Send(b, B("lost" + std::to_string(i)));
    for (int i = 0; i < 5; ++i) p.b->t().Send(a, B("ok" + std::to_string(i)));
    REQUIRE(WaitFor([&] { return p.a->GotCount() == 5; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(p.b->GotCount() == 0);
    CHECK(p.a->t().Stats().peers[b].dropped_fault == 20);
    CHECK(p.a->IsConnectedTo(b));  // the link is lossy, not closed
}

TEST_CASE("transport: fault hooks: delay with reorder delivers everything, out of order") {
    auto p = StartPair("delay", [](TransportConfig& c) {
        c.faults.seed = 7;
        c.faults.delay_ms_min = 0;
        c.faults.delay_ms_max = 60;
        c.faults.reorder = true;
    });
    const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
    const size_t N = 50;
    for (size_t i = 0; i < N; ++i) p.a->t().Send(b, B(std::to_string(100 + i)));
    REQUIRE(WaitFor([&] { return p.b->GotCount() == N; }));
    auto got = p.b->Got();
    CHECK(std::set<std::string>(got.begin(), got.end()).size() == N);
    CHECK(!std::is_sorted(got.begin(), got.end()));
    // Without reorder the same delays keep the order.
    FaultConfig f;
    f.seed = 7;
    f.delay_ms_max = 60;
    p.a->t().SetFaults(f);
    for (size_t i = 0; i < N; ++i) p.a->t().Send(b, B(std::to_string(200 + i)));
    REQUIRE(WaitFor([&] { return p.b->GotCount() == 2 * N; }));
    got = p.b->Got();
    CHECK(std::is_sorted(got.begin() + static_cast<std::ptrdiff_t>(N), got.end()));
    CHECK(p.a->t().Stats().peers[b].dropped_fault == 0);
}

TEST_CASE("transport: fault hooks: a link taken down and healed at runtime") {
    auto p = StartPair("link");
    const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
    FaultConfig down;
    down.link_up = [](const PublicKey&, const PublicKey&) { return false; };
    p.a->t().SetFaults(down);
    p.b->t().SetFaults(down);
    for (int i = 0; i < 5; ++i) {
        p.a->t().Send(b, B("x"));
        p.b->t().Send(a, B("y"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(p.a->GotCount() + p.b->GotCount() == 0);
    p.a->t().SetFaults({});
    p.b->t().SetFaults({});
    p.a->t().Send(b, B("healed-ab"));
    p.b->t().Send(a, B("healed-ba"));
    REQUIRE(WaitFor([&] { return p.a->GotCount() == 1 && p.b->GotCount() == 1; }));
    CHECK(Join(p.b->Got()) == Short(a) + ":healed-ab");
    CHECK(Join(p.a->Got()) == Short(b) + ":healed-ba");
    CHECK(p.a->t().Stats().peers[b].dropped_fault == 5);
    CHECK(p.a->connects.load() == 1);  // the connection stayed up through the partition
}

TEST_CASE("transport: link_up sees (self, destination) for one-way partitions") {
    auto keys = SortedKeys("oneway", 3);
    std::atomic<bool> cut{true};
    const PublicKey blocked = keys[2].pk;
    auto nodes = StartMesh("chain", keys, [&](TransportConfig& c) {
        c.faults.link_up = [&cut, blocked](const PublicKey&, const PublicKey& to) { return !(cut && to == blocked); };
    });
    REQUIRE(WaitFor([&] { return AllConnected(nodes); }));
    nodes[0]->t().Send(keys[1].pk, B("to1"));
    nodes[0]->t().Send(keys[2].pk, B("to2"));
    nodes[2]->t().Send(keys[0].pk, B("from2"));
    REQUIRE(WaitFor([&] { return nodes[1]->GotCount() == 1 && nodes[0]->GotCount() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(nodes[2]->GotCount() == 0);
    cut = false;
    nodes[0]->t().Send(keys[2].pk, B("to2-again"));
    REQUIRE(WaitFor([&] { return nodes[2]->GotCount() == 1; }));
    CHECK(Join(nodes[2]->Got()) == Short(keys[0].pk) + ":to2-again");
}

TEST_CASE("transport: several io threads and sender threads keep each sender's order") {
    auto keys = SortedKeys("threads", 2);
    TransportConfig cb = BaseConfig("chain", keys[1]);
    cb.peers.push_back(PeerAddr{keys[0].pk, "127.0.0.1", 0});
    Node nb(std::move(cb), 3);
    TransportConfig ca = BaseConfig("chain", keys[0]);
    ca.peers.push_back(PeerAddr{keys[1].pk, "127.0.0.1", nb.port()});
    Node na(std::move(ca), 3);
    REQUIRE(WaitFor([&] { return na.IsConnectedTo(keys[1].pk) && nb.IsConnectedTo(keys[0].pk); }));
    const int PER_THREAD = 500;
    std::vector<std::thread> senders;
    for (int t = 0; t < 4; ++t) {
        senders.emplace_back([&, t] {
            for (int i = 0; i < PER_THREAD; ++i) {
                std::string m = std::to_string(t) + "/" + std::to_string(10000 + i);
                if (t % 2 == 0) na.t().Send(keys[1].pk, B(m));
                else nb.t().Send(keys[0].pk, B(m));
                if (i % 100 == 0) (void)na.t().Stats();
            }
        });
    }
    for (auto& th : senders) th.join();
    REQUIRE(WaitFor([&] { return nb.GotCount() == 2 * PER_THREAD && na.GotCount() == 2 * PER_THREAD; }));
    // Per sender thread, messages arrive in the order they were sent.
    for (Node* n : {&na, &nb}) {
        std::map<std::string, std::vector<std::string>> by_thread;
        for (auto& g : n->Got()) {
            auto body = g.substr(g.find(':') + 1);
            by_thread[body.substr(0, body.find('/'))].push_back(body);
        }
        CHECK(by_thread.size() == 2);
        for (auto& [t, v] : by_thread) {
            CHECK(v.size() == size_t(PER_THREAD));
            CHECK(std::is_sorted(v.begin(), v.end()));
        }
    }
}

TEST_CASE("transport: Stop from inside a callback ends delivery") {
    auto p = StartPair("stopcb");
    const PublicKey b = p.keys[1].pk;
    REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b); }));
    std::atomic<int> after_stop{0};
    std::atomic<bool> stopped{false};
    p.b->SetHook([&](const PublicKey&, const Bytes& m) {
        if (stopped) ++after_stop;
        if (S(m) == "stop") {
            p.b->t().Stop();
            stopped = true;
        }
    });
    p.a->t().Send(b, B("one"));
    p.a->t().Send(b, B("stop"));
    for (int i = 0; i < 20; ++i) p.a->t().Send(b, B("late"));
    REQUIRE(WaitFor([&] { return stopped.load(); }));
    REQUIRE(WaitFor([&] { return p.a->disconnects.load() == 1; }));
    CHECK(after_stop.load() == 0);
    CHECK(Join(p.b->Got()) == Short(p.keys[0].pk) + ":one " + Short(p.keys[0].pk) + ":stop");
    CHECK(p.b->t().ConnectedPeers().empty());
}

TEST_CASE("transport: peers connecting and going away are logged (component net), a clean Stop is not") {
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink);
    log::Configure(log::Level::INFO, log::Format::TEXT, sink);
    std::string text;
    {
        auto p = StartPair("logged");
        const PublicKey a = p.keys[0].pk, b = p.keys[1].pk;
        REQUIRE(WaitFor([&] { return p.a->IsConnectedTo(b) && p.b->IsConnectedTo(a); }));
        p.b.reset();  // b stops: a sees the connection end
        REQUIRE(WaitFor([&] { return p.a->disconnects.load() == 1; }));
        p.a.reset();
        std::fflush(sink);
        std::rewind(sink);
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, sink)) > 0) text.append(buf, n);
        // a dialled b: a logs b connected (outbound), b logs a connected (inbound).
        CHECK(text.find("INFO  net: peer connected peer=" + b.hex() + " addr=127.0.0.1:") != std::string::npos);
        CHECK(text.find("INFO  net: peer connected peer=" + a.hex() + " addr=127.0.0.1:") != std::string::npos);
        const auto gone = text.find("INFO  net: peer disconnected peer=" + b.hex());
        REQUIRE(gone != std::string::npos);
        CHECK(text.find("reason=\"io error\" error=\"read: ", gone) != std::string::npos);
        // Each Stop closed its connections without a line; b's disconnect is the only one.
        CHECK(text.find("peer disconnected peer=" + a.hex()) == std::string::npos);
    }
    log::Configure(log::Level::INFO, log::Format::TEXT, stderr);
    std::fclose(sink);
}
