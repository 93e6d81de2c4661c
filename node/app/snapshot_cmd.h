#pragma once
// `foliod snapshot list|export|import` (docs/operations.md, "Backup and restore" and "State
// sync"): the state-sync snapshots a node made (--snapshot-interval), copied out as a backup and
// installed into a new home, verified against the genesis exactly as state sync verifies one
// fetched from peers. Throws std::runtime_error with one line naming the problem.
namespace folio::app {

// argv[0] is "snapshot".
int SnapshotCommand(int argc, char** argv);

}  // namespace folio::app
