#include <node/rpc/session.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace folio::rpc {

namespace {
std::string NotificationText(std::string_view method, const nlohmann::json& params) {
    nlohmann::json n = {{"jsonrpc", "2.0"}, {"method", std::string(method)}, {"params", params}};
    return n.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::vector<Session::Listener> Values(const std::map<uint64_t, Session::Listener>& m) {
    std::vector<Session::Listener> out;
    out.reserve(m.size());
    for (const auto& [id, l] : m) out.push_back(l);
    return out;
}
}  // namespace

std::string SubscriptionNotificationPrefix(std::string_view method, const nlohmann::json& result) {
    // nlohmann::json writes object keys in order: jsonrpc, method, params; result, subscription.
    std::string out = R"({"jsonrpc":"2.0","method":)";
    out += nlohmann::json(std::string(method)).dump();
    out += R"(,"params":{"result":)";
    out += result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += R"(,"subscription":)";
    return out;
}

std::string CloseSubscriptionNotification(const std::string& prefix, std::string_view subscription) {
    std::string out;
    out.reserve(prefix.size() + subscription.size() + 8);
    out += prefix;
    out += nlohmann::json(std::string(subscription)).dump();
    out += "}}";
    return out;
}

Session::Session(uint64_t id, std::string remote, SessionLimits limits)
    : m_id(id), m_remote(std::move(remote)), m_limits(limits) {}

std::optional<Address> Session::Account() const {
    std::lock_guard lock(m_mu);
    return m_account;
}

bool Session::BindAccount(const Address& account) {
    std::lock_guard lock(m_mu);
    if (m_account && *m_account != account) return false;
    m_account = account;
    return true;
}

Session::NotifyResult Session::Notify(std::string_view method, const nlohmann::json& params) {
    return Enqueue(NotificationText(method, params), Kind::NORMAL);
}

Session::NotifyResult Session::NotifyFinal(std::string_view method, const nlohmann::json& params) {
    return Enqueue(NotificationText(method, params), Kind::FINAL);
}

Session::NotifyResult Session::NotifySerialized(std::string text) { return Enqueue(std::move(text), Kind::NORMAL); }

void Session::EnqueueResponse(std::string text) { (void)Enqueue(std::move(text), Kind::RESPONSE); }

Session::NotifyResult Session::Enqueue(std::string text, Kind kind) {
    std::vector<Listener> to_call;
    bool close = false;
    bool wake = false;
    bool refused = false;
    {
        std::lock_guard lock(m_mu);
        if (m_closed || m_closing) return NotifyResult::CLOSED;
        size_t max_bytes = m_limits.max_queue_bytes;
        size_t max_messages = m_limits.max_queue_messages;
        if (kind == Kind::FINAL) {
            max_bytes += m_limits.reserve_bytes;
            max_messages += m_limits.reserve_messages;
        }
        const size_t n = text.size();
        const bool fits = kind == Kind::RESPONSE ||
                          (n <= max_bytes && m_bytes <= max_bytes - n && m_queue.size() < max_messages);
        if (!fits) {
            refused = true;
            ++m_stats.refused;
            if (kind == Kind::FINAL) {
                close = true;
            } else if (!m_overflowed) {
                m_overflowed = true;
                ++m_stats.overflow_episodes;
                to_call = Values(m_overflow_listeners);
            }
        } else {
            m_queue.push_back(std::make_shared<const std::string>(std::move(text)));
            m_bytes += n;
            m_stats.peak_bytes = std::max(m_stats.peak_bytes, m_bytes);
            m_stats.peak_messages = std::max(m_stats.peak_messages, m_queue.size());
            wake = !m_in_flight;
        }
    }
    if (close) {
        Close();
        return NotifyResult::OVERFLOW;
    }
    if (refused) {
        for (auto& l : to_call) l(*this);
        return NotifyResult::OVERFLOW;
    }
    if (wake) Wake();
    return NotifyResult::QUEUED;
}

void Session::Wake() {
    std::shared_ptr<SessionTransport> t;
    {
        std::lock_guard lock(m_mu);
        t = m_transport.lock();
    }
    if (t) t->WakeWriter();
}

uint64_t Session::AddOverflowListener(Listener listener) {
    std::lock_guard lock(m_mu);
    const uint64_t id = m_next_listener++;
    if (!m_closed) m_overflow_listeners.emplace(id, std::move(listener));
    return id;
}

uint64_t Session::AddCloseListener(Listener listener) {
    uint64_t id = 0;
    {
        std::lock_guard lock(m_mu);
        id = m_next_listener++;
        if (!m_closed) {
            m_close_listeners.emplace(id, std::move(listener));
            return id;
        }
    }
    listener(*this);
    return id;
}

void Session::RemoveListener(uint64_t listener_id) {
    std::lock_guard lock(m_mu);
    m_overflow_listeners.erase(listener_id);
    m_close_listeners.erase(listener_id);
}

void Session::Close() {
    std::shared_ptr<SessionTransport> t;
    {
        std::lock_guard lock(m_mu);
        if (m_closed) return;
        m_closing = true;
        t = m_transport.lock();
    }
    if (t) t->CloseTransport();
}

bool Session::IsClosed() const {
    std::lock_guard lock(m_mu);
    return m_closed || m_closing;
}

Session::QueueStats Session::Stats() const {
    std::lock_guard lock(m_mu);
    QueueStats s = m_stats;
    s.bytes = m_bytes;
    s.messages = m_queue.size();
    return s;
}

void Session::AttachTransport(std::weak_ptr<SessionTransport> transport) {
    std::lock_guard lock(m_mu);
    m_transport = std::move(transport);
}

std::shared_ptr<const std::string> Session::BeginWrite() {
    std::lock_guard lock(m_mu);
    if (m_closed || m_in_flight || m_queue.empty()) return nullptr;
    m_in_flight = true;
    return m_queue.front();
}

void Session::FinishWrite() {
    std::lock_guard lock(m_mu);
    if (!m_in_flight) return;
    m_in_flight = false;
    if (m_queue.empty()) return;
    m_bytes -= m_queue.front()->size();
    m_queue.pop_front();
    if (m_overflowed && m_bytes <= m_limits.max_queue_bytes / 2) m_overflowed = false;
}

bool Session::ShouldPauseReading() const {
    std::lock_guard lock(m_mu);
    return m_bytes >= m_limits.max_queue_bytes;
}

void Session::MarkClosed() {
    std::vector<Listener> to_call;
    {
        std::lock_guard lock(m_mu);
        if (m_closed) return;
        m_closed = true;
        m_queue.clear();
        m_bytes = 0;
        to_call = Values(m_close_listeners);
        m_close_listeners.clear();
        m_overflow_listeners.clear();
        m_transport.reset();
    }
    for (auto& l : to_call) l(*this);
}

}  // namespace folio::rpc
