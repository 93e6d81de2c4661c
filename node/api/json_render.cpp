#include <node/api/json_render.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include <node/core/amount.h>
#include <node/protocol/addresses.h>
#include <node/protocol/territory.h>
#include <node/state/contracts.h>
#include <node/state/keys.h>
#include <node/state/records.h>
#include <vm/code.h>

namespace folio::api {

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

template <class T>
json FieldsToJson(const T& v);

namespace {

// Renders a FOLIO_FIELDS struct as a JSON object named by its fields. Amounts (int64 fields named
// amount, threshold, gross, pool, target_amount, fee_amount) become exact decimal strings in the
// currency of their sibling field (currency, target_currency, fee_currency).
struct FieldJson {
    std::vector<std::string> names;
    size_t i = 0;
    json out = json::object();
    std::map<std::string, std::string> currencies;

    template <class T>
    static json Value(const T& v) {
        if constexpr (std::is_same_v<T, Address> || std::is_same_v<T, Hash256> || std::is_same_v<T, Signature>) return v.hex();
        else if constexpr (std::is_same_v<T, Bytes>) return ToHex(v);
        else if constexpr (std::is_same_v<T, PayoutStatus>) return PayoutStatusName(v);
        else if constexpr (std::is_same_v<T, LicenceStatus>) return LicenceStatusName(v);
        else if constexpr (std::is_same_v<T, KycStatus>) {
            static constexpr const char* KYC[] = {"none", "verified", "revoked"};
            return static_cast<size_t>(v) < 3 ? KYC[static_cast<size_t>(v)] : "unknown";
        } else if constexpr (std::is_same_v<T, IncomeType>) {
            static constexpr const char* INC[] = {"unknown", "royalty", "licence_fee", "nft_sale"};
            return static_cast<size_t>(v) < 4 ? INC[static_cast<size_t>(v)] : "unknown";
        } else if constexpr (std::is_same_v<T, AuctionKind>) {
            static constexpr const char* K[] = {"unknown", "english", "dutch", "sealed"};
            return static_cast<size_t>(v) < 4 ? K[static_cast<size_t>(v)] : "unknown";
        } else if constexpr (std::is_same_v<T, AmlHoldKind>) return AmlHoldKindName(v);
        else if constexpr (std::is_same_v<T, AmlHoldStatus>) return AmlHoldStatusName(v);
        else if constexpr (std::is_same_v<T, AmlReason>) return AmlReasonName(v);
        else if constexpr (std::is_enum_v<T>) return static_cast<int>(v);
        else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) return v;
        else if constexpr (std::is_same_v<T, LicenceTerms>) return LicenceTermsJson(v);
        else if constexpr (requires { v.begin(); v.end(); }) {
            json a = json::array();
            for (const auto& x : v) a.push_back(Value(x));
            return a;
        } else return FieldsToJson(v);
    }

    // FOLIO_MAX / FOLIO_SORTED wrap a field for the codec: render what they wrap.
    template <size_t N, size_t ITEM_N, class T>
    void operator()(const protocol::BoundedField<N, ITEM_N, T>& b) {
        (*this)(static_cast<const std::remove_const_t<T>&>(b.v));
    }
    template <size_t N, class T>
    void operator()(const protocol::SortedField<N, T>& b) {
        (*this)(static_cast<const std::remove_const_t<T>&>(b.v));
    }

    template <class T>
    void operator()(const T& v) {
        const std::string& name = names[i++];
        if constexpr (std::is_same_v<T, std::string>) {
            if (name == "currency" || name == "target_currency" || name == "fee_currency") currencies[name] = v;
        }
        out[name] = Value(v);
    }

    // Second pass: amounts as decimal strings.
    void FormatAmounts() {
        static const std::pair<const char*, const char*> AMOUNTS[] = {
            {"amount", "currency"}, {"threshold", "currency"},       {"gross", "currency"},
            {"pool", "currency"},   {"target_amount", "target_currency"}, {"fee_amount", "fee_currency"},
            {"price", "currency"},  {"royalty", "currency"}, {"fee", "currency"},
            {"single", "currency"}, {"rolling", "currency"}, {"limit", "currency"}, {"rolling_sum", "currency"}};
        for (const auto& [field, cur_field] : AMOUNTS) {
            if (!out.contains(field) || !out[field].is_number_integer()) continue;
            auto it = currencies.find(cur_field);
            if (it == currencies.end()) continue;
            if (auto c = FindCurrency(it->second)) out[field] = FormatAmount(out[field].get<int64_t>(), *c);
        }
    }
};

}  // namespace

template <class T>
json FieldsToJson(const T& v) {
    FieldJson f;
    f.names = FieldNameList(T::FieldNames());
    v.VisitFields(f);
    f.FormatAmounts();
    return f.out;
}

json LicenceTermsJson(const LicenceTerms& t) {
    json j = FieldsToJson<LicenceTerms>(t);
    j["rights"] = RightNames(t.rights);
    return j;
}

// A proposal's action inside a propose transaction (tx_get): GovActionJson's, with its kind as
// `type` (and a template's `code_size` as `size`), as this rendering always had it.
static json ActionJson(const GovAction& a) {
    json j = GovActionJson(a);
    j["type"] = j["kind"];
    j.erase("kind");
    if (j.contains("code_size")) {
        j["size"] = j["code_size"];
        j.erase("code_size");
    }
    return j;
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
            else if constexpr (!std::is_same_v<T, RegisterWorkTx>) return FieldsToJson(b);
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

namespace {

int64_t LeAt(const Bytes& b, size_t at) { return Le64At(b, at); }
std::string AddrAt(const Bytes& b, size_t at) { return ToHex(ByteView(b.data() + at, 32)); }
std::string PackedText(int64_t v) { return UnpackCode(v, 8); }
json IncomeName(int64_t t) {
    return t == 1 ? json("royalty") : t == 2 ? json("licence_fee") : t == 3 ? json("nft_sale") : json(t);
}
std::string Money(int64_t v, const std::string& cur) {
    auto c = FindCurrency(cur);
    return c ? FormatAmount(v, *c) : std::to_string(v);
}

}  // namespace

json DecodeContractEvent(const EvContract& e, const StateReader& s) {
    const std::string topic(e.topic.begin(), e.topic.end());
    const Bytes& d = e.data;
    if (s.Get(keys::AuctionByContract(e.contract))) {
        const std::string cur = AuctionCurrency(s, e.contract);
        if ((topic == "bid" || topic == "reveal" || topic == "refund" || topic == "commit") && d.size() == 40) {
            const char* who = topic == "refund" ? "to" : "bidder";
            const char* what = topic == "commit" ? "deposit" : "amount";
            return {{"kind", topic == "bid" ? "auction_bid" : topic == "reveal" ? "auction_reveal" : topic == "refund" ? "auction_refund" : "auction_commit"},
                    {who, AddrAt(d, 0)}, {what, Money(LeAt(d, 32), cur)}, {"currency", cur}};
        }
        if (topic == "extended" && d.size() == 8) return {{"kind", "auction_extended"}, {"end_ms", LeAt(d, 0)}};
        if (topic == "closed" && d.size() == 48) {
            bool none = std::all_of(d.begin(), d.begin() + 32, [](uint8_t b) { return b == 0; });
            return {{"kind", "auction_closed"}, {"winner", none ? json(nullptr) : json(AddrAt(d, 0))},
                    {"price", Money(LeAt(d, 32), cur)}, {"proceeds", Money(LeAt(d, 40), cur)}, {"currency", cur}};
        }
        return nullptr;
    }
    if (e.contract == TaxContractAddress()) {
        if (auto w = DecodeTaxWithheld(e)) {
            const std::string& cur = w->currency;
            return {{"kind", "tax_withheld"},
                    {"payee", w->payee.hex()},
                    {"currency", cur},
                    {"gross", Money(w->gross, cur)},
                    {"tax", Money(w->tax, cur)},
                    {"net", Money(w->gross - w->tax, cur)},
                    {"income_type", IncomeName(w->income_type)},
                    {"source", w->source},
                    {"residency", w->residency.empty() ? json(nullptr) : json(w->residency)},
                    {"bps", w->bps},
                    {"account", w->account.IsZero() ? json(nullptr) : json(w->account.hex())}};
        }
        if ((topic == "rate_set" || topic == "treaty_set") && d.size() == 48) {
            bool rate = topic == "rate_set";
            int64_t a = LeAt(d, 0), b = LeAt(d, 8), c = LeAt(d, 16);
            return {{"kind", topic},
                    {"source", PackedText(a)},
                    {"income_type", IncomeName(rate ? b : c)},
                    {"residency", (rate ? c : b) == 0 ? json(nullptr) : json(PackedText(rate ? c : b))},
                    {"bps", LeAt(d, 24)},
                    {"from_ms", LeAt(d, 32)},
                    {"until_ms", LeAt(d, 40)}};
        }
        if (topic == "account_set" && d.size() == 40)
            return {{"kind", "tax_account_set"}, {"jurisdiction", PackedText(LeAt(d, 0))}, {"account", AddrAt(d, 8)}};
        return nullptr;
    }
    if (IsStandardInstance(s, e.contract, StandardContract::REVENUE_SPLIT)) {
        if (topic == "split" && d.size() == 56) {
            std::string cur = PackedText(LeAt(d, 32));
            return {{"kind", "split"}, {"payee", AddrAt(d, 0)}, {"currency", cur}, {"amount", Money(LeAt(d, 40), cur)},
                    {"income_type", IncomeName(LeAt(d, 48))}};
        }
        if (topic == "payees" && d.size() % 40 == 0) {
            json payees = json::array();
            for (size_t i = 0; i < d.size(); i += 40) payees.push_back({{"address", AddrAt(d, i)}, {"bps", LeAt(d, i + 32)}});
            return {{"kind", "split_payees_set"}, {"payees", payees}};
        }
    }
    return nullptr;
}

json EventJson(const Event& e, const StateReader* s) {
    json j = std::visit(
        [s](const auto& ev) -> json {
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
            else if constexpr (std::is_same_v<T, EvPayout>)
                return FieldsToJson(ev.payout);
            else if constexpr (std::is_same_v<T, EvAmlHold>)
                return {{"hold", AmlHoldJson(ev.hold)}};
            else if constexpr (std::is_same_v<T, EvSanction>)
                return {{"sanction", GovActionJson(ev.sanction)}};
            else if constexpr (std::is_same_v<T, EvContract>) {
                json cj = FieldsToJson(ev);
                std::string topic(ev.topic.begin(), ev.topic.end());
                bool printable = std::all_of(topic.begin(), topic.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
                if (printable) cj["topic_text"] = topic;
                if (s) {
                    if (json typed = DecodeContractEvent(ev, *s); !typed.is_null()) cj["decoded"] = typed;
                }
                return cj;
            } else if constexpr (HasFields<T>::value)
                return FieldsToJson(ev);
            else
                return {{"threshold", ev.threshold}};
        },
        e);
    j["type"] = EventName(e);
    return j;
}

json ReceiptJson(const Receipt& r, bool with_events, const StateReader* s) {
    json j = {{"success", r.success}};
    j["error"] = r.success ? json(nullptr) : json{{"code", r.error_code}, {"message", r.error_message}};
    if (with_events) {
        json evs = json::array();
        for (const Event& e : r.events) evs.push_back(EventJson(e, s));
        j["events"] = evs;
    }
    return j;
}

json LicenceJson(const Licence& l) {
    json j = FieldsToJson(l);
    j["licensee"] = l.licensee.IsZero() ? json(nullptr) : json(l.licensee.hex());
    j["parent"] = l.parent == 0 ? json(nullptr) : json(l.parent);
    return j;
}
json PayoutJson(const Payout& p) { return FieldsToJson(p); }
json AmlLimitJson(const SetAmlLimit& l) { return FieldsToJson(l); }
json AmlHoldJson(const AmlHold& h) {
    json j = FieldsToJson(h);
    j["decided_by"] = h.decided_by.IsZero() ? json(nullptr) : json(h.decided_by.hex());
    j["payout_id"] = h.payout_id == 0 ? json(nullptr) : json(h.payout_id);
    j["listed"] = h.listed.empty() ? json(nullptr) : json(h.listed);
    j["ended_ms"] = h.ended_ms == 0 ? json(nullptr) : json(h.ended_ms);
    return j;
}
json FxRateJson(const FxRate& r) { return FieldsToJson(r); }
json PayoutPrefsJson(const PayoutPrefs& p) { return FieldsToJson(p); }
json AuctionJson(const Auction& a) { return FieldsToJson(a); }
json NftJson(const Nft& n) { return FieldsToJson(n); }
json CollectionJson(const NftCollection& c) { return FieldsToJson(c); }
json NftSaleJson(const NftSale& s) { return FieldsToJson(s); }

json GovActionJson(const GovAction& action) {
    return std::visit(
        [](const auto& a) -> json {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, GrantRole> || std::is_same_v<T, RevokeRole>)
                return {{"kind", std::is_same_v<T, GrantRole> ? "grant_role" : "revoke_role"}, {"account", a.account.hex()}, {"role", RoleName(a.role)}};
            else if constexpr (std::is_same_v<T, SetThreshold>) return {{"kind", "set_threshold"}, {"threshold", a.threshold}};
            else if constexpr (std::is_same_v<T, DeployTemplate>)
                return {{"kind", "deploy_template"}, {"code_hash", vm::CodeHash(a.code).hex()}, {"code_size", a.code.size()}};
            else if constexpr (std::is_same_v<T, SetFrozen>) return {{"kind", "set_frozen"}, {"account", a.account.hex()}, {"frozen", a.frozen}};
            else if constexpr (std::is_same_v<T, GovContractCall>)
                return {{"kind", "contract_call"}, {"contract", a.contract.hex()}, {"input", ToHex(a.input)}};
            else if constexpr (std::is_same_v<T, SetAmlLimit>) {
                json j = FieldsToJson(a);
                j["kind"] = "set_aml_limit";
                return j;
            } else if constexpr (std::is_same_v<T, SetSanction>) {
                json j = FieldsToJson(a);
                j["kind"] = "set_sanction";
                j["account"] = a.account.IsZero() ? json(nullptr) : json(a.account.hex());
                j["country"] = a.country.empty() ? json(nullptr) : json(a.country);
                return j;
            } else {
                static_assert(std::is_same_v<T, SetValidators>);
                json members = json::array();
                for (const Address& m : a.members) members.push_back(m.hex());
                return {{"kind", "set_validators"}, {"members", members}, {"activation_height", a.activation_height}};
            }
        },
        action);
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

}  // namespace folio::api
