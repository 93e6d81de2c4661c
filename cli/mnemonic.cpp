#include <cli/mnemonic.h>

#include <algorithm>
#include <cstring>
#include <new>

#include <cryptopp/hmac.h>
#include <cryptopp/pwdbased.h>
#include <cryptopp/sha.h>
#include <sodium.h>

#include <node/core/hash.h>

namespace folio::cli {

namespace detail {
// Defined in the source generated from cli/bip39_english.txt by cli/wallet.cmake.
extern const std::array<std::string_view, BIP39_WORD_COUNT> BIP39_ENGLISH_WORDS;
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Secret buffers

void WipeMemory(void* p, size_t size) noexcept {
    if (p != nullptr && size > 0) sodium_memzero(p, size);
}

SecretBytes::SecretBytes(size_t size) {
    if (size == 0) return;
    m_data = new uint8_t[size]();
    m_size = size;
    // Best effort: without CAP_IPC_LOCK or with a low RLIMIT_MEMLOCK this fails; the buffer is
    // still wiped on release.
    (void)sodium_mlock(m_data, m_size);
}

SecretBytes SecretBytes::CopyOf(ByteView data) {
    SecretBytes out(data.size());
    if (!data.empty()) std::memcpy(out.m_data, data.data(), data.size());
    return out;
}

SecretBytes::~SecretBytes() { Release(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : m_data(other.m_data), m_size(other.m_size) {
    other.m_data = nullptr;
    other.m_size = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        Release();
        m_data = other.m_data;
        m_size = other.m_size;
        other.m_data = nullptr;
        other.m_size = 0;
    }
    return *this;
}

void SecretBytes::Release() noexcept {
    if (m_data == nullptr) return;
    sodium_memzero(m_data, m_size);
    (void)sodium_munlock(m_data, m_size);  // also zeroes; harmless if the lock had failed
    delete[] m_data;
    m_data = nullptr;
    m_size = 0;
}

// ---------------------------------------------------------------------------------------------
// BIP-39

std::span<const std::string_view, BIP39_WORD_COUNT> Bip39EnglishWords() {
    return std::span<const std::string_view, BIP39_WORD_COUNT>(detail::BIP39_ENGLISH_WORDS);
}

namespace {

MnemonicError Err(MnemonicErrc code, std::string message) { return {code, std::move(message)}; }

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive (ASCII) comparison of `a` with a lowercase list word.
int CompareLower(std::string_view a, std::string_view word) {
    size_t n = std::min(a.size(), word.size());
    for (size_t i = 0; i < n; ++i) {
        char ca = AsciiLower(a[i]);
        if (ca != word[i]) return ca < word[i] ? -1 : 1;
    }
    if (a.size() == word.size()) return 0;
    return a.size() < word.size() ? -1 : 1;
}

// Index of `word` in the English list, or -1.
int WordIndex(std::string_view word) {
    auto words = Bip39EnglishWords();
    size_t lo = 0, hi = words.size();
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = CompareLower(word, words[mid]);
        if (c == 0) return static_cast<int>(mid);
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return -1;
}

bool IsAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Calls f(word) for each whitespace-separated word.
template <typename F>
void ForEachWord(std::string_view s, F&& f) {
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && IsAsciiSpace(s[i])) ++i;
        size_t start = i;
        while (i < s.size() && !IsAsciiSpace(s[i])) ++i;
        if (i > start) f(s.substr(start, i - start));
    }
}

bool GetBit(ByteView bytes, size_t bit) {
    return ((bytes[bit / 8] >> (7 - bit % 8)) & 1) != 0;
}

void SetBit(std::span<uint8_t> bytes, size_t bit) {
    bytes[bit / 8] = static_cast<uint8_t>(bytes[bit / 8] | (1u << (7 - bit % 8)));
}

}  // namespace

Result<SecretBytes, MnemonicError> EntropyToMnemonic(ByteView entropy) {
    const size_t ent_bytes = entropy.size();
    if (ent_bytes < 16 || ent_bytes > 32 || ent_bytes % 4 != 0) {
        return Fail(Err(MnemonicErrc::BAD_ENTROPY_LENGTH,
                        "entropy must be 16, 20, 24, 28 or 32 bytes, got " + std::to_string(ent_bytes)));
    }
    const size_t ent_bits = ent_bytes * 8;
    const size_t cs_bits = ent_bits / 32;
    const size_t word_count = (ent_bits + cs_bits) / 11;

    // entropy || first byte of SHA-256(entropy) (cs_bits <= 8).
    SecretBytes bits(ent_bytes + 1);
    std::memcpy(bits.data(), entropy.data(), ent_bytes);
    Hash256 h = Sha256Of(entropy);
    bits.data()[ent_bytes] = h.data[0];
    WipeMemory(h.data.data(), h.data.size());

    auto words = Bip39EnglishWords();
    size_t total = word_count - 1;  // separators
    std::array<uint16_t, 24> idx{};
    for (size_t w = 0; w < word_count; ++w) {
        unsigned v = 0;
        for (size_t b = 0; b < 11; ++b) v = (v << 1) | (GetBit(bits.view(), w * 11 + b) ? 1u : 0u);
        idx[w] = static_cast<uint16_t>(v);
        total += words[v].size();
    }
    SecretBytes out(total);
    size_t pos = 0;
    for (size_t w = 0; w < word_count; ++w) {
        if (w > 0) out.data()[pos++] = ' ';
        std::string_view word = words[idx[w]];
        std::memcpy(out.data() + pos, word.data(), word.size());
        pos += word.size();
    }
    WipeMemory(idx.data(), sizeof(idx));
    return out;
}

Result<SecretBytes, MnemonicError> MnemonicToEntropy(std::string_view mnemonic) {
    if (!IsAscii(mnemonic)) {
        return Fail(Err(MnemonicErrc::NON_ASCII,
                        "mnemonic contains a non-ASCII character (only the English wordlist is supported)"));
    }
    size_t count = 0;
    ForEachWord(mnemonic, [&](std::string_view) { ++count; });
    if (count < 12 || count > 24 || count % 3 != 0) {
        return Fail(Err(MnemonicErrc::WRONG_WORD_COUNT,
                        "a mnemonic has 12, 15, 18, 21 or 24 words, got " + std::to_string(count)));
    }
    const size_t total_bits = count * 11;
    const size_t cs_bits = total_bits / 33;
    const size_t ent_bits = total_bits - cs_bits;

    SecretBytes bits((total_bits + 7) / 8);
    size_t n = 0;
    std::string unknown;
    size_t unknown_pos = 0;
    ForEachWord(mnemonic, [&](std::string_view word) {
        ++n;
        if (!unknown.empty()) return;
        int v = WordIndex(word);
        if (v < 0) {
            unknown = std::string(word);
            unknown_pos = n;
            return;
        }
        for (size_t b = 0; b < 11; ++b) {
            if ((static_cast<unsigned>(v) >> (10 - b)) & 1u) SetBit(bits.span(), (n - 1) * 11 + b);
        }
    });
    if (!unknown.empty()) {
        return Fail(Err(MnemonicErrc::UNKNOWN_WORD, "unknown word '" + unknown + "' (word " +
                                                        std::to_string(unknown_pos) +
                                                        ") is not in the BIP-39 English list"));
    }

    SecretBytes entropy(ent_bits / 8);
    std::memcpy(entropy.data(), bits.data(), entropy.size());
    Hash256 h = Sha256Of(entropy.view());
    bool checksum_ok = true;
    for (size_t b = 0; b < cs_bits; ++b) {
        if (GetBit(h.view(), b) != GetBit(bits.view(), ent_bits + b)) checksum_ok = false;
    }
    WipeMemory(h.data.data(), h.data.size());
    if (!checksum_ok) {
        return Fail(Err(MnemonicErrc::BAD_CHECKSUM,
                        "mnemonic checksum mismatch: a word is wrong or the words are out of order"));
    }
    return entropy;
}

Result<SecretBytes, MnemonicError> MnemonicToSeed(std::string_view mnemonic, std::string_view passphrase) {
    if (!IsAscii(passphrase)) {
        return Fail(Err(MnemonicErrc::NON_ASCII,
                        "the BIP-39 passphrase must be ASCII (Unicode normalisation is not supported)"));
    }
    auto entropy = MnemonicToEntropy(mnemonic);
    if (!entropy) return Fail(entropy.error());
    // The canonical sentence: list words (lowercase) joined by single spaces.
    auto sentence = EntropyToMnemonic(entropy->view());
    if (!sentence) return Fail(sentence.error());

    static constexpr std::string_view SALT_PREFIX = "mnemonic";
    SecretBytes salt(SALT_PREFIX.size() + passphrase.size());
    std::memcpy(salt.data(), SALT_PREFIX.data(), SALT_PREFIX.size());
    if (!passphrase.empty()) std::memcpy(salt.data() + SALT_PREFIX.size(), passphrase.data(), passphrase.size());

    SecretBytes seed(64);
    CryptoPP::PKCS5_PBKDF2_HMAC<CryptoPP::SHA512> pbkdf2;
    pbkdf2.DeriveKey(seed.data(), seed.size(), 0, sentence->data(), sentence->size(), salt.data(), salt.size(),
                     2048);
    return seed;
}

// ---------------------------------------------------------------------------------------------
// BIP-32 (hardened private derivation only)

namespace {

// secp256k1 group order n, big-endian.
constexpr std::array<uint8_t, 32> CURVE_ORDER = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};

bool LessThanOrder(const uint8_t* a) {
    for (size_t i = 0; i < 32; ++i) {
        if (a[i] != CURVE_ORDER[i]) return a[i] < CURVE_ORDER[i];
    }
    return false;
}

// out = (a + b) mod n for a, b < n. Branch-free on the secret values.
void AddModOrder(const uint8_t* a, const uint8_t* b, uint8_t* out) {
    std::array<uint8_t, 32> sum{}, diff{};
    unsigned carry = 0;
    for (size_t i = 32; i-- > 0;) {
        unsigned t = unsigned{a[i]} + unsigned{b[i]} + carry;
        sum[i] = static_cast<uint8_t>(t & 0xFFu);
        carry = t >> 8;
    }
    unsigned borrow = 0;
    for (size_t i = 32; i-- > 0;) {
        unsigned t = unsigned{sum[i]} - unsigned{CURVE_ORDER[i]} - borrow;  // wraps mod 2^32
        diff[i] = static_cast<uint8_t>(t & 0xFFu);
        borrow = (t >> 31) & 1u;
    }
    // Use diff when the sum overflowed 2^256 or sum >= n (no borrow).
    unsigned use_diff = carry | (borrow ^ 1u);
    uint8_t mask = static_cast<uint8_t>(0u - use_diff);
    for (size_t i = 0; i < 32; ++i) {
        out[i] = static_cast<uint8_t>((diff[i] & mask) | (sum[i] & static_cast<uint8_t>(~mask)));
    }
    WipeMemory(sum.data(), sum.size());
    WipeMemory(diff.data(), diff.size());
}

void HmacSha512(ByteView key, ByteView data, uint8_t* out64) {
    CryptoPP::HMAC<CryptoPP::SHA512> mac(key.data(), key.size());
    mac.Update(data.data(), data.size());
    mac.Final(out64);
}

}  // namespace

Result<ExtendedKey, MnemonicError> Bip32Master(ByteView seed) {
    if (seed.size() < 16 || seed.size() > 64) {
        return Fail(Err(MnemonicErrc::BAD_SEED_LENGTH,
                        "a BIP-32 seed has 16 to 64 bytes, got " + std::to_string(seed.size())));
    }
    static constexpr std::string_view KEY = "Bitcoin seed";
    SecretBytes i(64);
    HmacSha512(AsBytes(KEY), seed, i.data());
    ExtendedKey out;
    std::memcpy(out.key.get().data.data(), i.data(), 32);
    std::memcpy(out.chain_code.get().data.data(), i.data() + 32, 32);
    if (!IsValidSecretKey(out.key.get())) {
        return Fail(Err(MnemonicErrc::INVALID_DERIVED_KEY, "BIP-32 master key is invalid for this seed"));
    }
    return out;
}

Result<ExtendedKey, MnemonicError> Bip32DeriveHardened(const ExtendedKey& parent, uint32_t index) {
    if ((index & BIP32_HARDENED) == 0) {
        return Fail(Err(MnemonicErrc::INVALID_DERIVED_KEY, "only hardened BIP-32 derivation is supported"));
    }
    SecretBytes data(1 + 32 + 4);
    data.data()[0] = 0x00;
    std::memcpy(data.data() + 1, parent.key.get().data.data(), 32);
    for (size_t b = 0; b < 4; ++b) data.data()[33 + b] = static_cast<uint8_t>(index >> (24 - 8 * b));
    SecretBytes i(64);
    HmacSha512(parent.chain_code.get().view(), data.view(), i.data());
    if (!LessThanOrder(i.data())) {
        return Fail(Err(MnemonicErrc::INVALID_DERIVED_KEY, "BIP-32 child key is invalid (I_L >= n)"));
    }
    ExtendedKey out;
    AddModOrder(i.data(), parent.key.get().data.data(), out.key.get().data.data());
    std::memcpy(out.chain_code.get().data.data(), i.data() + 32, 32);
    if (out.key.get().IsZero()) {
        return Fail(Err(MnemonicErrc::INVALID_DERIVED_KEY, "BIP-32 child key is zero"));
    }
    return out;
}

Result<ExtendedKey, MnemonicError> Bip32DerivePath(ByteView seed, std::span<const uint32_t> path) {
    auto node = Bip32Master(seed);
    if (!node) return Fail(node.error());
    ExtendedKey cur = std::move(node.value());
    for (uint32_t index : path) {
        auto child = Bip32DeriveHardened(cur, index);
        if (!child) return Fail(child.error());
        cur = std::move(child.value());
    }
    return cur;
}

Result<ScopedSecretKey, MnemonicError> DeriveAccountKey(ByteView seed) {
    auto node = Bip32DerivePath(seed, FOLIO_ACCOUNT_PATH);
    if (!node) return Fail(node.error());
    if (!IsValidSecretKey(node->key.get())) {
        return Fail(Err(MnemonicErrc::INVALID_DERIVED_KEY, "derived account key is invalid"));
    }
    return node->key;
}

Result<ScopedSecretKey, MnemonicError> MnemonicToAccountKey(std::string_view mnemonic,
                                                            std::string_view passphrase) {
    auto seed = MnemonicToSeed(mnemonic, passphrase);
    if (!seed) return Fail(seed.error());
    return DeriveAccountKey(seed->view());
}

}  // namespace folio::cli
