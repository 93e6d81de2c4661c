// folio-bench-micro: same-run reference figures for scripts/bench, one JSON line.
//   verify_per_s   BIP-340 verifications per second on one core (libsecp256k1)
//   sign_per_s     BIP-340 signatures per second on one core
//   sha256_mb_s    Crypto++ SHA-256 over a 64 MiB buffer, MB/s
//   smt_updates_per_s  state-map writes per second in 1000-write batches over 100k keys
//   apply_tx_per_s register_work transactions executed per second (signatures pre-verified)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include <node/core/smt.h>
#include <node/state/ledger.h>
#include <node/state/state_root.h>

using namespace folio;
using Clock = std::chrono::steady_clock;

namespace {
double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
template <typename F>
double RatePerSec(size_t n, F&& f) {  // median of 5 runs of n operations
    std::vector<double> rates;
    for (int r = 0; r < 5; ++r) {
        auto t0 = Clock::now();
        f(n);
        double s = std::chrono::duration<double>(Clock::now() - t0).count();
        rates.push_back(static_cast<double>(n) / s);
    }
    return Median(rates);
}
SecretKey Key(uint64_t i) {
    Writer w;
    w.U64(i);
    return SecretKey::FromView(Sha256Of(w.bytes()).view());
}
}  // namespace

int main() {
    // Signatures.
    std::vector<Hash256> msgs;
    std::vector<Signature> sigs;
    std::vector<PublicKey> pks;
    for (uint64_t i = 0; i < 2000; ++i) {
        SecretKey sk = Key(i);
        Writer w;
        w.U64(i * 7);
        msgs.push_back(Sha256Of(w.bytes()));
        sigs.push_back(*SignSchnorr(sk, msgs.back(), Hash256{}));
        pks.push_back(*DerivePublicKey(sk));
    }
    volatile bool sink = true;
    double verify = RatePerSec(msgs.size(), [&](size_t n) {
        for (size_t i = 0; i < n; ++i) sink = sink && VerifySchnorr(pks[i], msgs[i], sigs[i]);
    });
    SecretKey sk0 = Key(1);
    double sign = RatePerSec(2000, [&](size_t n) {
        for (size_t i = 0; i < n; ++i) sink = sink && SignSchnorr(sk0, msgs[i], Hash256{}).has_value();
    });
    // Hashing.
    std::vector<uint8_t> buf(64u << 20, 0x5a);
    double sha = RatePerSec(1, [&](size_t) { sink = sink && !Sha256Of(ByteView(buf)).IsZero(); }) * 64.0 * 1.048576;
    // State map.
    MemoryNodeStore nodes;
    Hash256 root;
    {
        std::vector<SmtWrite> init;
        for (uint64_t i = 0; i < 100000; ++i) {
            Writer w;
            w.U64(i);
            init.emplace_back(Sha256Of(w.bytes()), Sha256Of(w.bytes()));
        }
        std::sort(init.begin(), init.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        auto u = SmtApply(nodes, root, init);
        nodes.Apply(u.value());
        root = u->new_root;
    }
    uint64_t salt = 0;
    double smt = RatePerSec(1000, [&](size_t n) {
        std::vector<SmtWrite> batch;
        for (size_t i = 0; i < n; ++i) {
            Writer w;
            w.U64((i * 97 + salt) % 100000);
            Writer v;
            v.U64(++salt);
            batch.emplace_back(Sha256Of(w.bytes()), Sha256Of(v.bytes()));
        }
        std::sort(batch.begin(), batch.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        batch.erase(std::unique(batch.begin(), batch.end(), [](const auto& a, const auto& b) { return a.first == b.first; }), batch.end());
        auto u = SmtApply(nodes, root, batch);
        nodes.Apply(u.value());
        root = u->new_root;
    });
    // Execution of register_work (no signature checks; ApplyBlock's contract).
    state::GenesisDoc g;
    g.chain_id = "bench";
    g.validators.push_back({"v", *DerivePublicKey(Key(999999))});
    std::vector<SecretKey> keys;
    for (uint64_t i = 0; i < 64; ++i) {
        keys.push_back(Key(1000 + i));
        g.accounts.push_back({"a", *DerivePublicKey(keys.back()), state::WithRole(0, state::Role::CREATOR), state::KycStatus::VERIFIED, "US"});
    }
    state::EmptyState empty;
    state::Overlay base_state(empty);
    state::WriteSet genesis = state::BuildGenesisState(g).value();
    for (auto& [k, v] : genesis) base_state.Put(k, *v);
    std::vector<state::Transaction> txs;
    for (uint64_t i = 0; i < 6400; ++i) {
        state::Transaction tx;
        tx.chain_id = "bench";
        tx.sender = *DerivePublicKey(keys[i % 64]);
        tx.nonce = i / 64;
        Writer w;
        w.U64(i);
        state::RegisterWorkTx b;
        b.fingerprint = Sha256Of(w.bytes());
        b.title = "bench";
        b.owners = {{tx.sender, 10000}};
        tx.body = b;
        txs.push_back(tx);
    }
    double apply = RatePerSec(txs.size(), [&](size_t) {
        auto r = state::ApplyBlock(base_state, {"bench"}, {1, 1, PublicKey{}}, txs);
        sink = sink && r.ok();
    });
    nlohmann::json out = {{"verify_per_s", verify},     {"sign_per_s", sign},   {"sha256_mb_s", sha},
                          {"smt_updates_per_s", smt}, {"apply_tx_per_s", apply}};
    std::printf("%s\n", out.dump().c_str());
    return sink ? 0 : 1;
}
