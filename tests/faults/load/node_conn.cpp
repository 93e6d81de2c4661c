#include "node_conn.h"

#include <map>

#include <httplib.h>

#include <cli/rpc_client.h>

namespace folio::faults {

namespace {

constexpr int UNAUTHORIZED = -32010;

Answer FromBody(const json& r) {
    Answer a;
    if (!r.is_object()) {
        a.message = "not a JSON-RPC answer";
        return a;
    }
    if (r.contains("error") && r["error"].is_object()) {
        a.kind = Answer::Kind::RPC_ERROR;
        a.code = r["error"].value("code", 0);
        a.message = r["error"].value("message", "");
        a.data = r["error"].value("data", json(nullptr));
        return a;
    }
    a.kind = Answer::Kind::OK;
    a.result = r.value("result", json(nullptr));
    return a;
}

}  // namespace

std::string Answer::Reason() const {
    if (kind == Kind::RPC_ERROR && data.is_object() && data.contains("reason") && data["reason"].is_string())
        return data["reason"].get<std::string>();
    return "";
}

struct NodeConn::Impl {
    Impl(const std::string& url, int connect_ms, int read_ms) : http(url) {
        http.set_connection_timeout(connect_ms / 1000, (connect_ms % 1000) * 1000);
        http.set_read_timeout(read_ms / 1000, (read_ms % 1000) * 1000);
        http.set_write_timeout(read_ms / 1000, (read_ms % 1000) * 1000);
        http.set_keep_alive(true);
        http.set_tcp_nodelay(true);
    }
    httplib::Client http;
    std::map<std::string, std::string> tokens;  // account name -> bearer token on this node
    uint64_t next_id = 1;
};

NodeConn::NodeConn(std::string url, std::string chain_id, int connect_ms, int read_ms)
    : m_url(std::move(url)),
      m_chain_id(std::move(chain_id)),
      m_impl(std::make_unique<Impl>(m_url, connect_ms, read_ms)) {}
NodeConn::~NodeConn() = default;

Answer NodeConn::Post(const json& body, const std::string& token, json* raw) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto res = m_impl->http.Post("/", headers, body.dump(), "application/json");
    Answer a;
    if (!res) {
        a.message = httplib::to_string(res.error());
        m_impl->http.stop();  // a half-read keep-alive connection must not be reused
        return a;
    }
    json parsed = json::parse(res->body, nullptr, false);
    if (parsed.is_discarded()) {
        a.message = "HTTP " + std::to_string(res->status) + " without JSON";
        return a;
    }
    if (raw) {
        *raw = std::move(parsed);
        a.kind = Answer::Kind::OK;
        return a;
    }
    return FromBody(parsed);
}

bool NodeConn::Login(const Signer& s, Answer& failure) {
    failure =
        Post({{"jsonrpc", "2.0"}, {"id", m_impl->next_id++}, {"method", "auth_challenge"}, {"params", json::object()}},
             "", nullptr);
    if (!failure.ok()) return false;
    auto nonce = failure.result.is_object() && failure.result.contains("nonce") && failure.result["nonce"].is_string()
                     ? FromHex(failure.result["nonce"].get<std::string>())
                     : std::nullopt;
    if (!nonce) {
        failure = Answer{Answer::Kind::RPC_ERROR, nullptr, 0, "malformed auth challenge", nullptr};
        return false;
    }
    Hash256 msg = cli::AuthMessage(m_chain_id, *nonce);
    auto sig = SignSchnorr(s.sk, msg, Sha256Of(msg.view()));
    failure = Post({{"jsonrpc", "2.0"},
                    {"id", m_impl->next_id++},
                    {"method", "auth_login"},
                    {"params", {{"address", s.address.hex()}, {"nonce", ToHex(*nonce)}, {"signature", sig->hex()}}}},
                   "", nullptr);
    if (!failure.ok()) return false;
    if (!failure.result.is_object() || !failure.result.contains("token") || !failure.result["token"].is_string()) {
        failure = Answer{Answer::Kind::RPC_ERROR, nullptr, 0, "auth_login answered without a token", nullptr};
        return false;
    }
    m_impl->tokens[s.name] = failure.result["token"].get<std::string>();
    return true;
}

Answer NodeConn::Call(const std::string& method, const json& params, const Signer* as) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string token;
        if (as) {
            auto it = m_impl->tokens.find(as->name);
            if (it == m_impl->tokens.end()) {
                Answer failure;
                if (!Login(*as, failure)) return failure;
                it = m_impl->tokens.find(as->name);
            }
            token = it->second;
        }
        Answer a = Post({{"jsonrpc", "2.0"}, {"id", m_impl->next_id++}, {"method", method}, {"params", params}}, token,
                        nullptr);
        if (as && a.kind == Answer::Kind::RPC_ERROR && a.code == UNAUTHORIZED) {
            m_impl->tokens.erase(as->name);  // the node forgot it (restart) or it expired
            continue;
        }
        return a;
    }
    return Answer{Answer::Kind::RPC_ERROR, nullptr, UNAUTHORIZED, "login did not hold", nullptr};
}

std::vector<Answer> NodeConn::Batch(const std::vector<std::pair<std::string, json>>& calls) {
    std::vector<Answer> out(calls.size());
    if (calls.empty()) return out;
    json req = json::array();
    for (size_t i = 0; i < calls.size(); ++i)
        req.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", calls[i].first}, {"params", calls[i].second}});
    json raw;
    Answer a = Post(req, "", &raw);
    if (!a.ok()) {
        for (Answer& o : out) o = a;
        return out;
    }
    if (!raw.is_array()) {  // the whole batch refused (a limit): every call failed the same way
        Answer whole = FromBody(raw);
        if (whole.ok()) whole = Answer{Answer::Kind::TRANSPORT, nullptr, 0, "batch answered with one object", nullptr};
        for (Answer& o : out) o = whole;
        return out;
    }
    for (Answer& o : out) o.message = "no answer in the batch";
    for (const json& r : raw)
        if (r.is_object() && r.contains("id") && r["id"].is_number_unsigned() && r["id"].get<size_t>() < calls.size())
            out[r["id"].get<size_t>()] = FromBody(r);
    return out;
}

}  // namespace folio::faults
