#include <node/rpc/params.h>

#include <algorithm>

#include <node/rpc/errors.h>

namespace folio::rpc {

namespace {
[[noreturn]] void Bad(std::string reason) { throw RpcError(ErrorCode::INVALID_PARAMS, std::move(reason)); }
std::string Quote(std::string_view name) { return "'" + std::string(name) + "'"; }
}  // namespace

Params::Params(const nlohmann::json& params) : m_params(params) {
    if (!m_params.is_object()) Bad("params must be an object");
}

bool Params::Has(std::string_view name) const { return m_params.contains(name); }

const nlohmann::json& Params::Required(std::string_view name) const {
    auto it = m_params.find(name);
    if (it == m_params.end()) Bad("missing param " + Quote(name));
    return *it;
}

std::string Params::String(std::string_view name) const {
    const auto& v = Required(name);
    if (!v.is_string()) Bad("param " + Quote(name) + " must be a string");
    return v.get<std::string>();
}

std::optional<std::string> Params::OptString(std::string_view name) const {
    if (!Has(name)) return std::nullopt;
    return String(name);
}

uint64_t Params::Uint64(std::string_view name) const {
    const auto& v = Required(name);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
        Bad("param " + Quote(name) + " must be an unsigned integer");
    return v.get<uint64_t>();
}

std::optional<uint64_t> Params::OptUint64(std::string_view name) const {
    if (!Has(name)) return std::nullopt;
    return Uint64(name);
}

Address Params::AddressParam(std::string_view name) const {
    auto s = String(name);
    auto a = ParseAddress(s);
    if (!a) Bad("param " + Quote(name) + " must be a 64-hex-character address");
    return *a;
}

void Params::AllowOnly(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : m_params.items()) {
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end())
            Bad("unknown param " + Quote(key));
    }
}

}  // namespace folio::rpc
