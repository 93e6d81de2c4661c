#pragma once
// Pure helpers of the `folio` commands (cli/cmd_*.cpp): command-line text -> exact
// values and transaction bodies. No I/O; errors are UsageError with a one-line reason.
// Unit tests: tests/unit/cli/settlement_cli_tests.cpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cli/errors.h>
#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <node/protocol/addresses.h>
#include <node/protocol/types.h>

namespace folio::cli {

inline constexpr uint64_t CONTRACT_CALL_GAS = 2'000'000;  // gas of the wallet's contract calls

// Strict RFC 3339 (2026-12-01T00:00:00Z, 2026-12-01T02:00:00+02:00, 2026-12-01T00:00:00.250Z;
// calendar-checked: 2026-02-30 is refused; no leap seconds; not before 1970; at most millisecond
// precision) or unix seconds -> unix ms. `what` names the argument in the error.
uint64_t ParseTimeMs(const std::string& s, std::string_view what = "time");
// unix ms -> "2026-12-01T00:00:00Z" ("2026-12-01T00:00:00.250Z" when the milliseconds are not 0).
std::string FormatTimeRfc3339(uint64_t ms);

uint64_t ParseU64(std::string_view s, std::string_view what);
// folio1… (bech32m) or 64 hex digits; the error names `what` and the reason (a mistyped character: checksum).
Address ParseAddr(std::string_view s, std::string_view what);

struct Money {
    std::string currency;
    int64_t amount = 0;  // minor units
};
// Exact: "1000.00" "USD" -> {USD, 100000}. zero_ok allows 0 (thresholds, reserves).
Money ParseMoney(std::string_view amount, std::string_view currency, bool zero_ok = false, std::string_view what = "AMOUNT");
// "1000.00 USD" (as the parser stores `--fee AMOUNT CUR`).
Money ParseMoneyPair(std::string_view text, bool zero_ok = false, std::string_view what = "AMOUNT CUR");
// Known currency code (upper-cased).
std::string ParseCurrency(std::string_view code, std::string_view what = "CUR");
// Minor units -> "12.30" in the currency (or the integer when the currency is unknown).
std::string FormatMoney(int64_t minor, std::string_view currency);
// Decimal-string difference a - b in the currency ("12.30" - "1.23" = "11.07").
std::string SubtractDecimal(const std::string& a, const std::string& b, std::string_view currency);

// An exact rate: "5.4321" -> (54321, 10000); "54321/10000" -> (54321, 10000); "5" -> (5, 1).
std::pair<uint64_t, uint64_t> ParseRate(std::string_view text);

// ISO 3166-1 alpha-2 (upper-cased; lower case accepted).
std::string ParseCountry(std::string_view code, std::string_view what);
// "fr,DE,fr" -> {"DE", "FR"} (sorted, unique). allow_ww: "WW" alone is accepted.
std::vector<std::string> ParseCountryList(std::string_view csv, std::string_view what, bool allow_ww);

// Licence terms from the command line, checked like the ledger does (protocol::CheckLicenceTerms).
struct TermsInput {
    std::string territories;  // CC[,CC] or WW
    std::string exclude;      // CC[,CC], only with WW
    std::string rights;       // R[,R]
    bool exclusive = false;
    uint64_t start_ms = 0, end_ms = 0;
    std::string fee;  // "AMOUNT CUR" or empty
    uint16_t royalty_bps = 0;
    bool sublicensable = false;
    bool revocable = false;
};
protocol::LicenceTerms BuildTerms(const TermsInput& in);

// One ADDR:BPS (bps 1..10000).
protocol::Share ParseShare(const std::string& spec, std::string_view what = "--owner");
// --owner ADDR:BPS ... -> shares sorted by owner, unique, bps 1..10000 summing to 10000.
std::vector<protocol::Share> ParseShares(const std::vector<std::string>& specs, std::string_view what = "--owner");
// --work ID:SECONDS ... -> entries sorted by work, unique.
std::vector<protocol::PoolEntry> ParsePoolEntries(const std::vector<std::string>& specs);
uint16_t ParseBps(std::string_view s, std::string_view what);

protocol::KycStatus ParseKycStatus(std::string_view s);
protocol::AuctionKind ParseAuctionKind(std::string_view s);
const char* AuctionKindName(protocol::AuctionKind k);
// royalty 1, licence_fee 2, nft_sale 3.
int64_t ParseIncomeType(std::string_view s);

// Contract ABI packing (vm::PackCurrency): 'BR' = 'B' | 'R' << 8; 'USD' = 'U' | 'S' << 8 | 'D' << 16.
int64_t PackCountry(std::string_view cc);
int64_t PackCurrency(std::string_view cur);

// tax_withholding calls (docs/vm.md; contracts/tax_withholding.fasm). residency "" = any.
Bytes TaxSetRateCall(std::string_view source, int64_t income, std::string_view residency, uint16_t bps, uint64_t from_ms,
                     uint64_t until_ms);
Bytes TaxSetTreatyCall(std::string_view source, std::string_view residency, int64_t income, uint16_t bps,
                       uint64_t from_ms, uint64_t until_ms);
Bytes TaxSetAccountCall(std::string_view jurisdiction, const Address& account);

// Auction contract calls.
Bytes AuctionBidCall(int64_t amount);
Bytes AuctionCommitCall(const Hash256& commitment);
Bytes AuctionRevealCall(int64_t amount, const Hash256& salt);
Bytes AuctionCloseCall();
// SHA-256(amount i64 LE || salt (32) || bidder (32)).
Hash256 SealedCommitment(int64_t amount, const Hash256& salt, const Address& bidder);


}  // namespace folio::cli
