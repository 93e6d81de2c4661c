#include <node/protocol/batch.h>

namespace folio::protocol {

Bytes EncodeBatch(const Batch& b) { return EncodeFields(b); }

Result<Batch, DecodeError> DecodeBatch(ByteView bytes) {
    if (bytes.size() > MAX_BATCH_BYTES) return Fail(DecodeError::TOO_LONG);
    return DecodeFields<Batch>(bytes);
}

Hash256 BatchHash(ByteView encoded) { return TaggedHash("folio/batch", encoded); }

}  // namespace folio::protocol
