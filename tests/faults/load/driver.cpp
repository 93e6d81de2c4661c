#include "driver.h"

#include <algorithm>

namespace folio::faults {

namespace {

constexpr int NOT_FOUND = -32001;
constexpr int TX_REJECTED = -32003;

int64_t WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string ErrorText(const json& e) {
    if (e.is_object()) return e.value("code", std::string("error")) + ": " + e.value("message", std::string());
    return e.is_null() ? std::string("error") : e.dump();
}

// A refusal a node gives for its own momentary view, not for the transaction: try again later.
bool Transient(const std::string& reason) { return reason == "nonce_too_high" || reason == "mempool_full"; }

}  // namespace

Driver::Driver(DriverOptions opt, std::vector<Signer> signers)
    : m_opt(std::move(opt)),
      m_signers(std::move(signers)),
      m_books(m_signers.size()),
      m_last_settle(m_signers.size()),
      m_health(m_opt.nodes.size()) {}

Driver::~Driver() {
    Stop();
    if (m_out) std::fclose(m_out);
}

bool Driver::Start(std::string& err) {
    if (!m_opt.out_file.empty()) {
        m_out = std::fopen(m_opt.out_file.c_str(), "a");
        if (!m_out) {
            err = "cannot open " + m_opt.out_file + " for appending";
            return false;
        }
    }
    for (const std::string& url : m_opt.nodes)
        m_query_conns.push_back(std::make_unique<NodeConn>(url, m_opt.chain_id, m_opt.connect_ms, m_opt.read_ms));
    for (size_t i = 0; i < m_opt.nodes.size(); ++i) m_workers.emplace_back([this, i] { Worker(i); });
    return true;
}

void Driver::Stop() {
    {
        std::lock_guard lock(m_mu);
        m_stop = true;
    }
    m_cv.notify_all();
    for (auto& w : m_workers) w.join();
    m_workers.clear();
}

void Driver::SetNextNonce(size_t account, uint64_t next) {
    std::lock_guard lock(m_mu);
    m_books.at(account) = NonceBook(next);
}

bool Driver::CanSend(size_t account) {
    std::lock_guard lock(m_mu);
    return m_books.at(account).CanAllocate();
}

size_t Driver::NextNodeLocked(size_t after) const {
    const size_t n = m_health.size();
    const auto now = Clock::now();
    for (size_t k = 1; k <= n; ++k) {
        size_t c = (after + k) % n;
        if (m_health[c].down_until <= now) return c;
    }
    return (after + 1) % n;
}

uint64_t Driver::Send(size_t account, protocol::TxBody body, std::function<void(const TxResult&)> on_done) {
    std::lock_guard lock(m_mu);
    const uint64_t id = m_txs.size();
    protocol::Transaction tx;
    tx.chain_id = m_opt.chain_id;
    tx.sender = m_signers.at(account).address;
    tx.nonce = m_books.at(account).Allocate(id);
    tx.body = std::move(body);
    protocol::SignTx(tx, m_signers[account].sk, Sha256Of(std::string_view("folio-faultload/" + std::to_string(id))));
    Tx& t = m_txs.emplace_back();
    t.hash = protocol::TxId(tx).hex();
    t.hex = ToHex(protocol::EncodeTx(tx));
    t.kind = protocol::TxKindName(protocol::KindOf(tx.body));
    t.account = account;
    t.nonce = tx.nonce;
    m_rr = NextNodeLocked(m_rr);
    t.node = m_rr;
    t.due = Clock::now();
    t.on_done = std::move(on_done);
    m_outstanding.insert(id);
    ++m_by_kind[t.kind]["submitted"];
    m_cv.notify_all();
    return id;
}

std::vector<TxResult> Driver::Wait(const std::vector<uint64_t>& ids, Clock::duration timeout) {
    std::unique_lock lock(m_mu);
    m_cv.wait_for(lock, timeout, [&] {
        return std::all_of(ids.begin(), ids.end(),
                           [&](uint64_t id) { return m_txs[id].state != TxState::OUTSTANDING; });
    });
    std::vector<TxResult> out;
    for (uint64_t id : ids) {
        const Tx& t = m_txs[id];
        TxResult r;
        r.id = id;
        r.state = t.state;
        r.kind = t.kind;
        r.hash = t.hash;
        r.error = t.state == TxState::OUTSTANDING
                      ? (t.refused ? "no outcome yet; refused: " + t.refusal : "no outcome yet")
                      : "";
        out.push_back(r);
    }
    return out;
}

size_t Driver::Drain(Clock::duration timeout) {
    std::unique_lock lock(m_mu);
    m_cv.wait_for(lock, timeout, [&] { return m_outstanding.empty(); });
    return m_outstanding.size();
}

size_t Driver::Outstanding() {
    std::lock_guard lock(m_mu);
    return m_outstanding.size();
}

Answer Driver::Query(const std::string& method, const json& params, const Signer* as, Clock::duration timeout) {
    std::lock_guard qlock(m_query_mu);
    const auto deadline = Clock::now() + timeout;
    Answer a;
    for (size_t tries = 1;; ++tries) {
        NodeConn& c = *m_query_conns[m_query_rr++ % m_query_conns.size()];
        a = c.Call(method, params, as);
        if (a.kind != Answer::Kind::TRANSPORT || Clock::now() >= deadline) return a;
        if (tries % m_query_conns.size() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

void Driver::AddChore(std::string name, Chore chore) {
    std::lock_guard lock(m_mu);
    for (const PendingChore& c : m_chores)
        if (c.name == name) return;
    m_chores.push_back({std::move(name), std::move(chore), false});
    m_cv.notify_all();
}

bool Driver::ChorePending(const std::string& name) {
    std::lock_guard lock(m_mu);
    return std::any_of(m_chores.begin(), m_chores.end(), [&](const PendingChore& c) { return c.name == name; });
}

void Driver::NodeOkLocked(size_t node) { m_health[node].backoff = std::chrono::milliseconds(500); }

void Driver::NodeFailedLocked(size_t node, const std::vector<uint64_t>& ids) {
    NodeHealth& h = m_health[node];
    h.down_until = Clock::now() + h.backoff;
    h.backoff = std::min<Clock::duration>(h.backoff * 2, std::chrono::seconds(8));
    const size_t other = NextNodeLocked(node);
    for (uint64_t id : ids) m_txs[id].in_flight = false;
    // Everything waiting for this node goes to the next one that is not known down.
    for (uint64_t id : m_outstanding) {
        Tx& t = m_txs[id];
        if (t.node == node && !t.in_flight) {
            t.node = other;
            t.due = std::min(t.due, Clock::now());
        }
    }
    m_cv.notify_all();
}

void Driver::WriteLineLocked(const json& line) {
    if (!m_out) return;
    std::string s = line.dump() + "\n";
    std::fwrite(s.data(), 1, s.size(), m_out);
    std::fflush(m_out);
}

void Driver::FinishLocked(uint64_t id, TxResult r) {
    Tx& t = m_txs[id];
    m_outstanding.erase(id);
    ++m_by_kind[t.kind][r.state == TxState::COMMITTED ? "committed" : "rejected"];
    r.id = id;
    r.kind = t.kind;
    r.hash = t.hash;
    if (t.on_done) t.on_done(r);
    t.on_done = nullptr;
    m_cv.notify_all();
}

void Driver::CommitLocked(uint64_t id, const json& got, const std::string& url) {
    Tx& t = m_txs[id];
    if (t.state != TxState::OUTSTANDING) return;
    TxResult r;
    r.height = got.value("height", uint64_t{0});
    r.success = got.value("success", false);
    r.state = r.success ? TxState::COMMITTED : TxState::REJECTED;
    t.state = r.state;
    json line;
    if (r.success) {
        line = {{"tx", t.hash}, {"kind", t.kind}, {"height", r.height}, {"node", url}, {"t_ms", WallMs()}};
    } else {
        // Committed with a failed receipt: its nonce is spent, its effects are not.
        r.error = ErrorText(got.value("error", json(nullptr)));
        line = {{"rejected", t.hash}, {"kind", t.kind}, {"error", r.error},
                {"height", r.height}, {"node", url},    {"t_ms", WallMs()}};
    }
    WriteLineLocked(line);
    const std::vector<uint64_t> losers = m_books[t.account].Committed(id, t.nonce);
    const std::string winner = t.hash;
    const uint64_t nonce = t.nonce;
    FinishLocked(id, r);
    for (uint64_t l : losers) RejectLocked(l, "nonce " + std::to_string(nonce) + " was spent by " + winner);
}

void Driver::RejectLocked(uint64_t id, const std::string& error) {
    Tx& t = m_txs[id];
    if (t.state != TxState::OUTSTANDING) return;
    t.state = TxState::REJECTED;
    TxResult r;
    r.state = TxState::REJECTED;
    r.error = t.refused ? error + " (refused earlier: " + t.refusal + ")" : error;
    WriteLineLocked({{"rejected", t.hash}, {"kind", t.kind}, {"error", r.error}, {"t_ms", WallMs()}});
    FinishLocked(id, r);
}

// A node that lags behind refuses what the others accept (a payout it has not seen yet), so a
// refusal counts once a second node agrees; only then is the nonce handed to a new transaction.
void Driver::RefuseLocked(uint64_t id, size_t node, const std::string& error) {
    Tx& t = m_txs[id];
    if (t.state != TxState::OUTSTANDING || t.refused) return;
    if (t.refused_by.empty()) t.refusal = error;
    t.refused_by.insert(node);
    if (t.refused_by.size() < std::min<size_t>(2, m_health.size())) return;
    t.refused = true;
    t.refused_at = Clock::now();
    m_books[t.account].Refused(id, t.nonce);
}

void Driver::SettleLocked() {
    const auto now = Clock::now();
    std::vector<bool> want(m_signers.size(), false);
    for (uint64_t id : m_outstanding) {
        const Tx& t = m_txs[id];
        if (t.refused && now - t.refused_at > std::chrono::seconds(2)) want[t.account] = true;
    }
    for (size_t a = 0; a < want.size(); ++a) {
        if (!want[a] || now - m_last_settle[a] < std::chrono::seconds(3)) continue;
        m_last_settle[a] = now;
        std::string name = "settle/" + m_signers[a].name;
        if (std::any_of(m_chores.begin(), m_chores.end(), [&](const PendingChore& c) { return c.name == name; }))
            continue;
        m_chores.push_back({name, [this, a](NodeConn& c) { return Settle(c, a); }, false});
    }
}

// A refused transaction is final once its node's committed next nonce has passed its nonce while
// that node does not hold it: another transaction spent the nonce and it can never commit.
bool Driver::Settle(NodeConn& conn, size_t account) {
    Answer a = conn.Call("account_get", {{"address", m_signers[account].address.hex()}}, &m_signers[account]);
    if (a.kind == Answer::Kind::TRANSPORT) return false;
    if (!a.ok() || !a.result.is_object() || !a.result.contains("next_nonce")) return true;
    const uint64_t next = a.result["next_nonce"].get<uint64_t>();
    std::vector<uint64_t> ids;
    std::vector<std::pair<std::string, json>> calls;
    {
        std::lock_guard lock(m_mu);
        m_books[account].Observe(next);
        for (uint64_t id : m_outstanding) {
            const Tx& t = m_txs[id];
            if (t.account == account && t.nonce < next) {
                ids.push_back(id);
                calls.push_back({"tx_get", {{"hash", t.hash}}});
            }
        }
    }
    std::vector<Answer> got = conn.Batch(calls);
    std::lock_guard lock(m_mu);
    for (size_t k = 0; k < ids.size(); ++k) {
        const Answer& g = got[k];
        if (g.kind == Answer::Kind::TRANSPORT) return false;
        if (g.ok() && g.result.value("status", "") == "committed") {
            CommitLocked(ids[k], g.result, conn.url());
        } else if (g.ok() || g.code == NOT_FOUND) {
            RejectLocked(ids[k], "nonce " + std::to_string(m_txs[ids[k]].nonce) +
                                     " was spent by another transaction (next nonce " + std::to_string(next) + " at " +
                                     conn.url() + ")");
        }
    }
    return true;
}

void Driver::Worker(size_t node) {
    NodeConn conn(m_opt.nodes[node], m_opt.chain_id, m_opt.connect_ms, m_opt.read_ms);
    for (;;) {
        std::string chore_name;
        Chore chore;
        std::vector<uint64_t> ids;
        {
            std::unique_lock lock(m_mu);
            if (m_stop) return;
            const auto now = Clock::now();
            if (m_health[node].down_until > now) {
                m_cv.wait_until(lock, std::min(m_health[node].down_until, now + std::chrono::milliseconds(100)));
                continue;
            }
            SettleLocked();
            for (PendingChore& c : m_chores)
                if (!c.taken) {
                    c.taken = true;
                    chore_name = c.name;
                    chore = c.run;
                    break;
                }
            if (!chore) {
                for (uint64_t id : m_outstanding) {
                    Tx& t = m_txs[id];
                    if (t.node != node || t.in_flight || t.due > now) continue;
                    t.in_flight = true;
                    ids.push_back(id);
                    if (ids.size() >= 64) break;
                }
            }
            if (!chore && ids.empty()) {
                m_cv.wait_for(lock, std::chrono::milliseconds(20));
                continue;
            }
        }
        if (chore) {
            const bool ok = chore(conn);
            std::lock_guard lock(m_mu);
            auto it = std::find_if(m_chores.begin(), m_chores.end(),
                                   [&](const PendingChore& c) { return c.name == chore_name && c.taken; });
            if (ok) {
                if (it != m_chores.end()) m_chores.erase(it);
                NodeOkLocked(node);
            } else {
                if (it != m_chores.end()) it->taken = false;
                NodeFailedLocked(node, {});
            }
            continue;
        }
        Process(conn, node, ids);
    }
}

void Driver::Process(NodeConn& conn, size_t node, const std::vector<uint64_t>& ids) {
    // Snapshot what the requests need.
    std::vector<uint64_t> ask, submit;
    std::map<uint64_t, std::pair<std::string, std::string>> what;  // id -> (hash, hex)
    std::map<uint64_t, std::string> spent;                         // id -> the node's "nonce already used"
    {
        std::lock_guard lock(m_mu);
        for (uint64_t id : ids) {
            Tx& t = m_txs[id];
            what[id] = {t.hash, t.hex};
            (t.sent ? ask : submit).push_back(id);
            t.sent = true;  // a node that dies now may still have admitted it
        }
    }
    std::map<uint64_t, Clock::duration> wait;  // id -> delay before its next look
    // tx_submit (the bytes) or tx_get (the hash) of each of `which`, in one request.
    auto batch = [&](bool submitting, const std::vector<uint64_t>& which) {
        std::vector<std::pair<std::string, json>> calls;
        for (uint64_t id : which)
            calls.push_back(submitting ? std::pair<std::string, json>{"tx_submit", {{"tx", what[id].second}}}
                                       : std::pair<std::string, json>{"tx_get", {{"hash", what[id].first}}});
        return conn.Batch(calls);
    };
    // Under the lock: true (and the node marked down, the work handed on) when it did not answer.
    auto down = [&](const std::vector<Answer>& got) {
        if (std::all_of(got.begin(), got.end(), [](const Answer& a) { return a.kind == Answer::Kind::TRANSPORT; })) {
            NodeFailedLocked(node, ids);
            return true;
        }
        NodeOkLocked(node);
        return false;
    };
    // 1. Has it committed (or been dropped) here?
    if (!ask.empty()) {
        std::vector<Answer> got = batch(false, ask);
        std::lock_guard lock(m_mu);
        if (down(got)) return;
        for (size_t k = 0; k < ask.size(); ++k) {
            const uint64_t id = ask[k];
            const Answer& g = got[k];
            const std::string status = g.ok() && g.result.is_object() ? g.result.value("status", "") : "";
            if (status == "committed") {
                CommitLocked(id, g.result, conn.url());
            } else if (status == "pending") {
                wait[id] = m_opt.poll;
            } else if (status == "rejected") {
                RefuseLocked(id, node,
                             ErrorText(g.result.value("error", json(nullptr))) + " (dropped at " + conn.url() + ")");
                submit.push_back(id);  // admission gives a fresh answer
            } else if (g.kind == Answer::Kind::RPC_ERROR && g.code == NOT_FOUND) {
                submit.push_back(id);  // lost here (not admitted, or the node restarted): hand it again
            } else {
                wait[id] = m_opt.poll;
            }
        }
    }
    // 2. (Re)submit the same signed bytes: a node that holds or committed it answers its hash.
    if (!submit.empty()) {
        std::vector<Answer> got = batch(true, submit);
        std::lock_guard lock(m_mu);
        if (down(got)) return;
        for (size_t k = 0; k < submit.size(); ++k) {
            const uint64_t id = submit[k];
            const Answer& g = got[k];
            Tx& t = m_txs[id];
            if (t.state != TxState::OUTSTANDING) continue;
            if (g.ok()) {
                wait[id] = m_opt.poll;
                continue;
            }
            const std::string reason = g.Reason();
            std::string msg = g.data.is_object() ? g.data.value("message", g.message) : g.message;
            if (g.code != TX_REJECTED || Transient(reason)) {
                wait[id] = std::chrono::seconds(1);
            } else if (reason == "nonce_too_low" && msg.find("already used") != std::string::npos) {
                spent[id] = "nonce_too_low: " + msg + " (at " + conn.url() + ")";
            } else {
                RefuseLocked(id, node, reason + ": " + msg + " (at " + conn.url() + ")");
                wait[id] = std::chrono::seconds(2);
            }
        }
    }
    // 3. The node's committed state spent the nonce. Its answer may race a commit of this very
    // transaction (admission looks the id up before it checks the nonce), so ask again: not
    // committed there now means never.
    if (!spent.empty()) {
        std::vector<uint64_t> vids;
        for (const auto& [id, why] : spent) vids.push_back(id);
        std::vector<Answer> got = batch(false, vids);
        std::lock_guard lock(m_mu);
        for (size_t k = 0; k < vids.size(); ++k) {
            const Answer& g = got[k];
            Tx& t = m_txs[vids[k]];
            if (t.state != TxState::OUTSTANDING) continue;
            if (g.ok() && g.result.is_object() && g.result.value("status", "") == "committed") {
                CommitLocked(vids[k], g.result, conn.url());
            } else if (g.ok() || g.code == NOT_FOUND) {
                m_books[t.account].Lost(vids[k], t.nonce);
                RejectLocked(vids[k], spent[vids[k]]);
            }
        }
    }
    std::lock_guard lock(m_mu);
    const auto now = Clock::now();
    for (uint64_t id : ids) {
        Tx& t = m_txs[id];
        t.in_flight = false;
        if (t.state != TxState::OUTSTANDING) continue;
        auto it = wait.find(id);
        t.due = now + (it == wait.end() ? m_opt.poll : it->second);
        t.node = NextNodeLocked(node);  // the next look goes to the next node
    }
}

json Driver::Summary() {
    std::lock_guard lock(m_mu);
    json by_kind = json::object();
    uint64_t submitted = 0, committed = 0, rejected = 0;
    std::map<std::string, uint64_t> unknown;
    for (uint64_t id : m_outstanding) ++unknown[m_txs[id].kind];
    for (auto& [kind, c] : m_by_kind) {
        by_kind[kind] = {{"submitted", c["submitted"]},
                         {"committed", c["committed"]},
                         {"rejected", c["rejected"]},
                         {"unknown", unknown[kind]}};
        submitted += c["submitted"];
        committed += c["committed"];
        rejected += c["rejected"];
    }
    return {{"submitted", submitted},
            {"committed", committed},
            {"rejected", rejected},
            {"unknown", m_outstanding.size()},
            {"by_kind", by_kind}};
}

}  // namespace folio::faults
