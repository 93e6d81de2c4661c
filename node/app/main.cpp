// foliod — the Folio validator node. docs/operations.md describes running one.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <unistd.h>  // environ

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cli/keystore.h>
#include <node/engine/bft_engine.h>
#include <node/engine/consensus_engine.h>
#include <node/api/genesis_json.h>
#include <node/chain/node.h>
#include <node/api/api.h>
#include <node/api/settlement_stream.h>
#include <node/log/log.h>
#include <node/metrics/metrics.h>
#include <node/rpc/server.h>

#include <node/app/config.h>
#include <node/app/readiness.h>
#include <node/explorer/explorer.h>
#include <node/statesync/producer.h>
#include <node/statesync/restore.h>

#include "genesis_cmd.h"
#include "snapshot_cmd.h"
#include "serve_metrics.h"

namespace po = boost::program_options;
using namespace folio;

namespace {

volatile std::sig_atomic_t g_stop = 0;  // the signal that asks to stop, 0 until then
void OnSignal(int sig) { g_stop = sig; }

constexpr const char* LEVELS = "trace, debug, info, warn, error";

log::Level ParseLevelFlag(const std::string& v) {
    auto l = log::ParseLevel(v);
    if (!l || *l == log::Level::OFF)
        throw std::runtime_error("--log-level must be one of " + std::string(LEVELS) + " (got \"" + v + "\")");
    return *l;
}

log::Format ParseFormatFlag(const std::string& v) {
    auto f = log::ParseFormat(v);
    if (!f) throw std::runtime_error("--log-format must be text or json (got \"" + v + "\")");
    return *f;
}

// The RPC server's operator events (node/rpc/dispatcher.h), written to the log as component "rpc".
void LogRpcEvent(const rpc::RpcEvent& e) {
    const char* what = rpc::RpcEventName(e.kind);
    switch (e.kind) {
        case rpc::RpcEvent::Kind::INTERNAL_ERROR:
            log::Error("rpc", what, {{"method", e.method}, {"peer", e.peer}, {"error", e.error}});
            break;
        case rpc::RpcEvent::Kind::ACCEPT_FAILED:
        case rpc::RpcEvent::Kind::IO_THREAD_ERROR:
            log::Error("rpc", what, {{"error", e.error}});
            break;
        case rpc::RpcEvent::Kind::CONNECTION_REFUSED:
            log::Warn("rpc", what, {{"peer", e.peer}, {"error", e.error}});
            break;
        case rpc::RpcEvent::Kind::CONNECTION_DROPPED:
            log::Debug("rpc", what, {{"peer", e.peer}, {"error", e.error}});
            break;
    }
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The first line of a password file (a trailing CR LF or LF is not part of the password).
std::string ReadPasswordFile(const std::string& path) {
    std::string text = ReadFile(path);
    const auto nl = text.find('\n');
    if (nl != std::string::npos) text.resize(nl);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) throw std::runtime_error("password file " + path + " is empty");
    return text;
}

// Where the validator key's password comes from: --key-password-file (or FOLIOD_KEY_PASSWORD_FILE,
// or key-password-file in the config file: config.h), else the systemd credential "foliod-key-password"
// ($CREDENTIALS_DIRECTORY/foliod-key-password, LoadCredential=); empty if none is given.
std::string PasswordFileOf(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
        const std::string p = std::string(dir) + "/foliod-key-password";
        if (std::ifstream(p).good()) return p;
    }
    return {};
}

bool IsPlainHexKey(const std::string& text) {
    std::string t = text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t.size() == 64 &&
           std::all_of(t.begin(), t.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// The validator's secret key from `key_file` (docs/operations.md, "The validator key"): an
// encrypted key file (the wallet keystore's format) unlocked with the password file, or — only
// with --insecure-plaintext-key — 64 hex characters. Throws with one clear line otherwise.
cli::ScopedSecretKey LoadValidatorKey(const std::string& key_file, const std::string& password_flag,
                                      bool allow_plaintext) {
    std::ifstream probe(key_file, std::ios::binary);
    if (!probe) throw std::runtime_error("cannot read the validator key file " + key_file);
    std::string head(128, '\0');
    probe.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(probe.gcount()));
    if (IsPlainHexKey(head)) {
        if (!allow_plaintext)
            throw std::runtime_error(
                "PLAINTEXT_KEY: the validator key file " + key_file +
                " holds an unencrypted secret key; encrypt it with `foliod key encrypt --in " + key_file +
                " --out NEW_FILE --password-file PW` and start with --key-password-file PW, or pass "
                "--insecure-plaintext-key (docs/operations.md, \"The validator key\")");
        std::string hex = ReadFile(key_file);
        while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
        auto sk = SecretKey::FromHexStr(hex);
        sodium_memzero(hex.data(), hex.size());
        if (!sk || !IsValidSecretKey(*sk)) throw std::runtime_error("the validator key file holds no valid secret key");
        log::Warn("main", "the validator key is stored unencrypted (--insecure-plaintext-key)", {{"file", key_file}});
        cli::ScopedSecretKey out(*sk);
        sodium_memzero(sk->data.data(), sk->data.size());
        return out;
    }
    const std::string pw_file = PasswordFileOf(password_flag);
    if (pw_file.empty())
        throw std::runtime_error("NO_PASSWORD: the validator key file " + key_file +
                                 " is encrypted: give its password file with --key-password-file or "
                                 "FOLIOD_KEY_PASSWORD_FILE (docs/operations.md, \"The validator key\")");
    std::string password = ReadPasswordFile(pw_file);
    auto sk = cli::UnlockKeyFileAt(key_file, password);
    sodium_memzero(password.data(), password.size());
    if (!sk)
        throw std::runtime_error(std::string(cli::KeystoreErrcName(sk.error().code)) +
                                 ": cannot unlock the validator key: " + sk.error().message);
    return *sk;
}

SecretKey NewSecretKey() {
    SecretKey sk;
    do randombytes_buf(sk.data.data(), sk.data.size());
    while (!IsValidSecretKey(sk));
    return sk;
}

cli::KdfStrength KdfFlag(const std::string& v) {
    if (v.empty()) return cli::KdfStrengthFromEnv();
    auto k = cli::ParseKdfStrength(v);
    if (!k) throw std::runtime_error("--kdf must be interactive, moderate or sensitive (got \"" + v + "\")");
    return *k;
}

// Writes `sk` encrypted to `out` (never replacing a file) and prints {"address"}.
int WriteEncryptedKey(const SecretKey& sk, const std::string& out, const std::string& password_file,
                      const std::string& kdf) {
    std::string password = ReadPasswordFile(password_file);
    auto info = cli::WriteKeyFileAt(out, "validator", password, sk, KdfFlag(kdf));
    sodium_memzero(password.data(), password.size());
    if (!info)
        throw std::runtime_error(std::string(cli::KeystoreErrcName(info.error().code)) + ": " + info.error().message);
    std::cout << nlohmann::json{{"address", info->address.hex()}, {"key_file", out}}.dump() << "\n";
    return 0;
}

// foliod keygen [--out FILE --password-file PW [--kdf K]]: without --out, prints a fresh key as
// JSON {secret_key, address} (for genesis files and tests); with it, writes the key encrypted.
int Keygen(int argc, char** argv) {
    po::options_description d("foliod keygen options");
    std::string out, pw, kdf;
    d.add_options()("out", po::value(&out), "write the key encrypted to this new file")(
        "password-file", po::value(&pw), "the password (first line) for --out")(
        "kdf", po::value(&kdf), "Argon2id cost: interactive, moderate (default) or sensitive");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
    SecretKey sk = NewSecretKey();
    int rc = 0;
    if (out.empty()) {
        if (!pw.empty()) throw std::runtime_error("--password-file needs --out");
        std::cout << nlohmann::json{{"secret_key", sk.hex()}, {"address", DerivePublicKey(sk)->hex()}}.dump() << "\n";
    } else {
        if (pw.empty()) throw std::runtime_error("--out needs --password-file");
        rc = WriteEncryptedKey(sk, out, pw, kdf);
    }
    sodium_memzero(sk.data.data(), sk.data.size());
    return rc;
}

// foliod key encrypt --in PLAIN --out FILE --password-file PW [--kdf K]
int KeyEncrypt(int argc, char** argv) {
    po::options_description d("foliod key encrypt options");
    std::string in, out, pw, kdf;
    d.add_options()("in", po::value(&in)->required(), "a file holding a secret key as 64 hex characters")(
        "out", po::value(&out)->required(), "the encrypted key file to create (never replaced)")(
        "password-file", po::value(&pw)->required(), "the password (first line)")(
        "kdf", po::value(&kdf), "Argon2id cost: interactive, moderate (default) or sensitive");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
    std::string hex = ReadFile(in);
    if (!IsPlainHexKey(hex)) throw std::runtime_error(in + " does not hold a secret key as 64 hex characters");
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
    auto sk = SecretKey::FromHexStr(hex);
    sodium_memzero(hex.data(), hex.size());
    if (!sk || !IsValidSecretKey(*sk)) throw std::runtime_error(in + " does not hold a valid secret key");
    const int rc = WriteEncryptedKey(*sk, out, pw, kdf);
    sodium_memzero(sk->data.data(), sk->data.size());
    return rc;
}

// glibc's malloc raises its mmap threshold to the size of each large block it frees (up to 32
// MiB), so after the first few large messages (batches up to a 16 MiB frame) every later one is
// carved from a thread's arena, and freed arena memory mostly stays resident: measured under
// S19 (docs/reliability.md), +130 MiB of RSS with the dynamic threshold against +50 MiB with a
// fixed one. A fixed threshold keeps blocks of LARGE_ALLOC_BYTES and more in their own mappings,
// returned to the kernel when freed.
constexpr int LARGE_ALLOC_BYTES = 256 << 10;

void TuneAllocator() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, LARGE_ALLOC_BYTES);  // setting it turns the dynamic threshold off
#endif
}

int PrintAddress(const std::string& secret_hex) {
    auto sk = SecretKey::FromHexStr(secret_hex);
    if (!sk || !IsValidSecretKey(*sk)) throw std::runtime_error("not a valid secret key");
    std::cout << DerivePublicKey(*sk)->hex() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    TuneAllocator();
    // The logger (and the fatal path through it) from the first line on; the flags below refine it.
    log::Configure(log::Level::INFO, log::Format::TEXT);
    if (sodium_init() < 0) {
        log::Error("main", "libsodium failed to initialise");
        return 1;
    }
    // The tools (keys, genesis): a refusal is one plain line on stderr, exit 1.
    try {
        if (argc >= 2 && std::string(argv[1]) == "keygen") return Keygen(argc - 1, argv + 1);
        if (argc >= 3 && std::string(argv[1]) == "key" && std::string(argv[2]) == "encrypt")
            return KeyEncrypt(argc - 2, argv + 2);
        if (argc >= 3 && std::string(argv[1]) == "address") return PrintAddress(argv[2]);
        if (argc >= 2 && std::string(argv[1]) == "genesis") return app::GenesisCommand(argc - 1, argv + 1);
        if (argc >= 2 && std::string(argv[1]) == "snapshot") return app::SnapshotCommand(argc - 1, argv + 1);
    } catch (const std::exception& e) {
        std::cerr << "foliod: " << e.what() << "\n";
        return 1;
    }
    try {

        po::options_description desc("foliod options");
        std::string home, genesis_file, key_file, key_password_file, rpc_listen;
        chain::NodeConfig cfg;
        engine::SoloConfig solo;
        size_t rpc_threads = 2;
        size_t state_cache_mb = 256;
        size_t state_values_cache_mb = 32;
        rpc::ServerConfig rcfg;
        uint64_t rate_per_s = 2000;
        uint64_t header_timeout_ms = 30000, ws_write_timeout_ms = 30000, ws_idle_timeout_ms = 120000;
        std::string p2p_listen;
        std::vector<std::string> peer_specs, observer_keys, state_sync_servers;
        statesync::ProducerConfig snapshots;
        size_t state_sync_min_agree = 2;
        engine::BftConfig bft;
        std::string log_level, log_format;
        std::string config_file;
        app::ReadyPolicy ready_policy;
        desc.add_options()("help,h", "show this help")("version", "print foliod's version and exit")(
            "config", po::value(&config_file),
            "TOML file of settings (keys are these options' names; also $FOLIOD_CONFIG); the command line and "
            "FOLIOD_* variables override it (docs/operations.md, \"Configuration\")")(
            "log-level", po::value(&log_level)->default_value("info"),
            "least severe log level written: trace, debug, info, warn or error")(
            "log-format", po::value(&log_format)->default_value("text"),
            "log line format: text or json (docs/operations.md, \"Logs\")")("home", po::value(&home)->required(),
                                                                            "data directory (created if missing)")(
            "genesis", po::value(&genesis_file)->required(), "genesis JSON file")(
            "validator-key-file", po::value(&key_file), "this validator's encrypted key file (foliod keygen --out)")(
            "key-password-file", po::value(&key_password_file),
            "file whose first line is the key file's password (else $FOLIOD_KEY_PASSWORD_FILE, else the systemd "
            "credential foliod-key-password)")(
            "insecure-plaintext-key", "accept a validator key file holding the secret key as plain hex (tests only)")(
            "rpc-listen", po::value(&rpc_listen)->default_value("127.0.0.1:26657"), "JSON-RPC HOST:PORT")(
            "metrics-listen", po::value<std::string>()->default_value("127.0.0.1:26660"),
            "Prometheus metrics HOST:PORT, served at GET /metrics; empty: off (docs/operations.md, \"Metrics\")")(
            "rpc-threads", po::value(&rpc_threads)->default_value(2), "JSON-RPC server threads")(
            "rpc-max-body", po::value(&rcfg.max_body_bytes)->default_value(1u << 20), "largest request body (bytes)")(
            "rpc-max-batch", po::value(&rcfg.dispatch.max_batch)->default_value(100), "longest JSON-RPC batch")(
            "rpc-max-connections", po::value(&rcfg.max_connections)->default_value(1024), "concurrent RPC connections")(
            "rpc-max-connections-per-ip", po::value(&rcfg.max_connections_per_ip)->default_value(128),
            "concurrent RPC connections from one remote address (0: no bound)")(
            "rpc-rate", po::value(&rate_per_s)->default_value(2000),
            "requests per second per account (or IP when unauthenticated); burst is twice that; 0 disables")(
            "rpc-login-rate", po::value(&rcfg.auth.challenge_rate.per_second)->default_value(10),
            "auth_challenge calls (so logins) per second per remote address; 0 disables")(
            "rpc-login-burst", po::value(&rcfg.auth.challenge_rate.burst)->default_value(100),
            "burst of auth_challenge calls per remote address")(
            "rpc-max-tokens", po::value(&rcfg.auth.max_tokens)->default_value(100000),
            "bearer tokens held; past it the least valuable token is evicted (docs/rpc.md)")(
            "rpc-max-tokens-per-account", po::value(&rcfg.auth.max_tokens_per_account)->default_value(16),
            "bearer tokens per account; its oldest is revoked past it")(
            "rpc-header-timeout-ms", po::value(&header_timeout_ms)->default_value(30000),
            "a request's header (and an idle keep-alive connection) must arrive within this")(
            "rpc-ws-write-timeout-ms", po::value(&ws_write_timeout_ms)->default_value(30000),
            "a WebSocket client that takes no message for this long is dropped")(
            "rpc-ws-idle-timeout-ms", po::value(&ws_idle_timeout_ms)->default_value(120000),
            "a WebSocket client that sends nothing (not even a pong) for this long is dropped")(
            "ws-queue-bytes", po::value(&rcfg.ws_queue.max_queue_bytes)->default_value(4u << 20),
            "WebSocket outgoing queue per connection (bytes); a subscriber past it gets a stop notice")(
            "tls-cert", po::value(&rcfg.tls_cert_file), "serve RPC over TLS 1.3 with this certificate (PEM)")(
            "tls-key", po::value(&rcfg.tls_key_file), "TLS private key (PEM)")(
            "block-interval-ms", po::value(&solo.block_interval_ms)->default_value(20),
            "how long transactions gather before a block")(
            "empty-block-ms", po::value(&solo.empty_block_ms)->default_value(1000), "empty block interval when idle")(
            "max-block-txs", po::value(&cfg.max_block_txs)->default_value(5000), "transactions per block")(
            "state-cache-mb", po::value(&state_cache_mb)->default_value(256),
            "memory for the state map's node cache, in MiB (120 bytes per node; 0: none)")(
            "state-values-cache-mb", po::value(&state_values_cache_mb)->default_value(32),
            "memory for the cache of committed state values read by execution and RPC, in MiB (0: none)")(
            "mempool-max-txs", po::value(&cfg.mempool.max_txs)->default_value(100000), "mempool capacity")(
            "state-retain-versions", po::value(&cfg.state_retain_versions)->default_value(0),
            "keep the state map's trees of this many newest heights and delete the node records only older "
            "ones use (at least 128; 0: keep every version, an archive node; docs/operations.md, \"Pruning\")")(
            "ledger-retain-blocks", po::value(&cfg.ledger_retain_blocks)->default_value(0),
            "keep the blocks, receipts, transaction index, certificates and settlement events of this many newest "
            "heights and delete older ones (at least 128; 0: keep all, an archive node; docs/operations.md, "
            "\"Pruning\")")(
            "p2p-listen", po::value(&p2p_listen)->default_value("127.0.0.1:26656"),
            "validator transport HOST:PORT (multi-validator chains)")(
            "peer", po::value(&peer_specs)->composing(), "another validator: KEY@HOST:PORT (repeat for each)")(
            "observer", po::value(&observer_keys)->composing(),
            "a read replica's node key allowed to connect and follow this chain (repeat for each; docs/operations.md, "
            "\"Read replicas\")")(
            "state-sync-server", po::value(&state_sync_servers)->composing(),
            "join by state sync: the RPC HOST:PORT of a node that serves snapshots (repeat for each; used only "
            "when the home holds no store yet; docs/operations.md, \"State sync\")")(
            "state-sync-min-agree", po::value(&state_sync_min_agree)->default_value(2),
            "state sync takes a snapshot only when this many of the servers offer the same one (capped at their "
            "number)")(
            "snapshot-interval", po::value(&snapshots.interval)->default_value(0),
            "write a state-sync snapshot every this many heights and serve it at GET /snapshots (0: none)")(
            "snapshot-keep", po::value(&snapshots.keep)->default_value(2), "state-sync snapshots kept on disk")(
            "round-timeout-ms", po::value(&bft.core.base_timeout_ms)->default_value(1000),
            "consensus round timeout (doubles per failed round)")(
            "max-round-timeout-ms", po::value(&bft.core.max_timeout_ms)->default_value(8000),
            "cap of the round timeout back-off")("idle-block-ms", po::value(&bft.idle_block_ms)->default_value(500),
                                                 "a leader with nothing to order waits this long")(
            "exec-backpressure-ms", po::value(&bft.exec_backpressure_ms)->default_value(200),
            "a leader whose executor is behind waits up to this long for it, so blocks grow (0: never)")(
            "verify-threads", po::value(&bft.verify_threads)->default_value(0),
            "signature-verification threads (0: one per hardware thread)")(
            "consensus-retain-blocks", po::value(&bft.retention.retain)->default_value(1u << 18),
            "committed consensus blocks kept on disk for validators that catch up by block sync; older ones "
            "are pruned (docs/consensus.md, \"Pruning\")")(
            "ready-max-lag-blocks", po::value(&ready_policy.max_lag_blocks)->default_value(10),
            "GET /readyz: at most this many ordered blocks not yet executed")(
            "ready-max-block-age-ms", po::value(&ready_policy.max_block_age_ms)->default_value(30000),
            "GET /readyz: the newest executed block at most this old (docs/operations.md, \"Health\")")(
            "no-fsync", "do not fsync commits (benchmarks only: a crash may lose committed blocks)");
        po::variables_map vm;
        app::ConfigSources sources;
        sources.environment = environ;
        sources.command_line_only = {"help", "version", "config"};
        sources.paths = {"home", "genesis", "validator-key-file", "key-password-file", "tls-cert", "tls-key"};
        app::ParseSettings(argc, argv, desc, sources, vm);
        if (vm.count("version")) {
            std::cout << "foliod " << FOLIO_VERSION << "\n";
            return 0;
        }
        if (vm.count("help")) {
            std::cout
                << "usage: foliod --home DIR --genesis FILE --validator-key-file F --key-password-file P [options]\n"
                   "       foliod keygen [--out FILE --password-file P [--kdf K]]\n"
                   "       foliod key encrypt --in PLAIN_HEX_FILE --out FILE --password-file P [--kdf K]\n"
                   "       foliod address SECRET_HEX\n"
                   "       foliod genesis new|add-validator|add-account|set|validate|hash ...   (foliod genesis -h)\n"
                   "       foliod snapshot list|export|import ...   (foliod snapshot -h)\n"
                << desc << "\n";
            return 0;
        }
        po::notify(vm);
        log::Configure(ParseLevelFlag(log_level), ParseFormatFlag(log_format));

        if (cfg.state_retain_versions != 0 && cfg.state_retain_versions < chain::MIN_STATE_RETAIN_VERSIONS)
            throw std::runtime_error("--state-retain-versions must be 0 (keep all) or at least " +
                                     std::to_string(chain::MIN_STATE_RETAIN_VERSIONS) + " (got " +
                                     std::to_string(cfg.state_retain_versions) + ")");
        if (cfg.ledger_retain_blocks != 0 && cfg.ledger_retain_blocks < chain::MIN_STATE_RETAIN_VERSIONS)
            throw std::runtime_error("--ledger-retain-blocks must be 0 (keep all) or at least " +
                                     std::to_string(chain::MIN_STATE_RETAIN_VERSIONS) + " (got " +
                                     std::to_string(cfg.ledger_retain_blocks) + ")");
        cfg.home = home;
        cfg.genesis = api::ParseGenesis(nlohmann::json::parse(ReadFile(genesis_file)));
        cfg.sync_writes = !vm.count("no-fsync");
        cfg.state_cache_bytes = state_cache_mb << 20;
        cfg.state_values_cache_bytes = state_values_cache_mb << 20;
        // The key is unlocked before anything is written: a wrong password leaves the home untouched.
        std::optional<cli::ScopedSecretKey> validator_key;
        if (!key_file.empty()) {
            validator_key.emplace(
                LoadValidatorKey(key_file, key_password_file, vm.count("insecure-plaintext-key") > 0));
            cfg.validator_key = validator_key->get();
        }
        // A BFT validator (a genesis of more than one) moves a damaged store aside and resyncs.
        cfg.quarantine_corrupt_store = cfg.genesis.validators.size() > 1;
        // Joining by state sync (docs/operations.md, "State sync"): only into a home with no store.
        if (!state_sync_servers.empty()) {
            if (statesync::HasStore(home)) {
                log::Info("statesync", "the home holds a store already: starting from it, not from a snapshot");
            } else {
                std::filesystem::create_directories(home);
                statesync::RestoreConfig rc;
                rc.servers = state_sync_servers;
                rc.min_agree = state_sync_min_agree;
                auto source = statesync::ChooseFromServers(rc);
                if (!source) throw std::runtime_error("state sync: " + source.error());
                auto synced = statesync::Install(**source, cfg.genesis, home);
                if (!synced) throw std::runtime_error("state sync: " + synced.error());
            }
        }
        auto node = chain::Node::Open(cfg);
        if (!node) throw std::runtime_error(node.error());
        sodium_memzero(cfg.validator_key.data.data(), cfg.validator_key.data.size());
        chain::Node& n = *node.value();
        if (!n.validator_key()) throw std::runtime_error("a validator key is required (--validator-key-file)");
        bool in_set = false;
        for (const auto& v : n.genesis().validators) in_set = in_set || v.key == *n.validator_key();
        const bool solo_chain = n.genesis().validators.size() == 1;
        // A key outside the genesis set joins a BFT chain as an observer: the validators accept
        // its connections once governance schedules a set that includes it, and it signs from
        // that set's epoch on (docs/consensus.md, "Validator-set changes"). A single-validator
        // chain has no consensus to join.
        if (!in_set && solo_chain) throw std::runtime_error("this node's key is not in the genesis validator set");
        if (!in_set)
            log::Warn("main",
                      "this node's key is not in the genesis validator set: following as an observer until a "
                      "validator-set change includes it",
                      {{"key", n.validator_key()->hex()}});
        if (!solo_chain) {
            auto pc = p2p_listen.rfind(':');
            if (pc == std::string::npos) throw std::runtime_error("--p2p-listen must be HOST:PORT");
            bft.p2p_host = p2p_listen.substr(0, pc);
            bft.p2p_port = static_cast<uint16_t>(std::stoul(p2p_listen.substr(pc + 1)));
            bft.max_batch_txs = cfg.max_block_txs;
            // Committed blocks kept in memory (the rest of the retention is served from disk), and
            // how often the store is pruned: a quarter of that, so a restart re-inserts at most
            // about 1.25 times it (docs/consensus.md, "Pruning").
            if (bft.retention.retain < 64) throw std::runtime_error("--consensus-retain-blocks must be at least 64");
            bft.core.retain_committed = std::min<uint64_t>(bft.retention.retain, 4096);
            bft.retention.prune_every = std::max<uint64_t>(bft.core.retain_committed / 4, 16);
            // A validator far behind fetches the chain backwards from a certified tip and holds it
            // as orphans until it reaches a block it has: the bound is how far behind it may fall
            // and still catch up (docs/operations.md, "Catching up"). Only blocks chained by hash
            // from a requested id are held, so a peer cannot fill it with made-up ones.
            bft.core.max_orphans = 1u << 18;
            for (const std::string& k : observer_keys) {
                auto key = ParseAddress(k);
                if (!key || !IsValidPublicKey(*key)) throw std::runtime_error("--observer: not a node key: " + k);
                bft.observers.push_back(*key);
            }
            for (const std::string& spec : peer_specs) {
                auto at = spec.find('@'), c2 = spec.rfind(':');
                if (at == std::string::npos || c2 == std::string::npos || c2 < at)
                    throw std::runtime_error("--peer must be KEY@HOST:PORT: " + spec);
                auto key = ParseAddress(spec.substr(0, at));
                if (!key) throw std::runtime_error("--peer: bad key in " + spec);
                bft.peers.push_back(
                    {*key, spec.substr(at + 1, c2 - at - 1), static_cast<uint16_t>(std::stoul(spec.substr(c2 + 1)))});
            }
        }

        auto colon = rpc_listen.rfind(':');
        if (colon == std::string::npos) throw std::runtime_error("--rpc-listen must be HOST:PORT");
        rcfg.bind_address = rpc_listen.substr(0, colon);
        rcfg.port = static_cast<uint16_t>(std::stoul(rpc_listen.substr(colon + 1)));
        rcfg.threads = rpc_threads;
        rcfg.chain_id = n.chain_id();
        rcfg.dispatch.rate.per_second = static_cast<uint32_t>(rate_per_s);
        rcfg.dispatch.rate.burst = static_cast<uint32_t>(rate_per_s * 2);
        rcfg.dispatch.log = LogRpcEvent;
        rcfg.header_timeout = std::chrono::milliseconds(std::max<uint64_t>(1, header_timeout_ms));
        rcfg.ws_write_timeout = std::chrono::milliseconds(std::max<uint64_t>(1, ws_write_timeout_ms));
        rcfg.ws_idle_timeout = std::chrono::milliseconds(std::max<uint64_t>(2, ws_idle_timeout_ms));
        rcfg.auth.is_known = [&n](const Address& a) { return api::IsKnownAccount(n, a); };
        // Metrics (docs/operations.md, "Metrics"): the chain and the RPC dispatcher count into the
        // registry from here on; the listener starts with the engine (below). Empty: none of it.
        const std::string metrics_listen = vm["metrics-listen"].as<std::string>();
        metrics::Registry metrics_registry;
        if (!metrics_listen.empty()) {
            (void)metrics::ParseHostPort("--metrics-listen", metrics_listen);  // a bad value stops us here
            n.AttachMetrics(metrics_registry);
            rcfg.dispatch.metrics = &metrics_registry;
        }
        // GET /readyz (readiness.h): the engine's figures once it runs; "starting" before, and
        // after it stopped.
        std::mutex ready_mu;
        engine::ConsensusEngine* ready_engine = nullptr;  // guarded by ready_mu
        rcfg.readiness = [&]() -> rpc::Readiness {
            app::ReadyInputs in;
            {
                std::lock_guard lock(ready_mu);
                if (!ready_engine) return {false, R"({"ready":false,"reasons":["starting: consensus is not running"]})"};
                const engine::EngineStatus st = ready_engine->Status();
                in.executed_height = st.executed_height;
                in.ordered_height = st.ordered_height;
                in.peers = st.peers;
            }
            in.now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
            in.head_time_ms = n.Head().time_ms;
            if (auto set = n.ValidatorSet()) {
                in.validators = set->members.size();
                in.in_set = std::find(set->members.begin(), set->members.end(), *n.validator_key()) != set->members.end();
            }
            app::ReadyAnswer a = app::AssessReadiness(in, ready_policy);
            return {a.ready, std::move(a.json)};
        };
        // State-sync snapshots (docs/operations.md, "State sync"): made every --snapshot-interval
        // heights from the engine's anchors, served at GET /snapshots/... on the RPC port.
        snapshots.dir = home + "/snapshots";
        std::atomic<engine::ConsensusEngine*> anchor_engine{nullptr};
        statesync::Producer producer(snapshots, n, [&anchor_engine](uint64_t h) -> std::optional<Bytes> {
            engine::ConsensusEngine* e = anchor_engine.load();
            return e ? e->AnchorAt(h) : std::nullopt;
        });
        const std::string served_dir = snapshots.interval != 0 ? snapshots.dir : std::string();
        rcfg.get_paths = [served_dir](std::string_view target) -> std::optional<rpc::GetAnswer> {
            if (auto e = explorer::ServeExplorer(target)) return rpc::GetAnswer{e->status, std::move(e->body), std::move(e->content_type)};
            auto a = statesync::ServeSnapshotPath(served_dir, target);
            if (!a) return std::nullopt;
            return rpc::GetAnswer{static_cast<unsigned>(a->status), std::move(a->body), std::move(a->content_type)};
        };
        rpc::RpcServer server(rcfg);
        api::SettlementStream stream(n);
        api::RegisterApi(server, n, stream);
        n.OnCommit([&stream, &producer](uint64_t h) {
            stream.Wake();
            producer.OnCommit(h);
        });
        server.Start();

        std::unique_ptr<engine::ConsensusEngine> engine_ptr;
        if (solo_chain) {
            engine_ptr = std::make_unique<engine::SoloEngine>(n, solo);
        } else {
            auto bft_engine = std::make_unique<engine::BftEngine>(n, validator_key->get(), bft);
            engine::BftEngine* raw = bft_engine.get();
            n.OnAdmit([raw](const Hash256& id, ByteView bytes) { raw->Gossip(id, bytes); });
            engine_ptr = std::move(bft_engine);
        }
        engine::ConsensusEngine& engine = *engine_ptr;
        anchor_engine = &engine;
        if (snapshots.interval != 0) producer.Start();
        engine.Start();
        {
            std::lock_guard lock(ready_mu);
            ready_engine = &engine;
        }
        std::unique_ptr<metrics::MetricsServer> metrics_server;  // stops first: declared last
        if (!metrics_listen.empty())
            metrics_server = app::ServeMetrics(metrics_registry, metrics_listen, FOLIO_VERSION, engine, server, stream);
        log::Info("main", "started",
                  {{"chain", n.chain_id()},
                   {"height", n.height()},
                   {"rpc", rcfg.bind_address + ":" + std::to_string(server.Port())},
                   {"engine", solo_chain ? "solo" : "bft"},
                   {"validator", n.validator_key()->hex()}});

        std::signal(SIGINT, OnSignal);
        std::signal(SIGTERM, OnSignal);
        while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (g_stop) log::Info("main", "stopping", {{"signal", g_stop == SIGINT ? "SIGINT" : "SIGTERM"}});
        {
            std::lock_guard lock(ready_mu);
            ready_engine = nullptr;
        }
        producer.Stop();  // before the engine: it may be waiting for an anchor
        anchor_engine = nullptr;
        engine.Stop();
        stream.Stop();
        server.Stop();
        log::Info("main", "stopped", {{"height", n.height()}});
        return 0;
    } catch (const std::exception& e) {
        log::Error("main", "exiting", {{"error", e.what()}});
        return 1;
    }
}
