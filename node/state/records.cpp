#include <node/state/records.h>

#include <node/core/fatal.h>
#include <node/protocol/addresses.h>

namespace folio::state {

void CorruptStore(std::string_view what) {
    Fatal("state", "corrupted state record (" + std::string(what) + "): the store is damaged");
}

Bytes EncodeU64(uint64_t v) {
    Writer w;
    w.U64(v);
    return w.Take();
}

uint64_t DecodeU64(ByteView b, std::string_view what) {
    Reader r(b);
    uint64_t v = r.U64();
    if (!r.Finish()) CorruptStore(what);
    return v;
}

Bytes EncodeAddressList(const std::vector<Address>& v) {
    Writer w;
    w.Varint(v.size());
    for (const Address& a : v) w.Fixed(a);
    return w.Take();
}

uint64_t LoadCounter(const StateReader& s, const Bytes& key) {
    auto raw = s.Get(key);
    return raw ? DecodeU64(*raw, "counter") : 0;
}

uint64_t NextId(Overlay& o, const Bytes& key) {
    uint64_t id = LoadCounter(o, key);
    if (id == 0) id = 1;
    o.Put(key, EncodeU64(id + 1));
    return id;
}

// ---------------------------------------------------------------- works and governance

Account LoadAccount(const StateReader& s, const Address& a) {
    auto raw = s.Get(keys::Account(a));
    if (!raw) return Account{};
    auto acct = DecodeAccount(*raw);
    if (!acct) CorruptStore("account");
    return acct.value();
}

void StoreAccount(Overlay& o, const Address& a, const Account& acct) { o.Put(keys::Account(a), EncodeAccount(acct)); }

std::optional<Work> LoadWork(const StateReader& s, uint64_t id) {
    auto raw = s.Get(keys::Work(id));
    if (!raw) return std::nullopt;
    auto w = DecodeWork(*raw);
    if (!w) CorruptStore("work");
    return w.value();
}

std::optional<uint64_t> LoadWorkIdByFingerprint(const StateReader& s, const Hash256& fp) {
    auto raw = s.Get(keys::WorkByFingerprint(fp));
    if (!raw) return std::nullopt;
    return DecodeU64(*raw, "work by fingerprint");
}

std::optional<uint64_t> LoadWorkIdByIdentifier(const StateReader& s, std::string_view scheme, std::string_view canonical) {
    auto raw = s.Get(keys::WorkByIdentifier(scheme, canonical));
    if (!raw) return std::nullopt;
    return DecodeU64(*raw, "work by identifier");
}

uint64_t LoadSharesVersion(const StateReader& s, uint64_t work) { return LoadCounter(s, keys::SharesVersion(work)); }

std::optional<Proposal> LoadProposal(const StateReader& s, const Hash256& id) {
    auto raw = s.Get(keys::Proposal(id));
    if (!raw) return std::nullopt;
    auto p = DecodeProposal(*raw);
    if (!p) CorruptStore("proposal");
    return p.value();
}

std::vector<Address> LoadGovMembers(const StateReader& s) {
    auto raw = s.Get(keys::GovMembers());
    std::vector<Address> out;
    if (!raw) return out;
    Reader r(*raw);
    size_t n = r.Length(4096);
    for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.Fixed<32>());
    if (!r.Finish()) CorruptStore("gov members");
    return out;
}

uint32_t LoadGovThreshold(const StateReader& s) {
    auto raw = s.Get(keys::GovThreshold());
    return raw ? static_cast<uint32_t>(DecodeU64(*raw, "gov threshold")) : 1;
}

std::optional<ValidatorSetRecord> LoadValidatorSet(const StateReader& s) {
    return LoadRecord<ValidatorSetRecord>(s, keys::Validators(), "validator set");
}

std::optional<ValidatorSetRecord> LoadValidatorSetOfEpoch(const StateReader& s, uint64_t epoch) {
    return LoadRecord<ValidatorSetRecord>(s, keys::ValidatorsOfEpoch(epoch), "validator set");
}

std::optional<PendingValidatorSet> LoadPendingValidatorSet(const StateReader& s) {
    return LoadRecord<PendingValidatorSet>(s, keys::PendingValidators(), "pending validator set");
}

Bytes EncodeEvidenceRecord(const EvidenceRecord& r) {
    Writer w;
    w.U8(1);
    w.Fixed(r.id);
    w.Fixed(r.signer);
    w.U64(r.height);
    w.Blob(r.encoded);
    return w.Take();
}

Result<EvidenceRecord, DecodeError> DecodeEvidenceRecord(ByteView b) {
    Reader r(b);
    EvidenceRecord e;
    if (r.U8() != 1) r.Fail(DecodeError::BAD_VALUE);
    e.id = r.Fixed<32>();
    e.signer = r.Fixed<32>();
    e.height = r.U64();
    e.encoded = r.Blob(1 << 20);
    if (!r.Finish()) return Fail(r.error());
    return e;
}

// ---------------------------------------------------------------- money

int64_t LoadBalance(const StateReader& s, const Address& a, std::string_view currency) {
    return static_cast<int64_t>(LoadCounter(s, keys::Balance(a, currency)));
}

void StoreBalance(Overlay& o, const Address& a, std::string_view currency, int64_t v) {
    if (v == 0) o.Delete(keys::Balance(a, currency));
    else o.Put(keys::Balance(a, currency), EncodeU64(static_cast<uint64_t>(v)));
}

std::optional<Supply> LoadSupply(const StateReader& s, std::string_view currency) {
    return LoadRecord<Supply>(s, keys::Supply(currency), "supply");
}

std::optional<PayoutPrefs> LoadPayoutPrefs(const StateReader& s, const Address& a) {
    return LoadRecord<PayoutPrefs>(s, keys::PayoutPrefs(a), "payout prefs");
}

std::optional<Payout> LoadPayout(const StateReader& s, uint64_t id) {
    return LoadRecord<Payout>(s, keys::Payout(id), "payout");
}

uint64_t LoadPayoutTtl(const StateReader& s) {
    uint64_t ttl = LoadCounter(s, keys::PayoutTtl());
    return ttl ? ttl : DEFAULT_PAYOUT_TTL_MS;
}

uint64_t LoadFxRateValidity(const StateReader& s) {
    auto raw = s.Get(keys::FxRateValidity());
    return raw ? DecodeU64(*raw, "FX rate validity") : FX_RATE_VALIDITY_MS;
}

std::optional<FxRate> LoadLatestRate(const StateReader& s, std::string_view base, std::string_view quote) {
    return LoadRecord<FxRate>(s, keys::FxLatest(base, quote), "fx rate");
}

// ---------------------------------------------------------------- licences and auctions

std::optional<Licence> LoadLicence(const StateReader& s, uint64_t id) {
    return LoadRecord<Licence>(s, keys::Licence(id), "licence");
}

void StoreLicence(Overlay& o, const Licence& l) { o.Put(keys::Licence(l.id), EncodeFields(l)); }

std::vector<uint64_t> LoadWorkLicences(const StateReader& s, uint64_t work) {
    auto raw = s.Get(keys::WorkLicences(work));
    std::vector<uint64_t> out;
    if (!raw) return out;
    Reader r(*raw);
    size_t n = r.Length(1u << 20);
    for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.U64());
    if (!r.Finish()) CorruptStore("work licences");
    return out;
}

void AddWorkLicence(Overlay& o, uint64_t work, uint64_t id) {
    std::vector<uint64_t> ids = LoadWorkLicences(o, work);
    ids.push_back(id);
    Writer w;
    w.Varint(ids.size());
    for (uint64_t x : ids) w.U64(x);
    o.Put(keys::WorkLicences(work), w.Take());
}

std::optional<Auction> LoadAuction(const StateReader& s, uint64_t id) {
    return LoadRecord<Auction>(s, keys::Auction(id), "auction");
}

std::optional<uint64_t> LoadAuctionIdByContract(const StateReader& s, const Address& contract) {
    auto raw = s.Get(keys::AuctionByContract(contract));
    if (!raw) return std::nullopt;
    return DecodeU64(*raw, "auction by contract");
}

// ---------------------------------------------------------------- contracts

bool IsContract(const StateReader& s, const Address& a) { return s.Get(keys::ContractInstance(a)).has_value(); }

std::optional<Hash256> LoadInstanceCodeHash(const StateReader& s, const Address& contract) {
    auto raw = s.Get(keys::ContractInstance(contract));
    if (!raw || raw->size() != 32) return std::nullopt;
    return Hash256::FromView(*raw);
}

std::optional<Address> LoadAttachedContract(const StateReader& s, uint64_t work) {
    auto raw = s.Get(keys::WorkContract(work));
    if (!raw) return std::nullopt;
    if (raw->size() != 32) CorruptStore("attached contract");
    return Address::FromView(*raw);
}

Address RevenueContractOf(const StateReader& s, uint64_t work) {
    return LoadAttachedContract(s, work).value_or(SplitAddress(work));
}

// ---------------------------------------------------------------- fan tokens

std::optional<SetAmlLimit> LoadAmlLimit(const StateReader& s, std::string_view currency) {
    return LoadRecord<SetAmlLimit>(s, keys::AmlLimit(currency), "AML limit");
}
AmlRolling LoadAmlRolling(const StateReader& s, const Address& a, std::string_view currency) {
    return LoadRecord<AmlRolling>(s, keys::AmlRolling(a, currency), "AML rolling sum").value_or(AmlRolling{});
}
std::optional<AmlHold> LoadAmlHold(const StateReader& s, uint64_t id) { return LoadRecord<AmlHold>(s, keys::AmlHold(id), "AML hold"); }
std::optional<Sanction> LoadSanctionedAccount(const StateReader& s, const Address& a) {
    return LoadRecord<Sanction>(s, keys::SanctionedAccount(a), "sanction");
}
std::optional<Sanction> LoadSanctionedCountry(const StateReader& s, std::string_view country) {
    return LoadRecord<Sanction>(s, keys::SanctionedCountry(country), "sanction");
}

std::optional<FanToken> LoadFanToken(const StateReader& s, uint64_t id) {
    return LoadRecord<FanToken>(s, keys::FanToken(id), "fan token");
}

std::optional<uint64_t> LoadFanTokenIdBySymbol(const StateReader& s, std::string_view symbol) {
    auto raw = s.Get(keys::FanTokenBySymbol(symbol));
    if (!raw) return std::nullopt;
    return DecodeU64(*raw, "fan token by symbol");
}

std::vector<uint64_t> LoadIdList(const StateReader& s, const Bytes& key, std::string_view what) {
    auto raw = s.Get(key);
    std::vector<uint64_t> out;
    if (!raw) return out;
    Reader r(*raw);
    size_t n = r.Length(1u << 20);
    for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.U64());
    if (!r.Finish()) CorruptStore(what);
    return out;
}

void AppendIdList(Overlay& o, const Bytes& key, uint64_t id) {
    std::vector<uint64_t> ids = LoadIdList(o, key, "id list");
    ids.push_back(id);
    Writer w;
    w.Varint(ids.size());
    for (uint64_t x : ids) w.U64(x);
    o.Put(key, w.Take());
}

FanHolding LoadFanHolding(const StateReader& s, uint64_t id, const Address& holder) {
    return LoadRecord<FanHolding>(s, keys::FanHolding(id, holder), "fan token holding").value_or(FanHolding{});
}

void StoreFanHolding(Overlay& o, uint64_t id, const Address& holder, const FanHolding& h) {
    if (h.amount == 0) o.Delete(keys::FanHolding(id, holder));
    else o.Put(keys::FanHolding(id, holder), EncodeFields(h));
}

// ---------------------------------------------------------------- NFTs

std::optional<NftCollection> LoadCollection(const StateReader& s, uint64_t work) {
    return LoadRecord<NftCollection>(s, keys::NftCollection(work), "nft collection");
}

std::optional<Nft> LoadNft(const StateReader& s, uint64_t token) { return LoadRecord<Nft>(s, keys::Nft(token), "nft"); }

uint64_t LoadNftHoldings(const StateReader& s, const Address& owner, uint64_t work) {
    return LoadCounter(s, keys::NftHoldings(owner, work));
}

uint64_t LoadNftSaleCount(const StateReader& s, uint64_t work) { return LoadCounter(s, keys::NftSaleCount(work)); }

std::optional<NftSale> LoadNftSale(const StateReader& s, uint64_t work, uint64_t index) {
    return LoadRecord<NftSale>(s, keys::NftSale(work, index), "nft sale");
}

std::optional<Address> LoadPlatform(const StateReader& s) {
    auto raw = s.Get(keys::Platform());
    if (!raw || raw->size() != 32) return std::nullopt;
    return Address::FromView(*raw);
}

}  // namespace folio::state
