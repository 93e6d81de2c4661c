#pragma once
// Helpers for ledger tests: deterministic keys, signed transactions, a map-backed state.
#include <algorithm>
#include <map>
#include <string>

#include <node/state/ledger.h>

namespace folio::test {

inline SecretKey KeyFor(const std::string& name) {
    Hash256 h = Sha256Of(std::string_view("test-key/" + name));
    return SecretKey::FromView(h.view());
}
inline Address AddrFor(const std::string& name) { return *DerivePublicKey(KeyFor(name)); }

// A committed state held in a std::map; Apply() merges a write set.
class MapState final : public state::StateReader {
public:
    std::optional<Bytes> Get(ByteView key) const override {
        auto it = m_kv.find(Bytes(key.begin(), key.end()));
        if (it == m_kv.end()) return std::nullopt;
        return it->second;
    }
    void Apply(const state::WriteSet& w) {
        for (const auto& [k, v] : w) {
            if (v) m_kv[k] = *v;
            else m_kv.erase(k);
        }
    }
    template <class F>
    void ForEach(F&& f) const {
        for (const auto& [k, v] : m_kv) f(k, v);
    }
    std::string Dump() const {
        std::string s;
        for (const auto& [k, v] : m_kv) s += ToHex(k) + "=" + ToHex(v) + ";";
        return s;
    }

private:
    std::map<Bytes, Bytes> m_kv;
};

inline protocol::Transaction MakeTx(const std::string& signer, uint64_t nonce, protocol::TxBody body,
                                 const std::string& chain = "test-chain") {
    protocol::Transaction tx;
    tx.chain_id = chain;
    tx.sender = AddrFor(signer);
    tx.nonce = nonce;
    tx.body = std::move(body);
    protocol::SignTx(tx, KeyFor(signer), Hash256{});
    return tx;
}

inline protocol::RegisterWorkTx Work(const std::string& content, const std::vector<std::pair<std::string, uint16_t>>& owners) {
    protocol::RegisterWorkTx b;
    b.fingerprint = Sha256Of(std::string_view(content));
    b.title = "title of " + content;
    b.kind = protocol::WorkKind::SONG;
    for (const auto& [n, bps] : owners) b.owners.push_back({AddrFor(n), bps});
    std::sort(b.owners.begin(), b.owners.end(), [](const auto& x, const auto& y) { return x.owner < y.owner; });
    return b;
}

}  // namespace folio::test
