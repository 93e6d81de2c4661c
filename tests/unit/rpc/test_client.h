#pragma once
// Minimal blocking JSON-RPC clients for the rpc tests (HTTP and WebSocket, optional TLS). Each
// operation runs on the client's own io_context with a deadline, so a broken server fails a test
// instead of hanging it. Not thread-safe; one client per thread.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace folio::rpc::test {

struct HttpReply {
    int status = 0;
    std::string body;
    std::string content_type;
    bool keep_alive = false;
    nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// HTTP/1.1 client over one keep-alive connection (reconnects when the server closed it).
class RpcTestClient {
public:
    explicit RpcTestClient(uint16_t port, bool tls = false,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~RpcTestClient();
    RpcTestClient(const RpcTestClient&) = delete;
    RpcTestClient& operator=(const RpcTestClient&) = delete;

    // Connects now (normally done lazily). Throws on failure.
    void Connect();
    HttpReply Post(const std::string& body, const std::string& bearer = "", const std::string& target = "/");
    HttpReply Get(const std::string& target);
    // POSTs {"jsonrpc":"2.0","id":1,"method":..,"params":..} and returns the parsed response.
    nlohmann::json Call(const std::string& method, const nlohmann::json& params = nlohmann::json::object(),
                        const std::string& bearer = "");
    void Close();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// WebSocket client on /ws.
class WsTestClient {
public:
    explicit WsTestClient(uint16_t port, const std::string& bearer = "", bool tls = false,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~WsTestClient();
    WsTestClient(const WsTestClient&) = delete;
    WsTestClient& operator=(const WsTestClient&) = delete;

    void Send(const std::string& text);
    // The next message; throws on timeout or close (the message names the close reason/code).
    std::string Read();
    // Sends a request with a fresh id and reads until its response; notifications read meanwhile
    // are kept for NextNotification().
    nlohmann::json Call(const std::string& method, const nlohmann::json& params = nlohmann::json::object());
    nlohmann::json NextNotification();
    // The close code the server sent (0 if none seen yet).
    int CloseCode() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace folio::rpc::test

namespace folio::rpc::test {

struct RawReply {
    std::string received;  // everything the server sent
    bool closed = false;   // the server closed the connection before the deadline
};
// Connects over plain TCP (from the local address `from`, e.g. "127.0.0.2", if given), sends
// `data`, and reads until the server closes or `wait` elapses.
RawReply RawExchange(uint16_t port, const std::string& data, std::chrono::milliseconds wait,
                     const std::string& from = "");
// True if a TLS handshake capped at TLS 1.2 succeeds against the server.
bool Tls12HandshakeSucceeds(uint16_t port);

}  // namespace folio::rpc::test
