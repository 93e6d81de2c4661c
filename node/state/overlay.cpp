#include <node/state/overlay.h>

namespace folio::state {

std::optional<Bytes> Overlay::Get(ByteView key) const {
    auto it = m_writes.find(key);
    if (it != m_writes.end()) return it->second;
    return m_base.Get(key);
}

std::optional<std::optional<Bytes>> Overlay::PeekWrite(const Bytes& key) const {
    auto it = m_writes.find(key);
    if (it == m_writes.end()) return std::nullopt;
    return it->second;
}

void Overlay::RestoreWrite(const Bytes& key, const std::optional<std::optional<Bytes>>& w) {
    if (w) m_writes[key] = *w;
    else m_writes.erase(key);
}

void Overlay::Absorb(Overlay& child) {
    for (auto& [k, v] : child.m_writes) m_writes[k] = std::move(v);
    child.m_writes.clear();
}

}  // namespace folio::state
