#pragma once
// What the BFT engine's parts share: the log component, the names of the engine's node-local
// metadata (consensus blocks, batches, the safety state) and the one way to write it.
#include <string>
#include <string_view>

#include <node/consensus/types.h>
#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/engine/ledger.h>

namespace folio::engine {

inline constexpr std::string_view ENGINE_LOG = "engine";  // the log component (and Fatal's) of the engine
inline constexpr const char* SAFETY_META = "consensus/safety";

inline std::string BlockMetaName(const consensus::BlockId& id) { return "cblock/" + id.hex(); }
inline std::string BatchMetaName(const Hash256& h) { return "batch/" + h.hex(); }

// Writes node-local metadata; ends the process through folio::Fatal if the write fails (nothing
// after a failed safety write may run). Thread-safe as the ledger is.
void PutMetaOrFatal(Ledger& ledger, const std::string& name, ByteView value, bool sync);

// Milliseconds of the steady clock (timers, ages) and of the wall clock (block times).
uint64_t SteadyMs();
uint64_t WallMs();

}  // namespace folio::engine
