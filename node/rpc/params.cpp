#include <node/rpc/params.h>

#include <algorithm>

#include <node/rpc/errors.h>

namespace folio::rpc {

namespace {
[[noreturn]] void Throw(std::string reason) { throw RpcError(ErrorCode::INVALID_PARAMS, std::move(reason)); }
std::string Quote(std::string_view name) { return "'" + std::string(name) + "'"; }
}  // namespace

Params::Params(const nlohmann::json& params, ParamWording wording) : m_params(params), m_wording(wording) {
    if (m_wording == ParamWording::PARAM && !m_params.is_object()) Throw("params must be an object");
}

// "param 'x' <what>" or "parameter 'x' <what>".
void Params::Bad(std::string_view name, std::string_view what) const {
    Throw((m_wording == ParamWording::PARAM ? "param " : "parameter ") + Quote(name) + " " + std::string(what));
}

bool Params::Has(std::string_view name) const { return m_params.is_object() && m_params.contains(name); }

const nlohmann::json& Params::Required(std::string_view name) const {
    if (!Has(name)) Throw((m_wording == ParamWording::PARAM ? "missing param " : "missing parameter ") + Quote(name));
    return *m_params.find(name);
}

std::string Params::String(std::string_view name) const {
    const auto& v = Required(name);
    if (!v.is_string()) Bad(name, "must be a string");
    return v.get<std::string>();
}

std::optional<std::string> Params::OptString(std::string_view name) const {
    if (!Has(name)) return std::nullopt;
    return String(name);
}

uint64_t Params::Uint64(std::string_view name) const {
    const auto& v = Required(name);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
        Bad(name, m_wording == ParamWording::PARAM ? "must be an unsigned integer" : "must be a non-negative integer");
    return v.get<uint64_t>();
}

std::optional<uint64_t> Params::OptUint64(std::string_view name) const {
    if (!Has(name)) return std::nullopt;
    return Uint64(name);
}

Address Params::AddressParam(std::string_view name) const {
    auto a = ParseAddressChecked(String(name));
    if (!a) {
        // The wording each method has always had, then why (node/core/keys.h, AddressParseError).
        Bad(name,
            std::string(m_wording == ParamWording::PARAM ? "must be a 64-hex-character address or a folio1 address: "
                                                         : "is not a valid address: ") +
                a.error().Reason());
    }
    return a.value();
}

std::optional<Address> Params::OptAddress(std::string_view name) const {
    if (!Has(name)) return std::nullopt;
    return AddressParam(name);
}

Hash256 Params::Hash(std::string_view name) const {
    auto h = Hash256::FromHexStr(String(name));
    if (!h) Bad(name, "must be 64 hex characters");
    return *h;
}

void Params::AllowOnly(std::initializer_list<std::string_view> allowed) const {
    if (!m_params.is_object()) return;
    for (const auto& [key, value] : m_params.items()) {
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end())
            Throw((m_wording == ParamWording::PARAM ? "unknown param " : "unknown parameter ") + Quote(key));
    }
}

}  // namespace folio::rpc
