#include <node/engine/certifier.h>

#include <algorithm>
#include <string>

#include <node/core/codec.h>
#include <node/core/fatal.h>
#include <node/log/log.h>
#include <node/engine/meta.h>

namespace folio::engine {

Bytes LedgerCertifier::SignBody(uint64_t height, const Hash256& hash) const {
    Hash256 msg = protocol::CommitMessage(m_ledger.ChainId(), height, hash);
    std::optional<Signature> signed_msg = SignSchnorr(m_key, msg, msg);
    if (!signed_msg) Fatal(ENGINE_LOG, "cannot sign the ledger header at height " + std::to_string(height));
    Writer w;
    w.U64(height);
    w.Fixed(hash);
    w.Fixed(*signed_msg);
    return w.bytes();
}

Bytes LedgerCertifier::SignExecuted(uint64_t height, const Hash256& hash) {
    Bytes body = SignBody(height, hash);
    Signature sig;
    std::copy(body.end() - 64, body.end(), sig.begin());
    MutexLock lock(m_mu);
    m_own_hash[height] = hash;
    m_sigs[height][hash][m_pub] = sig;
    return body;
}

void LedgerCertifier::OnSignature(const PublicKey& from, ByteView body, uint64_t executed) {
    Reader r(body);
    uint64_t height = r.U64();
    Hash256 hash = r.Fixed<32>();
    Signature sig = r.Fixed<64>();
    // Counted below only if in the height's set.
    if (!r.Finish() || !m_sets.IsAllowedPeer(from)) return;
    const bool in_window = height + LEDGER_SIG_WINDOW >= executed && height <= executed + LEDGER_SIG_WINDOW;
    if (!in_window) {
        // An old height counts only while awaited (an answer to our pull); kept on our own hash.
        MutexLock lock(m_mu);
        auto own = m_own_hash.find(height);
        if (own == m_own_hash.end() || own->second != hash) return;
    }
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
        const uint64_t height = it->first;
        ++it;
        StoreLocked(height, cert);
    }
    // Bound memory: drop signatures far behind execution, but those of awaited heights (their
    // signatures are pulled; only signatures on our own hash are kept for them).
    for (auto it = m_sigs.begin(); it != m_sigs.end() && it->first + LEDGER_SIG_WINDOW < executed;) {
        auto own = m_own_hash.find(it->first);
        if (own == m_own_hash.end()) {
            it = m_sigs.erase(it);
            continue;
        }
        for (auto h = it->second.begin(); h != it->second.end();)
            h = h->first == own->second ? std::next(h) : it->second.erase(h);
        ++it;
    }
}

void LedgerCertifier::StoreLocked(uint64_t height, const protocol::CommitCert& cert) {
    if (!m_ledger.StoreCommitCert(height, cert))
        Fatal(ENGINE_LOG, "cannot store the commit certificate of height " + std::to_string(height));
    m_sigs.erase(height);
    m_own_hash.erase(height);
    m_pulled.erase(height);
    // Every height below the lowest awaited one is certified: move the persisted floor up now and
    // then (a stale floor only makes Recover scan a little more).
    uint64_t floor = m_own_hash.empty() ? height : std::max<uint64_t>(m_own_hash.begin()->first, 1) - 1;
    if (floor >= m_floor + 64) {
        m_floor = floor;
        Writer w;
        w.U64(floor);
        PutMetaOrFatal(m_ledger, CERT_FLOOR_META, w.bytes(), false);
    }
}

void LedgerCertifier::Recover(uint64_t executed) {
    MutexLock lock(m_mu);
    if (auto raw = m_ledger.GetMeta(CERT_FLOOR_META)) {
        Reader r(*raw);
        uint64_t floor = r.U64();
        if (r.Finish()) m_floor = std::min(floor, executed);
    }
    size_t found = 0;
    for (uint64_t h = std::max<uint64_t>(m_floor + 1, 1); h <= executed; ++h) {
        if (m_ledger.CommitCertAt(h)) continue;
        auto hash = m_ledger.ExecutedHash(h);
        if (!hash) Fatal(ENGINE_LOG, "executed block " + std::to_string(h) + " is missing from the store");
        m_own_hash[h] = *hash;
        ++found;
    }
    if (found > 0)
        log::Info(ENGINE_LOG, "commit certificates to gather from peers", {{"heights", found}, {"executed", executed}});
}

Bytes LedgerCertifier::DuePulls(uint64_t executed, uint64_t now_ms) {
    MutexLock lock(m_mu);
    Writer w;
    size_t n = 0;
    for (const auto& [h, hash] : m_own_hash) {
        if (h + CERT_PULL_LAG > executed || n >= CERT_PULL_MAX) break;
        uint64_t& last = m_pulled[h];
        if (last != 0 && now_ms - last < CERT_PULL_RETRY_MS) continue;
        last = now_ms;
        w.U64(h);
        ++n;
    }
    return w.bytes();
}

LedgerCertifier::Answers LedgerCertifier::Answer(ByteView request, bool sign) const {
    Answers out;
    if (request.size() % 8 != 0 || request.size() / 8 > CERT_PULL_MAX) return out;
    Reader r(request);
    for (size_t i = 0; i < request.size() / 8; ++i) {
        uint64_t h = r.U64();
        if (auto cert = m_ledger.CommitCertAt(h)) {
            Writer w;
            w.U64(h);
            w.Raw(*cert);
            out.certs.push_back(w.bytes());
            continue;
        }
        if (!sign) continue;
        auto hash = m_ledger.ExecutedHash(h);
        if (!hash) continue;  // not executed here (yet)
        std::optional<Signature> kept;
        {
            MutexLock lock(m_mu);
            auto at = m_sigs.find(h);
            if (at != m_sigs.end()) {
                auto by_hash = at->second.find(*hash);
                if (by_hash != at->second.end()) {
                    auto mine = by_hash->second.find(m_pub);
                    if (mine != by_hash->second.end()) kept = mine->second;
                }
            }
        }
        if (kept) {
            Writer w;
            w.U64(h);
            w.Fixed(*hash);
            w.Fixed(*kept);
            out.sigs.push_back(w.bytes());
        } else {
            out.sigs.push_back(SignBody(h, *hash));
        }
    }
    return out;
}

void LedgerCertifier::OnCertificate(ByteView body, uint64_t executed) {
    if (body.size() < 8) return;
    Reader r(body);
    uint64_t height = r.U64();
    auto cert = protocol::DecodeCommitCert(body.subspan(8));
    if (!cert || height > executed) return;
    MutexLock lock(m_mu);
    auto own = m_own_hash.find(height);
    if (own == m_own_hash.end()) return;  // not awaited: never stored unsolicited
    const Hash256 msg = protocol::CommitMessage(m_ledger.ChainId(), height, own->second);
    consensus::ValidatorSet set = m_sets.AtHeight(height);
    protocol::CommitCert kept;
    for (const auto& [k, s] : cert->signatures)  // sorted and unique (the decoder checks)
        if (set.IndexOf(k) && VerifySchnorr(k, msg, s)) kept.signatures.emplace_back(k, s);
    if (kept.signatures.size() < set.Quorum()) return;
    StoreLocked(height, kept);
}

size_t LedgerCertifier::Awaited() const {
    MutexLock lock(m_mu);
    return m_own_hash.size();
}

}  // namespace folio::engine
