#pragma once
// The command groups of `folio` (docs/cli.md), one file each; cli/main.cpp's command table
// dispatches on the first word. Each handler reads c.args.pos[1..] and returns the exit status;
// failures are UsageError (status 2) or CliError / RpcFailure (status 1).
#include <cli/common.h>

namespace folio::cli {

int CmdKeys(Ctx& c);         // keys add|list|show|import|recover (cmd_keys.cpp)
int CmdWork(Ctx& c);         // work register|show|find|transfer-shares|consent|certificate|verify (cmd_work.cpp)
int CmdFingerprint(Ctx& c);  // fingerprint FILE (cmd_work.cpp)
int CmdTx(Ctx& c);           // tx show|send (cmd_tx.cpp)
int CmdChain(Ctx& c);        // chain info (cmd_chain.cpp)
int CmdAuth(Ctx& c);         // auth login (cmd_chain.cpp)
int CmdContract(Ctx& c);     // contract build|deploy (cmd_contract.cpp)
int CmdGov(Ctx& c);          // gov ... (cmd_gov.cpp)
// cmd_money.cpp
int CmdBalance(Ctx& c);
int CmdDeposit(Ctx& c);
int CmdWithdraw(Ctx& c);
int CmdTransfer(Ctx& c);
int CmdPayout(Ctx& c);
int CmdKyc(Ctx& c);
int CmdFx(Ctx& c);
int CmdAudit(Ctx& c);
int CmdReconcile(Ctx& c);
int CmdLicence(Ctx& c);  // licence|license ... (cmd_licence.cpp)
// cmd_revenue.cpp
int CmdRevenue(Ctx& c);
int CmdTax(Ctx& c);
int CmdAuction(Ctx& c);  // auction ... (cmd_auction.cpp)
int CmdNft(Ctx& c);      // nft ... (cmd_nft.cpp)
int CmdFan(Ctx& c);      // fan ... (cmd_fan.cpp)
int CmdAml(Ctx& c);      // aml ... (cmd_aml.cpp)
int CmdEvents(Ctx& c);   // events (cmd_events.cpp)

}  // namespace folio::cli
