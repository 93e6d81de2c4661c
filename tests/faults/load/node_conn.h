#pragma once
// One JSON-RPC connection of folio-faultload to one node: short timeouts (a dead or paused node
// costs at most connect + read timeout), JSON-RPC batches, and per-account login tokens for the
// methods limited to the parties. Never throws for a node's failure: every outcome is an Answer.
// Not thread-safe: each thread owns its connections.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <node/core/keys.h>

namespace folio::faults {

using nlohmann::json;

struct Answer {
    enum class Kind { OK, RPC_ERROR, TRANSPORT };
    Kind kind = Kind::TRANSPORT;
    json result;          // OK
    int code = 0;         // RPC_ERROR: the JSON-RPC error code
    std::string message;  // RPC_ERROR: error.message; TRANSPORT: what failed
    json data;            // RPC_ERROR: error.data
    bool ok() const { return kind == Kind::OK; }
    // data.reason of an error (tx_submit's rejection code), else "".
    std::string Reason() const;
};

// An account the driver signs and logs in as.
struct Signer {
    std::string name;
    SecretKey sk;
    Address address;
};

class NodeConn {
public:
    NodeConn(std::string url, std::string chain_id, int connect_ms, int read_ms);
    ~NodeConn();
    NodeConn(const NodeConn&) = delete;
    NodeConn& operator=(const NodeConn&) = delete;

    // Calls `method`, logged in as `as` when given (logging in first if this connection has no
    // token for it, and once more if the node forgot the token, e.g. after a restart).
    Answer Call(const std::string& method, const json& params, const Signer* as = nullptr);
    // One HTTP request carrying the calls as a JSON-RPC batch (no login); the answers in the
    // calls' order. A transport failure answers every call with TRANSPORT.
    std::vector<Answer> Batch(const std::vector<std::pair<std::string, json>>& calls);
    const std::string& url() const { return m_url; }

private:
    Answer Post(const json& body, const std::string& token, json* raw);
    bool Login(const Signer& s, Answer& failure);

    std::string m_url;
    std::string m_chain_id;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace folio::faults
