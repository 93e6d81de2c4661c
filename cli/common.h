#pragma once
// Shared plumbing of the `folio` commands (cli/cmd_*.cpp): argument parsing, passwords, keys,
// signing and submitting transactions, output. Defined in cli/common.cpp.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <cli/args.h>
#include <cli/errors.h>
#include <cli/keystore.h>
#include <cli/parse.h>
#include <cli/rpc_client.h>
#include <node/core/keys.h>
#include <node/protocol/types.h>

namespace folio::cli {

using nlohmann::json;

struct Ctx {
    Args args;
    bool json_out = false;
    std::string home;
    std::string node_url;

    Keystore Keys() const { return Keystore(home); }
};

std::string DefaultHome();
// The chain id of an offline signature: --chain-id, else $FOLIO_CHAIN_ID (the flag wins).
std::string OfflineChainId(const Ctx& c);
// Reads a password: --password-file, FOLIO_PASSWORD, or a no-echo prompt on the terminal.
std::string ReadPassword(const Ctx& c, const std::string& prompt, bool confirm);
// One line from stdin, not echoed when stdin is a terminal (the prompt goes to stderr then).
std::string ReadSecretLine(const std::string& prompt);
// JSON on stdout with --json, else the human text.
void Print(const Ctx& c, const json& j, const std::string& human);

struct Signer {
    SecretKey sk;
    Address address;
    std::string name;
    ~Signer();
};
// The signing key: --key, FOLIO_KEY, or the only key in the keystore.
std::string SignerName(const Ctx& c);
std::unique_ptr<Signer> Unlock(const Ctx& c);
std::unique_ptr<Signer> UnlockNamed(const Ctx& c, const std::string& name);
// The signing key's address from the keystore (no password needed).
Address SignerAddress(const Ctx& c);
Hash256 RandomAux();
std::string NodeUrl(const Ctx& c);

// Signs `body` as the signer, submits it, and waits for its outcome unless --no-wait or --offline.
// With --offline (and --nonce) the signed transaction is written as hex to -o FILE or stdout and
// the result is null.
json SignAndSend(Ctx& c, protocol::TxBody body);
// Fails with the receipt's reason unless the transaction committed successfully.
void RequireSuccess(const json& st);

// ---------------------------------------------------------------- answers and output

// A JSON value as text: strings as they are, numbers printed, null or absent as `dflt`.
std::string Txt(const json& j, const std::string& key, const std::string& dflt = "-");
// An address member as people read it: folio1… (bech32m); as it is when not an address.
std::string AddrTxt(const json& j, const std::string& key, const std::string& dflt = "-");
// An address as people read it (folio1…).
std::string Show(const Address& a);
// A number (or a decimal string) member; 0 if absent or not a number.
uint64_t U64Of(const json& j, const std::string& key);
// A unix-ms member as RFC 3339, "-" if absent or 0.
std::string TimeOf(const json& j, const std::string& key);
// Positional word `i`, or UsageError("usage: <usage>").
const std::string& Pos(const Ctx& c, size_t i, const char* usage);
// The first event of `type` in a tx_get answer, or null.
json FindEvent(const json& st, const std::string& type);
// The contract events of a tx_get answer, one line each: a standard contract's typed event
// ("  auction_bid: amount 1000.00, bidder folio1…, currency BRL"), else "  event TOPIC DATAHEX".
std::string ContractEventsHuman(const json& st);
// "  tx HASH at height H".
std::string TxLine(const json& st);
// Elements of a JSON array joined by `sep` (strings as they are).
std::string JoinArray(const json& a, const std::string& sep = ",");

// Signs and sends; returns the committed outcome, or nullopt when there is nothing more to print
// (--offline: the signed transaction was printed; --no-wait: the submission was printed).
std::optional<json> Send(Ctx& c, protocol::TxBody body);
// Sends and prints `what` and the tx line (human) or the tx status (JSON).
int SendSimple(Ctx& c, protocol::TxBody body, const std::string& what);

// An RPC connection logged in as the signing key (for methods limited to the parties).
struct Session {
    std::unique_ptr<RpcClient> rpc;
    std::unique_ptr<Signer> signer;
    std::string chain_id;
};
Session Login(const Ctx& c);

// Licence terms, shared by `licence grant` and `auction create`: from --territory, --exclude,
// --rights, --exclusive, --sublicensable and the two time options; and as human text.
TermsInput TermsFromArgs(const Ctx& c, const char* from_opt, const char* until_opt);
std::string TermsHuman(const json& t);

}  // namespace folio::cli
