// Fuzz target: bech32m text (node/core/bech32.h) and addresses as text (node/core/keys.h). Any
// input either fails to decode or decodes to values whose encoding is the input in lower case (one
// text per value, either case accepted); an address accepted in one form is the same key in the
// other; refusals always have a reason. And any bytes encode to text that decodes back to them.
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>

#include <node/core/bech32.h>
#include <node/core/keys.h>

using namespace folio;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');

    auto words = Bech32mDecodeWords(text);
    if (words) {
        auto again = Bech32mEncodeWords(words->hrp, words->words);
        assert(again && *again == lower);
    }
    auto bytes = Bech32mDecode(text);
    if (bytes) {
        assert(words);  // the byte layer is the checksum layer plus the padding rule
        auto again = Bech32mEncode(bytes->hrp, bytes->data);
        assert(again && *again == lower);
    } else {
        assert(Bech32ErrorName(bytes.error())[0] != '\0' && Bech32ErrorMessage(bytes.error())[0] != '\0');
        assert(words.ok() == (bytes.error() == Bech32Error::BAD_PADDING));
    }

    // The other way: any bytes that fit (51 under a 1-character hrp) encode and decode back.
    const ByteView head(data, std::min<size_t>(size, 51));
    auto encoded = Bech32mEncode("x", head);
    assert(encoded && encoded->size() <= BECH32_MAX_LENGTH);
    auto back = Bech32mDecode(*encoded);
    assert(back && back->hrp == "x" && std::equal(back->data.begin(), back->data.end(), head.begin(), head.end()));

    auto address = ParseAddressChecked(text);
    if (address) {
        assert(IsValidPublicKey(*address));
        assert(ParseAddress(AddressText(*address)) == *address);
        assert(ParseAddress(AddressToString(*address)) == *address);
        if (text.size() == 64 && lower.starts_with("folio1")) assert(AddressText(*address) == lower);
    } else {
        assert(!address.error().Reason().empty());
        assert(!ParseAddress(text));
    }
    return 0;
}
