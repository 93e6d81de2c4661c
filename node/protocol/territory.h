#pragma once
// Territories and rights of licences. Territories are ISO 3166-1 alpha-2 codes (the 249 assigned
// codes of ISO 3166-1 as shipped by Debian's iso-codes 4.15, compiled in: a consensus constant),
// or "WW" (worldwide) with optional exclusions, as in DDEX's TerritoryCode /
// ExcludedTerritoryCode. Pure; thread-safe.
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <node/protocol/types.h>

namespace folio::protocol {

inline constexpr size_t COUNTRY_COUNT = 249;
using TerritorySet = std::bitset<COUNTRY_COUNT>;

// Index of an assigned ISO 3166-1 alpha-2 code (upper case), or nullopt.
std::optional<size_t> CountryIndex(std::string_view code);
inline bool IsCountry(std::string_view code) { return CountryIndex(code).has_value(); }

// Structural check of licence terms: territories sorted, unique, known ("WW" alone), exclusions
// only with WW, rights non-empty and known, start < end, fee and royalty in range.
// Returns an error message, or empty when the terms are valid.
std::string CheckLicenceTerms(const LicenceTerms& t);
// The countries the terms cover (WW minus exclusions, or the listed ones).
TerritorySet Coverage(const LicenceTerms& t);
// Whether the terms cover `country` (a valid code).
bool Covers(const LicenceTerms& t, std::string_view country);
// Two licences of one work overlap when their territories, rights and [start, end) all intersect.
bool Overlaps(const LicenceTerms& a, const LicenceTerms& b);

// Rights: "stream", "download", "broadcast", "theatrical", "distribute", "sync", "derivative",
// "view".
std::optional<uint32_t> ParseRight(std::string_view name);
// Comma-separated list -> bits; nullopt on an unknown name or an empty list.
std::optional<uint32_t> ParseRights(std::string_view csv);
std::vector<std::string> RightNames(uint32_t bits);

}  // namespace folio::protocol
