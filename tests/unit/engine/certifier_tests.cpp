// LedgerCertifier alone, four validators over an in-memory ledger each, messages passed by hand:
// a height whose ledger signatures were lost on every node (each validator killed or cut off
// right after executing it) still becomes provable — a pull is answered with the peer's own
// signature when it has no certificate either — also far behind execution, and only on this
// node's own executed hash.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <node/core/codec.h>
#include <node/core/keys.h>
#include <node/engine/certifier.h>
#include <node/engine/validator_sets.h>

using namespace folio;
using namespace folio::engine;

namespace {

// The part of a Ledger the certifier uses: chain id, executed hashes, stored certificates.
class MemLedger : public Ledger {
public:
    std::map<uint64_t, Hash256> executed;
    std::map<uint64_t, Bytes> certs;
    std::map<std::string, Bytes> meta;

    const std::string& ChainId() const override { return m_chain; }
    const Hash256& GenesisHash() const override { return m_genesis; }
    uint64_t Height() const override { return executed.empty() ? 0 : executed.rbegin()->first; }
    std::optional<Bytes> GetMeta(const std::string& name) const override {
        auto it = meta.find(name);
        if (it == meta.end()) return std::nullopt;
        return it->second;
    }
    std::optional<std::string> PutMeta(const std::string& name, ByteView value, bool) override {
        meta[name] = Bytes(value.begin(), value.end());
        return std::nullopt;
    }
    std::optional<std::string> DeleteMeta(const std::string& name) override {
        meta.erase(name);
        return std::nullopt;
    }
    void ForEachMeta(const std::string&, const std::function<void(const std::string&, const Bytes&)>&) const override {}
    std::optional<protocol::ValidatorSetRecord> ValidatorSet() const override { return std::nullopt; }
    std::optional<protocol::ValidatorSetRecord> ValidatorSetOfEpoch(uint64_t) const override { return std::nullopt; }
    std::optional<protocol::PendingValidatorSet> PendingValidatorSet() const override { return std::nullopt; }
    chain::SigCache& sig_cache() override { return m_cache; }
    size_t PoolSize() const override { return 0; }
    uint64_t PoolAddedCount() const override { return 0; }
    Offer Candidates(size_t, const std::function<bool(const Hash256&)>&) override { return {}; }
    std::shared_ptr<const Commands> DecodeCommands(const std::vector<Bytes>&) override { return nullptr; }
    bool VerifyCommands(const Commands&, chain::VerifyPool&) override { return false; }
    void AdmitGossip(const std::vector<Bytes>&, chain::VerifyPool&, size_t, const std::function<bool()>&) override {}
    std::optional<Executed> Execute(uint64_t, const consensus::Block&, const protocol::Batch&, const Commands*,
                                    chain::VerifyPool&) override {
        return std::nullopt;
    }
    bool StoreCommitCert(uint64_t height, const protocol::CommitCert& cert) override {
        certs[height] = protocol::EncodeCommitCert(cert);
        return true;
    }
    std::optional<Hash256> ExecutedHash(uint64_t height) const override {
        auto it = executed.find(height);
        if (it == executed.end()) return std::nullopt;
        return it->second;
    }
    std::optional<Bytes> CommitCertAt(uint64_t height) const override {
        auto it = certs.find(height);
        if (it == certs.end()) return std::nullopt;
        return it->second;
    }

private:
    std::string m_chain = "folio-certifier-test";
    Hash256 m_genesis{};
    chain::SigCache m_cache{16};
};

Hash256 BlockHash(uint64_t height, uint8_t variant = 0) {
    Writer w;
    w.U64(height);
    w.U8(variant);
    return Sha256Of(w.bytes());
}

struct Validator {
    SecretKey key;
    PublicKey pub;
    MemLedger ledger;
    std::unique_ptr<LedgerCertifier> certifier;
};

struct Four {
    ValidatorSets sets;
    std::vector<std::unique_ptr<Validator>> v;

    Four() {
        consensus::ValidatorSet set;
        for (uint8_t i = 0; i < 4; ++i) {
            auto x = std::make_unique<Validator>();
            x->key.data.fill(static_cast<uint8_t>(0x31 + i));
            x->pub = *DerivePublicKey(x->key);
            set.members.push_back(x->pub);
            v.push_back(std::move(x));
        }
        std::sort(set.members.begin(), set.members.end());
        sets.Add(1, set);
        for (auto& x : v) x->certifier = std::make_unique<LedgerCertifier>(x->ledger, x->key, x->pub, sets);
    }
    // Every validator executes `height` (its own signature stays on its node: the broadcast is lost).
    void ExecuteEverywhere(uint64_t height) {
        for (auto& x : v) {
            x->ledger.executed[height] = BlockHash(height);
            x->certifier->SignExecuted(height, BlockHash(height));
        }
    }
    // Validator i pulls what is due and every other validator answers it.
    void PullAndAnswer(size_t i, uint64_t executed, uint64_t now_ms) {
        Bytes req = v[i]->certifier->DuePulls(executed, now_ms);
        for (size_t j = 0; j < v.size(); ++j) {
            if (j == i) continue;
            LedgerCertifier::Answers a = v[j]->certifier->Answer(req, true);
            for (const Bytes& c : a.certs) v[i]->certifier->OnCertificate(c, executed);
            for (const Bytes& s : a.sigs) v[i]->certifier->OnSignature(v[j]->pub, s, executed);
        }
    }
};

}  // namespace

TEST_CASE("certifier: a height whose signatures were lost everywhere is certified by pulling peers' signatures") {
    Four f;
    f.ExecuteEverywhere(7);
    for (uint64_t h = 8; h <= 12; ++h) f.ExecuteEverywhere(h);  // execution moved on; 7..12 await
    CHECK(f.v[0]->certifier->Awaited() == 6);
    CHECK_FALSE(f.v[0]->ledger.CommitCertAt(7));

    f.PullAndAnswer(0, 12, 1'000);
    auto cert = f.v[0]->ledger.CommitCertAt(7);
    REQUIRE(cert);
    auto decoded = protocol::DecodeCommitCert(*cert);
    REQUIRE(decoded);
    CHECK(decoded->signatures.size() == 3);  // its own and the first two answers: a quorum
    CHECK(f.v[0]->certifier->Awaited() == 3);  // 10..12 are not due yet (CERT_PULL_LAG)

    // Validator 1 pulls too: validator 0 now answers with its certificate.
    f.PullAndAnswer(1, 12, 1'000);
    CHECK(f.v[1]->ledger.CommitCertAt(7) == cert);
}

TEST_CASE("certifier: pulled signatures count far behind execution, and only on this node's own hash") {
    Four f;
    f.ExecuteEverywhere(5);
    const uint64_t executed = 5 + LEDGER_SIG_WINDOW + 500;
    f.v[0]->certifier->Complete(executed);  // execution ran far ahead; 5 is still awaited
    REQUIRE(f.v[0]->certifier->Awaited() == 1);

    // A peer that executed a different block at 5 answers with its signature on that hash: it
    // does not count.
    f.v[3]->ledger.executed[5] = BlockHash(5, 1);
    Bytes req = f.v[0]->certifier->DuePulls(executed, 1'000);
    for (size_t j : {size_t{2}, size_t{3}}) {
        LedgerCertifier::Answers a = f.v[j]->certifier->Answer(req, true);
        REQUIRE(a.sigs.size() == 1);
        f.v[0]->certifier->OnSignature(f.v[j]->pub, a.sigs[0], executed);
    }
    CHECK_FALSE(f.v[0]->ledger.CommitCertAt(5));  // own + v2 = 2 < 3

    // A signature from outside the set is dropped.
    Validator outsider;
    outsider.key.data.fill(0x77);
    outsider.pub = *DerivePublicKey(outsider.key);
    outsider.ledger.executed[5] = BlockHash(5);
    LedgerCertifier stranger(outsider.ledger, outsider.key, outsider.pub, f.sets);
    stranger.SignExecuted(5, BlockHash(5));
    LedgerCertifier::Answers fake = stranger.Answer(req, true);
    REQUIRE(fake.sigs.size() == 1);
    f.v[0]->certifier->OnSignature(outsider.pub, fake.sigs[0], executed);
    CHECK_FALSE(f.v[0]->ledger.CommitCertAt(5));

    // The third member answers on the same hash: a quorum.
    LedgerCertifier::Answers a1 = f.v[1]->certifier->Answer(req, true);
    REQUIRE(a1.sigs.size() == 1);
    f.v[0]->certifier->OnSignature(f.v[1]->pub, a1.sigs[0], executed);
    CHECK(f.v[0]->ledger.CommitCertAt(5));
    CHECK(f.v[0]->certifier->Awaited() == 0);
}

TEST_CASE("certifier: a peer answers nothing for a height it has not executed, and only certificates when not signing") {
    Four f;
    f.v[1]->ledger.executed[3] = BlockHash(3);
    f.v[1]->certifier->SignExecuted(3, BlockHash(3));
    Writer w;
    w.U64(3);
    w.U64(4);  // not executed anywhere
    LedgerCertifier::Answers a = f.v[1]->certifier->Answer(w.bytes(), true);
    CHECK(a.certs.empty());
    CHECK(a.sigs.size() == 1);
    CHECK(f.v[1]->certifier->Answer(w.bytes(), false).sigs.empty());
    Bytes odd(7, 0);  // not a list of u64
    CHECK(f.v[1]->certifier->Answer(odd, true).sigs.empty());
}
