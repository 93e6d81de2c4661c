// Work certificates verify offline against the genesis validator set, and fail with a reason when
// any byte of the record, proof, header or signatures changes, or for another file.
#include <doctest/doctest.h>

#include <node/core/merkle.h>
#include <node/core/smt.h>
#include <node/protocol/certificate.h>
#include <node/state/state_root.h>
#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::KeyFor;
using folio::test::MakeTx;
using folio::test::MapState;

namespace {

// Signs `h` with the named validators.
Bytes Certify(const BlockHeader& h, const std::vector<std::string>& names) {
    CommitCert cc;
    Hash256 msg = CommitMessage("test-chain", h.height, BlockHash(h));
    for (const auto& n : names) cc.signatures.emplace_back(AddrFor(n), *SignSchnorr(KeyFor(n), msg, Hash256{}));
    std::sort(cc.signatures.begin(), cc.signatures.end());
    return EncodeCommitCert(cc);
}

// Validators val0..val3 and a creator, alice.
GenesisDoc FourValidatorGenesis() {
    GenesisDoc g;
    g.chain_id = "test-chain";
    for (int i = 0; i < 4; ++i) g.validators.push_back({"v" + std::to_string(i), AddrFor("val" + std::to_string(i))});
    g.accounts.push_back({"alice", AddrFor("alice"), WithRole(0, Role::CREATOR), KycStatus::VERIFIED, "BR", {}});
    return g;
}

struct Fixture {
    std::vector<PublicKey> validators;
    WorkCertificate cert;
    Hash256 fingerprint;
    Bytes other_receipt;  // the receipt of block 1's other transaction

    Fixture() {
        GenesisDoc g = FourValidatorGenesis();
        for (auto& v : g.validators) validators.push_back(v.key);
        MapState state;
        MemoryNodeStore nodes;
        WriteSet genesis = BuildGenesisState(g).value();
        state.Apply(genesis);
        auto root = UpdateStateRoot(nodes, Hash256{}, 0, genesis, 0).value();
        nodes.Apply(root);
        auto reg = test::Work("the film", {{"alice", 10000}});
        fingerprint = reg.fingerprint;
        // Block 1: another transaction, then the registration (index 1 of 2).
        Transaction other = MakeTx("alice", 0, test::Work("another film", {{"alice", 10000}}));
        Transaction tx = MakeTx("alice", 1, reg);
        auto block = ApplyBlock(state, {"test-chain"}, {1, 1000, AddrFor("val0")}, {other, tx}).value();
        state.Apply(block.writes);
        auto r2 = UpdateStateRoot(nodes, root.new_root, 0, block.writes, 1).value();
        nodes.Apply(r2);
        std::vector<Hash256> ids, receipts;
        for (const Receipt& rc : block.receipts) {
            ids.push_back(rc.tx_id);
            receipts.push_back(Sha256Of(EncodeReceipt(rc)));
        }
        BlockHeader h;
        h.chain_id = "test-chain";
        h.height = 1;
        h.time_ms = 1000;
        h.tx_count = 2;
        h.tx_root = MerkleRoot(ids);
        h.receipts_root = MerkleRoot(receipts);
        h.state_root = r2.new_root;
        cert.registration.header = EncodeHeader(h);
        cert.registration.commit = Certify(h, {"val1", "val2", "val3"});
        cert.registration.tx = EncodeTx(tx);
        cert.registration.tx_proof = EncodeMerkleProof(MerkleProve(ids, 1));
        cert.registration.receipt = EncodeReceipt(block.receipts.at(1));
        other_receipt = EncodeReceipt(block.receipts.at(0));
        cert.registration.receipt_proof = EncodeMerkleProof(MerkleProve(receipts, 1));
        Bytes key = keys::Work(2);
        cert.chain_id = "test-chain";
        cert.work_record = *state.Get(key);
        cert.proof = EncodeSmtProof(SmtProve(nodes, h.state_root, 1, Sha256Of(key)).value());
        cert.header = EncodeHeader(h);
        cert.commit = Certify(h, {"val0", "val1", "val2"});
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
    for (Bytes RegistrationProof::*part : {&RegistrationProof::header, &RegistrationProof::commit, &RegistrationProof::tx,
                                           &RegistrationProof::tx_proof, &RegistrationProof::receipt,
                                           &RegistrationProof::receipt_proof}) {
        size_t n = (f.cert.registration.*part).size();
        for (size_t i = 0; i < n; ++i) {
            WorkCertificate c = f.cert;
            (c.registration.*part)[i] ^= 0x01;
            std::string why = f.Verify(c);
            CHECK_MESSAGE(why.rfind("registration: ", 0) == 0, "byte " << i << " of a registration part changed: '" << why << "'");
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
    CHECK(f.Verify(c).find("validator hand-off 1: does not decode") != std::string::npos);
}

TEST_CASE("a certificate proves the registration: the transaction, its receipt and the block named by the record") {
    Fixture f;
    REQUIRE(f.Verify(f.cert) == "");
    auto header = DecodeHeader(f.cert.registration.header).value();
    auto tx = DecodeTx(f.cert.registration.tx).value();
    // Another transaction of the block (the first, which registered another work) in its place.
    WorkCertificate c = f.cert;
    Transaction other = MakeTx("alice", 0, test::Work("another film", {{"alice", 10000}}));
    c.registration.tx = EncodeTx(other);
    CHECK(f.Verify(c) == "registration: the transaction registers another fingerprint");
    // A registration re-signed by someone else (a valid signature, another sender).
    Transaction forged = tx;
    forged.sender = AddrFor("mallory");
    REQUIRE(SignTx(forged, KeyFor("mallory"), Hash256{}));
    c = f.cert;
    c.registration.tx = EncodeTx(forged);
    CHECK(f.Verify(c).find("is not the record's registrant") != std::string::npos);
    // The receipt of the other transaction of the block.
    c = f.cert;
    c.registration.receipt = f.other_receipt;
    CHECK(f.Verify(c) == "registration: the receipt is another transaction's");
    // The registration block signed by too few validators.
    c = f.cert;
    CommitCert cc = DecodeCommitCert(c.registration.commit).value();
    cc.signatures.pop_back();
    c.registration.commit = EncodeCommitCert(cc);
    CHECK(f.Verify(c).find("registration: the commit certificate has 2 validator signatures") == 0);
    // A block other than the one the record names.
    BlockHeader later = header;
    later.height = 2;
    c = f.cert;
    c.registration.header = EncodeHeader(later);
    c.registration.commit = Certify(later, {"val0", "val1", "val2"});
    CHECK(f.Verify(c).find("the work record says it was registered at height 1") != std::string::npos);
    // A failed receipt.
    c = f.cert;
    Receipt failed = DecodeReceipt(f.cert.registration.receipt).value();
    failed.success = false;
    failed.error_code = "duplicate_fingerprint";
    failed.events.clear();
    c.registration.receipt = EncodeReceipt(failed);
    CHECK(f.Verify(c) == "registration: the receipt is a failure (duplicate_fingerprint)");
}

TEST_CASE("commit quorum is more than two thirds: 2f+1 when n = 3f+1") {
    CHECK(CommitQuorum(1) == 1);
    CHECK(CommitQuorum(4) == 3);
    CHECK(CommitQuorum(5) == 4);  // 3 of 5 could be two quorums sharing only a faulty validator
    CHECK(CommitQuorum(6) == 5);
    CHECK(CommitQuorum(7) == 5);
    CHECK(CommitQuorum(10) == 7);
}


TEST_CASE("a certificate after a validator-set change verifies through its hand-off, and only so") {
    GenesisDoc g = FourValidatorGenesis();
    std::vector<PublicKey> genesis_set;
    for (auto& v : g.validators) genesis_set.push_back(v.key);
    MapState state;
    MemoryNodeStore nodes;
    WriteSet gw = BuildGenesisState(g).value();
    state.Apply(gw);
    auto r0 = UpdateStateRoot(nodes, Hash256{}, 0, gw, 0).value();
    nodes.Apply(r0);
    // Block 1 ends epoch 0: {val1, val2, val3, val4} from height 2.
    // It also registers work 1 ("before the change").
    std::vector<Address> next{AddrFor("val1"), AddrFor("val2"), AddrFor("val3"), AddrFor("val4")};
    BlockBuilder b1(state, {"test-chain"}, {1, 1000, AddrFor("val0")});
    auto before = test::Work("before the change", {{"alice", 10000}});
    Transaction tx1 = MakeTx("alice", 0, before);
    REQUIRE(b1.TryAdd(tx1, TxId(tx1)));
    b1.ChangeValidators(next);
    BlockResult res1 = b1.Finish();
    auto w1 = res1.writes;
    state.Apply(w1);
    auto r1 = UpdateStateRoot(nodes, r0.new_root, 0, w1, 1).value();
    nodes.Apply(r1);
    BlockHeader h1;
    h1.chain_id = "test-chain";
    h1.height = 1;
    h1.time_ms = 1000;
    h1.tx_count = 1;
    h1.tx_root = MerkleRoot({res1.receipts.at(0).tx_id});
    h1.receipts_root = MerkleRoot({Sha256Of(EncodeReceipt(res1.receipts.at(0)))});
    h1.state_root = r1.new_root;
    // Block 2 registers the work.
    auto reg = test::Work("after the change", {{"alice", 10000}});
    Transaction tx2 = MakeTx("alice", 1, reg);
    auto b2 = ApplyBlock(state, {"test-chain"}, {2, 2000, AddrFor("val1")}, {tx2}).value();
    state.Apply(b2.writes);
    auto r2 = UpdateStateRoot(nodes, r1.new_root, 1, b2.writes, 2).value();
    nodes.Apply(r2);
    BlockHeader h2 = h1;
    h2.height = 2;
    h2.time_ms = 2000;
    h2.parent = BlockHash(h1);
    h2.tx_root = MerkleRoot({b2.receipts.at(0).tx_id});
    h2.receipts_root = MerkleRoot({Sha256Of(EncodeReceipt(b2.receipts.at(0)))});
    h2.state_root = r2.new_root;

    // Work 2's registration is block 2 itself, signed by the new set.
    WorkCertificate cert;
    cert.chain_id = "test-chain";
    cert.work_record = *state.Get(keys::Work(2));
    cert.proof = EncodeSmtProof(SmtProve(nodes, h2.state_root, 2, Sha256Of(keys::Work(2))).value());
    cert.header = EncodeHeader(h2);
    cert.commit = Certify(h2, {"val1", "val2", "val4"});
    cert.registration = {cert.header, cert.commit, EncodeTx(tx2), EncodeMerkleProof(MerkleProve({b2.receipts.at(0).tx_id}, 0)),
                         EncodeReceipt(b2.receipts.at(0)),
                         EncodeMerkleProof(MerkleProve({Sha256Of(EncodeReceipt(b2.receipts.at(0)))}, 0))};
    ValidatorHandoff ho;
    ho.header = EncodeHeader(h1);
    ho.commit = Certify(h1, {"val0", "val1", "val2"});
    ho.record = *state.Get(ValidatorSetKey(1));
    ho.proof = EncodeSmtProof(SmtProve(nodes, h1.state_root, 1, Sha256Of(ValidatorSetKey(1))).value());
    cert.handoffs.push_back(EncodeHandoff(ho));
    auto verify = [&](const WorkCertificate& c) { return VerifyWorkCertificate(reg.fingerprint, c, "test-chain", genesis_set); };
    CHECK(verify(cert) == "");

    // Without the hand-off, val4 is unknown to the genesis set.
    WorkCertificate c = cert;
    c.handoffs.clear();
    CHECK(verify(c).find("not in the validator set") != std::string::npos);
    // The work's block signed by the old set (val0 is no longer a validator).
    c = cert;
    c.commit = Certify(h2, {"val0", "val1", "val2"});
    CHECK(verify(c).find("not in the validator set") != std::string::npos);
    // The hand-off signed by the new set instead of the old one.
    ValidatorHandoff bad = ho;
    bad.commit = Certify(h1, {"val1", "val2", "val4"});
    c = cert;
    c.handoffs = {EncodeHandoff(bad)};
    CHECK(verify(c).find("validator hand-off 1: commit signature by") != std::string::npos);
    // A forged record (the proof no longer matches), or a proof of another key.
    bad = ho;
    ValidatorSetRecord forged = DecodeFields<ValidatorSetRecord>(ho.record).value();
    forged.members = {AddrFor("val4")};
    bad.record = EncodeFields(forged);
    c.handoffs = {EncodeHandoff(bad)};
    CHECK(verify(c).find("state proof does not show this validator set") != std::string::npos);
    // The same hand-off twice is out of order.
    c = cert;
    c.handoffs.push_back(EncodeHandoff(ho));
    CHECK_FALSE(verify(c).empty());
    // A certified block before the hand-off's height.
    WorkCertificate early = cert;
    early.header = EncodeHeader(h1);
    early.commit = Certify(h1, {"val1", "val2", "val4"});
    CHECK(verify(early).find("older than the last validator hand-off") != std::string::npos);

    // Work 1, registered in epoch 0 and certified in epoch 1: its registration block is checked
    // against the genesis set (the hand-off's epoch ended with it), the current state against the new.
    WorkCertificate old = cert;
    old.work_record = *state.Get(keys::Work(1));
    old.proof = EncodeSmtProof(SmtProve(nodes, h2.state_root, 2, Sha256Of(keys::Work(1))).value());
    old.registration = {EncodeHeader(h1), ho.commit, EncodeTx(tx1), EncodeMerkleProof(MerkleProve({res1.receipts.at(0).tx_id}, 0)),
                        EncodeReceipt(res1.receipts.at(0)),
                        EncodeMerkleProof(MerkleProve({Sha256Of(EncodeReceipt(res1.receipts.at(0)))}, 0))};
    CHECK(VerifyWorkCertificate(before.fingerprint, old, "test-chain", genesis_set) == "");
    // Its registration block signed by the new set instead: val4 was not a validator then.
    old.registration.commit = Certify(h1, {"val1", "val2", "val4"});
    CHECK(VerifyWorkCertificate(before.fingerprint, old, "test-chain", genesis_set).find("registration: commit signature by") == 0);
}
