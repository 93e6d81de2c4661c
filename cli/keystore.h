#pragma once
// The wallet's encrypted key store: one JSON file per key at HOME/keys/NAME.json, the secret
// encrypted with XChaCha20-Poly1305 under a key stretched from the password by Argon2id
// (libsodium). docs/keystore.md gives the exact file format and the threat model.
// Thread-safety: a Keystore holds no mutable state; concurrent calls are safe within one process.
// Two processes creating the same name race safely: exactly one wins, the other gets
// ALREADY_EXISTS (the final file is created with link(2), which never overwrites).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cli/mnemonic.h>
#include <node/core/keys.h>
#include <node/core/result.h>

namespace folio::cli {

enum class KeystoreErrc {
    INVALID_NAME,               // not [A-Za-z0-9_-]{1,64}
    ALREADY_EXISTS,             // a key of that name exists; nothing was written
    NOT_FOUND,                  // no key of that name
    WRONG_PASSWORD_OR_CORRUPT,  // authentication failed: wrong password, or a tampered file
    CORRUPT_FILE,               // the file is not a well-formed key file (message says what)
    UNSUPPORTED_VERSION,        // a key file of a newer format version
    INVALID_MNEMONIC,           // Import: the mnemonic failed BIP-39 checks (message says which)
    INVALID_SECRET_KEY,         // ImportSecret: not a valid secp256k1 secret key
    NO_MNEMONIC,                // RevealMnemonic on a key imported from a raw secret key
    IO_ERROR,                   // the file system refused (message has the path and reason)
    CRYPTO_ERROR,               // libsodium could not initialise or allocate the KDF's memory
};

struct KeystoreError {
    KeystoreErrc code;
    std::string message;  // one line for a user
};

// Short stable identifier of an error code, e.g. "WRONG_PASSWORD_OR_CORRUPT".
std::string_view KeystoreErrcName(KeystoreErrc code);

// Argon2id cost presets (libsodium's crypto_pwhash_OPSLIMIT_* / MEMLIMIT_*):
// INTERACTIVE 2 passes, 64 MiB; MODERATE 3 passes, 256 MiB (default); SENSITIVE 4 passes, 1 GiB.
enum class KdfStrength { INTERACTIVE, MODERATE, SENSITIVE };

// "interactive", "moderate" or "sensitive" (case-sensitive); nullopt otherwise.
std::optional<KdfStrength> ParseKdfStrength(std::string_view s);
// The strength selected by the environment variable FOLIO_KEYSTORE_KDF; MODERATE when unset or
// when the value is not recognised (an unknown value never weakens the default).
KdfStrength KdfStrengthFromEnv();

// How the secret key came to be.
enum class KeySource {
    MNEMONIC,  // derived from a BIP-39 mnemonic at FOLIO_ACCOUNT_PATH (the entropy is stored too)
    SECRET,    // imported as a raw 32-byte secret key (devnet keys)
};

// Public facts about a stored key. Never holds secret material.
struct KeyInfo {
    std::string name;
    Address address;  // the x-only public key
    KeySource source;
    std::string derivation;  // "m/44'/8800'/0'/0'/0'" for MNEMONIC keys, empty for SECRET keys
};

// The result of Create: the key's public facts and its mnemonic, which the caller must show the
// user once (it is also recoverable later with RevealMnemonic and the password).
struct NewKey {
    KeyInfo info;
    SecretBytes mnemonic;  // 24 words separated by single spaces
};

// The parsed (still encrypted) content of a key file.
struct KeyFile {
    int version = 0;
    std::string name;
    Address address;
    KeySource source = KeySource::SECRET;
    std::string derivation;
    uint64_t opslimit = 0;
    uint64_t memlimit = 0;
    Bytes salt;        // crypto_pwhash_SALTBYTES (16)
    Bytes nonce;       // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES (24)
    Bytes ciphertext;  // plaintext + 16-byte tag
};

// Strict parser of a key file's text (no file access): every field present with the right type,
// algorithm names as documented, hex of the exact lengths, KDF limits within libsodium's
// [MIN, SENSITIVE] range. Errors are CORRUPT_FILE or UNSUPPORTED_VERSION. Never throws.
Result<KeyFile, KeystoreError> ParseKeyFile(std::string_view text);
// The canonical text of a key file (docs/keystore.md); ParseKeyFile(SerializeKeyFile(f)) == f.
std::string SerializeKeyFile(const KeyFile& file);

// True if `name` matches [A-Za-z0-9_-]{1,64} (so it can never name a path outside HOME/keys).
bool IsValidKeyName(std::string_view name);

class Keystore {
public:
    // A keystore rooted at `home` (files in home/"keys"), KDF strength from KdfStrengthFromEnv().
    // Nothing is touched on disk until a key is written.
    explicit Keystore(std::filesystem::path home);
    Keystore(std::filesystem::path home, KdfStrength strength);

    // The directory holding the key files.
    const std::filesystem::path& KeysDir() const { return m_keys_dir; }
    // Where key `name` is (or would be) stored. The caller must have validated the name.
    std::filesystem::path KeyPath(std::string_view name) const;

    // A new key from 32 random bytes of entropy (24-word mnemonic, empty BIP-39 passphrase),
    // encrypted under `password` and written as NAME.json. Refuses an existing name.
    Result<NewKey, KeystoreError> Create(std::string_view name, std::string_view password) const;
    // Restores the key of `mnemonic` (+ optional BIP-39 passphrase; ASCII only). Refuses an
    // existing name. The passphrase is not stored: RevealMnemonic returns only the words.
    Result<KeyInfo, KeystoreError> Import(std::string_view name, std::string_view password, std::string_view mnemonic,
                                          std::string_view bip39_passphrase = {}) const;
    // Stores a raw secret key (e.g. a devnet key). Refuses an invalid key or an existing name.
    Result<KeyInfo, KeystoreError> ImportSecret(std::string_view name, std::string_view password,
                                                const SecretKey& secret_key) const;

    // All keys with a well-formed file, sorted by name. Files that do not parse are skipped
    // (Show names the problem). A missing keys directory is an empty list.
    Result<std::vector<KeyInfo>, KeystoreError> List() const;
    // The public facts of one key; needs no password.
    Result<KeyInfo, KeystoreError> Show(std::string_view name) const;
    // Decrypts the secret key. Wrong password and any tampering with salt, nonce, ciphertext or
    // address give WRONG_PASSWORD_OR_CORRUPT. The decrypted key is checked to match the address.
    Result<ScopedSecretKey, KeystoreError> Unlock(std::string_view name, std::string_view password) const;
    // The mnemonic of a MNEMONIC key (for `keys show --mnemonic`); NO_MNEMONIC for SECRET keys.
    Result<SecretBytes, KeystoreError> RevealMnemonic(std::string_view name, std::string_view password) const;

private:
    struct Decrypted;
    Result<KeyFile, KeystoreError> Load(std::string_view name) const;
    Result<Decrypted, KeystoreError> Decrypt(std::string_view name, std::string_view password) const;
    Result<KeyInfo, KeystoreError> Store(std::string_view name, std::string_view password, const SecretKey& sk,
                                         KeySource source, ByteView entropy) const;

    std::filesystem::path m_home;
    std::filesystem::path m_keys_dir;
    KdfStrength m_strength;
};

// ---- One key file at an explicit path (foliod's validator key; docs/operations.md, "The
// validator key"). Same format and encryption as the keystore's files.

// Writes `secret_key` encrypted under `password` as a version-1 key file (source "secret", name
// `name`) at `path`, mode 0600, atomically; never replaces an existing file (ALREADY_EXISTS).
// Nothing is written on any error.
Result<KeyInfo, KeystoreError> WriteKeyFileAt(const std::filesystem::path& path, std::string_view name,
                                              std::string_view password, const SecretKey& secret_key,
                                              KdfStrength strength);
// Reads (O_NOFOLLOW, at most 64 KiB) and decrypts the key file at `path`. NOT_FOUND, IO_ERROR,
// CORRUPT_FILE / UNSUPPORTED_VERSION (not a key file), WRONG_PASSWORD_OR_CORRUPT (wrong password or
// a tampered file), CRYPTO_ERROR. The key is checked to match the file's address.
Result<ScopedSecretKey, KeystoreError> UnlockKeyFileAt(const std::filesystem::path& path, std::string_view password);

}  // namespace folio::cli
