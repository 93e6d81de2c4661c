#pragma once
// Every state key of the ledger, in one place (docs/formats.md, "State keys"). The bytes are a
// consensus format: the state root hashes them. Pure; thread-safe.
#include <cstdint>
#include <string_view>

#include <node/core/bytes.h>
#include <node/protocol/types.h>

namespace folio::state::keys {

// ---- works and governance ----
Bytes Account(const Address& a);              // "a/" + address
Bytes Work(uint64_t id);                      // "w/" + be64
Bytes WorkByFingerprint(const Hash256& fp);   // "wf/" + fingerprint
// "wi/" + scheme + "/" + the identifier's canonical form (NormalizeIsrc…): scheme isrc, iswc, isan, eidr
Bytes WorkByIdentifier(std::string_view scheme, std::string_view canonical);
Bytes NextWorkId();                           // "m/next_work_id"
Bytes SharesVersion(uint64_t work);           // "wsv/" + be64
Bytes Proposal(const Hash256& id);            // "p/" + id
Bytes GovMembers();                           // "g/members"
Bytes GovThreshold();                         // "g/threshold"
Bytes Evidence(const Hash256& id);            // "ev/" + id
Bytes Validators();                           // "v/current": the set in force
Bytes ValidatorsOfEpoch(uint64_t epoch);      // every set since genesis
Bytes PendingValidators();                    // "v/pending": a scheduled change

// ---- money ----
Bytes Balance(const Address& a, std::string_view currency);               // "b/" + address + currency
Bytes Supply(std::string_view currency);                                  // "sup/" + currency
Bytes DepositRef(const Address& gateway, std::string_view reference);    // "dr/" + gateway + reference
Bytes PayoutPrefs(const Address& a);                                      // "pp/" + address
Bytes Payout(uint64_t id);                                                // "po/" + be64
Bytes NextPayoutId();                                                     // "m/next_payout_id"
Bytes PayoutTtl();                                                        // "m/payout_ttl"
Bytes FxRateValidity();                                                   // "m/fx_rate_validity" (absent: FX_RATE_VALIDITY_MS)
// The expiry index: pending payouts by the minute of their expiry (docs/settlement.md, "Expiry").
Bytes PayoutExpiryCount(uint64_t minute);                                 // "pxn/" + be64 minute
Bytes PayoutExpiryEntry(uint64_t minute, uint64_t index);                 // "pxe/" + be64 minute + be64 index
Bytes PayoutExpiryCursor();                                               // "m/payout_expiry"
Bytes FxLatest(std::string_view base, std::string_view quote);           // "fx/" + base + quote
Bytes FxRate(uint64_t id);                                                // "fxr/" + be64
Bytes NextFxId();                                                         // "m/next_fx_id"

// ---- licences and auctions ----
Bytes Licence(uint64_t id);                         // "l/" + be64
Bytes WorkLicences(uint64_t work);                  // "wl/" + be64
Bytes Sublicences(uint64_t licence);                // "ls/" + be64: list<u64> ids of its direct sublicences
Bytes NextLicenceId();                              // "m/next_licence_id"
Bytes Auction(uint64_t id);                         // "au/" + be64
Bytes AuctionByContract(const Address& contract);  // "auc/" + address
Bytes NextAuctionId();                              // "m/next_auction_id"

// ---- contracts ----
Bytes Template(const Hash256& code_hash);                        // "ct/" + code hash
Bytes ContractInstance(const Address& contract);                 // "ci/" + address
Bytes ContractStorage(const Address& contract, ByteView key);    // "cs/" + address + key
Bytes TemplateInfo(const Hash256& code_hash);                    // "ctm/" + code hash
Bytes TemplateByName(std::string_view name);                     // "ctn/" + name: the latest version
Bytes WorkContract(uint64_t work);                               // "wc/" + be64: the attached contract
Bytes WorkRecoupment(uint64_t work);                             // "wr/" + be64: record Recoupment

// ---- NFTs ----
Bytes NftCollection(uint64_t work);                    // "nc/" + be64
Bytes Nft(uint64_t token);                             // "nt/" + be64
Bytes NftHoldings(const Address& owner, uint64_t work);  // "nh/" + address + be64
Bytes NftSale(uint64_t work, uint64_t index);          // "ns/" + be64 work + be64 index
Bytes NftSaleCount(uint64_t work);                     // "nsn/" + be64 work
Bytes NextTokenId();                                   // "m/next_token_id"
Bytes Platform();                                      // "m/platform"

// ---- fan tokens ----
Bytes FanToken(uint64_t id);                               // "ft/" + be64
Bytes FanTokenBySymbol(std::string_view symbol);           // "fts/" + symbol
Bytes FanTokensOfWork(uint64_t work);                      // "ftw/" + be64: list<u64> ids
Bytes FanTokensOfIssuer(const Address& issuer);            // "fti/" + address: list<u64> ids of its own tokens
Bytes FanHolding(uint64_t id, const Address& holder);      // "fh/" + be64 + address
Bytes NextFanTokenId();                                    // "m/next_fan_token_id"

// ---- AML (docs/settlement.md, "AML") ----
Bytes AmlLimit(std::string_view currency);                           // "aml/" + currency: record SetAmlLimit
Bytes AmlRolling(const Address& a, std::string_view currency);       // "amr/" + address + currency: record AmlRolling
Bytes AmlHold(uint64_t id);                                          // "ah/" + be64: record AmlHold
Bytes NextAmlHoldId();                                               // "m/next_aml_hold_id"
Bytes SanctionedAccount(const Address& a);                           // "san/a/" + address: record Sanction
Bytes SanctionedCountry(std::string_view country);                   // "san/c/" + country: record Sanction
Bytes SanctionCount();                                               // "m/sanctions": raw u64 listings in force

// Key-space prefixes that queries scan.
inline constexpr std::string_view PAYOUT_PREFIX = "po/";
inline constexpr std::string_view PROPOSAL_PREFIX = "p/";
inline constexpr std::string_view BALANCE_PREFIX = "b/";
inline constexpr std::string_view SUPPLY_PREFIX = "sup/";
inline constexpr std::string_view FAN_TOKEN_PREFIX = "ft/";
inline constexpr std::string_view FAN_HOLDING_PREFIX = "fh/";
inline constexpr std::string_view AML_LIMIT_PREFIX = "aml/";
inline constexpr std::string_view AML_HOLD_PREFIX = "ah/";
inline constexpr std::string_view SANCTION_PREFIX = "san/";

}  // namespace folio::state::keys
