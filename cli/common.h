#pragma once
// Shared plumbing of the `folio` commands: argument parsing, passwords, keys, signing and
// submitting transactions, output. Defined in cli/common.cpp.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <cli/errors.h>
#include <cli/keystore.h>
#include <cli/rpc_client.h>
#include <node/core/keys.h>
#include <node/protocol/types.h>

namespace folio::cli {

using nlohmann::json;

struct Args {
    std::vector<std::string> pos;                        // positional words
    std::map<std::string, std::vector<std::string>> opt;  // --name value (repeatable)
    std::map<std::string, bool> flags;                   // --name

    bool Flag(const std::string& n) const { return flags.count(n) != 0; }
    std::optional<std::string> Opt(const std::string& n) const {
        auto it = opt.find(n);
        if (it == opt.end() || it->second.empty()) return std::nullopt;
        return it->second.back();
    }
    std::string Need(const std::string& n) const {
        auto v = Opt(n);
        if (!v) throw UsageError("missing --" + n);
        return *v;
    }
    std::vector<std::string> All(const std::string& n) const {
        auto it = opt.find(n);
        return it == opt.end() ? std::vector<std::string>{} : it->second;
    }
};

// Options listed in common.cpp take a value (two for `--fee AMOUNT CUR` and `--gross AMOUNT CUR`,
// stored as "AMOUNT CUR"); everything else starting with -- is a flag.
Args Parse(int argc, char** argv);

struct Ctx {
    Args args;
    bool json_out = false;
    std::string home;
    std::string node_url;

    Keystore Keys() const { return Keystore(home); }
};

std::string DefaultHome();
// Reads a password: --password-file, FOLIO_PASSWORD, or a no-echo prompt on the terminal.
std::string ReadPassword(const Ctx& c, const std::string& prompt, bool confirm);
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

}  // namespace folio::cli
