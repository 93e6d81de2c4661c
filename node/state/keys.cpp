#include <node/state/keys.h>

#include <node/protocol/certificate.h>

namespace folio::state::keys {

namespace {
Bytes Key(std::string_view prefix, ByteView a = {}, ByteView b = {}) {
    Bytes k(prefix.begin(), prefix.end());
    k.insert(k.end(), a.begin(), a.end());
    k.insert(k.end(), b.begin(), b.end());
    return k;
}
}  // namespace

Bytes Account(const Address& a) { return Key("a/", a.view()); }
Bytes Work(uint64_t id) { return Key("w/", BigEndian64(id)); }
Bytes WorkByFingerprint(const Hash256& fp) { return Key("wf/", fp.view()); }
Bytes WorkByIdentifier(std::string_view scheme, std::string_view canonical) {
    return Key("wi/" + std::string(scheme) + "/", AsBytes(canonical));
}
Bytes NextWorkId() { return Key("m/next_work_id"); }
Bytes SharesVersion(uint64_t work) { return Key("wsv/", BigEndian64(work)); }
Bytes Proposal(const Hash256& id) { return Key("p/", id.view()); }
Bytes GovMembers() { return Key("g/members"); }
Bytes GovThreshold() { return Key("g/threshold"); }
Bytes Evidence(const Hash256& id) { return Key("ev/", id.view()); }
Bytes Validators() { return Key("v/current"); }
Bytes ValidatorsOfEpoch(uint64_t epoch) { return protocol::ValidatorSetKey(epoch); }
Bytes PendingValidators() { return Key("v/pending"); }

Bytes Balance(const Address& a, std::string_view currency) { return Key(BALANCE_PREFIX, a.view(), AsBytes(currency)); }
Bytes Supply(std::string_view currency) { return Key(SUPPLY_PREFIX, AsBytes(currency)); }
Bytes DepositRef(const Address& gateway, std::string_view reference) {
    return Key("dr/", gateway.view(), AsBytes(reference));
}
Bytes PayoutPrefs(const Address& a) { return Key("pp/", a.view()); }
Bytes Payout(uint64_t id) { return Key(PAYOUT_PREFIX, BigEndian64(id)); }
Bytes NextPayoutId() { return Key("m/next_payout_id"); }
Bytes PayoutTtl() { return Key("m/payout_ttl"); }
Bytes FxRateValidity() { return Key("m/fx_rate_validity"); }
Bytes PayoutExpiryCount(uint64_t minute) { return Key("pxn/", BigEndian64(minute)); }
Bytes PayoutExpiryEntry(uint64_t minute, uint64_t index) { return Key("pxe/", BigEndian64(minute), BigEndian64(index)); }
Bytes PayoutExpiryCursor() { return Key("m/payout_expiry"); }
Bytes FxLatest(std::string_view base, std::string_view quote) { return Key("fx/", AsBytes(base), AsBytes(quote)); }
Bytes FxRate(uint64_t id) { return Key("fxr/", BigEndian64(id)); }
Bytes NextFxId() { return Key("m/next_fx_id"); }

Bytes Licence(uint64_t id) { return Key("l/", BigEndian64(id)); }
Bytes WorkLicences(uint64_t work) { return Key("wl/", BigEndian64(work)); }
Bytes Sublicences(uint64_t licence) { return Key("ls/", BigEndian64(licence)); }
Bytes NextLicenceId() { return Key("m/next_licence_id"); }
Bytes Auction(uint64_t id) { return Key("au/", BigEndian64(id)); }
Bytes AuctionByContract(const Address& contract) { return Key("auc/", contract.view()); }
Bytes NextAuctionId() { return Key("m/next_auction_id"); }

Bytes Template(const Hash256& code_hash) { return Key("ct/", code_hash.view()); }
Bytes ContractInstance(const Address& contract) { return Key("ci/", contract.view()); }
Bytes ContractStorage(const Address& contract, ByteView key) { return Key("cs/", contract.view(), key); }
Bytes TemplateInfo(const Hash256& code_hash) { return Key("ctm/", code_hash.view()); }
Bytes TemplateByName(std::string_view name) { return Key("ctn/", AsBytes(name)); }
Bytes WorkContract(uint64_t work) { return Key("wc/", BigEndian64(work)); }
Bytes WorkRecoupment(uint64_t work) { return Key("wr/", BigEndian64(work)); }

Bytes NftCollection(uint64_t work) { return Key("nc/", BigEndian64(work)); }
Bytes Nft(uint64_t token) { return Key("nt/", BigEndian64(token)); }
Bytes NftHoldings(const Address& owner, uint64_t work) { return Key("nh/", owner.view(), BigEndian64(work)); }
Bytes NftSale(uint64_t work, uint64_t index) { return Key("ns/", BigEndian64(work), BigEndian64(index)); }
Bytes NftSaleCount(uint64_t work) { return Key("nsn/", BigEndian64(work)); }
Bytes NextTokenId() { return Key("m/next_token_id"); }
Bytes Platform() { return Key("m/platform"); }

Bytes FanToken(uint64_t id) { return Key(FAN_TOKEN_PREFIX, BigEndian64(id)); }
Bytes FanTokenBySymbol(std::string_view symbol) { return Key("fts/", AsBytes(symbol)); }
Bytes FanTokensOfWork(uint64_t work) { return Key("ftw/", BigEndian64(work)); }
Bytes FanTokensOfIssuer(const Address& issuer) { return Key("fti/", issuer.view()); }
Bytes FanHolding(uint64_t id, const Address& holder) { return Key(FAN_HOLDING_PREFIX, BigEndian64(id), holder.view()); }
Bytes NextFanTokenId() { return Key("m/next_fan_token_id"); }

Bytes AmlLimit(std::string_view currency) { return Key(AML_LIMIT_PREFIX, AsBytes(currency)); }
Bytes AmlRolling(const Address& a, std::string_view currency) { return Key("amr/", a.view(), AsBytes(currency)); }
Bytes AmlHold(uint64_t id) { return Key(AML_HOLD_PREFIX, BigEndian64(id)); }
Bytes NextAmlHoldId() { return Key("m/next_aml_hold_id"); }
Bytes SanctionedAccount(const Address& a) { return Key("san/a/", a.view()); }
Bytes SanctionedCountry(std::string_view country) { return Key("san/c/", AsBytes(country)); }
Bytes SanctionCount() { return Key("m/sanctions"); }

}  // namespace folio::state::keys
