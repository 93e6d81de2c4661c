// Contracts: the standard templates (committed bytecode), the ledger's calls into contracts, the ABI's packings, and
// the contract_call kind. (The VM's host over the ledger is host.cpp.)
#include <node/state/contracts.h>

#include <algorithm>

#include <node/core/amount.h>

#include <node/protocol/addresses.h>
#include <node/state/domains.h>
#include <node/state/keys.h>
#include <vm/abi.h>
#include <vm/code.h>
#include <vm/deploy.h>

#include "standard_contracts.inc"  // generated from contracts/*.bin: REVENUE_SPLIT_BIN, TAX_WITHHOLDING_BIN, AUCTION_BIN

namespace folio::state {

// ---------------------------------------------------------------- standard templates

namespace {
struct Templates {
    Bytes code[3];
    Hash256 hash[3];
    Templates() {
        ByteView bin[3] = {REVENUE_SPLIT_BIN, TAX_WITHHOLDING_BIN, AUCTION_BIN};
        for (size_t i = 0; i < 3; ++i) {
            code[i] = Bytes(bin[i].begin(), bin[i].end());
            hash[i] = vm::CodeHash(code[i]);
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

namespace {
constexpr StandardContract STANDARD[] = {StandardContract::REVENUE_SPLIT, StandardContract::TAX_WITHHOLDING,
                                         StandardContract::AUCTION};
TemplateInfo GenesisInfo(StandardContract c) {
    return TemplateInfo{StandardCodeHash(c), StandardName(c), 1, 0, true, 0};
}
}  // namespace

const char* StandardName(StandardContract c) {
    static constexpr const char* NAMES[] = {"revenue_split", "tax_withholding", "auction"};
    return NAMES[static_cast<size_t>(c) % 3];
}

std::optional<StandardContract> StandardByName(std::string_view name) {
    for (StandardContract c : STANDARD)
        if (name == StandardName(c)) return c;
    return std::nullopt;
}

std::optional<TemplateInfo> LoadTemplateInfo(const StateReader& s, const Hash256& code_hash) {
    if (auto t = LoadRecord<TemplateInfo>(s, keys::TemplateInfo(code_hash), "template info")) return t;
    for (StandardContract c : STANDARD)
        if (code_hash == StandardCodeHash(c)) return GenesisInfo(c);
    return std::nullopt;
}

std::optional<TemplateInfo> LoadLatestTemplate(const StateReader& s, std::string_view name) {
    if (auto t = LoadRecord<TemplateInfo>(s, keys::TemplateByName(name), "latest template")) return t;
    if (auto c = StandardByName(name)) return GenesisInfo(*c);
    return std::nullopt;
}

void StoreTemplateInfo(Overlay& o, const TemplateInfo& t) {
    o.Put(keys::TemplateInfo(t.code_hash), EncodeFields(t));
    auto latest = LoadLatestTemplate(o, t.name);
    if (!latest || latest->version < t.version) o.Put(keys::TemplateByName(t.name), EncodeFields(t));
}

Hash256 CurrentStandardCodeHash(const StateReader& s, StandardContract c) {
    return LoadLatestTemplate(s, StandardName(c))->code_hash;
}

bool IsStandardInstance(const StateReader& s, const Address& contract, StandardContract c) {
    auto code = LoadInstanceCodeHash(s, contract);
    if (!code) return false;
    auto t = LoadTemplateInfo(s, *code);
    return t && t->ledger_only && t->name == StandardName(c);
}

// ---------------------------------------------------------------- calls

vm::Vm& ThreadVm() {
    thread_local vm::Vm vm;
    return vm;
}

Unexpected<TxFailure> CallFailure(const vm::ExecResult& r, const Address& contract) {
    std::string detail = vm::ExecStatusName(r.status);
    if (r.status == vm::ExecStatus::REVERTED && !r.output.empty()) {
        bool printable = std::all_of(r.output.begin(), r.output.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
        detail += printable ? ": " + std::string(r.output.begin(), r.output.end()) : ": " + ToHex(r.output);
    }
    Failure code = r.status == vm::ExecStatus::OUT_OF_GAS ? Failure::OUT_OF_GAS : Failure::CONTRACT_FAILED;
    return TxFail(code, "contract " + contract.hex() + " failed: " + detail);
}

namespace {

// "2026-12-01T00:00:00Z" (H. Hinnant's civil_from_days; integers only).
std::string UtcText(int64_t ms) {
    if (ms < 0) return std::to_string(ms) + " ms";
    int64_t secs = ms / 1000, days = secs / 86400, rem = secs % 86400;
    int64_t z = days + 719468, era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    auto two = [](int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    std::string year = std::to_string(y);
    return std::string(year.size() < 4 ? 4 - year.size() : 0, '0') + year + "-" + two(m) + "-" + two(d) + "T" + two(rem / 3600) +
           ":" + two(rem / 60 % 60) + ":" + two(rem % 60) + "Z";
}

}  // namespace

int64_t Le64At(ByteView b, size_t at) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
    return static_cast<int64_t>(v);
}

std::string UnpackCode(int64_t v, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
        if (char c = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff)) s += c;
    return s;
}

std::optional<TaxWithheldEvent> DecodeTaxWithheld(const EvContract& e) {
    const Bytes& d = e.data;
    if (e.contract != TaxContractAddress() || std::string(e.topic.begin(), e.topic.end()) != "tax_withheld" || d.size() != 120)
        return std::nullopt;
    TaxWithheldEvent t;
    t.payee = Address::FromView(ByteView(d).subspan(0, 32));
    t.currency = UnpackCode(Le64At(d, 32), 3);
    t.gross = Le64At(d, 40);
    t.tax = Le64At(d, 48);
    t.income_type = Le64At(d, 56);
    t.source = UnpackCode(Le64At(d, 64), 2);
    t.residency = UnpackCode(Le64At(d, 72), 2);
    t.bps = Le64At(d, 80);
    t.account = Address::FromView(ByteView(d).subspan(88, 32));
    return t;
}

std::optional<std::string> AuctionRefusal(ByteView data, std::string_view currency) {
    if (data.size() < 8 || data.size() > 24 || data.size() % 8 != 0) return std::nullopt;
    std::string code;
    for (size_t i = 0; i < 8 && data[i] != 0; ++i) {
        char ch = static_cast<char>(data[i]);
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return std::nullopt;
        code += ch;
    }
    for (size_t i = code.size(); i < 8; ++i)
        if (data[i] != 0) return std::nullopt;
    size_t n = data.size() / 8 - 1;
    int64_t a = n >= 1 ? Le64At(data, 8) : 0, b = n >= 2 ? Le64At(data, 16) : 0;
    auto cur = FindCurrency(currency);
    auto money = [&](int64_t v) { return cur ? FormatAmount(v, *cur) + " " + std::string(currency) : std::to_string(v); };
    auto kind = [](int64_t k) -> std::string {
        return k == 1 ? "an English" : k == 2 ? "a Dutch" : k == 3 ? "a sealed-bid" : "this";
    };
    std::string text;
    if (code == "input" && n == 0) text = "the call's input or parameters are malformed";
    else if (code == "direct" && n == 0) text = "only the signer may call this, directly (not through a contract)";
    else if (code == "closed" && n == 0) text = "the auction is closed";
    else if (code == "seller" && n == 0) text = "the seller may not bid in its own auction";
    else if (code == "early" && n == 1) text = "bidding opens at " + UtcText(a);
    else if (code == "amount" && n == 1) text = "the amount " + money(a) + " is out of range (above zero, at most 10^18 minor units)";
    else if (code == "kind" && n == 1) text = "this call is not for " + kind(a) + " auction" + (a == 3 ? " (a sealed bid is committed, then revealed)" : "");
    else if (code == "ended" && n == 1) text = "bidding ended at " + UtcText(a);
    else if (code == "bid_low" && n == 2) text = "bid " + money(a) + " is below the minimum " + money(b) + " (the highest bid plus the increment)";
    else if (code == "reserve" && n == 2) text = "bid " + money(a) + " is below the reserve " + money(b);
    else if (code == "sold" && n == 0) text = "the Dutch auction is already sold";
    else if (code == "price" && n == 2) text = "bid " + money(a) + " is below the current price " + money(b);
    else if (code == "commit2" && n == 0) text = "this bidder has already committed a sealed bid";
    else if (code == "rv_early" && n == 1) text = "reveals open at " + UtcText(a) + ", when bidding ends";
    else if (code == "rv_ended" && n == 1) text = "reveals ended at " + UtcText(a);
    else if (code == "no_cmt" && n == 0) text = "this bidder has no sealed bid to reveal (none committed, or already revealed)";
    else if (code == "no_open" && n == 0) text = "the amount and salt do not open this bidder's commitment";
    else if (code == "deposit" && n == 2) text = "revealed bid " + money(a) + " is below the deposit " + money(b);
    else if (code == "too_soon" && n == 1) text = "the auction may close from " + UtcText(a);
    else return std::nullopt;
    return text + " [" + code + "]";
}

std::string AuctionCurrency(const StateReader& s, const Address& contract) {
    Bytes key(8, 0);  // the 8-byte storage key 'cur' (contracts/auction.fasm)
    key[0] = 'c', key[1] = 'u', key[2] = 'r';
    auto v = s.Get(keys::ContractStorage(contract, key));
    return v && v->size() == 8 ? UnpackCode(Le64At(*v, 0), 3) : std::string();
}

Unexpected<TxFailure> CallFailure(const vm::ExecResult& r, const Address& contract, const StateReader& s) {
    if (r.status == vm::ExecStatus::REVERTED && s.Get(keys::AuctionByContract(contract))) {
        if (auto text = AuctionRefusal(r.output, AuctionCurrency(s, contract)))
            return TxFail(Failure::CONTRACT_FAILED, "auction " + contract.hex() + " refused: " + *text);
    }
    return CallFailure(r, contract);
}

Result<Bytes, TxFailure> CallWithOrigin(TxContext& x, const Address& origin, const Address& caller,
                                        const Address& contract, const Bytes& input, int64_t gas) {
    vm::ExecResult r = ThreadVm().Execute(x.host, vm::Message{caller, contract, origin, input, gas});
    if (!r.ok()) return CallFailure(r, contract, x.o);
    return std::move(r.output);
}

Result<Bytes, TxFailure> Call(TxContext& x, const Address& caller, const Address& contract, const Bytes& input,
                              int64_t gas) {
    return CallWithOrigin(x, x.tx.sender, caller, contract, input, gas);
}

Exec CreateWorkSplit(TxContext& x, const Work& w) {
    Bytes params = vm::EncodeValues({LedgerAddress(), EncodePayees(w.owners), TaxContractAddress(), Address{},
                                     int64_t{0}, int64_t{0}});
    Address split = SplitAddress(w.id);
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, LedgerAddress(), split,
                                       CurrentStandardCodeHash(x.o, StandardContract::REVENUE_SPLIT), params, LEDGER_CALL_GAS);
    if (!r.ok()) return CallFailure(r, split);
    return Ok{};
}

// ---------------------------------------------------------------- packings

Bytes EncodePayees(const std::vector<Share>& owners) {
    Bytes out;
    for (const Share& s : owners) {
        out.insert(out.end(), s.owner.view().begin(), s.owner.view().end());
        Bytes bps = Le64(s.bps);
        out.insert(out.end(), bps.begin(), bps.end());
    }
    return out;
}

int64_t PackCountry(std::string_view cc) {
    if (cc.size() != 2) return 0;
    return static_cast<int64_t>(static_cast<uint8_t>(cc[0])) | static_cast<int64_t>(static_cast<uint8_t>(cc[1])) << 8;
}

int64_t PackCurrencyText(std::string_view c) {
    return c.size() == 3 ? static_cast<int64_t>(vm::PackCurrency(c[0], c[1], c[2])) : 0;
}

std::string CurrencyText(vm::CurrencyCode c) {
    std::string s(3, '\0');
    s[0] = static_cast<char>(c & 0xff);
    s[1] = static_cast<char>((c >> 8) & 0xff);
    s[2] = static_cast<char>((c >> 16) & 0xff);
    if ((c >> 24) != 0) return {};
    return s;
}

Bytes Le64(int64_t v) {
    Bytes b(8);
    auto u = static_cast<uint64_t>(v);
    for (size_t i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(u >> (8 * i));
    return b;
}

// ---------------------------------------------------------------- contract_call

Status<Rejection> Check(const Transaction&, const ContractCallTx& b) {
    if (b.gas == 0 || b.gas > MAX_TX_GAS) return Rej(Reject::INVALID_FIELD, "gas must be 1.." + std::to_string(MAX_TX_GAS));
    if (b.input.size() > vm::MAX_ABI_BYTES + 4) return Rej(Reject::INVALID_FIELD, "input too long");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ContractCallTx& b, uint64_t) {
    if (!IsContract(s, b.contract)) return Rej(Reject::NOT_FOUND, "no contract at " + b.contract.hex());
    // Splits and the tax contract pay out whatever they hold, as told: only the ledger (with the
    // money it moved in the same transaction) and governance call them.
    if (b.contract == TaxContractAddress() || IsStandardInstance(s, b.contract, StandardContract::REVENUE_SPLIT))
        return Rej(Reject::MISSING_PERMISSION,
                   "missing permission: revenue splits and the tax contract are called only by the ledger "
                   "(report_revenue) and governance");
    // Bidding for a licence (an auction's bid, commit, reveal) is a distributor's economic action:
    // the distributor role and KYC (docs/settlement.md, "Roles and KYC"). Anyone may close or show.
    if (IsStandardInstance(s, b.contract, StandardContract::AUCTION) && b.input.size() >= 4) {
        static const uint32_t CLOSE = vm::Selector("close()"), SHOW = vm::Selector("show()");
        uint32_t sel = static_cast<uint32_t>(b.input[0]) | static_cast<uint32_t>(b.input[1]) << 8 |
                       static_cast<uint32_t>(b.input[2]) << 16 | static_cast<uint32_t>(b.input[3]) << 24;
        if (sel != CLOSE && sel != SHOW) {
            if (!HasRole(LoadAccount(s, tx.sender).roles, Role::DISTRIBUTOR))
                return Rej(Reject::MISSING_PERMISSION, "missing permission: bidding in an auction needs the distributor role");
            if (auto st = RequireKyc(s, tx.sender, "bidding in an auction"); !st) return st;
        }
    }
    return Ok{};
}

Exec Apply(TxContext& x, const ContractCallTx& b) {
    auto r = Call(x, x.tx.sender, b.contract, b.input, static_cast<int64_t>(b.gas));
    if (!r) return Fail(r.error());
    return Ok{};
}

// ---------------------------------------------------------------- contract_instantiate

namespace {
std::string RoleList(RoleSet roles) {
    std::string out;
    for (uint8_t r = 0; r < ROLE_COUNT; ++r)
        if (HasRole(roles, static_cast<Role>(r))) out += std::string(out.empty() ? "" : ", ") + RoleName(static_cast<Role>(r));
    return out;
}
}  // namespace

Status<Rejection> Check(const Transaction&, const ContractInstantiateTx& b) {
    if (b.gas == 0 || b.gas > MAX_TX_GAS) return Rej(Reject::INVALID_FIELD, "gas must be 1.." + std::to_string(MAX_TX_GAS));
    if (b.params.size() > vm::MAX_ABI_BYTES) return Rej(Reject::INVALID_FIELD, "params too long");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ContractInstantiateTx& b, uint64_t) {
    auto t = LoadTemplateInfo(s, b.code_hash);
    if (!t) return Rej(Reject::NOT_FOUND, "no template " + b.code_hash.hex());
    if (t->ledger_only)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: " + t->name +
                                                   " is instantiated by the ledger only (register_work, create_auction)");
    if (t->instantiators != 0 && (LoadAccount(s, tx.sender).roles & t->instantiators) == 0)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: template " + t->name + " version " + Dec(t->version) +
                                                   " is instantiated by holders of: " + RoleList(t->instantiators));
    return Ok{};
}

Exec Apply(TxContext& x, const ContractInstantiateTx& b) {
    const Address contract = vm::ContractAddress(x.tx.sender, x.tx.nonce);
    if (IsContract(x.o, contract)) return TxFail(Failure::CONTRACT_FAILED, "contract " + contract.hex() + " exists");
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, x.tx.sender, contract, b.code_hash, b.params,
                                       static_cast<int64_t>(b.gas));
    if (!r.ok()) return CallFailure(r, contract);
    x.events.push_back(EvContractCreated{contract, b.code_hash, x.tx.sender});
    return Ok{};
}

// ---------------------------------------------------------------- attach_contract

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const AttachContractTx& b, uint64_t) {
    auto w = LoadWork(s, b.work);
    if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
    if (!IsOwner(*w, tx.sender))
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner may attach a contract to work " + Dec(b.work));
    auto current = LoadAttachedContract(s, b.work);
    if (b.contract.IsZero()) {
        if (!current) return Rej(Reject::INVALID_FIELD, "work " + Dec(b.work) + " has no attached contract to detach");
    } else {
        if (!IsContract(s, b.contract)) return Rej(Reject::NOT_FOUND, "no contract at " + b.contract.hex());
        if (b.contract == TaxContractAddress() || IsStandardInstance(s, b.contract, StandardContract::REVENUE_SPLIT) ||
            IsStandardInstance(s, b.contract, StandardContract::AUCTION))
            return Rej(Reject::INVALID_FIELD, "a standard contract (split, auction, tax) cannot be attached to a work");
        if (current && *current == b.contract)
            return Rej(Reject::INVALID_FIELD, "contract " + b.contract.hex() + " is already attached to work " + Dec(b.work));
    }
    Hash256 digest = AttachContractDigest(tx.chain_id, b.work, LoadSharesVersion(s, b.work), b.contract);
    return CheckOwnersConsent(*w, tx.sender, b.consents, digest);
}

Exec Apply(TxContext& x, const AttachContractTx& b) {
    if (b.contract.IsZero()) x.o.Delete(keys::WorkContract(b.work));
    else x.o.Put(keys::WorkContract(b.work), Bytes(b.contract.view().begin(), b.contract.view().end()));
    x.o.Put(keys::SharesVersion(b.work), EncodeU64(LoadSharesVersion(x.o, b.work) + 1));
    x.events.push_back(EvContractAttached{b.work, b.contract});
    return Ok{};
}

}  // namespace folio::state
