#pragma once
// Reading a method's named params. Every accessor throws RpcError(INVALID_PARAMS) with a reason
// naming the member ("missing param 'height'", "param 'height' must be an unsigned integer"), so
// handlers need no try/catch of their own. Not thread-safe per object (it is a view).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <node/core/keys.h>

namespace folio::rpc {

class Params {
public:
    // `params` must outlive this object. Throws INVALID_PARAMS unless it is an object.
    explicit Params(const nlohmann::json& params);

    bool Has(std::string_view name) const;
    const nlohmann::json& Required(std::string_view name) const;
    std::string String(std::string_view name) const;
    std::optional<std::string> OptString(std::string_view name) const;
    uint64_t Uint64(std::string_view name) const;
    std::optional<uint64_t> OptUint64(std::string_view name) const;
    // A 64-hex-character address.
    Address AddressParam(std::string_view name) const;
    // Throws INVALID_PARAMS naming the first member not in `allowed`.
    void AllowOnly(std::initializer_list<std::string_view> allowed) const;

private:
    const nlohmann::json& m_params;
};

}  // namespace folio::rpc
