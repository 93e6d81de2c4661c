#pragma once
// Account keys and signatures: BIP-340 Schnorr over secp256k1 (libsecp256k1), chosen because it
// is the fastest verifier measured on our machines (~25k verifications/s/core, docs/formats.md, docs/performance.md).
// An account's address is its 32-byte x-only public key.
// Thread-safety: all functions are safe to call concurrently (one immutable context).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <node/core/bech32.h>
#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/result.h>

namespace folio {

using SecretKey = FixedBytes<32>;
using PublicKey = FixedBytes<32>;  // BIP-340 x-only public key; also the account address
using Signature = FixedBytes<64>;  // BIP-340 signature
using Address = PublicKey;

// True if `sk` is a valid secp256k1 secret key (non-zero, below the group order).
bool IsValidSecretKey(const SecretKey& sk);
// True if `pk` is the x coordinate of a point on the curve (a valid x-only key).
bool IsValidPublicKey(const PublicKey& pk);
// The x-only public key of a valid secret key; nullopt if `sk` is invalid.
std::optional<PublicKey> DerivePublicKey(const SecretKey& sk);
// BIP-340 signature of a 32-byte message. `aux_rand` is the auxiliary randomness of BIP-340
// (the caller supplies it: the pure core has no randomness; zeros are allowed). nullopt if `sk`
// is invalid.
std::optional<Signature> SignSchnorr(const SecretKey& sk, const Hash256& msg, const Hash256& aux_rand);
// BIP-340 verification of a 32-byte message.
bool VerifySchnorr(const PublicKey& pk, const Hash256& msg, const Signature& sig);

// Addresses are written two ways (docs/formats.md, "Addresses as text"):
// - hex: 64 hex digits (lower case on output; either case and an optional "0x" on input). RPC
//   outputs, logs and files keep this form.
// - text: bech32m (BIP-350, node/core/bech32.h) with human-readable part "folio": "folio1", 52
//   data characters (the 32 bytes) and a 6-character checksum, 64 characters in all, lower case
//   on output; all upper case is accepted on input, mixed case is not. Meant for people: a
//   mistyped character is caught instead of paying a key nobody holds.
inline constexpr std::string_view ADDRESS_HRP = "folio";

// The hex form, 64 lowercase hex digits.
std::string AddressToString(const Address& a);
// The text form, "folio1" + 58 characters.
std::string AddressText(const Address& a);

// Why a string is not an address (ParseAddressChecked).
enum class AddressError : uint8_t {
    MALFORMED,   // neither form: not hex, and no "folio1" or other bech32 prefix
    BAD_HEX,     // meant as hex (all hex digits, or 64 characters nearly all hex) but not 64 hex digits
    BAD_TEXT,    // "folio1..." text that is not bech32m: see AddressParseError::text
    WRONG_HRP,   // bech32-shaped text whose human-readable part is not "folio" (another chain's address)
    WRONG_SIZE,  // "folio1..." text that holds a number of bytes other than 32
    NOT_A_KEY,   // 32 bytes that are not a valid x-only public key: nobody can hold them
};
// The stable snake_case name: "malformed", "bad_hex", "bad_text", "wrong_hrp", "wrong_size",
// "not_a_key".
const char* AddressErrorName(AddressError e);

struct AddressParseError {
    AddressError code{};
    Bech32Error text{};  // BAD_TEXT: the bech32m decoding error
    std::string hrp;   // WRONG_HRP: the hrp seen, lower case (over 24 characters: the first 24 + "...")
    size_t count = 0;  // BAD_HEX: the number of characters (hex digits); WRONG_SIZE: of bytes
    size_t position = 0;  // BAD_HEX, BAD_TEXT with BAD_CHAR: 1-based position of the bad character (0: none)
    char bad_char = 0;    // that character

    // One line for people, without the input, e.g. "checksum mismatch: a character is mistyped
    // or missing", "human-readable part 'bc' is not 'folio' (not a Folio address)".
    std::string Reason() const;
};

// Parses either form and refuses what is not a valid public key. Which form is meant is decided
// by the text: "folio1" (either case) starts a text address; all hex digits (after an optional
// "0x"), or 64 characters of which at least 56 are hex digits, is hex; other bech32-shaped text
// (some hrp, '1', the rest) is another chain's address (WRONG_HRP); anything else is MALFORMED.
Result<Address, AddressParseError> ParseAddressChecked(std::string_view s);
// ParseAddressChecked without the reason.
std::optional<Address> ParseAddress(std::string_view s);

}  // namespace folio
