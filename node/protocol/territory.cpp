#include <node/protocol/territory.h>

#include <algorithm>
#include <array>
#include <string_view>

#include <node/core/amount.h>

namespace folio::protocol {
namespace {

constexpr std::array<std::string_view, COUNTRY_COUNT> COUNTRIES = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
    "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV",
    "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
    "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES",
    "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM",
    "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE",
    "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM",
    "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT",
    "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU",
    "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA",
    "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
    "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL",
    "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
    "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

constexpr std::array<std::string_view, 8> RIGHT_NAMES = {"stream",     "download", "broadcast",  "theatrical",
                                                         "distribute", "sync",     "derivative", "view"};

bool SortedUnique(const std::vector<std::string>& v) {
    for (size_t i = 1; i < v.size(); ++i)
        if (!(v[i - 1] < v[i])) return false;
    return true;
}

}  // namespace

std::optional<size_t> CountryIndex(std::string_view code) {
    auto it = std::lower_bound(COUNTRIES.begin(), COUNTRIES.end(), code);
    if (it == COUNTRIES.end() || *it != code) return std::nullopt;
    return static_cast<size_t>(it - COUNTRIES.begin());
}

std::string CheckLicenceTerms(const LicenceTerms& t) {
    if (t.territories.empty()) return "a licence needs at least one territory";
    bool ww = t.territories.size() == 1 && t.territories[0] == "WW";
    if (!ww) {
        for (const std::string& c : t.territories)
            if (!IsCountry(c)) return "unknown territory '" + c + "' (ISO 3166-1 alpha-2 or WW)";
        if (!SortedUnique(t.territories)) return "territories must be sorted and unique";
        if (!t.excluded.empty()) return "excluded territories are only allowed with WW";
    } else {
        for (const std::string& c : t.excluded)
            if (!IsCountry(c)) return "unknown excluded territory '" + c + "'";
        if (!SortedUnique(t.excluded)) return "excluded territories must be sorted and unique";
        if (t.excluded.size() >= COUNTRY_COUNT) return "the exclusions leave no territory";
    }
    if (t.rights == 0) return "a licence needs at least one right";
    if ((t.rights & ~RIGHTS_ALL) != 0) return "unknown right bits";
    if (t.end_ms <= t.start_ms) return "the licence must end after it starts";
    if (t.fee_amount < 0 || t.fee_amount > MAX_AMOUNT) return "fee out of range";
    if (t.fee_amount > 0 && !FindCurrency(t.fee_currency)) return "unknown fee currency '" + t.fee_currency + "'";
    if (t.fee_amount == 0 && !t.fee_currency.empty()) return "fee currency without a fee";
    if (t.royalty_bps > BPS_TOTAL) return "royalty above 10000 bps";
    return {};
}

TerritorySet Coverage(const LicenceTerms& t) {
    TerritorySet s;
    if (t.territories.size() == 1 && t.territories[0] == "WW") {
        s.set();
        for (const std::string& c : t.excluded)
            if (auto i = CountryIndex(c)) s.reset(*i);
    } else {
        for (const std::string& c : t.territories)
            if (auto i = CountryIndex(c)) s.set(*i);
    }
    return s;
}

bool Covers(const LicenceTerms& t, std::string_view country) {
    auto i = CountryIndex(country);
    return i && Coverage(t).test(*i);
}

bool Overlaps(const LicenceTerms& a, const LicenceTerms& b) {
    if ((a.rights & b.rights) == 0) return false;
    if (a.start_ms >= b.end_ms || b.start_ms >= a.end_ms) return false;
    return (Coverage(a) & Coverage(b)).any();
}

std::optional<uint32_t> ParseRight(std::string_view name) {
    for (size_t i = 0; i < RIGHT_NAMES.size(); ++i)
        if (RIGHT_NAMES[i] == name) return 1u << i;
    return std::nullopt;
}

std::optional<uint32_t> ParseRights(std::string_view csv) {
    uint32_t bits = 0;
    size_t pos = 0;
    while (pos <= csv.size()) {
        size_t comma = csv.find(',', pos);
        std::string_view item = csv.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        auto r = ParseRight(item);
        if (!r) return std::nullopt;
        bits |= *r;
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return bits ? std::optional<uint32_t>(bits) : std::nullopt;
}

std::vector<std::string> RightNames(uint32_t bits) {
    std::vector<std::string> out;
    for (size_t i = 0; i < RIGHT_NAMES.size(); ++i)
        if (bits & (1u << i)) out.emplace_back(RIGHT_NAMES[i]);
    return out;
}

}  // namespace folio::protocol
