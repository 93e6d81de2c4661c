// folio-bench-micro: same-run reference figures for scripts/bench, one JSON line.
//   verify_per_s   BIP-340 verifications per second on one core (libsecp256k1)
//   sign_per_s     BIP-340 signatures per second on one core
//   sha256_mb_s    Crypto++ SHA-256 over a 64 MiB buffer, MB/s
//   smt_updates_per_s  state-map writes per second in 1000-write batches over 100k keys
//   apply_tx_per_s register_work transactions executed per second (signatures pre-verified)
//   settlement_per_s  report_revenue transactions executed per second, each split among 10 payees
//                  with withholding by the standard contracts (signatures pre-verified, one core)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <node/core/smt.h>
#include <node/state/ledger.h>
#include <node/state/settlement.h>
#include <vm/abi.h>
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
// A chain with 64 creator accounts; their keys go to `keys`.
state::GenesisDoc BenchGenesis(std::vector<SecretKey>& keys) {
    state::GenesisDoc g;
    g.chain_id = "bench";
    g.validators.push_back({"v", *DerivePublicKey(Key(999999))});
    for (uint64_t i = 0; i < 64; ++i) {
        keys.push_back(Key(1000 + i));
        // Creators that also report revenue (report_revenue needs the distributor role).
        g.accounts.push_back({"a", *DerivePublicKey(keys.back()),
                              protocol::WithRole(protocol::WithRole(0, protocol::Role::CREATOR), protocol::Role::DISTRIBUTOR),
                              protocol::KycStatus::VERIFIED, "US", {}});
    }
    return g;
}

// Settlement execution: a work with 10 owners (5 BR, 5 US residents), BR withholding 15% with a
// BR-US treaty at 10%; report_revenue transactions of varying amounts from 64 payers.
double SettlementRate(state::GenesisDoc g, const std::vector<SecretKey>& keys) {
    using namespace folio::state;
    std::vector<Address> owners;
    for (uint64_t i = 0; i < 10; ++i) {
        Address a = *DerivePublicKey(Key(5000 + i));
        owners.push_back(a);
        g.accounts.push_back({"o", a, WithRole(0, Role::CREATOR), KycStatus::VERIFIED, i < 5 ? "BR" : "US", {}});
    }
    Address gov = *DerivePublicKey(Key(6000));
    g.accounts.push_back({"gov", gov, WithRole(0, Role::GOVERNANCE), KycStatus::VERIFIED, "US", {}});
    for (auto& a : g.accounts)
        if (a.name == "a") a.balances = {{"BRL", 1'000'000'000'000}};
    std::sort(owners.begin(), owners.end());
    EmptyState empty;
    Overlay st(empty);
    WriteSet genesis = BuildGenesisState(g).value();
    for (auto& [k, v] : genesis) st.Put(k, *v);
    auto apply = [&](std::vector<Transaction> txs, uint64_t h) {
        auto r = ApplyBlock(st, {"bench"}, {h, 1'800'000'000'000 + h, PublicKey{}}, txs);
        for (auto& [k, v] : r.value().writes) {
            if (v) st.Put(k, *v);
            else st.Delete(k);
        }
    };
    auto tx = [&](const Address& sender, uint64_t nonce, TxBody body) {
        Transaction t;
        t.chain_id = "bench";
        t.sender = sender;
        t.nonce = nonce;
        t.body = std::move(body);
        return t;
    };
    int64_t BR = 'B' | 'R' << 8, US = 'U' | 'S' << 8;
    auto gov_call = [&](uint64_t nonce, const std::string& sig, std::vector<vm::AbiValue> args) {
        return tx(gov, nonce, ProposeTx{GovContractCall{TaxContractAddress(), *vm::EncodeCallChecked(sig, args)}});
    };
    RegisterWorkTx w;
    w.fingerprint = Sha256Of(std::string_view("settlement bench"));
    w.title = "bench";
    for (const Address& o : owners) w.owners.push_back({o, 1000});
    Address tax_account = *DerivePublicKey(Key(7000));
    apply({gov_call(0, "set_account(int,address)", {BR, tax_account}),
           gov_call(1, "set_rate(int,int,int,int,int,int)", {BR, int64_t{1}, int64_t{0}, int64_t{1500}, int64_t{0}, int64_t{0}}),
           gov_call(2, "set_treaty(int,int,int,int,int,int)", {BR, US, int64_t{1}, int64_t{1000}, int64_t{0}, int64_t{0}}),
           tx(owners[0], 0, w)},
          1);
    std::vector<Transaction> txs;
    for (uint64_t i = 0; i < 2000; ++i)
        txs.push_back(tx(*DerivePublicKey(keys[i % 64]), i / 64,
                         ReportRevenueTx{1, "BRL", static_cast<int64_t>(100'000 + i * 7919), 0, 0, "BR", ""}));
    bool ok = true;
    double rate = RatePerSec(txs.size(), [&](size_t) {
        auto r = ApplyBlock(st, {"bench"}, {2, 1'800'000'000'100, PublicKey{}}, txs);
        ok = ok && r.ok() && r->receipts.back().success;
    });
    return ok ? rate : 0;
}

}  // namespace

int main(int argc, char** argv) {
    // `folio-bench-micro settlement`: only the settlement figure (for profiling).
    if (argc > 1 && std::string_view(argv[1]) == "settlement") {
        std::vector<SecretKey> keys;
        state::GenesisDoc g = BenchGenesis(keys);
        std::printf("{\"settlement_per_s\": %.0f}\n", SettlementRate(g, keys));
        return 0;
    }
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
        auto u = SmtApply(nodes, root, 0, init, 0);
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
        auto u = SmtApply(nodes, root, 0, batch, 0);
        nodes.Apply(u.value());
        root = u->new_root;
    });
    // Execution of register_work (no signature checks; ApplyBlock's contract).
    std::vector<SecretKey> keys;
    state::GenesisDoc g = BenchGenesis(keys);
    state::EmptyState empty;
    state::Overlay base_state(empty);
    state::WriteSet genesis = state::BuildGenesisState(g).value();
    for (auto& [k, v] : genesis) base_state.Put(k, *v);
    std::vector<protocol::Transaction> txs;
    for (uint64_t i = 0; i < 6400; ++i) {
        protocol::Transaction tx;
        tx.chain_id = "bench";
        tx.sender = *DerivePublicKey(keys[i % 64]);
        tx.nonce = i / 64;
        Writer w;
        w.U64(i);
        protocol::RegisterWorkTx b;
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
    double settle = SettlementRate(g, keys);
    nlohmann::json out = {{"verify_per_s", verify},     {"sign_per_s", sign},   {"sha256_mb_s", sha},
                          {"smt_updates_per_s", smt}, {"apply_tx_per_s", apply}, {"settlement_per_s", settle}};
    std::printf("%s\n", out.dump().c_str());
    return sink ? 0 : 1;
}
