// The one codec mechanism (node/protocol/fields.h): bounds, canonical order, enum ranges,
// variant tags and decode checks are enforced by the field lists themselves.
#include <doctest/doctest.h>

#include <node/protocol/batch.h>
#include <node/protocol/types.h>

using namespace folio;
using namespace folio::protocol;

namespace {

Address Addr(uint8_t b) {
    Address a;
    a.data.fill(b);
    return a;
}

template <class T>
DecodeError DecodeErr(ByteView b) {
    auto r = DecodeFields<T>(b);
    return r ? DecodeError::NONE : r.error();
}

}  // namespace

TEST_CASE("field names: modifiers are stripped, order kept") {
    CHECK(FieldNameList(Work::FieldNames()) ==
          std::vector<std::string>{"id", "fingerprint", "title", "kind", "ids", "metadata_hash", "metadata_uri", "owners",
                                   "registrant", "registered_height", "registered_time_ms"});
    CHECK(FieldNameList(Batch::FieldNames()) == std::vector<std::string>{"time_ms", "txs", "evidence"});
    CHECK(FieldNameList("a, b") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("FOLIO_MAX bounds a string: at the limit decodes, one over is refused") {
    Work w;
    w.id = 7;
    w.title = std::string(MAX_TITLE, 't');
    w.owners = {{Addr(1), 10000}};
    Bytes ok = EncodeWork(w);
    REQUIRE(DecodeWork(ok));
    CHECK(DecodeWork(ok).value() == w);
    w.title += 't';
    CHECK(DecodeErr<Work>(EncodeWork(w)) == DecodeError::TOO_LONG);
}

TEST_CASE("FOLIO_MAX with an item bound limits a list and each item") {
    Batch b;
    b.txs = {Bytes(MAX_TX_BYTES, 1)};
    REQUIRE(DecodeBatch(EncodeBatch(b)));
    b.txs = {Bytes(MAX_TX_BYTES + 1, 1)};
    CHECK(!DecodeBatch(EncodeBatch(b)));
    b.txs.clear();
    b.evidence.assign(MAX_BATCH_EVIDENCE + 1, Bytes{1});
    auto r = DecodeBatch(EncodeBatch(b));
    REQUIRE(!r);
    CHECK(r.error() == DecodeError::TOO_LONG);
}

TEST_CASE("FOLIO_SORTED refuses unsorted and duplicate owners as non-canonical") {
    Work w;
    w.owners = {{Addr(1), 5000}, {Addr(2), 5000}};
    REQUIRE(DecodeWork(EncodeWork(w)));
    w.owners = {{Addr(2), 5000}, {Addr(1), 5000}};
    CHECK(DecodeErr<Work>(EncodeWork(w)) == DecodeError::NON_CANONICAL);
    w.owners = {{Addr(1), 5000}, {Addr(1), 5000}};
    CHECK(DecodeErr<Work>(EncodeWork(w)) == DecodeError::NON_CANONICAL);
    Proposal p;
    p.approvals = {Addr(3), Addr(2)};
    CHECK(DecodeErr<Proposal>(EncodeProposal(p)) == DecodeError::NON_CANONICAL);
}

TEST_CASE("an enum at or past its count is refused") {
    Account a;
    a.kyc = KycStatus::REVOKED;
    Bytes ok = EncodeAccount(a);
    REQUIRE(DecodeAccount(ok));
    Bytes bad = ok;
    bad[1 + 8 + 4] = 3;  // version, next_nonce, roles, then kyc
    CHECK(DecodeErr<Account>(bad) == DecodeError::BAD_VALUE);

    Licence l;
    l.status = LicenceStatus::RELEASED;
    Bytes lic = EncodeFields(l);
    REQUIRE(DecodeFields<Licence>(lic));
    l.status = static_cast<LicenceStatus>(5);
    CHECK(DecodeErr<Licence>(EncodeFields(l)) == DecodeError::BAD_VALUE);
}

TEST_CASE("a variant tag that names no alternative is refused") {
    Proposal p;
    p.action = SetThreshold{2};
    Bytes ok = EncodeProposal(p);
    REQUIRE(DecodeProposal(ok));
    Bytes bad = ok;
    bad[1 + 32] = static_cast<uint8_t>(std::variant_size_v<GovAction>);  // version, id, then the action's tag
    CHECK(DecodeErr<Proposal>(bad) == DecodeError::BAD_VALUE);

    Transaction tx;
    tx.chain_id = "c";
    tx.body = ApproveTx{};
    Bytes enc = EncodeTx(tx);
    REQUIRE(DecodeTx(enc));
    Bytes zero = enc;
    zero[1 + 1 + 1 + 32 + 8 + 8] = 0;  // version, chain id, sender, nonce, expiry, then the kind (1-based)
    CHECK(!DecodeTx(zero));
    Bytes past = enc;
    past[1 + 1 + 1 + 32 + 8 + 8] = TX_KIND_MAX + 1;
    CHECK(!DecodeTx(past));
}

TEST_CASE("DecodeCheck: a receipt's success must match its error code; roles within the role count") {
    Receipt rc;
    rc.success = false;
    rc.error_code = "x";
    REQUIRE(DecodeReceipt(EncodeReceipt(rc)));
    rc.error_code.clear();
    auto r = DecodeReceipt(EncodeReceipt(rc));
    REQUIRE(!r);
    CHECK(r.error() == DecodeError::BAD_VALUE);

    Account a;
    a.roles = 1u << ROLE_COUNT;
    CHECK(DecodeErr<Account>(EncodeAccount(a)) == DecodeError::BAD_VALUE);

    BlockHeader h;
    h.version = 2;
    auto hr = DecodeHeader(EncodeHeader(h));
    REQUIRE(!hr);
    CHECK(hr.error() == DecodeError::BAD_VALUE);
}

TEST_CASE("the same bytes as the hand-written layout: a header, field by field") {
    BlockHeader h;
    h.chain_id = "ab";
    h.height = 0x0102;
    h.tx_count = 3;
    Bytes enc = EncodeHeader(h);
    // u32 version | str chain_id | u64 height | 32 parent | u64 time | 32 proposer | u32 tx_count | 3 x 32 roots
    REQUIRE(enc.size() == 4 + 3 + 8 + 32 + 8 + 32 + 4 + 96);
    CHECK(enc[0] == 1);
    CHECK(enc[4] == 2);
    CHECK(enc[5] == 'a');
    CHECK(enc[7] == 0x02);
    CHECK(enc[8] == 0x01);
    CHECK(enc[4 + 3 + 8 + 32 + 8 + 32] == 3);
}

TEST_CASE("BlockStepId: TaggedHash(\"folio/block_step\", chain || 0x00 || u64le height), never a transaction's id") {
    // The vector is computed with Python's hashlib; the SDK's blockstep.test.js checks the same one.
    CHECK(BlockStepId("folio-test-step", 7).hex() == "190d3e426799d6ccea459b92d966be7575280628352b8bbfc4ffbb6ae24951f6");
    CHECK(BlockStepId("folio-test-step", 8) != BlockStepId("folio-test-step", 7));
    CHECK(BlockStepId("folio-test-stepx", 7) != BlockStepId("folio-test-step", 7));
}
