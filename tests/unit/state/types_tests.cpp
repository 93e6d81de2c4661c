// Canonical encodings of the wire types: round trips, signing, and rejection of every
// non-canonical or malformed form.
#include <doctest/doctest.h>

#include <tests/unit/state/test_util.h>

using namespace folio;
using namespace folio::state;
using folio::test::AddrFor;
using folio::test::MakeTx;

TEST_CASE("transaction round trip, id and signature") {
    Transaction tx = MakeTx("alice", 7, test::Work("song-a", {{"alice", 6000}, {"bob", 4000}}));
    tx.expires_at_ms = 123456;
    REQUIRE(SignTx(tx, test::KeyFor("alice"), Hash256{}));
    Bytes enc = EncodeTx(tx);
    auto back = DecodeTx(enc);
    REQUIRE(back);
    CHECK(back.value() == tx);
    CHECK(EncodeTx(back.value()) == enc);
    CHECK(VerifyTxSignature(tx));
    CHECK(TxId(tx) != TxSigHash(tx));
    // The decode-once carrier: the bytes as received, their hash as the id, the same transaction.
    auto carried = protocol::DecodedTx::Decode(enc);
    REQUIRE(carried);
    CHECK(carried->tx() == tx);
    CHECK(carried->bytes() == enc);
    CHECK(carried->id() == TxId(tx));
    CHECK(protocol::DecodedTx::FromTx(tx).bytes() == enc);
    CHECK(protocol::DecodedTx::FromTx(tx).id() == TxId(tx));
    Bytes trailing_enc = enc;
    trailing_enc.push_back(0);
    CHECK(protocol::DecodedTx::Decode(trailing_enc).error() == DecodeError::TRAILING_BYTES);

    Transaction other = tx;
    other.nonce = 8;  // any change invalidates the signature
    CHECK_FALSE(VerifyTxSignature(other));
    other = tx;
    other.chain_id = "another-chain";
    CHECK_FALSE(VerifyTxSignature(other));
}

TEST_CASE("transaction decoding rejects malformed and non-canonical bytes") {
    Transaction tx = MakeTx("alice", 1, test::Work("song-b", {{"alice", 10000}}));
    Bytes enc = EncodeTx(tx);
    // Every strict prefix is truncated.
    for (size_t n = 0; n < enc.size(); ++n) {
        auto r = DecodeTx(ByteView(enc.data(), n));
        REQUIRE_FALSE(r);
    }
    Bytes trailing = enc;
    trailing.push_back(0);
    CHECK(DecodeTx(trailing).error() == DecodeError::TRAILING_BYTES);

    Bytes bad_version = enc;
    bad_version[0] = 2;
    CHECK(DecodeTx(bad_version).error() == DecodeError::BAD_VALUE);

    // The kind byte sits after version, chain id (1+10 bytes), sender, nonce and expiry.
    size_t kind_at = 1 + 1 + tx.chain_id.size() + 32 + 8 + 8;
    Bytes bad_kind = enc;
    bad_kind[kind_at] = 99;
    CHECK(DecodeTx(bad_kind).error() == DecodeError::BAD_VALUE);

    Bytes oversized(MAX_TX_BYTES + 1, 0);
    CHECK(DecodeTx(oversized).error() == DecodeError::TOO_LONG);
}

TEST_CASE("owners must be sorted and unique in the encoding") {
    RegisterWorkTx b = test::Work("song-c", {{"alice", 5000}, {"bob", 5000}});
    std::swap(b.owners[0], b.owners[1]);  // unsorted
    Transaction tx = MakeTx("alice", 0, b);
    CHECK(DecodeTx(EncodeTx(tx)).error() == DecodeError::NON_CANONICAL);
    b.owners[1] = b.owners[0];  // duplicate
    tx = MakeTx("alice", 0, b);
    CHECK(DecodeTx(EncodeTx(tx)).error() == DecodeError::NON_CANONICAL);
}

TEST_CASE("receipts, headers, blocks and records round trip") {
    Receipt r;
    r.tx_id = Sha256Of(std::string_view("x"));
    r.events.push_back(EvWorkRegistered{3, Sha256Of(std::string_view("fp")), {{AddrFor("a"), 10000}}});
    r.events.push_back(EvRoleGranted{AddrFor("b"), Role::AUDITOR});
    CHECK(DecodeReceipt(EncodeReceipt(r)).value() == r);
    Receipt failed;
    failed.success = false;
    failed.error_code = "proposal_closed";
    CHECK(DecodeReceipt(EncodeReceipt(failed)).value() == failed);
    Receipt inconsistent;  // success with an error code is not a valid receipt
    inconsistent.error_code = "x";
    CHECK_FALSE(DecodeReceipt(EncodeReceipt(inconsistent)));

    Block b;
    b.header.chain_id = "c";
    b.header.height = 5;
    b.txs.push_back(MakeTx("alice", 0, ApproveTx{Sha256Of(std::string_view("p"))}, "c"));
    b.header.tx_count = 1;
    auto back = DecodeBlock(EncodeBlock(b), 1 << 20);
    REQUIRE(back);
    CHECK(back.value() == b);
    b.header.tx_count = 2;  // header must count its transactions
    CHECK(DecodeBlock(EncodeBlock(b), 1 << 20).error() == DecodeError::BAD_VALUE);
    CHECK(DecodeBlock(EncodeBlock(b), 10).error() == DecodeError::TOO_LONG);
    CHECK(BlockHash(b.header) != BlockHash(BlockHeader{}));

    Account a;
    a.next_nonce = 9;
    a.roles = WithRole(WithRole(0, Role::CREATOR), Role::GATEWAY);
    a.kyc = KycStatus::VERIFIED;
    a.residency = "BR";
    CHECK(DecodeAccount(EncodeAccount(a)).value() == a);
}

TEST_CASE("role and kind names") {
    CHECK(std::string(RoleName(Role::KYC_PROVIDER)) == "kyc_provider");
    CHECK(ParseRole("fx_oracle") == Role::FX_ORACLE);
    CHECK_FALSE(ParseRole("admin"));
    CHECK(ParseWorkKind("film") == WorkKind::FILM);
    CHECK_FALSE(ParseWorkKind("movie"));
}
