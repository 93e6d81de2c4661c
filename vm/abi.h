#pragma once
// The contract call ABI (docs/vm.md "ABI"). A call's input is
//   selector (u32 LE) || arg_1 || ... || arg_n
// where the selector is the first 4 bytes (read LE) of TaggedHash("folio/vm/selector", signature)
// for a signature like "pay(int,address,bytes)", and each argument is encoded by its type:
//   int      8 bytes, i64 little-endian
//   address  32 bytes
//   bytes    u32 LE length (<= MAX_ABI_BYTES), then the bytes
// Return data is the same encoding of the returned values, without a selector. Every value list
// has exactly one encoding; decoders reject short input and trailing bytes. Selector 0 is
// reserved for the instantiation call (vm/deploy.h). Pure; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/keys.h>
#include <node/core/result.h>

namespace folio::vm {

inline constexpr uint32_t INIT_SELECTOR = 0;
inline constexpr size_t MAX_ABI_BYTES = 65536;

enum class AbiType : uint8_t { INT, ADDRESS, BYTES };
using AbiValue = std::variant<int64_t, Address, Bytes>;

enum class AbiError : uint8_t {
    BAD_SIGNATURE,   // not name(type,...), or an unknown type name
    TRUNCATED,       // input shorter than the types need
    TOO_LONG,        // a bytes value over MAX_ABI_BYTES
    TRAILING_BYTES,  // input longer than the types need
    TYPE_MISMATCH,   // a value does not match its declared type (encoding)
};
const char* AbiErrorName(AbiError e);

// The selector of a canonical signature (no spaces): "pay(int,address)".
uint32_t Selector(std::string_view signature);

struct FnSignature {
    std::string name;
    std::vector<AbiType> params;
};
// Parses "name(int,address,bytes)"; the name is [A-Za-z_][A-Za-z0-9_]*.
Result<FnSignature, AbiError> ParseSignature(std::string_view signature);

// Encodes values (return data, or the arguments after a selector).
Bytes EncodeValues(const std::vector<AbiValue>& values);
// selector || EncodeValues(args).
Bytes EncodeCall(uint32_t selector, const std::vector<AbiValue>& args);
// Decodes exactly `types` from `in` (no trailing bytes).
Result<std::vector<AbiValue>, AbiError> DecodeValues(ByteView in, const std::vector<AbiType>& types);
// Checks the signature's argument types against `args` and encodes the call.
Result<Bytes, AbiError> EncodeCallChecked(std::string_view signature, const std::vector<AbiValue>& args);

}  // namespace folio::vm
