// folio — the Folio CLI wallet. See docs/cli.md for every command.
// Exit status 0 on success; non-zero with one line on stderr on failure.
//
// The command line is parsed strictly against the command table (cli/spec.cpp, cli/parse.h); the
// command groups live in cli/cmd_*.cpp (cli/commands.h) and COMMANDS below maps each first word to
// its handler. Adding a command: a row in the table, a handler in its group's file, a row in
// COMMANDS if it is a new first word, then `scripts/gen-cli-docs` for docs/cli.md.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cli/commands.h>
#include <cli/parse.h>
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
    {"fan", CmdFan},
    {"aml", CmdAml},
    {"events", CmdEvents},
};

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) {
        std::fprintf(stderr, "folio: libsodium failed to initialise\n");
        return 1;
    }
    Ctx c;
    try {
        ParsedLine line = ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
        switch (line.action) {
            case ParsedLine::Action::VERSION:
                std::printf("folio %s\n", FOLIO_VERSION);
                return 0;
            case ParsedLine::Action::OVERVIEW_USAGE:
                std::fputs(OverviewHelp().c_str(), stderr);
                return 2;
            case ParsedLine::Action::HELP:
                if (line.markdown) std::fputs(MarkdownReference().c_str(), stdout);
                else if (line.cmd) std::fputs(CommandHelp(*line.cmd).c_str(), stdout);
                else if (!line.group.empty()) std::fputs(GroupHelp(line.group).c_str(), stdout);
                else std::fputs(OverviewHelp().c_str(), stdout);
                return 0;
            case ParsedLine::Action::RUN:
                break;
        }
        c.args = std::move(line.args);
        c.json_out = c.args.Flag("json");
        c.home = c.args.Opt("home").value_or(DefaultHome());
        const char* env_node = std::getenv("FOLIO_NODE");
        c.node_url = c.args.Opt("node").value_or(env_node ? env_node : "http://127.0.0.1:26657");
        const std::string& cmd = c.args.pos[0];
        if (cmd == "completion") {
            if (c.args.pos[1] != "bash") throw UsageError("folio completion: only bash is supported, not '" + c.args.pos[1] + "'");
            std::fputs(BashCompletion().c_str(), stdout);
            return 0;
        }
        for (const Command& command : COMMANDS)
            if (cmd == command.name) return command.run(c);
        throw CliError("no handler for '" + cmd + "' (a defect: the command table and main.cpp disagree)");
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

