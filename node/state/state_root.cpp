#include <node/state/state_root.h>

#include <algorithm>

namespace folio::state {

Hash256 StateKeyHash(ByteView key) { return Sha256Of(key); }
Hash256 StateValueHash(ByteView value) { return Sha256Of(value); }

Result<SmtUpdate, SmtError> UpdateStateRoot(const SmtNodeReader& nodes, const Hash256& old_root, uint64_t old_version,
                                            const WriteSet& writes, uint64_t version) {
    std::vector<std::pair<Hash256, std::optional<Hash256>>> batch;
    batch.reserve(writes.size());
    for (const auto& [k, v] : writes)
        batch.emplace_back(StateKeyHash(k), v ? std::optional<Hash256>(StateValueHash(*v)) : std::nullopt);
    std::sort(batch.begin(), batch.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return SmtApply(nodes, old_root, old_version, batch, version);
}

}  // namespace folio::state
