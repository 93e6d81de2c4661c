// Work certificates verify offline against the genesis validator set, and fail with a reason when
// any byte of the record, proof, header or signatures changes, or for another file.
#include <doctest/doctest.h>

#include <node/core/smt.h>
#include <node/state/certificate.h>
#include <node/state/state_root.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::KeyFor;
using folio::test::MakeTx;
using folio::test::MapState;

namespace {

struct Fixture {
    std::vector<PublicKey> validators;
    WorkCertificate cert;
    Hash256 fingerprint;

    Fixture() {
        GenesisDoc g;
        g.chain_id = "test-chain";
        for (int i = 0; i < 4; ++i) g.validators.push_back({"v" + std::to_string(i), AddrFor("val" + std::to_string(i))});
        g.accounts.push_back({"alice", AddrFor("alice"), WithRole(0, Role::CREATOR), KycStatus::VERIFIED, "BR", {}});
        for (auto& v : g.validators) validators.push_back(v.key);
        MapState state;
        MemoryNodeStore nodes;
        WriteSet genesis = BuildGenesisState(g).value();
        state.Apply(genesis);
        auto root = UpdateStateRoot(nodes, Hash256{}, genesis).value();
        nodes.Apply(root);
        auto reg = test::Work("the film", {{"alice", 10000}});
        fingerprint = reg.fingerprint;
        auto block = ApplyBlock(state, {"test-chain"}, {1, 1000, AddrFor("val0")}, {MakeTx("alice", 0, reg)}).value();
        state.Apply(block.writes);
        auto r2 = UpdateStateRoot(nodes, root.new_root, block.writes).value();
        nodes.Apply(r2);
        BlockHeader h;
        h.chain_id = "test-chain";
        h.height = 1;
        h.time_ms = 1000;
        h.state_root = r2.new_root;
        Bytes key = keys::Work(1);
        cert.chain_id = "test-chain";
        cert.work_record = *state.Get(key);
        cert.proof = EncodeSmtProof(SmtProve(nodes, h.state_root, Sha256Of(key)).value());
        cert.header = EncodeHeader(h);
        CommitCert cc;
        Hash256 msg = CommitMessage("test-chain", 1, BlockHash(h));
        for (int i = 0; i < 3; ++i)
            cc.signatures.emplace_back(AddrFor("val" + std::to_string(i)), *SignSchnorr(KeyFor("val" + std::to_string(i)), msg, Hash256{}));
        std::sort(cc.signatures.begin(), cc.signatures.end());
        cert.commit = EncodeCommitCert(cc);
    }
    std::string Verify(const WorkCertificate& c) { return VerifyWorkCertificate(fingerprint, c, "test-chain", validators); }
};

}  // namespace

TEST_CASE("a work certificate verifies offline; any changed byte or another file fails with a reason") {
    Fixture f;
    CHECK(f.Verify(f.cert) == "");
    CHECK(VerifyWorkCertificate(Sha256Of(std::string_view("another file")), f.cert, "test-chain", f.validators).find("is not the certified work's fingerprint") != std::string::npos);
    CHECK(VerifyWorkCertificate(f.fingerprint, f.cert, "other-chain", f.validators).find("for chain") != std::string::npos);

    // Flip every byte of each part in turn: none may verify.
    for (Bytes WorkCertificate::*part : {&WorkCertificate::work_record, &WorkCertificate::proof, &WorkCertificate::header,
                                         &WorkCertificate::commit}) {
        size_t n = (f.cert.*part).size();
        for (size_t i = 0; i < n; ++i) {
            WorkCertificate c = f.cert;
            (c.*part)[i] ^= 0x01;
            std::string why = f.Verify(c);
            CHECK_MESSAGE(!why.empty(), "byte " << i << " of a part changed and the certificate still verified");
        }
    }
    // Too few signatures, or a signer outside the set.
    CommitCert cc = DecodeCommitCert(f.cert.commit).value();
    cc.signatures.pop_back();
    WorkCertificate c = f.cert;
    c.commit = EncodeCommitCert(cc);
    CHECK(f.Verify(c).find("3 of 4 are needed") != std::string::npos);
    std::vector<PublicKey> others = {AddrFor("x1"), AddrFor("x2"), AddrFor("x3"), AddrFor("x4")};
    CHECK(VerifyWorkCertificate(f.fingerprint, f.cert, "test-chain", others).find("not in the validator set") != std::string::npos);
    c = f.cert;
    c.handoffs.push_back(Bytes{1});
    CHECK(f.Verify(c).find("hand-offs") != std::string::npos);
}

TEST_CASE("commit quorum is 2f+1") {
    CHECK(CommitQuorum(1) == 1);
    CHECK(CommitQuorum(4) == 3);
    CHECK(CommitQuorum(7) == 5);
    CHECK(CommitQuorum(10) == 7);
}
