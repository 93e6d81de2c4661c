// Bech32m (node/core/bech32.h) against BIP-350's test vectors, plus the byte layer's padding rules
// (BIP-173) and the encoder's refusals.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include <node/core/bech32.h>

using namespace folio;

namespace {

std::string Lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// "ok" or the error's name: failures read as the class of error.
template <typename R>
std::string Outcome(const R& r) {
    return r ? "ok" : Bech32ErrorName(r.error());
}

const Bech32Error ALL_ERRORS[] = {Bech32Error::BAD_CHAR,     Bech32Error::MIXED_CASE, Bech32Error::BAD_LENGTH,
                                  Bech32Error::NO_SEPARATOR, Bech32Error::EMPTY_HRP,  Bech32Error::BAD_CHECKSUM,
                                  Bech32Error::BECH32_NOT_M, Bech32Error::BAD_PADDING};

}  // namespace

// BIP-350, "Test vectors for Bech32m": the valid strings.
TEST_CASE("bech32m: BIP-350's valid strings decode and re-encode to their lower-case form") {
    const char* const VALID[] = {
        "A1LQFN3A",
        "a1lqfn3a",
        "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
        "?1v759aa",
    };
    for (const char* v : VALID) {
        CAPTURE(v);
        auto words = Bech32mDecodeWords(v);
        REQUIRE(words);
        auto again = Bech32mEncodeWords(words->hrp, words->words);
        REQUIRE(again);
        CHECK(*again == Lower(v));
    }
    // The same strings at the byte layer: each is whole bytes except the 82 'l's (410 bits, the
    // last 2 of them set), which only the checksum layer accepts.
    for (const char* v : VALID) {
        CAPTURE(v);
        auto d = Bech32mDecode(v);
        if (std::string(v).starts_with("11lll")) {
            CHECK(Outcome(d) == "bad_padding");
            continue;
        }
        REQUIRE(d);
        auto again = Bech32mEncode(d->hrp, d->data);
        REQUIRE(again);
        CHECK(*again == Lower(v));
    }
    auto abc = Bech32mDecode("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx");
    REQUIRE(abc);
    CHECK(abc->hrp == "abcdef");
    CHECK(ToHex(abc->data) == "ffbbcdeb38bdab49ca307b9ac5a928398a418820");  // words 31, 30, ..., 0
    auto upper = Bech32mDecodeWords("A1LQFN3A");
    REQUIRE(upper);
    CHECK(upper->hrp == "a");
    CHECK(upper->words.empty());
}

// BIP-350, "Test vectors for Bech32m": the invalid strings, each with the class of its reason.
TEST_CASE("bech32m: BIP-350's invalid strings fail for their reason") {
    struct V {
        std::string text;
        const char* error;
        const char* bip_reason;
    };
    const V INVALID[] = {
        {" 1xj0phk", "bad_char", "HRP character out of range"},     // 0x20
        {"\1771g6xzxy", "bad_char", "HRP character out of range"},  // 0x7f (octal escape)
        {"\2001vctc34", "bad_char", "HRP character out of range"},  // 0x80
        {"an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4", "bad_length",
         "overall max length exceeded"},
        {"qyrz8wqd2c9m", "no_separator", "No separator character"},
        {"1qyrz8wqd2c9m", "empty_hrp", "Empty HRP"},
        {"y1b0jsk6g", "bad_char", "Invalid data character"},
        {"lt1igcx5c0", "bad_char", "Invalid data character"},
        {"in1muywd", "bad_length", "Too short checksum"},
        {"mm1crxm3i", "bad_char", "Invalid character in checksum"},
        {"au1s5cgom", "bad_char", "Invalid character in checksum"},
        {"M1VUXWEZ", "bad_checksum", "checksum calculated with uppercase form of HRP"},
        {"16plkw9", "empty_hrp", "empty HRP"},
        {"1p2gdwpf", "empty_hrp", "empty HRP"},
    };
    for (const V& v : INVALID) {
        CAPTURE(v.bip_reason);
        CHECK(Outcome(Bech32mDecodeWords(v.text)) == v.error);
        CHECK(Outcome(Bech32mDecode(v.text)) == v.error);
    }
}

// BIP-350's segwit address vectors, at the checksum layer only (the witness version and program
// rules are Bitcoin's, not ours).
TEST_CASE("bech32m: BIP-350's segwit vectors, checksum layer") {
    // v1+ addresses are bech32m.
    const char* const V1[] = {
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "BC1SW50QGDZ25J",
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
    };
    for (const char* v : V1) {
        CAPTURE(v);
        auto w = Bech32mDecodeWords(v);
        REQUIRE(w);
        CHECK(w->words.at(0) >= 1);  // the witness version
        CHECK(Bech32mEncodeWords(w->hrp, w->words).value() == Lower(v));
    }
    // v0 addresses are bech32 (BIP-173); so are the "Bech32 instead of Bech32m" invalid ones.
    const char* const BECH32[] = {
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    };
    for (const char* v : BECH32) {
        CAPTURE(v);
        CHECK(Outcome(Bech32mDecodeWords(v)) == "bech32_not_m");
    }
    CHECK(Outcome(Bech32mDecodeWords("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4")) == "bad_char");
    CHECK(Outcome(Bech32mDecodeWords("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq")) ==
          "mixed_case");
    // BIP-173's own valid strings are bech32, so not bech32m.
    for (const char* v : {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "?1ezyfcl",
                          "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"}) {
        CAPTURE(v);
        CHECK(Outcome(Bech32mDecodeWords(v)) == "bech32_not_m");
    }
}

TEST_CASE("bech32m: the byte layer's padding (BIP-173: at most 4 bits, all zero)") {
    auto text = [](std::vector<uint8_t> words) { return Bech32mEncodeWords("a", words).value(); };
    CHECK(Outcome(Bech32mDecode(text({}))) == "ok");
    CHECK(Outcome(Bech32mDecode(text({0}))) == "bad_padding");                // 5 bits: no byte, 5 bits of padding
    CHECK(Outcome(Bech32mDecode(text({0, 0}))) == "ok");                      // one byte, 2 zero bits
    CHECK(Outcome(Bech32mDecode(text({0, 1}))) == "bad_padding");             // one byte, padding 01
    CHECK(Outcome(Bech32mDecode(text({31, 28}))) == "ok");                    // 0xff, padding 00
    CHECK(Outcome(Bech32mDecode(text({31, 30}))) == "bad_padding");           // 0xff, padding 10
    CHECK(Outcome(Bech32mDecode(text(std::vector<uint8_t>(8, 0)))) == "ok");  // 40 bits, 5 bytes
    CHECK(Outcome(Bech32mDecode(text(std::vector<uint8_t>(9, 0)))) == "bad_padding");
    CHECK(ToHex(Bech32mDecode(text({31, 28})).value().data) == "ff");
    // Every length 0..40 bytes of every pattern round-trips.
    for (size_t n = 0; n <= 40; ++n) {
        Bytes b(n);
        for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 37 + n);
        auto s = Bech32mEncode("x", b);
        REQUIRE(s);
        auto d = Bech32mDecode(*s);
        REQUIRE(d);
        CHECK(d->data == b);
        CHECK(s->size() == 2 + (n * 8 + 4) / 5 + 6);
    }
}

TEST_CASE("bech32m: the encoder refuses what no decoder would read back") {
    CHECK(Outcome(Bech32mEncode("", Bytes{1})) == "empty_hrp");
    CHECK(Outcome(Bech32mEncode("Folio", Bytes{1})) == "bad_char");  // the encoder writes lower case only
    CHECK(Outcome(Bech32mEncode("a b", Bytes{1})) == "bad_char");
    CHECK(Outcome(Bech32mEncode("a\x7f", Bytes{1})) == "bad_char");
    CHECK(Outcome(Bech32mEncodeWords("a", {32})) == "bad_char");
    CHECK(Outcome(Bech32mEncode("a", Bytes(51))) == "ok");  // 2 + 82 + 6 = 90 characters
    CHECK(Bech32mEncode("a", Bytes(51)).value().size() == 90);
    CHECK(Outcome(Bech32mEncode("a", Bytes(52))) == "bad_length");
    CHECK(Outcome(Bech32mEncode(std::string(84, 'a'), Bytes{})) == "bad_length");
    CHECK(Outcome(Bech32mEncode(std::string(83, 'a'), Bytes{})) == "ok");
}

TEST_CASE("bech32m: error names are stable snake_case and distinct; every error has a sentence") {
    std::set<std::string> names;
    for (Bech32Error e : ALL_ERRORS) {
        std::string n = Bech32ErrorName(e);
        CAPTURE(n);
        CHECK(names.insert(n).second);
        for (char c : n) CHECK(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'));
        CHECK(std::string(Bech32ErrorMessage(e)).size() > 10);
    }
    CHECK(names == std::set<std::string>{"bad_char", "mixed_case", "bad_length", "no_separator", "empty_hrp",
                                         "bad_checksum", "bech32_not_m", "bad_padding"});
    CHECK(std::string(Bech32ErrorMessage(Bech32Error::BAD_CHECKSUM)) ==
          "checksum mismatch: a character is mistyped or missing");
}

TEST_CASE("bech32m: IsBech32Char is the 32-letter alphabet in either case") {
    const std::string alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    int n = 0;
    for (int c = 0; c < 256; ++c) {
        char ch = static_cast<char>(c);
        bool in =
            alphabet.find(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)) != std::string::npos && c != 0;
        CHECK(IsBech32Char(ch) == in);
        n += IsBech32Char(ch) ? 1 : 0;
    }
    CHECK(n == 32 + 26 - 3);  // 32 lower-case characters and the 23 letters among them in upper case
}
