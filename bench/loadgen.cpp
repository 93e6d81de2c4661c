// folio-loadgen: signs work registrations (or a mixed load: --mix mixed) from K accounts and
// drives them into a node over JSON-RPC, recording every transaction the node reports committed. Used by scripts/bench and by
// the crash tests (which check that every recorded transaction survives a SIGKILL).
//
//   folio-loadgen accounts --seed S --accounts K          # prints K {"address","secret_key"} lines
//   folio-loadgen run --node URL --seed S --accounts K --count N [--concurrency C] [--rate R]
//                 [--batch B] [--out FILE] [--duration-s D] [--title-prefix P]
//                 [--mix registrations|mixed|reports --devnet-layout DEVNET/layout.json]
// --mix mixed: per account a cycle of register, report revenue (split among ten load accounts and
// withheld), buy an NFT edition, register, report, transfer an edition (SignMix); its setup (the
// tax table, the works, the editions listed) runs first and is not timed. The summary counts the
// committed transactions by kind. --mix reports: every transaction a revenue report on that split
// work (after the same tax table and split work).
// Each client submits B transactions per HTTP request (a JSON-RPC batch of tx_submit; default 1),
// as a wallet or gateway with several transactions ready would. Commits are found by reading each
// new block once (chain_getBlock) and asking tx_get only for the transactions it holds; every 2 s
// all pending ones are asked too, so a rejection after admission is seen.
//   folio-loadgen etcd --endpoints URL[,URL..] --count N [--concurrency C] [--rate R] [--value-bytes B]
// The etcd mode loads an etcd cluster (for the side-by-side in scripts/bench) through its v3 JSON
// gateway: each of C clients (spread over the endpoints) POSTs /v3/kv/put with a fresh key and a
// B-byte value (base64 in the JSON, as the gateway wants); by default B is the encoded size of the
// work registration `run` would send. A put's latency is its request's round trip (etcd answers
// once the put is committed by a quorum and applied).
// The accounts are derived deterministically from the seed (TaggedHash), so a genesis can grant
// them roles before the run. Output: one JSON summary line on stdout.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cli/args.h>
#include <cli/rpc_client.h>
#include <node/core/codec.h>
#include <node/protocol/types.h>

using nlohmann::json;
using namespace folio;
using Clock = std::chrono::steady_clock;

namespace {

SecretKey DeriveKey(const std::string& seed, uint64_t i) {
    for (uint64_t ctr = 0;; ++ctr) {
        Writer w;
        w.Str(seed);
        w.U64(i);
        w.U64(ctr);
        Hash256 h = TaggedHash("folio/loadgen/key", w.bytes());
        SecretKey sk = SecretKey::FromView(h.view());
        if (IsValidSecretKey(sk)) return sk;
    }
}

std::string Arg(int argc, char** argv, const std::string& name, const std::string& def) {
    for (int i = 2; i + 1 < argc; ++i)
        if (argv[i] == "--" + name) return argv[i + 1];
    return def;
}

struct Pending {
    std::string hash;
    std::string hex;
    Clock::time_point submitted;
    bool done = false;
};

// The encoded size of a work registration as `run` builds it (chain id and title as in scripts/bench).
size_t FolioTxBytes(const std::string& seed) {
    SecretKey sk = DeriveKey(seed, 0);
    protocol::Transaction tx;
    tx.chain_id = "bench";
    tx.sender = *DerivePublicKey(sk);
    tx.nonce = 1000;
    protocol::RegisterWorkTx b;
    b.fingerprint = Sha256Of(std::string_view(seed + "/run/1000"));
    b.title = "bft1 1000";
    b.kind = protocol::WorkKind::SONG;
    b.owners = {{tx.sender, 10000}};
    tx.body = b;
    protocol::SignTx(tx, sk, b.fingerprint);
    return protocol::EncodeTx(tx).size();
}

std::string Base64(std::string_view in) {
    static constexpr char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << 16) |
                     (static_cast<uint32_t>(static_cast<uint8_t>(in[i + 1])) << 8) | static_cast<uint8_t>(in[i + 2]);
        out += T[(v >> 18) & 63];
        out += T[(v >> 12) & 63];
        out += T[(v >> 6) & 63];
        out += T[v & 63];
    }
    if (i < in.size()) {
        uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << 16;
        if (i + 1 < in.size()) v |= static_cast<uint32_t>(static_cast<uint8_t>(in[i + 1])) << 8;
        out += T[(v >> 18) & 63];
        out += T[(v >> 12) & 63];
        out += i + 1 < in.size() ? T[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// The median and the 99th percentile of `ms` (sorted here; 0 when empty).
std::pair<double, double> P50P99(std::vector<double>& ms) {
    if (ms.empty()) return {0.0, 0.0};
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
    return {at(0.5), at(0.99)};
}

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& list) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        if (comma > pos) out.push_back(list.substr(pos, comma - pos));
        pos = comma + 1;
    }
    return out;
}

int RunEtcd(int argc, char** argv) {
    const std::vector<std::string> endpoints = SplitList(Arg(argc, argv, "endpoints", "http://127.0.0.1:2379"));
    std::string seed = Arg(argc, argv, "seed", "folio-bench");
    size_t count = std::stoul(Arg(argc, argv, "count", "1000"));
    size_t concurrency = std::max<size_t>(1, std::stoul(Arg(argc, argv, "concurrency", "8")));
    double rate = std::stod(Arg(argc, argv, "rate", "0"));
    std::string vb = Arg(argc, argv, "value-bytes", "");
    size_t value_bytes = vb.empty() ? FolioTxBytes(seed) : std::stoul(vb);
    if (endpoints.empty()) {
        std::fprintf(stderr, "folio-loadgen etcd: no endpoint\n");
        return 2;
    }
    // The value: deterministic bytes of the chosen size (etcd stores them opaquely).
    std::string value;
    for (size_t i = 0; i < value_bytes; ++i) value.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    const std::string value_b64 = Base64(value);
    const std::string run_tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());

    std::atomic<size_t> next{0}, ok{0}, failed{0};
    std::vector<std::vector<double>> lat(concurrency);
    auto start = Clock::now();
    std::vector<std::thread> workers;
    for (size_t t = 0; t < concurrency; ++t) {
        workers.emplace_back([&, t] {
            httplib::Client http(endpoints[t % endpoints.size()]);
            http.set_keep_alive(true);
            http.set_tcp_nodelay(true);
            for (;;) {
                size_t i = next.fetch_add(1);
                if (i >= count) break;
                if (rate > 0)
                    std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<int64_t>(1e6 * static_cast<double>(i) / rate)));
                json req = {{"key", Base64("folio-bench/" + run_tag + "/" + std::to_string(i))}, {"value", value_b64}};
                std::string body = req.dump();
                auto t0 = Clock::now();
                auto res = http.Post("/v3/kv/put", body, "application/json");
                auto t1 = Clock::now();
                if (res && res->status == 200 && res->body.find("\"header\"") != std::string::npos) {
                    ++ok;
                    lat[t].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                } else if (failed.fetch_add(1) < 3) {
                    std::fprintf(stderr, "folio-loadgen etcd: put failed: %s\n",
                                 res ? (std::to_string(res->status) + " " + res->body).c_str() : httplib::to_string(res.error()).c_str());
                }
            }
        });
    }
    for (auto& w : workers) w.join();
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    const auto [p50, p99] = P50P99(all);
    std::cout << json{{"puts", ok.load()},           {"failed", failed.load()}, {"seconds", secs},
                      {"puts_per_s", static_cast<double>(ok.load()) / secs}, {"p50_ms", p50},
                      {"p99_ms", p99},         {"concurrency", concurrency}, {"value_bytes", value_bytes},
                      {"endpoints", endpoints.size()}}
                     .dump()
              << "\n";
    return ok.load() == count ? 0 : 1;
}

// ---------------------------------------------------------------- `reads`: licence_check

// folio-loadgen reads --nodes URL[,URL...] --duration-s S --concurrency C --request JSON: C
// keep-alive HTTP clients (client t on node t mod n) send the same JSON-RPC request (a
// licence_check, say) back to back for S seconds; prints the answered requests per second (an
// answer is a JSON-RPC "result"), per node and in all, with latency percentiles.
int RunReads(int argc, char** argv) {
    const std::vector<std::string> nodes = SplitList(Arg(argc, argv, "nodes", "http://127.0.0.1:26657"));
    const size_t concurrency = std::max<size_t>(1, std::stoul(Arg(argc, argv, "concurrency", "16")));
    const double duration_s = std::stod(Arg(argc, argv, "duration-s", "10"));
    const std::string request = Arg(argc, argv, "request", "");
    if (nodes.empty() || request.empty()) {
        std::fprintf(stderr, "folio-loadgen reads: give --nodes and --request\n");
        return 2;
    }
    std::vector<std::atomic<size_t>> ok_by_node(nodes.size());
    std::atomic<size_t> failed{0};
    std::vector<std::vector<double>> lat(concurrency);
    const auto start = Clock::now();
    const auto end = start + std::chrono::microseconds(static_cast<int64_t>(duration_s * 1e6));
    std::vector<std::thread> workers;
    for (size_t t = 0; t < concurrency; ++t) {
        workers.emplace_back([&, t] {
            const size_t n = t % nodes.size();
            httplib::Client http(nodes[n]);
            http.set_keep_alive(true);
            http.set_tcp_nodelay(true);
            while (Clock::now() < end) {
                auto t0 = Clock::now();
                auto res = http.Post("/", request, "application/json");
                auto t1 = Clock::now();
                if (res && res->status == 200 && res->body.find("\"result\"") != std::string::npos) {
                    ++ok_by_node[n];
                    lat[t].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
                } else if (failed.fetch_add(1) < 3) {
                    std::fprintf(stderr, "folio-loadgen reads: %s\n",
                                 res ? (std::to_string(res->status) + " " + res->body).c_str() : httplib::to_string(res.error()).c_str());
                }
            }
        });
    }
    for (auto& w : workers) w.join();
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    const auto [p50, p99] = P50P99(all);
    json per_node = json::array();
    size_t ok = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
        ok += ok_by_node[i].load();
        per_node.push_back({{"node", nodes[i]}, {"reads_per_s", static_cast<double>(ok_by_node[i].load()) / secs}});
    }
    std::cout << json{{"reads", ok}, {"failed", failed.load()}, {"seconds", secs},
                      {"reads_per_s", static_cast<double>(ok) / secs}, {"p50_ms", p50}, {"p99_ms", p99},
                      {"concurrency", concurrency}, {"nodes", per_node}}
                     .dump()
              << "\n";
    return failed.load() == 0 && ok > 0 ? 0 : 1;
}

// ---------------------------------------------------------------- `run`: sign, submit, follow

// One transaction of a run, signed up front (the node's cost is what is measured, not ours).
struct Signed {
    std::string hash;
    std::string hex;
    const char* kind = "";
};

struct LoadOptions {
    std::string url;
    size_t accounts = 1;  // tx i belongs to account i % accounts, at nonce rank i / accounts
    size_t concurrency = 8;
    double rate = 0;  // offered tx/s (open loop); 0 = closed loop
    size_t batch = 1;  // transactions per HTTP request (a JSON-RPC batch of tx_submit)
    double duration_s = 600;
    std::string out_file;
};

// Drives `txs` into the node and follows each to its outcome. Returns the summary line.
json Drive(const LoadOptions& o, std::vector<Signed>& signed_txs) {
    const size_t count = signed_txs.size();
    std::vector<Pending> txs(count);
    for (size_t i = 0; i < count; ++i) {
        txs[i].hash = signed_txs[i].hash;
        txs[i].hex = signed_txs[i].hex;
    }
    const size_t accounts = std::max<size_t>(1, o.accounts);
    const size_t submit_batch = std::max<size_t>(1, o.batch);
    std::atomic<size_t> next{0}, submitted{0}, rejected{0};
    // Flow control: keep each account's unconfirmed transactions inside the node's nonce window.
    constexpr uint64_t IN_FLIGHT_PER_ACCOUNT = 48;
    std::vector<std::atomic<uint64_t>> acked(accounts);
    std::atomic<bool> stop{false};
    auto start = Clock::now();
    std::vector<std::thread> workers;
    for (size_t t = 0; t < o.concurrency; ++t) {
        workers.emplace_back([&] {
            httplib::Client http(o.url);
            http.set_keep_alive(true);
            http.set_tcp_nodelay(true);
            while (!stop) {
                const size_t first = next.fetch_add(submit_batch);
                if (first >= count) break;
                const size_t end = std::min(count, first + submit_batch);
                // Each transaction of the request waits for its account's window and (open loop)
                // for its due time; the request goes when the last one may.
                for (size_t i = first; i < end && !stop; ++i) {
                    const size_t acct = i % accounts;
                    const uint64_t k = i / accounts;
                    while (!stop && k >= acked[acct].load() + IN_FLIGHT_PER_ACCOUNT)
                        std::this_thread::sleep_for(std::chrono::microseconds(200));
                }
                if (o.rate > 0) {
                    auto due = start + std::chrono::microseconds(static_cast<int64_t>(1e6 * static_cast<double>(end - 1) / o.rate));
                    std::this_thread::sleep_until(due);
                }
                std::vector<size_t> unsent;  // not yet accepted or refused by the node
                for (size_t i = first; i < end; ++i) unsent.push_back(i);
                for (int attempt = 0; attempt < 50 && !stop && !unsent.empty(); ++attempt) {
                    json req = json::array();
                    auto now = Clock::now();
                    for (size_t i : unsent) {
                        req.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "tx_submit"}, {"params", {{"tx", txs[i].hex}}}});
                        txs[i].submitted = now;
                    }
                    const std::string body_out = submit_batch == 1 ? req[0].dump() : req.dump();
                    auto res = http.Post("/", body_out, "application/json");
                    if (!res) {  // node down (crash tests): retry
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
                        continue;
                    }
                    json body = json::parse(res->body, nullptr, false);
                    if (body.is_object()) body = json::array({body});
                    if (!body.is_array()) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(20));
                        continue;
                    }
                    std::vector<size_t> again;
                    for (const json& r : body) {
                        if (!r.is_object() || !r.contains("id") || !r["id"].is_number_unsigned()) continue;
                        const size_t i = r["id"].get<size_t>();
                        if (r.contains("error")) {
                            int code = r["error"].value("code", 0);
                            if (code == -32005) {  // rate/limit: back off and retry
                                again.push_back(i);
                                continue;
                            }
                            if (rejected.fetch_add(1) < 3) std::fprintf(stderr, "folio-loadgen: rejected: %s\n", r["error"].dump().c_str());
                        } else {
                            ++submitted;
                        }
                    }
                    unsent = std::move(again);
                    if (!unsent.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            }
        });
    }

    // Poll for commits with batched tx_get calls; record each committed transaction once.
    std::ofstream out;
    if (!o.out_file.empty()) out.open(o.out_file, std::ios::app);
    std::vector<double> latencies_ms;
    size_t committed = 0, failed = 0;
    std::map<std::string, size_t> committed_by_kind;
    httplib::Client http(o.url);
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true);
    size_t cursor = 0;
    // Every outcome after submission (committed, or rejected at execution) comes with a new block.
    // Each new block is read once and tx_get asked only for the transactions it holds (polling
    // every pending transaction per block cost the node more than the transactions); every 2 s
    // all pending ones are asked, to see rejections after admission.
    std::map<std::string, size_t> index_of;
    for (size_t i = 0; i < count; ++i) index_of.emplace(txs[i].hash, i);
    auto call = [&](const json& req) -> json {
        auto res = http.Post("/", req.dump(), "application/json");
        if (!res) return json();
        return json::parse(res->body, nullptr, false);
    };
    auto height_now = [&]() -> uint64_t {
        json b = call({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "chain_info"}, {"params", json::object()}});
        if (b.is_object() && b.contains("result")) return b["result"].value("height", UINT64_MAX);
        return UINT64_MAX;
    };
    uint64_t scanned = height_now();
    if (scanned == UINT64_MAX) scanned = 0;
    auto last_full = Clock::now();
    auto report_failure = [&](size_t failures_so_far, size_t i, const json& result) {
        if (failures_so_far < 3)
            std::fprintf(stderr, "folio-loadgen: %s failed: %s\n", signed_txs[i].kind, result.dump().c_str());
    };
    // Asks tx_get for the given transactions (batches of 100) and records the outcomes.
    auto resolve = [&](const std::vector<size_t>& which) {
        bool progress = false;
        for (size_t off = 0; off < which.size(); off += 100) {
            json batch = json::array();
            for (size_t k = off; k < std::min(which.size(), off + 100); ++k)
                batch.push_back({{"jsonrpc", "2.0"}, {"id", which[k]}, {"method", "tx_get"}, {"params", {{"hash", txs[which[k]].hash}}}});
            json body = call(batch);
            if (!body.is_array()) continue;
            auto now = Clock::now();
            for (const json& r : body) {
                if (!r.contains("result")) continue;
                size_t i = r.at("id").get<size_t>();
                if (txs[i].done) continue;
                std::string status = r["result"].value("status", "");
                if (status == "committed") {
                    txs[i].done = true;
                    ++acked[i % accounts];
                    progress = true;
                    if (r["result"].value("success", false)) {
                        ++committed;
                        ++committed_by_kind[signed_txs[i].kind];
                        latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - txs[i].submitted).count());
                        if (out.is_open()) out << txs[i].hash << " " << r["result"].value("height", 0) << "\n";
                    } else {
                        report_failure(failed++, i, r["result"]);
                    }
                } else if (status == "rejected") {
                    txs[i].done = true;
                    ++acked[i % accounts];
                    report_failure(failed++, i, r["result"]);
                    progress = true;
                }
            }
        }
        return progress;
    };
    while (committed + failed < count && Clock::now() - start < std::chrono::duration<double>(o.duration_s)) {
        const uint64_t height = height_now();
        if (height == UINT64_MAX) {  // node unreachable (crash tests): retry later, not in a spin
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        std::vector<size_t> found;
        if (height > scanned) {
            for (uint64_t h = scanned + 1; h <= height; ++h) {
                json b = call({{"jsonrpc", "2.0"}, {"id", h}, {"method", "chain_getBlock"}, {"params", {{"height", h}}}});
                if (!b.is_object() || !b.contains("result")) break;
                for (const json& id : b["result"].value("transactions", json::array())) {
                    auto it = index_of.find(id.get<std::string>());
                    if (it != index_of.end() && !txs[it->second].done) found.push_back(it->second);
                }
                scanned = h;
            }
        }
        if (Clock::now() - last_full >= std::chrono::seconds(2)) {
            last_full = Clock::now();
            const size_t limit = std::min(next.load(), count);
            for (size_t i = cursor; i < limit; ++i)
                if (!txs[i].done) found.push_back(i);
        }
        const bool progress = !found.empty() && resolve(found);
        if (out.is_open()) out.flush();
        while (cursor < count && txs[cursor].done) ++cursor;
        if (!progress) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    stop = true;
    for (auto& w : workers) w.join();
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    const auto [p50, p99] = P50P99(latencies_ms);
    return json{{"submitted", submitted.load()}, {"rejected_at_submit", rejected.load()}, {"committed", committed},
                {"failed", failed},           {"seconds", secs},                       {"tx_per_s", static_cast<double>(committed) / secs},
                {"p50_ms", p50},              {"p99_ms", p99},                        {"committed_by_kind", committed_by_kind}};
}

// A signer of the run: its key, address and next nonce.
struct Account {
    SecretKey key;
    Address address;
    uint64_t nonce = 0;
};

Account OpenAccount(const std::string& url, const std::string& chain_id, const SecretKey& key) {
    Account a{key, *DerivePublicKey(key), 0};
    cli::RpcClient r(url);
    r.Login(key, chain_id);
    a.nonce = r.Call("account_get", {{"address", a.address.hex()}}).at("pending_nonce").get<uint64_t>();
    return a;
}

Signed Sign(Account& a, const std::string& chain_id, protocol::TxBody body, const char* kind, const std::string& salt) {
    protocol::Transaction tx;
    tx.chain_id = chain_id;
    tx.sender = a.address;
    tx.nonce = a.nonce++;
    tx.body = std::move(body);
    protocol::SignTx(tx, a.key, Sha256Of(std::string_view(salt)));
    return {protocol::TxId(tx).hex(), ToHex(protocol::EncodeTx(tx)), kind};
}

// Runs setup transactions (closed loop) and requires every one to succeed.
void SetupStep(const std::string& url, size_t accounts, std::vector<Signed> txs, const char* what) {
    if (txs.empty()) return;
    LoadOptions o;
    o.url = url;
    o.accounts = accounts;
    o.batch = 16;
    o.duration_s = 300;
    json r = Drive(o, txs);
    if (r.value("committed", size_t{0}) != txs.size())
        throw std::runtime_error(std::string("setup step '") + what + "' did not commit every transaction: " + r.dump());
}

// The mixed load (docs/performance.md, "The mixed load"): per account, a repeating cycle of six
// transactions — register a work, report revenue on a work split among ten of the load accounts
// (BR and US residents; withheld 15% / 10% by the standard tax contract), buy an NFT edition
// listed by the next account (its royalty paid through that work's split), register, report, and
// transfer one of its own editions to the account after next. (Not the edition it just bought:
// admission checks a transfer against the committed state, so a transfer signed before its buy
// commits is refused.) Setup (not timed): the tax table (governance key from the devnet's
// layout.json), the split work, one NFT work per account with its editions minted, half listed.
struct MixPlan {
    uint64_t split_work = 0;
    std::vector<uint64_t> first_token;  // per account: its collection's first token
    size_t buys_per_account = 0;
};
constexpr size_t MIX_CYCLE = 6;
constexpr int64_t MIX_NFT_PRICE = 5000;  // 50.00 BRL

uint64_t QueryU64(cli::RpcClient& rpc, const std::string& method, const json& params, const char* field) {
    for (int i = 0;; ++i) {
        try {
            return rpc.Call(method, params).at(field).get<uint64_t>();
        } catch (const std::exception& e) {  // the node that answers may lag the one that committed
            if (i >= 50) throw std::runtime_error(method + " " + params.dump() + ": " + e.what());
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

// The setup both the mixed and the reports loads need: the Brazilian withholding table (governance
// key from the devnet's layout.json) and the work split among accounts 0..9; returns its id.
uint64_t SetupSplit(const std::string& url, const std::string& chain_id, const std::string& layout_file,
                    std::vector<Account>& accts, const std::string& tag) {
    const size_t n = accts.size();
    if (n < 10) throw std::runtime_error("the mixed and reports loads need at least 10 accounts (the split has ten payees)");
    std::ifstream lf(layout_file);
    json layout = json::parse(lf, nullptr, false);
    if (!layout.is_object() || !layout.contains("accounts"))
        throw std::runtime_error("--devnet-layout " + layout_file + ": not a devnet layout.json");
    const auto gov_key = SecretKey::FromHexStr(layout["accounts"]["governance"].at("secret_key").get<std::string>());
    const auto tax_br = Address::FromHexStr(layout["accounts"]["tax_br"].at("address").get<std::string>());
    if (!gov_key || !tax_br) throw std::runtime_error("layout.json: bad governance key or tax_br address");
    cli::RpcClient rpc(url);

    // 1. The Brazilian withholding table (as scripts/demo sets it; setting it again changes nothing).
    Account gov = OpenAccount(url, chain_id, *gov_key);
    {
        using protocol::GovContractCall;
        using protocol::ProposeTx;
        const Address tax = protocol::TaxContractAddress();
        const int64_t royalty = cli::ParseIncomeType("royalty"), nft = cli::ParseIncomeType("nft_sale");
        std::vector<Signed> g;
        for (Bytes call : {cli::TaxSetAccountCall("BR", *tax_br), cli::TaxSetRateCall("BR", royalty, "", 1500, 0, 0),
                           cli::TaxSetRateCall("BR", nft, "", 1500, 0, 0), cli::TaxSetTreatyCall("BR", "US", royalty, 1000, 0, 0)})
            g.push_back(Sign(gov, chain_id, ProposeTx{GovContractCall{tax, std::move(call)}}, "propose", tag));
        LoadOptions o;
        o.url = url;
        o.batch = 16;
        o.duration_s = 120;
        json r = Drive(o, g);  // a table already set fails with no_change: fine
        if (r.value("committed", size_t{0}) + r.value("failed", size_t{0}) != g.size())
            throw std::runtime_error("setup: the tax table did not settle: " + r.dump());
    }
    // 2. The split work (account 0).
    const Hash256 fp = Sha256Of(std::string_view("folio-loadgen/" + tag + "/split"));
    protocol::RegisterWorkTx w;
    w.fingerprint = fp;
    w.title = "mix split";
    w.kind = protocol::WorkKind::FILM;
    for (size_t a = 0; a < 10; ++a) w.owners.push_back({accts[a].address, 1000});
    std::sort(w.owners.begin(), w.owners.end(), [](const auto& x, const auto& y) { return x.owner < y.owner; });
    SetupStep(url, n, {Sign(accts[0], chain_id, w, "register_work", tag)}, "the split work");
    return QueryU64(rpc, "work_get", {{"fingerprint", fp.hex()}}, "id");
}

MixPlan SetupMix(const std::string& url, const std::string& chain_id, const std::string& layout_file,
                 std::vector<Account>& accts, size_t buys_per_account, const std::string& tag) {
    const size_t n = accts.size();
    MixPlan plan;
    plan.split_work = SetupSplit(url, chain_id, layout_file, accts, tag);
    plan.buys_per_account = buys_per_account;
    cli::RpcClient rpc(url);
    // Works: one NFT work per account (tx i = account i).
    auto fp_of = [&](const std::string& what) { return Sha256Of(std::string_view("folio-loadgen/" + tag + "/" + what)); };
    std::vector<Signed> works;
    for (size_t a = 0; a < n; ++a) {
        protocol::RegisterWorkTx w;
        w.fingerprint = fp_of("nft/" + std::to_string(a));
        w.title = "mix nft " + std::to_string(a);
        w.kind = protocol::WorkKind::SONG;
        w.owners = {{accts[a].address, 10000}};
        works.push_back(Sign(accts[a], chain_id, w, "register_work", tag));
    }
    SetupStep(url, n, std::move(works), "works");
    // Each account mints its editions (royalty 10% through its work's split) and lists them.
    std::vector<Signed> mints;
    std::vector<uint64_t> nft_work(n);
    for (size_t a = 0; a < n; ++a) {
        nft_work[a] = QueryU64(rpc, "work_get", {{"fingerprint", fp_of("nft/" + std::to_string(a)).hex()}}, "id");
        // Editions [0, buys) are listed for the previous account to buy; [buys, 2 buys) are transferred.
        if (2 * buys_per_account > protocol::MAX_EDITIONS) throw std::runtime_error("too many transactions per account for one collection");
        const auto editions = static_cast<uint32_t>(2 * buys_per_account);
        mints.push_back(Sign(accts[a], chain_id, protocol::NftMintTx{nft_work[a], editions, 1000, 0, true}, "nft_mint", tag));
    }
    SetupStep(url, n, std::move(mints), "mints");
    for (size_t a = 0; a < n; ++a)
        plan.first_token.push_back(QueryU64(rpc, "nft_collection", {{"work", nft_work[a]}}, "first_token"));
    std::vector<Signed> lists;  // tx i = account i % n (Drive's layout)
    for (size_t k = 0; k < buys_per_account; ++k)
        for (size_t a = 0; a < n; ++a)
            lists.push_back(Sign(accts[a], chain_id, protocol::NftListTx{plan.first_token[a] + k, "BRL", MIX_NFT_PRICE}, "nft_list", tag));
    SetupStep(url, n, std::move(lists), "listings");
    return plan;
}

// The run's i-th report: revenue of 1,000.00 BRL + (i % 997) * 0.13 earned in Brazil on the split work.
protocol::ReportRevenueTx MixReport(uint64_t split_work, size_t i) {
    return protocol::ReportRevenueTx{split_work, "BRL", static_cast<int64_t>(100'000 + (i % 997) * 13), 0, 0, "BR", "2026-12"};
}

// The timed mixed transactions: tx i is account i % n's (i / n)-th of the run.
std::vector<Signed> SignMix(const std::string& chain_id, std::vector<Account>& accts, const MixPlan& plan, size_t count,
                            const std::string& seed, const std::string& tag, const std::string& prefix) {
    const size_t n = accts.size();
    std::vector<Signed> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const size_t a = i % n, k = i / n, j = k / MIX_CYCLE;  // j: the cycle's number
        const std::string salt = seed + "/" + tag + "/" + std::to_string(i);
        switch (k % MIX_CYCLE) {
            case 0:
            case 3: {
                protocol::RegisterWorkTx b;
                b.fingerprint = Sha256Of(std::string_view(salt));
                b.title = prefix + " " + std::to_string(i);
                b.kind = protocol::WorkKind::SONG;
                b.owners = {{accts[a].address, 10000}};
                out.push_back(Sign(accts[a], chain_id, b, "register_work", salt));
                break;
            }
            case 1:
            case 4:
                out.push_back(Sign(accts[a], chain_id, MixReport(plan.split_work, i), "report_revenue", salt));
                break;
            case 2:  // buys the j-th edition listed by the next account
                out.push_back(Sign(accts[a], chain_id, protocol::NftBuyTx{plan.first_token[(a + 1) % n] + j, MIX_NFT_PRICE},
                                   "nft_buy", salt));
                break;
            default:  // transfers its own j-th unlisted edition to the account after next
                out.push_back(Sign(accts[a], chain_id,
                                   protocol::NftTransferTx{plan.first_token[a] + plan.buys_per_account + j, accts[(a + 2) % n].address},
                                   "nft_transfer", salt));
        }
    }
    return out;
}

// The reports load: tx i is account i % n's report of revenue earned in Brazil on the split work,
// so each of the ten payees gets one withholding entry per report (the tax report's paging is
// tested with it: tests/e2e/bft_tax_report.sh).
std::vector<Signed> SignReports(const std::string& chain_id, std::vector<Account>& accts, uint64_t split_work, size_t count,
                                const std::string& seed, const std::string& tag) {
    std::vector<Signed> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const std::string salt = seed + "/" + tag + "/" + std::to_string(i);
        out.push_back(Sign(accts[i % accts.size()], chain_id, MixReport(split_work, i), "report_revenue", salt));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: folio-loadgen accounts|run|etcd|reads ...\n");
        return 2;
    }
    std::string mode = argv[1];
    std::string seed = Arg(argc, argv, "seed", "folio-bench");
    size_t accounts = std::stoul(Arg(argc, argv, "accounts", "8"));
    if (mode == "accounts") {
        for (size_t i = 0; i < accounts; ++i) {
            SecretKey sk = DeriveKey(seed, i);
            std::cout << json{{"address", DerivePublicKey(sk)->hex()}, {"secret_key", sk.hex()}}.dump() << "\n";
        }
        return 0;
    }
    if (mode == "etcd") return RunEtcd(argc, argv);
    if (mode == "reads") return RunReads(argc, argv);
    if (mode != "run") {
        std::fprintf(stderr, "folio-loadgen: unknown mode %s\n", mode.c_str());
        return 2;
    }
    LoadOptions o;
    o.url = Arg(argc, argv, "node", "http://127.0.0.1:26657");
    o.accounts = accounts;
    o.concurrency = std::stoul(Arg(argc, argv, "concurrency", "8"));
    o.rate = std::stod(Arg(argc, argv, "rate", "0"));
    o.out_file = Arg(argc, argv, "out", "");
    o.duration_s = std::stod(Arg(argc, argv, "duration-s", "600"));
    o.batch = std::max<size_t>(1, std::stoul(Arg(argc, argv, "batch", "1")));
    const size_t count = std::stoul(Arg(argc, argv, "count", "1000"));
    const std::string prefix = Arg(argc, argv, "title-prefix", "load");
    const std::string mix = Arg(argc, argv, "mix", "registrations");
    if (mix != "registrations" && mix != "mixed" && mix != "reports") {
        std::fprintf(stderr, "folio-loadgen: --mix must be registrations, mixed or reports, not %s\n", mix.c_str());
        return 2;
    }

    cli::RpcClient rpc(o.url);
    const std::string chain_id = rpc.Call("chain_info", json::object()).at("chain_id").get<std::string>();
    std::vector<Account> accts;
    for (size_t a = 0; a < accounts; ++a) accts.push_back(OpenAccount(o.url, chain_id, DeriveKey(seed, a)));
    const std::string run_tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    std::vector<Signed> txs;
    json setup = nullptr;
    if (mix == "mixed" || mix == "reports") {
        const std::string layout = Arg(argc, argv, "devnet-layout", "");
        if (layout.empty()) {
            std::fprintf(stderr, "folio-loadgen: --mix %s needs --devnet-layout FILE (the governance key sets the tax table)\n",
                         mix.c_str());
            return 2;
        }
        const auto t0 = Clock::now();
        MixPlan plan;
        try {
            if (mix == "mixed")
                plan = SetupMix(o.url, chain_id, layout, accts, (count / accounts + MIX_CYCLE) / MIX_CYCLE, run_tag);
            else
                plan.split_work = SetupSplit(o.url, chain_id, layout, accts, run_tag);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "folio-loadgen: setup failed: %s\n", e.what());
            return 1;
        }
        setup = {{"split_work", plan.split_work}, {"seconds", std::chrono::duration<double>(Clock::now() - t0).count()}};
        txs = mix == "mixed" ? SignMix(chain_id, accts, plan, count, seed, run_tag, prefix)
                             : SignReports(chain_id, accts, plan.split_work, count, seed, run_tag);
    } else {
        for (size_t i = 0; i < count; ++i) {
            Account& a = accts[i % accounts];
            protocol::RegisterWorkTx b;
            const std::string salt = seed + "/" + run_tag + "/" + std::to_string(i);
            b.fingerprint = Sha256Of(std::string_view(salt));
            b.title = prefix + " " + std::to_string(i);
            b.kind = protocol::WorkKind::SONG;
            b.owners = {{a.address, 10000}};
            txs.push_back(Sign(a, chain_id, b, "register_work", salt));
        }
    }
    json summary = Drive(o, txs);
    summary["mix"] = mix;
    if (!setup.is_null()) summary["setup"] = setup;
    std::cout << summary.dump() << "\n";
    return summary.value("committed", size_t{0}) == count ? 0 : 1;
}
