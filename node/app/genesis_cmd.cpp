#include "genesis_cmd.h"

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <cli/keystore.h>
#include <node/api/genesis_json.h>
#include <node/chain/node.h>

namespace folio::app {
namespace {

namespace po = boost::program_options;
using nlohmann::json;

constexpr const char* USAGE =
    "usage: foliod genesis new FILE --chain-id ID [--time-ms MS] [--governance-threshold N] [--payout-ttl-ms MS]\n"
    "       foliod genesis add-validator FILE --name NAME (--key ADDRESS | --key-file VALIDATOR_KEY_FILE)\n"
    "       foliod genesis add-account FILE --address ADDRESS [--name NAME] [--role ROLE]... [--kyc none|verified]\n"
    "                                  [--residency CC] [--balance CUR=AMOUNT]... [--platform]\n"
    "       foliod genesis add-account FILE --from-json ACCOUNTS_JSON   (an array of account objects)\n"
    "       foliod genesis set FILE [--chain-id ID] [--time-ms MS] [--governance-threshold N] [--payout-ttl-ms MS] [--fx-rate-validity-ms MS]\n"
    "                                  [--platform ADDRESS]\n"
    "       foliod genesis validate FILE    checks a complete document; prints its summary and genesis hash\n"
    "       foliod genesis hash FILE        prints the genesis hash (the chain's identity)\n"
    "The document's fields: genesis/README.md.\n";

json ReadJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return json::parse(ss.str());
    } catch (const json::parse_error& e) {
        throw std::runtime_error(path + " is not JSON: " + e.what());
    }
}

// Checks `doc` (a draft: validators and governance members may still be missing) and writes it to
// `path` through a temporary file and a rename, so the file is either the old or the new document.
void WriteChecked(const std::string& path, const json& doc) {
    auto g = api::ParseGenesisDoc(doc, api::GenesisCompleteness::DRAFT);
    if (!g) throw std::runtime_error(g.error().What() + " (nothing was written)");
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + tmp);
        out << api::GenesisJson(g.value()).dump(2) << "\n";
        out.close();
        if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw std::runtime_error("cannot replace " + path + ": " + ec.message());
}

struct Parsed {
    std::string file;
    po::variables_map vm;
};

// Parses `argv` (argv[0] is the subcommand) against `opts` plus the one positional FILE.
Parsed ParseArgs(int argc, char** argv, po::options_description& opts, const std::string& sub) {
    Parsed p;
    opts.add_options()("help,h", "show this help")("file", po::value(&p.file), "the genesis document");
    po::positional_options_description pos;
    pos.add("file", 1);
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), p.vm);
    if (p.vm.count("help")) {
        std::cout << USAGE << opts << "\n";
        std::exit(0);
    }
    po::notify(p.vm);
    if (p.file.empty()) throw std::runtime_error("foliod genesis " + sub + ": give the genesis FILE\n" + USAGE);
    return p;
}

uint64_t NowMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
}

int New(int argc, char** argv) {
    po::options_description d("foliod genesis new");
    std::string chain_id;
    uint64_t time_ms = 0, threshold = 1, ttl = state::DEFAULT_PAYOUT_TTL_MS;
    d.add_options()("chain-id", po::value(&chain_id)->required(), "the chain's name, e.g. folio-consortium-1")(
        "time-ms", po::value(&time_ms), "genesis time in Unix milliseconds (default: now)")(
        "governance-threshold", po::value(&threshold)->default_value(1), "approvals a governance proposal needs")(
        "payout-ttl-ms", po::value(&ttl)->default_value(state::DEFAULT_PAYOUT_TTL_MS),
        "how long a payout instruction waits for its gateway");
    Parsed p = ParseArgs(argc, argv, d, "new");
    if (std::filesystem::exists(p.file)) throw std::runtime_error(p.file + " exists: foliod genesis new never replaces a file");
    json doc = {{"chain_id", chain_id},
                {"genesis_time_ms", p.vm.count("time-ms") ? time_ms : NowMs()},
                {"governance_threshold", threshold},
                {"payout_ttl_ms", ttl},
                {"validators", json::array()},
                {"accounts", json::array()}};
    WriteChecked(p.file, doc);
    std::cout << json{{"file", p.file}, {"chain_id", chain_id}}.dump() << "\n";
    return 0;
}

int AddValidator(int argc, char** argv) {
    po::options_description d("foliod genesis add-validator");
    std::string name, key, key_file;
    d.add_options()("name", po::value(&name)->required(), "the validator's name (unique)")(
        "key", po::value(&key), "its public key (address), 64 hex digits")(
        "key-file", po::value(&key_file), "or its encrypted validator key file (foliod keygen --out): the address is read from it");
    Parsed p = ParseArgs(argc, argv, d, "add-validator");
    if (key.empty() == key_file.empty()) throw std::runtime_error("foliod genesis add-validator: give exactly one of --key and --key-file");
    if (!key_file.empty()) {
        std::ifstream in(key_file);
        if (!in) throw std::runtime_error("cannot read " + key_file);
        std::stringstream ss;
        ss << in.rdbuf();
        auto kf = cli::ParseKeyFile(ss.str());
        if (!kf) throw std::runtime_error(key_file + " is not a key file: " + kf.error().message);
        key = kf.value().address.hex();
    }
    json doc = ReadJson(p.file);
    if (!doc.is_object()) throw std::runtime_error("genesis: must be an object");
    if (!doc.contains("validators")) doc["validators"] = json::array();
    if (!doc["validators"].is_array()) throw std::runtime_error("genesis: validators: must be an array");
    doc["validators"].push_back({{"name", name}, {"key", key}});
    WriteChecked(p.file, doc);
    std::cout << json{{"validator", name}, {"key", key}}.dump() << "\n";
    return 0;
}

int AddAccount(int argc, char** argv) {
    po::options_description d("foliod genesis add-account");
    std::string name, address, kyc, residency, from_json;
    std::vector<std::string> roles, balances;
    d.add_options()("address", po::value(&address), "the account's address (public key), 64 hex digits")(
        "name", po::value(&name), "a label for people (not on the ledger)")(
        "role", po::value(&roles)->composing(), "a role (repeat): governance, validator, kyc_provider, gateway, "
                                               "fx_oracle, creator, studio, distributor, auditor")(
        "kyc", po::value(&kyc), "none (default) or verified")("residency", po::value(&residency),
                                                               "ISO 3166-1 alpha-2 country of tax residency")(
        "balance", po::value(&balances)->composing(), "an opening balance CUR=AMOUNT, e.g. BRL=1000.00 (repeat)")(
        "platform", "this account receives the NFT platform fees")(
        "from-json", po::value(&from_json), "add every account of this JSON array instead");
    Parsed p = ParseArgs(argc, argv, d, "add-account");
    json doc = ReadJson(p.file);
    if (!doc.is_object()) throw std::runtime_error("genesis: must be an object");
    if (!doc.contains("accounts")) doc["accounts"] = json::array();
    if (!doc["accounts"].is_array()) throw std::runtime_error("genesis: accounts: must be an array");
    size_t added = 0;
    if (!from_json.empty()) {
        if (!address.empty() || !name.empty() || !roles.empty() || !kyc.empty() || !residency.empty() ||
            !balances.empty() || p.vm.count("platform"))
            throw std::runtime_error("foliod genesis add-account: --from-json takes no other account options");
        json list = ReadJson(from_json);
        if (!list.is_array()) throw std::runtime_error(from_json + ": must be a JSON array of account objects");
        for (auto& a : list) doc["accounts"].push_back(a);
        added = list.size();
    } else {
        if (address.empty()) throw std::runtime_error("foliod genesis add-account: --address is required\n" + std::string(USAGE));
        json a = {{"address", address}};
        if (!name.empty()) a["name"] = name;
        if (!roles.empty()) a["roles"] = roles;
        if (!kyc.empty()) a["kyc"] = kyc;
        if (!residency.empty()) a["residency"] = residency;
        if (!balances.empty()) {
            json b = json::object();
            for (const std::string& s : balances) {
                auto eq = s.find('=');
                if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
                    throw std::runtime_error("--balance must be CUR=AMOUNT, e.g. BRL=1000.00 (got \"" + s + "\")");
                const std::string cur = s.substr(0, eq);
                if (b.contains(cur)) throw std::runtime_error("--balance: " + cur + " is given twice");
                b[cur] = s.substr(eq + 1);
            }
            a["balances"] = b;
        }
        doc["accounts"].push_back(a);
        if (p.vm.count("platform")) doc["platform"] = address;
        added = 1;
    }
    WriteChecked(p.file, doc);
    std::cout << json{{"accounts_added", added}, {"accounts", doc["accounts"].size()}}.dump() << "\n";
    return 0;
}

int Set(int argc, char** argv) {
    po::options_description d("foliod genesis set");
    std::string chain_id, platform;
    uint64_t time_ms = 0, threshold = 0, ttl = 0, fx_validity = 0;
    d.add_options()("chain-id", po::value(&chain_id), "the chain's name")("time-ms", po::value(&time_ms),
                                                                           "genesis time in Unix milliseconds")(
        "governance-threshold", po::value(&threshold), "approvals a governance proposal needs")(
        "payout-ttl-ms", po::value(&ttl), "how long a payout instruction waits for its gateway")(
        "fx-rate-validity-ms", po::value(&fx_validity), "how long a posted FX rate converts payouts (default 24 hours)")(
        "platform", po::value(&platform), "the account that receives NFT platform fees");
    Parsed p = ParseArgs(argc, argv, d, "set");
    json doc = ReadJson(p.file);
    if (!doc.is_object()) throw std::runtime_error("genesis: must be an object");
    if (p.vm.count("chain-id")) doc["chain_id"] = chain_id;
    if (p.vm.count("time-ms")) doc["genesis_time_ms"] = time_ms;
    if (p.vm.count("governance-threshold")) doc["governance_threshold"] = threshold;
    if (p.vm.count("payout-ttl-ms")) doc["payout_ttl_ms"] = ttl;
    if (p.vm.count("fx-rate-validity-ms")) doc["fx_rate_validity_ms"] = fx_validity;
    if (p.vm.count("platform")) doc["platform"] = platform;
    if (p.vm.size() <= 1 + p.vm.count("help")) throw std::runtime_error("foliod genesis set: nothing to set\n" + std::string(USAGE));
    WriteChecked(p.file, doc);
    std::cout << json{{"file", p.file}}.dump() << "\n";
    return 0;
}

// Reads a complete document and makes its genesis block (which also runs the ledger's own checks).
std::pair<state::GenesisDoc, chain::GenesisBlock> Complete(const std::string& file) {
    auto g = api::ParseGenesisDoc(ReadJson(file), api::GenesisCompleteness::COMPLETE);
    if (!g) throw std::runtime_error(g.error().What());
    auto block = chain::MakeGenesisBlock(g.value());
    if (!block) throw std::runtime_error("genesis: " + block.error());
    return {std::move(g.value()), std::move(block.value())};
}

int Validate(int argc, char** argv) {
    po::options_description d("foliod genesis validate");
    Parsed p = ParseArgs(argc, argv, d, "validate");
    auto [doc, block] = Complete(p.file);
    size_t members = 0;
    for (const auto& a : doc.accounts) if (protocol::HasRole(a.roles, protocol::Role::GOVERNANCE)) ++members;
    std::cout << json{{"valid", true},
                      {"chain_id", doc.chain_id},
                      {"genesis_hash", block.hash.hex()},
                      {"state_root", block.block.header.state_root.hex()},
                      {"genesis_time_ms", doc.genesis_time_ms},
                      {"validators", doc.validators.size()},
                      {"accounts", doc.accounts.size()},
                      {"governance_members", members},
                      {"governance_threshold", doc.gov_threshold}}
                     .dump()
              << "\n";
    return 0;
}

int Hash(int argc, char** argv) {
    po::options_description d("foliod genesis hash");
    Parsed p = ParseArgs(argc, argv, d, "hash");
    std::cout << Complete(p.file).second.hash.hex() << "\n";
    return 0;
}

}  // namespace

int GenesisCommand(int argc, char** argv) {
    if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help" ||
        std::string(argv[1]) == "help") {
        std::cout << USAGE;
        return argc < 2 ? 2 : 0;
    }
    const std::string sub = argv[1];
    if (sub == "new") return New(argc - 1, argv + 1);
    if (sub == "add-validator") return AddValidator(argc - 1, argv + 1);
    if (sub == "add-account") return AddAccount(argc - 1, argv + 1);
    if (sub == "set") return Set(argc - 1, argv + 1);
    if (sub == "validate") return Validate(argc - 1, argv + 1);
    if (sub == "hash") return Hash(argc - 1, argv + 1);
    throw std::runtime_error("foliod genesis: unknown command \"" + sub + "\"\n" + USAGE);
}

}  // namespace folio::app
