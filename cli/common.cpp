// Shared plumbing of the `folio` commands (cli/common.h).
#include <cli/common.h>

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <sodium.h>

#include <cli/args.h>
#include <node/core/hash.h>

namespace folio::cli {

using namespace folio::protocol;

std::string OfflineChainId(const Ctx& c) {
    if (auto id = c.args.Opt("chain-id")) return *id;
    if (const char* cid = std::getenv("FOLIO_CHAIN_ID"); cid && *cid) return cid;
    throw UsageError("--offline needs the chain id: --chain-id ID (or $FOLIO_CHAIN_ID)");
}

std::string AddrTxt(const json& j, const std::string& key, const std::string& dflt) {
    std::string t = Txt(j, key, dflt);
    auto a = Address::FromHexStr(t);
    return a && IsValidPublicKey(*a) ? AddressText(*a) : t;
}

std::string Show(const Address& a) { return AddressText(a); }

std::string ContractEventsHuman(const json& st) {
    std::string h;
    for (const auto& e : st.value("events", json::array())) {
        if (e.value("type", "") != "contract_event") continue;
        const json& d = e.value("decoded", json());
        if (!d.is_object()) {
            h += "\n  event " + Txt(e, "topic_text", Txt(e, "topic")) + " " + Txt(e, "data", "");
            continue;
        }
        std::string line = "\n  " + Txt(d, "kind") + ":";
        bool first = true;
        for (const auto& [k, v] : d.items()) {
            if (k == "kind") continue;
            line += std::string(first ? " " : ", ") + k + " " + (v.is_string() ? AddrTxt(d, k) : v.is_null() ? "-" : v.dump());
            first = false;
        }
        h += line;
    }
    return h;
}

std::string DefaultHome() {
    if (const char* h = std::getenv("FOLIO_HOME")) return h;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.folio";
}

// Reads a password: --password-file, FOLIO_PASSWORD, or a no-echo prompt on the terminal.
std::string ReadPassword(const Ctx& c, const std::string& prompt, bool confirm) {
    if (auto f = c.args.Opt("password-file")) {
        std::ifstream in(*f);
        if (!in) throw CliError("cannot read password file " + *f);
        std::string p;
        std::getline(in, p);
        return p;
    }
    if (const char* p = std::getenv("FOLIO_PASSWORD")) return p;
    if (!isatty(STDIN_FILENO)) throw CliError("no password: use --password-file or FOLIO_PASSWORD, or run on a terminal");
    std::string p = ReadSecretLine(prompt);
    if (confirm && ReadSecretLine("Repeat password: ") != p) throw CliError("passwords do not match");
    return p;
}

std::string ReadSecretLine(const std::string& prompt) {
    bool tty = isatty(STDIN_FILENO);
    if (tty) std::fprintf(stderr, "%s", prompt.c_str());
    termios old{};
    if (tty) {
        tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string p;
    std::getline(std::cin, p);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::fprintf(stderr, "\n");
    }
    return p;
}

void Print(const Ctx& c, const json& j, const std::string& human) {
    if (c.json_out) std::cout << j.dump() << "\n";
    else std::cout << human << (human.empty() || human.back() == '\n' ? "" : "\n");
}
Signer::~Signer() { sodium_memzero(sk.data.data(), sk.data.size()); }

std::string SignerName(const Ctx& c) {
    std::string name = c.args.Opt("key").value_or(std::getenv("FOLIO_KEY") ? std::getenv("FOLIO_KEY") : "");
    if (name.empty()) {
        auto list = c.Keys().List();
        if (!list || list->size() != 1) throw UsageError("choose a signing key with --key NAME");
        name = list->front().name;
    }
    return name;
}

std::unique_ptr<Signer> Unlock(const Ctx& c) { return UnlockNamed(c, SignerName(c)); }

std::unique_ptr<Signer> UnlockNamed(const Ctx& c, const std::string& name) {
    Keystore ks = c.Keys();
    std::string pw = ReadPassword(c, "Password for key '" + name + "': ", false);
    auto sk = ks.Unlock(name, pw);
    sodium_memzero(pw.data(), pw.size());
    if (!sk) throw CliError(sk.error().message);
    auto s = std::make_unique<Signer>();
    s->sk = sk.value().get();
    s->address = *DerivePublicKey(s->sk);
    s->name = name;
    return s;
}

Address SignerAddress(const Ctx& c) {
    auto info = c.Keys().Show(SignerName(c));
    if (!info) throw CliError(info.error().message);
    return info->address;
}

Hash256 RandomAux() {
    Hash256 h;
    randombytes_buf(h.data.data(), h.data.size());
    return h;
}

std::string NodeUrl(const Ctx& c) { return c.node_url; }

// Signs `body` as the signer, submits it, and waits for its outcome unless --no-wait or --offline.
// With --offline (and --nonce) the signed transaction is written as hex to -o FILE or stdout.
json SignAndSend(Ctx& c, TxBody body) {
    auto signer = Unlock(c);
    Transaction tx;
    tx.sender = signer->address;
    tx.body = std::move(body);
    if (auto e = c.args.Opt("expires")) tx.expires_at_ms = ParseTimeMs(*e);
    bool offline = c.args.Flag("offline");
    std::optional<cli::RpcClient> rpc;
    if (offline) {
        tx.chain_id = OfflineChainId(c);
        if (auto n = c.args.Opt("nonce")) tx.nonce = ParseU64(*n, "--nonce");
        else throw UsageError("--offline needs --nonce N");
    } else {
        rpc.emplace(NodeUrl(c));
        json info = rpc->Call("chain_info", json::object());
        tx.chain_id = info.at("chain_id").get<std::string>();
        if (auto n = c.args.Opt("nonce")) {
            tx.nonce = ParseU64(*n, "--nonce");
        } else {
            rpc->Login(signer->sk, tx.chain_id);
            json acct = rpc->Call("account_get", {{"address", signer->address.hex()}});
            tx.nonce = acct.at("pending_nonce").get<uint64_t>();
        }
    }
    if (!SignTx(tx, signer->sk, RandomAux())) throw CliError("signing failed");
    std::string hex = ToHex(EncodeTx(tx));
    std::string hash = TxId(tx).hex();
    if (offline) {
        if (auto o = c.args.Opt("o")) {
            std::ofstream(*o) << hex << "\n";
            Print(c, {{"hash", hash}, {"file", *o}}, "signed transaction " + hash + " written to " + *o);
        } else {
            Print(c, {{"hash", hash}, {"tx", hex}}, hex);
        }
        return nullptr;
    }
    rpc->Call("tx_submit", {{"tx", hex}});
    if (c.args.Flag("no-wait")) return {{"hash", hash}, {"status", "pending"}};
    // Wait for the outcome.
    uint64_t timeout_ms = ParseU64(c.args.Opt("timeout").value_or("60"), "--timeout") * 1000;
    auto start = std::chrono::steady_clock::now();
    bool tty = isatty(STDERR_FILENO) && !c.json_out;
    while (true) {
        json st = rpc->Call("tx_get", {{"hash", hash}});
        std::string status = st.value("status", "");
        if (status == "committed" || status == "rejected") {
            if (tty) std::fprintf(stderr, "\r                                   \r");
            return st;
        }
        auto elapsed = std::chrono::steady_clock::now() - start;
        if (elapsed > std::chrono::milliseconds(timeout_ms))
            throw CliError("transaction " + hash + " still pending after " + std::to_string(timeout_ms / 1000) + " s");
        if (tty) std::fprintf(stderr, "\rwaiting for commit... %lds", static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count()));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

// Fails with the receipt's reason unless the transaction committed successfully.
void RequireSuccess(const json& st) {
    if (st.is_null()) return;
    if (st.value("status", "") == "rejected") {
        const json& e = st.value("error", json::object());
        throw CliError("rejected: " + e.value("message", std::string("unknown reason")) + " (" + e.value("code", std::string("")) + ")");
    }
    if (st.contains("success") && !st["success"].get<bool>()) {
        const json& e = st.value("error", json::object());
        throw CliError("failed in block " + std::to_string(st.value("height", 0)) + ": " +
                       e.value("message", std::string("")) + " (" + e.value("code", std::string("")) + ")");
    }
}

// ---------------------------------------------------------------- answers and output

std::string Txt(const json& j, const std::string& key, const std::string& dflt) {
    if (!j.is_object() || !j.contains(key) || j[key].is_null()) return dflt;
    const json& v = j[key];
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}
uint64_t U64Of(const json& j, const std::string& key) {
    if (!j.is_object() || !j.contains(key)) return 0;
    const json& v = j[key];
    if (v.is_number_unsigned() || v.is_number_integer()) return v.get<uint64_t>();
    if (v.is_string()) {
        try {
            return std::stoull(v.get<std::string>());
        } catch (...) {
            return 0;
        }
    }
    return 0;
}
std::string TimeOf(const json& j, const std::string& key) {
    uint64_t ms = U64Of(j, key);
    return ms == 0 ? "-" : FormatTimeRfc3339(ms);
}

const std::string& Pos(const Ctx& c, size_t i, const char* usage) {
    if (c.args.pos.size() <= i) throw UsageError(std::string("usage: ") + usage);
    return c.args.pos[i];
}

// The first event of `type` in a tx_get answer, or null.
json FindEvent(const json& st, const std::string& type) {
    for (const auto& e : st.value("events", json::array()))
        if (e.value("type", "") == type) return e;
    return nullptr;
}

std::string TxLine(const json& st) {
    return "  tx " + Txt(st, "hash") + " at height " + Txt(st, "height");
}

// Signs and sends; returns the committed outcome, or nullopt when there is nothing more to print
// (--offline: the signed transaction was printed; --no-wait: the submission was printed).
std::optional<json> Send(Ctx& c, TxBody body) {
    json st = SignAndSend(c, std::move(body));
    if (st.is_null()) return std::nullopt;
    RequireSuccess(st);
    if (st.value("status", "") == "pending") {
        Print(c, st, "submitted " + Txt(st, "hash") + " (pending)");
        return std::nullopt;
    }
    return st;
}

// Sends and prints `what` and the tx line (human) or the tx status (JSON).
int SendSimple(Ctx& c, TxBody body, const std::string& what) {
    auto st = Send(c, std::move(body));
    if (!st) return 0;
    Print(c, *st, what + "\n" + TxLine(*st));
    return 0;
}

Session Login(const Ctx& c) {
    Session s;
    s.signer = Unlock(c);
    s.rpc = std::make_unique<RpcClient>(NodeUrl(c));
    json info = s.rpc->Call("chain_info", json::object());
    s.chain_id = info.at("chain_id").get<std::string>();
    s.rpc->Login(s.signer->sk, s.chain_id);
    return s;
}

std::string JoinArray(const json& a, const std::string& sep) {
    std::string s;
    if (!a.is_array()) return s;
    for (const auto& x : a) s += (s.empty() ? "" : sep) + (x.is_string() ? x.get<std::string>() : x.dump());
    return s;
}

std::string TermsHuman(const json& t) {
    std::string s = "  territories " + JoinArray(t.value("territories", json::array()));
    std::string ex = JoinArray(t.value("excluded", json::array()));
    if (!ex.empty()) s += " excluding " + ex;
    s += "\n  rights " + JoinArray(t.value("rights", json::array())) + (t.value("exclusive", false) ? " (exclusive)" : "");
    s += "\n  from " + TimeOf(t, "start_ms") + " until " + TimeOf(t, "end_ms");
    std::string fee = Txt(t, "fee_currency", "").empty() ? "none" : Txt(t, "fee_amount") + " " + Txt(t, "fee_currency");
    s += "\n  fee " + fee + ", royalty " + Txt(t, "royalty_bps", "0") + " bps";
    if (t.value("sublicensable", false)) s += ", sublicensable";
    if (t.value("revocable", false)) s += ", revocable";
    return s;
}

TermsInput TermsFromArgs(const Ctx& c, const char* from_opt, const char* until_opt) {
    TermsInput in;
    in.territories = c.args.Need("territory");
    in.exclude = c.args.Opt("exclude").value_or("");
    in.rights = c.args.Need("rights");
    in.exclusive = c.args.Flag("exclusive");
    in.start_ms = ParseTimeMs(c.args.Need(from_opt));
    in.end_ms = ParseTimeMs(c.args.Need(until_opt));
    in.sublicensable = c.args.Flag("sublicensable");
    return in;
}

}  // namespace folio::cli
