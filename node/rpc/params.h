#pragma once
// Reading a method's named params: the one parameter API of every RPC method (node/rpc's own and
// node/api's). Every accessor throws RpcError(INVALID_PARAMS, -32602) with a reason naming the
// member, so handlers need no try/catch of their own. Not thread-safe per object (it is a view).
//
// Two wordings of those reasons are on the wire, and clients may match them, so each method keeps
// the one it has always had (ParamWording).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <node/core/hash.h>
#include <node/core/keys.h>

namespace folio::rpc {

enum class ParamWording {
    // node/rpc's methods (auth_login) and docs/rpc-protocol.md: params must be an object
    // ("params must be an object"); "missing param 'x'", "param 'x' must be a string",
    // "... must be an unsigned integer", "... must be a 64-hex-character address or a folio1
    // address: <why>", "... must be 64 hex characters".
    PARAM,
    // The ledger's methods (node/api): params that are not an object have no members (a required
    // one is then missing); "missing parameter 'x'", "parameter 'x' must be a string",
    // "... must be a non-negative integer", "parameter 'x' is not a valid address: <why>",
    // "... must be 64 hex characters".
    PARAMETER,
};

class Params {
public:
    // `params` must outlive this object. With PARAM, throws INVALID_PARAMS unless it is an object.
    explicit Params(const nlohmann::json& params, ParamWording wording = ParamWording::PARAM);

    bool Has(std::string_view name) const;
    const nlohmann::json& Required(std::string_view name) const;
    std::string String(std::string_view name) const;
    std::optional<std::string> OptString(std::string_view name) const;
    uint64_t Uint64(std::string_view name) const;
    std::optional<uint64_t> OptUint64(std::string_view name) const;
    // An address in either form, 64 hex digits or "folio1..." text (ParseAddressChecked); a bad one's
    // reason ends with AddressParseError::Reason(), e.g. "checksum mismatch: a character is
    // mistyped or missing".
    Address AddressParam(std::string_view name) const;
    std::optional<Address> OptAddress(std::string_view name) const;
    // A 64-hex-character hash.
    Hash256 Hash(std::string_view name) const;
    // Throws INVALID_PARAMS naming the first member not in `allowed`.
    void AllowOnly(std::initializer_list<std::string_view> allowed) const;

private:
    [[noreturn]] void Bad(std::string_view name, std::string_view what) const;

    const nlohmann::json& m_params;
    ParamWording m_wording;
};

}  // namespace folio::rpc
