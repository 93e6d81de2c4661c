#pragma once
// BIP-39 mnemonics (English wordlist, embedded at build time), BIP-39 seeds and the BIP-32
// hardened derivation of Folio's account key m/44'/8800'/0'/0'/0' (docs/keystore.md).
// Also SecretBytes, the wiped buffer every secret of the wallet lives in.
// Thread-safety: every function is safe to call concurrently; SecretBytes objects are not shared.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <node/core/bytes.h>
#include <node/core/keys.h>
#include <node/core/result.h>

namespace folio::cli {

// A heap buffer for secret material: locked in RAM with sodium_mlock where the OS allows it
// (failure to lock is tolerated), wiped with sodium_memzero when destroyed or moved from.
// Move-only. Sizes are fixed at construction.
class SecretBytes {
public:
    SecretBytes() = default;
    // `size` zero bytes.
    explicit SecretBytes(size_t size);
    // A copy of `data`; the caller remains responsible for wiping its own copy.
    static SecretBytes CopyOf(ByteView data);
    ~SecretBytes();
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;

    uint8_t* data() { return m_data; }
    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    ByteView view() const { return {m_data, m_size}; }
    std::span<uint8_t> span() { return {m_data, m_size}; }
    // The bytes as text (mnemonics are stored this way). Valid while the object lives.
    std::string_view str() const { return {reinterpret_cast<const char*>(m_data), m_size}; }

private:
    void Release() noexcept;
    uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

// Overwrites `size` bytes at `p` with zeros in a way the compiler cannot elide (sodium_memzero).
void WipeMemory(void* p, size_t size) noexcept;

// N secret bytes held by value and wiped when the object is destroyed. Copies are independent and
// each wipes itself (so a moved or copied Result<Wiped<N>, E> leaves no unwiped copy behind).
template <size_t N>
class Wiped {
public:
    Wiped() = default;
    explicit Wiped(const FixedBytes<N>& v) : m_v(v) {}
    Wiped(const Wiped&) = default;
    Wiped& operator=(const Wiped&) = default;
    ~Wiped() { WipeMemory(m_v.data.data(), N); }
    const FixedBytes<N>& get() const { return m_v; }
    FixedBytes<N>& get() { return m_v; }
    // Lets a ScopedSecretKey be passed where a `const SecretKey&` is expected (no copy is made).
    operator const FixedBytes<N>&() const { return m_v; }

private:
    FixedBytes<N> m_v{};
};

// A secp256k1 secret key that wipes itself; `.get()` is the SecretKey for SignSchnorr.
using ScopedSecretKey = Wiped<32>;

enum class MnemonicErrc {
    BAD_ENTROPY_LENGTH,    // entropy not 16..32 bytes or not a multiple of 4
    WRONG_WORD_COUNT,      // not 12, 15, 18, 21 or 24 words
    UNKNOWN_WORD,          // a word not in the English list (the message names it)
    BAD_CHECKSUM,          // the words decode but the checksum bits do not match
    NON_ASCII,             // mnemonic or passphrase holds a non-ASCII byte (NFKD not implemented)
    BAD_SEED_LENGTH,       // BIP-32 seed not 16..64 bytes
    INVALID_DERIVED_KEY,   // BIP-32 produced an invalid key (probability < 2^-127)
};

struct MnemonicError {
    MnemonicErrc code;
    std::string message;  // one line for a user, e.g. "unknown word 'abandom' (word 3)"
};

// Number of words in the embedded English list (2048).
inline constexpr size_t BIP39_WORD_COUNT = 2048;
// The embedded BIP-39 English wordlist, sorted, index = 11-bit value.
std::span<const std::string_view, BIP39_WORD_COUNT> Bip39EnglishWords();

// entropy (16, 20, 24, 28 or 32 bytes) -> words joined by single spaces. The checksum is the
// first ENT/32 bits of SHA-256(entropy).
Result<SecretBytes, MnemonicError> EntropyToMnemonic(ByteView entropy);

// words -> entropy, verifying the checksum. Words are separated by any run of ASCII whitespace;
// leading/trailing whitespace is ignored; words must be lowercase ASCII as in the list.
Result<SecretBytes, MnemonicError> MnemonicToEntropy(std::string_view mnemonic);

// BIP-39 seed: PBKDF2-HMAC-SHA512(password = mnemonic, salt = "mnemonic" + passphrase, 2048
// iterations, 64 bytes). The mnemonic is first validated (checksum) and re-joined with single
// spaces. NFKD: English words and ASCII passphrases are already in NFKD, so both are used as
// bytes; any non-ASCII byte is rejected with NON_ASCII rather than normalised wrongly.
Result<SecretBytes, MnemonicError> MnemonicToSeed(std::string_view mnemonic, std::string_view passphrase);

// A BIP-32 extended private key (key + chain code).
struct ExtendedKey {
    Wiped<32> key;
    Wiped<32> chain_code;
};

// The hardened-index flag of BIP-32 (index i' is i + HARDENED).
inline constexpr uint32_t BIP32_HARDENED = 0x80000000u;
// Folio's account path m/44'/8800'/0'/0'/0' (SLIP-44 style; every level hardened).
inline constexpr std::array<uint32_t, 5> FOLIO_ACCOUNT_PATH = {
    44 | BIP32_HARDENED, 8800 | BIP32_HARDENED, 0 | BIP32_HARDENED, 0 | BIP32_HARDENED, 0 | BIP32_HARDENED};
inline constexpr std::string_view FOLIO_ACCOUNT_PATH_TEXT = "m/44'/8800'/0'/0'/0'";

// BIP-32 master key: I = HMAC-SHA512(key = "Bitcoin seed", seed); key = I[0..32), chain = I[32..64).
// Seed must be 16..64 bytes.
Result<ExtendedKey, MnemonicError> Bip32Master(ByteView seed);
// BIP-32 hardened child: I = HMAC-SHA512(chain, 0x00 || key || BE32(index)); child key =
// I_L + key mod n. `index` must carry BIP32_HARDENED (non-hardened derivation is not offered:
// Folio never derives public-only children). An invalid child (I_L >= n or zero) is an error
// (BIP-32 would skip to the next index; for a fixed path we refuse instead).
Result<ExtendedKey, MnemonicError> Bip32DeriveHardened(const ExtendedKey& parent, uint32_t index);
// Master key followed by each hardened step of `path`.
Result<ExtendedKey, MnemonicError> Bip32DerivePath(ByteView seed, std::span<const uint32_t> path);

// The account secret key of a BIP-39 seed: the key at FOLIO_ACCOUNT_PATH.
Result<ScopedSecretKey, MnemonicError> DeriveAccountKey(ByteView seed);

// Convenience: mnemonic (+ passphrase) -> account key, i.e. MnemonicToSeed then DeriveAccountKey.
Result<ScopedSecretKey, MnemonicError> MnemonicToAccountKey(std::string_view mnemonic,
                                                            std::string_view passphrase);

}  // namespace folio::cli
