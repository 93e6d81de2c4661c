#include <cli/keystore.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace folio::cli {

namespace {

constexpr int FORMAT_VERSION = 1;
constexpr std::string_view KDF_ALG = "argon2id13";
constexpr std::string_view CIPHER_ALG = "xchacha20poly1305-ietf";
constexpr size_t SALT_BYTES = crypto_pwhash_SALTBYTES;
constexpr size_t NONCE_BYTES = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t TAG_BYTES = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t KEY_BYTES = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr size_t MAX_FILE_BYTES = 64 * 1024;
constexpr size_t MAX_NAME = 64;

KeystoreError Err(KeystoreErrc code, std::string message) { return {code, std::move(message)}; }

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

struct KdfLimits {
    uint64_t opslimit;
    uint64_t memlimit;
};

KdfLimits LimitsOf(KdfStrength s) {
    switch (s) {
        case KdfStrength::INTERACTIVE:
            return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
        case KdfStrength::MODERATE:
            return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
        case KdfStrength::SENSITIVE:
            return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
    }
    return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

// Plaintext sizes: the secret key, optionally followed by BIP-39 entropy.
bool IsValidPlaintextSize(KeySource source, size_t n) {
    if (source == KeySource::SECRET) return n == 32;
    size_t e = n - 32;
    return n > 32 && e >= 16 && e <= 32 && e % 4 == 0;
}

// Argon2id key of `password` under `salt` with the given limits.
Result<SecretBytes, KeystoreError> StretchPassword(std::string_view password, ByteView salt, uint64_t opslimit,
                                                   uint64_t memlimit) {
    SecretBytes key(KEY_BYTES);
    if (crypto_pwhash(key.data(), key.size(), password.data(), password.size(), salt.data(),
                      static_cast<unsigned long long>(opslimit), static_cast<size_t>(memlimit),
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return Fail(Err(KeystoreErrc::CRYPTO_ERROR,
                        "Argon2id failed: could not allocate " + std::to_string(memlimit / (1024 * 1024)) + " MiB"));
    }
    return key;
}

Status<KeystoreError> InitSodium() {
    if (sodium_init() < 0) return Fail(Err(KeystoreErrc::CRYPTO_ERROR, "libsodium failed to initialise"));
    return Ok{};
}

// Creates `dir` with mode 0700 if missing (its missing parents get default permissions).
Status<KeystoreError> MakePrivateDir(const std::filesystem::path& dir) {
    std::error_code ec;
    if (dir.has_parent_path() && !std::filesystem::exists(dir.parent_path(), ec)) {
        std::filesystem::create_directories(dir.parent_path(), ec);
        if (ec) {
            return Fail(
                Err(KeystoreErrc::IO_ERROR, "cannot create " + dir.parent_path().string() + ": " + ec.message()));
        }
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        int err = errno;
        return Fail(Err(KeystoreErrc::IO_ERROR, "cannot create " + dir.string() + ": " + ErrnoText(err)));
    }
    return Ok{};
}

Status<KeystoreError> FsyncPath(const std::filesystem::path& p, int flags) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Fail(Err(KeystoreErrc::IO_ERROR, "cannot open " + p.string() + ": " + ErrnoText(err)));
    }
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return Fail(Err(KeystoreErrc::IO_ERROR, "cannot sync " + p.string() + ": " + ErrnoText(err)));
    return Ok{};
}

// Writes `text` to `final_path` atomically without ever replacing an existing file: a 0600
// temporary in the same directory, fsync, link(2) to the final name (fails with EEXIST if it
// exists), unlink the temporary, fsync the directory.
Status<KeystoreError> WriteNewFileAtomically(const std::filesystem::path& final_path, std::string_view text) {
    const std::filesystem::path dir = final_path.parent_path();
    std::array<uint8_t, 8> rnd{};
    randombytes_buf(rnd.data(), rnd.size());
    const std::filesystem::path tmp = dir / ("." + final_path.filename().string() + ".tmp-" + ToHex(rnd));

    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int err = errno;
        return Fail(Err(KeystoreErrc::IO_ERROR, "cannot create " + tmp.string() + ": " + ErrnoText(err)));
    }
    auto fail = [&](const std::string& what, int err) -> Status<KeystoreError> {
        ::close(fd);
        ::unlink(tmp.c_str());
        return Fail(Err(KeystoreErrc::IO_ERROR, what + " " + tmp.string() + ": " + ErrnoText(err)));
    };
    if (::fchmod(fd, 0600) != 0) return fail("cannot chmod", errno);
    size_t off = 0;
    while (off < text.size()) {
        ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write", errno);
        }
        off += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("cannot sync", errno);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return Fail(Err(KeystoreErrc::IO_ERROR, "cannot close " + tmp.string() + ": " + ErrnoText(err)));
    }

    if (::link(tmp.c_str(), final_path.c_str()) != 0) {
        int err = errno;
        if (err == EEXIST) {
            ::unlink(tmp.c_str());
            return Fail(Err(KeystoreErrc::ALREADY_EXISTS, "a key file already exists at " + final_path.string()));
        }
        // File systems without hard links: check, then rename (a narrow race, documented).
        std::error_code ec;
        if (std::filesystem::exists(final_path, ec)) {
            ::unlink(tmp.c_str());
            return Fail(Err(KeystoreErrc::ALREADY_EXISTS, "a key file already exists at " + final_path.string()));
        }
        if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
            int err2 = errno;
            ::unlink(tmp.c_str());
            return Fail(Err(KeystoreErrc::IO_ERROR, "cannot create " + final_path.string() + ": " + ErrnoText(err2)));
        }
    } else {
        ::unlink(tmp.c_str());
    }
    return FsyncPath(dir, O_RDONLY | O_DIRECTORY);
}

std::string_view SourceName(KeySource s) { return s == KeySource::MNEMONIC ? "mnemonic" : "secret"; }

KeyInfo InfoOf(const KeyFile& f) { return KeyInfo{f.name, f.address, f.source, f.derivation}; }

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view KeystoreErrcName(KeystoreErrc code) {
    switch (code) {
        case KeystoreErrc::INVALID_NAME:
            return "INVALID_NAME";
        case KeystoreErrc::ALREADY_EXISTS:
            return "ALREADY_EXISTS";
        case KeystoreErrc::NOT_FOUND:
            return "NOT_FOUND";
        case KeystoreErrc::WRONG_PASSWORD_OR_CORRUPT:
            return "WRONG_PASSWORD_OR_CORRUPT";
        case KeystoreErrc::CORRUPT_FILE:
            return "CORRUPT_FILE";
        case KeystoreErrc::UNSUPPORTED_VERSION:
            return "UNSUPPORTED_VERSION";
        case KeystoreErrc::INVALID_MNEMONIC:
            return "INVALID_MNEMONIC";
        case KeystoreErrc::INVALID_SECRET_KEY:
            return "INVALID_SECRET_KEY";
        case KeystoreErrc::NO_MNEMONIC:
            return "NO_MNEMONIC";
        case KeystoreErrc::IO_ERROR:
            return "IO_ERROR";
        case KeystoreErrc::CRYPTO_ERROR:
            return "CRYPTO_ERROR";
    }
    return "UNKNOWN";
}

std::optional<KdfStrength> ParseKdfStrength(std::string_view s) {
    if (s == "interactive") return KdfStrength::INTERACTIVE;
    if (s == "moderate") return KdfStrength::MODERATE;
    if (s == "sensitive") return KdfStrength::SENSITIVE;
    return std::nullopt;
}

KdfStrength KdfStrengthFromEnv() {
    const char* v = std::getenv("FOLIO_KEYSTORE_KDF");
    if (v == nullptr) return KdfStrength::MODERATE;
    return ParseKdfStrength(v).value_or(KdfStrength::MODERATE);
}

bool IsValidKeyName(std::string_view name) {
    if (name.empty() || name.size() > MAX_NAME) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

// ---------------------------------------------------------------------------------------------
// Key file text

std::string SerializeKeyFile(const KeyFile& f) {
    nlohmann::ordered_json j;
    j["version"] = f.version;
    j["name"] = f.name;
    j["address"] = f.address.hex();
    j["source"] = std::string(SourceName(f.source));
    if (f.source == KeySource::MNEMONIC) j["derivation"] = f.derivation;
    nlohmann::ordered_json kdf;
    kdf["alg"] = std::string(KDF_ALG);
    kdf["opslimit"] = f.opslimit;
    kdf["memlimit"] = f.memlimit;
    kdf["salt"] = ToHex(f.salt);
    j["kdf"] = kdf;
    nlohmann::ordered_json cipher;
    cipher["alg"] = std::string(CIPHER_ALG);
    cipher["nonce"] = ToHex(f.nonce);
    cipher["ciphertext"] = ToHex(f.ciphertext);
    j["cipher"] = cipher;
    return j.dump(2) + "\n";
}

namespace {

using Json = nlohmann::json;

KeystoreError Corrupt(const std::string& what) { return Err(KeystoreErrc::CORRUPT_FILE, "key file corrupt: " + what); }

// Exactly these keys, no others.
bool HasExactKeys(const Json& obj, std::initializer_list<std::string_view> keys) {
    if (!obj.is_object() || obj.size() != keys.size()) return false;
    for (auto k : keys) {
        if (!obj.contains(std::string(k))) return false;
    }
    return true;
}

std::optional<std::string> GetString(const Json& obj, const char* key) {
    const Json& v = obj.at(key);
    if (!v.is_string()) return std::nullopt;
    return v.get<std::string>();
}

std::optional<Bytes> GetHex(const Json& obj, const char* key, size_t min_len, size_t max_len) {
    auto s = GetString(obj, key);
    if (!s || (s->size() >= 2 && (*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X'))) return std::nullopt;
    auto b = FromHex(*s);
    if (!b || b->size() < min_len || b->size() > max_len) return std::nullopt;
    return b;
}

Result<KeyFile, KeystoreError> ParseKeyFileJson(const Json& j) {
    if (!j.is_object()) return Fail(Corrupt("not a JSON object"));
    if (!j.contains("version") || !j.at("version").is_number_integer())
        return Fail(Corrupt("missing or non-integer version"));
    const auto version = j.at("version").get<int64_t>();
    if (version != FORMAT_VERSION) {
        return Fail(Err(KeystoreErrc::UNSUPPORTED_VERSION,
                        "key file version " + std::to_string(version) + " is not supported (expected 1)"));
    }
    KeyFile f;
    f.version = FORMAT_VERSION;
    const bool has_derivation = j.contains("derivation");
    if (has_derivation ? !HasExactKeys(j, {"version", "name", "address", "source", "derivation", "kdf", "cipher"})
                       : !HasExactKeys(j, {"version", "name", "address", "source", "kdf", "cipher"})) {
        return Fail(Corrupt("unexpected or missing fields"));
    }
    auto name = GetString(j, "name");
    if (!name || !IsValidKeyName(*name)) return Fail(Corrupt("bad name"));
    f.name = *name;
    auto addr = GetString(j, "address");
    auto parsed_addr = addr ? ParseAddress(*addr) : std::nullopt;
    if (!parsed_addr || *addr != parsed_addr->hex() || !IsValidPublicKey(*parsed_addr)) {
        return Fail(Corrupt("bad address"));
    }
    f.address = *parsed_addr;
    auto source = GetString(j, "source");
    if (source == "mnemonic") {
        f.source = KeySource::MNEMONIC;
        auto d = has_derivation ? GetString(j, "derivation") : std::nullopt;
        if (!d || *d != FOLIO_ACCOUNT_PATH_TEXT) return Fail(Corrupt("bad derivation path"));
        f.derivation = *d;
    } else if (source == "secret") {
        f.source = KeySource::SECRET;
        if (has_derivation) return Fail(Corrupt("a secret-key file has no derivation"));
    } else {
        return Fail(Corrupt("bad source"));
    }

    const Json& kdf = j.at("kdf");
    if (!HasExactKeys(kdf, {"alg", "opslimit", "memlimit", "salt"})) return Fail(Corrupt("bad kdf object"));
    if (GetString(kdf, "alg") != std::string(KDF_ALG)) return Fail(Corrupt("unsupported kdf"));
    if (!kdf.at("opslimit").is_number_unsigned() || !kdf.at("memlimit").is_number_unsigned()) {
        return Fail(Corrupt("bad kdf limits"));
    }
    f.opslimit = kdf.at("opslimit").get<uint64_t>();
    f.memlimit = kdf.at("memlimit").get<uint64_t>();
    if (f.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN || f.opslimit > crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE ||
        f.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN || f.memlimit > crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE) {
        return Fail(Corrupt("kdf limits out of range"));
    }
    auto salt = GetHex(kdf, "salt", SALT_BYTES, SALT_BYTES);
    if (!salt) return Fail(Corrupt("bad salt"));
    f.salt = std::move(*salt);

    const Json& cipher = j.at("cipher");
    if (!HasExactKeys(cipher, {"alg", "nonce", "ciphertext"})) return Fail(Corrupt("bad cipher object"));
    if (GetString(cipher, "alg") != std::string(CIPHER_ALG)) return Fail(Corrupt("unsupported cipher"));
    auto nonce = GetHex(cipher, "nonce", NONCE_BYTES, NONCE_BYTES);
    if (!nonce) return Fail(Corrupt("bad nonce"));
    f.nonce = std::move(*nonce);
    auto ct = GetHex(cipher, "ciphertext", TAG_BYTES + 32, TAG_BYTES + 64);
    if (!ct || !IsValidPlaintextSize(f.source, ct->size() - TAG_BYTES)) return Fail(Corrupt("bad ciphertext length"));
    f.ciphertext = std::move(*ct);
    return f;
}

}  // namespace

Result<KeyFile, KeystoreError> ParseKeyFile(std::string_view text) {
    if (text.size() > MAX_FILE_BYTES) return Fail(Corrupt("file too large"));
    try {
        Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) return Fail(Corrupt("not valid JSON"));
        return ParseKeyFileJson(j);
    } catch (const std::exception& e) {
        // Defensive: the checks above keep nlohmann from throwing; never let a file crash us.
        return Fail(Corrupt(e.what()));
    }
}

// ---------------------------------------------------------------------------------------------
// Keystore

struct Keystore::Decrypted {
    KeyFile file;
    ScopedSecretKey key;
    SecretBytes entropy;  // empty for SECRET keys
};

Keystore::Keystore(std::filesystem::path home) : Keystore(std::move(home), KdfStrengthFromEnv()) {}

Keystore::Keystore(std::filesystem::path home, KdfStrength strength)
    : m_home(std::move(home)), m_keys_dir(m_home / "keys"), m_strength(strength) {}

std::filesystem::path Keystore::KeyPath(std::string_view name) const {
    return m_keys_dir / (std::string(name) + ".json");
}

namespace {

// A key file holding `sk` (and `entropy`) encrypted under `password`: fresh salt and nonce.
Result<KeyFile, KeystoreError> SealKeyFile(std::string_view name, std::string_view password, const SecretKey& sk,
                                           KeySource source, ByteView entropy, KdfStrength strength) {
    if (auto s = InitSodium(); !s) return Fail(s.error());
    auto pk = DerivePublicKey(sk);
    if (!pk) return Fail(Err(KeystoreErrc::INVALID_SECRET_KEY, "not a valid secp256k1 secret key"));
    KeyFile f;
    f.version = FORMAT_VERSION;
    f.name = std::string(name);
    f.address = *pk;
    f.source = source;
    if (source == KeySource::MNEMONIC) f.derivation = std::string(FOLIO_ACCOUNT_PATH_TEXT);
    const KdfLimits limits = LimitsOf(strength);
    f.opslimit = limits.opslimit;
    f.memlimit = limits.memlimit;
    f.salt.resize(SALT_BYTES);
    randombytes_buf(f.salt.data(), f.salt.size());
    f.nonce.resize(NONCE_BYTES);
    randombytes_buf(f.nonce.data(), f.nonce.size());

    SecretBytes plaintext(32 + entropy.size());
    std::memcpy(plaintext.data(), sk.data.data(), 32);
    if (!entropy.empty()) std::memcpy(plaintext.data() + 32, entropy.data(), entropy.size());

    auto key = StretchPassword(password, f.salt, f.opslimit, f.memlimit);
    if (!key) return Fail(key.error());
    f.ciphertext.resize(plaintext.size() + TAG_BYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(f.ciphertext.data(), &clen, plaintext.data(), plaintext.size(),
                                               f.address.data.data(), f.address.data.size(), nullptr, f.nonce.data(),
                                               key->data());
    f.ciphertext.resize(static_cast<size_t>(clen));
    return f;
}

// Reads and parses the key file at `path` (O_NOFOLLOW, at most MAX_FILE_BYTES + 1 read).
Result<KeyFile, KeystoreError> ReadKeyFileAt(const std::filesystem::path& path, const std::string& missing) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT) return Fail(Err(KeystoreErrc::NOT_FOUND, missing));
        return Fail(Err(KeystoreErrc::IO_ERROR, "cannot open " + path.string() + ": " + ErrnoText(err)));
    }
    std::string text;
    std::array<char, 4096> buf{};
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            return Fail(Err(KeystoreErrc::IO_ERROR, "cannot read " + path.string() + ": " + ErrnoText(err)));
        }
        if (n == 0) break;
        text.append(buf.data(), static_cast<size_t>(n));
        if (text.size() > MAX_FILE_BYTES) break;
    }
    ::close(fd);
    auto f = ParseKeyFile(text);
    if (!f) return Fail(Err(f.error().code, path.string() + ": " + f.error().message));
    return f;
}

// The plaintext of `f` under `password`; `wrong` is the error for a failed authentication.
Result<SecretBytes, KeystoreError> DecryptKeyFile(const KeyFile& f, std::string_view password,
                                                  const KeystoreError& wrong) {
    if (auto s = InitSodium(); !s) return Fail(s.error());
    auto key = StretchPassword(password, f.salt, f.opslimit, f.memlimit);
    if (!key) return Fail(key.error());
    SecretBytes plaintext(f.ciphertext.size() - TAG_BYTES);
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.data(), &mlen, nullptr, f.ciphertext.data(),
                                                   f.ciphertext.size(), f.address.data.data(), f.address.data.size(),
                                                   f.nonce.data(), key->data()) != 0) {
        return Fail(wrong);
    }
    if (mlen != plaintext.size() || !IsValidPlaintextSize(f.source, plaintext.size())) return Fail(wrong);
    ScopedSecretKey sk;
    std::memcpy(sk.get().data.data(), plaintext.data(), 32);
    auto pk = DerivePublicKey(sk.get());
    if (!pk || *pk != f.address) return Fail(wrong);
    return plaintext;
}

}  // namespace

Result<KeyInfo, KeystoreError> Keystore::Store(std::string_view name, std::string_view password, const SecretKey& sk,
                                               KeySource source, ByteView entropy) const {
    if (auto s = InitSodium(); !s) return Fail(s.error());
    if (!DerivePublicKey(sk)) return Fail(Err(KeystoreErrc::INVALID_SECRET_KEY, "not a valid secp256k1 secret key"));
    const std::filesystem::path path = KeyPath(name);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        return Fail(Err(KeystoreErrc::ALREADY_EXISTS, "key '" + std::string(name) + "' already exists"));
    }
    auto f = SealKeyFile(name, password, sk, source, entropy, m_strength);
    if (!f) return Fail(f.error());

    if (auto s = MakePrivateDir(m_home); !s) return Fail(s.error());
    if (auto s = MakePrivateDir(m_keys_dir); !s) return Fail(s.error());
    if (::chmod(m_keys_dir.c_str(), 0700) != 0) {
        int err = errno;
        return Fail(Err(KeystoreErrc::IO_ERROR, "cannot chmod " + m_keys_dir.string() + ": " + ErrnoText(err)));
    }
    if (auto s = WriteNewFileAtomically(path, SerializeKeyFile(*f)); !s) {
        if (s.error().code == KeystoreErrc::ALREADY_EXISTS) {
            return Fail(Err(KeystoreErrc::ALREADY_EXISTS, "key '" + std::string(name) + "' already exists"));
        }
        return Fail(s.error());
    }
    return InfoOf(*f);
}

Result<NewKey, KeystoreError> Keystore::Create(std::string_view name, std::string_view password) const {
    if (!IsValidKeyName(name)) return Fail(Err(KeystoreErrc::INVALID_NAME, "key names are 1-64 of A-Z a-z 0-9 _ -"));
    if (auto s = InitSodium(); !s) return Fail(s.error());
    SecretBytes entropy(32);
    randombytes_buf(entropy.data(), entropy.size());
    auto words = EntropyToMnemonic(entropy.view());
    if (!words) return Fail(Err(KeystoreErrc::CRYPTO_ERROR, words.error().message));
    auto sk = MnemonicToAccountKey(words->str(), "");
    if (!sk) return Fail(Err(KeystoreErrc::CRYPTO_ERROR, sk.error().message));
    auto info = Store(name, password, sk->get(), KeySource::MNEMONIC, entropy.view());
    if (!info) return Fail(info.error());
    return NewKey{std::move(info.value()), std::move(words.value())};
}

Result<KeyInfo, KeystoreError> Keystore::Import(std::string_view name, std::string_view password,
                                                std::string_view mnemonic, std::string_view bip39_passphrase) const {
    if (!IsValidKeyName(name)) return Fail(Err(KeystoreErrc::INVALID_NAME, "key names are 1-64 of A-Z a-z 0-9 _ -"));
    auto entropy = MnemonicToEntropy(mnemonic);
    if (!entropy) return Fail(Err(KeystoreErrc::INVALID_MNEMONIC, entropy.error().message));
    auto sk = MnemonicToAccountKey(mnemonic, bip39_passphrase);
    if (!sk) return Fail(Err(KeystoreErrc::INVALID_MNEMONIC, sk.error().message));
    return Store(name, password, sk->get(), KeySource::MNEMONIC, entropy->view());
}

Result<KeyInfo, KeystoreError> Keystore::ImportSecret(std::string_view name, std::string_view password,
                                                      const SecretKey& secret_key) const {
    if (!IsValidKeyName(name)) return Fail(Err(KeystoreErrc::INVALID_NAME, "key names are 1-64 of A-Z a-z 0-9 _ -"));
    if (!IsValidSecretKey(secret_key)) {
        return Fail(Err(KeystoreErrc::INVALID_SECRET_KEY, "not a valid secp256k1 secret key"));
    }
    return Store(name, password, secret_key, KeySource::SECRET, {});
}

Result<KeyFile, KeystoreError> Keystore::Load(std::string_view name) const {
    if (!IsValidKeyName(name)) return Fail(Err(KeystoreErrc::INVALID_NAME, "key names are 1-64 of A-Z a-z 0-9 _ -"));
    const std::filesystem::path path = KeyPath(name);
    auto f = ReadKeyFileAt(path, "no key named '" + std::string(name) + "'");
    if (!f) return Fail(f.error());
    if (f->name != name) {
        return Fail(Err(KeystoreErrc::CORRUPT_FILE, path.string() + ": key file corrupt: it names key '" + f->name +
                                                        "', not '" + std::string(name) + "'"));
    }
    return f;
}

Result<Keystore::Decrypted, KeystoreError> Keystore::Decrypt(std::string_view name, std::string_view password) const {
    auto f = Load(name);
    if (!f) return Fail(f.error());
    const KeystoreError wrong = Err(KeystoreErrc::WRONG_PASSWORD_OR_CORRUPT,
                                    "wrong password for key '" + std::string(name) + "' (or its file was modified)");
    auto plaintext = DecryptKeyFile(*f, password, wrong);
    if (!plaintext) return Fail(plaintext.error());
    Decrypted d;
    std::memcpy(d.key.get().data.data(), plaintext->data(), 32);
    d.entropy = SecretBytes::CopyOf(plaintext->view().subspan(32));
    d.file = std::move(f.value());
    return d;
}

Result<std::vector<KeyInfo>, KeystoreError> Keystore::List() const {
    std::vector<KeyInfo> out;
    std::error_code ec;
    if (!std::filesystem::exists(m_keys_dir, ec)) return out;
    std::filesystem::directory_iterator it(m_keys_dir, ec);
    if (ec) return Fail(Err(KeystoreErrc::IO_ERROR, "cannot list " + m_keys_dir.string() + ": " + ec.message()));
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() != ".json") continue;
        const std::string stem = p.stem().string();
        if (!IsValidKeyName(stem)) continue;
        auto f = Load(stem);
        if (f) out.push_back(InfoOf(*f));
    }
    if (ec) return Fail(Err(KeystoreErrc::IO_ERROR, "cannot list " + m_keys_dir.string() + ": " + ec.message()));
    std::sort(out.begin(), out.end(), [](const KeyInfo& a, const KeyInfo& b) { return a.name < b.name; });
    return out;
}

Result<KeyInfo, KeystoreError> Keystore::Show(std::string_view name) const {
    auto f = Load(name);
    if (!f) return Fail(f.error());
    return InfoOf(*f);
}

Result<ScopedSecretKey, KeystoreError> Keystore::Unlock(std::string_view name, std::string_view password) const {
    auto d = Decrypt(name, password);
    if (!d) return Fail(d.error());
    return d->key;
}

Result<SecretBytes, KeystoreError> Keystore::RevealMnemonic(std::string_view name, std::string_view password) const {
    auto f = Load(name);
    if (!f) return Fail(f.error());
    if (f->source != KeySource::MNEMONIC) {
        return Fail(Err(KeystoreErrc::NO_MNEMONIC,
                        "key '" + std::string(name) + "' was imported from a secret key and has no mnemonic"));
    }
    auto d = Decrypt(name, password);
    if (!d) return Fail(d.error());
    auto words = EntropyToMnemonic(d->entropy.view());
    if (!words) return Fail(Err(KeystoreErrc::WRONG_PASSWORD_OR_CORRUPT, words.error().message));
    return std::move(words.value());
}

// ---------------------------------------------------------------------------------------------
// One key file at an explicit path

Result<KeyInfo, KeystoreError> WriteKeyFileAt(const std::filesystem::path& path, std::string_view name,
                                              std::string_view password, const SecretKey& secret_key,
                                              KdfStrength strength) {
    if (!IsValidKeyName(name)) return Fail(Err(KeystoreErrc::INVALID_NAME, "key names are 1-64 of A-Z a-z 0-9 _ -"));
    if (!IsValidSecretKey(secret_key)) {
        return Fail(Err(KeystoreErrc::INVALID_SECRET_KEY, "not a valid secp256k1 secret key"));
    }
    std::error_code ec;
    if (std::filesystem::exists(path, ec) || std::filesystem::is_symlink(path, ec)) {
        return Fail(Err(KeystoreErrc::ALREADY_EXISTS, "a file already exists at " + path.string()));
    }
    auto f = SealKeyFile(name, password, secret_key, KeySource::SECRET, {}, strength);
    if (!f) return Fail(f.error());
    const std::filesystem::path abs = std::filesystem::absolute(path, ec);
    if (ec) return Fail(Err(KeystoreErrc::IO_ERROR, "cannot resolve " + path.string() + ": " + ec.message()));
    if (auto s = WriteNewFileAtomically(abs, SerializeKeyFile(*f)); !s) return Fail(s.error());
    return InfoOf(*f);
}

Result<ScopedSecretKey, KeystoreError> UnlockKeyFileAt(const std::filesystem::path& path, std::string_view password) {
    auto f = ReadKeyFileAt(path, "no key file at " + path.string());
    if (!f) return Fail(f.error());
    const KeystoreError wrong = Err(KeystoreErrc::WRONG_PASSWORD_OR_CORRUPT,
                                    "wrong password for key file " + path.string() + " (or the file was modified)");
    auto plaintext = DecryptKeyFile(*f, password, wrong);
    if (!plaintext) return Fail(plaintext.error());
    ScopedSecretKey sk;
    std::memcpy(sk.get().data.data(), plaintext->data(), 32);
    return sk;
}

}  // namespace folio::cli
