// Licences: grants (offers or free licences), acceptance (paying the fee into the work's split),
// revocation; the conflict rule and the licence query.
#include <node/state/licences.h>

#include <algorithm>

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
        // A sublicence holds only while every licence above it does (revocation cascades, and
        // its scope is inside its parent's; checked again here).
        std::vector<uint64_t> chain = {l->id};
        bool holds = true;
        for (uint64_t up = l->parent; up != 0 && holds;) {
            auto p = LoadLicence(s, up);
            holds = p && p->status == LicenceStatus::ACTIVE && at_ms >= p->terms.start_ms && at_ms < p->terms.end_ms &&
                    (p->terms.rights & right) != 0 && Covers(p->terms, territory);
            chain.push_back(up);
            up = p ? p->parent : 0;
        }
        if (!holds) continue;
        a.allowed = true;
        a.licence = std::move(*l);
        a.chain = std::move(chain);
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
                                     uint64_t ignore_id, const std::vector<uint64_t>& ancestors) {
    for (uint64_t id : LoadWorkLicences(s, work)) {
        if (id == ignore_id || std::find(ancestors.begin(), ancestors.end(), id) != ancestors.end()) continue;
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
    // The licence and, with it, every sublicence below it (they are parts of it).
    std::vector<uint64_t> queue = {l->id};
    for (size_t i = 0; i < queue.size(); ++i) {
        auto d = LoadLicence(x.o, queue[i]);
        if (!d) CorruptStore("sublicence named by its parent");
        if (d->status != LicenceStatus::ACTIVE && d->status != LicenceStatus::OFFERED) continue;
        d->status = LicenceStatus::REVOKED;
        StoreLicence(x.o, *d);
        x.events.push_back(EvLicence{d->id, d->work, d->licensee, d->status});
        for (uint64_t c : LoadIdList(x.o, keys::Sublicences(d->id), "sublicences")) queue.push_back(c);
    }
    return Ok{};
}

// ---------------------------------------------------------------- grant_sublicence

namespace {

std::string RightsText(uint32_t rights) {
    std::string out;
    for (const std::string& r : RightNames(rights)) out += (out.empty() ? "" : ",") + r;
    return out;
}

// Why `child` is not within `parent`'s scope (licence `id`), or "".
std::string OutsideScope(const LicenceTerms& parent, const LicenceTerms& child, uint64_t id) {
    const std::string of = " licence " + Dec(id);
    if (uint32_t extra = child.rights & ~parent.rights; extra != 0)
        return "right " + RightsText(extra) + " is not in" + of + " (" + RightsText(parent.rights) + ")";
    if (child.start_ms < parent.start_ms || child.end_ms > parent.end_ms)
        return "its time [" + Dec(child.start_ms) + ", " + Dec(child.end_ms) + ") is not within" + of + "'s [" + Dec(parent.start_ms) +
               ", " + Dec(parent.end_ms) + ")";
    if (child.exclusive && !parent.exclusive) return "an exclusive sublicence needs an exclusive licence;" + of + " is not";
    const bool child_ww = child.territories.size() == 1 && child.territories[0] == "WW";
    if (child_ww) {
        if (!(parent.territories.size() == 1 && parent.territories[0] == "WW")) return "WW is not within" + of + "'s territories";
        for (const std::string& x : parent.excluded)
            if (!std::binary_search(child.excluded.begin(), child.excluded.end(), x))
                return "territory " + x + " is excluded from" + of;
    } else {
        for (const std::string& t : child.territories)
            if (!Covers(parent, t)) return "territory " + t + " is not in" + of;
    }
    return "";
}

// The licence, checked as a parent for `sender` at `time_ms`; its ancestors' ids in *ancestors.
Result<Licence, Rejection> SublicensableParent(const StateReader& s, const Address& sender, uint64_t id, uint64_t time_ms,
                                               std::vector<uint64_t>* ancestors) {
    auto p = LoadLicence(s, id);
    if (!p) return Fail(Rejection{Reject::NOT_FOUND, "no licence " + Dec(id)});
    if (p->licensee != sender)
        return Fail(Rejection{Reject::MISSING_PERMISSION, "missing permission: only licence " + Dec(id) + "'s licensee may sublicense it"});
    if (p->status != LicenceStatus::ACTIVE)
        return Fail(Rejection{Reject::NOT_SUBLICENSABLE, "licence " + Dec(id) + " is " + LicenceStatusName(p->status)});
    if (!p->terms.sublicensable) return Fail(Rejection{Reject::NOT_SUBLICENSABLE, "licence " + Dec(id) + " is not sublicensable"});
    if (time_ms >= p->terms.end_ms)
        return Fail(Rejection{Reject::NOT_SUBLICENSABLE, "licence " + Dec(id) + " ended at " + Dec(p->terms.end_ms) + " ms"});
    ancestors->push_back(p->id);
    for (uint64_t up = p->parent; up != 0;) {
        auto a = LoadLicence(s, up);
        if (!a) CorruptStore("parent licence");
        ancestors->push_back(up);
        up = a->parent;
    }
    if (ancestors->size() > MAX_SUBLICENCE_DEPTH)
        return Fail(Rejection{Reject::NOT_SUBLICENSABLE, "licence " + Dec(id) + " is already " + Dec(ancestors->size() - 1) +
                                                             " levels below the owner's licence (at most " + Dec(MAX_SUBLICENCE_DEPTH) + ")"});
    if (LoadIdList(s, keys::Sublicences(id), "sublicences").size() >= MAX_SUBLICENCES)
        return Fail(Rejection{Reject::NOT_SUBLICENSABLE, "licence " + Dec(id) + " has " + Dec(MAX_SUBLICENCES) + " sublicences already"});
    // The whole tree below the owner's licence stays small enough for one revocation to revoke it
    // in one receipt.
    std::vector<uint64_t> tree = {ancestors->back()};
    for (size_t i = 0; i < tree.size() && tree.size() <= MAX_SUBLICENCE_TREE; ++i)
        for (uint64_t c : LoadIdList(s, keys::Sublicences(tree[i]), "sublicences")) tree.push_back(c);
    if (tree.size() > MAX_SUBLICENCE_TREE)
        return Fail(Rejection{Reject::NOT_SUBLICENSABLE, "licence " + Dec(ancestors->back()) + " already has " +
                                                             Dec(MAX_SUBLICENCE_TREE) + " sublicences below it"});
    return *p;
}

}  // namespace

Status<Rejection> Check(const Transaction& tx, const GrantSublicenceTx& b) {
    if (!IsValidPublicKey(b.licensee)) return Rej(Reject::INVALID_FIELD, "licensee is not a valid address");
    if (b.licensee == tx.sender) return Rej(Reject::INVALID_FIELD, "a licensee does not sublicense to itself");
    if (b.terms.fee_amount != 0 || !b.terms.fee_currency.empty())
        return Rej(Reject::INVALID_FIELD, "a sublicence carries no fee on the ledger (its price is agreed between the parties)");
    return CheckTerms(b.terms);
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const GrantSublicenceTx& b, uint64_t time_ms) {
    std::vector<uint64_t> ancestors;
    auto p = SublicensableParent(s, tx.sender, b.parent, time_ms, &ancestors);
    if (!p) return Fail(p.error());
    if (std::string why = OutsideScope(p->terms, b.terms, p->id); !why.empty()) return Rej(Reject::SUBLICENCE_SCOPE, why);
    if (auto c = FindConflict(s, p->work, b.terms, time_ms, 0, ancestors))
        return Rej(Reject::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c) + " of work " + Dec(p->work) +
                                                 " (exclusive, overlapping in territory, rights and time)");
    return Ok{};
}

Exec Apply(TxContext& x, const GrantSublicenceTx& b) {
    std::vector<uint64_t> ancestors;
    auto p = SublicensableParent(x.o, x.tx.sender, b.parent, x.block.time_ms, &ancestors);
    if (!p) return TxFail(p.error().code, p.error().message);
    if (auto c = FindConflict(x.o, p->work, b.terms, x.block.time_ms, 0, ancestors))
        return TxFail(Failure::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c));
    uint64_t id = 0;
    if (auto e = NewLicence(x, p->work, b.licensee, b.terms, LicenceStatus::ACTIVE, 0, &id); !e) return e;
    Licence l = *LoadLicence(x.o, id);
    l.parent = p->id;
    StoreLicence(x.o, l);
    AppendIdList(x.o, keys::Sublicences(p->id), id);
    return Ok{};
}

}  // namespace folio::state
