#pragma once
// The batch: what a BFT consensus block's payload hash commits to (docs/consensus.md, "The
// shell"; byte layout in docs/formats.md, "Batch"). Pure; shared by the engine, tools and fuzzers.
#include <cstdint>
#include <vector>

#include <node/core/bytes.h>
#include <node/core/codec.h>
#include <node/core/hash.h>
#include <node/core/result.h>
#include <node/protocol/fields.h>
#include <node/protocol/types.h>

namespace folio::protocol {

inline constexpr size_t MAX_BATCH_BYTES = 32u << 20;  // DecodeBatch refuses a longer encoding
inline constexpr size_t MAX_BATCH_EVIDENCE = 64;      // evidence items a batch may carry
inline constexpr size_t MAX_EVIDENCE_BYTES = 4096;    // one encoded consensus::Evidence

struct Batch {
    uint64_t time_ms = 0;
    std::vector<Bytes> txs;       // encoded transactions, in proposal order
    std::vector<Bytes> evidence;  // encoded consensus::Evidence
    FOLIO_FIELDS(time_ms, FOLIO_MAX(txs, MAX_BLOCK_TXS, MAX_TX_BYTES),
                 FOLIO_MAX(evidence, MAX_BATCH_EVIDENCE, MAX_EVIDENCE_BYTES))
};
Bytes EncodeBatch(const Batch& b);
// A record (EncodeFields: version 1, then the field list). Strict: at most MAX_BLOCK_TXS transactions of at most MAX_TX_BYTES each, at most
// MAX_BATCH_EVIDENCE evidence items, nothing trailing.
Result<Batch, DecodeError> DecodeBatch(ByteView bytes);
// TaggedHash("folio/batch", EncodeBatch(b)).
Hash256 BatchHash(ByteView encoded);

}  // namespace folio::protocol
