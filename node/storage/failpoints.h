#pragma once
// Crash failpoints in the storage seam, for the fault harness (docs/reliability.md, S14).
//
//   FOLIO_FAILPOINTS="after:commit@30,before:consensus@12"
//
// makes the process end at once (_exit(FAILPOINT_EXIT), no destructors, no flush: as a power cut
// would, except that what the kernel already has is kept) the 30th time a block commit has been
// written, or the 12th time a write of the engine's "consensus/..." metadata (its safety state) is
// about to be made. Points: `commit` (a block, its receipts, state, events and index: one batch),
// `cert` (a commit certificate written on its own), and for metadata the first segment of its name
// (`consensus` = the safety state, `cblock` = a consensus block, `batch` = a payload batch,
// `crecent`/`cheight` = the block store's indexes, `cprune` = its anchor and floor).
// Unset (as in production), a failpoint costs one branch on a flag read once.
#include <string_view>

namespace folio::storage {

inline constexpr int FAILPOINT_EXIT = 86;

// Called at each durable write with when = "before" or "after" and the point's name.
void Failpoint(std::string_view when, std::string_view point);

}  // namespace folio::storage
