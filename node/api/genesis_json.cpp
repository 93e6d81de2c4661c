#include <node/api/genesis_json.h>

#include <algorithm>
#include <set>
#include <string_view>

#include <node/core/amount.h>
#include <node/core/keys.h>

namespace folio::api {
namespace {

using nlohmann::json;
using state::GenesisAccount;
using state::GenesisDoc;
using state::GenesisValidator;

struct Refused {
    GenesisJsonError e;
};
[[noreturn]] void Refuse(std::string path, std::string message) { throw Refused{{std::move(path), std::move(message)}}; }

std::string Join(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}
std::string Index(const std::string& parent, size_t i) { return parent + "[" + std::to_string(i) + "]"; }

// Every key of `obj` must be one of `allowed`.
void OnlyFields(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : obj.items())
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            Refuse(Join(path, k), "unknown field (the fields here are: " + list + ")");
        }
}

const json& Object(const json& j, const std::string& path) {
    if (!j.is_object()) Refuse(path, "must be an object");
    return j;
}
const json& Array(const json& j, const std::string& path) {
    if (!j.is_array()) Refuse(path, "must be an array");
    return j;
}
std::string String(const json& j, const std::string& path) {
    if (!j.is_string()) Refuse(path, "must be a string");
    return j.get<std::string>();
}
uint64_t Unsigned(const json& j, const std::string& path) {
    if (j.is_number_unsigned()) return j.get<uint64_t>();
    if (!j.is_number_integer() || j.get<int64_t>() < 0) Refuse(path, "must be a non-negative integer");
    return static_cast<uint64_t>(j.get<int64_t>());
}

Address Addr(const json& j, const std::string& path) {
    const std::string s = String(j, path);
    auto a = ParseAddress(s);
    if (!a) Refuse(path, "\"" + s + "\" is not an address (64 hexadecimal digits)");
    if (!IsValidPublicKey(*a)) Refuse(path, "\"" + s + "\" is not a valid public key");
    return *a;
}

std::string RoleList() {
    std::string out;
    for (uint8_t r = 0; r < protocol::ROLE_COUNT; ++r)
        out += (out.empty() ? "" : ", ") + std::string(protocol::RoleName(static_cast<protocol::Role>(r)));
    return out;
}

bool IsChainIdChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

GenesisValidator ParseValidator(const json& v, const std::string& path) {
    Object(v, path);
    OnlyFields(v, path, {"name", "key"});
    GenesisValidator out;
    if (!v.contains("name")) Refuse(Join(path, "name"), "is missing");
    out.name = String(v.at("name"), Join(path, "name"));
    if (out.name.empty()) Refuse(Join(path, "name"), "must not be empty");
    if (!v.contains("key")) Refuse(Join(path, "key"), "is missing");
    out.key = Addr(v.at("key"), Join(path, "key"));
    return out;
}

GenesisAccount ParseAccount(const json& a, const std::string& path) {
    Object(a, path);
    OnlyFields(a, path, {"name", "address", "roles", "kyc", "residency", "balances"});
    GenesisAccount acct;
    if (a.contains("name")) acct.name = String(a.at("name"), Join(path, "name"));
    if (!a.contains("address")) Refuse(Join(path, "address"), "is missing");
    acct.address = Addr(a.at("address"), Join(path, "address"));
    if (a.contains("roles")) {
        const std::string rp = Join(path, "roles");
        const json& roles = Array(a.at("roles"), rp);
        for (size_t i = 0; i < roles.size(); ++i) {
            const std::string name = String(roles[i], Index(rp, i));
            auto role = protocol::ParseRole(name);
            if (!role) Refuse(Index(rp, i), "unknown role \"" + name + "\" (roles: " + RoleList() + ")");
            if (protocol::HasRole(acct.roles, *role)) Refuse(Index(rp, i), "role \"" + name + "\" is listed twice");
            acct.roles = protocol::WithRole(acct.roles, *role);
        }
    }
    if (a.contains("kyc")) {
        const std::string kyc = String(a.at("kyc"), Join(path, "kyc"));
        if (kyc == "verified") acct.kyc = protocol::KycStatus::VERIFIED;
        else if (kyc != "none") Refuse(Join(path, "kyc"), "must be \"none\" or \"verified\" (got \"" + kyc + "\")");
    }
    if (a.contains("residency")) {
        acct.residency = String(a.at("residency"), Join(path, "residency"));
        const std::string& r = acct.residency;
        if (!r.empty() && (r.size() != 2 || !std::all_of(r.begin(), r.end(), [](char c) { return c >= 'A' && c <= 'Z'; })))
            Refuse(Join(path, "residency"),
                   "must be an ISO 3166-1 alpha-2 country code in capitals, e.g. \"BR\" (got \"" + r + "\")");
    }
    if (a.contains("balances")) {
        const std::string bp = Join(path, "balances");
        for (const auto& [cur, amount] : Object(a.at("balances"), bp).items()) {
            const std::string ap = Join(bp, cur);
            auto c = FindCurrency(cur);
            if (!c) Refuse(ap, "unknown currency \"" + cur + "\"");
            const std::string text = String(amount, ap);
            auto v = ParseAmount(text, *c);
            if (!v) Refuse(ap, "\"" + text + "\" is not an amount of " + cur + ": " + AmountErrorName(v.error()));
            if (v.value() <= 0) Refuse(ap, "a genesis balance must be positive");
            acct.balances.emplace_back(cur, v.value());
        }
    }
    return acct;
}

GenesisDoc Parse(const json& j, GenesisCompleteness completeness) {
    Object(j, "");
    OnlyFields(j, "",
               {"$schema", "chain_id", "genesis_time_ms", "governance_threshold", "payout_ttl_ms", "fx_rate_validity_ms", "platform",
                "validators", "accounts"});
    if (j.contains("$schema")) String(j.at("$schema"), "$schema");
    GenesisDoc g;
    if (!j.contains("chain_id")) Refuse("chain_id", "is missing");
    g.chain_id = String(j.at("chain_id"), "chain_id");
    if (g.chain_id.empty() || g.chain_id.size() > protocol::MAX_CHAIN_ID ||
        !std::all_of(g.chain_id.begin(), g.chain_id.end(), IsChainIdChar))
        Refuse("chain_id", "must be 1 to " + std::to_string(protocol::MAX_CHAIN_ID) +
                               " letters, digits, '-', '_' or '.' (got \"" + g.chain_id + "\")");
    if (!j.contains("genesis_time_ms")) Refuse("genesis_time_ms", "is missing");
    g.genesis_time_ms = Unsigned(j.at("genesis_time_ms"), "genesis_time_ms");
    if (j.contains("governance_threshold")) {
        const uint64_t t = Unsigned(j.at("governance_threshold"), "governance_threshold");
        if (t == 0 || t > 1000) Refuse("governance_threshold", "must be between 1 and the number of governance members");
        g.gov_threshold = static_cast<uint32_t>(t);
    }
    if (j.contains("payout_ttl_ms")) {
        g.payout_ttl_ms = Unsigned(j.at("payout_ttl_ms"), "payout_ttl_ms");
        if (g.payout_ttl_ms == 0) Refuse("payout_ttl_ms", "must be positive");
    }
    if (j.contains("fx_rate_validity_ms")) {
        g.fx_rate_validity_ms = Unsigned(j.at("fx_rate_validity_ms"), "fx_rate_validity_ms");
        if (g.fx_rate_validity_ms < 1000) Refuse("fx_rate_validity_ms", "must be at least 1000 (one second)");
    }
    if (j.contains("platform")) g.platform = Addr(j.at("platform"), "platform");

    std::set<Address> keys;
    std::set<std::string> names;
    if (j.contains("validators")) {
        const json& vals = Array(j.at("validators"), "validators");
        for (size_t i = 0; i < vals.size(); ++i) {
            const std::string p = Index("validators", i);
            GenesisValidator v = ParseValidator(vals[i], p);
            if (!keys.insert(v.key).second) Refuse(Join(p, "key"), "this validator key is listed twice");
            if (!names.insert(v.name).second) Refuse(Join(p, "name"), "validator name \"" + v.name + "\" is taken");
            g.validators.push_back(std::move(v));
        }
    }
    std::set<Address> accounts;
    size_t members = 0;
    if (j.contains("accounts")) {
        const json& accts = Array(j.at("accounts"), "accounts");
        for (size_t i = 0; i < accts.size(); ++i) {
            const std::string p = Index("accounts", i);
            GenesisAccount a = ParseAccount(accts[i], p);
            if (!accounts.insert(a.address).second) Refuse(Join(p, "address"), "this account is listed twice");
            if (protocol::HasRole(a.roles, protocol::Role::GOVERNANCE)) ++members;
            g.accounts.push_back(std::move(a));
        }
    }
    if (completeness == GenesisCompleteness::COMPLETE) {
        if (g.validators.empty()) Refuse("validators", "a chain needs at least one validator");
        if (g.gov_threshold > std::max<size_t>(members, 1))
            Refuse("governance_threshold", "is " + std::to_string(g.gov_threshold) + " but only " +
                                               std::to_string(members) +
                                               " accounts have the governance role: proposals could never pass");
    }
    return g;
}

}  // namespace

Result<GenesisDoc, GenesisJsonError> ParseGenesisDoc(const json& j, GenesisCompleteness c) {
    try {
        return Parse(j, c);
    } catch (const Refused& r) {
        return Fail(r.e);
    }
}

GenesisDoc ParseGenesis(const json& j) {
    auto g = ParseGenesisDoc(j, GenesisCompleteness::COMPLETE);
    if (!g) throw std::runtime_error(g.error().What());
    return std::move(g.value());
}

json GenesisJson(const GenesisDoc& g) {
    json vals = json::array(), accts = json::array();
    for (const auto& v : g.validators) vals.push_back({{"name", v.name}, {"key", v.key.hex()}});
    for (const auto& a : g.accounts) {
        json bal = json::object();
        for (const auto& [cur, amount] : a.balances)
            if (auto c = FindCurrency(cur)) bal[cur] = FormatAmount(amount, *c);
        json roles = json::array();
        for (uint8_t r = 0; r < protocol::ROLE_COUNT; ++r)
            if (protocol::HasRole(a.roles, static_cast<protocol::Role>(r)))
                roles.push_back(protocol::RoleName(static_cast<protocol::Role>(r)));
        json acct = {{"name", a.name}, {"address", a.address.hex()}, {"roles", roles},
                     {"kyc", a.kyc == protocol::KycStatus::VERIFIED ? "verified" : "none"}};
        if (!a.residency.empty()) acct["residency"] = a.residency;
        if (!bal.empty()) acct["balances"] = bal;
        accts.push_back(std::move(acct));
    }
    json out = {{"chain_id", g.chain_id}, {"genesis_time_ms", g.genesis_time_ms}, {"governance_threshold", g.gov_threshold},
                {"payout_ttl_ms", g.payout_ttl_ms}, {"validators", vals}, {"accounts", accts}};
    if (!g.platform.IsZero()) out["platform"] = g.platform.hex();
    if (g.fx_rate_validity_ms != state::FX_RATE_VALIDITY_MS) out["fx_rate_validity_ms"] = g.fx_rate_validity_ms;
    return out;
}

}  // namespace folio::api
