// BIP-39 (Trezor's official vectors, passphrase "TREZOR"), BIP-32 (test vectors 1 and 3) and
// Folio's account derivation m/44'/8800'/0'/0'/0'.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <cli/mnemonic.h>

using namespace folio;
using namespace folio::cli;

namespace {

std::string Hex(const SecretBytes& b) { return ToHex(b.view()); }

Bytes Unhex(std::string_view h) { return *FromHex(h); }

// "CODE: message" of a failed result, or "ok".
template <typename T>
std::string Outcome(const Result<T, MnemonicError>& r) {
    if (r) return "ok";
    switch (r.error().code) {
        case MnemonicErrc::BAD_ENTROPY_LENGTH: return "BAD_ENTROPY_LENGTH: " + r.error().message;
        case MnemonicErrc::WRONG_WORD_COUNT: return "WRONG_WORD_COUNT: " + r.error().message;
        case MnemonicErrc::UNKNOWN_WORD: return "UNKNOWN_WORD: " + r.error().message;
        case MnemonicErrc::BAD_CHECKSUM: return "BAD_CHECKSUM: " + r.error().message;
        case MnemonicErrc::NON_ASCII: return "NON_ASCII: " + r.error().message;
        case MnemonicErrc::BAD_SEED_LENGTH: return "BAD_SEED_LENGTH: " + r.error().message;
        case MnemonicErrc::INVALID_DERIVED_KEY: return "INVALID_DERIVED_KEY: " + r.error().message;
    }
    return "?";
}

std::string Repeat(std::string_view word, int n, std::string_view last) {
    std::string s;
    for (int i = 0; i < n; ++i) s += std::string(word) + " ";
    return s + std::string(last);
}

const std::string ABOUT = Repeat("abandon", 11, "about");

}  // namespace

TEST_CASE("the embedded English wordlist is the BIP-39 list") {
    auto words = Bip39EnglishWords();
    REQUIRE(words.size() == 2048);
    CHECK(words[0] == "abandon");
    CHECK(words[1] == "ability");
    CHECK(words[2047] == "zoo");
    CHECK(std::is_sorted(words.begin(), words.end()));
    CHECK(std::adjacent_find(words.begin(), words.end()) == words.end());
    for (auto w : words) {
        CHECK((w.size() >= 3 && w.size() <= 8));
        CHECK(std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
    }
}

TEST_CASE("BIP-39 Trezor vectors: entropy -> mnemonic -> entropy, seed with passphrase TREZOR") {
    struct V { const char *entropy, *mnemonic, *seed; };
    // From trezor/python-mnemonic vectors.json (english); 12, 18 and 24 words.
    const V vs[] = {
        {"00000000000000000000000000000000",
         "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
         "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"},
        {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
         "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069"},
        {"9e885d952ad362caeb4efe34a8e91bd2",
         "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
         "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d4c9c9f9aca3fb217069a41028"},
        {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
         "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will",
         "f2b94508732bcbacbcc020faefecfc89feafa6649a5491b8c952cede496c214a0c7b3c392d168748f2d4a612bada0753b52a1c7ac53c1e93abd5c6320b9e95dd"},
        {"6610b25967cdcca9d59875f5cb50b0ea75433311869e930b",
         "gravity machine north sort system female filter attitude volume fold club stay feature office ecology stable narrow fog",
         "628c3827a8823298ee685db84f55caa34b5cc195a778e52d45f59bcf75aba68e4d7590e101dc414bc1bbd5737666fbbef35d1f1903953b66624f910feef245ac"},
        {"0000000000000000000000000000000000000000000000000000000000000000",
         "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
         "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8"},
        {"68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
         "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length",
         "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440"},
        {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
         "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
         "dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad"},
    };
    for (const V& v : vs) {
        CAPTURE(v.entropy);
        auto words = EntropyToMnemonic(Unhex(v.entropy));
        REQUIRE(words);
        CHECK(words->str() == v.mnemonic);
        auto entropy = MnemonicToEntropy(v.mnemonic);
        REQUIRE(entropy);
        CHECK(Hex(*entropy) == v.entropy);
        auto seed = MnemonicToSeed(v.mnemonic, "TREZOR");
        REQUIRE(seed);
        CHECK(Hex(*seed) == v.seed);
    }
}

TEST_CASE("mnemonic input: extra whitespace and upper case are normalised to the canonical sentence") {
    std::string messy = "  ABANDON abandon\tabandon  abandon\nabandon abandon abandon abandon abandon abandon Abandon about \n";
    auto a = MnemonicToSeed(messy, "TREZOR");
    auto b = MnemonicToSeed(ABOUT, "TREZOR");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(Hex(*a) == Hex(*b));
    // The passphrase is not normalised: it is part of the salt byte for byte.
    auto c = MnemonicToSeed(ABOUT, "trezor");
    REQUIRE(c);
    CHECK(Hex(*c) != Hex(*b));
    // The empty passphrase (BIP-39's well-known seed of "abandon ... about").
    auto d = MnemonicToSeed(ABOUT, "");
    REQUIRE(d);
    CHECK(Hex(*d) == "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4");
}

TEST_CASE("entropy length errors") {
    CHECK(Outcome(EntropyToMnemonic(Bytes(15, 0))) == "BAD_ENTROPY_LENGTH: entropy must be 16, 20, 24, 28 or 32 bytes, got 15");
    CHECK(Outcome(EntropyToMnemonic(Bytes(17, 0))) == "BAD_ENTROPY_LENGTH: entropy must be 16, 20, 24, 28 or 32 bytes, got 17");
    CHECK(Outcome(EntropyToMnemonic(Bytes(36, 0))) == "BAD_ENTROPY_LENGTH: entropy must be 16, 20, 24, 28 or 32 bytes, got 36");
    CHECK(Outcome(EntropyToMnemonic(Bytes{})) == "BAD_ENTROPY_LENGTH: entropy must be 16, 20, 24, 28 or 32 bytes, got 0");
    for (size_t n : {size_t{16}, size_t{20}, size_t{24}, size_t{28}, size_t{32}}) {
        auto w = EntropyToMnemonic(Bytes(n, 0x5a));
        REQUIRE(w);
        size_t words = static_cast<size_t>(std::count(w->str().begin(), w->str().end(), ' ')) + 1;
        CHECK(words == n * 3 / 4);
        auto back = MnemonicToEntropy(w->str());
        REQUIRE(back);
        CHECK(Hex(*back) == ToHex(Bytes(n, 0x5a)));
    }
}

TEST_CASE("mnemonic decoding errors name the problem") {
    CHECK(Outcome(MnemonicToEntropy(Repeat("abandon", 10, "about"))) ==
          "WRONG_WORD_COUNT: a mnemonic has 12, 15, 18, 21 or 24 words, got 11");
    CHECK(Outcome(MnemonicToEntropy(Repeat("abandon", 12, "about"))) ==
          "WRONG_WORD_COUNT: a mnemonic has 12, 15, 18, 21 or 24 words, got 13");
    CHECK(Outcome(MnemonicToEntropy(Repeat("abandon", 24, "about"))) ==
          "WRONG_WORD_COUNT: a mnemonic has 12, 15, 18, 21 or 24 words, got 25");
    CHECK(Outcome(MnemonicToEntropy("   ")) == "WRONG_WORD_COUNT: a mnemonic has 12, 15, 18, 21 or 24 words, got 0");
    CHECK(Outcome(MnemonicToEntropy("abandon abandon abandom abandon abandon abandon abandon abandon abandon abandon abandon about")) ==
          "UNKNOWN_WORD: unknown word 'abandom' (word 3) is not in the BIP-39 English list");
    // Prefixes of list words are not list words.
    CHECK(Outcome(MnemonicToEntropy(Repeat("aban", 11, "about"))) ==
          "UNKNOWN_WORD: unknown word 'aban' (word 1) is not in the BIP-39 English list");
    // Valid words, wrong checksum: "abandon" x12 (the checksum of zero entropy selects "about").
    CHECK(Outcome(MnemonicToEntropy(Repeat("abandon", 11, "abandon"))) ==
          "BAD_CHECKSUM: mnemonic checksum mismatch: a word is wrong or the words are out of order");
    // Two words swapped.
    CHECK(Outcome(MnemonicToEntropy("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong zoo")) ==
          "BAD_CHECKSUM: mnemonic checksum mismatch: a word is wrong or the words are out of order");
    CHECK(Outcome(MnemonicToEntropy(Repeat("abandon", 11, "ab\xc3\xa9ut"))) ==
          "NON_ASCII: mnemonic contains a non-ASCII character (only the English wordlist is supported)");
    CHECK(Outcome(MnemonicToSeed(ABOUT, "p\xc3\xa4ss")) ==
          "NON_ASCII: the BIP-39 passphrase must be ASCII (Unicode normalisation is not supported)");
    CHECK(Outcome(MnemonicToSeed(Repeat("abandon", 11, "abandon"), "")).rfind("BAD_CHECKSUM", 0) == 0);
    CHECK(Outcome(MnemonicToAccountKey(Repeat("abandon", 11, "zoo"), "")).rfind("BAD_CHECKSUM", 0) == 0);
}

TEST_CASE("BIP-32 test vectors 1 and 3 (hardened steps)") {
    const Bytes tv1 = Unhex("000102030405060708090a0b0c0d0e0f");
    auto m = Bip32Master(tv1);
    REQUIRE(m);
    CHECK(m->key.get().hex() == "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35");
    CHECK(m->chain_code.get().hex() == "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508");
    auto m0h = Bip32DeriveHardened(*m, 0 | BIP32_HARDENED);
    REQUIRE(m0h);
    CHECK(m0h->key.get().hex() == "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea");
    CHECK(m0h->chain_code.get().hex() == "47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141");

    // Vector 3: the master key starts with a zero byte (must keep its 32-byte width).
    const Bytes tv3 = Unhex("4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be");
    const uint32_t path[] = {0 | BIP32_HARDENED};
    auto m3 = Bip32DerivePath(tv3, {});
    REQUIRE(m3);
    CHECK(m3->key.get().hex() == "00ddb80b067e0d4993197fe10f2657a844a384589847602d56f0c629c81aae32");
    CHECK(m3->chain_code.get().hex() == "01d28a3e53cffa419ec122c968b3259e16b65076495494d97cae10bbfec3c36f");
    auto m3c = Bip32DerivePath(tv3, path);
    REQUIRE(m3c);
    CHECK(m3c->key.get().hex() == "491f7a2eebc7b57028e0d3faa0acda02e75c33b03c48fb288c41e2ea44e1daef");
    CHECK(m3c->chain_code.get().hex() == "e5fea12a97b927fc9dc3d2cb0d1ea1cf50aa5a1fdc1f933e8906bb38df3377bd");
}

TEST_CASE("BIP-32 refusals: non-hardened index, seed length") {
    auto m = Bip32Master(Unhex("000102030405060708090a0b0c0d0e0f"));
    REQUIRE(m);
    CHECK(Outcome(Bip32DeriveHardened(*m, 1)) == "INVALID_DERIVED_KEY: only hardened BIP-32 derivation is supported");
    CHECK(Outcome(Bip32Master(Bytes(15, 1))) == "BAD_SEED_LENGTH: a BIP-32 seed has 16 to 64 bytes, got 15");
    CHECK(Outcome(Bip32Master(Bytes(65, 1))) == "BAD_SEED_LENGTH: a BIP-32 seed has 16 to 64 bytes, got 65");
    CHECK(Outcome(Bip32Master(Bytes(64, 1))) == "ok");
}

TEST_CASE("account key m/44'/8800'/0'/0'/0' (golden values from an independent Python implementation)") {
    // Python: hashlib.pbkdf2_hmac + hmac/sha512 + integer arithmetic mod n + affine point multiply.
    auto k = MnemonicToAccountKey(ABOUT, "");
    REQUIRE(k);
    CHECK(k->get().hex() == "fb34fbf4b4185d8fdb26de96cf8ccc59ebb3b87740f994b226e411826902f7f4");
    CHECK(DerivePublicKey(k->get())->hex() == "f60f33147d90a30fd769fa31151e5eb5aafa7c282abc46d019d8af7acd1ade8a");

    auto t = MnemonicToAccountKey(ABOUT, "TREZOR");
    REQUIRE(t);
    CHECK(t->get().hex() == "05918627c35e0311d6cb99a7397e8feec788b906813f0b819464cf6960d4c290");
    CHECK(DerivePublicKey(t->get())->hex() == "3cd8b1cc850bba0ea8c16b207a6e61353325ec96a5e3d09a19640f00f5d8bfa3");

    auto l = MnemonicToAccountKey("legal winner thank year wave sausage worth useful legal winner thank yellow", "");
    REQUIRE(l);
    CHECK(l->get().hex() == "e0589b0d57d795713b16c05c3057c61f97d650305c5ab4d2ed66b94193998f72");
    CHECK(DerivePublicKey(l->get())->hex() == "423833e93e1e5ec6ca5d071de92005ffc6172f8766089c96900b45538e40372a");
}

TEST_CASE("SecretBytes: copy, move, emptiness") {
    const Bytes src{1, 2, 3, 4};
    SecretBytes a = SecretBytes::CopyOf(src);
    CHECK(ToHex(a.view()) == "01020304");
    SecretBytes b = std::move(a);
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is documented empty
    CHECK(ToHex(b.view()) == "01020304");
    SecretBytes c(3);
    CHECK(ToHex(c.view()) == "000000");
    c = std::move(b);
    CHECK(c.size() == 4);
    CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
    CHECK(SecretBytes().empty());
}
