// NFTs: a work's collection of numbered editions, their transfer, listing, sale (royalty to the
// work's split, fee to the platform) and burning.
#include <node/state/domains.h>

#include <node/core/amount.h>
#include <node/state/contracts.h>

namespace folio::state {

namespace {

// Moves a token to `to` (zero = burn), delisting it and keeping the holdings counts.
void MoveNft(TxContext& x, Nft& n, const Address& to) {
    uint64_t held = LoadNftHoldings(x.o, n.owner, n.work);
    if (held <= 1) x.o.Delete(keys::NftHoldings(n.owner, n.work));
    else x.o.Put(keys::NftHoldings(n.owner, n.work), EncodeU64(held - 1));
    n.listed = false;
    n.currency.clear();
    n.price = 0;
    if (to.IsZero()) {
        n.burned = true;
    } else {
        n.owner = to;
        x.o.Put(keys::NftHoldings(to, n.work), EncodeU64(LoadNftHoldings(x.o, to, n.work) + 1));
    }
    x.o.Put(keys::Nft(n.id), EncodeFields(n));
}

// The token exists, is not burned and (unless buying) the sender holds it.
Status<Rejection> CheckToken(const StateReader& s, const Transaction& tx, uint64_t token, bool holder) {
    auto n = LoadNft(s, token);
    if (!n || n->burned) return Rej(Reject::NOT_FOUND, "no token " + Dec(token));
    if (holder && n->owner != tx.sender)
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only the holder of token " + Dec(token) + " may do that");
    return Ok{};
}

// A token that passed CheckToken at this position.
Nft CheckedNft(const TxContext& x, uint64_t token) {
    auto n = LoadNft(x.o, token);
    if (!n) CorruptStore("nft checked at admission");
    return *n;
}

}  // namespace

// ---------------------------------------------------------------- nft_mint

Status<Rejection> Check(const Transaction&, const NftMintTx& b) {
    if (b.editions == 0 || b.editions > MAX_EDITIONS)
        return Rej(Reject::INVALID_FIELD, "editions must be 1.." + std::to_string(MAX_EDITIONS));
    if (static_cast<uint32_t>(b.royalty_bps) + b.fee_bps > BPS_TOTAL)
        return Rej(Reject::INVALID_FIELD, "royalty and fee exceed 10000 bps together");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftMintTx& b, uint64_t) {
    auto w = LoadWork(s, b.work);
    if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
    if (!IsOwner(*w, tx.sender))
        return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner of work " + Dec(b.work) + " may mint its editions");
    if (auto col = LoadCollection(s, b.work))
        return Rej(Reject::INVALID_FIELD, "work " + Dec(b.work) + " already has its collection of " + std::to_string(col->cap) +
                                              " editions; the cap is reached and no edition is minted beyond it");
    if (b.fee_bps > 0 && !LoadPlatform(s)) return Rej(Reject::INVALID_FIELD, "this chain has no platform account; fee_bps must be 0");
    return Ok{};
}

Exec Apply(TxContext& x, const NftMintTx& b) {
    if (LoadCollection(x.o, b.work)) return TxFail(Failure::COLLECTION_EXISTS, "the collection already exists");
    NftCollection col{b.work, b.editions, b.royalty_bps, b.fee_bps, b.viewing_right, 0, x.tx.sender};
    uint64_t next = LoadCounter(x.o, keys::NextTokenId());
    col.first_token = next == 0 ? 1 : next;
    x.o.Put(keys::NextTokenId(), EncodeU64(col.first_token + b.editions));
    x.o.Put(keys::NftCollection(b.work), EncodeFields(col));
    for (uint32_t e = 1; e <= b.editions; ++e) {
        Nft n{col.first_token + e - 1, b.work, e, x.tx.sender, false, "", 0, false};
        x.o.Put(keys::Nft(n.id), EncodeFields(n));
    }
    x.o.Put(keys::NftHoldings(x.tx.sender, b.work), EncodeU64(LoadNftHoldings(x.o, x.tx.sender, b.work) + b.editions));
    x.events.push_back(EvNft{col.first_token, b.work, NftAction::MINTED, Address{}, x.tx.sender, "", b.editions, 0, 0});
    return Ok{};
}

// ---------------------------------------------------------------- nft_transfer, nft_burn

Status<Rejection> Check(const Transaction&, const NftTransferTx& b) {
    if (!IsValidPublicKey(b.to)) return Rej(Reject::INVALID_FIELD, "'to' is not a valid address");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftTransferTx& b, uint64_t) {
    return CheckToken(s, tx, b.token, true);
}

Exec Apply(TxContext& x, const NftTransferTx& b) {
    Nft n = CheckedNft(x, b.token);
    MoveNft(x, n, b.to);
    x.events.push_back(EvNft{n.id, n.work, NftAction::TRANSFERRED, x.tx.sender, b.to, "", 0, 0, 0});
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftBurnTx& b, uint64_t) {
    return CheckToken(s, tx, b.token, true);
}

Exec Apply(TxContext& x, const NftBurnTx& b) {
    Nft n = CheckedNft(x, b.token);
    MoveNft(x, n, Address{});
    x.events.push_back(EvNft{n.id, n.work, NftAction::BURNED, x.tx.sender, Address{}, "", 0, 0, 0});
    return Ok{};
}

// ---------------------------------------------------------------- nft_list, nft_delist

Status<Rejection> Check(const Transaction&, const NftListTx& b) { return CheckMoney(b.currency, b.price); }

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftListTx& b, uint64_t) {
    return CheckToken(s, tx, b.token, true);
}

Exec Apply(TxContext& x, const NftListTx& b) {
    Nft n = CheckedNft(x, b.token);
    n.listed = true;
    n.currency = b.currency;
    n.price = b.price;
    x.o.Put(keys::Nft(n.id), EncodeFields(n));
    x.events.push_back(EvNft{n.id, n.work, NftAction::LISTED, x.tx.sender, Address{}, b.currency, b.price, 0, 0});
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftDelistTx& b, uint64_t) {
    if (auto st = CheckToken(s, tx, b.token, true); !st) return st;
    if (!LoadNft(s, b.token)->listed) return Rej(Reject::INVALID_FIELD, "token " + Dec(b.token) + " is not listed");
    return Ok{};
}

Exec Apply(TxContext& x, const NftDelistTx& b) {
    Nft n = CheckedNft(x, b.token);
    n.listed = false;
    n.currency.clear();
    n.price = 0;
    x.o.Put(keys::Nft(n.id), EncodeFields(n));
    x.events.push_back(EvNft{n.id, n.work, NftAction::DELISTED, x.tx.sender, Address{}, "", 0, 0, 0});
    return Ok{};
}

// ---------------------------------------------------------------- nft_buy

Status<Rejection> Check(const Transaction&, const NftBuyTx& b) {
    if (b.max_price <= 0 || b.max_price > MAX_AMOUNT) return Rej(Reject::INVALID_FIELD, "max_price out of range");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const NftBuyTx& b, uint64_t) {
    if (auto st = CheckToken(s, tx, b.token, false); !st) return st;
    Nft n = *LoadNft(s, b.token);
    if (!n.listed) return Rej(Reject::INVALID_FIELD, "token " + Dec(b.token) + " is not for sale");
    if (n.owner == tx.sender) return Rej(Reject::INVALID_FIELD, "the owner cannot buy its own token");
    if (n.price > b.max_price) return Rej(Reject::INVALID_FIELD, "token " + Dec(b.token) + " costs more than max_price");
    return Ok{};
}

Exec Apply(TxContext& x, const NftBuyTx& b) {
    Nft n = CheckedNft(x, b.token);
    auto col = LoadCollection(x.o, n.work);
    if (!col) CorruptStore("nft collection of a minted token");
    // Exact: royalty and fee rounded down, the seller gets the rest.
    int64_t royalty = *MulDivFloor(n.price, col->royalty_bps, BPS_TOTAL);
    int64_t fee = *MulDivFloor(n.price, col->fee_bps, BPS_TOTAL);
    int64_t seller = n.price - royalty - fee;
    if (LoadBalance(x.o, x.tx.sender, n.currency) < n.price)
        return TxFail(Failure::INSUFFICIENT_FUNDS, "the buyer's balance is below the price");
    Address from = n.owner;
    const int64_t source = PackCountry(LoadAccount(x.o, x.tx.sender).residency);  // where the sale arose: the buyer
    if (royalty > 0)
        if (auto e = PayWork(x, x.tx.sender, n.work, n.currency, royalty, IncomeType::NFT_SALE, source, "token " + Dec(n.id)); !e)
            return e;
    if (fee > 0) {
        auto platform = LoadPlatform(x.o);
        if (!platform) CorruptStore("platform account of a collection with a fee");
        if (auto e = Debit(x, x.tx.sender, n.currency, fee); !e) return e;
        if (auto e = Credit(x, *platform, n.currency, fee); !e) return e;
    }
    // The seller's proceeds are nft_sale income too, withheld as the royalty is.
    if (seller > 0)
        if (auto e = PayWithheld(x, x.tx.sender, from, n.currency, seller, IncomeType::NFT_SALE, source); !e) return e;
    std::string cur = n.currency;
    int64_t price = n.price;
    MoveNft(x, n, x.tx.sender);
    uint64_t index = LoadNftSaleCount(x.o, n.work);
    x.o.Put(keys::NftSale(n.work, index),
            EncodeFields(NftSale{n.id, n.edition, from, x.tx.sender, cur, price, royalty, fee, x.block.height, x.block.time_ms, x.tx_id}));
    x.o.Put(keys::NftSaleCount(n.work), EncodeU64(index + 1));
    x.events.push_back(EvNft{n.id, n.work, NftAction::SOLD, from, x.tx.sender, cur, price, royalty, fee});
    return Ok{};
}

}  // namespace folio::state
