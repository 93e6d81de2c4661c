// Fuzz target: the BFT shell's batch decoder (what a proposal's payload hash commits to).
// Decoded batches re-encode to the same bytes.
#include <cassert>
#include <cstdint>

#include <node/protocol/batch.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto b = folio::protocol::DecodeBatch(folio::ByteView(data, size));
    if (!b) return 0;
    folio::Bytes again = folio::protocol::EncodeBatch(b.value());
    assert(again.size() == size && std::equal(again.begin(), again.end(), data));
    return 0;
}
