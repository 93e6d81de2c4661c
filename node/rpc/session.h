#pragma once
// A WebSocket connection as method handlers see it: the account it is bound to and a BOUNDED
// outgoing queue for server-initiated notifications. Handlers receive it in CallContext and may
// keep the shared_ptr (e.g. for a subscription); keep a weak_ptr where a cycle is possible.
//
// Queue policy (docs/rpc-protocol.md, "Slow consumers"): Notify() enqueues only while the queue
// holds fewer than `max_queue_bytes` bytes and `max_queue_messages` messages. When a message would
// exceed either, it is NOT queued, Notify returns OVERFLOW and the overflow listeners are called
// (once per episode; the episode ends when the queue drains to half the byte limit), so the
// subscription layer can end its subscriptions with NotifyFinal(), which may use a further
// reserve of `reserve_bytes`/`reserve_messages`. If even the reserve is exhausted the connection
// is closed. Responses to the client's own requests are always queued; the server stops reading
// the client's requests while the queue is over its byte limit.
//
// Thread-safety: every public member function may be called from any thread. Listeners run on
// the thread that triggered them (overflow: the Notify caller; close: the server thread that
// ended the connection, or the thread running RpcServer::Stop) with no lock held, so they may
// call back into the session. After the connection ends the session is inert:
// Notify returns CLOSED and all listeners have been released (which breaks handle cycles).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <node/core/keys.h>

namespace folio::rpc {

struct SessionLimits {
    size_t max_queue_bytes = 4u << 20;  // 4 MiB
    size_t max_queue_messages = 4096;
    size_t reserve_bytes = 64u << 10;  // room for final notices past the limit
    size_t reserve_messages = 64;
};

// Implemented by the server's WebSocket connection. Both calls are thread-safe and non-blocking.
class SessionTransport {
public:
    virtual ~SessionTransport() = default;
    virtual void WakeWriter() = 0;  // queued messages are waiting
    virtual void CloseTransport() = 0;
};

// The text of {"jsonrpc":"2.0","method":method,"params":{"result":result,"subscription": — a
// subscription notification up to its id, byte for byte as Notify writes it (keys in order);
// CloseSubscriptionNotification appends the quoted id and "}}".
std::string SubscriptionNotificationPrefix(std::string_view method, const nlohmann::json& result);
std::string CloseSubscriptionNotification(const std::string& prefix, std::string_view subscription);

class Session {
public:
    enum class NotifyResult { QUEUED, OVERFLOW, CLOSED };
    using Listener = std::function<void(Session&)>;

    struct QueueStats {
        size_t bytes = 0;           // queued now, including the message being written
        size_t messages = 0;
        size_t peak_bytes = 0;      // high-water mark over the session's life
        size_t peak_messages = 0;
        uint64_t refused = 0;       // Notify/NotifyFinal calls answered OVERFLOW
        uint64_t overflow_episodes = 0;
    };

    Session(uint64_t id, std::string remote, SessionLimits limits);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // A process-unique id (never reused while the server runs).
    uint64_t Id() const { return m_id; }
    // "ip:port" of the peer.
    const std::string& Remote() const { return m_remote; }
    // The account bound by auth_login (or a bearer token on the upgrade request).
    std::optional<Address> Account() const;
    // Binds the connection to `account` for its lifetime. False (and no change) if it is already
    // bound to a different account.
    bool BindAccount(const Address& account);

    // Queues the JSON-RPC notification {"jsonrpc":"2.0","method":method,"params":params}.
    NotifyResult Notify(std::string_view method, const nlohmann::json& params);
    // Like Notify, but may use the reserve; meant for a subscription's final stop notice. When the
    // reserve is exhausted too, the connection is closed and OVERFLOW returned.
    NotifyResult NotifyFinal(std::string_view method, const nlohmann::json& params);
    // Like Notify, for a notification already serialised (SubscriptionNotificationPrefix, then
    // CloseSubscriptionNotification): a fan-out serialises each event once, not once per
    // subscriber.
    NotifyResult NotifySerialized(std::string text);

    // Listener registration; the returned id is for RemoveListener. A close listener added after
    // the session closed is called at once.
    uint64_t AddOverflowListener(Listener listener);
    uint64_t AddCloseListener(Listener listener);
    void RemoveListener(uint64_t listener_id);

    // Starts a graceful close of the connection (WebSocket close frame).
    void Close();
    bool IsClosed() const;
    QueueStats Stats() const;

    // ---- Server side (used by the transport; not for handlers). ----
    void AttachTransport(std::weak_ptr<SessionTransport> transport);
    // Queues a response to a client request; never refused.
    void EnqueueResponse(std::string text);
    // The next message to write, or null if the queue is empty or a write is in flight.
    std::shared_ptr<const std::string> BeginWrite();
    // The in-flight message was written: removes it from the queue.
    void FinishWrite();
    // True while the queue is at or over its byte limit (the transport pauses reading).
    bool ShouldPauseReading() const;
    // The connection has ended: clears the queue, calls the close listeners once, drops all listeners.
    void MarkClosed();

private:
    enum class Kind { NORMAL, FINAL, RESPONSE };
    NotifyResult Enqueue(std::string text, Kind kind);
    void Wake();

    const uint64_t m_id;
    const std::string m_remote;
    const SessionLimits m_limits;

    mutable std::mutex m_mu;
    std::optional<Address> m_account;
    std::deque<std::shared_ptr<const std::string>> m_queue;
    size_t m_bytes = 0;
    bool m_in_flight = false;
    bool m_closed = false;   // the connection has ended
    bool m_closing = false;  // Close() was requested
    bool m_overflowed = false;
    QueueStats m_stats;
    uint64_t m_next_listener = 1;
    std::map<uint64_t, Listener> m_overflow_listeners;
    std::map<uint64_t, Listener> m_close_listeners;
    std::weak_ptr<SessionTransport> m_transport;
};

}  // namespace folio::rpc
