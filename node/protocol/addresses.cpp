#include <node/protocol/addresses.h>

#include <node/core/codec.h>
#include <node/protocol/fields.h>

namespace folio::protocol {

namespace {
Address Named(std::string_view name) { return Address::FromView(TaggedHash("folio/address", AsBytes(name)).view()); }
}  // namespace

Address GovernanceAddress() { return Named("governance"); }
Address LedgerAddress() { return Named("ledger"); }
Address TaxContractAddress() { return Named("tax_withholding"); }
Address SplitAddress(uint64_t work) { return Address::FromView(TaggedHash("folio/split", BigEndian64(work)).view()); }
Address AuctionAddress(uint64_t auction) {
    return Address::FromView(TaggedHash("folio/auction", BigEndian64(auction)).view());
}

Hash256 TransferSharesDigest(const std::string& chain_id, uint64_t work, uint64_t version,
                             const std::vector<Share>& owners) {
    Writer w;
    w.Str(chain_id);
    w.U64(work);
    w.U64(version);
    FieldWriter fw{w};
    fw(owners);
    return TaggedHash("folio/transfer_shares", w.bytes());
}

Hash256 AttachContractDigest(const std::string& chain_id, uint64_t work, uint64_t version, const Address& contract) {
    Writer w;
    w.Str(chain_id);
    w.U64(work);
    w.U64(version);
    w.Fixed(contract);
    return TaggedHash("folio/attach_contract", w.bytes());
}

Hash256 RecoupmentDigest(const std::string& chain_id, uint64_t work, uint64_t version, const Address& payee,
                         const std::string& currency, int64_t amount) {
    Writer w;
    w.Str(chain_id);
    w.U64(work);
    w.U64(version);
    w.Fixed(payee);
    w.Str(currency);
    w.I64(amount);
    return TaggedHash("folio/set_recoupment", w.bytes());
}

}  // namespace folio::protocol
