// Fuzz target: the transaction decoder. Anything that decodes must re-encode to the same bytes
// (one encoding per value), and the checks that follow decoding must not crash.
#include <cassert>
#include <cstdint>

#include <node/state/ledger.h>
#include <node/protocol/types.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace folio;
    auto tx = protocol::DecodeTx(ByteView(data, size));
    if (!tx) return 0;
    Bytes again = protocol::EncodeTx(tx.value());
    assert(again.size() == size && std::equal(again.begin(), again.end(), data));
    // The decode-once carrier: same transaction, the bytes as received, their hash as the id.
    auto decoded = protocol::DecodedTx::Decode(ByteView(data, size));
    assert(decoded && decoded->tx() == tx.value());
    assert(decoded->bytes() == again && decoded->id() == protocol::TxId(tx.value()));
    (void)state::CheckStateless(tx.value(), state::ChainParams{"fuzz"});
    (void)state::VerifyTxSignature(tx.value());
    return 0;
}
