// Money: deposits, payout preferences, withdrawals and payouts (with FX conversion), gateways'
// answers, KYC, FX rates and transfers; the ledger's credits and debits and automatic payouts.
#include <node/state/domains.h>

#include <algorithm>

#include <node/core/amount.h>
#include <node/protocol/territory.h>

namespace folio::state {

Status<Rejection> CheckMoney(const std::string& currency, int64_t amount, bool allow_zero) {
    if (!FindCurrency(currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + currency + "'");
    if (amount < 0 || amount > MAX_AMOUNT || (amount == 0 && !allow_zero))
        return Rej(Reject::INVALID_FIELD, std::string("amount must be ") + (allow_zero ? "0" : "1") + ".." +
                                              std::to_string(MAX_AMOUNT) + " minor units");
    return Ok{};
}

Status<Rejection> RequireKyc(const StateReader& s, const Address& a, std::string_view action) {
    KycStatus k = LoadAccount(s, a).kyc;
    if (k == KycStatus::VERIFIED) return Ok{};
    return Rej(Reject::KYC_REQUIRED, std::string(action) + " needs a KYC-verified account; " + a.hex() + " is " +
                                         (k == KycStatus::REVOKED ? "KYC-revoked" : "not KYC-verified"));
}

Exec Credit(TxContext& x, const Address& a, const std::string& cur, int64_t amount) {
    int64_t b = LoadBalance(x.o, a, cur);
    if (b > MAX_AMOUNT - amount) return TxFail(Failure::BALANCE_OVERFLOW, "the balance would exceed 10^18 minor units");
    StoreBalance(x.o, a, cur, b + amount);
    if (!IsContract(x.o, a)) x.credited.emplace_back(a, cur);
    return Ok{};
}

Exec Debit(TxContext& x, const Address& a, const std::string& cur, int64_t amount) {
    int64_t b = LoadBalance(x.o, a, cur);
    if (b < amount)
        return TxFail(Failure::INSUFFICIENT_FUNDS, "balance " + FormatAmount(b, *FindCurrency(cur)) + " " + cur + " is below " +
                                                       FormatAmount(amount, *FindCurrency(cur)) + " " + cur);
    StoreBalance(x.o, a, cur, b - amount);
    return Ok{};
}

bool PrintableAscii(const std::string& s, size_t max) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

namespace {

Status<Rejection> CheckValidAddress(const Address& a, const char* what) {
    if (!IsValidPublicKey(a)) return Rej(Reject::INVALID_FIELD, std::string(what) + " is not a valid address");
    return Ok{};
}

// Adds payout `id` to the expiry index (the minute of `expires_ms`).
void IndexExpiry(Overlay& o, uint64_t id, uint64_t expires_ms) {
    const uint64_t m = expires_ms / PAYOUT_EXPIRY_BUCKET_MS;
    const uint64_t n = LoadCounter(o, keys::PayoutExpiryCount(m));
    o.Put(keys::PayoutExpiryEntry(m, n), EncodeU64(id));
    o.Put(keys::PayoutExpiryCount(m), EncodeU64(n + 1));
    auto c = LoadRecord<PayoutExpiryCursor>(o, keys::PayoutExpiryCursor(), "payout expiry cursor");
    PayoutExpiryCursor next = c ? *c : PayoutExpiryCursor{m, m};
    next.first_minute = std::min(next.first_minute, m);
    next.last_minute = std::max(next.last_minute, m);
    if (!c || next != *c) o.Put(keys::PayoutExpiryCursor(), EncodeFields(next));
}

}  // namespace

Exec CreatePayout(TxContext& x, const Address& payee, const std::string& cur, int64_t amount, bool screen) {
    Account a = LoadAccount(x.o, payee);
    if (a.kyc != KycStatus::VERIFIED) return TxFail(Failure::KYC_REQUIRED, "payouts go only to KYC-verified accounts");
    if (a.frozen) return TxFail(Failure::ACCOUNT_FROZEN, "the account is frozen by governance");
    auto prefs = LoadPayoutPrefs(x.o, payee);
    if (!prefs) return TxFail(Failure::NO_PAYOUT_PREFS, "set payout preferences (gateway, currency) first");
    if (!HasRole(LoadAccount(x.o, prefs->gateway).roles, Role::GATEWAY))
        return TxFail(Failure::GATEWAY_REVOKED, "the preferred gateway no longer holds the gateway role");
    if (screen) {
        if (auto hit = ScreenAml(x.o, payee, Address{}, cur, amount, x.block.time_ms)) {
            if (auto e = Debit(x, payee, cur, amount); !e) return e;
            HoldAml(x, AmlHoldKind::PAYOUT, payee, prefs->gateway, cur, amount, *hit);
            return Ok{};
        }
    }
    Payout p;
    p.payee = payee;
    p.gateway = prefs->gateway;
    p.currency = cur;
    p.amount = amount;
    p.target_currency = prefs->currency;
    p.target_amount = amount;
    if (prefs->currency != cur) {
        auto rate = LoadLatestRate(x.o, cur, prefs->currency);
        if (!rate) return TxFail(Failure::NO_FX_RATE, "no " + cur + "/" + prefs->currency + " rate has been posted");
        if (const uint64_t validity = LoadFxRateValidity(x.o); x.block.time_ms > rate->time_ms + validity)
            return TxFail(Failure::FX_RATE_STALE, "the latest " + cur + "/" + prefs->currency + " rate (id " + Dec(rate->id) + ", posted at " +
                                                      Dec(rate->time_ms) + " ms) is older than the chain's FX validity of " +
                                                      (validity % 3'600'000 == 0 ? Dec(validity / 3'600'000) + " hours" : Dec(validity) + " ms") +
                                                      "; an fx oracle must post a fresh one");
        // target = floor(amount * num * 10^e_t / (den * 10^e_s)), exactly, in 128 bits.
        Currency cs = *FindCurrency(cur), ct = *FindCurrency(prefs->currency);
        UInt128 num = static_cast<UInt128>(amount) * rate->num;  // < 10^36: no overflow
        UInt128 den = rate->den;
        for (int i = 0; i < ct.exponent; ++i) {
            if (num > ~static_cast<UInt128>(0) / 10) return TxFail(Failure::FX_OUT_OF_RANGE, "the conversion overflows 128 bits");
            num *= 10;
        }
        for (int i = 0; i < cs.exponent; ++i) den *= 10;
        UInt128 t = num / den;
        if (t == 0 || t > static_cast<UInt128>(MAX_AMOUNT))
            return TxFail(Failure::FX_OUT_OF_RANGE, "the converted amount is zero or above 10^18 minor units");
        p.target_amount = static_cast<int64_t>(t);
        p.rate_id = rate->id;
        p.rate_num = rate->num;
        p.rate_den = rate->den;
    }
    if (auto e = Debit(x, payee, cur, amount); !e) return e;
    p.id = NextId(x.o, keys::NextPayoutId());
    p.created_ms = x.block.time_ms;
    p.expires_ms = x.block.time_ms + LoadPayoutTtl(x.o);
    p.tx = x.tx_id;
    x.o.Put(keys::Payout(p.id), EncodeFields(p));
    IndexExpiry(x.o, p.id, p.expires_ms);
    x.events.push_back(EvPayout{p});
    CountAml(x.o, payee, cur, amount, x.block.time_ms);
    return Ok{};
}

namespace {

// Payout `id`'s gateway may answer it at `time_ms`.
Status<Rejection> PayoutAnswerable(const StateReader& s, uint64_t id, uint64_t time_ms, const Address& gateway) {
    auto p = LoadPayout(s, id);
    if (!p) return Rej(Reject::NOT_FOUND, "no payout " + Dec(id));
    if (p->gateway != gateway)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only payout " + Dec(id) + "'s gateway may answer it");
    switch (p->status) {
        case PayoutStatus::CONFIRMED:
            return Rej(Reject::PAYOUT_ALREADY_CONFIRMED, "payout " + Dec(id) + " was already confirmed (reference '" + p->note + "')");
        case PayoutStatus::FAILED:
            return Rej(Reject::PAYOUT_ALREADY_FAILED, "payout " + Dec(id) + " already failed (" + p->note + ")");
        case PayoutStatus::EXPIRED:
        case PayoutStatus::PENDING: break;
    }
    // Expired already, or expiring at the start of the block this answer would enter.
    if (p->status == PayoutStatus::EXPIRED || time_ms > p->expires_ms)
        return Rej(Reject::PAYOUT_ALREADY_EXPIRED, "payout " + Dec(id) + " expired at " + Dec(p->expires_ms) +
                                                       " ms (block time); its funds went back to the payee");
    return Ok{};
}

// Ends pending payout `p` with `status` at `time_ms`: a confirmed payout counts as paid out; a
// failed or expired one returns its funds to the payee (not counted for automatic payouts, or a
// failing gateway would be asked again at once).
void EndPayout(Overlay& o, Payout p, PayoutStatus status, const std::string& note, uint64_t time_ms,
               std::vector<Event>& events) {
    p.status = status;
    p.ended_ms = time_ms;
    p.note = note;
    if (status == PayoutStatus::CONFIRMED) {
        Supply sup = LoadSupply(o, p.currency).value_or(Supply{});
        sup.paid_out += p.amount;
        o.Put(keys::Supply(p.currency), EncodeFields(sup));
    } else {
        int64_t b = LoadBalance(o, p.payee, p.currency);
        StoreBalance(o, p.payee, p.currency, b + p.amount);
    }
    o.Put(keys::Payout(p.id), EncodeFields(p));
    events.push_back(EvPayout{std::move(p)});
}

Exec AnswerPayout(TxContext& x, uint64_t id, PayoutStatus status, const std::string& note) {
    auto p = LoadPayout(x.o, id);
    if (!p || p->status != PayoutStatus::PENDING)
        return TxFail(Failure::PAYOUT_NOT_PENDING, "payout " + Dec(id) + " is not pending");
    EndPayout(x.o, std::move(*p), status, note, x.block.time_ms, x.events);
    return Ok{};
}


}  // namespace

void AutoPayouts(TxContext& x) {
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
        TxContext sub(attempt, x.tx, x.tx_id, x.block, x.events);
        if (CreatePayout(sub, a, cur, b)) x.o.Absorb(attempt);
        else x.events.resize(events, EvThresholdSet{0});
    }
}

// ---------------------------------------------------------------- deposit

Status<Rejection> Check(const Transaction&, const DepositTx& b) {
    if (auto st = CheckMoney(b.currency, b.amount); !st) return st;
    if (!PrintableAscii(b.reference, 64)) return Rej(Reject::INVALID_FIELD, "reference must be 1..64 printable ASCII characters");
    return CheckValidAddress(b.to, "'to'");
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const DepositTx& b, uint64_t) {
    if (s.Get(keys::DepositRef(tx.sender, b.reference)))
        return Rej(Reject::DUPLICATE_REFERENCE, "deposit reference '" + b.reference + "' was already used by this gateway");
    return RequireKyc(s, b.to, "a deposit credit");
}

Exec Apply(TxContext& x, const DepositTx& b) {
    if (x.o.Get(keys::DepositRef(x.tx.sender, b.reference)))
        return TxFail(Failure::DUPLICATE_REFERENCE, "deposit reference '" + b.reference + "' was already used");
    x.o.Put(keys::DepositRef(x.tx.sender, b.reference), Bytes(x.tx_id.view().begin(), x.tx_id.view().end()));
    if (auto e = Credit(x, b.to, b.currency, b.amount); !e) return e;
    Supply sup = LoadSupply(x.o, b.currency).value_or(Supply{});
    if (sup.deposited > MAX_AMOUNT * 8 - b.amount) return TxFail(Failure::SUPPLY_OVERFLOW, "total deposits overflow");
    sup.deposited += b.amount;
    x.o.Put(keys::Supply(b.currency), EncodeFields(sup));
    x.events.push_back(EvDeposit{b.to, x.tx.sender, b.currency, b.amount, b.reference});
    return Ok{};
}

// ---------------------------------------------------------------- payout preferences, withdrawals

Status<Rejection> Check(const Transaction&, const SetPayoutPrefsTx& b) { return CheckMoney(b.currency, b.threshold, true); }

Status<Rejection> CheckState(const StateReader& s, const Transaction&, const SetPayoutPrefsTx& b, uint64_t) {
    if (!HasRole(LoadAccount(s, b.gateway).roles, Role::GATEWAY))
        return Rej(Reject::INVALID_FIELD, "account " + b.gateway.hex() + " is not a gateway");
    return Ok{};
}

Exec Apply(TxContext& x, const SetPayoutPrefsTx& b) {
    x.o.Put(keys::PayoutPrefs(x.tx.sender), EncodeFields(PayoutPrefs{b.gateway, b.currency, b.threshold}));
    x.events.push_back(EvAccountUpdated{x.tx.sender, "payout_prefs"});
    return Ok{};
}

Status<Rejection> Check(const Transaction&, const WithdrawTx& b) { return CheckMoney(b.currency, b.amount); }

Exec Apply(TxContext& x, const WithdrawTx& b) { return CreatePayout(x, x.tx.sender, b.currency, b.amount); }

// ---------------------------------------------------------------- gateways' answers, expiry

Status<Rejection> Check(const Transaction&, const PayoutConfirmTx& b) {
    if (!PrintableAscii(b.reference, 128)) return Rej(Reject::INVALID_FIELD, "reference must be 1..128 printable ASCII characters");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const PayoutConfirmTx& b, uint64_t time_ms) {
    return PayoutAnswerable(s, b.payout_id, time_ms, tx.sender);
}

Exec Apply(TxContext& x, const PayoutConfirmTx& b) {
    return AnswerPayout(x, b.payout_id, PayoutStatus::CONFIRMED, b.reference);
}

Status<Rejection> Check(const Transaction&, const PayoutFailTx& b) {
    if (!PrintableAscii(b.reason, 256)) return Rej(Reject::INVALID_FIELD, "reason must be 1..256 printable ASCII characters");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const PayoutFailTx& b, uint64_t time_ms) {
    return PayoutAnswerable(s, b.payout_id, time_ms, tx.sender);
}

Exec Apply(TxContext& x, const PayoutFailTx& b) { return AnswerPayout(x, b.payout_id, PayoutStatus::FAILED, b.reason); }

// payout_expire is retired: payouts expire at the block step (ExpirePayouts). The kind keeps its
// number so old encodings still decode; a new one never enters a block.
Status<Rejection> Check(const Transaction&, const PayoutExpireTx& b) {
    return Rej(Reject::RETIRED_KIND, "payout_expire is retired: payout " + Dec(b.payout_id) +
                                         " expires by itself at the first block after its expiry (docs/settlement.md)");
}

Exec Apply(TxContext&, const PayoutExpireTx&) {
    return TxFail(Failure::RETIRED_KIND, "payout_expire is retired");  // unreachable: Check rejects it
}

void ExpirePayouts(Overlay& o, uint64_t time_ms, std::vector<Event>& events) {
    auto c = LoadRecord<PayoutExpiryCursor>(o, keys::PayoutExpiryCursor(), "payout expiry cursor");
    if (!c) return;
    const uint64_t now = time_ms / PAYOUT_EXPIRY_BUCKET_MS;
    // Minutes before `now` are wholly past (their payouts all have expires_ms < time_ms): done
    // and deleted. The current minute is looked at again by each block until it is past. A block
    // expires at most MAX_BLOCK_STEP_EVENTS payouts (a receipt's limit); the next block goes on.
    uint64_t first = std::max(now, c->first_minute);
    for (uint64_t m = c->first_minute; m <= std::min(now, c->last_minute); ++m) {
        const uint64_t n = LoadCounter(o, keys::PayoutExpiryCount(m));
        uint64_t k = 0;
        for (; k < n; ++k) {
            auto raw = o.Get(keys::PayoutExpiryEntry(m, k));
            if (!raw) CorruptStore("payout expiry entry");
            auto p = LoadPayout(o, DecodeU64(*raw, "payout expiry entry"));
            if (!p) CorruptStore("payout named by the expiry index");
            if (p->status != PayoutStatus::PENDING || p->expires_ms >= time_ms) continue;
            if (events.size() >= MAX_BLOCK_STEP_EVENTS) break;
            EndPayout(o, std::move(*p), PayoutStatus::EXPIRED, "expired", time_ms, events);
        }
        if (k < n) {  // stopped at the limit: this minute again next block
            first = m;
            break;
        }
        if (m < now) {
            for (k = 0; k < n; ++k) o.Delete(keys::PayoutExpiryEntry(m, k));
            if (n > 0) o.Delete(keys::PayoutExpiryCount(m));
        }
    }
    if (first > c->last_minute) o.Delete(keys::PayoutExpiryCursor());
    else if (first != c->first_minute) o.Put(keys::PayoutExpiryCursor(), EncodeFields(PayoutExpiryCursor{first, c->last_minute}));
}

// ---------------------------------------------------------------- KYC, FX rates

Status<Rejection> Check(const Transaction&, const SetKycTx& b) {
    if (static_cast<uint8_t>(b.status) > 2) return Rej(Reject::INVALID_FIELD, "unknown KYC status");
    if (!IsCountry(b.residency)) return Rej(Reject::INVALID_FIELD, "residency must be an ISO 3166-1 alpha-2 code");
    return CheckValidAddress(b.account, "account");
}

Exec Apply(TxContext& x, const SetKycTx& b) {
    Account a = LoadAccount(x.o, b.account);
    a.kyc = b.status;
    a.residency = b.residency;
    StoreAccount(x.o, b.account, a);
    x.events.push_back(EvAccountUpdated{b.account, "kyc"});
    return Ok{};
}

Status<Rejection> Check(const Transaction&, const PostFxRateTx& b) {
    if (!FindCurrency(b.base) || !FindCurrency(b.quote) || b.base == b.quote)
        return Rej(Reject::INVALID_FIELD, "a rate needs two different known currencies");
    if (b.num == 0 || b.den == 0 || b.num > static_cast<uint64_t>(MAX_AMOUNT) || b.den > static_cast<uint64_t>(MAX_AMOUNT))
        return Rej(Reject::INVALID_FIELD, "rate numerator and denominator must be 1..10^18");
    return Ok{};
}

Exec Apply(TxContext& x, const PostFxRateTx& b) {
    FxRate r{NextId(x.o, keys::NextFxId()), b.base, b.quote, b.num, b.den, x.tx.sender, x.block.time_ms};
    x.o.Put(keys::FxRate(r.id), EncodeFields(r));
    x.o.Put(keys::FxLatest(b.base, b.quote), EncodeFields(r));
    x.events.push_back(EvFxRate{r.id, b.base, b.quote, b.num, b.den});
    return Ok{};
}

// ---------------------------------------------------------------- transfer

Status<Rejection> Check(const Transaction&, const TransferTx& b) {
    if (auto st = CheckMoney(b.currency, b.amount); !st) return st;
    return CheckValidAddress(b.to, "'to'");
}

Exec Apply(TxContext& x, const TransferTx& b) {
    if (IsContract(x.o, b.to))
        return TxFail(Failure::CONTRACT_RECIPIENT, "transfers go to accounts; contracts are paid through their own calls");
    if (auto e = Debit(x, x.tx.sender, b.currency, b.amount); !e) return e;
    if (auto hit = ScreenAml(x.o, x.tx.sender, b.to, b.currency, b.amount, x.block.time_ms)) {
        HoldAml(x, AmlHoldKind::TRANSFER, x.tx.sender, b.to, b.currency, b.amount, *hit);
        return Ok{};
    }
    if (auto e = Credit(x, b.to, b.currency, b.amount); !e) return e;
    x.events.push_back(EvTransfer{x.tx.sender, b.to, b.currency, b.amount});
    CountAml(x.o, x.tx.sender, b.currency, b.amount, x.block.time_ms);
    return Ok{};
}

}  // namespace folio::state
