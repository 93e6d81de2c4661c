#include <node/protocol/batch.h>

#include <node/protocol/types.h>

namespace folio::protocol {

Bytes EncodeBatch(const Batch& b) {
    Writer w;
    w.U8(1);
    w.U64(b.time_ms);
    w.Varint(b.txs.size());
    for (const Bytes& t : b.txs) w.Blob(t);
    w.Varint(b.evidence.size());
    for (const Bytes& e : b.evidence) w.Blob(e);
    return w.Take();
}

Result<Batch, DecodeError> DecodeBatch(ByteView bytes) {
    if (bytes.size() > MAX_BATCH_BYTES) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    Batch b;
    if (r.U8() != 1) r.Fail(DecodeError::BAD_VALUE);
    b.time_ms = r.U64();
    size_t n = r.Length(MAX_BLOCK_TXS);
    for (size_t i = 0; i < n && r.ok(); ++i) b.txs.push_back(r.Blob(MAX_TX_BYTES));
    size_t m = r.Length(MAX_BATCH_EVIDENCE);
    for (size_t i = 0; i < m && r.ok(); ++i) b.evidence.push_back(r.Blob(MAX_EVIDENCE_BYTES));
    if (!r.Finish()) return Fail(r.error());
    return b;
}

Hash256 BatchHash(ByteView encoded) { return TaggedHash("folio/batch", encoded); }

}  // namespace folio::protocol
