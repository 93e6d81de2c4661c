#pragma once
// Typed reads and writes of the state's records (keys in keys.h, encodings in docs/formats.md).
// Loads return nullopt (or zero) when the record is absent. A stored record that does not decode
// means the node's own store is damaged: a local error, so CorruptStore stops the node through
// folio::Fatal rather than let it diverge (docs/architecture.md, "Invalid vs error").
// Pure apart from that fatal path; thread-safe as far as the StateReader is.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <node/core/codec.h>
#include <node/protocol/types.h>
#include <node/state/keys.h>
#include <node/state/overlay.h>

namespace folio::state {

// Stops the node: the record `what` does not decode.
[[noreturn]] void CorruptStore(std::string_view what);

// ---- encodings shared by several records ----
Bytes EncodeU64(uint64_t v);
uint64_t DecodeU64(ByteView b, std::string_view what);  // CorruptStore if not exactly one u64
Bytes EncodeAddressList(const std::vector<Address>& v);

// A field-list record (DecodeFields) at `key`.
template <typename T>
std::optional<T> LoadRecord(const StateReader& s, const Bytes& key, std::string_view what) {
    auto raw = s.Get(key);
    if (!raw) return std::nullopt;
    auto v = DecodeFields<T>(*raw);
    if (!v) CorruptStore(what);
    return std::move(v.value());
}

// A u64 counter at `key` (0 when absent).
uint64_t LoadCounter(const StateReader& s, const Bytes& key);
// The next id from the counter at `key` (ids start at 1); advances the counter.
uint64_t NextId(Overlay& o, const Bytes& key);

// ---- works and governance ----
Account LoadAccount(const StateReader& s, const Address& a);  // a default Account when absent
void StoreAccount(Overlay& o, const Address& a, const Account& acct);
std::optional<Work> LoadWork(const StateReader& s, uint64_t id);
std::optional<uint64_t> LoadWorkIdByFingerprint(const StateReader& s, const Hash256& fp);
// The work registered with this industry identifier (scheme "isrc", "iswc", "isan" or "eidr"; the
// identifier in its canonical form), if any.
std::optional<uint64_t> LoadWorkIdByIdentifier(const StateReader& s, std::string_view scheme, std::string_view canonical);
uint64_t LoadSharesVersion(const StateReader& s, uint64_t work);
std::optional<Proposal> LoadProposal(const StateReader& s, const Hash256& id);
std::vector<Address> LoadGovMembers(const StateReader& s);  // sorted
uint32_t LoadGovThreshold(const StateReader& s);            // 1 when absent
// The validator set in force after the state's last block; nullopt only for a state without genesis.
std::optional<ValidatorSetRecord> LoadValidatorSet(const StateReader& s);
std::optional<ValidatorSetRecord> LoadValidatorSetOfEpoch(const StateReader& s, uint64_t epoch);
std::optional<PendingValidatorSet> LoadPendingValidatorSet(const StateReader& s);

// Equivocation evidence recorded on the ledger (key "ev/" + id).
struct EvidenceRecord {
    Hash256 id;
    Address signer;
    uint64_t height = 0;
    Bytes encoded;  // the consensus evidence: both signed statements
};
Bytes EncodeEvidenceRecord(const EvidenceRecord& r);
Result<EvidenceRecord, DecodeError> DecodeEvidenceRecord(ByteView b);

// ---- money ----
// Default time a payout instruction waits for its gateway's answer (genesis may set another:
// state key "m/payout_ttl").
inline constexpr uint64_t DEFAULT_PAYOUT_TTL_MS = 7ull * 24 * 3600 * 1000;
// The expiry index's bucket: pending payouts are indexed by the minute of their expiry.
inline constexpr uint64_t PAYOUT_EXPIRY_BUCKET_MS = 60'000;
// The most payouts one block step expires (a receipt's event limit); more wait for the next block.
inline constexpr size_t MAX_BLOCK_STEP_EVENTS = 4096;
// How long a posted FX rate may convert a payout by default: a rate older than this (by block time)
// is stale and the payout is refused until an oracle posts a fresh one (docs/settlement.md, "FX").
// A genesis may set another (`fx_rate_validity_ms`, state "m/fx_rate_validity").
inline constexpr uint64_t FX_RATE_VALIDITY_MS = 24ull * 3600 * 1000;
// How long a governance proposal stays open for approvals (block time from its proposal); after
// that it is expired: approving it fails and it must be proposed again (docs/operations.md).
inline constexpr uint64_t PROPOSAL_TTL_MS = 7ull * 24 * 3600 * 1000;
int64_t LoadBalance(const StateReader& s, const Address& a, std::string_view currency);
void StoreBalance(Overlay& o, const Address& a, std::string_view currency, int64_t v);  // 0 deletes
std::optional<Supply> LoadSupply(const StateReader& s, std::string_view currency);
std::optional<PayoutPrefs> LoadPayoutPrefs(const StateReader& s, const Address& a);
std::optional<Payout> LoadPayout(const StateReader& s, uint64_t id);
uint64_t LoadPayoutTtl(const StateReader& s);  // DEFAULT_PAYOUT_TTL_MS when unset
uint64_t LoadFxRateValidity(const StateReader& s);  // FX_RATE_VALIDITY_MS when unset
std::optional<FxRate> LoadLatestRate(const StateReader& s, std::string_view base, std::string_view quote);

// ---- licences and auctions ----
std::optional<Licence> LoadLicence(const StateReader& s, uint64_t id);
void StoreLicence(Overlay& o, const Licence& l);
std::vector<uint64_t> LoadWorkLicences(const StateReader& s, uint64_t work);  // in issue order
void AddWorkLicence(Overlay& o, uint64_t work, uint64_t id);
std::optional<Auction> LoadAuction(const StateReader& s, uint64_t id);
std::optional<uint64_t> LoadAuctionIdByContract(const StateReader& s, const Address& contract);

// ---- contracts ----
bool IsContract(const StateReader& s, const Address& a);
std::optional<Hash256> LoadInstanceCodeHash(const StateReader& s, const Address& contract);
// The contract a work's revenue flows through: the attached one, else the work's revenue split.
Address RevenueContractOf(const StateReader& s, uint64_t work);
std::optional<Address> LoadAttachedContract(const StateReader& s, uint64_t work);

// ---- fan tokens ----
std::optional<FanToken> LoadFanToken(const StateReader& s, uint64_t id);
std::optional<uint64_t> LoadFanTokenIdBySymbol(const StateReader& s, std::string_view symbol);
std::vector<uint64_t> LoadIdList(const StateReader& s, const Bytes& key, std::string_view what);  // list<u64> records
void AppendIdList(Overlay& o, const Bytes& key, uint64_t id);
FanHolding LoadFanHolding(const StateReader& s, uint64_t id, const Address& holder);  // zero when absent
void StoreFanHolding(Overlay& o, uint64_t id, const Address& holder, const FanHolding& h);  // amount 0 deletes

// ---- AML ----
std::optional<SetAmlLimit> LoadAmlLimit(const StateReader& s, std::string_view currency);
AmlRolling LoadAmlRolling(const StateReader& s, const Address& a, std::string_view currency);  // empty when absent
std::optional<AmlHold> LoadAmlHold(const StateReader& s, uint64_t id);
std::optional<Sanction> LoadSanctionedAccount(const StateReader& s, const Address& a);
std::optional<Sanction> LoadSanctionedCountry(const StateReader& s, std::string_view country);

// ---- NFTs ----
std::optional<NftCollection> LoadCollection(const StateReader& s, uint64_t work);
std::optional<Nft> LoadNft(const StateReader& s, uint64_t token);
uint64_t LoadNftHoldings(const StateReader& s, const Address& owner, uint64_t work);
std::optional<Address> LoadPlatform(const StateReader& s);
uint64_t LoadNftSaleCount(const StateReader& s, uint64_t work);
std::optional<NftSale> LoadNftSale(const StateReader& s, uint64_t work, uint64_t index);

}  // namespace folio::state
