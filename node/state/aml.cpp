// AML (docs/settlement.md, "AML"): the screen every payout and transfer passes — the sanctions
// list first, then the currency's single and rolling limits — the holds it makes, and the
// compliance role's release and reject.
#include <node/state/domains.h>

#include <algorithm>

#include <node/core/amount.h>
#include <node/protocol/territory.h>

namespace folio::state {

namespace {

constexpr uint64_t HOUR_MS = 3'600'000;

// `p` or its KYC residency on the sanctions list.
std::optional<AmlScreen> SanctionOf(const StateReader& s, const Address& p) {
    if (p.IsZero()) return std::nullopt;
    if (LoadSanctionedAccount(s, p)) return AmlScreen{AmlReason::SANCTIONED_ACCOUNT, 0, 0, p.hex()};
    const std::string residency = LoadAccount(s, p).residency;
    if (!residency.empty() && LoadSanctionedCountry(s, residency))
        return AmlScreen{AmlReason::SANCTIONED_COUNTRY, 0, 0, residency};
    return std::nullopt;
}

// The sum of `r`'s buckets in the `window_hours` hours ending with `hour`.
int64_t WindowSum(const AmlRolling& r, uint64_t hour, uint32_t window_hours) {
    int64_t sum = 0;  // saturates at MAX_AMOUNT: above every limit either way
    for (const AmlBucket& b : r.buckets)
        if (b.hour + window_hours > hour) sum = std::min(MAX_AMOUNT, sum + b.sum);
    return sum;
}

std::string Money(int64_t v, const std::string& cur) { return FormatAmount(v, *FindCurrency(cur)) + " " + cur; }

// Returns a held amount to `a`'s balance without an automatic payout (a rejected payout would
// otherwise be instructed, and held, again at once).
Exec Refund(Overlay& o, const Address& a, const std::string& cur, int64_t amount) {
    int64_t b = LoadBalance(o, a, cur);
    if (b > MAX_AMOUNT - amount) return TxFail(Failure::BALANCE_OVERFLOW, "the balance would exceed 10^18 minor units");
    StoreBalance(o, a, cur, b + amount);
    return Ok{};
}

}  // namespace

std::optional<AmlScreen> ScreenAml(const StateReader& s, const Address& from, const Address& to, const std::string& cur,
                                   int64_t amount, uint64_t time_ms) {
    // Every payout and transfer passes here: with nothing listed, one read instead of the
    // parties' listings and residencies.
    if (LoadCounter(s, keys::SanctionCount()) > 0) {
        if (auto hit = SanctionOf(s, from)) return hit;
        if (auto hit = SanctionOf(s, to)) return hit;
    }
    auto limit = LoadAmlLimit(s, cur);
    if (!limit) return std::nullopt;
    if (limit->single > 0 && amount > limit->single) return AmlScreen{AmlReason::SINGLE_LIMIT, limit->single, 0, {}};
    if (limit->rolling > 0) {
        int64_t sum = WindowSum(LoadAmlRolling(s, from, cur), time_ms / HOUR_MS, limit->window_hours);
        if (sum > limit->rolling - amount) return AmlScreen{AmlReason::ROLLING_LIMIT, limit->rolling, sum, {}};
    }
    return std::nullopt;
}

void CountAml(Overlay& o, const Address& from, const std::string& cur, int64_t amount, uint64_t time_ms) {
    auto limit = LoadAmlLimit(o, cur);
    if (!limit || limit->rolling == 0) return;  // counted only while the currency has a rolling limit
    const uint64_t hour = time_ms / HOUR_MS;
    AmlRolling r = LoadAmlRolling(o, from, cur);
    std::erase_if(r.buckets, [&](const AmlBucket& b) { return b.hour + limit->window_hours <= hour; });
    // A bucket's sum saturates at MAX_AMOUNT: above every limit either way (limits are <= MAX_AMOUNT).
    if (!r.buckets.empty() && r.buckets.back().hour == hour)
        r.buckets.back().sum = std::min(MAX_AMOUNT, r.buckets.back().sum + amount);
    else
        r.buckets.push_back(AmlBucket{hour, amount});
    o.Put(keys::AmlRolling(from, cur), EncodeFields(r));
}

void HoldAml(TxContext& x, AmlHoldKind kind, const Address& from, const Address& to, const std::string& cur, int64_t amount,
             const AmlScreen& why) {
    AmlHold h;
    h.id = NextId(x.o, keys::NextAmlHoldId());
    h.kind = kind;
    h.from = from;
    h.to = to;
    h.currency = cur;
    h.amount = amount;
    h.reason = why.reason;
    h.limit = why.limit;
    h.rolling_sum = why.rolling_sum;
    h.listed = why.listed;
    h.status = why.reason == AmlReason::SANCTIONED_ACCOUNT || why.reason == AmlReason::SANCTIONED_COUNTRY ? AmlHoldStatus::BLOCKED
                                                                                                          : AmlHoldStatus::HELD;
    h.created_ms = x.block.time_ms;
    h.tx = x.tx_id;
    x.o.Put(keys::AmlHold(h.id), EncodeFields(h));
    x.events.push_back(EvAmlHold{std::move(h)});
}

std::string AmlScreenText(const AmlScreen& why, const std::string& cur, int64_t amount) {
    switch (why.reason) {
        case AmlReason::SINGLE_LIMIT: return Money(amount, cur) + " is above the single limit of " + Money(why.limit, cur);
        case AmlReason::ROLLING_LIMIT:
            return "the rolling sum " + Money(why.rolling_sum, cur) + " plus " + Money(amount, cur) + " is above the limit of " +
                   Money(why.limit, cur);
        case AmlReason::SANCTIONED_ACCOUNT: return "account " + why.listed + " is on the sanctions list";
        case AmlReason::SANCTIONED_COUNTRY: return "residency " + why.listed + " is on the sanctions list";
    }
    return "held";
}

// ---------------------------------------------------------------- compliance decisions

namespace {

Status<Rejection> CheckNote(const std::string& note) {
    if (!PrintableAscii(note, 256)) return Rej(Reject::INVALID_FIELD, "note must be 1..256 printable ASCII characters");
    return Ok{};
}

// Hold `id` is open and no party of it is on the sanctions list now.
Status<Rejection> Decidable(const StateReader& s, uint64_t id) {
    auto h = LoadAmlHold(s, id);
    if (!h) return Rej(Reject::NOT_FOUND, "no AML hold " + Dec(id));
    if (h->status != AmlHoldStatus::HELD && h->status != AmlHoldStatus::BLOCKED)
        return Rej(Reject::HOLD_DECIDED, "AML hold " + Dec(id) + " was already " + AmlHoldStatusName(h->status) + " by " +
                                             h->decided_by.hex() + " (" + h->note + ")");
    const Address to = h->kind == AmlHoldKind::TRANSFER ? h->to : Address{};
    for (const Address& p : {h->from, to})
        if (auto hit = SanctionOf(s, p))
            return Rej(Reject::SANCTIONED, "AML hold " + Dec(id) + " cannot be decided while " + AmlScreenText(*hit, h->currency, 0) +
                                               "; governance must delist it first");
    return Ok{};
}

// The hold, decided: stored and announced.
void EndHold(TxContext& x, AmlHold h, AmlHoldStatus status, const std::string& note) {
    h.status = status;
    h.ended_ms = x.block.time_ms;
    h.decided_by = x.tx.sender;
    h.note = note;
    x.o.Put(keys::AmlHold(h.id), EncodeFields(h));
    x.events.push_back(EvAmlHold{std::move(h)});
}

}  // namespace

Status<Rejection> Check(const Transaction&, const AmlReleaseTx& b) { return CheckNote(b.note); }
Status<Rejection> CheckState(const StateReader& s, const Transaction&, const AmlReleaseTx& b, uint64_t) { return Decidable(s, b.hold); }

Exec Apply(TxContext& x, const AmlReleaseTx& b) {
    if (auto st = Decidable(x.o, b.hold); !st) return TxFail(st.error().code, st.error().message);
    AmlHold h = *LoadAmlHold(x.o, b.hold);
    if (h.kind == AmlHoldKind::PAYOUT) {
        // The instruction is made now, to the payee's gateway and at the rate of now.
        if (auto e = Refund(x.o, h.from, h.currency, h.amount); !e) return e;
        size_t before = x.events.size();
        if (auto e = CreatePayout(x, h.from, h.currency, h.amount, false); !e) return e;
        h.payout_id = std::get<EvPayout>(x.events[before]).payout.id;
    } else {
        if (IsContract(x.o, h.to)) CorruptStore("AML hold of a transfer to a contract");
        if (auto e = Credit(x, h.to, h.currency, h.amount); !e) return e;
        x.events.push_back(EvTransfer{h.from, h.to, h.currency, h.amount});
        CountAml(x.o, h.from, h.currency, h.amount, x.block.time_ms);
    }
    EndHold(x, std::move(h), AmlHoldStatus::RELEASED, b.note);
    return Ok{};
}

Status<Rejection> Check(const Transaction&, const AmlRejectTx& b) { return CheckNote(b.note); }
Status<Rejection> CheckState(const StateReader& s, const Transaction&, const AmlRejectTx& b, uint64_t) { return Decidable(s, b.hold); }

Exec Apply(TxContext& x, const AmlRejectTx& b) {
    if (auto st = Decidable(x.o, b.hold); !st) return TxFail(st.error().code, st.error().message);
    AmlHold h = *LoadAmlHold(x.o, b.hold);
    if (auto e = Refund(x.o, h.from, h.currency, h.amount); !e) return e;
    EndHold(x, std::move(h), AmlHoldStatus::REJECTED, b.note);
    return Ok{};
}

// ---------------------------------------------------------------- governance's lists

Status<Rejection> CheckAction(const SetAmlLimit& a) {
    if (!FindCurrency(a.currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + a.currency + "'");
    if (a.single < 0 || a.single > MAX_AMOUNT || a.rolling < 0 || a.rolling > MAX_AMOUNT)
        return Rej(Reject::INVALID_FIELD, "limits must be 0.." + std::to_string(MAX_AMOUNT) + " minor units (0 = none)");
    if (a.rolling > 0 && (a.window_hours < 1 || a.window_hours > MAX_AML_WINDOW_HOURS))
        return Rej(Reject::INVALID_FIELD, "a rolling limit needs a window of 1.." + std::to_string(MAX_AML_WINDOW_HOURS) + " hours");
    if (a.rolling == 0 && a.window_hours != 0) return Rej(Reject::INVALID_FIELD, "a window needs a rolling limit");
    return Ok{};
}

Status<Rejection> CheckAction(const SetSanction& a) {
    if (a.account.IsZero() == a.country.empty())
        return Rej(Reject::INVALID_FIELD, "a sanction names either an account or a country");
    if (!a.account.IsZero() && !IsValidPublicKey(a.account)) return Rej(Reject::INVALID_FIELD, "account is not a valid address");
    if (!a.country.empty() && !IsCountry(a.country))
        return Rej(Reject::INVALID_FIELD, "country '" + a.country + "' is not an ISO 3166-1 alpha-2 code");
    if (!PrintableAscii(a.note, 128)) return Rej(Reject::INVALID_FIELD, "note must be 1..128 printable ASCII characters");
    return Ok{};
}

Exec Execute(TxContext& x, const SetAmlLimit& a) {
    auto current = LoadAmlLimit(x.o, a.currency);
    const bool remove = a.single == 0 && a.rolling == 0;
    if (remove ? !current : current == a)
        return TxFail(Failure::NO_CHANGE, remove ? a.currency + " has no AML limits" : "these are " + a.currency + "'s AML limits");
    if (remove) x.o.Delete(keys::AmlLimit(a.currency));
    else x.o.Put(keys::AmlLimit(a.currency), EncodeFields(a));
    x.events.push_back(EvAmlLimit{a});
    return Ok{};
}

Exec Execute(TxContext& x, const SetSanction& a) {
    const Bytes key = a.account.IsZero() ? keys::SanctionedCountry(a.country) : keys::SanctionedAccount(a.account);
    const std::string who = a.account.IsZero() ? "country " + a.country : "account " + a.account.hex();
    const bool listed = x.o.Get(key).has_value();
    if (listed == a.listed) return TxFail(Failure::NO_CHANGE, who + (listed ? " is already listed" : " is not listed"));
    if (a.listed) x.o.Put(key, EncodeFields(Sanction{a.account, a.country, a.note, x.block.time_ms, x.block.height}));
    else x.o.Delete(key);
    const uint64_t n = LoadCounter(x.o, keys::SanctionCount());
    if (a.listed) x.o.Put(keys::SanctionCount(), EncodeU64(n + 1));
    else if (n > 1) x.o.Put(keys::SanctionCount(), EncodeU64(n - 1));
    else x.o.Delete(keys::SanctionCount());
    x.events.push_back(EvSanction{a});
    return Ok{};
}

}  // namespace folio::state
