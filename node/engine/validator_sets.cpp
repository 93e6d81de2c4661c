#include <node/engine/validator_sets.h>

#include <algorithm>

namespace folio::engine {

void ValidatorSets::Add(uint64_t first_height, const consensus::ValidatorSet& set) {
    MutexLock lock(m_mu);
    m_sets[first_height] = set;
    m_allowed.insert(set.members.begin(), set.members.end());
}

void ValidatorSets::Load(const Ledger& ledger) {
    auto current = ledger.ValidatorSet();
    if (!current) return;
    uint64_t known = 0;
    {
        MutexLock lock(m_mu);
        for (const auto& [h, set] : m_sets) known = std::max(known, set.epoch);
    }
    for (uint64_t e = known + 1; e <= current->epoch; ++e)
        if (auto rec = ledger.ValidatorSetOfEpoch(e)) Add(rec->from_height, consensus::ValidatorSet{e, rec->members});
    if (auto pending = ledger.PendingValidatorSet()) {
        MutexLock lock(m_mu);
        m_allowed.insert(pending->members.begin(), pending->members.end());
    }
}

consensus::ValidatorSet ValidatorSets::AtHeight(uint64_t height) const {
    MutexLock lock(m_mu);
    auto it = m_sets.upper_bound(height);
    if (it != m_sets.begin()) --it;
    return it->second;
}

std::optional<consensus::ValidatorSet> ValidatorSets::OfEpoch(uint64_t epoch) const {
    MutexLock lock(m_mu);
    for (const auto& [h, set] : m_sets)
        if (set.epoch == epoch) return set;
    return std::nullopt;
}

void ValidatorSets::AllowObservers(const std::vector<PublicKey>& keys) {
    MutexLock lock(m_mu);
    m_allowed.insert(keys.begin(), keys.end());
}

bool ValidatorSets::IsAllowedPeer(const PublicKey& key) const {
    MutexLock lock(m_mu);
    return m_allowed.count(key) != 0;
}

std::optional<consensus::ValidatorSet> DueChange(const Ledger& ledger, uint64_t epoch, uint64_t height) {
    auto current = ledger.ValidatorSet();
    auto pending = ledger.PendingValidatorSet();
    if (!current || !pending || current->epoch != epoch || pending->epoch != epoch + 1) return std::nullopt;
    if (height + 1 < pending->activation_height) return std::nullopt;
    return consensus::ValidatorSet{pending->epoch, pending->members};
}

}  // namespace folio::engine
