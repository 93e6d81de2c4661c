#pragma once
// The state root: the authenticated sparse Merkle map (node/core/smt.h) over
// SHA-256(state key) -> SHA-256(state value), updated from a block's sorted write set.
#include <node/core/smt.h>
#include <node/state/ledger.h>

namespace folio::state {

// The SMT key of a state key and the SMT value hash of a state value.
Hash256 StateKeyHash(ByteView key);
Hash256 StateValueHash(ByteView value);

// Applies `writes` to the map with root `old_root` (nodes read through `nodes`); returns the new
// root and the nodes the caller must store. Errors only when the node store is inconsistent.
Result<SmtUpdate, SmtError> UpdateStateRoot(const SmtNodeReader& nodes, const Hash256& old_root, const WriteSet& writes);

}  // namespace folio::state
