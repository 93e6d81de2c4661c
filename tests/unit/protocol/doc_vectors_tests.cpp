// The test vectors of docs/formats.md, read out of the document at test time (tests/unit/doc_vectors.h):
// a signed transaction, a block header, the commit message, a commit certificate, a validator-set
// hand-off, a receipt, one event of every receipt event type and the transaction bodies of the AML
// kinds and governance actions (aml_release, aml_reject, propose set_aml_limit and set_sanction).
// Each is built here with the real types, encoded by the real encoders, and compared with the
// document field by field; the decoders must give the values back. tests/lint/doc_vectors.py
// decodes the same vectors from the document's layout tables alone.
#include <doctest/doctest.h>

#include <algorithm>

#include <node/core/keys.h>
#include <node/core/smt.h>
#include <node/protocol/addresses.h>
#include <node/protocol/certificate.h>
#include <node/protocol/types.h>
#include <tests/unit/doc_vectors.h>

using namespace folio;
using namespace folio::protocol;
using folio::test::AnnotateValue;
using folio::test::CompareVector;
using folio::test::FieldListing;
using folio::test::Listing;
using folio::test::ReadDocVector;
using folio::test::RecordListing;

namespace {

const std::string DOC = "docs/formats.md";
const std::string CHAIN = "folio-devnet";

SecretKey Secret(uint8_t fill) {
    SecretKey sk;
    sk.data.fill(fill);
    return sk;
}
Address Pub(uint8_t fill) { return *DerivePublicKey(Secret(fill)); }
Hash256 Sha(std::string_view s) { return Sha256Of(s); }

// The keys of the examples (secret key = the byte repeated 32 times): alice 0x11 (docs/rpc.md), bob
// 0x22, validators 0xa1, 0xa2, 0xa3.
const Address ALICE = Pub(0x11), BOB = Pub(0x22);
const Address V0 = Pub(0xa1), V1 = Pub(0xa2), V2 = Pub(0xa3);

void Check(const std::string& name, const Listing& mine, const std::string& doc = DOC) {
    INFO("vector " << name << " in " << doc);
    std::string diff = CompareVector(doc, name, mine);
    CHECK_MESSAGE(diff.empty(), diff);
}

Transaction ExampleTx() {
    Transaction tx;
    tx.chain_id = CHAIN;
    tx.sender = ALICE;
    tx.nonce = 7;
    tx.expires_at_ms = 1'800'000'060'000;
    tx.body = TransferTx{BOB, "USD", 1234};
    REQUIRE(SignTx(tx, Secret(0x11), Hash256{}));
    return tx;
}

Receipt ExampleReceipt() {
    Receipt r;
    r.tx_id = TxId(ExampleTx());
    r.events.push_back(EvTransfer{ALICE, BOB, "USD", 1234});
    return r;
}

// The state of the example's block 42: three validator-set records (the map holds nothing else).
ValidatorSetRecord NextSet() { return ValidatorSetRecord{1, 43, {V0, V1, V2}, Sha("set_validators proposal")}; }
ValidatorSetRecord GenesisSet() { return ValidatorSetRecord{0, 1, {V0, V1}, Hash256{}}; }

struct ExampleState {
    MemoryNodeStore nodes;
    Hash256 root;
};
ExampleState State() {
    ExampleState s;
    std::vector<std::pair<Bytes, Bytes>> kv = {
        {ValidatorSetKey(0), EncodeFields(GenesisSet())},
        {ValidatorSetKey(1), EncodeFields(NextSet())},
        {Bytes{'v', '/', 'c', 'u', 'r', 'r', 'e', 'n', 't'}, EncodeFields(GenesisSet())}};
    std::vector<SmtWrite> writes;
    for (const auto& [k, v] : kv) writes.emplace_back(SmtKey(k), SmtValueHash(v));
    std::sort(writes.begin(), writes.end());
    auto u = SmtApply(s.nodes, Hash256{}, 0, writes, 42);
    REQUIRE(u);
    s.nodes.Apply(*u);
    s.root = u->new_root;
    return s;
}

BlockHeader ExampleHeader(const Hash256& state_root) {
    BlockHeader h;
    h.chain_id = CHAIN;
    h.height = 42;
    h.parent = Sha("block 41");
    h.time_ms = 1'800'000'000'000;
    h.proposer = V0;
    h.tx_count = 1;
    h.tx_root = TxId(ExampleTx());  // the Merkle root of one leaf is the leaf
    h.receipts_root = Sha256Of(EncodeReceipt(ExampleReceipt()));
    h.state_root = state_root;
    return h;
}

CommitCert ExampleCert(const BlockHeader& h) {
    Hash256 msg = CommitMessage(CHAIN, h.height, BlockHash(h));
    CommitCert c;
    for (uint8_t fill : {uint8_t{0xa1}, uint8_t{0xa2}})
        c.signatures.emplace_back(Pub(fill), *SignSchnorr(Secret(fill), msg, Hash256{}));
    std::sort(c.signatures.begin(), c.signatures.end());
    return c;
}

Listing CertListing(const CommitCert& c) {
    Listing l;
    l.Add("version", "01", "1");
    Writer w;
    w.Varint(c.signatures.size());
    l.Add("signatures.count", ToHex(w.bytes()), std::to_string(c.signatures.size()));
    for (size_t i = 0; i < c.signatures.size(); ++i) {
        std::string p = "signatures[" + std::to_string(i) + "]";
        l.Add(p + ".validator", c.signatures[i].first.hex(), c.signatures[i].first.hex());
        l.Add(p + ".signature", c.signatures[i].second.hex(), c.signatures[i].second.hex());
    }
    return l;
}

Listing ProofListing(const SmtProof& p) {
    Listing l;
    Writer w;
    w.Varint(p.siblings.size());
    l.Add("siblings.count", ToHex(w.bytes()), std::to_string(p.siblings.size()));
    for (size_t i = 0; i < p.siblings.size(); ++i)
        l.Add("siblings[" + std::to_string(i) + "]", p.siblings[i].hex(), p.siblings[i].hex());
    l.Add("leaf.present", p.leaf ? "01" : "00", p.leaf ? "true" : "false");
    if (p.leaf) {
        l.Add("leaf.key", p.leaf->key.hex(), p.leaf->key.hex());
        l.Add("leaf.value_hash", p.leaf->value_hash.hex(), p.leaf->value_hash.hex());
    }
    return l;
}

// The AML examples: BRL limited to 1000.00 a payout or transfer and 5000.00 in any 24 hours; alice's
// payout of 1500.00 BRL to the gateway 33 was held over the single limit, then released by the
// compliance account 77, which made payout instruction 9.
SetAmlLimit ExampleAmlLimit() { return SetAmlLimit{"BRL", 100000, 500000, 24}; }
AmlHold ExampleAmlHold() {
    AmlHold h;
    h.id = 1;
    h.kind = AmlHoldKind::PAYOUT;
    h.from = ALICE;
    h.to = Pub(0x33);
    h.currency = "BRL";
    h.amount = 150000;
    h.reason = AmlReason::SINGLE_LIMIT;
    h.limit = 100000;
    h.status = AmlHoldStatus::RELEASED;
    h.created_ms = 1'800'000'000'000;
    h.ended_ms = 1'800'003'600'000;
    h.decided_by = Pub(0x77);
    h.note = "source of funds: 2026 royalty statement";
    h.payout_id = 9;
    h.tx = Sha("the withdraw transaction");
    return h;
}

}  // namespace

TEST_CASE("docs/formats.md: the transaction test vector") {
    Transaction tx = ExampleTx();
    Listing l;
    l.Add("version", "01", "1");
    test::AnnotateFields(l, "", tx);
    l.Add("signature", tx.signature.hex(), tx.signature.hex());
    CHECK(l.Hex() == ToHex(EncodeTx(tx)));
    l.Result("TaggedHash(\"folio/tx/sig\", the bytes before the signature)", TxSigHash(tx).hex());
    l.Result("TaggedHash(\"folio/tx/id\", all the bytes)", TxId(tx).hex());
    Check("tx-transfer Transaction", l);
    CHECK(VerifySchnorr(ALICE, TxSigHash(tx), tx.signature));
    auto back = DecodeTx(EncodeTx(tx));
    REQUIRE(back);
    CHECK(*back == tx);
    CHECK(ALICE.hex() == "4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa");
}

TEST_CASE("docs/formats.md: block header, commit message, commit certificate and hand-off vectors") {
    ExampleState s = State();
    BlockHeader h = ExampleHeader(s.root);
    Listing hl = FieldListing(h);
    CHECK(hl.Hex() == ToHex(EncodeHeader(h)));
    hl.Result("TaggedHash(\"folio/block\", all the bytes)", BlockHash(h).hex());
    Check("block-header BlockHeader", hl);

    // The commit message: the chain id's raw bytes (no length prefix), 0x00, u64 height, block hash.
    Listing ml;
    ml.Add("chain_id", ToHex(AsBytes(CHAIN)), test::Quote(CHAIN));
    ml.Add("separator", "00", "0");
    {
        Writer w;
        w.U64(h.height);
        ml.Add("height", ToHex(w.bytes()), std::to_string(h.height));
    }
    ml.Add("block_hash", BlockHash(h).hex(), BlockHash(h).hex());
    ml.Result("TaggedHash(\"folio/commit\", all the bytes)", CommitMessage(CHAIN, h.height, BlockHash(h)).hex());
    CHECK(TaggedHash("folio/commit", ml.Bytes_()) == CommitMessage(CHAIN, h.height, BlockHash(h)));
    Check("commit-message CommitMessage", ml);

    CommitCert cert = ExampleCert(h);
    Listing cl = CertListing(cert);
    CHECK(cl.Hex() == ToHex(EncodeCommitCert(cert)));
    Check("commit-certificate CommitCert", cl);
    CHECK(VerifyCommitCert(CHAIN, h, cert, {V0, V1}) == "");
    auto cert_back = DecodeCommitCert(EncodeCommitCert(cert));
    REQUIRE(cert_back);
    CHECK(cert_back->signatures == cert.signatures);

    // The hand-off from epoch 0 ({V0, V1}) to epoch 1 ({V0, V1, V2}) at block 42.
    auto proof = SmtProve(s.nodes, s.root, 42, SmtKey(ValidatorSetKey(1)));
    REQUIRE(proof);
    ValidatorHandoff ho{EncodeHeader(h), EncodeCommitCert(cert), EncodeFields(NextSet()), EncodeSmtProof(*proof)};
    Listing hol;
    hol.Add("version", "01", "1");
    hol.Nested("header", FieldListing(h));
    hol.Nested("commit", cl);
    hol.Nested("record", RecordListing(NextSet()));
    hol.Nested("proof", ProofListing(*proof));
    CHECK(hol.Hex() == ToHex(EncodeHandoff(ho)));
    Check("handoff ValidatorHandoff", hol);
    auto ho_back = DecodeHandoff(EncodeHandoff(ho));
    REQUIRE(ho_back);
    CHECK(ho_back->proof == ho.proof);
    // It verifies: a block of epoch 1 signed by all three (the quorum of 3) is certified through it from the genesis set.
    BlockHeader later = h;
    later.height = 43;
    later.parent = BlockHash(h);
    Hash256 msg = CommitMessage(CHAIN, 43, BlockHash(later));
    CommitCert later_cert;
    for (uint8_t fill : {uint8_t{0xa1}, uint8_t{0xa2}, uint8_t{0xa3}})
        later_cert.signatures.emplace_back(Pub(fill), *SignSchnorr(Secret(fill), msg, Hash256{}));
    std::sort(later_cert.signatures.begin(), later_cert.signatures.end());
    CHECK(VerifyCertifiedHeader(later, EncodeCommitCert(later_cert), {EncodeHandoff(ho)}, CHAIN, {V0, V1}) == "");
    CHECK(VerifyCertifiedHeader(later, EncodeCommitCert(later_cert), {}, CHAIN, {V0, V1}) != "");
    later_cert.signatures.pop_back();  // two of three are not a quorum
    CHECK(VerifyCertifiedHeader(later, EncodeCommitCert(later_cert), {EncodeHandoff(ho)}, CHAIN, {V0, V1}) != "");
}

TEST_CASE("docs/formats.md: the receipt vector and one vector per receipt event type") {
    Receipt r = ExampleReceipt();
    Listing rl = FieldListing(r);
    CHECK(rl.Hex() == ToHex(EncodeReceipt(r)));
    rl.Result("SHA-256(all the bytes)", Sha256Of(EncodeReceipt(r)).hex());
    Check("receipt-transfer Receipt", rl);
    auto back = DecodeReceipt(EncodeReceipt(r));
    REQUIRE(back);
    CHECK(*back == r);

    const Hash256 proposal = Sha("example proposal");
    const Address dist = Pub(0x44);
    const Address taxbr = Pub(0x55);
    Bytes account_set(8, 0);
    account_set[0] = 'B';
    account_set[1] = 'R';
    account_set.insert(account_set.end(), taxbr.begin(), taxbr.end());
    std::vector<std::pair<std::string, Event>> events = {
        {"event-work-registered", EvWorkRegistered{1, Sha("example work"), {{BOB, 3000}, {ALICE, 7000}}}},
        {"event-proposal-created", EvProposalCreated{proposal}},
        {"event-proposal-approved", EvProposalApproved{proposal, ALICE, 2, 3}},
        {"event-proposal-executed", EvProposalExecuted{proposal}},
        {"event-role-granted", EvRoleGranted{BOB, Role::CREATOR}},
        {"event-role-revoked", EvRoleRevoked{BOB, Role::GATEWAY}},
        {"event-threshold-set", EvThresholdSet{3}},
        {"event-template-deployed", EvTemplateDeployed{Sha("example code"), 1234, "escalating_royalty", 2}},
        {"event-account-updated", EvAccountUpdated{ALICE, "kyc"}},
        {"event-fx-rate", EvFxRate{1, "USD", "JPY", 15137, 100}},
        {"event-licence", EvLicence{3, 1, dist, LicenceStatus::ACTIVE}},
        {"event-revenue", EvRevenue{1, dist, "BRL", 100001, IncomeType::ROYALTY, "2027-01"}},
        {"event-shares-transferred", EvSharesTransferred{1, {{BOB, 5000}, {ALICE, 5000}}}},
        {"event-auction-created", EvAuctionCreated{1, 1, AuctionAddress(1), 4}},
        {"event-contract-event",
         EvContract{TaxContractAddress(), Bytes{'a', 'c', 'c', 'o', 'u', 'n', 't', '_', 's', 'e', 't'}, account_set}},
        {"event-transfer", EvTransfer{ALICE, BOB, "USD", 1234}},
        {"event-nft", EvNft{5, 1, NftAction::SOLD, ALICE, BOB, "USD", 5000, 500, 125}},
        {"event-validator-set-scheduled", EvValidatorSetScheduled{1, 60, {V0, V1, V2}}},
        {"event-contract-created", EvContractCreated{Pub(0x66), Sha("example code"), ALICE}},
        {"event-contract-attached", EvContractAttached{1, Pub(0x66)}},
        {"event-fan-token", EvFanToken{2, FanTokenAction::SOLD, Address{}, BOB, 6, "BRL", 3000}},
        {"event-recoupment", EvRecoupment{1, dist, "BRL", 100000, 60000, 60000}},
        {"event-aml-hold", EvAmlHold{ExampleAmlHold()}},
        {"event-aml-limit-set", EvAmlLimit{ExampleAmlLimit()}},
        {"event-sanction", EvSanction{SetSanction{Address{}, "KP", true, "UN SC resolution 1718"}}},
    };
    for (const auto& [name, ev] : events) {
        Listing l;
        AnnotateValue(l, "", ev);
        Receipt one;
        one.tx_id = Hash256{};
        one.events = {ev};
        Bytes enc = EncodeReceipt(one);
        // the event's bytes are the receipt's after its fixed head (32 + 1 + 1 + 1 + 1 bytes)
        CHECK(l.Hex() == ToHex(ByteView(enc).subspan(36)));
        Check(name + " event", l);
        auto dec = DecodeReceipt(enc);
        REQUIRE(dec);
        CHECK(dec->events.at(0) == ev);
    }
}

// BR streaming for the first half of 2027, not exclusive, no fee.
LicenceTerms SublicenceTerms() {
    LicenceTerms t;
    t.territories = {"BR"};
    t.rights = RIGHT_STREAM;
    t.start_ms = 1798761600000;  // 2027-01-01
    t.end_ms = 1814400000000;    // 2027-07-01
    return t;
}

// Transaction bodies (`tx-body`: the kind byte, then the body's field list) of the kinds and
// governance actions that have a vector: the bytes are the body's part of the real transaction
// encoding, and the transaction decodes back to the same body.
TEST_CASE("docs/formats.md: transaction body and governance action vectors") {
    std::vector<std::pair<std::string, TxBody>> bodies = {
        {"tx-body-aml-release", AmlReleaseTx{1, "source of funds: 2026 royalty statement"}},
        {"tx-body-aml-reject", AmlRejectTx{2, "no source of funds shown in 30 days"}},
        {"tx-body-propose-set-aml-limit", ProposeTx{ExampleAmlLimit()}},
        {"tx-body-propose-set-sanction", ProposeTx{SetSanction{BOB, "", true, "OFAC SDN 12345"}}},
        {"tx-body-grant-sublicence", GrantSublicenceTx{3, BOB, SublicenceTerms()}},
    };
    for (const auto& [name, body] : bodies) {
        INFO(name);
        Listing l;
        test::AnnotateVariant(l, "", body, 1);
        Transaction tx;
        tx.chain_id = CHAIN;
        tx.sender = ALICE;
        tx.body = body;
        Bytes unsigned_tx = EncodeUnsignedTx(tx);
        // version · chain_id · sender · nonce · expires_at_ms, then the body
        const size_t head = 1 + 1 + CHAIN.size() + 32 + 8 + 8;
        REQUIRE(unsigned_tx.size() >= head);
        CHECK(l.Hex() == ToHex(ByteView(unsigned_tx).subspan(head)));
        CHECK(l.lines().at(0).value == std::to_string(static_cast<unsigned>(KindOf(body))));
        Check(name + " tx-body", l);
        auto back = DecodeTx(EncodeTx(tx));
        REQUIRE(back);
        CHECK(back->body == body);
    }
}
