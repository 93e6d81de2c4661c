// Fuzz target: block, header, receipt and record decoders. Decoded values re-encode to the
// same bytes.
#include <cassert>
#include <cstdint>

#include <node/protocol/types.h>

namespace {
template <typename Dec, typename Enc>
void RoundTrip(const uint8_t* data, size_t size, Dec dec, Enc enc) {
    auto v = dec(folio::ByteView(data, size));
    if (!v) return;
    folio::Bytes again = enc(v.value());
    assert(again.size() == size && std::equal(again.begin(), again.end(), data));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace folio::protocol;
    RoundTrip(data, size, [](folio::ByteView b) { return DecodeBlock(b, 1u << 20); }, EncodeBlock);
    RoundTrip(data, size, DecodeHeader, EncodeHeader);
    RoundTrip(data, size, DecodeReceipt, EncodeReceipt);
    RoundTrip(data, size, DecodeWork, EncodeWork);
    RoundTrip(data, size, DecodeAccount, EncodeAccount);
    RoundTrip(data, size, DecodeProposal, EncodeProposal);
    return 0;
}
