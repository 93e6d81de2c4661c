// The encrypted keystore: round trips, the on-disk format, permissions and every error path.
// All keystores here use Argon2id INTERACTIVE limits (64 MiB, 2 passes) so the suite stays fast.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cli/keystore.h>

using namespace folio;
using namespace folio::cli;
namespace fs = std::filesystem;

namespace {

const std::string ABOUT =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
// Address of ABOUT (empty BIP-39 passphrase) at m/44'/8800'/0'/0'/0' (see mnemonic_tests.cpp).
const std::string ABOUT_ADDRESS = "f60f33147d90a30fd769fa31151e5eb5aafa7c282abc46d019d8af7acd1ade8a";
const std::string ABOUT_KEY = "fb34fbf4b4185d8fdb26de96cf8ccc59ebb3b87740f994b226e411826902f7f4";

// A fresh directory under the system temp dir, removed at scope exit.
struct TempHome {
    fs::path path;
    TempHome() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("folio-wallet-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
    }
    ~TempHome() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

SecretKey Sk(const char* hex) { return *SecretKey::FromHexStr(hex); }

const SecretKey DEVNET_SK = Sk("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");

// "ok" or the error code's name.
template <typename T>
std::string Code(const Result<T, KeystoreError>& r) {
    return r ? "ok" : std::string(KeystoreErrcName(r.error().code));
}

std::string ReadText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void WriteText(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

unsigned Mode(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode) & 0777u;
}

// Flips the lowest bit of the hex digit at `pos` of the string field at `pointer`.
void FlipHexDigit(const fs::path& file, const char* pointer, size_t pos) {
    auto j = nlohmann::json::parse(ReadText(file));
    std::string s = j[nlohmann::json::json_pointer(pointer)].get<std::string>();
    s[pos] = s[pos] == '0' ? '1' : '0';
    j[nlohmann::json::json_pointer(pointer)] = s;
    WriteText(file, j.dump(2));
}

void SetField(const fs::path& file, const char* pointer, const nlohmann::json& value) {
    auto j = nlohmann::json::parse(ReadText(file));
    j[nlohmann::json::json_pointer(pointer)] = value;
    WriteText(file, j.dump(2));
}

std::string InfoLine(const KeyInfo& k) {
    return k.name + " " + k.address.hex() + " " + (k.source == KeySource::MNEMONIC ? "mnemonic" : "secret") + " " +
           k.derivation;
}

}  // namespace

TEST_CASE("create: a 24-word mnemonic, a 0600 file in a 0700 directory, and unlock/restore round trips") {
    TempHome home;
    Keystore ks(home.path / "home", KdfStrength::INTERACTIVE);
    auto created = ks.Create("alice", "pw-1");
    REQUIRE(created);
    const KeyInfo& info = created->info;
    CHECK(info.name == "alice");
    CHECK(info.source == KeySource::MNEMONIC);
    CHECK(info.derivation == "m/44'/8800'/0'/0'/0'");
    const std::string words(created->mnemonic.str());
    CHECK(std::count(words.begin(), words.end(), ' ') == 23);

    const fs::path file = home.path / "home" / "keys" / "alice.json";
    CHECK(fs::is_regular_file(file));
    CHECK(Mode(file) == 0600u);
    CHECK(Mode(home.path / "home" / "keys") == 0700u);
    CHECK(Mode(home.path / "home") == 0700u);
    // Only the key file is left: no temporaries.
    CHECK(std::distance(fs::directory_iterator(home.path / "home" / "keys"), fs::directory_iterator()) == 1);

    auto sk = ks.Unlock("alice", "pw-1");
    REQUIRE(sk);
    CHECK(DerivePublicKey(sk->get()) == info.address);
    auto shown = ks.Show("alice");
    REQUIRE(shown);
    CHECK(InfoLine(*shown) == InfoLine(info));

    // The mnemonic is recoverable with the password and restores the same key elsewhere.
    auto again = ks.RevealMnemonic("alice", "pw-1");
    REQUIRE(again);
    CHECK(again->str() == words);
    TempHome other;
    Keystore ks2(other.path, KdfStrength::INTERACTIVE);
    auto restored = ks2.Import("alice-restored", "another password", words);
    REQUIRE(restored);
    CHECK(restored->address == info.address);
    auto sk2 = ks2.Unlock("alice-restored", "another password");
    REQUIRE(sk2);
    CHECK(sk2->get() == sk->get());
}

TEST_CASE("import a known mnemonic: address, key and the file's recorded KDF limits") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    auto info = ks.Import("bob", "pw", ABOUT);
    REQUIRE(info);
    CHECK(InfoLine(*info) == "bob " + ABOUT_ADDRESS + " mnemonic m/44'/8800'/0'/0'/0'");
    auto sk = ks.Unlock("bob", "pw");
    REQUIRE(sk);
    CHECK(sk->get().hex() == ABOUT_KEY);

    auto f = ParseKeyFile(ReadText(ks.KeyPath("bob")));
    REQUIRE(f);
    CHECK(f->opslimit == 2u);
    CHECK(f->memlimit == 67108864u);
    CHECK(f->salt.size() == 16u);
    CHECK(f->nonce.size() == 24u);
    CHECK(f->ciphertext.size() == 32u + 16u + 16u);  // key + 12-word entropy + tag

    // A BIP-39 passphrase gives a different account; the words alone come back from the store.
    auto with_pp = ks.Import("bob-pp", "pw", ABOUT, "TREZOR");
    REQUIRE(with_pp);
    CHECK(with_pp->address.hex() == "3cd8b1cc850bba0ea8c16b207a6e61353325ec96a5e3d09a19640f00f5d8bfa3");
    auto words = ks.RevealMnemonic("bob-pp", "pw");
    REQUIRE(words);
    CHECK(words->str() == ABOUT);
}

TEST_CASE("import errors: invalid mnemonic, invalid secret key") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    auto bad = ks.Import("x", "pw", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon");
    CHECK(Code(bad) == "INVALID_MNEMONIC");
    CHECK(bad.error().message == "mnemonic checksum mismatch: a word is wrong or the words are out of order");
    auto unknown = ks.Import("x", "pw", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abuot");
    CHECK(unknown.error().message == "unknown word 'abuot' (word 12) is not in the BIP-39 English list");
    CHECK(Code(ks.Import("x", "pw", "abandon about")) == "INVALID_MNEMONIC");
    CHECK(Code(ks.ImportSecret("x", "pw", SecretKey{})) == "INVALID_SECRET_KEY");
    CHECK(Code(ks.ImportSecret("x", "pw", Sk("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"))) ==
          "INVALID_SECRET_KEY");
    // Nothing was written by failed imports.
    CHECK(!fs::exists(home.path / "keys" / "x.json"));
}

TEST_CASE("secret-key import (devnet): unlock returns it, there is no mnemonic") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    auto info = ks.ImportSecret("dev", "", DEVNET_SK);  // an empty password is allowed
    REQUIRE(info);
    CHECK(InfoLine(*info) == "dev dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659 secret ");
    auto sk = ks.Unlock("dev", "");
    REQUIRE(sk);
    CHECK(sk->get() == DEVNET_SK);
    // The unlocked key signs directly (ScopedSecretKey converts to const SecretKey&).
    const Hash256 msg = Sha256Of(std::string_view("transfer"));
    auto sig = SignSchnorr(*sk, msg, Hash256{});
    REQUIRE(sig);
    CHECK(VerifySchnorr(info->address, msg, *sig));
    CHECK(Code(ks.RevealMnemonic("dev", "")) == "NO_MNEMONIC");
    CHECK(Code(ks.Unlock("dev", "x")) == "WRONG_PASSWORD_OR_CORRUPT");
}

TEST_CASE("wrong password") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    REQUIRE(ks.ImportSecret("k", "correct horse", DEVNET_SK));
    auto r = ks.Unlock("k", "correct horsE");
    CHECK(Code(r) == "WRONG_PASSWORD_OR_CORRUPT");
    CHECK(r.error().message == "wrong password for key 'k' (or its file was modified)");
    CHECK(Code(ks.Unlock("k", "")) == "WRONG_PASSWORD_OR_CORRUPT");
    CHECK(Code(ks.Unlock("k", "correct horse")) == "ok");
}

TEST_CASE("tampering with ciphertext, nonce, salt, address or KDF cost fails authentication") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    REQUIRE(ks.Import("t", "pw", ABOUT));
    const fs::path file = ks.KeyPath("t");
    const std::string original = ReadText(file);
    const SecretKey other = Sk("0000000000000000000000000000000000000000000000000000000000000003");

    struct Case { const char* what; std::function<void()> tamper; };
    const Case cases[] = {
        {"ciphertext first byte", [&] { FlipHexDigit(file, "/cipher/ciphertext", 1); }},
        {"ciphertext tag", [&] { FlipHexDigit(file, "/cipher/ciphertext", 127); }},
        {"nonce", [&] { FlipHexDigit(file, "/cipher/nonce", 10); }},
        {"salt", [&] { FlipHexDigit(file, "/kdf/salt", 0); }},
        {"address (another valid key)", [&] { SetField(file, "/address", DerivePublicKey(other)->hex()); }},
        {"opslimit", [&] { SetField(file, "/kdf/opslimit", 3); }},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        WriteText(file, original);
        c.tamper();
        CHECK(Code(ks.Unlock("t", "pw")) == "WRONG_PASSWORD_OR_CORRUPT");
    }
    WriteText(file, original);
    CHECK(Code(ks.Unlock("t", "pw")) == "ok");
}

TEST_CASE("malformed key files are CORRUPT_FILE, never a crash") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    REQUIRE(ks.ImportSecret("m", "pw", DEVNET_SK));
    const fs::path file = ks.KeyPath("m");
    const std::string original = ReadText(file);

    struct Case { const char* what; std::string text; std::string expect; };
    auto edited = [&](const char* pointer, const nlohmann::json& v) {
        auto j = nlohmann::json::parse(original);
        j[nlohmann::json::json_pointer(pointer)] = v;
        return j.dump();
    };
    auto without = [&](const char* key) {
        auto j = nlohmann::json::parse(original);
        j.erase(key);
        return j.dump();
    };
    const Case cases[] = {
        {"empty", "", "CORRUPT_FILE"},
        {"truncated", original.substr(0, original.size() / 2), "CORRUPT_FILE"},
        {"not an object", "[1,2,3]", "CORRUPT_FILE"},
        {"version 2", edited("/version", 2), "UNSUPPORTED_VERSION"},
        {"version as string", edited("/version", "1"), "CORRUPT_FILE"},
        {"address not hex", edited("/address", "zz"), "CORRUPT_FILE"},
        {"address upper case", edited("/address", "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659"), "CORRUPT_FILE"},
        {"address not on the curve", edited("/address", std::string(64, 'f')), "CORRUPT_FILE"},
        {"name differs from the file name", edited("/name", "other"), "CORRUPT_FILE"},
        {"name with a slash", edited("/name", "../m"), "CORRUPT_FILE"},
        {"unknown source", edited("/source", "ledger"), "CORRUPT_FILE"},
        {"secret key with a derivation", edited("/derivation", "m/0'"), "CORRUPT_FILE"},
        {"source changed to mnemonic", edited("/source", "mnemonic"), "CORRUPT_FILE"},
        {"extra field", edited("/extra", 1), "CORRUPT_FILE"},
        {"missing cipher", without("cipher"), "CORRUPT_FILE"},
        {"kdf alg", edited("/kdf/alg", "scrypt"), "CORRUPT_FILE"},
        {"cipher alg", edited("/cipher/alg", "aes256gcm"), "CORRUPT_FILE"},
        {"memlimit 4 GiB", edited("/kdf/memlimit", 4294967296ull), "CORRUPT_FILE"},
        {"opslimit 0", edited("/kdf/opslimit", 0), "CORRUPT_FILE"},
        {"opslimit negative", edited("/kdf/opslimit", -2), "CORRUPT_FILE"},
        {"salt too short", edited("/kdf/salt", "00"), "CORRUPT_FILE"},
        {"nonce with 0x", edited("/cipher/nonce", "0x" + std::string(48, '0')), "CORRUPT_FILE"},
        {"ciphertext one byte short", edited("/cipher/ciphertext", std::string(94, 'a')), "CORRUPT_FILE"},
        {"ciphertext odd hex", edited("/cipher/ciphertext", std::string(95, 'a')), "CORRUPT_FILE"},
        {"huge file", std::string(70000, ' '), "CORRUPT_FILE"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        WriteText(file, c.text);
        CHECK(Code(ks.Show("m")) == c.expect);
        CHECK(Code(ks.Unlock("m", "pw")) == c.expect);
    }
    WriteText(file, original);
    CHECK(Code(ks.Unlock("m", "pw")) == "ok");
}

TEST_CASE("key names: only [A-Za-z0-9_-]{1,64}; path traversal is impossible") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    const std::string bad[] = {"", ".", "..", "../evil", "a/b", "/etc/passwd", "a b", "a.json", "caf\xc3\xa9",
                               std::string(65, 'a'), std::string("nul\0byte", 8), "a\\b", "~"};
    for (const std::string& name : bad) {
        CAPTURE(name);
        CHECK(!IsValidKeyName(name));
        CHECK(Code(ks.Create(name, "pw")) == "INVALID_NAME");
        CHECK(Code(ks.Import(name, "pw", ABOUT)) == "INVALID_NAME");
        CHECK(Code(ks.ImportSecret(name, "pw", DEVNET_SK)) == "INVALID_NAME");
        CHECK(Code(ks.Show(name)) == "INVALID_NAME");
        CHECK(Code(ks.Unlock(name, "pw")) == "INVALID_NAME");
        CHECK(Code(ks.RevealMnemonic(name, "pw")) == "INVALID_NAME");
    }
    CHECK(!fs::exists(home.path));  // nothing was created
    CHECK(!fs::exists(home.path.parent_path() / "evil.json"));

    const std::string longest(64, 'Z');
    CHECK(Code(ks.ImportSecret(longest, "pw", DEVNET_SK)) == "ok");
    CHECK(Code(ks.ImportSecret("Az09_-", "pw", DEVNET_SK)) == "ok");
    CHECK(fs::exists(home.path / "keys" / (longest + ".json")));
}

TEST_CASE("an existing name is never overwritten") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    REQUIRE(ks.ImportSecret("dup", "pw", DEVNET_SK));
    const std::string before = ReadText(ks.KeyPath("dup"));
    auto r1 = ks.Import("dup", "pw2", ABOUT);
    CHECK(Code(r1) == "ALREADY_EXISTS");
    CHECK(r1.error().message == "key 'dup' already exists");
    CHECK(Code(ks.Create("dup", "pw2")) == "ALREADY_EXISTS");
    CHECK(Code(ks.ImportSecret("dup", "pw2", DEVNET_SK)) == "ALREADY_EXISTS");
    CHECK(ReadText(ks.KeyPath("dup")) == before);
    CHECK(Code(ks.Unlock("dup", "pw")) == "ok");
}

TEST_CASE("missing keys") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    auto r = ks.Show("ghost");
    CHECK(Code(r) == "NOT_FOUND");
    CHECK(r.error().message == "no key named 'ghost'");
    CHECK(Code(ks.Unlock("ghost", "pw")) == "NOT_FOUND");
    CHECK(Code(ks.RevealMnemonic("ghost", "pw")) == "NOT_FOUND");
    auto list = ks.List();
    REQUIRE(list);
    CHECK(list->empty());
}

TEST_CASE("list: sorted by name, skipping unparsable and foreign files") {
    TempHome home;
    Keystore ks(home.path, KdfStrength::INTERACTIVE);
    REQUIRE(ks.ImportSecret("zed", "pw", DEVNET_SK));
    REQUIRE(ks.Import("amy", "pw", ABOUT));
    WriteText(home.path / "keys" / "broken.json", "{");
    WriteText(home.path / "keys" / "notes.txt", "hello");
    WriteText(home.path / "keys" / "bad name.json", ReadText(ks.KeyPath("zed")));
    auto list = ks.List();
    REQUIRE(list);
    std::string rendered;
    for (const KeyInfo& k : *list) rendered += InfoLine(k) + "\n";
    CHECK(rendered == "amy " + ABOUT_ADDRESS + " mnemonic m/44'/8800'/0'/0'/0'\n" +
                          "zed dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659 secret \n");
    CHECK(Code(ks.Show("broken")) == "CORRUPT_FILE");
}

TEST_CASE("key file text is canonical and round-trips (docs/keystore.md)") {
    KeyFile f;
    f.version = 1;
    f.name = "alice";
    f.address = *PublicKey::FromHexStr("f60f33147d90a30fd769fa31151e5eb5aafa7c282abc46d019d8af7acd1ade8a");
    f.source = KeySource::MNEMONIC;
    f.derivation = "m/44'/8800'/0'/0'/0'";
    f.opslimit = 3;
    f.memlimit = 268435456;
    f.salt = Bytes(16, 0x11);
    f.nonce = Bytes(24, 0x22);
    f.ciphertext = Bytes(80, 0x33);
    const std::string text = SerializeKeyFile(f);
    CHECK(text ==
          "{\n"
          "  \"version\": 1,\n"
          "  \"name\": \"alice\",\n"
          "  \"address\": \"f60f33147d90a30fd769fa31151e5eb5aafa7c282abc46d019d8af7acd1ade8a\",\n"
          "  \"source\": \"mnemonic\",\n"
          "  \"derivation\": \"m/44'/8800'/0'/0'/0'\",\n"
          "  \"kdf\": {\n"
          "    \"alg\": \"argon2id13\",\n"
          "    \"opslimit\": 3,\n"
          "    \"memlimit\": 268435456,\n"
          "    \"salt\": \"11111111111111111111111111111111\"\n"
          "  },\n"
          "  \"cipher\": {\n"
          "    \"alg\": \"xchacha20poly1305-ietf\",\n"
          "    \"nonce\": \"222222222222222222222222222222222222222222222222\",\n"
          "    \"ciphertext\": \"" + std::string(160, '3') + "\"\n"
          "  }\n"
          "}\n");
    auto back = ParseKeyFile(text);
    REQUIRE(back);
    CHECK(SerializeKeyFile(*back) == text);

    f.source = KeySource::SECRET;
    f.derivation.clear();
    f.ciphertext = Bytes(48, 0x44);
    const std::string secret_text = SerializeKeyFile(f);
    CHECK(secret_text.find("derivation") == std::string::npos);
    auto back2 = ParseKeyFile(secret_text);
    REQUIRE(back2);
    CHECK(SerializeKeyFile(*back2) == secret_text);
}

TEST_CASE("KDF strength selection") {
    CHECK(ParseKdfStrength("interactive") == KdfStrength::INTERACTIVE);
    CHECK(ParseKdfStrength("moderate") == KdfStrength::MODERATE);
    CHECK(ParseKdfStrength("sensitive") == KdfStrength::SENSITIVE);
    CHECK(!ParseKdfStrength("INTERACTIVE"));
    CHECK(!ParseKdfStrength("weak"));

    ::setenv("FOLIO_KEYSTORE_KDF", "interactive", 1);
    CHECK(KdfStrengthFromEnv() == KdfStrength::INTERACTIVE);
    ::setenv("FOLIO_KEYSTORE_KDF", "bogus", 1);
    CHECK(KdfStrengthFromEnv() == KdfStrength::MODERATE);
    ::unsetenv("FOLIO_KEYSTORE_KDF");
    CHECK(KdfStrengthFromEnv() == KdfStrength::MODERATE);

    // The one-argument constructor follows the environment.
    TempHome home;
    ::setenv("FOLIO_KEYSTORE_KDF", "interactive", 1);
    Keystore ks(home.path);
    ::unsetenv("FOLIO_KEYSTORE_KDF");
    REQUIRE(ks.ImportSecret("e", "pw", DEVNET_SK));
    auto f = ParseKeyFile(ReadText(ks.KeyPath("e")));
    REQUIRE(f);
    CHECK(f->opslimit == 2u);
    CHECK(f->memlimit == 67108864u);
}

TEST_CASE("a key file at an explicit path (foliod's validator key): write, unlock, errors") {
    TempHome home;
    fs::create_directories(home.path);
    const fs::path file = home.path / "validator.key";
    auto info = WriteKeyFileAt(file, "validator", "pw", DEVNET_SK, KdfStrength::INTERACTIVE);
    REQUIRE(info.ok());
    CHECK(info->address == *DerivePublicKey(DEVNET_SK));
    CHECK(Mode(file) == 0600u);
    auto parsed = ParseKeyFile(ReadText(file));
    REQUIRE(parsed.ok());
    CHECK(parsed->name == "validator");
    CHECK(parsed->source == KeySource::SECRET);
    CHECK(ReadText(file).find(DEVNET_SK.hex()) == std::string::npos);  // no plain text at rest
    auto sk = UnlockKeyFileAt(file, "pw");
    REQUIRE(sk.ok());
    CHECK(sk->get() == DEVNET_SK);

    // Never replaces a file; nothing is written.
    const std::string before = ReadText(file);
    CHECK(Code(WriteKeyFileAt(file, "validator", "other", DEVNET_SK, KdfStrength::INTERACTIVE)) == "ALREADY_EXISTS");
    CHECK(ReadText(file) == before);
    // Wrong password: a specific error naming the file.
    auto wrong = UnlockKeyFileAt(file, "not-pw");
    CHECK(Code(wrong) == "WRONG_PASSWORD_OR_CORRUPT");
    CHECK(wrong.error().message.find(file.string()) != std::string::npos);
    CHECK(ReadText(file) == before);
    // Tampering with the ciphertext or the address fails authentication.
    FlipHexDigit(file, "/cipher/ciphertext", 5);
    CHECK(Code(UnlockKeyFileAt(file, "pw")) == "WRONG_PASSWORD_OR_CORRUPT");
    WriteText(file, before);
    FlipHexDigit(file, "/cipher/nonce", 0);
    CHECK(Code(UnlockKeyFileAt(file, "pw")) == "WRONG_PASSWORD_OR_CORRUPT");
    WriteText(file, before);
    CHECK(UnlockKeyFileAt(file, "pw").ok());
    // A damaged file, a plain-hex key and a missing file are told apart.
    WriteText(file, before.substr(0, before.size() / 2));
    CHECK(Code(UnlockKeyFileAt(file, "pw")) == "CORRUPT_FILE");
    WriteText(file, DEVNET_SK.hex() + "\n");
    CHECK(Code(UnlockKeyFileAt(file, "pw")) == "CORRUPT_FILE");
    CHECK(Code(UnlockKeyFileAt(home.path / "none.key", "pw")) == "NOT_FOUND");
    // Bad inputs write nothing.
    CHECK(Code(WriteKeyFileAt(home.path / "x.key", "bad/name", "pw", DEVNET_SK, KdfStrength::INTERACTIVE)) ==
          "INVALID_NAME");
    SecretKey zero{};
    CHECK(Code(WriteKeyFileAt(home.path / "x.key", "validator", "pw", zero, KdfStrength::INTERACTIVE)) ==
          "INVALID_SECRET_KEY");
    CHECK_FALSE(fs::exists(home.path / "x.key"));
}
