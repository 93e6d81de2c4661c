#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <node/core/hash.h>

namespace folio::net::test {

KeyPair TestKey(const std::string& label) {
    KeyPair kp;
    kp.sk = Sha256Of("folio/net/test-key/" + label);
    kp.pk = *DerivePublicKey(kp.sk);
    return kp;
}

std::vector<KeyPair> SortedKeys(const std::string& prefix, size_t n) {
    std::vector<KeyPair> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(TestKey(prefix + std::to_string(i)));
    std::sort(keys.begin(), keys.end(), [](const KeyPair& a, const KeyPair& b) { return a.pk < b.pk; });
    return keys;
}

std::string Short(const PublicKey& k) { return k.hex().substr(0, 4); }

bool WaitFor(const std::function<bool()>& pred, int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

TransportConfig BaseConfig(const std::string& chain, const KeyPair& key) {
    TransportConfig cfg;
    cfg.chain_id = chain;
    cfg.key = key.sk;
    cfg.listen_host = "127.0.0.1";
    cfg.listen_port = 0;
    cfg.reconnect_min_ms = 20;
    cfg.reconnect_max_ms = 200;
    cfg.handshake_timeout_ms = 1000;
    cfg.ping_interval_ms = 200;
    cfg.idle_timeout_ms = 2000;
    return cfg;
}

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string S(const Bytes& b) { return std::string(b.begin(), b.end()); }

Node::Node(TransportConfig cfg, int threads) : m_guard(boost::asio::make_work_guard(m_io)) {
    m_key = *DerivePublicKey(cfg.key);
    m_t = std::make_unique<Transport>(m_io, std::move(cfg));
    m_t->OnMessage([this](const PublicKey& from, Bytes msg) {
        std::function<void(const PublicKey&, const Bytes&)> hook;
        {
            std::lock_guard lk(m_mu);
            m_got.push_back(Short(from) + ":" + S(msg));
            hook = m_hook;
        }
        if (hook) hook(from, msg);
    });
    m_t->OnPeerConnected([this](const PublicKey&) { ++connects; });
    m_t->OnPeerDisconnected([this](const PublicKey&) { ++disconnects; });
    m_t->Start();
    m_port = m_t->ListenPort();
    for (int i = 0; i < threads; ++i) m_threads.emplace_back([this] { m_io.run(); });
}

Node::~Node() {
    m_t->Stop();
    m_guard.reset();
    m_io.stop();
    for (auto& th : m_threads) th.join();
    m_t.reset();
}

std::vector<std::string> Node::Got() const {
    std::lock_guard lk(m_mu);
    return m_got;
}

size_t Node::GotCount() const {
    std::lock_guard lk(m_mu);
    return m_got.size();
}

bool Node::IsConnectedTo(const PublicKey& k) const {
    auto peers = m_t->ConnectedPeers();
    return std::find(peers.begin(), peers.end(), k) != peers.end();
}

void Node::SetHook(std::function<void(const PublicKey&, const Bytes&)> hook) {
    std::lock_guard lk(m_mu);
    m_hook = std::move(hook);
}

RawPeer::~RawPeer() {
    if (m_fd >= 0) ::close(m_fd);
}

bool RawPeer::Connect(uint16_t port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (m_fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(m_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

bool RawPeer::SendAll(ByteView data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(m_fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

std::optional<Bytes> RawPeer::ReadExact(size_t n, int timeout_ms) {
    Bytes out(n);
    size_t off = 0;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (off < n) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd pfd{m_fd, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
        ssize_t r = ::recv(m_fd, out.data() + off, n - off, 0);
        if (r <= 0) return std::nullopt;
        off += static_cast<size_t>(r);
    }
    return out;
}

bool RawPeer::WaitClosed(int timeout_ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    uint8_t buf[4096];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd pfd{m_fd, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
        ssize_t r = ::recv(m_fd, buf, sizeof buf, 0);
        if (r == 0) return true;
        if (r < 0) return errno == ECONNRESET;
    }
}

std::string RawPeer::Handshake(const std::string& chain, const KeyPair& me, const PublicKey& expected) {
    auto eph = NewEphemeral();
    if (!SendAll(EncodeHello(Hello{eph.pk}))) return "send hello";
    auto resp_bytes = ReadExact(RESPONSE_SIZE);
    if (!resp_bytes) return "read response";
    auto resp = DecodeResponse(*resp_bytes);
    if (!resp) return "decode response";
    if (!VerifyAuth(resp->auth, chain, eph.pk, resp->eph, Role::RESPONDER)) return "verify response";
    if (resp->auth.key != expected) return "unexpected key";
    auto keys = DeriveSessionKeys(chain, eph.sk, resp->eph, eph.pk, resp->eph, me.pk, resp->auth.key);
    if (!keys) return "derive";
    auto auth = MakeAuth(me.sk, chain, eph.pk, resp->eph, Role::INITIATOR);
    if (!SendAll(EncodeAuth(*auth))) return "send auth";
    tx = FrameCipher(keys->i2r);
    rx = FrameCipher(keys->r2i);
    auto accept = ReadFrame();
    if (!accept) return "read accept";
    if (accept->type != FrameType::ACCEPT) return "not accept";
    return "";
}

std::optional<Frame> RawPeer::ReadFrame(int timeout_ms) {
    auto hdr = ReadExact(FRAME_HEADER_SIZE, timeout_ms);
    if (!hdr) return std::nullopt;
    auto len = ParseFrameLength(*hdr, 1u << 24);
    if (!len) return std::nullopt;
    auto ct = ReadExact(*len, timeout_ms);
    if (!ct) return std::nullopt;
    auto f = rx.Open(*hdr, *ct);
    if (!f) return std::nullopt;
    return std::move(*f);
}

}  // namespace folio::net::test
