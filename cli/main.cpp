// folio — the Folio CLI wallet. See docs/cli.md for every command.
// Exit status 0 on success; non-zero with one line on stderr on failure.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cli/common.h>
#include <cli/keystore.h>
#include <cli/rpc_client.h>
#include <cli/settlement.h>
#include <cli/settlement_cmds.h>
#include <vm/asm/assembler.h>
#include <vm/code.h>
#include <node/core/hash.h>
#include <node/protocol/types.h>

using nlohmann::json;
using namespace folio;
using namespace folio::protocol;
using namespace folio::cli;

namespace {

// ---------------------------------------------------------------- keys

int CmdKeys(Ctx& c) {
    if (c.args.pos.size() < 2) throw UsageError("usage: folio keys add|list|show|import|recover NAME");
    const std::string& sub = c.args.pos[1];
    cli::Keystore ks = c.Keys();
    if (sub == "list") {
        json out = json::array();
        std::string human;
        auto list = ks.List();
        if (!list) throw CliError(list.error().message);
        for (const auto& k : list.value()) {
            out.push_back({{"name", k.name}, {"address", k.address.hex()}});
            human += k.name + "  " + k.address.hex() + "\n";
        }
        Print(c, out, human.empty() ? "no keys in " + c.home : human);
        return 0;
    }
    if (c.args.pos.size() < 3) throw UsageError("usage: folio keys " + sub + " NAME");
    const std::string& name = c.args.pos[2];
    if (sub == "show") {
        auto k = ks.Show(name);
        if (!k) throw CliError(k.error().message);
        Print(c, {{"name", k->name}, {"address", k->address.hex()}}, k->address.hex());
        return 0;
    }
    if (sub == "add") {
        std::string pw = ReadPassword(c, "Password for key '" + name + "': ", true);
        auto k = ks.Create(name, pw);
        if (!k) throw CliError(k.error().message);
        std::string words(k->mnemonic.str());
        struct Wipe {
            std::string& s;
            ~Wipe() { sodium_memzero(s.data(), s.size()); }
        } wipe{words};
        Print(c, {{"name", k->info.name}, {"address", k->info.address.hex()}, {"mnemonic", words}},
              "created key '" + name + "'\naddress:  " + k->info.address.hex() +
                  "\nmnemonic: " + words + "\nWrite the mnemonic down: it is the only way to restore this key.");
        return 0;
    }
    if (sub == "recover") {
        std::fprintf(stderr, "Enter the mnemonic: ");
        std::string words;
        std::getline(std::cin, words);
        std::string pw = ReadPassword(c, "Password for key '" + name + "': ", true);
        auto k = ks.Import(name, pw, words);
        if (!k) throw CliError(k.error().message);
        Print(c, {{"name", k->name}, {"address", k->address.hex()}}, "restored key '" + name + "': " + k->address.hex());
        return 0;
    }
    if (sub == "import") {
        auto sk = SecretKey::FromHexStr(c.args.Need("secret-hex"));
        if (!sk) throw UsageError("--secret-hex must be 64 hex characters");
        std::string pw = ReadPassword(c, "Password for key '" + name + "': ", true);
        auto k = ks.ImportSecret(name, pw, *sk);
        sodium_memzero(sk->data.data(), sk->data.size());
        if (!k) throw CliError(k.error().message);
        Print(c, {{"name", k->name}, {"address", k->address.hex()}}, "imported key '" + name + "': " + k->address.hex());
        return 0;
    }
    throw UsageError("unknown command: folio keys " + sub);
}


// ---------------------------------------------------------------- work

Hash256 Fingerprint(const std::string& path, bool progress) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw CliError("cannot open " + path + ": " + std::strerror(errno));
    struct stat stt {};
    fstat(fd, &stt);
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const uint64_t total = static_cast<uint64_t>(stt.st_size);
    std::vector<uint8_t> buf(4u << 20);
    Sha256 h;
    uint64_t done = 0;
    int last_pct = -1;
    bool show = progress && total > (64u << 20) && isatty(STDERR_FILENO);
    while (true) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            throw CliError("cannot read " + path + ": " + std::strerror(errno));
        }
        if (n == 0) break;
        h.Update(ByteView(buf.data(), static_cast<size_t>(n)));
        done += static_cast<uint64_t>(n);
        if (show) {
            int pct = static_cast<int>(done * 100 / total);
            if (pct != last_pct) {
                std::fprintf(stderr, "\rfingerprinting %s: %d%%", path.c_str(), pct);
                last_pct = pct;
            }
        }
    }
    ::close(fd);
    if (show) std::fprintf(stderr, "\r%*s\r", 40 + static_cast<int>(path.size()), "");
    return h.Final();
}

json WorkByFingerprint(cli::RpcClient& rpc, const Hash256& fp) {
    return rpc.Call("work_get", {{"fingerprint", fp.hex()}});
}

std::string WorkHuman(const json& w) {
    std::string s = "work " + std::to_string(w.at("id").get<uint64_t>()) + ": " + w.at("title").get<std::string>() + " (" +
                    w.at("kind").get<std::string>() + ")\n  fingerprint " + w.at("fingerprint").get<std::string>() +
                    "\n  registered at height " + std::to_string(w.at("height").get<uint64_t>()) + "\n  owners:";
    for (const auto& o : w.at("owners"))
        s += "\n    " + o.at("address").get<std::string>() + "  " + std::to_string(o.at("bps").get<int>()) + " bps";
    return s;
}

int CmdWork(Ctx& c) {
    if (auto r = RunWorkSharesCommand(c)) return *r;
    if (auto r = RunWorkCertificateCommand(c, [&](const std::string& f) { return Fingerprint(f, !c.json_out); })) return *r;
    if (c.args.pos.size() < 3) throw UsageError("usage: folio work register|show|find ...");
    const std::string& sub = c.args.pos[1];
    if (sub == "register") {
        const std::string& file = c.args.pos[2];
        RegisterWorkTx b;
        b.fingerprint = Fingerprint(file, !c.json_out);
        b.title = c.args.Need("title");
        auto kind = ParseWorkKind(c.args.Opt("kind").value_or("other"));
        if (!kind) throw UsageError("--kind must be film, series, song, game, book, image or other");
        b.kind = *kind;
        b.ids.isrc = c.args.Opt("isrc").value_or("");
        b.ids.iswc = c.args.Opt("iswc").value_or("");
        b.ids.isan = c.args.Opt("isan").value_or("");
        b.ids.eidr = c.args.Opt("eidr").value_or("");
        b.metadata_uri = c.args.Opt("metadata-uri").value_or("");
        if (auto mh = c.args.Opt("metadata-hash")) {
            auto h = Hash256::FromHexStr(*mh);
            if (!h) throw UsageError("--metadata-hash must be 64 hex characters");
            b.metadata_hash = *h;
        }
        for (const std::string& o : c.args.All("owner")) {
            auto colon = o.find(':');
            if (colon == std::string::npos) throw UsageError("--owner must be ADDR:BPS");
            auto addr = ParseAddress(o.substr(0, colon));
            if (!addr) throw UsageError("--owner: not a valid address: " + o.substr(0, colon));
            unsigned long bps = 0;
            try {
                bps = std::stoul(o.substr(colon + 1));
            } catch (...) {
                throw UsageError("--owner: BPS must be a number: " + o);
            }
            if (bps == 0 || bps > 10000) throw UsageError("--owner: BPS must be 1..10000: " + o);
            b.owners.push_back({*addr, static_cast<uint16_t>(bps)});
        }
        json result;
        if (b.owners.empty()) {
            // The signer owns 100% by default: its address comes from the keystore (no password needed).
            cli::Keystore ks = c.Keys();
            std::string name = c.args.Opt("key").value_or("");
            if (name.empty()) {
                auto list = ks.List();
                if (!list || list->size() != 1) throw UsageError("choose a signing key with --key NAME");
                name = list->front().name;
            }
            auto info = ks.Show(name);
            if (!info) throw CliError(info.error().message);
            b.owners.push_back({info->address, 10000});
        }
        std::sort(b.owners.begin(), b.owners.end(), [](const Share& x, const Share& y) { return x.owner < y.owner; });
        for (size_t i = 1; i < b.owners.size(); ++i)
            if (b.owners[i].owner == b.owners[i - 1].owner) throw UsageError("--owner lists an address twice");
        std::string fp = b.fingerprint.hex();
        result = SignAndSend(c, b);
        if (result.is_null()) return 0;  // offline
        RequireSuccess(result);
        if (result.value("status", "") == "pending") {
            Print(c, {{"fingerprint", fp}, {"tx", result["hash"]}, {"status", "pending"}}, "submitted " + result["hash"].get<std::string>());
            return 0;
        }
        uint64_t work_id = 0;
        for (const auto& e : result.value("events", json::array()))
            if (e.value("type", "") == "work_registered") work_id = e.at("work").get<uint64_t>();
        json out = {{"work_id", work_id}, {"fingerprint", fp}, {"tx", result.at("hash")}, {"height", result.at("height")}};
        Print(c, out,
              "registered work " + std::to_string(work_id) + "\n  fingerprint " + fp + "\n  tx " + result.at("hash").get<std::string>() +
                  "\n  height " + std::to_string(result.at("height").get<uint64_t>()));
        return 0;
    }
    cli::RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        uint64_t id = 0;
        try {
            id = std::stoull(c.args.pos[2]);
        } catch (...) {
            throw UsageError("WORK_ID must be a number");
        }
        json w = rpc.Call("work_get", {{"id", id}});
        Print(c, w, WorkHuman(w));
        return 0;
    }
    if (sub == "find") {
        Hash256 fp = Fingerprint(c.args.pos[2], !c.json_out);
        json w = WorkByFingerprint(rpc, fp);
        Print(c, w, WorkHuman(w));
        return 0;
    }
    throw UsageError("unknown command: folio work " + sub);
}

// ---------------------------------------------------------------- tx, chain, gov

int CmdTx(Ctx& c) {
    if (c.args.pos.size() < 3) throw UsageError("usage: folio tx show HASH | folio tx send FILE");
    const std::string& sub = c.args.pos[1];
    cli::RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        if (c.args.Opt("key")) {
            auto signer = Unlock(c);
            json info = rpc.Call("chain_info", json::object());
            rpc.Login(signer->sk, info.at("chain_id").get<std::string>());
        }
        json t = rpc.Call("tx_get", {{"hash", c.args.pos[2]}});
        Print(c, t, t.dump(2));
        return 0;
    }
    if (sub == "send") {
        std::ifstream in(c.args.pos[2]);
        if (!in) throw CliError("cannot read " + c.args.pos[2]);
        std::string hex;
        in >> hex;
        json r = rpc.Call("tx_submit", {{"tx", hex}});
        Print(c, r, "submitted " + r.at("hash").get<std::string>());
        return 0;
    }
    throw UsageError("unknown command: folio tx " + sub);
}

// folio contract build SRC -o OUT: assembles a contract (docs/vm.md) and validates the bytecode
// as a validator would at deployment. Prints the code hash.
int CmdContract(Ctx& c) {
    if (c.args.pos.size() >= 3 && c.args.pos[1] == "deploy") {
        // folio contract deploy CODE_FILE: a governance proposal to deploy a template.
        std::ifstream in(c.args.pos[2], std::ios::binary);
        if (!in) throw CliError("cannot read " + c.args.pos[2]);
        Bytes code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        json r = SignAndSend(c, ProposeTx{DeployTemplate{std::move(code)}});
        if (r.is_null()) return 0;
        RequireSuccess(r);
        std::string human = "proposal " + r.value("hash", std::string("")) + " " + r.value("status", std::string(""));
        for (const auto& e : r.value("events", json::array())) human += "\n  " + e.dump();
        Print(c, r, human);
        return 0;
    }
    if (c.args.pos.size() < 3 || c.args.pos[1] != "build") throw UsageError("usage: folio contract build SRC -o OUT | folio contract deploy CODE");
    std::ifstream in(c.args.pos[2]);
    if (!in) throw CliError("cannot read " + c.args.pos[2]);
    std::stringstream ss;
    ss << in.rdbuf();
    auto code = vm::Assemble(ss.str());
    if (!code) throw CliError(c.args.pos[2] + ": " + code.error().ToString());
    auto valid = vm::Validate(code.value());
    if (!valid) throw CliError(c.args.pos[2] + ": assembled code fails validation: " + valid.error().message);
    std::string out = c.args.Opt("o").value_or(c.args.Opt("output").value_or(""));
    if (out.empty()) throw UsageError("give the output file with -o OUT");
    std::ofstream f(out, std::ios::binary);
    f.write(reinterpret_cast<const char*>(code->data()), static_cast<std::streamsize>(code->size()));
    if (!f) throw CliError("cannot write " + out);
    std::string hash = vm::CodeHash(code.value()).hex();
    Print(c, {{"file", out}, {"bytes", code->size()}, {"code_hash", hash}},
          "built " + out + " (" + std::to_string(code->size()) + " bytes, code hash " + hash + ")");
    return 0;
}

int CmdFingerprint(Ctx& c) {
    if (c.args.pos.size() < 2) throw UsageError("usage: folio fingerprint FILE");
    Hash256 fp = Fingerprint(c.args.pos[1], !c.json_out);
    Print(c, {{"file", c.args.pos[1]}, {"fingerprint", fp.hex()}}, fp.hex() + "  " + c.args.pos[1]);
    return 0;
}

int CmdAuth(Ctx& c) {
    if (c.args.pos.size() < 2 || c.args.pos[1] != "login") throw UsageError("usage: folio auth login");
    auto signer = Unlock(c);
    cli::RpcClient rpc(NodeUrl(c));
    json info = rpc.Call("chain_info", json::object());
    rpc.Login(signer->sk, info.at("chain_id").get<std::string>());
    Print(c, {{"address", signer->address.hex()}, {"token", rpc.token()}, {"expires", rpc.token_expires()}}, rpc.token());
    return 0;
}

int CmdChain(Ctx& c) {
    cli::RpcClient rpc(NodeUrl(c));
    json info = rpc.Call("chain_info", json::object());
    std::string human = "chain " + info.at("chain_id").get<std::string>() + " at height " +
                        std::to_string(info.at("height").get<uint64_t>()) + ", validator epoch " +
                        std::to_string(info.value("validator_epoch", 0)) + " (" +
                        std::to_string(info.value("validators", json::array()).size()) + " validators)";
    if (info.contains("pending_validators") && info["pending_validators"].is_object())
        human += "; epoch " + std::to_string(info["pending_validators"].value("epoch", 0)) + " (" +
                 std::to_string(info["pending_validators"].value("members", json::array()).size()) +
                 " validators) scheduled from height " +
                 std::to_string(info["pending_validators"].value("activation_height", 0));
    Print(c, info, human);
    return 0;
}

int CmdGov(Ctx& c) {
    TxBody body;
    std::optional<TxBody> settlement = SettlementGovBody(c);
    if (!settlement && c.args.pos.size() < 3)
        throw UsageError("usage: folio gov grant-role|revoke-role ADDR --role R | folio gov set-threshold N | folio gov approve ID | "
                         "folio gov freeze|unfreeze ADDR | folio gov tax-rate|tax-treaty|tax-account ... | "
                         "folio gov set-validators --activation-height H KEY...");
    const std::string& sub = c.args.pos[1];
    if (settlement) {
        body = std::move(*settlement);
    } else if (sub == "grant-role" || sub == "revoke-role") {
        auto addr = ParseAddress(c.args.pos[2]);
        if (!addr) throw UsageError("not a valid address: " + c.args.pos[2]);
        auto role = ParseRole(c.args.Need("role"));
        if (!role) throw UsageError("unknown role: " + c.args.Need("role"));
        if (sub == "grant-role") body = ProposeTx{GrantRole{*addr, *role}};
        else body = ProposeTx{RevokeRole{*addr, *role}};
    } else if (sub == "set-threshold") {
        body = ProposeTx{SetThreshold{static_cast<uint32_t>(std::stoul(c.args.pos[2]))}};
    } else if (sub == "approve") {
        auto id = Hash256::FromHexStr(c.args.pos[2]);
        if (!id) throw UsageError("proposal id must be 64 hex characters");
        body = ApproveTx{*id};
    } else {
        throw UsageError("unknown command: folio gov " + sub);
    }
    json r = SignAndSend(c, body);
    if (r.is_null()) return 0;
    RequireSuccess(r);
    std::string human = "tx " + r.value("hash", std::string("")) + " " + r.value("status", std::string(""));
    for (const auto& e : r.value("events", json::array())) human += "\n  " + e.dump();
    Print(c, r, human);
    return 0;
}

const char* USAGE =
    "usage: folio [--node URL] [--home DIR] [--key NAME] [--json] [--password-file F] COMMAND\n"
    "  keys add|list|show|import|recover NAME\n"
    "  work register FILE --title T [--kind K] [--owner ADDR:BPS ...] [--isrc ..] [--offline --nonce N -o F]\n"
    "  work show WORK_ID | work find FILE\n"
    "  tx show HASH | tx send FILE\n"
    "  chain info | auth login | fingerprint FILE\n"
    "  contract build SRC -o OUT | contract deploy CODE (governance)\n"
    "  gov grant-role|revoke-role ADDR --role R | gov set-threshold M | gov approve PROPOSAL_ID\n"
    "  gov set-validators --activation-height H KEY [KEY ...] (validator-set change; keys in leader order)\n"
    "  gov freeze|unfreeze ADDR | gov tax-rate --source CC --income T --residency CC|any --bps N [--from T] [--until T]\n"
    "  gov tax-treaty --source CC --residency CC --income T --bps N [--from T] [--until T] | gov tax-account --jurisdiction CC --account ADDR\n"
    "  work transfer-shares WORK_ID --owner ADDR:BPS ... [--consent-key NAME ...] [--consent ADDR:SIG ...]\n"
    "  work consent WORK_ID --owner ADDR:BPS ...\n"
    "  balance [ADDR] | deposit ADDR AMOUNT CUR --reference REF | withdraw AMOUNT CUR | transfer ADDR AMOUNT CUR\n"
    "  payout prefs --gateway ADDR --currency CUR [--threshold AMOUNT] | payout confirm ID --reference REF\n"
    "  payout fail ID --reason TEXT | payout expire ID | payout show ID | payout list [--gateway A|--payee A] [--status S]\n"
    "  kyc set ADDR --status verified|revoked|none --residency CC | fx post BASE QUOTE RATE | fx show BASE QUOTE\n"
    "  licence grant WORK_ID --to ADDR --territory CC[,CC] [--exclude CC,..] --rights R[,R] [--exclusive] --from T --until T\n"
    "          [--fee AMOUNT CUR] [--royalty-bps N] [--sublicensable] [--revocable]\n"
    "  licence accept|revoke|show ID | licence list WORK_ID | licence check WORK_ID --licensee ADDR --territory CC --right R [--at T]\n"
    "  revenue report WORK_ID AMOUNT CUR [--period P] [--territory CC] [--licence ID]\n"
    "  revenue report WORK_ID --gross AMOUNT CUR --licence ID [--period P] [--territory CC]\n"
    "  revenue pool AMOUNT CUR --work ID:SECONDS ... [--promoter ADDR --promoter-bps N] [--period P] [--territory CC]\n"
    "  tax report --payee ADDR --year YYYY [--format csv|json] | audit | reconcile --gateway ADDR [--from T] [--until T]\n"
    "  auction create WORK_ID --type english|dutch|sealed --currency CUR --territory CC --rights R --licence-from T\n"
    "          --licence-until T --start T --end T [kind parameters: docs/cli.md]\n"
    "  auction bid ID AMOUNT CUR | auction reveal ID | auction close ID | auction show ID\n"
    "  nft mint WORK_ID --editions N --royalty-bps B [--fee-bps F] | nft list TOKEN --price AMOUNT CUR | nft buy TOKEN\n"
    "  nft delist|burn|show TOKEN | nft transfer TOKEN ADDR | nft collection WORK_ID\n"
    "  work certificate WORK_ID -o FILE | work verify FILE --certificate FILE --genesis FILE (offline)\n"
    "  events [--from-seq N] [--limit L] [--follow]   settlement events as JSON lines\n";

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) {
        std::fprintf(stderr, "folio: libsodium failed to initialise\n");
        return 1;
    }
    Ctx c;
    try {
        c.args = Parse(argc, argv);
        c.json_out = c.args.Flag("json");
        c.home = c.args.Opt("home").value_or(DefaultHome());
        const char* env_node = std::getenv("FOLIO_NODE");
        c.node_url = c.args.Opt("node").value_or(env_node ? env_node : "http://127.0.0.1:26657");
        if (c.args.Flag("help") || c.args.pos.empty()) {
            std::fputs(USAGE, c.args.pos.empty() && !c.args.Flag("help") ? stderr : stdout);
            return c.args.Flag("help") ? 0 : 2;
        }
        const std::string& cmd = c.args.pos[0];
        if (cmd == "keys") return CmdKeys(c);
        if (cmd == "work") return CmdWork(c);
        if (cmd == "tx") return CmdTx(c);
        if (cmd == "chain") return CmdChain(c);
        if (cmd == "auth") return CmdAuth(c);
        if (cmd == "fingerprint") return CmdFingerprint(c);
        if (cmd == "contract") return CmdContract(c);
        if (cmd == "gov") return CmdGov(c);
        if (auto r = RunSettlementCommand(c)) return *r;
        throw UsageError("unknown command '" + cmd + "' (folio --help lists them)");
    } catch (const UsageError& e) {
        std::fprintf(stderr, "folio: %s\n", e.what());
        return 2;
    } catch (const cli::RpcFailure& e) {
        std::string detail, reason;
        if (e.data.is_object()) {
            if (e.data.contains("message") && e.data["message"].is_string()) detail = ": " + e.data["message"].get<std::string>();
            if (e.data.contains("reason") && e.data["reason"].is_string()) reason = " (" + e.data["reason"].get<std::string>() + ")";
        }
        std::fprintf(stderr, "folio: %s%s%s\n", e.what(), detail.c_str(), reason.c_str());
        if (c.json_out) std::cout << json{{"error", {{"code", e.code}, {"message", e.what()}, {"data", e.data}}}}.dump() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "folio: %s\n", e.what());
        return 1;
    }
}
