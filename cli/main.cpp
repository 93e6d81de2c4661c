// folio — the Folio CLI wallet. See docs/cli.md for every command.
// Exit status 0 on success; non-zero with one line on stderr on failure.
//
// The command groups live in cli/cmd_*.cpp (cli/commands.h); COMMANDS below maps each first word to
// its handler. Adding a command: a handler in its group's file, a row in COMMANDS, a line in USAGE
// and a section in docs/cli.md.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cli/commands.h>
#include <cli/rpc_client.h>

using nlohmann::json;
using namespace folio;
using namespace folio::cli;

namespace {

struct Command {
    const char* name;
    int (*run)(Ctx&);
};

// The first word of the command line -> its handler (cli/commands.h).
constexpr Command COMMANDS[] = {
    {"keys", CmdKeys},
    {"work", CmdWork},
    {"fingerprint", CmdFingerprint},
    {"tx", CmdTx},
    {"chain", CmdChain},
    {"auth", CmdAuth},
    {"contract", CmdContract},
    {"gov", CmdGov},
    {"balance", CmdBalance},
    {"deposit", CmdDeposit},
    {"withdraw", CmdWithdraw},
    {"transfer", CmdTransfer},
    {"payout", CmdPayout},
    {"kyc", CmdKyc},
    {"fx", CmdFx},
    {"audit", CmdAudit},
    {"reconcile", CmdReconcile},
    {"licence", CmdLicence},
    {"license", CmdLicence},
    {"revenue", CmdRevenue},
    {"tax", CmdTax},
    {"auction", CmdAuction},
    {"nft", CmdNft},
    {"events", CmdEvents},
};

// `folio --help` (stdout) and `folio` alone (stderr, status 2).
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
    "  gov rotate-validator OLD_KEY NEW_KEY --activation-height H (a validator's new key, same place in the set)\n"
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
        for (const Command& command : COMMANDS)
            if (cmd == command.name) return command.run(c);
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

