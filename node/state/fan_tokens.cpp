// Fan tokens: a creator's or studio's capped fungible token for a work or for itself, primary
// sales (through the work's split, or to the issuer), transfers, and the perk a holding grants
// (licence_check). docs/settlement.md, "Fan tokens".
#include <node/state/domains.h>

#include <algorithm>

#include <node/core/amount.h>
#include <node/state/licences.h>

namespace folio::state {

namespace {

bool ValidSymbol(const std::string& s) {
    return s.size() >= 2 && s.size() <= 8 && s[0] >= 'A' && s[0] <= 'Z' &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool ValidPerk(const std::string& s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

std::string Tokens(uint64_t n, const FanToken& t) { return Dec(n) + " " + t.symbol; }

}  // namespace

// ---------------------------------------------------------------- fan_token_issue

Status<Rejection> Check(const Transaction&, const FanTokenIssueTx& b) {
    if (!ValidSymbol(b.symbol)) return Rej(Reject::INVALID_FIELD, "a symbol is 2..8 of A-Z and 0-9, starting with a letter");
    if (b.name.empty() || !std::all_of(b.name.begin(), b.name.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        return Rej(Reject::INVALID_FIELD, "name must be 1..64 printable ASCII characters");
    if (b.cap == 0 || b.cap > MAX_FAN_TOKEN_CAP) return Rej(Reject::INVALID_FIELD, "cap must be 1..10^12 tokens");
    if (auto st = CheckMoney(b.currency, b.price); !st) return st;
    if (b.perk.empty() != (b.perk_min == 0))
        return Rej(Reject::INVALID_FIELD, "a perk needs perk_min >= 1 tokens, and perk_min needs a perk");
    if (!b.perk.empty() && !ValidPerk(b.perk)) return Rej(Reject::INVALID_FIELD, "a perk is 1..32 of a-z and _ (e.g. exclusive_content)");
    if (b.perk_min > b.cap) return Rej(Reject::INVALID_FIELD, "perk_min is above the cap: no one could hold that many");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const FanTokenIssueTx& b, uint64_t) {
    if (auto id = LoadFanTokenIdBySymbol(s, b.symbol))
        return Rej(Reject::INVALID_FIELD, "symbol " + b.symbol + " is taken by fan token " + Dec(*id));
    if (b.work != 0) {
        auto w = LoadWork(s, b.work);
        if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
        if (!IsOwner(*w, tx.sender))
            return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner of work " + Dec(b.work) + " may issue its fan token");
    }
    return Ok{};
}

Exec Apply(TxContext& x, const FanTokenIssueTx& b) {
    if (LoadFanTokenIdBySymbol(x.o, b.symbol)) return TxFail(Failure::INVALID_FIELD, "symbol " + b.symbol + " is taken");
    FanToken t{NextId(x.o, keys::NextFanTokenId()), b.symbol, b.name, x.tx.sender, b.work, b.cap, 0, b.currency, b.price,
               b.perk, b.perk_min, x.block.height};
    x.o.Put(keys::FanToken(t.id), EncodeFields(t));
    x.o.Put(keys::FanTokenBySymbol(t.symbol), EncodeU64(t.id));
    AppendIdList(x.o, b.work != 0 ? keys::FanTokensOfWork(b.work) : keys::FanTokensOfIssuer(x.tx.sender), t.id);
    x.events.push_back(EvFanToken{t.id, FanTokenAction::ISSUED, x.tx.sender, Address{}, t.cap, t.currency, 0});
    return Ok{};
}

// ---------------------------------------------------------------- fan_token_buy

Status<Rejection> Check(const Transaction&, const FanTokenBuyTx& b) {
    if (b.amount == 0 || b.amount > MAX_FAN_TOKEN_CAP) return Rej(Reject::INVALID_FIELD, "amount must be 1..10^12 tokens");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction&, const FanTokenBuyTx& b, uint64_t) {
    auto t = LoadFanToken(s, b.token);
    if (!t) return Rej(Reject::NOT_FOUND, "no fan token " + Dec(b.token));
    if (b.amount > t->cap - t->sold)
        return Rej(Reject::FAN_TOKEN_CAP, Tokens(t->cap - t->sold, *t) + " of the cap of " + Tokens(t->cap, *t) + " are left for sale");
    return Ok{};
}

Exec Apply(TxContext& x, const FanTokenBuyTx& b) {
    auto t = LoadFanToken(x.o, b.token);
    if (!t) return TxFail(Failure::NOT_FOUND, "no fan token " + Dec(b.token));
    if (b.amount > t->cap - t->sold) return TxFail(Failure::FAN_TOKEN_CAP, Tokens(t->cap - t->sold, *t) + " are left for sale");
    auto total = MulDivFloor(t->price, static_cast<int64_t>(std::min<uint64_t>(b.amount, MAX_AMOUNT)), 1);
    if (!total || *total <= 0 || *total > MAX_AMOUNT)
        return TxFail(Failure::BALANCE_OVERFLOW, "the price of " + Tokens(b.amount, *t) + " is above 10^18 minor units");
    // Primary sales of a work's token pay through the work's split (income type nft_sale: sales of
    // digital items, withheld as such); a token of the issuer's own pays the issuer.
    if (t->work != 0) {
        if (auto e = PayWork(x, x.tx.sender, t->work, t->currency, *total, IncomeType::NFT_SALE, SourceOf(x.o, "", nullptr, x.tx.sender), "");
            !e)
            return e;
    } else {
        if (auto e = Debit(x, x.tx.sender, t->currency, *total); !e) return e;
        if (auto e = Credit(x, t->issuer, t->currency, *total); !e) return e;
        x.events.push_back(EvTransfer{x.tx.sender, t->issuer, t->currency, *total});
    }
    t->sold += b.amount;
    x.o.Put(keys::FanToken(t->id), EncodeFields(*t));
    FanHolding h = LoadFanHolding(x.o, t->id, x.tx.sender);
    if (h.amount == 0) h.since_height = x.block.height;
    h.amount += b.amount;
    StoreFanHolding(x.o, t->id, x.tx.sender, h);
    x.events.push_back(EvFanToken{t->id, FanTokenAction::SOLD, Address{}, x.tx.sender, b.amount, t->currency, *total});
    return Ok{};
}

// ---------------------------------------------------------------- fan_token_transfer

Status<Rejection> Check(const Transaction& tx, const FanTokenTransferTx& b) {
    if (b.amount == 0 || b.amount > MAX_FAN_TOKEN_CAP) return Rej(Reject::INVALID_FIELD, "amount must be 1..10^12 tokens");
    if (!IsValidPublicKey(b.to)) return Rej(Reject::INVALID_FIELD, "'to' is not a valid address");
    if (b.to == tx.sender) return Rej(Reject::INVALID_FIELD, "a transfer to oneself changes nothing");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction&, const FanTokenTransferTx& b, uint64_t) {
    if (!LoadFanToken(s, b.token)) return Rej(Reject::NOT_FOUND, "no fan token " + Dec(b.token));
    return Ok{};
}

Exec Apply(TxContext& x, const FanTokenTransferTx& b) {
    auto t = LoadFanToken(x.o, b.token);
    if (!t) return TxFail(Failure::NOT_FOUND, "no fan token " + Dec(b.token));
    FanHolding from = LoadFanHolding(x.o, t->id, x.tx.sender);
    if (from.amount < b.amount)
        return TxFail(Failure::INSUFFICIENT_FUNDS, "the sender holds " + Tokens(from.amount, *t) + ", not " + Tokens(b.amount, *t));
    from.amount -= b.amount;
    StoreFanHolding(x.o, t->id, x.tx.sender, from);
    FanHolding to = LoadFanHolding(x.o, t->id, b.to);
    if (to.amount == 0) to.since_height = x.block.height;
    to.amount += b.amount;
    StoreFanHolding(x.o, t->id, b.to, to);
    x.events.push_back(EvFanToken{t->id, FanTokenAction::TRANSFERRED, x.tx.sender, b.to, b.amount, t->currency, 0});
    return Ok{};
}

// ---------------------------------------------------------------- perks

std::vector<FanToken> FanTokensFor(const StateReader& s, uint64_t work) {
    std::vector<FanToken> out;
    auto w = LoadWork(s, work);
    if (!w) return out;
    for (uint64_t id : LoadIdList(s, keys::FanTokensOfWork(work), "fan tokens of a work"))
        if (auto t = LoadFanToken(s, id)) out.push_back(*t);
    for (const Share& owner : w->owners)
        for (uint64_t id : LoadIdList(s, keys::FanTokensOfIssuer(owner.owner), "fan tokens of an issuer"))
            if (auto t = LoadFanToken(s, id)) out.push_back(*t);
    return out;
}

std::optional<FanPerk> FanPerkOf(const StateReader& s, uint64_t work, const Address& holder, std::string_view perk, bool* named) {
    if (named) *named = false;
    for (const FanToken& t : FanTokensFor(s, work)) {
        if (t.perk != perk) continue;
        if (named) *named = true;
        FanHolding h = LoadFanHolding(s, t.id, holder);
        if (h.amount >= t.perk_min) return FanPerk{t.id, t.symbol, h.amount, t.perk_min};
    }
    return std::nullopt;
}

}  // namespace folio::state
