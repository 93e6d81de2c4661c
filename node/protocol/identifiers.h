#pragma once
// Industry identifiers of works, validated by their own rules (docs/formats.md, "Industry
// identifiers"): ISRC (ISO 3901), ISWC (ISO 15707), ISAN (ISO 15706-2) and EIDR content IDs.
// Check* is strict: it accepts only the listed written forms, upper case, and returns an empty
// string when the identifier is valid, else a one-line reason. Normalize* is lenient about case
// only (ASCII letters are upper-cased first) and returns the canonical display form, or nullopt
// when the identifier is invalid. Pure; thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace folio::protocol {

// ISRC: "CCXXXYYNNNNN" or "CC-XXX-YY-NNNNN": 2 letters (country), 3 letters/digits (registrant),
// 2 digits (year of reference), 5 digits (designation). No check character.
std::string CheckIsrc(std::string_view s);
// -> "CC-XXX-YY-NNNNN"
std::optional<std::string> NormalizeIsrc(std::string_view s);

// ISWC: "T-DDD.DDD.DDD-C" or "TDDDDDDDDDC"; C = (10 - (1 + sum(i * d_i), i = 1..9) % 10) % 10.
std::string CheckIswc(std::string_view s);
// -> "T-DDD.DDD.DDD-C"
std::optional<std::string> NormalizeIswc(std::string_view s);

// ISAN: optional "ISAN " prefix, then root (12 hex) + episode (4 hex) + check character,
// optionally followed by version (8 hex) + check character; grouped
// "HHHH-HHHH-HHHH-HHHH-C[-HHHH-HHHH-C]" or compact "HHHHHHHHHHHHHHHHC[HHHHHHHHC]". The first check
// character is ISO 7064 MOD 37,36 over the 16 hex digits, the second over all 24.
std::string CheckIsan(std::string_view s);
// -> "ISAN HHHH-HHHH-HHHH-HHHH-C" or "ISAN HHHH-HHHH-HHHH-HHHH-C-HHHH-HHHH-C"
std::optional<std::string> NormalizeIsan(std::string_view s);

// EIDR content ID: "10.5240/HHHH-HHHH-HHHH-HHHH-HHHH-C" or "10.5240/HHHHHHHHHHHHHHHHHHHHC"; C is
// ISO 7064 MOD 37,36 over the 20 hex digits of the suffix.
std::string CheckEidr(std::string_view s);
// -> "10.5240/HHHH-HHHH-HHHH-HHHH-HHHH-C"
std::optional<std::string> NormalizeEidr(std::string_view s);

// ISO/IEC 7064 MOD 37,36 (hybrid) check character of a string over 0-9A-Z; '\0' when the string
// has another character.
char Mod37_36Check(std::string_view s);

}  // namespace folio::protocol
