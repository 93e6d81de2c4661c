// Revenue: royalties and licence fees reported against a work, and pools split by watch time;
// every payment into a work goes through its revenue_split contract (PayWork).
#include <node/state/domains.h>

#include <node/core/amount.h>
#include <node/protocol/addresses.h>
#include <node/protocol/territory.h>
#include <node/state/contracts.h>
#include <vm/abi.h>

namespace folio::state {

int64_t SourceOf(const StateReader& s, const std::string& territory, const Licence* l, const Address& payer) {
    if (!territory.empty()) return PackCountry(territory);
    if (l && l->terms.territories.size() == 1 && l->terms.territories[0] != "WW") return PackCountry(l->terms.territories[0]);
    return PackCountry(LoadAccount(s, payer).residency);
}

Exec PayWithheld(TxContext& x, const Address& payer, const Address& payee, const std::string& cur, int64_t amount,
                 IncomeType income, int64_t source) {
    if (auto e = Debit(x, payer, cur, amount); !e) return e;
    if (auto e = Credit(x, TaxContractAddress(), cur, amount); !e) return e;
    Bytes in = *vm::EncodeCallChecked("withhold(address,int,int,int,int)",
                                      {payee, PackCurrencyText(cur), amount, static_cast<int64_t>(income), source});
    if (auto r = Call(x, LedgerAddress(), TaxContractAddress(), in, LEDGER_CALL_GAS); !r) return Fail(r.error());
    return Ok{};
}

Exec PayWork(TxContext& x, const Address& payer, uint64_t work, const std::string& cur, int64_t amount, IncomeType income,
             int64_t source, const std::string& period) {
    if (LoadBalance(x.o, payer, cur) < amount) return Debit(x, payer, cur, amount);  // insufficient_funds, naming both
    x.events.push_back(EvRevenue{work, payer, cur, amount, income, period});
    // Recoupment first (set_recoupment): in its currency, the advance's payee gets what is still
    // to recoup, through withholding like any payee; the rest goes on.
    if (auto rc = LoadRecord<Recoupment>(x.o, keys::WorkRecoupment(work), "recoupment");
        rc && rc->currency == cur && rc->recouped < rc->amount) {
        const int64_t part = std::min(amount, rc->amount - rc->recouped);
        if (auto e = PayWithheld(x, payer, rc->payee, cur, part, income, source); !e) return e;
        rc->recouped += part;
        x.o.Put(keys::WorkRecoupment(work), EncodeFields(*rc));
        x.events.push_back(EvRecoupment{work, rc->payee, cur, rc->amount, rc->recouped, part});
        amount -= part;
        if (amount == 0) return Ok{};
    }
    if (auto e = Debit(x, payer, cur, amount); !e) return e;
    // The work's revenue split, or the contract its owners attached (attach_contract).
    Address split = RevenueContractOf(x.o, work);
    if (!IsContract(x.o, split)) return TxFail(Failure::NOT_FOUND, "work " + Dec(work) + " has no revenue contract");
    if (auto e = Credit(x, split, cur, amount); !e) return e;
    Bytes input = *vm::EncodeCallChecked("distribute(int,int,int,int)",
                                         {PackCurrencyText(cur), amount, static_cast<int64_t>(income), source});
    auto r = Call(x, LedgerAddress(), split, input, LEDGER_CALL_GAS);
    if (!r) return Fail(r.error());
    return Ok{};
}

// ---------------------------------------------------------------- report_revenue

Status<Rejection> Check(const Transaction&, const ReportRevenueTx& b) {
    if (!FindCurrency(b.currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + b.currency + "'");
    if (b.gross > 0) {
        if (b.amount != 0 || b.licence == 0) return Rej(Reject::INVALID_FIELD, "a gross figure needs a licence and no amount");
        if (b.gross > MAX_AMOUNT) return Rej(Reject::INVALID_FIELD, "gross out of range");
    } else if (auto st = CheckMoney(b.currency, b.amount); !st) {
        return st;
    }
    if (!b.territory.empty() && !IsCountry(b.territory)) return Rej(Reject::INVALID_FIELD, "unknown territory '" + b.territory + "'");
    if (b.period.size() > 64) return Rej(Reject::INVALID_FIELD, "period too long");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ReportRevenueTx& b, uint64_t) {
    if (!LoadWork(s, b.work)) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
    if (auto st = RequireKyc(s, tx.sender, "a revenue report"); !st) return st;
    if (b.licence != 0) {
        auto l = LoadLicence(s, b.licence);
        if (!l || l->work != b.work) return Rej(Reject::NOT_FOUND, "no licence " + Dec(b.licence) + " of work " + Dec(b.work));
        if (l->licensee != tx.sender)
            return Rej(Reject::MISSING_PERMISSION, "missing permission: licence " + Dec(b.licence) + " is not the sender's");
    }
    return Ok{};
}

Exec Apply(TxContext& x, const ReportRevenueTx& b) {
    std::optional<Licence> l;
    if (b.licence) l = LoadLicence(x.o, b.licence);
    int64_t amount = b.amount;
    if (b.gross > 0) {
        // Checked at admission: a gross figure names a licence of this work.
        if (!l) return TxFail(Failure::NOT_FOUND, "no licence " + Dec(b.licence));
        auto a = MulDivFloor(b.gross, l->terms.royalty_bps, BPS_TOTAL);
        if (!a || *a == 0) return TxFail(Failure::AMOUNT_ZERO, "the royalty on that gross figure rounds to zero");
        amount = *a;
    }
    return PayWork(x, x.tx.sender, b.work, b.currency, amount, IncomeType::ROYALTY,
                   SourceOf(x.o, b.territory, l ? &*l : nullptr, x.tx.sender), b.period);
}

// ---------------------------------------------------------------- report_pool

Status<Rejection> Check(const Transaction&, const ReportPoolTx& b) {
    if (auto st = CheckMoney(b.currency, b.pool); !st) return st;
    if (b.entries.empty() || b.entries.size() > 1000) return Rej(Reject::INVALID_FIELD, "1..1000 pool entries required");
    for (size_t i = 0; i < b.entries.size(); ++i) {
        if (b.entries[i].seconds == 0 || b.entries[i].seconds > (1ull << 40))
            return Rej(Reject::INVALID_FIELD, "watch seconds must be 1..2^40");
        if (i > 0 && b.entries[i - 1].work >= b.entries[i].work)
            return Rej(Reject::INVALID_FIELD, "pool entries must be sorted by work and unique");
    }
    if (b.promoter_bps > BPS_TOTAL) return Rej(Reject::INVALID_FIELD, "promoter share above 10000 bps");
    if ((b.promoter_bps > 0) != !b.promoter.IsZero())
        return Rej(Reject::INVALID_FIELD, "a promoter share needs a promoter and vice versa");
    if (!b.territory.empty() && !IsCountry(b.territory)) return Rej(Reject::INVALID_FIELD, "unknown territory '" + b.territory + "'");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const ReportPoolTx& b, uint64_t) {
    for (const PoolEntry& e : b.entries)
        if (!LoadWork(s, e.work)) return Rej(Reject::NOT_FOUND, "no work " + Dec(e.work));
    return RequireKyc(s, tx.sender, "a pool report");
}

Exec Apply(TxContext& x, const ReportPoolTx& b) {
    int64_t promoter = 0;
    if (b.promoter_bps > 0) promoter = *MulDivFloor(b.pool, b.promoter_bps, BPS_TOTAL);
    int64_t source = SourceOf(x.o, b.territory, nullptr, x.tx.sender);
    // The promoter's share is royalty income of the pool's source, withheld like the works' parts.
    if (promoter > 0) {
        if (IsContract(x.o, b.promoter)) return TxFail(Failure::CONTRACT_RECIPIENT, "the promoter must be an account");
        if (auto e = PayWithheld(x, x.tx.sender, b.promoter, b.currency, promoter, IncomeType::ROYALTY, source); !e) return e;
        x.events.push_back(EvTransfer{x.tx.sender, b.promoter, b.currency, promoter});
    }
    std::vector<uint64_t> weights;
    for (const PoolEntry& e : b.entries) weights.push_back(e.seconds);
    std::vector<int64_t> parts = SplitLargestRemainder(b.pool - promoter, weights);
    for (size_t i = 0; i < parts.size(); ++i) {
        if (parts[i] == 0) continue;
        if (auto e = PayWork(x, x.tx.sender, b.entries[i].work, b.currency, parts[i], IncomeType::ROYALTY, source, b.period); !e)
            return e;
    }
    return Ok{};
}

// ---------------------------------------------------------------- set_recoupment

Status<Rejection> Check(const Transaction&, const SetRecoupmentTx& b) {
    if (auto st = CheckMoney(b.currency, b.amount, true); !st) return st;
    if (b.amount > 0 && !IsValidPublicKey(b.payee)) return Rej(Reject::INVALID_FIELD, "the payee is not a valid address");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const SetRecoupmentTx& b, uint64_t) {
    auto w = LoadWork(s, b.work);
    if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
    if (!IsOwner(*w, tx.sender))
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner may set work " + Dec(b.work) + "'s recoupment");
    if (b.amount == 0 && !s.Get(keys::WorkRecoupment(b.work)))
        return Rej(Reject::INVALID_FIELD, "work " + Dec(b.work) + " has no recoupment to remove");
    Hash256 digest = RecoupmentDigest(tx.chain_id, b.work, LoadSharesVersion(s, b.work), b.payee, b.currency, b.amount);
    return CheckOwnersConsent(*w, tx.sender, b.consents, digest);
}

Exec Apply(TxContext& x, const SetRecoupmentTx& b) {
    if (b.amount == 0) x.o.Delete(keys::WorkRecoupment(b.work));
    else x.o.Put(keys::WorkRecoupment(b.work), EncodeFields(Recoupment{b.payee, b.currency, b.amount, 0}));
    x.o.Put(keys::SharesVersion(b.work), EncodeU64(LoadSharesVersion(x.o, b.work) + 1));
    x.events.push_back(EvRecoupment{b.work, b.payee, b.currency, b.amount, 0, 0});
    return Ok{};
}

}  // namespace folio::state
