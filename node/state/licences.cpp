// Licences: grants (offers or free licences), acceptance (paying the fee into the work's split),
// revocation; the conflict rule and the licence query.
#include <node/state/licences.h>

#include <node/protocol/territory.h>
#include <node/state/domains.h>

namespace folio::state {

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

// ---------------------------------------------------------------- shared with auctions

Status<Rejection> CheckTerms(const LicenceTerms& t) {
    std::string err = CheckLicenceTerms(t);
    if (!err.empty()) return Rej(Reject::INVALID_FIELD, err);
    return Ok{};
}

Status<Rejection> CheckLicensable(const StateReader& s, const Transaction& tx, uint64_t work, const LicenceTerms& terms,
                                  uint64_t time_ms) {
    auto w = LoadWork(s, work);
    if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(work));
    if (!IsOwner(*w, tx.sender))
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner of work " + Dec(work) + " may license it");
    if (auto c = FindConflict(s, work, terms, time_ms))
        return Rej(Reject::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c) + " of work " + Dec(work) +
                                                 " (exclusive, overlapping in territory, rights and time)");
    return Ok{};
}

Exec NewLicence(TxContext& x, uint64_t work, const Address& licensee, const LicenceTerms& terms, LicenceStatus status,
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
    l.height = x.block.height;
    StoreLicence(x.o, l);
    AddWorkLicence(x.o, work, l.id);
    x.events.push_back(EvLicence{l.id, work, licensee, status});
    if (id_out) *id_out = l.id;
    return Ok{};
}

// ---------------------------------------------------------------- grant_licence

Status<Rejection> Check(const Transaction&, const GrantLicenceTx& b) {
    if (!IsValidPublicKey(b.licensee)) return Rej(Reject::INVALID_FIELD, "licensee is not a valid address");
    return CheckTerms(b.terms);
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const GrantLicenceTx& b, uint64_t time_ms) {
    return CheckLicensable(s, tx, b.work, b.terms, time_ms);
}

Exec Apply(TxContext& x, const GrantLicenceTx& b) {
    if (auto c = FindConflict(x.o, b.work, b.terms, x.block.time_ms))
        return TxFail(Failure::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c));
    LicenceStatus st = b.terms.fee_amount > 0 ? LicenceStatus::OFFERED : LicenceStatus::ACTIVE;
    return NewLicence(x, b.work, b.licensee, b.terms, st, 0, nullptr);
}

// ---------------------------------------------------------------- accept_licence

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const AcceptLicenceTx& b, uint64_t) {
    auto l = LoadLicence(s, b.licence);
    if (!l) return Rej(Reject::NOT_FOUND, "no licence " + Dec(b.licence));
    if (l->licensee != tx.sender)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only the licensee may accept licence " + Dec(b.licence));
    if (l->status != LicenceStatus::OFFERED)
        return Rej(Reject::INVALID_FIELD, "licence " + Dec(b.licence) + " is not an open offer");
    return RequireKyc(s, tx.sender, "accepting a licence");
}

Exec Apply(TxContext& x, const AcceptLicenceTx& b) {
    auto l = LoadLicence(x.o, b.licence);
    if (!l || l->status != LicenceStatus::OFFERED) return TxFail(Failure::NOT_OFFERED, "licence is not an open offer");
    if (auto c = FindConflict(x.o, l->work, l->terms, x.block.time_ms, l->id))
        return TxFail(Failure::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c));
    if (x.block.time_ms >= l->terms.end_ms) return TxFail(Failure::LICENCE_ENDED, "the offered licence has already ended");
    l->status = LicenceStatus::ACTIVE;
    StoreLicence(x.o, *l);
    x.events.push_back(EvLicence{l->id, l->work, l->licensee, l->status});
    return PayWork(x, x.tx.sender, l->work, l->terms.fee_currency, l->terms.fee_amount, IncomeType::LICENCE_FEE,
                   SourceOf(x.o, "", &*l, x.tx.sender), "licence " + Dec(l->id));
}

// ---------------------------------------------------------------- revoke_licence

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const RevokeLicenceTx& b, uint64_t) {
    auto l = LoadLicence(s, b.licence);
    if (!l) return Rej(Reject::NOT_FOUND, "no licence " + Dec(b.licence));
    auto w = LoadWork(s, l->work);
    if (l->licensor != tx.sender && !(w && IsOwner(*w, tx.sender)))
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only the licensor or an owner may revoke licence " + Dec(b.licence));
    if (l->status == LicenceStatus::ACTIVE && !l->terms.revocable)
        return Rej(Reject::INVALID_FIELD, "licence " + Dec(b.licence) + " is irrevocable");
    if (l->status != LicenceStatus::ACTIVE && l->status != LicenceStatus::OFFERED)
        return Rej(Reject::INVALID_FIELD, "licence " + Dec(b.licence) + " is " + LicenceStatusName(l->status));
    return Ok{};
}

Exec Apply(TxContext& x, const RevokeLicenceTx& b) {
    auto l = LoadLicence(x.o, b.licence);
    if (!l) return TxFail(Failure::NOT_FOUND, "no licence");
    l->status = LicenceStatus::REVOKED;
    StoreLicence(x.o, *l);
    x.events.push_back(EvLicence{l->id, l->work, l->licensee, l->status});
    return Ok{};
}

}  // namespace folio::state
