#pragma once
// Bech32m text (BIP-350): a human-readable part (hrp), the separator '1', the data as characters
// of a 32-letter alphabet, and a 6-character checksum over both. The checksum detects any error
// of up to 4 substituted characters, and an insertion or deletion almost always (BIP-350's
// tables). Used for addresses as text (docs/formats.md, "Addresses as text"; node/core/keys.h).
// Pure functions; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/result.h>

namespace folio {

// Why a text is not bech32m. The names (Bech32ErrorName) are stable. A text with several faults
// reports the first found, checking in this order: characters in 33..126, one case, at most 90
// characters, a separator, a non-empty hrp, 6 or more characters after it, data characters in
// the alphabet, the checksum, then (byte layer only) the padding.
enum class Bech32Error : uint8_t {
    BAD_CHAR,      // a character outside US-ASCII 33..126, or a data character outside the alphabet
    MIXED_CASE,    // both upper- and lower-case letters (either case alone is accepted)
    BAD_LENGTH,    // longer than 90 characters, or fewer than 6 characters after the separator
    NO_SEPARATOR,  // no '1'
    EMPTY_HRP,     // nothing before the (last) '1'
    BAD_CHECKSUM,  // the checksum does not match: a character is mistyped, missing or extra
    BECH32_NOT_M,  // the checksum is a valid bech32 (BIP-173) one, not bech32m
    BAD_PADDING,   // the data is not whole bytes: more than 4 padding bits, or non-zero ones
};
// The stable snake_case name: "bad_char", "mixed_case", "bad_length", "no_separator",
// "empty_hrp", "bad_checksum", "bech32_not_m", "bad_padding".
const char* Bech32ErrorName(Bech32Error e);
// A short sentence for people, e.g. "checksum mismatch: a character is mistyped or missing".
const char* Bech32ErrorMessage(Bech32Error e);

inline constexpr size_t BECH32_MAX_LENGTH = 90;  // characters, hrp + '1' + data + checksum
inline constexpr size_t BECH32_CHECKSUM_LENGTH = 6;

// True if `c` is one of the 32 data characters, either case ("qpzry9x8gf2tvdw0s3jn54khce6mua7l";
// never '1', 'b', 'i' or 'o').
bool IsBech32Char(char c);

// Checksum layer: the data as 5-bit values ("words", each 0..31).
struct Bech32Words {
    std::string hrp;             // lower case
    std::vector<uint8_t> words;  // each < 32, the checksum removed
};
// Encodes lower case. Fails with BAD_CHAR if `hrp` has a character outside 33..126 or an upper-case
// letter or a word is >= 32, EMPTY_HRP if it is empty, BAD_LENGTH if the text would exceed 90.
Result<std::string, Bech32Error> Bech32mEncodeWords(std::string_view hrp, const std::vector<uint8_t>& words);
// Decodes text in one case (upper case is read as lower). The hrp is what precedes the last '1'.
Result<Bech32Words, Bech32Error> Bech32mDecodeWords(std::string_view text);

// Byte layer: the bytes regrouped 8 -> 5 bits, most significant first, the last group padded with
// zero bits (BIP-173).
struct Bech32Data {
    std::string hrp;  // lower case
    Bytes data;
};
// As Bech32mEncodeWords.
Result<std::string, Bech32Error> Bech32mEncode(std::string_view hrp, ByteView data);
// As Bech32mDecodeWords, then BAD_PADDING if the words do not regroup into whole bytes.
Result<Bech32Data, Bech32Error> Bech32mDecode(std::string_view text);

}  // namespace folio
