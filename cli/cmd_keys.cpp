// `folio keys`: the keystore (docs/keystore.md).
#include <cli/commands.h>

#include <iostream>
#include <sodium.h>

#include <cli/keystore.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {
// Zeroes a string holding secret words when it goes out of scope.
struct WipeOnExit {
    std::string& s;
    ~WipeOnExit() { sodium_memzero(s.data(), s.size()); }
};
}  // namespace

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
            human += k.name + "  " + Show(k.address) + "\n";
        }
        Print(c, out, human.empty() ? "no keys in " + c.home : human);
        return 0;
    }
    if (c.args.pos.size() < 3) throw UsageError("usage: folio keys " + sub + " NAME");
    const std::string& name = c.args.pos[2];
    if (sub == "show") {
        auto k = ks.Show(name);
        if (!k) throw CliError(k.error().message);
        if (c.args.Flag("mnemonic")) {
            std::string pw = ReadPassword(c, "Password for key '" + name + "': ", false);
            auto m = ks.RevealMnemonic(name, pw);
            if (!m) throw CliError(m.error().message);
            std::string words(m->str());
            WipeOnExit wipe{words};
            Print(c, {{"name", k->name}, {"address", k->address.hex()}, {"address_text", AddressText(k->address)}, {"mnemonic", words}},
                  words);
            return 0;
        }
        Print(c, {{"name", k->name}, {"address", k->address.hex()}, {"address_text", AddressText(k->address)}},
              AddressText(k->address) + "\n  hex " + Show(k->address));
        return 0;
    }
    if (sub == "add") {
        std::string pw = ReadPassword(c, "Password for key '" + name + "': ", true);
        auto k = ks.Create(name, pw);
        if (!k) throw CliError(k.error().message);
        std::string words(k->mnemonic.str());
        WipeOnExit wipe{words};
        Print(c, {{"name", k->info.name}, {"address", k->info.address.hex()}, {"mnemonic", words}},
              "created key '" + name + "'\naddress:  " + Show(k->info.address) +
                  "\nmnemonic: " + words + "\nWrite the mnemonic down: it is the only way to restore this key.");
        return 0;
    }
    if (sub == "recover") {
        std::string words = ReadSecretLine("Enter the mnemonic (not shown): ");
        WipeOnExit wipe{words};
        std::string pw = ReadPassword(c, "Password for key '" + name + "': ", true);
        auto k = ks.Import(name, pw, words);
        if (!k) throw CliError(k.error().message);
        Print(c, {{"name", k->name}, {"address", k->address.hex()}}, "restored key '" + name + "': " + Show(k->address));
        return 0;
    }
    if (sub == "import") {
        auto sk = SecretKey::FromHexStr(c.args.Need("secret-hex"));
        if (!sk) throw UsageError("--secret-hex must be 64 hex characters");
        std::string pw = ReadPassword(c, "Password for key '" + name + "': ", true);
        auto k = ks.ImportSecret(name, pw, *sk);
        sodium_memzero(sk->data.data(), sk->data.size());
        if (!k) throw CliError(k.error().message);
        Print(c, {{"name", k->name}, {"address", k->address.hex()}}, "imported key '" + name + "': " + Show(k->address));
        return 0;
    }
    throw UsageError("unknown command: folio keys " + sub);
}

}  // namespace folio::cli
