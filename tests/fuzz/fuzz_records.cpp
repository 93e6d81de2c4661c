// Fuzz target: the settlement records stored in state and the settlement events stored by the
// node (field-list encodings, node/protocol/fields.h). Anything that decodes must re-encode to the
// same bytes: one encoding per value.
#include <cassert>
#include <cstdint>

#include <node/state/settlement_events.h>
#include <node/protocol/types.h>

namespace {
template <class T>
void RoundTrip(folio::ByteView in) {
    auto v = folio::protocol::DecodeFields<T>(in);
    if (!v) return;
    folio::Bytes again = folio::protocol::EncodeFields(v.value());
    assert(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace folio::state;
    if (size == 0) return 0;
    folio::ByteView in(data + 1, size - 1);
    // The first byte picks the record type. When a type is added, the corpus's seeds whose type the
    // new modulus changes get a copy with a first byte that picks their old type (their old byte
    // modulo the old count, or the new default's number for a SettlementEvent).
    switch (data[0] % 19) {
        case 0: RoundTrip<Payout>(in); break;
        case 1: RoundTrip<Licence>(in); break;
        case 2: RoundTrip<FxRate>(in); break;
        case 3: RoundTrip<PayoutPrefs>(in); break;
        case 4: RoundTrip<Supply>(in); break;
        case 5: RoundTrip<Auction>(in); break;
        case 6: RoundTrip<NftCollection>(in); break;
        case 7: RoundTrip<Nft>(in); break;
        case 8: RoundTrip<NftSale>(in); break;
        case 9: RoundTrip<PayoutExpiryCursor>(in); break;
        case 10: RoundTrip<TemplateInfo>(in); break;
        case 11: RoundTrip<FanToken>(in); break;
        case 12: RoundTrip<FanHolding>(in); break;
        case 13: RoundTrip<Recoupment>(in); break;
        case 14: RoundTrip<AmlHold>(in); break;
        case 15: RoundTrip<AmlRolling>(in); break;
        case 16: RoundTrip<Sanction>(in); break;
        case 17: RoundTrip<SetAmlLimit>(in); break;
        default: RoundTrip<SettlementEvent>(in); break;
    }
    return 0;
}
