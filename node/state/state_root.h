#pragma once
// The state root: the authenticated sparse Merkle map (node/core/smt.h) over
// SHA-256(state key) -> SHA-256(state value), updated from a block's sorted write set.
#include <node/core/smt.h>
#include <node/state/ledger.h>

namespace folio::state {

// The SMT key of a state key and the SMT value hash of a state value.
Hash256 StateKeyHash(ByteView key);
Hash256 StateValueHash(ByteView value);

// Applies `writes` to the map with root `old_root` readable at `old_version` (nodes read through
// `nodes`); returns the new root and the node records the caller must store at `version` (the
// ledger uses block heights: block h's nodes are stored at version h). Errors only when the node
// store is inconsistent.
Result<SmtUpdate, SmtError> UpdateStateRoot(const SmtNodeReader& nodes, const Hash256& old_root, uint64_t old_version,
                                            const WriteSet& writes, uint64_t version);

}  // namespace folio::state
