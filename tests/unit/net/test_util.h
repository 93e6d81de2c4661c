#pragma once
// Helpers for the transport tests: deterministic keys, a node running a Transport on its own
// io_context thread, polling waits, and a raw TCP peer that speaks the wire protocol by hand.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <node/core/keys.h>
#include <node/net/transport.h>
#include <node/net/wire.h>

namespace folio::net::test {

struct KeyPair {
    SecretKey sk;
    PublicKey pk;
};
// A deterministic key pair per label.
KeyPair TestKey(const std::string& label);
// `n` deterministic key pairs sorted by public key (so index order = dial order).
std::vector<KeyPair> SortedKeys(const std::string& prefix, size_t n);
std::string Short(const PublicKey& k);  // first 4 hex digits, for readable test strings

// Polls `pred` every 5 ms until it holds or `timeout_ms` passes; returns its last value.
bool WaitFor(const std::function<bool()>& pred, int timeout_ms = 5000);

// Small timeouts so the suite runs fast.
TransportConfig BaseConfig(const std::string& chain, const KeyPair& key);

// A Transport on its own io_context thread, recording what it receives.
class Node {
public:
    // Runs the io_context on `threads` threads.
    explicit Node(TransportConfig cfg, int threads = 1);
    ~Node();
    Transport& t() { return *m_t; }
    uint16_t port() const { return m_port; }
    const PublicKey& key() const { return m_key; }
    // Received messages as "<from>:<text>" in arrival order.
    std::vector<std::string> Got() const;
    size_t GotCount() const;
    bool IsConnectedTo(const PublicKey& k) const;
    // Replaces the message handler's extra hook (runs after recording). Set before traffic.
    void SetHook(std::function<void(const PublicKey&, const Bytes&)> hook);
    std::atomic<int> connects{0}, disconnects{0};

private:
    boost::asio::io_context m_io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_guard;
    std::unique_ptr<Transport> m_t;
    std::vector<std::thread> m_threads;
    uint16_t m_port = 0;
    PublicKey m_key;
    mutable std::mutex m_mu;
    std::vector<std::string> m_got;
    std::function<void(const PublicKey&, const Bytes&)> m_hook;
};

Bytes B(const std::string& s);
std::string S(const Bytes& b);

// A hand-driven TCP client (blocking POSIX socket with poll timeouts).
class RawPeer {
public:
    RawPeer() = default;
    ~RawPeer();
    bool Connect(uint16_t port);
    bool SendAll(ByteView data);
    std::optional<Bytes> ReadExact(size_t n, int timeout_ms = 2000);
    // Reads and discards until the other side closes; true if it closed within the timeout.
    bool WaitClosed(int timeout_ms);
    // The initiator's side of the handshake, up to and including the responder's ACCEPT frame.
    // Returns "" on success or the step that failed.
    std::string Handshake(const std::string& chain, const KeyPair& me, const PublicKey& expected);
    // Reads one frame and decrypts it with rx.
    std::optional<Frame> ReadFrame(int timeout_ms = 2000);
    FrameCipher tx, rx;

private:
    int m_fd = -1;
};

}  // namespace folio::net::test
