// folio-faultload: the steady mixed load of the fault harness (docs/reliability.md, "The load
// driver"). It keeps work registrations, revenue reports (split, withheld, automatic payouts), NFT
// resales, deposits and the gateway's payout confirmations flowing into a devnet while the
// harness kills, pauses and partitions its nodes, and writes every transaction it saw committed
// (or rejected) as one JSON line.
//
//   folio-faultload --devnet FILE --nodes URL[,URL...] --duration-s D [--rate R] [--out FILE]
//                   [--seed S] [--setup-only] [--no-setup] [--stop-file PATH]
// --stop-file: the load ends early (then drains) as soon as PATH exists; the harness uses it when
// a run of several scenarios decides the end itself.
#include <array>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <cli/args.h>
#include <node/protocol/types.h>

#include "driver.h"

using namespace folio;
using namespace folio::faults;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The devnet's accounts the load signs for (scripts/devnet's names), in this order.
enum Acct : size_t { GOV, GATEWAY, CREATOR, STUDIO, DIST, DIST2, DIST3, ACCOUNT_COUNT };
constexpr const char* ACCOUNT_NAMES[ACCOUNT_COUNT] = {"governance",  "gateway",      "creator",     "studio",
                                                      "distributor", "distributor2", "distributor3"};

constexpr int64_t PAYOUT_THRESHOLD = 2000;  // 20.00 BRL: revenue reports trigger automatic payouts
constexpr int64_t NFT_PRICE = 10000;        // 100.00 BRL

struct Options {
    std::string devnet, out, seed = "faultload";
    std::vector<std::string> nodes;
    Address tax_br;  // from the devnet file
    double duration_s = -1, rate = 8;
    bool setup_only = false, no_setup = false;
    std::string stop_file;
};

[[noreturn]] void Usage(const std::string& why) {
    std::fprintf(
        stderr,
        "folio-faultload: %s\nusage: folio-faultload --devnet FILE --nodes URL[,URL...] --duration-s D [--rate R] "
        "[--out FILE] [--seed S] [--setup-only] [--no-setup] [--stop-file PATH]\n",
        why.c_str());
    std::exit(2);
}

double PositiveNumber(const std::string& text, const std::string& what, bool zero_ok) {
    size_t used = 0;
    double v = -1;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) { used = 0; }
    if (used != text.size() || !(v > 0 || (zero_ok && v == 0)) || v > 1e7)
        Usage(what + " must be a positive number: " + text);
    return v;
}

Options ParseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) Usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--devnet") o.devnet = value();
        else if (a == "--nodes") {
            const std::string list = value();
            size_t pos = 0;
            while (pos <= list.size()) {
                size_t comma = std::min(list.find(',', pos), list.size());
                if (comma > pos) o.nodes.push_back(list.substr(pos, comma - pos));
                pos = comma + 1;
            }
        } else if (a == "--duration-s") o.duration_s = PositiveNumber(value(), "--duration-s", true);
        else if (a == "--rate") o.rate = PositiveNumber(value(), "--rate", false);
        else if (a == "--out") o.out = value();
        else if (a == "--seed") o.seed = value();
        else if (a == "--setup-only") o.setup_only = true;
        else if (a == "--no-setup") o.no_setup = true;
        else if (a == "--stop-file") o.stop_file = value();
        else Usage("unknown option " + a);
    }
    if (o.devnet.empty()) Usage("--devnet is required");
    if (o.nodes.empty()) Usage("--nodes is required");
    for (const std::string& n : o.nodes)
        if (n.rfind("http://", 0) != 0 && n.rfind("https://", 0) != 0)
            Usage("a node URL must start with http:// or https://: " + n);
    if (o.duration_s < 0 && !o.setup_only) Usage("--duration-s is required");
    if (o.setup_only && o.no_setup) Usage("--setup-only and --no-setup exclude each other");
    return o;
}

// chain id and the signers, from scripts/devnet's devnet.json.
bool LoadDevnet(const std::string& path, std::string& chain_id, std::vector<Signer>& signers, Address& tax_br,
                std::string& err) {
    std::ifstream in(path);
    if (!in) {
        err = "cannot read " + path;
        return false;
    }
    json j = json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("chain_id") || !j["chain_id"].is_string() || !j.contains("accounts")) {
        err = path + " is not a devnet.json (chain_id, accounts)";
        return false;
    }
    chain_id = j["chain_id"].get<std::string>();
    for (const char* name : ACCOUNT_NAMES) {
        const json& a = j["accounts"].value(name, json(nullptr));
        auto sk = a.is_object() && a.contains("secret_key") && a["secret_key"].is_string()
                      ? SecretKey::FromHexStr(a["secret_key"].get<std::string>())
                      : std::nullopt;
        auto pk = sk ? DerivePublicKey(*sk) : std::nullopt;
        if (!pk) {
            err = path + ": account " + name + " has no valid secret_key";
            return false;
        }
        if (a.value("address", "") != pk->hex()) {
            err = path + ": account " + name + "'s address does not match its key";
            return false;
        }
        signers.push_back({name, *sk, *pk});
    }
    const json& t = j["accounts"].value("tax_br", json(nullptr));
    auto tax = t.is_object() && t.contains("address") && t["address"].is_string()
                   ? ParseAddress(t["address"].get<std::string>())
                   : std::nullopt;
    if (!tax) {
        err = path + ": account tax_br has no valid address";
        return false;
    }
    tax_br = *tax;
    return true;
}

// The token resold back and forth between distributor and distributor2 (creator lists it first).
struct NftMachine {
    uint64_t token = 0;
    bool enabled = false;
    std::optional<size_t> owner;  // an account of ours; nullopt = someone else (the machine stops)
    bool listed = false;
    int64_t price = 0;
    bool busy = false;    // a step is outstanding
    bool resync = false;  // read the token before the next step
};

class Load {
public:
    Load(Options opt, Driver& d, std::vector<Signer> signers)
        : m_opt(std::move(opt)),
          m_d(d),
          m_signers(std::move(signers)),
          m_rng(std::hash<std::string>{}(m_opt.seed)),
          m_run_tag(std::to_string(
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count())) {}

    bool StartNonces(std::string& err);
    bool Setup(std::string& err);
    void Run();
    json SetupJson() const { return m_setup; }
    uint64_t PayoutsConfirmed() {
        std::lock_guard lock(m_mu);
        return m_payouts_confirmed;
    }

private:
    bool SendAndWait(const std::vector<std::pair<size_t, protocol::TxBody>>& txs,
                     const std::vector<std::string>& ok_codes, std::string& err);
    bool ReadToken(NodeConn* conn, std::string& err);
    bool Generate();  // one transaction of the mix; false when no kind could send now
    bool SendConfirm();
    bool SendRegister();
    bool SendReport();
    bool SendNftStep();
    bool SendDeposit();
    void PollPayouts();

    Options m_opt;
    Driver& m_d;
    std::vector<Signer> m_signers;
    std::mt19937_64 m_rng;
    std::string m_run_tag;
    json m_setup = json::object();
    uint64_t m_work = 0;
    uint64_t m_counter = 0;

    std::mutex m_mu;  // guards what the driver's callbacks touch; taken inside the driver's lock, so never
                      // held while calling the driver
    NftMachine m_nft;
    std::deque<uint64_t> m_confirm_queue;     // pending payouts to confirm
    std::map<uint64_t, bool> m_confirm_sent;  // payout -> a confirmation is outstanding/committed
    uint64_t m_payouts_confirmed = 0;
};

bool Load::StartNonces(std::string& err) {
    for (size_t a = 0; a < ACCOUNT_COUNT; ++a) {
        Answer r = m_d.Query("account_get", {{"address", m_signers[a].address.hex()}}, &m_signers[a], 30s);
        if (!r.ok() || !r.result.is_object() || !r.result.contains("pending_nonce")) {
            err = "account_get for " + m_signers[a].name + " failed: " + r.message;
            return false;
        }
        m_d.SetNextNonce(a, r.result["pending_nonce"].get<uint64_t>());
    }
    return true;
}

// Sends the transactions at once (each account's in nonce order) and waits for all of them.
bool Load::SendAndWait(const std::vector<std::pair<size_t, protocol::TxBody>>& txs,
                       const std::vector<std::string>& ok_codes, std::string& err) {
    std::vector<uint64_t> ids;
    for (const auto& [acct, body] : txs) ids.push_back(m_d.Send(acct, body));
    for (const TxResult& r : m_d.Wait(ids, 90s)) {
        if (r.state == TxState::COMMITTED) continue;
        bool tolerated = false;
        for (const std::string& c : ok_codes) tolerated = tolerated || r.error.rfind(c + ":", 0) == 0;
        if (r.state == TxState::REJECTED && tolerated) continue;
        err = "setup transaction " + r.kind + " " + r.hash +
              (r.state == TxState::OUTSTANDING ? " did not commit within 90 s: " : " failed: ") + r.error;
        return false;
    }
    return true;
}

bool Load::ReadToken(NodeConn* conn, std::string& err) {
    Answer r = conn ? conn->Call("nft_get", {{"token", m_nft.token}})
                    : m_d.Query("nft_get", {{"token", m_nft.token}}, nullptr, 30s);
    if (!r.ok() || !r.result.is_object()) {
        err = "nft_get " + std::to_string(m_nft.token) + ": " + r.message;
        return false;
    }
    std::lock_guard lock(m_mu);
    const std::string owner = r.result.value("owner", "");
    m_nft.owner.reset();
    for (size_t a : {CREATOR, DIST, DIST2})
        if (m_signers[a].address.hex() == owner) m_nft.owner = a;
    m_nft.listed = r.result.value("listed", false);
    m_nft.price = 0;
    if (m_nft.listed) {
        try {
            m_nft.price = cli::ParseMoney(r.result.value("price", "0"), r.result.value("currency", "BRL")).amount;
        } catch (const std::exception& e) {
            err = std::string("nft_get: unreadable price: ") + e.what();
            return false;
        }
    }
    m_nft.enabled = m_nft.owner.has_value() && !r.result.value("burned", false);
    m_nft.resync = false;
    return true;
}

bool Load::Setup(std::string& err) {
    const Address creator = m_signers[CREATOR].address, studio = m_signers[STUDIO].address;
    const Address gateway = m_signers[GATEWAY].address;
    if (!m_opt.no_setup) {
        // The Brazilian withholding table, as scripts/demo sets it.
        using protocol::GovContractCall;
        using protocol::ProposeTx;
        const int64_t royalty = cli::ParseIncomeType("royalty"), fee = cli::ParseIncomeType("licence_fee");
        const Address tax = protocol::TaxContractAddress();
        std::vector<std::pair<size_t, protocol::TxBody>> gov = {
            {GOV, ProposeTx{GovContractCall{tax, cli::TaxSetAccountCall("BR", m_opt.tax_br)}}},
            {GOV, ProposeTx{GovContractCall{tax, cli::TaxSetRateCall("BR", royalty, "", 1500, 0, 0)}}},
            {GOV, ProposeTx{GovContractCall{tax, cli::TaxSetRateCall("BR", fee, "", 1500, 0, 0)}}},
            {GOV, ProposeTx{GovContractCall{tax, cli::TaxSetTreatyCall("BR", "US", royalty, 1000, 0, 0)}}},
            {GOV, ProposeTx{GovContractCall{tax, cli::TaxSetTreatyCall("BR", "US", fee, 1000, 0, 0)}}},
            // Payouts in BRL through the gateway, automatic from 20.00 BRL.
            {CREATOR, protocol::SetPayoutPrefsTx{gateway, "BRL", PAYOUT_THRESHOLD}},
            {STUDIO, protocol::SetPayoutPrefsTx{gateway, "BRL", PAYOUT_THRESHOLD}},
        };
        if (!SendAndWait(gov, {"no_change"}, err)) return false;
    }
    // The base work: its fingerprint comes from the seed, so a second setup (or --no-setup) finds it.
    const Hash256 fp = Sha256Of(std::string_view("folio-faultload/base/" + m_opt.seed));
    Answer w = m_d.Query("work_get", {{"fingerprint", fp.hex()}}, nullptr, 30s);
    if (!w.ok() && !m_opt.no_setup) {
        protocol::RegisterWorkTx reg;
        reg.fingerprint = fp;
        reg.title = "faultload base " + m_opt.seed;
        reg.kind = protocol::WorkKind::FILM;
        reg.owners = cli::ParseShares({creator.hex() + ":7000", studio.hex() + ":3000"});
        if (!SendAndWait({{CREATOR, reg}}, {}, err)) return false;
        for (int i = 0; i < 50 && !w.ok();
             ++i, std::this_thread::sleep_for(200ms))  // a node may lag behind the one that saw it
            w = m_d.Query("work_get", {{"fingerprint", fp.hex()}}, nullptr, 30s);
    }
    if (!w.ok() || !w.result.is_object()) {
        err = "the base work (fingerprint " + fp.hex() + ") is not on the chain: " + w.message;
        return false;
    }
    m_work = w.result.value("id", uint64_t{0});
    // Its NFT editions: ten, royalty 10%, platform fee 2.5%.
    Answer c = m_d.Query("nft_collection", {{"work", m_work}}, nullptr, 30s);
    if (!c.ok() && !m_opt.no_setup) {
        if (!SendAndWait({{CREATOR, protocol::NftMintTx{m_work, 10, 1000, 250, true}}}, {}, err)) return false;
        for (int i = 0; i < 50 && !c.ok(); ++i, std::this_thread::sleep_for(200ms))
            c = m_d.Query("nft_collection", {{"work", m_work}}, nullptr, 30s);
    }
    if (!c.ok() || !c.result.is_object()) {
        err = "work " + std::to_string(m_work) + " has no NFT collection: " + c.message;
        return false;
    }
    m_nft.token = c.result.value("first_token", uint64_t{0});
    if (!ReadToken(nullptr, err)) return false;
    if (!m_opt.no_setup && m_nft.owner == CREATOR && !m_nft.listed) {
        if (!SendAndWait({{CREATOR, protocol::NftListTx{m_nft.token, "BRL", NFT_PRICE}}}, {}, err)) return false;
        for (int i = 0; i < 50; ++i, std::this_thread::sleep_for(200ms)) {
            if (!ReadToken(nullptr, err)) return false;
            if (m_nft.listed) break;
        }
    }
    m_setup = {{"work", m_work},
               {"fingerprint", fp.hex()},
               {"token", m_nft.token},
               {"editions", c.result.value("cap", 0)},
               {"token_owner", m_nft.owner ? json(m_signers[*m_nft.owner].name) : json(nullptr)},
               {"token_listed", m_nft.listed},
               {"run_tag", m_run_tag}};
    return true;
}

bool Load::SendConfirm() {
    uint64_t payout;
    {
        std::lock_guard lock(m_mu);
        if (m_confirm_queue.empty()) return false;
        payout = m_confirm_queue.front();
        m_confirm_queue.pop_front();
    }
    m_d.Send(GATEWAY, protocol::PayoutConfirmTx{payout, "FL-" + m_run_tag + "-" + std::to_string(payout)},
             [this, payout](const TxResult& r) {
                 std::lock_guard lock(m_mu);
                 if (r.success) ++m_payouts_confirmed;
                 else m_confirm_sent.erase(payout);  // still pending later? the poll queues it again
             });
    return true;
}

bool Load::SendRegister() {
    protocol::RegisterWorkTx reg;
    const uint64_t n = m_counter++;
    reg.fingerprint =
        Sha256Of(std::string_view("folio-faultload/" + m_opt.seed + "/" + m_run_tag + "/" + std::to_string(n)));
    reg.title = "faultload " + std::to_string(n);
    reg.kind = protocol::WorkKind::SONG;
    reg.owners = {{m_signers[CREATOR].address, 10000}};
    m_d.Send(CREATOR, reg);
    return true;
}

bool Load::SendReport() {
    const size_t who = std::array<size_t, 3>{DIST, DIST2, DIST3}[m_rng() % 3];
    if (!m_d.CanSend(who)) return false;
    protocol::ReportRevenueTx r;
    r.work = m_work;
    r.currency = "BRL";
    r.amount = 1000 + static_cast<int64_t>(m_rng() % 9001);  // 10.00 .. 100.00
    r.territory = "BR";
    r.period = "faultload";
    m_d.Send(who, r);
    return true;
}

bool Load::SendNftStep() {
    size_t who;
    protocol::TxBody body;
    {
        std::lock_guard lock(m_mu);
        if (!m_nft.enabled || m_nft.busy || m_nft.resync || !m_nft.owner) return false;
        if (m_nft.listed) {
            who = *m_nft.owner == DIST ? DIST2 : DIST;
            body = protocol::NftBuyTx{m_nft.token, m_nft.price};
        } else {
            who = *m_nft.owner;
            body = protocol::NftListTx{m_nft.token, "BRL", NFT_PRICE + static_cast<int64_t>(m_rng() % 5001)};
        }
        m_nft.busy = true;  // reserved: no callback or chore touches the machine while it is busy
    }
    // The driver's lock is taken only with m_mu released: the driver runs callbacks (which take
    // m_mu) under its lock, so the other order can deadlock (found by reading).
    if (!m_d.CanSend(who)) {
        std::lock_guard lock(m_mu);
        m_nft.busy = false;
        return false;
    }
    const bool listing = std::holds_alternative<protocol::NftListTx>(body);
    const int64_t price = listing ? std::get<protocol::NftListTx>(body).price : 0;
    m_d.Send(who, body, [this, who, listing, price](const TxResult& r) {
        std::lock_guard lock(m_mu);
        m_nft.busy = false;
        if (!r.success) {
            m_nft.resync = true;  // read the token before the next step
        } else if (listing) {
            m_nft.listed = true;
            m_nft.price = price;
        } else {
            m_nft.owner = who;
            m_nft.listed = false;
        }
    });
    return true;
}

bool Load::SendDeposit() {
    const size_t to = std::array<size_t, 3>{DIST, DIST2, DIST3}[m_rng() % 3];
    const bool brl = m_rng() % 2 == 0;
    protocol::DepositTx d;
    d.to = m_signers[to].address;
    d.currency = brl ? "BRL" : "USD";
    d.amount = 1000 + static_cast<int64_t>(m_rng() % 99001);
    d.reference = "FL-" + m_run_tag + "-D" + std::to_string(m_counter++);
    m_d.Send(GATEWAY, d);
    return true;
}

// The gateway's side: every pending payout instruction it sees gets one confirmation.
void Load::PollPayouts() {
    if (m_d.ChorePending("payouts")) return;
    m_d.AddChore("payouts", [this](NodeConn& conn) {
        Answer r = conn.Call("payout_list", {{"status", "pending"}}, &m_signers[GATEWAY]);
        if (r.kind == Answer::Kind::TRANSPORT) return false;
        if (!r.ok() || !r.result.is_object() || !r.result.contains("payouts")) return true;
        std::lock_guard lock(m_mu);
        for (const json& p : r.result["payouts"]) {
            const uint64_t id = p.value("id", uint64_t{0});
            if (id == 0 || m_confirm_sent.count(id)) continue;
            m_confirm_sent[id] = true;
            m_confirm_queue.push_back(id);
        }
        return true;
    });
}

bool Load::Generate() {
    // Confirmations first: they are the gateway's duty, the rest is the mix.
    if (m_d.CanSend(GATEWAY) && SendConfirm()) return true;
    static constexpr int WEIGHTS[] = {3, 2, 2, 2};  // register, report, nft, deposit
    int pick = static_cast<int>(m_rng() % 9), kind = 0;
    while (pick >= WEIGHTS[kind]) pick -= WEIGHTS[kind++];
    for (int k = 0; k < 4; ++k, kind = (kind + 1) % 4) {
        switch (kind) {
            case 0:
                if (m_d.CanSend(CREATOR) && SendRegister()) return true;
                break;
            case 1:
                if (SendReport()) return true;
                break;
            case 2:
                if (SendNftStep()) return true;
                break;
            default:
                if (m_d.CanSend(GATEWAY) && SendDeposit()) return true;
        }
    }
    return false;
}

void Load::Run() {
    const auto start = Clock::now();
    const auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_opt.duration_s));
    uint64_t generated = 0;
    auto last_poll = start - 1h;
    while (Clock::now() < end) {
        const auto now = Clock::now();
        if (now - last_poll >= 1s) {
            last_poll = now;
            if (!m_opt.stop_file.empty() && std::filesystem::exists(m_opt.stop_file)) break;
            PollPayouts();
        }
        bool resync = false;
        {
            std::lock_guard lock(m_mu);
            resync = m_nft.resync && !m_nft.busy;
        }
        if (resync && !m_d.ChorePending("nft")) {
            m_d.AddChore("nft", [this](NodeConn& conn) {
                std::string err;
                if (ReadToken(&conn, err)) return true;
                std::fprintf(stderr, "folio-faultload: %s\n", err.c_str());
                return false;
            });
        }
        const auto due = static_cast<uint64_t>(std::chrono::duration<double>(now - start).count() * m_opt.rate);
        while (generated < due) {
            ++generated;  // a slot no kind could use (every window full) is skipped, not made up later
            Generate();
        }
        std::this_thread::sleep_for(10ms);
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options opt = ParseArgs(argc, argv);
    std::string chain_id, err;
    std::vector<Signer> signers;
    if (!LoadDevnet(opt.devnet, chain_id, signers, opt.tax_br, err)) {
        std::fprintf(stderr, "folio-faultload: %s\n", err.c_str());
        return 2;
    }
    DriverOptions dopt;
    dopt.nodes = opt.nodes;
    dopt.chain_id = chain_id;
    dopt.out_file = opt.out;
    Driver driver(dopt, signers);
    if (!driver.Start(err)) {
        std::fprintf(stderr, "folio-faultload: %s\n", err.c_str());
        return 2;
    }
    Load load(opt, driver, signers);
    if (!load.StartNonces(err) || !load.Setup(err)) {
        std::fprintf(stderr, "folio-faultload: setup failed: %s\n", err.c_str());
        driver.Stop();
        return 1;
    }
    std::fprintf(stderr, "folio-faultload: setup %s\n", load.SetupJson().dump().c_str());
    const auto t0 = Clock::now();
    if (!opt.setup_only) {
        load.Run();
        driver.Drain(30s);  // the outstanding ones get 30 s more
    }
    driver.Stop();
    json summary = driver.Summary();
    summary["payouts_confirmed"] = load.PayoutsConfirmed();
    summary["setup"] = load.SetupJson();
    summary["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cout << summary.dump() << std::endl;
    return 0;
}
