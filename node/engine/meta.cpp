#include <node/engine/meta.h>

#include <chrono>

#include <node/core/fatal.h>

namespace folio::engine {

void PutMetaOrFatal(Ledger& ledger, const std::string& name, ByteView value, bool sync) {
    if (auto err = ledger.PutMeta(name, value, sync))
        Fatal(ENGINE_LOG, "cannot write " + name + " to the store: " + *err);
}

uint64_t SteadyMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

uint64_t WallMs() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
}

}  // namespace folio::engine
