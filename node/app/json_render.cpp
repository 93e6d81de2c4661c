#include <node/app/json_render.h>

#include <stdexcept>

#include <vm/code.h>

namespace folio::app {

using nlohmann::json;
using namespace folio::state;

json HeaderJson(const BlockHeader& h) {
    return {{"chain_id", h.chain_id},       {"height", h.height},
            {"hash", BlockHash(h).hex()},   {"parent", h.parent.hex()},
            {"time_ms", h.time_ms},         {"proposer", h.proposer.hex()},
            {"tx_count", h.tx_count},       {"tx_root", h.tx_root.hex()},
            {"receipts_root", h.receipts_root.hex()}, {"state_root", h.state_root.hex()}};
}

json RolesJson(RoleSet roles) {
    json out = json::array();
    for (uint8_t i = 0; i < ROLE_COUNT; ++i)
        if (HasRole(roles, static_cast<Role>(i))) out.push_back(RoleName(static_cast<Role>(i)));
    return out;
}

static json SharesJson(const std::vector<Share>& shares) {
    json out = json::array();
    for (const Share& s : shares) out.push_back({{"address", s.owner.hex()}, {"bps", s.bps}});
    return out;
}

static json ActionJson(const GovAction& a) {
    return std::visit(
        [](const auto& x) -> json {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, SetThreshold>) return {{"type", "set_threshold"}, {"threshold", x.threshold}};
            else if constexpr (std::is_same_v<T, DeployTemplate>)
                return {{"type", "deploy_template"}, {"size", x.code.size()}, {"code_hash", vm::CodeHash(x.code).hex()}};
            else
                return {{"type", std::is_same_v<T, GrantRole> ? "grant_role" : "revoke_role"},
                        {"account", x.account.hex()},
                        {"role", RoleName(x.role)}};
        },
        a);
}

static json IdsJson(const IndustryIds& ids) {
    json out = json::object();
    if (!ids.isrc.empty()) out["isrc"] = ids.isrc;
    if (!ids.iswc.empty()) out["iswc"] = ids.iswc;
    if (!ids.isan.empty()) out["isan"] = ids.isan;
    if (!ids.eidr.empty()) out["eidr"] = ids.eidr;
    return out;
}

json TxJson(const Transaction& tx) {
    json body = std::visit(
        [](const auto& b) -> json {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, ProposeTx>) return {{"action", ActionJson(b.action)}};
            else if constexpr (std::is_same_v<T, ApproveTx>) return {{"proposal", b.proposal.hex()}};
            else
                return {{"fingerprint", b.fingerprint.hex()}, {"title", b.title}, {"kind", WorkKindName(b.kind)},
                        {"industry_ids", IdsJson(b.ids)},     {"metadata_hash", b.metadata_hash.IsZero() ? json(nullptr) : json(b.metadata_hash.hex())},
                        {"metadata_uri", b.metadata_uri},     {"owners", SharesJson(b.owners)}};
        },
        tx.body);
    return {{"hash", TxId(tx).hex()}, {"chain_id", tx.chain_id},         {"sender", tx.sender.hex()},
            {"nonce", tx.nonce},      {"expires_at_ms", tx.expires_at_ms}, {"kind", TxKindName(KindOf(tx.body))},
            {"body", body},           {"signature", tx.signature.hex()}};
}

json EventJson(const Event& e) {
    json j = std::visit(
        [](const auto& ev) -> json {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, EvWorkRegistered>)
                return {{"work", ev.work_id}, {"fingerprint", ev.fingerprint.hex()}, {"owners", SharesJson(ev.owners)}};
            else if constexpr (std::is_same_v<T, EvProposalCreated> || std::is_same_v<T, EvProposalExecuted>)
                return {{"proposal", ev.proposal.hex()}};
            else if constexpr (std::is_same_v<T, EvProposalApproved>)
                return {{"proposal", ev.proposal.hex()}, {"approver", ev.approver.hex()},
                        {"approvals", ev.approvals},     {"threshold", ev.threshold}};
            else if constexpr (std::is_same_v<T, EvRoleGranted> || std::is_same_v<T, EvRoleRevoked>)
                return {{"account", ev.account.hex()}, {"role", RoleName(ev.role)}};
            else if constexpr (std::is_same_v<T, EvTemplateDeployed>)
                return {{"code_hash", ev.code_hash.hex()}, {"size", ev.size}};
            else
                return {{"threshold", ev.threshold}};
        },
        e);
    j["type"] = EventName(e);
    return j;
}

json ReceiptJson(const Receipt& r, bool with_events) {
    json j = {{"success", r.success}};
    j["error"] = r.success ? json(nullptr) : json{{"code", r.error_code}, {"message", r.error_message}};
    if (with_events) {
        json evs = json::array();
        for (const Event& e : r.events) evs.push_back(EventJson(e));
        j["events"] = evs;
    }
    return j;
}

json WorkJson(const Work& w) {
    return {{"id", w.id},
            {"fingerprint", w.fingerprint.hex()},
            {"title", w.title},
            {"kind", WorkKindName(w.kind)},
            {"industry_ids", IdsJson(w.ids)},
            {"metadata_hash", w.metadata_hash.IsZero() ? json(nullptr) : json(w.metadata_hash.hex())},
            {"metadata_uri", w.metadata_uri},
            {"owners", SharesJson(w.owners)},
            {"registrant", w.registrant.hex()},
            {"height", w.registered_height},
            {"time_ms", w.registered_time_ms}};
}

json AccountJson(const Address& a, const Account& acct) {
    static constexpr const char* KYC[] = {"none", "verified", "revoked"};
    return {{"address", a.hex()},
            {"next_nonce", acct.next_nonce},
            {"roles", RolesJson(acct.roles)},
            {"kyc", KYC[static_cast<size_t>(acct.kyc)]},
            {"residency", acct.residency},
            {"frozen", acct.frozen}};
}

static Address ParseAddr(const json& j, const std::string& field) {
    if (!j.is_string()) throw std::runtime_error(field + " must be a hex string");
    auto a = ParseAddress(j.get<std::string>());
    if (!a) throw std::runtime_error(field + " is not a valid address: " + j.get<std::string>());
    return *a;
}

GenesisDoc ParseGenesis(const json& j) {
    GenesisDoc g;
    g.chain_id = j.at("chain_id").get<std::string>();
    g.genesis_time_ms = j.at("genesis_time_ms").get<uint64_t>();
    g.gov_threshold = j.value("governance_threshold", 1u);
    for (const json& v : j.at("validators")) g.validators.push_back({v.at("name").get<std::string>(), ParseAddr(v.at("key"), "validator key")});
    for (const json& a : j.value("accounts", json::array())) {
        GenesisAccount acct;
        acct.name = a.value("name", "");
        acct.address = ParseAddr(a.at("address"), "account address");
        for (const json& r : a.value("roles", json::array())) {
            auto role = ParseRole(r.get<std::string>());
            if (!role) throw std::runtime_error("unknown role '" + r.get<std::string>() + "'");
            acct.roles = WithRole(acct.roles, *role);
        }
        std::string kyc = a.value("kyc", "none");
        if (kyc == "verified") acct.kyc = KycStatus::VERIFIED;
        else if (kyc != "none") throw std::runtime_error("kyc must be 'none' or 'verified'");
        acct.residency = a.value("residency", "");
        g.accounts.push_back(acct);
    }
    return g;
}

json GenesisJson(const GenesisDoc& g) {
    json vals = json::array(), accts = json::array();
    for (const auto& v : g.validators) vals.push_back({{"name", v.name}, {"key", v.key.hex()}});
    for (const auto& a : g.accounts)
        accts.push_back({{"name", a.name},
                         {"address", a.address.hex()},
                         {"roles", RolesJson(a.roles)},
                         {"kyc", a.kyc == KycStatus::VERIFIED ? "verified" : "none"},
                         {"residency", a.residency}});
    return {{"chain_id", g.chain_id}, {"genesis_time_ms", g.genesis_time_ms}, {"governance_threshold", g.gov_threshold},
            {"validators", vals},     {"accounts", accts}};
}

}  // namespace folio::app
