#include <node/state/settlement.h>

#include <node/core/amount.h>
#include <node/core/hash.h>
#include <vm/abi.h>
#include <vm/asm/assembler.h>
#include <vm/code.h>
#include <vm/deploy.h>
#include <vm/vm.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <mutex>

#include "standard_contracts.inc"  // generated: REVENUE_SPLIT_SRC, TAX_WITHHOLDING_SRC, AUCTION_SRC

namespace folio::state {

namespace {

[[noreturn]] void CorruptRecord() {
    assert(false && "corrupted state record");
    __builtin_trap();
}

template <class T>
std::optional<T> LoadRecord(const StateReader& s, const Bytes& key) {
    auto raw = s.Get(key);
    if (!raw) return std::nullopt;
    auto v = DecodeFields<T>(*raw);
    if (!v) CorruptRecord();
    return std::move(v.value());
}

Bytes U64Bytes(uint64_t v) {
    Writer w;
    w.U64(v);
    return w.Take();
}

uint64_t LoadCounter(const StateReader& s, const Bytes& key) {
    auto raw = s.Get(key);
    if (!raw) return 0;
    Reader r(*raw);
    uint64_t v = r.U64();
    if (!r.Finish()) CorruptRecord();
    return v;
}

// Next id from a counter starting at 1.
uint64_t NextId(Overlay& o, const Bytes& key) {
    uint64_t id = LoadCounter(o, key);
    if (id == 0) id = 1;
    o.Put(key, U64Bytes(id + 1));
    return id;
}

Bytes Key(std::string_view prefix, ByteView rest = {}) {
    Bytes k(prefix.begin(), prefix.end());
    k.insert(k.end(), rest.begin(), rest.end());
    return k;
}
Bytes Cat(ByteView a, ByteView b) {
    Bytes out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}


std::string CurrencyText(vm::CurrencyCode c) {
    std::string s(3, '\0');
    s[0] = static_cast<char>(c & 0xff);
    s[1] = static_cast<char>((c >> 8) & 0xff);
    s[2] = static_cast<char>((c >> 16) & 0xff);
    if ((c >> 24) != 0) return {};
    return s;
}

int64_t PackCountry(std::string_view cc) {
    if (cc.size() != 2) return 0;
    return static_cast<int64_t>(static_cast<uint8_t>(cc[0])) | static_cast<int64_t>(static_cast<uint8_t>(cc[1])) << 8;
}
int64_t PackCurrencyText(std::string_view c) {
    return c.size() == 3 ? static_cast<int64_t>(vm::PackCurrency(c[0], c[1], c[2])) : 0;
}

Bytes Le64(int64_t v) {
    Bytes b(8);
    auto u = static_cast<uint64_t>(v);
    for (size_t i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(u >> (8 * i));
    return b;
}

}  // namespace

// ---------------------------------------------------------------- addresses and templates

const char* StandardContractName(StandardContract c) {
    switch (c) {
        case StandardContract::REVENUE_SPLIT: return "revenue_split";
        case StandardContract::TAX_WITHHOLDING: return "tax_withholding";
        case StandardContract::AUCTION: return "auction";
    }
    return "unknown";
}

namespace {
struct Templates {
    Bytes code[3];
    Hash256 hash[3];
    Templates() {
        std::string_view src[3] = {REVENUE_SPLIT_SRC, TAX_WITHHOLDING_SRC, AUCTION_SRC};
        for (size_t i = 0; i < 3; ++i) {
            auto r = vm::Assemble(src[i]);
            if (r) {
                code[i] = std::move(r.value());
                hash[i] = vm::CodeHash(code[i]);
            }
        }
    }
};
const Templates& GetTemplates() {
    static const Templates t;  // thread-safe initialisation
    return t;
}
}  // namespace

const Bytes& StandardCode(StandardContract c) { return GetTemplates().code[static_cast<size_t>(c)]; }
Hash256 StandardCodeHash(StandardContract c) { return GetTemplates().hash[static_cast<size_t>(c)]; }

// ---------------------------------------------------------------- keys

namespace keys {
Bytes Balance(const Address& a, std::string_view currency) { return Key("b/", Cat(a.view(), AsBytes(currency))); }
Bytes Supply(std::string_view currency) { return Key("sup/", AsBytes(currency)); }
Bytes DepositRef(const Address& gateway, std::string_view reference) {
    return Key("dr/", Cat(gateway.view(), AsBytes(reference)));
}
Bytes PayoutPrefs(const Address& a) { return Key("pp/", a.view()); }
Bytes Payout(uint64_t id) { return Key("po/", BigEndian64(id)); }
Bytes NextPayoutId() { return Key("m/next_payout_id"); }
Bytes PayoutTtl() { return Key("m/payout_ttl"); }
Bytes FxLatest(std::string_view base, std::string_view quote) {
    return Key("fx/", Cat(AsBytes(base), AsBytes(quote)));
}
Bytes FxRate(uint64_t id) { return Key("fxr/", BigEndian64(id)); }
Bytes NextFxId() { return Key("m/next_fx_id"); }
Bytes Licence(uint64_t id) { return Key("l/", BigEndian64(id)); }
Bytes WorkLicences(uint64_t work) { return Key("wl/", BigEndian64(work)); }
Bytes NextLicenceId() { return Key("m/next_licence_id"); }
Bytes Auction(uint64_t id) { return Key("au/", BigEndian64(id)); }
Bytes AuctionByContract(const Address& contract) { return Key("auc/", contract.view()); }
Bytes NextAuctionId() { return Key("m/next_auction_id"); }
Bytes ContractInstance(const Address& contract) { return Key("ci/", contract.view()); }
Bytes ContractStorage(const Address& contract, ByteView key) { return Key("cs/", Cat(contract.view(), key)); }
Bytes SharesVersion(uint64_t work) { return Key("wsv/", BigEndian64(work)); }
Bytes NftCollection(uint64_t work) { return Key("nc/", BigEndian64(work)); }
Bytes Nft(uint64_t token) { return Key("nt/", BigEndian64(token)); }
Bytes NftHoldings(const Address& owner, uint64_t work) { return Key("nh/", Cat(owner.view(), BigEndian64(work))); }
Bytes NextTokenId() { return Key("m/next_token_id"); }
Bytes Platform() { return Key("m/platform"); }
}  // namespace keys

// ---------------------------------------------------------------- typed reads

int64_t LoadBalance(const StateReader& s, const Address& a, std::string_view currency) {
    return static_cast<int64_t>(LoadCounter(s, keys::Balance(a, currency)));
}
std::optional<PayoutPrefs> LoadPayoutPrefs(const StateReader& s, const Address& a) {
    return LoadRecord<PayoutPrefs>(s, keys::PayoutPrefs(a));
}
std::optional<Payout> LoadPayout(const StateReader& s, uint64_t id) { return LoadRecord<Payout>(s, keys::Payout(id)); }
std::optional<FxRate> LoadLatestRate(const StateReader& s, std::string_view base, std::string_view quote) {
    return LoadRecord<FxRate>(s, keys::FxLatest(base, quote));
}
std::optional<Licence> LoadLicence(const StateReader& s, uint64_t id) { return LoadRecord<Licence>(s, keys::Licence(id)); }
std::vector<uint64_t> LoadWorkLicences(const StateReader& s, uint64_t work) {
    auto raw = s.Get(keys::WorkLicences(work));
    std::vector<uint64_t> out;
    if (!raw) return out;
    Reader r(*raw);
    size_t n = r.Length(1u << 20);
    for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.U64());
    if (!r.Finish()) CorruptRecord();
    return out;
}
std::optional<Auction> LoadAuction(const StateReader& s, uint64_t id) { return LoadRecord<Auction>(s, keys::Auction(id)); }
std::optional<Supply> LoadSupply(const StateReader& s, std::string_view currency) {
    return LoadRecord<Supply>(s, keys::Supply(currency));
}
bool IsContract(const StateReader& s, const Address& a) { return s.Get(keys::ContractInstance(a)).has_value(); }
uint64_t LoadSharesVersion(const StateReader& s, uint64_t work) { return LoadCounter(s, keys::SharesVersion(work)); }
std::optional<NftCollection> LoadCollection(const StateReader& s, uint64_t work) {
    return LoadRecord<NftCollection>(s, keys::NftCollection(work));
}
std::optional<Nft> LoadNft(const StateReader& s, uint64_t token) { return LoadRecord<Nft>(s, keys::Nft(token)); }
uint64_t LoadNftHoldings(const StateReader& s, const Address& owner, uint64_t work) {
    return LoadCounter(s, keys::NftHoldings(owner, work));
}
std::optional<Address> LoadPlatform(const StateReader& s) {
    auto raw = s.Get(keys::Platform());
    if (!raw || raw->size() != 32) return std::nullopt;
    return Address::FromView(*raw);
}

namespace {

void StoreBalance(Overlay& o, const Address& a, std::string_view cur, int64_t v) {
    if (v == 0) o.Delete(keys::Balance(a, cur));
    else o.Put(keys::Balance(a, cur), U64Bytes(static_cast<uint64_t>(v)));
}

void StoreLicence(Overlay& o, const Licence& l) { o.Put(keys::Licence(l.id), EncodeFields(l)); }

void AddWorkLicence(Overlay& o, uint64_t work, uint64_t id) {
    std::vector<uint64_t> ids = LoadWorkLicences(o, work);
    ids.push_back(id);
    Writer w;
    w.Varint(ids.size());
    for (uint64_t x : ids) w.U64(x);
    o.Put(keys::WorkLicences(work), w.Take());
}

std::string Dec(uint64_t v) { return std::to_string(v); }

}  // namespace

// ---------------------------------------------------------------- queries

LicenceAnswer CheckLicence(const StateReader& s, uint64_t work, const Address& licensee, std::string_view territory,
                           uint32_t right, uint64_t at_ms) {
    LicenceAnswer a;
    if (!LoadWork(s, work)) {
        a.reason = "no work " + Dec(work);
        return a;
    }
    if (!IsCountry(territory)) {
        a.reason = "unknown territory '" + std::string(territory) + "'";
        return a;
    }
    bool any_for_licensee = false;
    for (uint64_t id : LoadWorkLicences(s, work)) {
        auto l = LoadLicence(s, id);
        if (!l || l->status != LicenceStatus::ACTIVE || l->licensee != licensee) continue;
        any_for_licensee = true;
        if ((l->terms.rights & right) == 0) continue;
        if (at_ms < l->terms.start_ms || at_ms >= l->terms.end_ms) continue;
        if (!Covers(l->terms, territory)) continue;
        a.allowed = true;
        a.licence = std::move(*l);
        return a;
    }
    if (right == RIGHT_VIEW && LoadNftHoldings(s, licensee, work) > 0) {
        auto col = LoadCollection(s, work);
        if (col && col->viewing_right) {
            a.allowed = true;
            a.via_nft = true;
            return a;
        }
    }
    a.reason = any_for_licensee ? "no licence of work " + Dec(work) + " held by this licensee covers that territory, right and time"
                                : "the licensee holds no active licence of work " + Dec(work);
    return a;
}

std::optional<uint64_t> FindConflict(const StateReader& s, uint64_t work, const LicenceTerms& terms, uint64_t now_ms,
                                     uint64_t ignore_id) {
    for (uint64_t id : LoadWorkLicences(s, work)) {
        if (id == ignore_id) continue;
        auto l = LoadLicence(s, id);
        if (!l) continue;
        if (l->status != LicenceStatus::ACTIVE && l->status != LicenceStatus::OFFERED &&
            l->status != LicenceStatus::RESERVED)
            continue;
        if (l->terms.end_ms <= now_ms) continue;
        if (!l->terms.exclusive && !terms.exclusive) continue;
        if (Overlaps(l->terms, terms)) return id;
    }
    return std::nullopt;
}


// ---------------------------------------------------------------- LedgerHost

void LedgerHost::Put(Bytes key, std::optional<Bytes> value) {
    m_journal.emplace_back(key, m_o.PeekWrite(key));
    if (value) m_o.Put(std::move(key), std::move(*value));
    else m_o.Delete(std::move(key));
}

uint64_t LedgerHost::Snapshot() {
    m_marks.push_back(Mark{m_journal.size(), m_events.size(), m_credited.size()});
    return m_marks.size() - 1;
}

void LedgerHost::Revert(uint64_t snapshot) {
    if (snapshot >= m_marks.size()) return;
    Mark m = m_marks[snapshot];
    while (m_journal.size() > m.journal) {
        auto& [key, old] = m_journal.back();
        m_o.RestoreWrite(key, old);
        m_journal.pop_back();
    }
    m_events.resize(std::min(m_events.size(), m.events), EvThresholdSet{0});
    m_credited.resize(std::min(m_credited.size(), m.credited));
    m_marks.resize(snapshot);
}

std::optional<Bytes> LedgerHost::StorageGet(const Address& contract, ByteView key) {
    return m_o.Get(keys::ContractStorage(contract, key));
}

void LedgerHost::StoragePut(const Address& contract, ByteView key, ByteView value) {
    if (value.empty()) Put(keys::ContractStorage(contract, key), std::nullopt);
    else Put(keys::ContractStorage(contract, key), Bytes(value.begin(), value.end()));
}

int64_t LedgerHost::Balance(const Address& account, vm::CurrencyCode currency) {
    std::string cur = CurrencyText(currency);
    if (cur.empty() || !FindCurrency(cur)) return 0;
    return LoadBalance(m_o, account, cur);
}

vm::HostStatus LedgerHost::Transfer(const vm::CallContext& ctx, const Address& from, const Address& to,
                                    vm::CurrencyCode currency, int64_t amount) {
    std::string cur = CurrencyText(currency);
    if (cur.empty() || !FindCurrency(cur) || amount <= 0 || amount > MAX_AMOUNT) return vm::HostStatus::BAD_ARGS;
    // Who may be debited: the running contract itself, or the signer when it called this contract
    // directly (a bid escrowed from the bidder).
    bool allowed = from == ctx.self || (from == ctx.origin && ctx.caller == ctx.origin && ctx.depth == 0);
    if (!allowed) return vm::HostStatus::REFUSED;
    if (!IsContract(m_o, from) && LoadAccount(m_o, from).frozen) return vm::HostStatus::REFUSED;
    int64_t fb = LoadBalance(m_o, from, cur);
    if (fb < amount) return vm::HostStatus::INSUFFICIENT_FUNDS;
    if (from == to) return vm::HostStatus::OK;
    int64_t tb = LoadBalance(m_o, to, cur);
    if (tb > MAX_AMOUNT - amount) return vm::HostStatus::REFUSED;
    Put(keys::Balance(from, cur), fb - amount == 0 ? std::nullopt : std::optional<Bytes>(U64Bytes(static_cast<uint64_t>(fb - amount))));
    Put(keys::Balance(to, cur), U64Bytes(static_cast<uint64_t>(tb + amount)));
    if (!IsContract(m_o, to)) m_credited.emplace_back(to, cur);
    return vm::HostStatus::OK;
}

vm::HostStatus LedgerHost::Invoke(const vm::CallContext& ctx, vm::HostFn fn, ByteView args, Bytes& out) {
    switch (static_cast<uint8_t>(fn)) {
        case static_cast<uint8_t>(vm::HostFn::ACCOUNT_INFO): {
            if (args.size() != 32) return vm::HostStatus::BAD_ARGS;
            Account a = LoadAccount(m_o, Address::FromView(args));
            out.clear();
            out.push_back(static_cast<uint8_t>(a.kyc));
            if (a.residency.size() == 2) {
                out.push_back(static_cast<uint8_t>(a.residency[0]));
                out.push_back(static_cast<uint8_t>(a.residency[1]));
            } else {
                out.push_back(0);
                out.push_back(0);
            }
            return vm::HostStatus::OK;
        }
        case static_cast<uint8_t>(vm::HostFn::LICENCE_GET): {
            if (args.size() != 8) return vm::HostStatus::BAD_ARGS;
            uint64_t id = 0;
            for (size_t i = 0; i < 8; ++i) id |= static_cast<uint64_t>(args[i]) << (8 * i);
            auto l = LoadLicence(m_o, id);
            if (!l) return vm::HostStatus::NOT_FOUND;
            out = EncodeFields(*l);
            return vm::HostStatus::OK;
        }
        case static_cast<uint8_t>(vm::HostFn::LICENCE_ISSUE):
        case static_cast<uint8_t>(vm::HostFn::LICENCE_RELEASE): {
            // Only an auction instance may issue or release, and only the licence reserved for it.
            auto raw = m_o.Get(keys::AuctionByContract(ctx.self));
            if (!raw) return vm::HostStatus::REFUSED;
            Reader r(*raw);
            uint64_t auction_id = r.U64();
            if (!r.Finish()) CorruptRecord();
            auto auction = LoadAuction(m_o, auction_id);
            if (!auction) return vm::HostStatus::REFUSED;
            auto l = LoadLicence(m_o, auction->licence);
            if (!l || l->status != LicenceStatus::RESERVED) return vm::HostStatus::REFUSED;
            if (fn == vm::HostFn::LICENCE_ISSUE) {
                if (args.size() != 40) return vm::HostStatus::BAD_ARGS;
                if (!std::equal(args.begin() + 32, args.end(), Le64(static_cast<int64_t>(l->id)).begin()))
                    return vm::HostStatus::BAD_ARGS;
                l->licensee = Address::FromView(args.subspan(0, 32));
                l->status = LicenceStatus::ACTIVE;
                out = Le64(static_cast<int64_t>(l->id));
            } else {
                if (!args.empty()) return vm::HostStatus::BAD_ARGS;
                l->status = LicenceStatus::RELEASED;
                out.clear();
            }
            Put(keys::Licence(l->id), EncodeFields(*l));
            m_events.push_back(EvLicence{l->id, l->work, l->licensee, l->status});
            return vm::HostStatus::OK;
        }
        case static_cast<uint8_t>(vm::HostFn::NFT_OWNER): {
            if (args.size() != 8) return vm::HostStatus::BAD_ARGS;
            uint64_t id = 0;
            for (size_t i = 0; i < 8; ++i) id |= static_cast<uint64_t>(args[i]) << (8 * i);
            auto n = LoadNft(m_o, id);
            if (!n || n->burned) return vm::HostStatus::NOT_FOUND;
            out.assign(n->owner.view().begin(), n->owner.view().end());
            return vm::HostStatus::OK;
        }
        default: return vm::HostStatus::NOT_FOUND;  // NFT_TRANSFER by contracts is not offered yet
    }
}

void LedgerHost::Emit(const Address& contract, ByteView topic, ByteView data) {
    m_events.push_back(EvContract{contract, Bytes(topic.begin(), topic.end()), Bytes(data.begin(), data.end())});
}

vm::BlockInfo LedgerHost::Block() {
    return vm::BlockInfo{static_cast<int64_t>(m_ctx.height), static_cast<int64_t>(m_ctx.time_ms)};
}

namespace {
// Validated code per hash, shared by all hosts (validation is deterministic; the cache only saves
// time).
vm::CodePtr CachedCode(const Hash256& hash, const StateReader& s) {
    static std::mutex mu;
    static std::map<Hash256, vm::CodePtr> cache;
    {
        std::lock_guard lock(mu);
        auto it = cache.find(hash);
        if (it != cache.end()) return it->second;
    }
    auto raw = s.Get(keys::Template(hash));
    if (!raw) return nullptr;
    auto code = vm::Validate(*raw);
    if (!code) return nullptr;
    std::lock_guard lock(mu);
    cache.emplace(hash, code.value());
    return code.value();
}
}  // namespace

vm::CodePtr LedgerHost::ContractCode(const Address& contract) {
    auto raw = m_o.Get(keys::ContractInstance(contract));
    if (!raw || raw->size() != 32) return nullptr;
    return CachedCode(Hash256::FromView(*raw), m_o);
}

vm::HostStatus LedgerHost::CreateContract(const Address& contract, const Hash256& code_hash) {
    if (!m_o.Get(keys::Template(code_hash))) return vm::HostStatus::NOT_FOUND;
    if (m_o.Get(keys::ContractInstance(contract))) return vm::HostStatus::REFUSED;
    Put(keys::ContractInstance(contract), Bytes(code_hash.view().begin(), code_hash.view().end()));
    return vm::HostStatus::OK;
}

// ---------------------------------------------------------------- checks

namespace {

Unexpected<Rejection> Rej(Reject code, std::string msg) { return Fail(Rejection{code, std::move(msg)}); }
Unexpected<TxFailure> TxFail(std::string code, std::string msg) { return Fail(TxFailure{std::move(code), std::move(msg)}); }

bool PrintableAscii(const std::string& s, size_t max) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

Status<Rejection> CheckMoney(const std::string& currency, int64_t amount, bool allow_zero = false) {
    if (!FindCurrency(currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + currency + "'");
    if (amount < 0 || amount > MAX_AMOUNT || (amount == 0 && !allow_zero))
        return Rej(Reject::INVALID_FIELD, std::string("amount must be ") + (allow_zero ? "0" : "1") + ".." +
                                              std::to_string(MAX_AMOUNT) + " minor units");
    return Ok{};
}

Status<Rejection> CheckTerms(const LicenceTerms& t) {
    std::string err = CheckLicenceTerms(t);
    if (!err.empty()) return Rej(Reject::INVALID_FIELD, err);
    return Ok{};
}

Status<Rejection> CheckShares(const std::vector<Share>& owners) {
    if (owners.empty() || owners.size() > MAX_OWNERS) return Rej(Reject::INVALID_FIELD, "1..32 owners required");
    uint32_t total = 0;
    for (size_t i = 0; i < owners.size(); ++i) {
        if (i > 0 && !(owners[i - 1].owner < owners[i].owner))
            return Rej(Reject::INVALID_FIELD, "owners must be sorted by address and unique");
        if (owners[i].bps == 0) return Rej(Reject::INVALID_FIELD, "owner share must be > 0 bps");
        if (!IsValidPublicKey(owners[i].owner)) return Rej(Reject::INVALID_FIELD, "owner is not a valid address");
        total += owners[i].bps;
    }
    if (total != BPS_TOTAL) return Rej(Reject::INVALID_FIELD, "owner shares sum to " + std::to_string(total) + " bps, must be 10000");
    return Ok{};
}

Status<Rejection> NeedRole(const Account& a, Role r) {
    if (!HasRole(a.roles, r)) return Rej(Reject::MISSING_PERMISSION, std::string("missing permission: role '") + RoleName(r) + "' required");
    return Ok{};
}

bool IsOwner(const Work& w, const Address& a) {
    return std::any_of(w.owners.begin(), w.owners.end(), [&](const Share& s) { return s.owner == a; });
}

Status<Rejection> PayoutAnswerable(const StateReader& s, uint64_t id, uint64_t time_ms, const Address* gateway) {
    auto p = LoadPayout(s, id);
    if (!p) return Rej(Reject::NOT_FOUND, "no payout " + Dec(id));
    if (gateway && p->gateway != *gateway)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only payout " + Dec(id) + "'s gateway may answer it");
    switch (p->status) {
        case PayoutStatus::CONFIRMED:
            return Rej(Reject::PAYOUT_ALREADY_CONFIRMED, "payout " + Dec(id) + " was already confirmed (reference '" + p->note + "')");
        case PayoutStatus::FAILED:
            return Rej(Reject::PAYOUT_ALREADY_FAILED, "payout " + Dec(id) + " already failed (" + p->note + ")");
        case PayoutStatus::EXPIRED: return Rej(Reject::PAYOUT_ALREADY_EXPIRED, "payout " + Dec(id) + " already expired");
        case PayoutStatus::PENDING: break;
    }
    if (gateway && time_ms > p->expires_ms)
        return Rej(Reject::PAYOUT_ALREADY_EXPIRED, "payout " + Dec(id) + " expired at " + Dec(p->expires_ms) + " ms; it can only be expired now");
    if (!gateway && time_ms <= p->expires_ms)
        return Rej(Reject::INVALID_FIELD, "payout " + Dec(id) + " does not expire before " + Dec(p->expires_ms) + " ms");
    return Ok{};
}

}  // namespace

bool IsSettlementKind(TxKind k) { return static_cast<uint8_t>(k) >= static_cast<uint8_t>(TxKind::DEPOSIT); }

Status<Rejection> CheckSettlementStateless(const Transaction& tx) {
    return std::visit(
        [&](const auto& b) -> Status<Rejection> {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, DepositTx>) {
                if (auto st = CheckMoney(b.currency, b.amount); !st) return st;
                if (!PrintableAscii(b.reference, 64)) return Rej(Reject::INVALID_FIELD, "reference must be 1..64 printable ASCII characters");
                if (!IsValidPublicKey(b.to)) return Rej(Reject::INVALID_FIELD, "'to' is not a valid address");
            } else if constexpr (std::is_same_v<T, SetPayoutPrefsTx>) {
                if (auto st = CheckMoney(b.currency, b.threshold, true); !st) return st;
            } else if constexpr (std::is_same_v<T, WithdrawTx> || std::is_same_v<T, TransferTx>) {
                if (auto st = CheckMoney(b.currency, b.amount); !st) return st;
                if constexpr (std::is_same_v<T, TransferTx>)
                    if (!IsValidPublicKey(b.to)) return Rej(Reject::INVALID_FIELD, "'to' is not a valid address");
            } else if constexpr (std::is_same_v<T, PayoutConfirmTx>) {
                if (!PrintableAscii(b.reference, 128)) return Rej(Reject::INVALID_FIELD, "reference must be 1..128 printable ASCII characters");
            } else if constexpr (std::is_same_v<T, PayoutFailTx>) {
                if (!PrintableAscii(b.reason, 256)) return Rej(Reject::INVALID_FIELD, "reason must be 1..256 printable ASCII characters");
            } else if constexpr (std::is_same_v<T, SetKycTx>) {
                if (static_cast<uint8_t>(b.status) > 2) return Rej(Reject::INVALID_FIELD, "unknown KYC status");
                if (!IsCountry(b.residency)) return Rej(Reject::INVALID_FIELD, "residency must be an ISO 3166-1 alpha-2 code");
                if (!IsValidPublicKey(b.account)) return Rej(Reject::INVALID_FIELD, "account is not a valid address");
            } else if constexpr (std::is_same_v<T, PostFxRateTx>) {
                if (!FindCurrency(b.base) || !FindCurrency(b.quote) || b.base == b.quote)
                    return Rej(Reject::INVALID_FIELD, "a rate needs two different known currencies");
                if (b.num == 0 || b.den == 0 || b.num > static_cast<uint64_t>(MAX_AMOUNT) || b.den > static_cast<uint64_t>(MAX_AMOUNT))
                    return Rej(Reject::INVALID_FIELD, "rate numerator and denominator must be 1..10^18");
            } else if constexpr (std::is_same_v<T, GrantLicenceTx>) {
                if (!IsValidPublicKey(b.licensee)) return Rej(Reject::INVALID_FIELD, "licensee is not a valid address");
                return CheckTerms(b.terms);
            } else if constexpr (std::is_same_v<T, ReportRevenueTx>) {
                if (!FindCurrency(b.currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + b.currency + "'");
                if (b.gross > 0) {
                    if (b.amount != 0 || b.licence == 0)
                        return Rej(Reject::INVALID_FIELD, "a gross figure needs a licence and no amount");
                    if (b.gross > MAX_AMOUNT) return Rej(Reject::INVALID_FIELD, "gross out of range");
                } else if (auto st = CheckMoney(b.currency, b.amount); !st) {
                    return st;
                }
                if (!b.territory.empty() && !IsCountry(b.territory)) return Rej(Reject::INVALID_FIELD, "unknown territory '" + b.territory + "'");
                if (b.period.size() > 64) return Rej(Reject::INVALID_FIELD, "period too long");
            } else if constexpr (std::is_same_v<T, ReportPoolTx>) {
                if (auto st = CheckMoney(b.currency, b.pool); !st) return st;
                if (b.entries.empty() || b.entries.size() > 1000) return Rej(Reject::INVALID_FIELD, "1..1000 pool entries required");
                for (size_t i = 0; i < b.entries.size(); ++i) {
                    if (b.entries[i].seconds == 0 || b.entries[i].seconds > (1ull << 40))
                        return Rej(Reject::INVALID_FIELD, "watch seconds must be 1..2^40");
                    if (i > 0 && b.entries[i - 1].work >= b.entries[i].work)
                        return Rej(Reject::INVALID_FIELD, "pool entries must be sorted by work and unique");
                }
                if (b.promoter_bps > BPS_TOTAL) return Rej(Reject::INVALID_FIELD, "promoter share above 10000 bps");
                if ((b.promoter_bps > 0) != !b.promoter.IsZero()) return Rej(Reject::INVALID_FIELD, "a promoter share needs a promoter and vice versa");
                if (!b.territory.empty() && !IsCountry(b.territory)) return Rej(Reject::INVALID_FIELD, "unknown territory '" + b.territory + "'");
            } else if constexpr (std::is_same_v<T, TransferSharesTx>) {
                return CheckShares(b.owners);
            } else if constexpr (std::is_same_v<T, CreateAuctionTx>) {
                auto k = static_cast<uint8_t>(b.kind);
                if (k < 1 || k > 3) return Rej(Reject::INVALID_FIELD, "unknown auction kind");
                if (!FindCurrency(b.currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + b.currency + "'");
                if (b.end_ms <= b.start_ms) return Rej(Reject::INVALID_FIELD, "the auction must end after it starts");
                if (!b.source.empty() && !IsCountry(b.source)) return Rej(Reject::INVALID_FIELD, "unknown source country");
                if (b.terms.fee_amount != 0 || b.terms.revocable)
                    return Rej(Reject::INVALID_FIELD, "an auctioned licence has no fee and is irrevocable");
                return CheckTerms(b.terms);
            } else if constexpr (std::is_same_v<T, NftMintTx>) {
                if (b.editions == 0 || b.editions > MAX_EDITIONS)
                    return Rej(Reject::INVALID_FIELD, "editions must be 1.." + std::to_string(MAX_EDITIONS));
                if (static_cast<uint32_t>(b.royalty_bps) + b.fee_bps > BPS_TOTAL)
                    return Rej(Reject::INVALID_FIELD, "royalty and fee exceed 10000 bps together");
            } else if constexpr (std::is_same_v<T, NftTransferTx>) {
                if (!IsValidPublicKey(b.to)) return Rej(Reject::INVALID_FIELD, "'to' is not a valid address");
            } else if constexpr (std::is_same_v<T, NftListTx>) {
                if (auto st = CheckMoney(b.currency, b.price); !st) return st;
            } else if constexpr (std::is_same_v<T, NftBuyTx>) {
                if (b.max_price <= 0 || b.max_price > MAX_AMOUNT) return Rej(Reject::INVALID_FIELD, "max_price out of range");
            } else if constexpr (std::is_same_v<T, ContractCallTx>) {
                if (b.gas == 0 || b.gas > MAX_TX_GAS) return Rej(Reject::INVALID_FIELD, "gas must be 1.." + std::to_string(MAX_TX_GAS));
                if (b.input.size() > vm::MAX_ABI_BYTES + 4) return Rej(Reject::INVALID_FIELD, "input too long");
            }
            return Ok{};
        },
        tx.body);
}

Status<Rejection> CheckSettlementAgainstState(const StateReader& s, const Transaction& tx, uint64_t time_ms) {
    Account acct = LoadAccount(s, tx.sender);
    return std::visit(
        [&](const auto& b) -> Status<Rejection> {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, DepositTx>) {
                if (auto st = NeedRole(acct, Role::GATEWAY); !st) return st;
                if (s.Get(keys::DepositRef(tx.sender, b.reference)))
                    return Rej(Reject::DUPLICATE_REFERENCE, "deposit reference '" + b.reference + "' was already used by this gateway");
            } else if constexpr (std::is_same_v<T, SetPayoutPrefsTx>) {
                if (!HasRole(LoadAccount(s, b.gateway).roles, Role::GATEWAY))
                    return Rej(Reject::INVALID_FIELD, "account " + b.gateway.hex() + " is not a gateway");
            } else if constexpr (std::is_same_v<T, PayoutConfirmTx> || std::is_same_v<T, PayoutFailTx>) {
                return PayoutAnswerable(s, b.payout_id, time_ms, &tx.sender);
            } else if constexpr (std::is_same_v<T, PayoutExpireTx>) {
                return PayoutAnswerable(s, b.payout_id, time_ms, nullptr);
            } else if constexpr (std::is_same_v<T, SetKycTx>) {
                return NeedRole(acct, Role::KYC_PROVIDER);
            } else if constexpr (std::is_same_v<T, PostFxRateTx>) {
                return NeedRole(acct, Role::FX_ORACLE);
            } else if constexpr (std::is_same_v<T, GrantLicenceTx> || std::is_same_v<T, CreateAuctionTx>) {
                auto w = LoadWork(s, b.work);
                if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
                if (!IsOwner(*w, tx.sender))
                    return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner of work " + Dec(b.work) + " may license it");
                if (auto c = FindConflict(s, b.work, b.terms, time_ms))
                    return Rej(Reject::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c) + " of work " + Dec(b.work) +
                                                             " (exclusive, overlapping in territory, rights and time)");
            } else if constexpr (std::is_same_v<T, AcceptLicenceTx> || std::is_same_v<T, RevokeLicenceTx>) {
                auto l = LoadLicence(s, b.licence);
                if (!l) return Rej(Reject::NOT_FOUND, "no licence " + Dec(b.licence));
                if constexpr (std::is_same_v<T, AcceptLicenceTx>) {
                    if (l->licensee != tx.sender) return Rej(Reject::MISSING_PERMISSION, "missing permission: only the licensee may accept licence " + Dec(b.licence));
                    if (l->status != LicenceStatus::OFFERED) return Rej(Reject::INVALID_FIELD, "licence " + Dec(b.licence) + " is not an open offer");
                } else {
                    auto w = LoadWork(s, l->work);
                    if (l->licensor != tx.sender && !(w && IsOwner(*w, tx.sender)))
                        return Rej(Reject::MISSING_PERMISSION, "missing permission: only the licensor or an owner may revoke licence " + Dec(b.licence));
                    if (l->status == LicenceStatus::ACTIVE && !l->terms.revocable)
                        return Rej(Reject::INVALID_FIELD, "licence " + Dec(b.licence) + " is irrevocable");
                    if (l->status != LicenceStatus::ACTIVE && l->status != LicenceStatus::OFFERED)
                        return Rej(Reject::INVALID_FIELD, "licence " + Dec(b.licence) + " is " + LicenceStatusName(l->status));
                }
            } else if constexpr (std::is_same_v<T, ReportRevenueTx>) {
                if (!LoadWork(s, b.work)) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
                if (b.licence != 0) {
                    auto l = LoadLicence(s, b.licence);
                    if (!l || l->work != b.work) return Rej(Reject::NOT_FOUND, "no licence " + Dec(b.licence) + " of work " + Dec(b.work));
                    if (l->licensee != tx.sender) return Rej(Reject::MISSING_PERMISSION, "missing permission: licence " + Dec(b.licence) + " is not the sender's");
                }
            } else if constexpr (std::is_same_v<T, ReportPoolTx>) {
                for (const PoolEntry& e : b.entries)
                    if (!LoadWork(s, e.work)) return Rej(Reject::NOT_FOUND, "no work " + Dec(e.work));
            } else if constexpr (std::is_same_v<T, TransferSharesTx>) {
                auto w = LoadWork(s, b.work);
                if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
                if (!IsOwner(*w, tx.sender)) return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner may transfer shares");
                Hash256 digest = TransferSharesDigest(tx.chain_id, b.work, LoadSharesVersion(s, b.work), b.owners);
                for (const Share& owner : w->owners) {
                    if (owner.owner == tx.sender) continue;
                    auto c = std::find_if(b.consents.begin(), b.consents.end(), [&](const Consent& x) { return x.owner == owner.owner; });
                    if (c == b.consents.end() || !VerifySchnorr(owner.owner, digest, c->signature))
                        return Rej(Reject::MISSING_PERMISSION, "missing permission: owner " + owner.owner.hex() + " has not consented (valid signature required)");
                }
            } else if constexpr (std::is_same_v<T, NftMintTx>) {
                auto w = LoadWork(s, b.work);
                if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
                if (!IsOwner(*w, tx.sender)) return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner of work " + Dec(b.work) + " may mint its editions");
                if (auto col = LoadCollection(s, b.work))
                    return Rej(Reject::INVALID_FIELD, "work " + Dec(b.work) + " already has its collection of " + std::to_string(col->cap) +
                                                          " editions; the cap is reached and no edition is minted beyond it");
                if (b.fee_bps > 0 && !LoadPlatform(s)) return Rej(Reject::INVALID_FIELD, "this chain has no platform account; fee_bps must be 0");
            } else if constexpr (std::is_same_v<T, NftTransferTx> || std::is_same_v<T, NftListTx> ||
                                 std::is_same_v<T, NftDelistTx> || std::is_same_v<T, NftBurnTx> || std::is_same_v<T, NftBuyTx>) {
                auto n = LoadNft(s, b.token);
                if (!n || n->burned) return Rej(Reject::NOT_FOUND, "no token " + Dec(b.token));
                if constexpr (std::is_same_v<T, NftBuyTx>) {
                    if (!n->listed) return Rej(Reject::INVALID_FIELD, "token " + Dec(b.token) + " is not for sale");
                    if (n->owner == tx.sender) return Rej(Reject::INVALID_FIELD, "the owner cannot buy its own token");
                    if (n->price > b.max_price) return Rej(Reject::INVALID_FIELD, "token " + Dec(b.token) + " costs more than max_price");
                } else {
                    if (n->owner != tx.sender) return Rej(Reject::MISSING_PERMISSION, "missing permission: only the holder of token " + Dec(b.token) + " may do that");
                    if constexpr (std::is_same_v<T, NftDelistTx>)
                        if (!n->listed) return Rej(Reject::INVALID_FIELD, "token " + Dec(b.token) + " is not listed");
                }
            } else if constexpr (std::is_same_v<T, ContractCallTx>) {
                auto inst = s.Get(keys::ContractInstance(b.contract));
                if (!inst) return Rej(Reject::NOT_FOUND, "no contract at " + b.contract.hex());
                // Splits and the tax contract pay out whatever they hold, as told: only the ledger
                // (with the money it moved in the same transaction) and governance call them.
                Hash256 split = StandardCodeHash(StandardContract::REVENUE_SPLIT);
                if (b.contract == TaxContractAddress() || (inst->size() == 32 && Hash256::FromView(*inst) == split))
                    return Rej(Reject::MISSING_PERMISSION,
                               "missing permission: revenue splits and the tax contract are called only by the ledger "
                               "(report_revenue) and governance");
            }
            return Ok{};
        },
        tx.body);
}

// ---------------------------------------------------------------- execution

namespace {

constexpr int64_t LEDGER_CALL_GAS = 10'000'000;

struct X {
    Overlay& o;
    const Transaction& tx;
    const Hash256& tx_id;
    const BlockContext& ctx;
    std::vector<Event>& events;
    LedgerHost host;
    std::vector<std::pair<Address, std::string>> credited;
    X(Overlay& o_, const Transaction& tx_, const Hash256& id_, const BlockContext& c_, std::vector<Event>& ev_)
        : o(o_), tx(tx_), tx_id(id_), ctx(c_), events(ev_), host(o_, c_, ev_) {}
};

Exec Credit(X& x, const Address& a, const std::string& cur, int64_t amount) {
    int64_t b = LoadBalance(x.o, a, cur);
    if (b > MAX_AMOUNT - amount) return TxFail("balance_overflow", "the balance would exceed 10^18 minor units");
    StoreBalance(x.o, a, cur, b + amount);
    if (!IsContract(x.o, a)) x.credited.emplace_back(a, cur);
    return Ok{};
}

Exec Debit(X& x, const Address& a, const std::string& cur, int64_t amount) {
    int64_t b = LoadBalance(x.o, a, cur);
    if (b < amount)
        return TxFail("insufficient_funds", "balance " + FormatAmount(b, *FindCurrency(cur)) + " " + cur + " is below " +
                                                FormatAmount(amount, *FindCurrency(cur)) + " " + cur);
    StoreBalance(x.o, a, cur, b - amount);
    return Ok{};
}

vm::Vm& ThreadVm() {
    thread_local vm::Vm vm;
    return vm;
}

Exec CallFailure(const vm::ExecResult& r, const Address& contract) {
    std::string detail = vm::ExecStatusName(r.status);
    if (r.status == vm::ExecStatus::REVERTED && !r.output.empty()) {
        bool printable = std::all_of(r.output.begin(), r.output.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
        detail += printable ? ": " + std::string(r.output.begin(), r.output.end()) : ": " + ToHex(r.output);
    }
    std::string code = r.status == vm::ExecStatus::OUT_OF_GAS ? "out_of_gas" : "contract_failed";
    return TxFail(code, "contract " + contract.hex() + " failed: " + detail);
}

Result<Bytes, TxFailure> Call(X& x, const Address& caller, const Address& contract, const Bytes& input, int64_t gas) {
    vm::ExecResult r = ThreadVm().Execute(x.host, vm::Message{caller, contract, x.tx.sender, input, gas});
    if (!r.ok()) return Fail(CallFailure(r, contract).error());
    return std::move(r.output);
}

int64_t SourceOf(const StateReader& s, const std::string& territory, const Licence* l, const Address& payer) {
    if (!territory.empty()) return PackCountry(territory);
    if (l && l->terms.territories.size() == 1 && l->terms.territories[0] != "WW") return PackCountry(l->terms.territories[0]);
    return PackCountry(LoadAccount(s, payer).residency);
}

// Moves `amount` from `payer` into the work's split and distributes it.
Exec PayWork(X& x, const Address& payer, uint64_t work, const std::string& cur, int64_t amount, IncomeType income,
             int64_t source, const std::string& period) {
    if (auto e = Debit(x, payer, cur, amount); !e) return e;
    Address split = SplitAddress(work);
    if (!IsContract(x.o, split)) return TxFail("not_found", "work " + Dec(work) + " has no revenue split");
    if (auto e = Credit(x, split, cur, amount); !e) return e;
    x.events.push_back(EvRevenue{work, payer, cur, amount, income, period});
    Bytes input = *vm::EncodeCallChecked("distribute(int,int,int,int)",
                                         {PackCurrencyText(cur), amount, static_cast<int64_t>(income), source});
    auto r = Call(x, LedgerAddress(), split, input, LEDGER_CALL_GAS);
    if (!r) return Fail(r.error());
    return Ok{};
}

uint64_t PayoutTtl(const StateReader& s) {
    uint64_t ttl = LoadCounter(s, keys::PayoutTtl());
    return ttl ? ttl : DEFAULT_PAYOUT_TTL_MS;
}

// Moves `amount` of `payee`'s balance into a new pending payout instruction for its gateway.
Exec CreatePayout(X& x, const Address& payee, const std::string& cur, int64_t amount) {
    Account a = LoadAccount(x.o, payee);
    if (a.kyc != KycStatus::VERIFIED) return TxFail("kyc_required", "payouts go only to KYC-verified accounts");
    if (a.frozen) return TxFail("account_frozen", "the account is frozen by governance");
    auto prefs = LoadPayoutPrefs(x.o, payee);
    if (!prefs) return TxFail("no_payout_prefs", "set payout preferences (gateway, currency) first");
    if (!HasRole(LoadAccount(x.o, prefs->gateway).roles, Role::GATEWAY))
        return TxFail("gateway_revoked", "the preferred gateway no longer holds the gateway role");
    Payout p;
    p.payee = payee;
    p.gateway = prefs->gateway;
    p.currency = cur;
    p.amount = amount;
    p.target_currency = prefs->currency;
    p.target_amount = amount;
    if (prefs->currency != cur) {
        auto rate = LoadLatestRate(x.o, cur, prefs->currency);
        if (!rate) return TxFail("no_fx_rate", "no " + cur + "/" + prefs->currency + " rate has been posted");
        // target = floor(amount * num * 10^e_t / (den * 10^e_s)), exactly, in 128 bits.
        Currency cs = *FindCurrency(cur), ct = *FindCurrency(prefs->currency);
        UInt128 num = static_cast<UInt128>(amount) * rate->num;  // < 10^36: no overflow
        UInt128 den = rate->den;
        for (int i = 0; i < ct.exponent; ++i) {
            if (num > ~static_cast<UInt128>(0) / 10)
                return TxFail("fx_out_of_range", "the conversion overflows 128 bits");
            num *= 10;
        }
        for (int i = 0; i < cs.exponent; ++i) den *= 10;
        UInt128 t = num / den;
        if (t == 0 || t > static_cast<UInt128>(MAX_AMOUNT))
            return TxFail("fx_out_of_range", "the converted amount is zero or above 10^18 minor units");
        p.target_amount = static_cast<int64_t>(t);
        p.rate_id = rate->id;
        p.rate_num = rate->num;
        p.rate_den = rate->den;
    }
    if (auto e = Debit(x, payee, cur, amount); !e) return e;
    p.id = NextId(x.o, keys::NextPayoutId());
    p.created_ms = x.ctx.time_ms;
    p.expires_ms = x.ctx.time_ms + PayoutTtl(x.o);
    p.tx = x.tx_id;
    x.o.Put(keys::Payout(p.id), EncodeFields(p));
    x.events.push_back(EvPayout{p});
    return Ok{};
}

// After a successful transaction: accounts credited in their payout currency up to their
// threshold get an automatic payout of that whole balance (skipped silently when the account
// cannot be paid: not KYC'd, frozen, no rate).
void AutoPayouts(X& x) {
    auto credited = x.credited;
    for (const auto& c : x.host.credited()) credited.push_back(c);
    std::sort(credited.begin(), credited.end());
    credited.erase(std::unique(credited.begin(), credited.end()), credited.end());
    for (const auto& [a, cur] : credited) {
        auto prefs = LoadPayoutPrefs(x.o, a);
        if (!prefs || prefs->threshold == 0 || prefs->currency != cur) continue;
        int64_t b = LoadBalance(x.o, a, cur);
        if (b < prefs->threshold) continue;
        Overlay attempt(static_cast<const StateReader&>(x.o));
        size_t events = x.events.size();
        X sub(attempt, x.tx, x.tx_id, x.ctx, x.events);
        if (CreatePayout(sub, a, cur, b)) x.o.Absorb(attempt);
        else x.events.resize(events, EvThresholdSet{0});
    }
}

Exec AnswerPayout(X& x, uint64_t id, PayoutStatus status, const std::string& note) {
    auto p = LoadPayout(x.o, id);
    if (!p || p->status != PayoutStatus::PENDING) return TxFail("payout_not_pending", "payout " + Dec(id) + " is not pending");
    p->status = status;
    p->ended_ms = x.ctx.time_ms;
    p->note = note;
    if (status == PayoutStatus::CONFIRMED) {
        Supply sup = LoadSupply(x.o, p->currency).value_or(Supply{});
        sup.paid_out += p->amount;
        x.o.Put(keys::Supply(p->currency), EncodeFields(sup));
    } else {
        // Failed or expired: the funds return to the payee (not counted for automatic payouts, or
        // a failing gateway would be asked again at once).
        int64_t b = LoadBalance(x.o, p->payee, p->currency);
        StoreBalance(x.o, p->payee, p->currency, b + p->amount);
    }
    x.o.Put(keys::Payout(id), EncodeFields(*p));
    x.events.push_back(EvPayout{*p});
    return Ok{};
}

Bytes EncodePayees(const std::vector<Share>& owners) {
    Bytes out;
    for (const Share& s : owners) {
        out.insert(out.end(), s.owner.view().begin(), s.owner.view().end());
        Bytes bps = Le64(s.bps);
        out.insert(out.end(), bps.begin(), bps.end());
    }
    return out;
}

Exec NewLicence(X& x, uint64_t work, const Address& licensee, const LicenceTerms& terms, LicenceStatus status,
                uint64_t auction, uint64_t* id_out) {
    Licence l;
    l.id = NextId(x.o, keys::NextLicenceId());
    l.work = work;
    l.licensor = x.tx.sender;
    l.licensee = licensee;
    l.terms = terms;
    l.status = status;
    l.auction = auction;
    l.tx = x.tx_id;
    l.height = x.ctx.height;
    StoreLicence(x.o, l);
    AddWorkLicence(x.o, work, l.id);
    x.events.push_back(EvLicence{l.id, work, licensee, status});
    if (id_out) *id_out = l.id;
    return Ok{};
}

// Moves a token to `to` (zero = burn), delisting it and keeping the holdings counts.
void MoveNft(X& x, Nft& n, const Address& to) {
    uint64_t held = LoadNftHoldings(x.o, n.owner, n.work);
    if (held <= 1) x.o.Delete(keys::NftHoldings(n.owner, n.work));
    else x.o.Put(keys::NftHoldings(n.owner, n.work), U64Bytes(held - 1));
    n.listed = false;
    n.currency.clear();
    n.price = 0;
    if (to.IsZero()) {
        n.burned = true;
    } else {
        n.owner = to;
        x.o.Put(keys::NftHoldings(to, n.work), U64Bytes(LoadNftHoldings(x.o, to, n.work) + 1));
    }
    x.o.Put(keys::Nft(n.id), EncodeFields(n));
}

Exec ExecBodyImpl(X& x) {
    const Transaction& tx = x.tx;
    return std::visit(
        [&](const auto& b) -> Exec {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, DepositTx>) {
                if (x.o.Get(keys::DepositRef(tx.sender, b.reference)))
                    return TxFail("duplicate_deposit_reference", "deposit reference '" + b.reference + "' was already used");
                x.o.Put(keys::DepositRef(tx.sender, b.reference), Bytes(x.tx_id.view().begin(), x.tx_id.view().end()));
                if (auto e = Credit(x, b.to, b.currency, b.amount); !e) return e;
                Supply sup = LoadSupply(x.o, b.currency).value_or(Supply{});
                if (sup.deposited > MAX_AMOUNT * 8 - b.amount) return TxFail("supply_overflow", "total deposits overflow");
                sup.deposited += b.amount;
                x.o.Put(keys::Supply(b.currency), EncodeFields(sup));
                x.events.push_back(EvDeposit{b.to, tx.sender, b.currency, b.amount, b.reference});
                return Ok{};
            } else if constexpr (std::is_same_v<T, SetPayoutPrefsTx>) {
                x.o.Put(keys::PayoutPrefs(tx.sender), EncodeFields(PayoutPrefs{b.gateway, b.currency, b.threshold}));
                x.events.push_back(EvAccountUpdated{tx.sender, "payout_prefs"});
                return Ok{};
            } else if constexpr (std::is_same_v<T, WithdrawTx>) {
                return CreatePayout(x, tx.sender, b.currency, b.amount);
            } else if constexpr (std::is_same_v<T, PayoutConfirmTx>) {
                return AnswerPayout(x, b.payout_id, PayoutStatus::CONFIRMED, b.reference);
            } else if constexpr (std::is_same_v<T, PayoutFailTx>) {
                return AnswerPayout(x, b.payout_id, PayoutStatus::FAILED, b.reason);
            } else if constexpr (std::is_same_v<T, PayoutExpireTx>) {
                return AnswerPayout(x, b.payout_id, PayoutStatus::EXPIRED, "expired");
            } else if constexpr (std::is_same_v<T, SetKycTx>) {
                Account a = LoadAccount(x.o, b.account);
                a.kyc = b.status;
                a.residency = b.residency;
                x.o.Put(keys::Account(b.account), EncodeAccount(a));
                x.events.push_back(EvAccountUpdated{b.account, "kyc"});
                return Ok{};
            } else if constexpr (std::is_same_v<T, PostFxRateTx>) {
                FxRate r{NextId(x.o, keys::NextFxId()), b.base, b.quote, b.num, b.den, tx.sender, x.ctx.time_ms};
                x.o.Put(keys::FxRate(r.id), EncodeFields(r));
                x.o.Put(keys::FxLatest(b.base, b.quote), EncodeFields(r));
                x.events.push_back(EvFxRate{r.id, b.base, b.quote, b.num, b.den});
                return Ok{};
            } else if constexpr (std::is_same_v<T, TransferTx>) {
                if (IsContract(x.o, b.to))
                    return TxFail("contract_recipient", "transfers go to accounts; contracts are paid through their own calls");
                if (auto e = Debit(x, tx.sender, b.currency, b.amount); !e) return e;
                if (auto e = Credit(x, b.to, b.currency, b.amount); !e) return e;
                x.events.push_back(EvTransfer{tx.sender, b.to, b.currency, b.amount});
                return Ok{};
            } else if constexpr (std::is_same_v<T, GrantLicenceTx>) {
                if (auto c = FindConflict(x.o, b.work, b.terms, x.ctx.time_ms))
                    return TxFail("licence_conflict", "conflicts with licence " + Dec(*c));
                LicenceStatus st = b.terms.fee_amount > 0 ? LicenceStatus::OFFERED : LicenceStatus::ACTIVE;
                return NewLicence(x, b.work, b.licensee, b.terms, st, 0, nullptr);
            } else if constexpr (std::is_same_v<T, AcceptLicenceTx>) {
                auto l = LoadLicence(x.o, b.licence);
                if (!l || l->status != LicenceStatus::OFFERED) return TxFail("not_offered", "licence is not an open offer");
                if (auto c = FindConflict(x.o, l->work, l->terms, x.ctx.time_ms, l->id))
                    return TxFail("licence_conflict", "conflicts with licence " + Dec(*c));
                if (x.ctx.time_ms >= l->terms.end_ms) return TxFail("licence_ended", "the offered licence has already ended");
                l->status = LicenceStatus::ACTIVE;
                StoreLicence(x.o, *l);
                x.events.push_back(EvLicence{l->id, l->work, l->licensee, l->status});
                return PayWork(x, tx.sender, l->work, l->terms.fee_currency, l->terms.fee_amount, IncomeType::LICENCE_FEE,
                               SourceOf(x.o, "", &*l, tx.sender), "licence " + Dec(l->id));
            } else if constexpr (std::is_same_v<T, RevokeLicenceTx>) {
                auto l = LoadLicence(x.o, b.licence);
                if (!l) return TxFail("not_found", "no licence");
                l->status = LicenceStatus::REVOKED;
                StoreLicence(x.o, *l);
                x.events.push_back(EvLicence{l->id, l->work, l->licensee, l->status});
                return Ok{};
            } else if constexpr (std::is_same_v<T, ReportRevenueTx>) {
                std::optional<Licence> l;
                if (b.licence) l = LoadLicence(x.o, b.licence);
                int64_t amount = b.amount;
                if (b.gross > 0) {
                    auto a = MulDivFloor(b.gross, l->terms.royalty_bps, BPS_TOTAL);
                    if (!a || *a == 0) return TxFail("amount_zero", "the royalty on that gross figure rounds to zero");
                    amount = *a;
                }
                return PayWork(x, tx.sender, b.work, b.currency, amount, IncomeType::ROYALTY,
                               SourceOf(x.o, b.territory, l ? &*l : nullptr, tx.sender), b.period);
            } else if constexpr (std::is_same_v<T, ReportPoolTx>) {
                int64_t promoter = 0;
                if (b.promoter_bps > 0) promoter = *MulDivFloor(b.pool, b.promoter_bps, BPS_TOTAL);
                if (promoter > 0) {
                    if (auto e = Debit(x, tx.sender, b.currency, promoter); !e) return e;
                    if (auto e = Credit(x, b.promoter, b.currency, promoter); !e) return e;
                    x.events.push_back(EvTransfer{tx.sender, b.promoter, b.currency, promoter});
                }
                std::vector<uint64_t> weights;
                for (const PoolEntry& e : b.entries) weights.push_back(e.seconds);
                std::vector<int64_t> parts = SplitLargestRemainder(b.pool - promoter, weights);
                int64_t source = SourceOf(x.o, b.territory, nullptr, tx.sender);
                for (size_t i = 0; i < parts.size(); ++i) {
                    if (parts[i] == 0) continue;
                    if (auto e = PayWork(x, tx.sender, b.entries[i].work, b.currency, parts[i], IncomeType::ROYALTY, source, b.period); !e)
                        return e;
                }
                return Ok{};
            } else if constexpr (std::is_same_v<T, TransferSharesTx>) {
                auto w = LoadWork(x.o, b.work);
                if (!w) return TxFail("not_found", "no work");
                w->owners = b.owners;
                x.o.Put(keys::Work(b.work), EncodeWork(*w));
                x.o.Put(keys::SharesVersion(b.work), U64Bytes(LoadSharesVersion(x.o, b.work) + 1));
                x.events.push_back(EvSharesTransferred{b.work, b.owners});
                Bytes input = *vm::EncodeCallChecked("set_payees(bytes)", {EncodePayees(b.owners)});
                auto r = Call(x, LedgerAddress(), SplitAddress(b.work), input, LEDGER_CALL_GAS);
                if (!r) return Fail(r.error());
                return Ok{};
            } else if constexpr (std::is_same_v<T, CreateAuctionTx>) {
                if (auto c = FindConflict(x.o, b.work, b.terms, x.ctx.time_ms))
                    return TxFail("licence_conflict", "conflicts with licence " + Dec(*c));
                Auction a;
                a.id = NextId(x.o, keys::NextAuctionId());
                a.work = b.work;
                a.contract = AuctionAddress(a.id);
                a.seller = tx.sender;
                a.kind = b.kind;
                if (auto e = NewLicence(x, b.work, Address{}, b.terms, LicenceStatus::RESERVED, a.id, &a.licence); !e) return e;
                x.o.Put(keys::Auction(a.id), EncodeFields(a));
                x.o.Put(keys::AuctionByContract(a.contract), U64Bytes(a.id));
                Bytes params = vm::EncodeValues(
                    {static_cast<int64_t>(b.kind), PackCurrencyText(b.currency), b.p1, b.p2, b.p3, b.p4,
                     static_cast<int64_t>(b.start_ms), static_cast<int64_t>(b.end_ms), SplitAddress(b.work),
                     PackCountry(b.source), tx.sender, Le64(static_cast<int64_t>(a.licence))});
                vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, tx.sender, a.contract,
                                                   StandardCodeHash(StandardContract::AUCTION), params, LEDGER_CALL_GAS);
                if (!r.ok()) return CallFailure(r, a.contract);
                x.events.push_back(EvAuctionCreated{a.id, b.work, a.contract, a.licence});
                return Ok{};
            } else if constexpr (std::is_same_v<T, NftMintTx>) {
                if (LoadCollection(x.o, b.work)) return TxFail("collection_exists", "the collection already exists");
                NftCollection col{b.work, b.editions, b.royalty_bps, b.fee_bps, b.viewing_right, 0, tx.sender};
                uint64_t next = LoadCounter(x.o, keys::NextTokenId());
                col.first_token = next == 0 ? 1 : next;
                x.o.Put(keys::NextTokenId(), U64Bytes(col.first_token + b.editions));
                x.o.Put(keys::NftCollection(b.work), EncodeFields(col));
                for (uint32_t e = 1; e <= b.editions; ++e) {
                    Nft n{col.first_token + e - 1, b.work, e, tx.sender, false, "", 0, false};
                    x.o.Put(keys::Nft(n.id), EncodeFields(n));
                }
                x.o.Put(keys::NftHoldings(tx.sender, b.work), U64Bytes(LoadNftHoldings(x.o, tx.sender, b.work) + b.editions));
                x.events.push_back(EvNft{col.first_token, b.work, NftAction::MINTED, Address{}, tx.sender, "", b.editions, 0, 0});
                return Ok{};
            } else if constexpr (std::is_same_v<T, NftTransferTx> || std::is_same_v<T, NftBurnTx>) {
                auto n = LoadNft(x.o, b.token).value();
                Address to;
                if constexpr (std::is_same_v<T, NftTransferTx>) to = b.to;
                MoveNft(x, n, to);
                x.events.push_back(EvNft{n.id, n.work, std::is_same_v<T, NftBurnTx> ? NftAction::BURNED : NftAction::TRANSFERRED,
                                         tx.sender, to, "", 0, 0, 0});
                return Ok{};
            } else if constexpr (std::is_same_v<T, NftListTx>) {
                auto n = LoadNft(x.o, b.token).value();
                n.listed = true;
                n.currency = b.currency;
                n.price = b.price;
                x.o.Put(keys::Nft(n.id), EncodeFields(n));
                x.events.push_back(EvNft{n.id, n.work, NftAction::LISTED, tx.sender, Address{}, b.currency, b.price, 0, 0});
                return Ok{};
            } else if constexpr (std::is_same_v<T, NftDelistTx>) {
                auto n = LoadNft(x.o, b.token).value();
                n.listed = false;
                n.currency.clear();
                n.price = 0;
                x.o.Put(keys::Nft(n.id), EncodeFields(n));
                x.events.push_back(EvNft{n.id, n.work, NftAction::DELISTED, tx.sender, Address{}, "", 0, 0, 0});
                return Ok{};
            } else if constexpr (std::is_same_v<T, NftBuyTx>) {
                auto n = LoadNft(x.o, b.token).value();
                auto col = LoadCollection(x.o, n.work).value();
                // Exact: royalty and fee rounded down, the seller gets the rest.
                int64_t royalty = *MulDivFloor(n.price, col.royalty_bps, BPS_TOTAL);
                int64_t fee = *MulDivFloor(n.price, col.fee_bps, BPS_TOTAL);
                int64_t seller = n.price - royalty - fee;
                if (LoadBalance(x.o, tx.sender, n.currency) < n.price)
                    return TxFail("insufficient_funds", "the buyer's balance is below the price");
                Address from = n.owner;
                if (royalty > 0)
                    if (auto e = PayWork(x, tx.sender, n.work, n.currency, royalty, IncomeType::NFT_SALE,
                                         PackCountry(LoadAccount(x.o, tx.sender).residency), "token " + Dec(n.id));
                        !e)
                        return e;
                if (fee > 0) {
                    if (auto e = Debit(x, tx.sender, n.currency, fee); !e) return e;
                    if (auto e = Credit(x, *LoadPlatform(x.o), n.currency, fee); !e) return e;
                }
                if (seller > 0) {
                    if (auto e = Debit(x, tx.sender, n.currency, seller); !e) return e;
                    if (auto e = Credit(x, from, n.currency, seller); !e) return e;
                }
                std::string cur = n.currency;
                int64_t price = n.price;
                MoveNft(x, n, tx.sender);
                x.events.push_back(EvNft{n.id, n.work, NftAction::SOLD, from, tx.sender, cur, price, royalty, fee});
                return Ok{};
            } else if constexpr (std::is_same_v<T, ContractCallTx>) {
                auto r = Call(x, tx.sender, b.contract, b.input, static_cast<int64_t>(b.gas));
                if (!r) return Fail(r.error());
                return Ok{};
            } else {
                return TxFail("internal", "not a settlement transaction");
            }
        },
        tx.body);
}

}  // namespace

Exec ExecSettlement(Overlay& o, const Transaction& tx, const Hash256& tx_id, const BlockContext& ctx,
                    std::vector<Event>& events) {
    X x(o, tx, tx_id, ctx, events);
    if (Exec e = ExecBodyImpl(x); !e) return e;
    AutoPayouts(x);
    return Ok{};
}

Exec ExecGovSettlement(Overlay& o, const GovAction& a, const Hash256& tx_id, const BlockContext& ctx,
                       std::vector<Event>& events) {
    if (auto* f = std::get_if<SetFrozen>(&a)) {
        Account acct = LoadAccount(o, f->account);
        if (acct.frozen == f->frozen) return TxFail("no_change", f->frozen ? "account is already frozen" : "account is not frozen");
        acct.frozen = f->frozen;
        o.Put(keys::Account(f->account), EncodeAccount(acct));
        events.push_back(EvAccountUpdated{f->account, f->frozen ? "frozen" : "unfrozen"});
        return Ok{};
    }
    if (auto* c = std::get_if<GovContractCall>(&a)) {
        if (!IsContract(o, c->contract)) return TxFail("not_found", "no contract at " + c->contract.hex());
        Transaction dummy;
        dummy.sender = GovernanceAddress();
        X x(o, dummy, tx_id, ctx, events);
        auto r = Call(x, GovernanceAddress(), c->contract, c->input, LEDGER_CALL_GAS);
        if (!r) return Fail(r.error());
        return Ok{};
    }
    return TxFail("internal", "not a settlement action");
}

Exec CreateWorkSplit(Overlay& o, const Work& w, const Hash256& tx_id, const BlockContext& ctx, std::vector<Event>& events) {
    Transaction dummy;
    dummy.sender = LedgerAddress();
    X x(o, dummy, tx_id, ctx, events);
    Bytes params = vm::EncodeValues({LedgerAddress(), EncodePayees(w.owners), TaxContractAddress(), Address{},
                                     int64_t{0}, int64_t{0}});
    Address split = SplitAddress(w.id);
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, LedgerAddress(), split,
                                       StandardCodeHash(StandardContract::REVENUE_SPLIT), params, LEDGER_CALL_GAS);
    if (!r.ok()) return CallFailure(r, split);
    return Ok{};
}

bool GenesisSettlement(Overlay& o, const GenesisDoc& doc) {
    for (StandardContract c : {StandardContract::REVENUE_SPLIT, StandardContract::TAX_WITHHOLDING, StandardContract::AUCTION}) {
        if (StandardCode(c).empty()) return false;
        o.Put(keys::Template(StandardCodeHash(c)), StandardCode(c));
    }
    o.Put(keys::PayoutTtl(), U64Bytes(doc.payout_ttl_ms ? doc.payout_ttl_ms : DEFAULT_PAYOUT_TTL_MS));
    if (!doc.platform.IsZero()) o.Put(keys::Platform(), Bytes(doc.platform.view().begin(), doc.platform.view().end()));
    std::map<std::string, int64_t> totals;
    for (const GenesisAccount& a : doc.accounts) {
        for (const auto& [cur, amount] : a.balances) {
            if (!FindCurrency(cur) || amount <= 0 || amount > MAX_AMOUNT) return false;
            StoreBalance(o, a.address, cur, amount);
            totals[cur] += amount;
            if (totals[cur] > MAX_AMOUNT) return false;
        }
    }
    for (const auto& [cur, total] : totals) o.Put(keys::Supply(cur), EncodeFields(Supply{total, 0}));
    std::vector<Event> events;
    Transaction dummy;
    dummy.sender = GovernanceAddress();
    Hash256 zero;
    BlockContext ctx{0, doc.genesis_time_ms, Address{}};
    X x(o, dummy, zero, ctx, events);
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, GovernanceAddress(), TaxContractAddress(),
                                       StandardCodeHash(StandardContract::TAX_WITHHOLDING),
                                       vm::EncodeValues({GovernanceAddress()}), LEDGER_CALL_GAS);
    return r.ok();
}

}  // namespace folio::state
