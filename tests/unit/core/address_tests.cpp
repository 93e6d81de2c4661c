// Addresses as text (node/core/keys.h, docs/formats.md "Addresses as text"): the folio1 form, the
// hex form, and ParseAddressChecked's reasons. The two documented vectors are asserted here.
#include <doctest/doctest.h>

#include <string>

#include <node/core/bech32.h>
#include <node/core/keys.h>

using namespace folio;

namespace {

// BIP-340 test vector 0's public key (secret key 3) and the devnet account "alice" (docs/rpc.md).
const char* const KEY0_HEX = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";
const char* const KEY0_TEXT = "folio1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmus8dfn3z";
const char* const ALICE_HEX = "4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
const char* const ALICE_TEXT = "folio1fu64hh9hes90w2808n8tjc2ajp5yhddjef0ctx4s7zmsgp6cwx4q4puqra";
// BIP-340 test vector 5's "public key": 32 bytes that are not the x coordinate of a curve point.
const char* const NOT_A_KEY_HEX = "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34";

const std::string ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

Address Key(const char* hex) { return *Address::FromHexStr(hex); }

std::string Upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

// "ok <hex>" or "<error name>: <reason>", so a failure reads like a diff.
std::string Parse(std::string_view s) {
    auto a = ParseAddressChecked(s);
    if (a) return "ok " + a->hex();
    return std::string(AddressErrorName(a.error().code)) + ": " + a.error().Reason();
}

}  // namespace

TEST_CASE("address text: the documented vectors (docs/formats.md, \"Addresses as text\")") {
    CHECK(AddressText(Key(KEY0_HEX)) == KEY0_TEXT);
    CHECK(AddressText(Key(ALICE_HEX)) == ALICE_TEXT);
    CHECK(Parse(KEY0_TEXT) == std::string("ok ") + KEY0_HEX);
    CHECK(Parse(ALICE_TEXT) == std::string("ok ") + ALICE_HEX);
    CHECK(std::string(KEY0_TEXT).size() == 64);
}

TEST_CASE("address text: round trip, both forms, either case for input") {
    for (const char* hex : {KEY0_HEX, ALICE_HEX, "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659"}) {
        CAPTURE(hex);
        Address a = Key(hex);
        std::string text = AddressText(a);
        CHECK(text.starts_with("folio1"));
        CHECK(text.size() == 6 + 52 + 6);
        CHECK(ParseAddress(text) == a);
        CHECK(ParseAddress(Upper(text)) == a);         // all upper case is accepted
        CHECK(ParseAddress(AddressToString(a)) == a);  // hex, as before
        CHECK(ParseAddress(Upper(AddressToString(a))) == a);
        CHECK(ParseAddress("0x" + AddressToString(a)) == a);
        CHECK(AddressToString(a) == hex);  // the hex form is unchanged
    }
}

TEST_CASE("address text: every single-character substitution is refused") {
    const std::string good = ALICE_TEXT;
    size_t tried = 0;
    for (size_t i = 0; i < good.size(); ++i) {
        for (char c : ALPHABET + "1bio") {
            if (c == good[i]) continue;
            std::string typo = good;
            typo[i] = c;
            CAPTURE(typo);
            auto r = ParseAddressChecked(typo);
            REQUIRE_FALSE(r);
            ++tried;
            // In the data the checksum catches it, or the character can never be data.
            if (i >= 6 && ALPHABET.find(c) != std::string::npos)
                CHECK(r.error().Reason() == "checksum mismatch: a character is mistyped or missing");
            if (i >= 6 && ALPHABET.find(c) == std::string::npos)
                CHECK(r.error().Reason() == "character '" + std::string(1, c) + "' at position " +
                                                std::to_string(i + 1) +
                                                " is not allowed (b, i, o and 1 are never data characters)");
        }
        // The same character in the other case.
        if (good[i] >= 'a' && good[i] <= 'z') {
            std::string mixed = good;
            mixed[i] = static_cast<char>(good[i] - 'a' + 'A');
            CAPTURE(mixed);
            CHECK(Parse(mixed) == "bad_text: mixes upper and lower case");
        }
    }
    CHECK(tried == 64 * 35);
}

TEST_CASE("address text: swapping two adjacent different characters is refused") {
    for (const char* text : {KEY0_TEXT, ALICE_TEXT}) {
        const std::string good = text;
        for (size_t i = 0; i + 1 < good.size(); ++i) {
            if (good[i] == good[i + 1]) continue;
            std::string swapped = good;
            std::swap(swapped[i], swapped[i + 1]);
            CAPTURE(swapped);
            CHECK_FALSE(ParseAddressChecked(swapped));
        }
    }
}

TEST_CASE("address text: a missing or an extra character is refused") {
    const std::string good = ALICE_TEXT;
    for (size_t i = 6; i < good.size(); ++i) {
        std::string missing = good;
        missing.erase(i, 1);
        CAPTURE(missing);
        CHECK(Parse(missing) == "bad_text: checksum mismatch: a character is mistyped or missing");
        for (char c : ALPHABET) {
            std::string extra = good;
            extra.insert(i, 1, c);
            CAPTURE(extra);
            CHECK(Parse(extra) == "bad_text: checksum mismatch: a character is mistyped or missing");
        }
    }
}

TEST_CASE("address text: the reasons") {
    const std::string alice = ALICE_TEXT;
    // Mixed case.
    CHECK(Parse("FOLIO1" + alice.substr(6)) == "bad_text: mixes upper and lower case");
    CHECK(Parse("Folio1" + alice.substr(6)) == "bad_text: mixes upper and lower case");
    // Another human-readable part: another chain's address, or a typo in "folio".
    Address alice_key = Key(ALICE_HEX);
    CHECK(Parse(Bech32mEncode("bc", alice_key.view()).value()) ==
          "wrong_hrp: human-readable part 'bc' is not 'folio' (not a Folio address)");
    CHECK(Parse("folo1" + alice.substr(6)) ==
          "wrong_hrp: human-readable part 'folo' is not 'folio' (not a Folio address)");
    CHECK(Parse("FOLLO1" + Upper(alice.substr(6))) ==
          "wrong_hrp: human-readable part 'follo' is not 'folio' (not a Folio address)");
    // BIP-350's taproot address of the generator's x coordinate: a valid key, a valid bech32m text.
    CHECK(Parse("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0") ==
          "wrong_hrp: human-readable part 'bc' is not 'folio' (not a Folio address)");
    CHECK(Parse(std::string(40, 'x') + "1qqqqqq") ==
          "wrong_hrp: human-readable part 'xxxxxxxxxxxxxxxxxxxxxxxx...' is not 'folio' (not a Folio address)");
    // The alice address with a bech32 (BIP-173) checksum instead of bech32m.
    CHECK(Parse("folio1fu64hh9hes90w2808n8tjc2ajp5yhddjef0ctx4s7zmsgp6cwx4qqavvxl") ==
          "bad_text: the checksum is bech32 (BIP-173), not bech32m (BIP-350)");
    // 32 bytes that are not a key, in either form.
    Address not_a_key = Key(NOT_A_KEY_HEX);
    CHECK_FALSE(IsValidPublicKey(not_a_key));
    CHECK(Parse(AddressText(not_a_key)) == "not_a_key: not a valid public key: nobody can hold it");
    CHECK(Parse(NOT_A_KEY_HEX) == "not_a_key: not a valid public key: nobody can hold it");
    CHECK_FALSE(ParseAddress(AddressText(not_a_key)));
    // Other sizes.
    CHECK(Parse(Bech32mEncode("folio", Bytes(20, 7)).value()) == "wrong_size: holds 20 bytes, not 32");
    CHECK(Parse(Bech32mEncode("folio", Bytes(33, 7)).value()) == "wrong_size: holds 33 bytes, not 32");
    CHECK(Parse("folio1" + alice.substr(6, 51) + "qq") ==
          "bad_text: checksum mismatch: a character is mistyped or missing");
    CHECK(Parse("folio1qqqqq") == "bad_text: wrong length: over 90 characters, or under 6 after the '1' separator");
    // A trailing space or newline is not trimmed.
    CHECK(Parse(alice + " ") ==
          "bad_text: character byte 0x20 at position 65 is not allowed (b, i, o and 1 are never data characters)");
    CHECK(Parse(alice + "\n") ==
          "bad_text: character byte 0x0a at position 65 is not allowed (b, i, o and 1 are never data characters)");
    // A '1' among the data moves the separator: it is still named as the bad character.
    std::string one = alice;
    one[20] = '1';
    CHECK(Parse(one) ==
          "bad_text: character '1' at position 21 is not allowed (b, i, o and 1 are never data characters)");
    // Hex.
    std::string hex = ALICE_HEX;
    CHECK(Parse(hex.substr(0, 63)) == "bad_hex: a hex address has 64 digits, not 63");
    CHECK(Parse(hex + "0") == "bad_hex: a hex address has 64 digits, not 65");
    CHECK(Parse("0x" + hex.substr(2)) == "bad_hex: a hex address has 64 digits, not 62");
    std::string g = hex;
    g[16] = 'g';
    CHECK(Parse(g) == "bad_hex: character 'g' at position 17 is not a hex digit");
    CHECK(Parse("0x" + g) == "bad_hex: character 'g' at position 19 is not a hex digit");
    std::string o = hex;
    o[3] = 'O';  // letter O for zero
    CHECK(Parse(o) == "bad_hex: character 'O' at position 4 is not a hex digit");
    // Neither form.
    CHECK(Parse("") == "malformed: neither 64 hex digits nor a folio1 address");
    CHECK(Parse("x") == "malformed: neither 64 hex digits nor a folio1 address");
    CHECK(Parse("nope") == "malformed: neither 64 hex digits nor a folio1 address");
    CHECK(Parse("1qqqqqqq") == "malformed: neither 64 hex digits nor a folio1 address");
}

TEST_CASE("address text: error names are stable") {
    CHECK(std::string(AddressErrorName(AddressError::MALFORMED)) == "malformed");
    CHECK(std::string(AddressErrorName(AddressError::BAD_HEX)) == "bad_hex");
    CHECK(std::string(AddressErrorName(AddressError::BAD_TEXT)) == "bad_text");
    CHECK(std::string(AddressErrorName(AddressError::WRONG_HRP)) == "wrong_hrp");
    CHECK(std::string(AddressErrorName(AddressError::WRONG_SIZE)) == "wrong_size");
    CHECK(std::string(AddressErrorName(AddressError::NOT_A_KEY)) == "not_a_key");
}
