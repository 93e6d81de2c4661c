#pragma once
// The consensus safety state in a file of its own, beside the chain store rather than inside it
// (docs/operations.md, "A damaged store"): a store that has to be moved aside keeps the record of
// what this validator signed, so it can never sign twice for one round after a recovery.
//
// Format: "FOLIOSS1", u32 little-endian length, the payload, SHA-256 of the payload. Written to
// PATH.tmp, fsynced, renamed over PATH, and the directory fsynced: a crash leaves the old or the
// new file whole, never a torn one. A file that fails its checksum is an error, never a default.
#include <optional>
#include <string>

#include <node/core/bytes.h>
#include <node/core/result.h>

namespace folio::storage {

// nullopt when PATH does not exist; an error naming what is wrong when it exists but is damaged.
Result<std::optional<Bytes>, std::string> ReadSafetyFile(const std::string& path);
// Replaces PATH atomically and durably; the error of a failed write or sync.
std::optional<std::string> WriteSafetyFile(const std::string& path, ByteView payload);

}  // namespace folio::storage
