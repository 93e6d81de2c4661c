#pragma once
// The engine of folio-faultload: signs transactions for the devnet's accounts, keeps each
// account's nonces (NonceBook), and carries every transaction to a committed or rejected outcome
// through whichever nodes answer. One worker thread per node does all of that node's I/O, so a
// dead or paused node delays only the work it holds, at most for one timeout; its work then goes
// to the next node. Every public member is thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <node/protocol/types.h>

#include "node_conn.h"
#include "nonce_book.h"

namespace folio::faults {

using Clock = std::chrono::steady_clock;

// The outcome of a transaction, as far as the driver knows.
enum class TxState { OUTSTANDING, COMMITTED, REJECTED };

// What the driver reports about a finished transaction (committed: success or not).
struct TxResult {
    uint64_t id = 0;
    TxState state = TxState::OUTSTANDING;
    bool success = false;  // committed with a successful receipt
    std::string kind;
    std::string hash;
    std::string error;  // rejected: why
    uint64_t height = 0;
};

struct DriverOptions {
    std::vector<std::string> nodes;
    std::string chain_id;
    std::string out_file;  // JSON Lines, appended; empty = none
    int connect_ms = 2000;
    int read_ms = 3000;
    Clock::duration poll = std::chrono::milliseconds(700);  // between looks at a pending transaction
};

class Driver {
public:
    Driver(DriverOptions opt, std::vector<Signer> signers);
    ~Driver();

    // Starts the node workers. Fails (false, `err`) when the out file cannot be opened.
    bool Start(std::string& err);
    // Stops the workers (each finishes its current request: bounded by the timeouts).
    void Stop();

    // The account's nonces continue from `next` (its pending_nonce).
    void SetNextNonce(size_t account, uint64_t next);
    // True when `account` may sign a new transaction now (its window has room).
    bool CanSend(size_t account);
    // Signs `body` as `account` with the account's next nonce and queues it for a node (round
    // robin over the nodes not known down). `on_done` runs (under the driver's lock: it must not
    // call back into the driver except through the *Locked members) once the outcome is final.
    uint64_t Send(size_t account, protocol::TxBody body, std::function<void(const TxResult&)> on_done = nullptr);
    // Waits until every given transaction is final or `timeout` passed; their results.
    std::vector<TxResult> Wait(const std::vector<uint64_t>& ids, Clock::duration timeout);
    // Waits until nothing is outstanding or `timeout` passed. Returns the number outstanding.
    size_t Drain(Clock::duration timeout);

    // Asks one node after another (starting at the next in turn) until one answers OK or with a
    // JSON-RPC error; a transport failure moves to the next node. Gives up at `timeout`.
    Answer Query(const std::string& method, const json& params, const Signer* as, Clock::duration timeout);

    // A chore run by whichever node worker is free: it gets that worker's connection; returns
    // false on a transport failure (the worker's node is then marked down and the chore retried
    // on another node).
    using Chore = std::function<bool(NodeConn&)>;
    void AddChore(std::string name, Chore chore);
    bool ChorePending(const std::string& name);

    // Counts for the summary.
    json Summary();
    size_t Outstanding();
    const Signer& signer(size_t account) const { return m_signers.at(account); }

private:
    struct Tx {
        std::string hash, hex, kind;
        size_t account = 0;
        uint64_t nonce = 0;
        TxState state = TxState::OUTSTANDING;
        bool sent = false;     // some node had it in hand (admitted or asked)
        bool refused = false;  // refused or dropped by two nodes (one if there is one): its nonce is reused
        std::set<size_t> refused_by;
        std::string refusal;  // the first refusal
        Clock::time_point refused_at;
        size_t node = 0;        // where it goes next
        Clock::time_point due;  // when
        bool in_flight = false;
        std::function<void(const TxResult&)> on_done;
    };
    struct NodeHealth {
        Clock::time_point down_until{};
        Clock::duration backoff = std::chrono::milliseconds(500);
    };
    struct PendingChore {
        std::string name;
        Chore run;
        bool taken = false;
    };

    void Worker(size_t node);
    void Process(NodeConn& conn, size_t node, const std::vector<uint64_t>& ids);
    void NodeFailedLocked(size_t node, const std::vector<uint64_t>& ids);
    void NodeOkLocked(size_t node);
    size_t NextNodeLocked(size_t after) const;
    void CommitLocked(uint64_t id, const json& got, const std::string& url);
    void RejectLocked(uint64_t id, const std::string& error);
    void RefuseLocked(uint64_t id, size_t node, const std::string& error);
    void FinishLocked(uint64_t id, TxResult r);
    void WriteLineLocked(const json& line);
    void SettleLocked();  // schedules the settle chores of accounts with refused transactions
    bool Settle(NodeConn& conn, size_t account);

    DriverOptions m_opt;
    std::vector<Signer> m_signers;
    std::vector<NonceBook> m_books;
    std::vector<Clock::time_point> m_last_settle;
    std::mutex m_mu;
    std::condition_variable m_cv;
    std::deque<Tx> m_txs;
    std::set<uint64_t> m_outstanding;
    std::vector<NodeHealth> m_health;
    std::deque<PendingChore> m_chores;
    std::vector<std::thread> m_workers;
    std::vector<std::unique_ptr<NodeConn>> m_query_conns;  // Query's (the caller's thread)
    std::mutex m_query_mu;
    size_t m_rr = 0;
    size_t m_query_rr = 0;
    bool m_stop = false;
    std::FILE* m_out = nullptr;
    std::map<std::string, std::map<std::string, uint64_t>> m_by_kind;  // kind -> counter -> n
};

}  // namespace folio::faults
