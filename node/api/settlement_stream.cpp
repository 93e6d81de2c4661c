#include <node/api/settlement_stream.h>

#include <algorithm>

#include <node/api/json_render.h>
#include <node/api/method_support.h>
#include <node/core/amount.h>
#include <node/core/merkle.h>

namespace folio::api {

using rpc::Access;
using rpc::CallContext;

namespace {

json Money(int64_t amount, const std::string& cur) {
    auto c = FindCurrency(cur);
    return {{"amount", c ? FormatAmount(amount, *c) : std::to_string(amount)}, {"currency", cur}};
}

SettlementFilter ParseFilter(const json& params) {
    SettlementFilter f;
    if (!params.is_object() || !params.contains("filter") || params.at("filter").is_null()) return f;
    const json& j = params.at("filter");
    if (!j.is_object()) throw RpcError(ErrorCode::INVALID_PARAMS, "filter must be an object");
    static const std::vector<std::string> KINDS = {"payout_instruction", "payout_confirmed", "payout_failed",
                                                   "payout_expired",     "tax_withheld",     "deposit_credited",
                                                   "aml_held",           "aml_blocked",      "aml_released",
                                                   "aml_rejected"};
    if (j.contains("kinds")) {
        if (!j.at("kinds").is_array()) throw RpcError(ErrorCode::INVALID_PARAMS, "filter.kinds must be an array");
        for (const json& k : j.at("kinds")) {
            if (!k.is_string() || std::find(KINDS.begin(), KINDS.end(), k.get<std::string>()) == KINDS.end())
                throw RpcError(ErrorCode::INVALID_PARAMS, "unknown event kind in filter.kinds");
            f.kinds.push_back(k.get<std::string>());
        }
    }
    const rpc::Params filter = ApiParams(j);
    f.payee = filter.OptAddress("payee");
    f.gateway = filter.OptAddress("gateway");
    if (filter.Has("currency")) f.currency = filter.String("currency");
    return f;
}

bool Matches(const SettlementFilter& f, const state::SettlementEvent& e) {
    if (!f.kinds.empty() && std::find(f.kinds.begin(), f.kinds.end(), e.kind) == f.kinds.end()) return false;
    if (f.payee && e.payee != *f.payee) return false;
    if (f.gateway && e.gateway != *f.gateway) return false;
    if (!f.currency.empty() && e.currency != f.currency) return false;
    return true;
}

}  // namespace

json SettlementEventJson(const state::SettlementEvent& e) {
    json j = {{"seq", e.seq},
              {"id", e.id.hex()},
              {"height", e.height},
              {"block_hash", e.block_hash.hex()},
              {"tx", e.tx.hex()},
              {"kind", e.kind},
              {"payout_id", e.payout_id ? json(e.payout_id) : json(nullptr)},
              {"payee", e.payee.IsZero() ? json(nullptr) : json(e.payee.hex())},
              {"gateway", e.gateway.IsZero() ? json(nullptr) : json(e.gateway.hex())},
              {"amount", Money(e.amount, e.currency)}};
    if (e.rate_id) {
        j["target"] = Money(e.target_amount, e.target_currency);
        j["rate"] = {{"id", e.rate_id}, {"num", std::to_string(e.rate_num)}, {"den", std::to_string(e.rate_den)}};
    }
    if (!e.reference.empty()) j["reference"] = e.reference;
    if (!e.reason.empty()) j["reason"] = e.reason;
    if (e.expires_ms) j["expires_ms"] = e.expires_ms;
    if (e.hold_id) {
        j["hold_id"] = e.hold_id;
        j["hold_kind"] = e.hold_kind;
        if (!e.recipient.IsZero()) j["recipient"] = e.recipient.hex();
        if (!e.decided_by.IsZero()) {
            j["decided_by"] = e.decided_by.hex();
            j["note"] = e.note;
        }
    }
    if (e.kind == "tax_withheld") {
        j["jurisdiction"] = e.jurisdiction;
        j["tax_account"] = e.tax_account.hex();
        j["gross"] = Money(e.gross, e.currency);
    }
    j["tx_index"] = e.tx_index;
    j["event_index"] = e.event_index;
    return j;
}

SettlementStream::SettlementStream(Node& node, StreamLimits limits) : m_node(node), m_limits(limits) {
    m_thread = std::thread([this] { Pump(); });
}

SettlementStream::~SettlementStream() { Stop(); }

void SettlementStream::Stop() {
    {
        std::lock_guard lock(m_mu);
        if (m_stop) return;
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

SettlementStream::Stats SettlementStream::GetStats() {
    Stats st;
    {
        std::lock_guard lock(m_mu);
        for (const auto& [id, s] : m_subs) ++(s.blocks ? st.block_subscriptions : st.settlement_subscriptions);
    }
    st.settlement_stops = m_settlement_stops.load();
    st.block_stops = m_block_stops.load();
    st.notifications = m_notifications.load();
    return st;
}

void SettlementStream::Wake() {
    {
        std::lock_guard lock(m_mu);
        m_dirty = true;
    }
    m_cv.notify_all();
}

bool SettlementStream::Visible(const state::SettlementEvent& e, const std::optional<Address>& account, bool overseer,
                               bool compliance) const {
    if (overseer || (compliance && e.hold_id != 0)) return true;
    if (!account) return false;
    return e.gateway == *account || e.payee == *account;
}

void SettlementStream::Pump() {
    std::unique_lock lock(m_mu);
    while (!m_stop) {
        m_cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return m_stop || m_dirty; });
        if (m_stop) break;
        m_dirty = false;
        // Work on a copy of the cursors without holding the lock while notifying.
        std::vector<Sub> subs;
        for (const auto& [id, s] : m_subs) subs.push_back(s);
        lock.unlock();
        uint64_t next = m_node.NextSettlementSeq();
        std::vector<std::pair<uint64_t, uint64_t>> advanced;  // id -> cursor
        std::vector<uint64_t> ended;
        bool more = false;
        uint64_t head = m_node.height();
        // Each event (and header) is read and serialised once per round, however many subscribers
        // get it; a delivery only appends the subscription id.
        std::map<uint64_t, std::pair<state::SettlementEvent, std::string>> round;
        std::map<uint64_t, std::string> headers;
        for (Sub& s : subs) {
            auto session = s.session.lock();
            if (!session || session->IsClosed()) {
                ended.push_back(s.id);
                continue;
            }
            if (s.blocks) {
                bool stop = false;
                size_t budget = 2000;
                while (s.cursor <= head && budget-- > 0) {
                    auto cached = headers.find(s.cursor);
                    if (cached == headers.end()) {
                        auto h = m_node.store().Header(s.cursor);
                        if (!h) break;
                        cached = headers
                                     .emplace(s.cursor, rpc::SubscriptionNotificationPrefix("chain_subscription",
                                                                                            HeaderJson(*h)))
                                     .first;
                    }
                    auto r = session->NotifySerialized(
                        rpc::CloseSubscriptionNotification(cached->second, std::to_string(s.id)));
                    if (r != rpc::Session::NotifyResult::QUEUED) {
                        if (r == rpc::Session::NotifyResult::OVERFLOW) {
                            (void)session->NotifyFinal("chain_subscription",
                                                       {{"subscription", std::to_string(s.id)},
                                                        {"result", {{"stop", "slow_consumer"}, {"next_height", s.cursor}}}});
                            ++m_block_stops;
                        }
                        stop = true;
                        break;
                    }
                    ++m_notifications;
                    ++s.cursor;
                }
                if (stop) ended.push_back(s.id);
                else advanced.emplace_back(s.id, s.cursor);
                if (!stop && s.cursor <= head) more = true;
                continue;
            }
            size_t budget = 2000;  // per round, so one subscriber cannot starve the others
            bool stop = false;
            while (s.cursor < next && budget-- > 0) {
                auto cached = round.find(s.cursor);
                if (cached == round.end()) {
                    auto ev = m_node.SettlementEventAt(s.cursor);
                    if (!ev) {
                        // Pruned under a subscriber that fell behind the node's retention: it
                        // is told so (and where the node's events now begin), not left waiting.
                        if (const uint64_t first = m_node.FirstSettlementSeq(); s.cursor < first) {
                            (void)session->NotifyFinal("settlement_subscription",
                                                       {{"subscription", std::to_string(s.id)},
                                                        {"result", {{"stop", "pruned"}, {"next_seq", first}}}});
                            ++m_settlement_stops;
                            stop = true;
                        }
                        break;
                    }
                    std::string prefix =
                        rpc::SubscriptionNotificationPrefix("settlement_subscription", SettlementEventJson(*ev));
                    cached = round.emplace(s.cursor, std::make_pair(std::move(*ev), std::move(prefix))).first;
                }
                const state::SettlementEvent* e = &cached->second.first;
                if (Visible(*e, s.account, s.overseer, s.compliance) && Matches(s.filter, *e)) {
                    auto r = session->NotifySerialized(
                        rpc::CloseSubscriptionNotification(cached->second.second, std::to_string(s.id)));
                    if (r != rpc::Session::NotifyResult::QUEUED) {
                        if (r == rpc::Session::NotifyResult::OVERFLOW) {
                            (void)session->NotifyFinal("settlement_subscription",
                                                       {{"subscription", std::to_string(s.id)},
                                                        {"result", {{"stop", "slow_consumer"}, {"next_seq", s.cursor}}}});
                            ++m_settlement_stops;
                        }
                        stop = true;
                        break;
                    }
                    ++m_notifications;
                }
                ++s.cursor;
            }
            if (stop) ended.push_back(s.id);
            else advanced.emplace_back(s.id, s.cursor);
            if (!stop && s.cursor < next) more = true;
        }
        lock.lock();
        for (const auto& [id, cursor] : advanced)
            if (auto it = m_subs.find(id); it != m_subs.end() && it->second.cursor < cursor) it->second.cursor = cursor;
        for (uint64_t id : ended) m_subs.erase(id);
        if (more) m_dirty = true;
    }
}

std::string SettlementStream::AddSub(Sub s) {
    auto session = s.session.lock();
    std::lock_guard lock(m_mu);
    size_t mine = 0;
    for (const auto& [sid, other] : m_subs)
        if (auto o = other.session.lock(); o && o == session) ++mine;
    if (mine >= m_limits.subscriptions_per_session)
        throw RpcError(ErrorCode::LIMIT_EXCEEDED,
                       "at most " + std::to_string(m_limits.subscriptions_per_session) + " subscriptions per connection");
    s.id = m_next_id++;
    uint64_t id = s.id;
    m_subs[id] = std::move(s);
    m_dirty = true;
    m_cv.notify_all();
    return std::to_string(id);
}

bool SettlementStream::RemoveSub(const json& params, const rpc::CallContext& ctx, bool blocks) {
    std::string sid = ApiParams(params).String("subscription");
    uint64_t id = 0;
    try {
        id = std::stoull(sid);
    } catch (...) {
        throw RpcError(ErrorCode::INVALID_PARAMS, "unknown subscription");
    }
    std::lock_guard lock(m_mu);
    auto it = m_subs.find(id);
    if (it == m_subs.end() || it->second.blocks != blocks || it->second.session.lock() != ctx.session) return false;
    m_subs.erase(it);
    return true;
}

void SettlementStream::Register(rpc::RpcServer& server) {
    server.Register(
        "settlement_events",
        [this](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            uint64_t from = args.OptUint64("from_seq").value_or(1);
            uint64_t limit = args.OptUint64("limit").value_or(100);
            if (from == 0) throw RpcError(ErrorCode::INVALID_PARAMS, "from_seq starts at 1");
            if (from < m_node.FirstSettlementSeq())
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE,
                               "settlement events before seq " + std::to_string(m_node.FirstSettlementSeq()) +
                                   " are not held by this node (pruned, or it joined by state sync; ask an archive node)",
                               {{"first_seq", m_node.FirstSettlementSeq()}});
            if (limit == 0 || limit > m_limits.max_page)
                throw RpcError(ErrorCode::LIMIT_EXCEEDED, "limit must be 1.." + std::to_string(m_limits.max_page));
            SettlementFilter f = ParseFilter(params);
            bool overseer = IsOverseer(m_node, ctx.account);
            bool compliance = HasRoleAt(m_node, ctx.account, protocol::Role::COMPLIANCE);
            uint64_t next = m_node.NextSettlementSeq();
            json out = json::array();
            uint64_t seq = from;
            // Scan at most 10x the page so a caller who sees few events still gets a bounded answer.
            for (uint64_t scanned = 0; seq < next && out.size() < limit && scanned < limit * 10; ++seq, ++scanned) {
                auto e = m_node.SettlementEventAt(seq);
                if (!e) break;
                if (Visible(*e, ctx.account, overseer, compliance) && Matches(f, *e)) out.push_back(SettlementEventJson(*e));
            }
            return json{{"events", out}, {"next_seq", seq}, {"latest_seq", next - 1}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "settlement_subscribe",
        [this](const json& params, CallContext& ctx) {
            if (!ctx.session) throw RpcError(ErrorCode::METHOD_NOT_SUPPORTED, "subscriptions need a WebSocket connection (/ws)");
            SettlementFilter f = ParseFilter(params);
            uint64_t from = ApiParams(params).OptUint64("from_seq").value_or(m_node.NextSettlementSeq());
            if (from == 0) throw RpcError(ErrorCode::INVALID_PARAMS, "from_seq starts at 1");
            if (from < m_node.FirstSettlementSeq())
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE,
                               "settlement events before seq " + std::to_string(m_node.FirstSettlementSeq()) +
                                   " are not held by this node (pruned, or it joined by state sync; ask an archive node)",
                               {{"first_seq", m_node.FirstSettlementSeq()}});
            std::optional<Address> account = ctx.account ? ctx.account : ctx.session->Account();
            Sub s;
            s.session = ctx.session;
            s.cursor = from;
            s.filter = std::move(f);
            s.account = account;
            s.overseer = IsOverseer(m_node, account);
            s.compliance = HasRoleAt(m_node, account, protocol::Role::COMPLIANCE);
            return json(AddSub(std::move(s)));
        },
        Access::AUTHENTICATED);

    server.Register(
        "chain_subscribe",
        [this](const json&, CallContext& ctx) {
            if (!ctx.session) throw RpcError(ErrorCode::METHOD_NOT_SUPPORTED, "subscriptions need a WebSocket connection (/ws)");
            Sub s;
            s.session = ctx.session;
            s.cursor = m_node.height() + 1;
            s.blocks = true;
            return json(AddSub(std::move(s)));
        },
        Access::PUBLIC);

    server.Register(
        "chain_unsubscribe",
        [this](const json& params, CallContext& ctx) { return json(RemoveSub(params, ctx, true)); },
        Access::PUBLIC);

    server.Register(
        "settlement_unsubscribe",
        [this](const json& params, CallContext& ctx) { return json(RemoveSub(params, ctx, false)); },
        Access::AUTHENTICATED);

    server.Register(
        "settlement_proof",
        [this](const json& params, CallContext& ctx) {
            uint64_t seq = ApiParams(params).Uint64("seq");
            auto e = m_node.SettlementEventAt(seq);
            if (!e) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no settlement event " + std::to_string(seq));
            if (!Visible(*e, ctx.account, IsOverseer(m_node, ctx.account), HasRoleAt(m_node, ctx.account, protocol::Role::COMPLIANCE)))
                throw RpcError(ErrorCode::FORBIDDEN, "the event is not addressed to this account");
            auto block = m_node.store().GetBlock(e->height);
            auto receipts = m_node.store().GetReceipts(e->height);
            auto cert = m_node.store().GetCommitCert(e->height);
            if (!block || e->tx_index >= receipts.size())
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "block " + std::to_string(e->height) + " is not stored");
            std::vector<Hash256> leaves;
            for (const auto& r : receipts) leaves.push_back(Sha256Of(protocol::EncodeReceipt(r)));
            auto proof = MerkleProve(leaves, e->tx_index);
            json path = json::array();
            for (const Hash256& h : proof.path) path.push_back(h.hex());
            // The validator-set hand-offs from genesis to the set that certifies this block, so
            // a client trusting only the genesis set can verify the commit after a change.
            json handoffs = HandoffsJson(m_node, e->height);
            return json{{"event", SettlementEventJson(*e)},
                        {"header", ToHex(protocol::EncodeHeader(block->header))},
                        {"receipt", ToHex(protocol::EncodeReceipt(receipts[e->tx_index]))},
                        {"receipt_index", e->tx_index},
                        {"receipt_count", receipts.size()},
                        {"receipt_proof", path},
                        {"commit", cert ? json(ToHex(*cert)) : json(nullptr)},
                        {"validator_handoffs", handoffs}};
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
