#include <node/engine/certifier.h>

#include <algorithm>
#include <string>

#include <node/core/codec.h>
#include <node/core/fatal.h>
#include <node/engine/meta.h>

namespace folio::engine {

Bytes LedgerCertifier::SignExecuted(uint64_t height, const Hash256& hash) {
    Hash256 msg = protocol::CommitMessage(m_ledger.ChainId(), height, hash);
    std::optional<Signature> signed_msg = SignSchnorr(m_key, msg, msg);
    if (!signed_msg) Fatal(ENGINE_LOG, "cannot sign the ledger header at height " + std::to_string(height));
    const Signature& sig = *signed_msg;
    Writer w;
    w.U64(height);
    w.Fixed(hash);
    w.Fixed(sig);
    MutexLock lock(m_mu);
    m_own_hash[height] = hash;
    m_sigs[height][hash][m_pub] = sig;
    return w.bytes();
}

void LedgerCertifier::OnSignature(const PublicKey& from, ByteView body, uint64_t executed) {
    Reader r(body);
    uint64_t height = r.U64();
    Hash256 hash = r.Fixed<32>();
    Signature sig = r.Fixed<64>();
    // Counted below only if in the height's set.
    if (!r.Finish() || !m_sets.IsAllowedPeer(from)) return;
    if (height + LEDGER_SIG_WINDOW < executed || height > executed + LEDGER_SIG_WINDOW) return;
    if (!VerifySchnorr(from, protocol::CommitMessage(m_ledger.ChainId(), height, hash), sig)) return;
    MutexLock lock(m_mu);
    m_sigs[height][hash][from] = sig;
    CompleteLocked(executed);
}

void LedgerCertifier::Complete(uint64_t executed) {
    MutexLock lock(m_mu);
    CompleteLocked(executed);
}

void LedgerCertifier::CompleteLocked(uint64_t executed) {
    // Complete every certificate that has a quorum of signatures on our own executed hash.
    for (auto it = m_own_hash.begin(); it != m_own_hash.end();) {
        auto& sigs = m_sigs[it->first][it->second];
        consensus::ValidatorSet set = m_sets.AtHeight(it->first);
        size_t members = static_cast<size_t>(
            std::count_if(sigs.begin(), sigs.end(), [&](const auto& kv) { return set.IndexOf(kv.first).has_value(); }));
        if (members < set.Quorum()) {
            ++it;
            continue;
        }
        protocol::CommitCert cert;
        for (const auto& [k, s] : sigs)  // std::map: sorted by key
            if (set.IndexOf(k)) cert.signatures.emplace_back(k, s);
        if (!m_ledger.StoreCommitCert(it->first, cert))
            Fatal(ENGINE_LOG, "cannot store the commit certificate of height " + std::to_string(it->first));
        m_sigs.erase(it->first);
        it = m_own_hash.erase(it);
    }
    // Bound memory: drop signatures far behind execution.
    while (!m_sigs.empty() && m_sigs.begin()->first + LEDGER_SIG_WINDOW < executed) m_sigs.erase(m_sigs.begin());
    while (!m_own_hash.empty() && m_own_hash.begin()->first + LEDGER_SIG_WINDOW < executed)
        m_own_hash.erase(m_own_hash.begin());
}

}  // namespace folio::engine
