// folio-byzantine: a byzantine validator for the fault harness (scenario S19, docs/reliability.md).
// It holds a real validator key, connects to the honest validators with the real transport
// (node/net) and, for a given time, sends what an honest validator never would:
//
//   folio-byzantine --key-file F --password-file P --chain-id ID --listen HOST:PORT
//                   --peer KEY@HOST:PORT [--peer ...] --duration-s D
//                   (--all | --modes M[,M...]) [--seed S] [--epoch E] [--batch-rate BYTES/s]
//                   [--batch-bytes BYTES] [--max-frame-bytes BYTES]
//
// Modes:
//   malformed    truncated and wrong-type shell messages, unknown types, random bodies (messages.h,
//                Malformed) and consensus messages with bad signatures, ~300 a second
//   raw          every 2 s a fresh connection: the real handshake, then bytes the transport never
//                writes (garbage, a frame failing authentication, a length over the limit, an
//                unknown frame type, an ACCEPT from the dialler); the peer must close it
//   oversized    every 5 s one message of exactly the largest size (max frame - 17 bytes) and one
//                a byte over it (the peer must drop the connection; the transport reconnects)
//   unsolicited  distinct, correctly encoded batches nobody asked for (--batch-bytes each, every
//                tenth 8 MiB), --batch-rate bytes a second to each peer (default 4 MiB/s)
//   future       votes, timeouts and proposals for rounds a billion ahead (and epochs 1000 ahead),
//                correctly signed with the key, ~200 a second
//   requests     BATCH_REQUEST for unknown hashes and CERT_REQUEST for 64 heights, ~1000 a second
//
// The key file is the node's encrypted key file (cli/keystore.h, unlocked as foliod does). At the
// end one JSON line on stdout: what was sent, per mode and per peer. Exit 0 when it ran, 2 on bad
// arguments, 1 when the key does not unlock or no peer ever connected.
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <cli/keystore.h>
#include <node/consensus/crypto.h>
#include <node/net/transport.h>

#include "messages.h"
#include "raw_conn.h"

using namespace folio;
using engine::ShellMsg;
using json = nlohmann::json;

namespace {

struct Args {
    std::string key_file, password_file, chain_id, listen_host;
    uint16_t listen_port = 0;
    std::vector<net::PeerAddr> peers;
    uint64_t duration_s = 30, seed = 1, epoch = 0;
    std::set<std::string> modes;
    uint64_t batch_rate = 4u << 20, batch_bytes = 1u << 20;
    size_t max_frame = 16u << 20;
};

const std::set<std::string> ALL_MODES = {"malformed", "raw", "oversized", "unsolicited", "future", "requests"};

[[noreturn]] void Usage(const std::string& why) {
    std::cerr << "folio-byzantine: " << why
              << "\nusage: folio-byzantine --key-file F --password-file P --chain-id ID --listen HOST:PORT "
                 "--peer KEY@HOST:PORT... --duration-s D (--all | --modes M[,M]) [--seed S] [--epoch E] "
                 "[--batch-rate B] [--batch-bytes B] [--max-frame-bytes B]\n  modes: malformed raw oversized "
                 "unsolicited future requests\n";
    std::exit(2);
}

uint64_t Num(const std::string& s, const char* what) {
    try {
        size_t pos = 0;
        uint64_t v = std::stoull(s, &pos);
        if (pos == s.size()) return v;
    } catch (const std::exception&) {}
    Usage(std::string(what) + " must be a number: " + s);
}

std::pair<std::string, uint16_t> HostPort(const std::string& s) {
    auto c = s.rfind(':');
    if (c == std::string::npos) Usage("expected HOST:PORT: " + s);
    return {s.substr(0, c), static_cast<uint16_t>(Num(s.substr(c + 1), "port"))};
}

Args Parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string f = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) Usage(f + " needs a value");
            return argv[++i];
        };
        if (f == "--key-file") a.key_file = val();
        else if (f == "--password-file") a.password_file = val();
        else if (f == "--chain-id") a.chain_id = val();
        else if (f == "--listen") std::tie(a.listen_host, a.listen_port) = HostPort(val());
        else if (f == "--peer") {
            std::string spec = val();
            auto at = spec.find('@');
            if (at == std::string::npos) Usage("--peer must be KEY@HOST:PORT: " + spec);
            auto key = PublicKey::FromHexStr(spec.substr(0, at));
            if (!key) Usage("--peer key is not 64 hex characters: " + spec);
            auto [h, p] = HostPort(spec.substr(at + 1));
            a.peers.push_back(net::PeerAddr{*key, h, p});
        } else if (f == "--duration-s") a.duration_s = Num(val(), "--duration-s");
        else if (f == "--seed") a.seed = Num(val(), "--seed");
        else if (f == "--epoch") a.epoch = Num(val(), "--epoch");
        else if (f == "--batch-rate") a.batch_rate = Num(val(), "--batch-rate");
        else if (f == "--batch-bytes") a.batch_bytes = Num(val(), "--batch-bytes");
        else if (f == "--max-frame-bytes") a.max_frame = Num(val(), "--max-frame-bytes");
        else if (f == "--all") a.modes = ALL_MODES;
        else if (f == "--modes") {
            std::string v = val();
            for (size_t s = 0; s <= v.size();) {
                size_t e = v.find(',', s);
                if (e == std::string::npos) e = v.size();
                std::string m = v.substr(s, e - s);
                if (!ALL_MODES.count(m)) Usage("unknown mode " + m);
                a.modes.insert(m);
                s = e + 1;
            }
        } else Usage("unknown argument " + f);
    }
    if (a.key_file.empty() || a.password_file.empty() || a.chain_id.empty() || a.listen_host.empty())
        Usage("--key-file, --password-file, --chain-id and --listen are required");
    if (a.peers.empty()) Usage("at least one --peer");
    if (a.modes.empty()) Usage("--all or --modes");
    if (a.batch_bytes < 64 || a.batch_bytes > a.max_frame - 1024) Usage("--batch-bytes out of range");
    return a;
}

std::string ReadFirstLine(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    if (!f || !std::getline(f, line)) throw std::runtime_error("cannot read " + path);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

struct Tally {
    uint64_t messages = 0, bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Args a = Parse(argc, argv);
    std::string password;
    try {
        password = ReadFirstLine(a.password_file);
    } catch (const std::exception& e) {
        std::cerr << "folio-byzantine: " << e.what() << "\n";
        return 1;
    }
    auto unlocked = cli::UnlockKeyFileAt(a.key_file, password);
    if (!unlocked) {
        std::cerr << "folio-byzantine: cannot unlock " << a.key_file << ": " << unlocked.error().message << "\n";
        return 1;
    }
    const SecretKey sk = static_cast<const SecretKey&>(*unlocked);
    consensus::SchnorrSigner signer(sk);
    const PublicKey self = signer.Key();

    boost::asio::io_context io;
    net::TransportConfig tc;
    tc.chain_id = a.chain_id;
    tc.key = sk;
    tc.listen_host = a.listen_host;
    tc.listen_port = a.listen_port;
    tc.peers = a.peers;
    tc.max_frame_bytes = a.max_frame + (1u << 20);  // ours is larger: so it can send over the peers' limit
    tc.send_queue_bytes = 96u << 20;
    net::Transport transport(io, tc);
    std::atomic<uint64_t> recv_msgs{0}, recv_bytes{0};
    transport.OnMessage([&](const PublicKey&, Bytes m) {
        recv_msgs.fetch_add(1);
        recv_bytes.fetch_add(m.size());
    });
    transport.Start();
    auto guard = boost::asio::make_work_guard(io);
    std::thread io_thread([&] { io.run(); });

    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto elapsed_ms = [&] {
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count());
    };
    while (transport.ConnectedPeers().empty() && elapsed_ms() < 15000)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const uint64_t connect_ms = elapsed_ms();
    const bool connected = !transport.ConnectedPeers().empty();

    byz::Rng rng(a.seed);
    std::map<std::string, Tally> sent;
    std::map<std::string, uint64_t> malformed_kinds;
    std::map<PublicKey, uint64_t> unsolicited_bytes;  // batch bytes handed to each peer's connection
    uint64_t batches = 0, batches_deferred = 0, future_round = 1'000'000'000ULL;
    std::mutex raw_mu;
    json raw_results = json::object();
    std::vector<std::thread> raw_threads;
    std::atomic<int> raw_running{0};

    // Each message goes to every connected peer; its tally counts every copy.
    auto to_all = [&](const std::string& mode, const Bytes& m) {
        auto peers = transport.ConnectedPeers();
        for (const PublicKey& p : peers) transport.Send(p, m);
        sent[mode].messages += peers.size();
        sent[mode].bytes += m.size() * peers.size();
        return peers;
    };

    const uint64_t start_attack = elapsed_ms();
    const uint64_t end_ms = start_attack + a.duration_s * 1000;
    uint64_t tick = 0, next_raw = start_attack, next_oversize = start_attack, batch_budget = 0;
    size_t raw_i = 0, peer_i = 0;
    while (connected && elapsed_ms() < end_ms) {
        const uint64_t tick_start = elapsed_ms();
        ++tick;
        if (a.modes.count("malformed")) {
            for (int i = 0; i < 20; ++i) {
                size_t kind = rng.Below(byz::MALFORMED_KINDS);
                ++malformed_kinds[byz::MalformedName(kind)];
                to_all("malformed", byz::Malformed(kind, signer, rng));
            }
            for (int i = 0; i < 10; ++i) {
                consensus::Round r = 1 + rng.Below(1'000'000);
                consensus::Message m = i % 3 == 0   ? byz::FutureVote(signer, a.epoch, r, rng)
                                       : i % 3 == 1 ? byz::FutureTimeout(signer, a.epoch, r)
                                                    : byz::FutureProposal(signer, a.epoch, r, rng);
                ++malformed_kinds["bad_signature"];
                to_all("malformed",
                       byz::Shell(ShellMsg::CONSENSUS, consensus::EncodeMessage(byz::WithBadSignature(m))));
            }
        }
        if (a.modes.count("future")) {
            for (int i = 0; i < 20; ++i) {
                ++future_round;
                const consensus::Epoch ep = i == 19 ? a.epoch + 1000 : a.epoch;
                consensus::Message m = i % 3 == 0   ? byz::FutureVote(signer, ep, future_round, rng)
                                       : i % 3 == 1 ? byz::FutureTimeout(signer, ep, future_round)
                                                    : byz::FutureProposal(signer, ep, future_round, rng);
                to_all("future", byz::Shell(ShellMsg::CONSENSUS, consensus::EncodeMessage(m)));
            }
        }
        if (a.modes.count("requests")) {
            for (int i = 0; i < 50; ++i) {
                to_all("requests", byz::Shell(ShellMsg::BATCH_REQUEST, byz::BatchRequestBody(rng)));
                to_all("requests", byz::Shell(ShellMsg::CERT_REQUEST, byz::CertRequestBody(1 + rng.Below(2000), 64)));
            }
        }
        if (a.modes.count("unsolicited")) {
            batch_budget += a.batch_rate / 10;
            while (batch_budget >= a.batch_bytes) {
                const bool large = batches % 10 == 9;
                const size_t size = large ? std::min<size_t>(8u << 20, a.max_frame - 4096) : a.batch_bytes;
                const size_t tx_bytes = 60 * 1024;
                Bytes b = byz::UnsolicitedBatch(rng, std::max<size_t>(1, size / tx_bytes), tx_bytes, rng.Next());
                Bytes m = byz::Shell(ShellMsg::BATCH, b);
                batch_budget -= std::min(batch_budget, static_cast<uint64_t>(m.size()));
                auto stats = transport.Stats();
                bool sent_one = false;
                for (const PublicKey& p : transport.ConnectedPeers()) {
                    if (stats.peers[p].queued_bytes > (48u << 20)) {
                        ++batches_deferred;  // that peer's queue is full: do not count what would be dropped
                        continue;
                    }
                    transport.Send(p, m);
                    unsolicited_bytes[p] += m.size();
                    sent["unsolicited"].messages += 1;
                    sent["unsolicited"].bytes += m.size();
                    sent_one = true;
                }
                if (sent_one) ++batches;
            }
        }
        if (a.modes.count("oversized") && tick_start >= next_oversize) {
            next_oversize = tick_start + 5000;
            // Largest allowed: the frame is 1 + message + 16 = max. Over: one byte more.
            Bytes under = byz::Shell(ShellMsg::BATCH, rng.Fill(a.max_frame - 17 - 1));
            to_all("oversized_max", under);
            Bytes over = byz::Shell(ShellMsg::BATCH, rng.Fill(a.max_frame - 17));
            to_all("oversized_over", over);
        }
        if (a.modes.count("raw") && tick_start >= next_raw && raw_running.load() == 0) {
            next_raw = tick_start + 2000;
            const byz::RawAttack attack = static_cast<byz::RawAttack>(raw_i++ % byz::RAW_ATTACKS);
            const net::PeerAddr to = a.peers[peer_i++ % a.peers.size()];
            raw_running.fetch_add(1);
            uint64_t seed = rng.Next();
            raw_threads.emplace_back([&, attack, to, seed] {
                byz::Rng r(seed);
                byz::RawResult res = byz::RawAttackOnce(a.chain_id, sk, self, to, attack, a.max_frame, r);
                {
                    std::lock_guard<std::mutex> lock(raw_mu);
                    json& j = raw_results[byz::RawAttackName(attack)];
                    if (j.is_null())
                        j = {{"attempts", 0},
                             {"handshake_ok", 0},
                             {"closed_by_peer", 0},
                             {"not_closed", 0},
                             {"errors", json::object()}};
                    j["attempts"] = j["attempts"].get<int>() + 1;
                    if (res.handshake_ok) {
                        j["handshake_ok"] = j["handshake_ok"].get<int>() + 1;
                        const char* k = res.closed_by_peer ? "closed_by_peer" : "not_closed";
                        j[k] = j[k].get<int>() + 1;
                    } else {
                        json& e = j["errors"][res.error];
                        e = (e.is_null() ? 0 : e.get<int>()) + 1;
                    }
                    sent["raw"].messages += 1;
                    sent["raw"].bytes += res.bytes_sent;
                }
                raw_running.fetch_sub(1);
            });
        }
        const uint64_t spent = elapsed_ms() - tick_start;
        if (spent < 100) std::this_thread::sleep_for(std::chrono::milliseconds(100 - spent));
    }
    const uint64_t attack_ms = elapsed_ms() - start_attack;
    for (auto& t : raw_threads) t.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the queues drain a little
    net::TransportStats st = transport.Stats();
    transport.Stop();
    guard.reset();
    io.stop();
    io_thread.join();

    json out;
    out["self"] = self.hex();
    out["seed"] = a.seed;
    out["modes"] = json::array();
    for (const auto& m : a.modes) out["modes"].push_back(m);
    out["connected"] = connected;
    out["connect_ms"] = connect_ms;
    out["attack_ms"] = attack_ms;
    json js = json::object();
    uint64_t total = 0;
    for (const auto& [mode, t] : sent) {
        js[mode] = {{"messages", t.messages}, {"bytes", t.bytes}};
        total += t.bytes;
    }
    out["sent"] = js;
    out["sent_bytes"] = total;
    out["malformed_kinds"] = malformed_kinds;
    out["unsolicited_batches"] = batches;
    out["unsolicited_deferred"] = batches_deferred;
    out["raw"] = raw_results;
    json peers = json::object();
    for (const auto& [key, ps] : st.peers) {
        peers[key.hex()] = {{"unsolicited_batch_bytes", unsolicited_bytes[key]},
                            {"messages_sent", ps.messages_sent},
                            {"bytes_sent", ps.bytes_sent},
                            {"dropped_queue_full", ps.dropped_queue_full},
                            {"dropped_disconnect", ps.dropped_disconnect},
                            {"connects", ps.connects},
                            {"disconnects", ps.disconnects}};
    }
    out["peers"] = peers;
    out["dropped_oversize"] = st.dropped_oversize;
    out["received"] = {{"messages", recv_msgs.load()}, {"bytes", recv_bytes.load()}};
    std::cout << out.dump() << std::endl;
    if (!connected) {
        std::cerr << "folio-byzantine: no peer connected within 15 s\n";
        return 1;
    }
    return 0;
}
