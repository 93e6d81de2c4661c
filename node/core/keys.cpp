#include <node/core/keys.h>

#include <algorithm>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

namespace folio {
namespace {

const secp256k1_context* Ctx() {
    // Created once; used read-only afterwards, which libsecp256k1 documents as thread-safe.
    static const secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

}  // namespace

bool IsValidSecretKey(const SecretKey& sk) { return secp256k1_ec_seckey_verify(Ctx(), sk.data.data()) == 1; }

bool IsValidPublicKey(const PublicKey& pk) {
    secp256k1_xonly_pubkey x;
    return secp256k1_xonly_pubkey_parse(Ctx(), &x, pk.data.data()) == 1;
}

std::optional<PublicKey> DerivePublicKey(const SecretKey& sk) {
    secp256k1_keypair kp;
    if (secp256k1_keypair_create(Ctx(), &kp, sk.data.data()) != 1) return std::nullopt;
    secp256k1_xonly_pubkey x;
    if (secp256k1_keypair_xonly_pub(Ctx(), &x, nullptr, &kp) != 1) return std::nullopt;
    PublicKey out;
    secp256k1_xonly_pubkey_serialize(Ctx(), out.data.data(), &x);
    return out;
}

std::optional<Signature> SignSchnorr(const SecretKey& sk, const Hash256& msg, const Hash256& aux_rand) {
    secp256k1_keypair kp;
    if (secp256k1_keypair_create(Ctx(), &kp, sk.data.data()) != 1) return std::nullopt;
    Signature sig;
    if (secp256k1_schnorrsig_sign32(Ctx(), sig.data.data(), msg.data.data(), &kp, aux_rand.data.data()) != 1)
        return std::nullopt;
    return sig;
}

bool VerifySchnorr(const PublicKey& pk, const Hash256& msg, const Signature& sig) {
    secp256k1_xonly_pubkey x;
    if (secp256k1_xonly_pubkey_parse(Ctx(), &x, pk.data.data()) != 1) return false;
    return secp256k1_schnorrsig_verify(Ctx(), sig.data.data(), msg.data.data(), msg.data.size(), &x) == 1;
}

std::string AddressToString(const Address& a) { return a.hex(); }

std::string AddressText(const Address& a) {
    // Cannot fail: the hrp is valid and 6 + 52 + 6 characters are within the 90 allowed.
    return Bech32mEncode(ADDRESS_HRP, a.view()).value();
}

const char* AddressErrorName(AddressError e) {
    switch (e) {
        case AddressError::MALFORMED: return "malformed";
        case AddressError::BAD_HEX: return "bad_hex";
        case AddressError::BAD_TEXT: return "bad_text";
        case AddressError::WRONG_HRP: return "wrong_hrp";
        case AddressError::WRONG_SIZE: return "wrong_size";
        case AddressError::NOT_A_KEY: return "not_a_key";
    }
    return "malformed";
}

namespace {

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 'x' for a printable character, else its byte value.
std::string ShowChar(char c) {
    if (c >= 33 && c <= 126) return std::string("'") + c + "'";
    static constexpr char DIGITS[] = "0123456789abcdef";
    auto u = static_cast<unsigned char>(c);
    return std::string("byte 0x") + DIGITS[u >> 4] + DIGITS[u & 0xf];
}

// "folio1" in either case.
bool StartsWithTextPrefix(std::string_view s) {
    if (s.size() <= ADDRESS_HRP.size() || s[ADDRESS_HRP.size()] != '1') return false;
    for (size_t i = 0; i < ADDRESS_HRP.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != ADDRESS_HRP[i]) return false;
    }
    return true;
}

AddressParseError Error(AddressError code) {
    AddressParseError e;
    e.code = code;
    return e;
}

Result<Address, AddressParseError> CheckKey(const Address& a) {
    if (!IsValidPublicKey(a)) return Fail(Error(AddressError::NOT_A_KEY));
    return a;
}

// "folio1..." (either case).
Result<Address, AddressParseError> ParseText(std::string_view s) {
    auto d = Bech32mDecode(s);
    if (d && d->hrp == ADDRESS_HRP) {
        if (d->data.size() != Address::SIZE) {
            AddressParseError e = Error(AddressError::WRONG_SIZE);
            e.count = d->data.size();
            return Fail(std::move(e));
        }
        return CheckKey(Address::FromView(d->data));
    }
    AddressParseError e = Error(AddressError::BAD_TEXT);
    if (!d && d.error() == Bech32Error::MIXED_CASE) {
        e.text = Bech32Error::MIXED_CASE;
        return Fail(std::move(e));
    }
    // A character that can never be data is named, whatever else it caused (a '1' among the data
    // moves the separator, which shows as a checksum or length error, or as another hrp).
    for (size_t i = ADDRESS_HRP.size() + 1; i < s.size(); ++i) {
        if (!IsBech32Char(s[i])) {
            e.text = Bech32Error::BAD_CHAR;
            e.position = i + 1;
            e.bad_char = s[i];
            return Fail(std::move(e));
        }
    }
    e.text = d ? Bech32Error::BAD_CHAR : d.error();  // decoded with another hrp: only via a '1', named above
    return Fail(std::move(e));
}

}  // namespace

std::string AddressParseError::Reason() const {
    switch (code) {
        case AddressError::MALFORMED: return "neither 64 hex digits nor a folio1 address";
        case AddressError::BAD_HEX:
            if (position > 0)
                return "character " + ShowChar(bad_char) + " at position " + std::to_string(position) +
                       " is not a hex digit";
            return "a hex address has 64 digits, not " + std::to_string(count);
        case AddressError::BAD_TEXT:
            if (text == Bech32Error::BAD_CHAR && position > 0)
                return "character " + ShowChar(bad_char) + " at position " + std::to_string(position) +
                       " is not allowed (b, i, o and 1 are never data characters)";
            return Bech32ErrorMessage(text);
        case AddressError::WRONG_HRP: return "human-readable part '" + hrp + "' is not 'folio' (not a Folio address)";
        case AddressError::WRONG_SIZE: return "holds " + std::to_string(count) + " bytes, not 32";
        case AddressError::NOT_A_KEY: return "not a valid public key: nobody can hold it";
    }
    return "not an address";
}

Result<Address, AddressParseError> ParseAddressChecked(std::string_view s) {
    if (StartsWithTextPrefix(s)) return ParseText(s);

    std::string_view hex = s;
    size_t offset = 0;  // of `hex` in `s`
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex.remove_prefix(2);
        offset = 2;
    }
    size_t hex_digits = 0;
    for (char c : hex) hex_digits += IsHexDigit(c) ? 1u : 0u;
    if (!hex.empty() && hex_digits == hex.size()) {
        if (hex.size() != 2 * Address::SIZE) {
            AddressParseError e = Error(AddressError::BAD_HEX);
            e.count = hex.size();
            return Fail(std::move(e));
        }
        return CheckKey(*Address::FromHexStr(hex));
    }
    // 64 characters, nearly all hex: a hex address with a typo (14 of the 32 bech32 characters are
    // hex digits, so a text address with a typo in its hrp has about 30 of 64).
    if (hex.size() == 2 * Address::SIZE && hex_digits >= 56) {
        AddressParseError e = Error(AddressError::BAD_HEX);
        for (size_t i = 0; i < hex.size(); ++i) {
            if (!IsHexDigit(hex[i])) {
                e.position = offset + i + 1;
                e.bad_char = hex[i];
                break;
            }
        }
        e.count = hex.size();
        return Fail(std::move(e));
    }
    // Another bech32 human-readable part: "bc1...", "folo1...".
    const size_t sep = s.rfind('1');
    if (sep != std::string_view::npos && sep > 0 && sep <= BECH32_MAX_LENGTH - 1 - BECH32_CHECKSUM_LENGTH) {
        bool printable = true;
        for (char c : s.substr(0, sep)) printable &= c >= 33 && c <= 126;
        if (printable) {
            AddressParseError e = Error(AddressError::WRONG_HRP);
            constexpr size_t SHOWN = 24;
            for (char c : s.substr(0, std::min(sep, SHOWN)))
                e.hrp.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
            if (sep > SHOWN) e.hrp += "...";
            return Fail(std::move(e));
        }
    }
    return Fail(Error(AddressError::MALFORMED));
}

std::optional<Address> ParseAddress(std::string_view s) {
    auto a = ParseAddressChecked(s);
    if (!a) return std::nullopt;
    return a.value();
}

}  // namespace folio
