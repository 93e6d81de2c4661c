// Auctions: a licence reserved for an instance of the standard auction contract, which issues it
// to the winner or releases it (through LedgerHost's LICENCE_ISSUE / LICENCE_RELEASE).
#include <node/state/domains.h>

#include <node/core/amount.h>
#include <node/protocol/addresses.h>
#include <node/protocol/territory.h>
#include <node/state/contracts.h>
#include <node/state/licences.h>
#include <vm/abi.h>
#include <vm/deploy.h>

namespace folio::state {

Status<Rejection> Check(const Transaction&, const CreateAuctionTx& b) {
    auto k = static_cast<uint8_t>(b.kind);
    if (k < 1 || k > 3) return Rej(Reject::INVALID_FIELD, "unknown auction kind");
    if (!FindCurrency(b.currency)) return Rej(Reject::INVALID_FIELD, "unknown currency '" + b.currency + "'");
    if (b.end_ms <= b.start_ms) return Rej(Reject::INVALID_FIELD, "the auction must end after it starts");
    // The contract withholds tax on the proceeds by the country they come from: it needs one.
    if (b.source.empty()) return Rej(Reject::INVALID_FIELD, "source: the country the proceeds come from is required");
    if (!IsCountry(b.source)) return Rej(Reject::INVALID_FIELD, "unknown source country '" + b.source + "'");
    if (b.terms.fee_amount != 0 || b.terms.revocable)
        return Rej(Reject::INVALID_FIELD, "an auctioned licence has no fee and is irrevocable");
    return CheckTerms(b.terms);
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const CreateAuctionTx& b, uint64_t time_ms) {
    return CheckLicensable(s, tx, b.work, b.terms, time_ms);
}

Exec Apply(TxContext& x, const CreateAuctionTx& b) {
    if (auto c = FindConflict(x.o, b.work, b.terms, x.block.time_ms))
        return TxFail(Failure::LICENCE_CONFLICT, "conflicts with licence " + Dec(*c));
    Auction a;
    a.id = NextId(x.o, keys::NextAuctionId());
    a.work = b.work;
    a.contract = AuctionAddress(a.id);
    a.seller = x.tx.sender;
    a.kind = b.kind;
    if (auto e = NewLicence(x, b.work, Address{}, b.terms, LicenceStatus::RESERVED, a.id, &a.licence); !e) return e;
    x.o.Put(keys::Auction(a.id), EncodeFields(a));
    x.o.Put(keys::AuctionByContract(a.contract), EncodeU64(a.id));
    Bytes params = vm::EncodeValues({static_cast<int64_t>(b.kind), PackCurrencyText(b.currency), b.p1, b.p2, b.p3, b.p4,
                                     static_cast<int64_t>(b.start_ms), static_cast<int64_t>(b.end_ms), RevenueContractOf(x.o, b.work),
                                     PackCountry(b.source), x.tx.sender, Le64(static_cast<int64_t>(a.licence))});
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, x.tx.sender, a.contract,
                                       CurrentStandardCodeHash(x.o, StandardContract::AUCTION),
                                       params, LEDGER_CALL_GAS);
    if (!r.ok()) return CallFailure(r, a.contract, x.o);
    x.events.push_back(EvAuctionCreated{a.id, b.work, a.contract, a.licence});
    return Ok{};
}

}  // namespace folio::state
