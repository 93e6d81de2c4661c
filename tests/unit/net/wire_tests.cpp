// The wire codec: handshake messages, the signed transcript, key derivation and frames.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "test_util.h"

using namespace folio;
using namespace folio::net;
using folio::net::test::KeyPair;
using folio::net::test::TestKey;

namespace {

X25519Key Fill(uint8_t v) {
    X25519Key k;
    k.data.fill(v);
    return k;
}

std::string Err(WireError e) { return WireErrorName(e); }

}  // namespace

TEST_CASE("wire: handshake messages have fixed layouts and round-trip") {
    Hello h{Fill(0xaa)};
    Bytes hb = EncodeHello(h);
    CHECK(hb.size() == HELLO_SIZE);
    CHECK(ToHex(ByteView(hb).first(9)) == "464f4c494f4e455401");  // "FOLIONET", version 1
    auto hd = DecodeHello(hb);
    REQUIRE(hd.ok());
    CHECK(hd->eph == h.eph);

    KeyPair k = TestKey("a");
    Auth a{k.pk, Signature{}};
    a.sig.data.fill(0x55);
    Bytes ab = EncodeAuth(a);
    CHECK(ab.size() == AUTH_SIZE);
    CHECK(ToHex(ByteView(ab).first(32)) == k.pk.hex());
    auto ad = DecodeAuth(ab);
    REQUIRE(ad.ok());
    CHECK((ad->key == a.key && ad->sig == a.sig));

    Response r{Fill(0xbb), a};
    Bytes rb = EncodeResponse(r);
    CHECK(rb.size() == RESPONSE_SIZE);
    auto rd = DecodeResponse(rb);
    REQUIRE(rd.ok());
    CHECK((rd->eph == r.eph && rd->auth.key == a.key && rd->auth.sig == a.sig));
}

TEST_CASE("wire: malformed handshake messages are rejected") {
    Bytes hb = EncodeHello(Hello{Fill(1)});
    Bytes shorter(hb.begin(), hb.end() - 1);
    CHECK(Err(DecodeHello(shorter).error()) == "bad_size");
    Bytes longer = hb;
    longer.push_back(0);
    CHECK(Err(DecodeHello(longer).error()) == "bad_size");
    Bytes bad_magic = hb;
    bad_magic[0] = 'X';
    CHECK(Err(DecodeHello(bad_magic).error()) == "bad_magic");
    Bytes bad_version = hb;
    bad_version[8] = 2;
    CHECK(Err(DecodeHello(bad_version).error()) == "bad_version");
    Bytes rb = EncodeResponse(Response{Fill(1), Auth{}});
    rb[8] = 0;
    CHECK(Err(DecodeResponse(rb).error()) == "bad_version");
    CHECK(Err(DecodeAuth(Bytes(AUTH_SIZE - 1)).error()) == "bad_size");
}

TEST_CASE("wire: the handshake signature binds chain id, ephemeral keys, role and key") {
    KeyPair k = TestKey("signer");
    KeyPair other = TestKey("other");
    X25519Key ei = Fill(1), er = Fill(2);
    auto auth = MakeAuth(k.sk, "chain-a", ei, er, Role::INITIATOR);
    REQUIRE(auth.has_value());
    CHECK(auth->key == k.pk);
    CHECK(VerifyAuth(*auth, "chain-a", ei, er, Role::INITIATOR).ok());
    CHECK(Err(VerifyAuth(*auth, "chain-b", ei, er, Role::INITIATOR).error()) == "bad_signature");
    CHECK(Err(VerifyAuth(*auth, "chain-a", ei, er, Role::RESPONDER).error()) == "bad_signature");
    CHECK(Err(VerifyAuth(*auth, "chain-a", er, ei, Role::INITIATOR).error()) == "bad_signature");
    CHECK(Err(VerifyAuth(*auth, "chain-a", ei, Fill(3), Role::INITIATOR).error()) == "bad_signature");
    Auth swapped = *auth;
    swapped.key = other.pk;  // a valid signature presented under another key
    CHECK(Err(VerifyAuth(swapped, "chain-a", ei, er, Role::INITIATOR).error()) == "bad_signature");
    Auth bad_key = *auth;
    bad_key.key.data.fill(0xff);  // not an x coordinate on the curve
    CHECK(Err(VerifyAuth(bad_key, "chain-a", ei, er, Role::INITIATOR).error()) == "bad_key");
    // The chain id is length-prefixed: "ab" + eph differs from "a" + "b"-prefixed eph.
    CHECK(HandshakeSigHash("ab", ei, er, Role::INITIATOR, k.pk) != HandshakeSigHash("a", ei, er, Role::INITIATOR, k.pk));
}

TEST_CASE("wire: both sides derive the same session keys, bound to both static keys") {
    auto ei = NewEphemeral(), er = NewEphemeral();
    KeyPair a = TestKey("i"), b = TestKey("r"), c = TestKey("c");
    auto ki = DeriveSessionKeys("chain", ei.sk, er.pk, ei.pk, er.pk, a.pk, b.pk);
    auto kr = DeriveSessionKeys("chain", er.sk, ei.pk, ei.pk, er.pk, a.pk, b.pk);
    REQUIRE((ki.ok() && kr.ok()));
    CHECK(ki->i2r == kr->i2r);
    CHECK(ki->r2i == kr->r2i);
    CHECK(ki->i2r != ki->r2i);
    auto other_peer = DeriveSessionKeys("chain", ei.sk, er.pk, ei.pk, er.pk, a.pk, c.pk);
    CHECK(other_peer->i2r != ki->i2r);
    auto other_chain = DeriveSessionKeys("chain2", ei.sk, er.pk, ei.pk, er.pk, a.pk, b.pk);
    CHECK(other_chain->i2r != ki->i2r);
    // A low-order peer key (all zero) gives an all-zero shared secret: refused.
    auto weak = DeriveSessionKeys("chain", ei.sk, X25519Key{}, ei.pk, X25519Key{}, a.pk, b.pk);
    CHECK(Err(weak.error()) == "bad_key");
}

TEST_CASE("wire: signature hash and session keys are pinned (known answer)") {
    // Cross-checked with Python (cryptography X25519, hashlib sha256/blake2b).
    X25519Key ski = Fill(1), skr = Fill(2);
    auto ei = *X25519Key::FromHexStr("a4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209");
    auto er = *X25519Key::FromHexStr("ce8d3ad1ccb633ec7b70c17814a5c76ecd029685050d344745ba05870e587d59");
    PublicKey si, sr;
    si.data.fill(0x11);
    sr.data.fill(0x22);
    CHECK(HandshakeSigHash("folio-test", ei, er, Role::INITIATOR, si).hex() ==
          "f19e4ebc1f5d9739218883e6d4e9588249087a5f1767338cd43109efab44cabd");
    auto ki = DeriveSessionKeys("folio-test", ski, er, ei, er, si, sr);
    auto kr = DeriveSessionKeys("folio-test", skr, ei, ei, er, si, sr);
    REQUIRE((ki.ok() && kr.ok()));
    CHECK(ki->i2r.hex() == "780fed06507369fe4d29253ba93b2bd04ed15a722e8ed2a141bf0113b164da3c");
    CHECK(ki->r2i.hex() == "8d3c10ce4f10d124b73670f620f9f2d98aa33c1bb5f196023afb845f662f791a");
    CHECK((kr->i2r == ki->i2r && kr->r2i == ki->r2i));
}

TEST_CASE("wire: frame layout is pinned (known answer)") {
    SessionKey key;
    for (size_t i = 0; i < 32; ++i) key.data[i] = static_cast<uint8_t>(i);
    FrameCipher tx(key, 5);
    Bytes out;
    REQUIRE(tx.Seal(FrameType::DATA, test::B("hello"), 1024, out).ok());
    // u32 LE length 0x16 = 1 (type) + 5 (body) + 16 (tag), then the ciphertext of 01 "hello" under
    // nonce 05 00 .. 00 with the header as associated data (cross-checked with Python's
    // cryptography ChaCha20Poly1305, RFC 8439).
    CHECK(ToHex(out) == "16000000" "d3789488c713" "d5373bb65c287644e66115dbc435f282");
    CHECK(tx.counter() == 6);
}

TEST_CASE("wire: frames round-trip in order and fail when tampered, reordered or mis-keyed") {
    SessionKey key;
    key.data.fill(7);
    FrameCipher tx(key), rx(key);
    Bytes f1, f2;
    REQUIRE(tx.Seal(FrameType::DATA, test::B("one"), 1024, f1).ok());
    REQUIRE(tx.Seal(FrameType::PING, {}, 1024, f2).ok());
    auto open = [](FrameCipher& c, const Bytes& f) {
        return c.Open(ByteView(f).first(4), ByteView(f).subspan(4));
    };
    SUBCASE("in order") {
        auto a = open(rx, f1);
        REQUIRE(a.ok());
        CHECK((a->type == FrameType::DATA && test::S(a->body) == "one"));
        auto b = open(rx, f2);
        REQUIRE(b.ok());
        CHECK((b->type == FrameType::PING && b->body.empty()));
        CHECK(rx.counter() == 2);
    }
    SUBCASE("out of order") {
        CHECK(Err(open(rx, f2).error()) == "frame_auth");
        CHECK(rx.counter() == 0);  // a failed frame does not consume a nonce
    }
    SUBCASE("every single-bit flip is detected") {
        for (size_t i = 0; i < f1.size(); ++i) {
            Bytes t = f1;
            t[i] ^= 0x01;
            FrameCipher fresh(key);
            CHECK(!open(fresh, t).ok());
        }
    }
    SUBCASE("wrong key") {
        SessionKey other;
        other.data.fill(8);
        FrameCipher wrong(other);
        CHECK(Err(open(wrong, f1).error()) == "frame_auth");
    }
    SUBCASE("unknown type") {
        Bytes f3;
        FrameCipher tx2(key);
        REQUIRE(tx2.Seal(static_cast<FrameType>(9), test::B("x"), 1024, f3).ok());
        FrameCipher rx2(key);
        CHECK(Err(open(rx2, f3).error()) == "bad_type");
    }
}

TEST_CASE("wire: frame length limits") {
    auto le = [](uint32_t v) {
        return Bytes{static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16),
                     static_cast<uint8_t>(v >> 24)};
    };
    CHECK(*ParseFrameLength(le(17), 100) == 17u);
    CHECK(*ParseFrameLength(le(100), 100) == 100u);
    CHECK(Err(ParseFrameLength(le(16), 100).error()) == "frame_too_small");
    CHECK(Err(ParseFrameLength(le(101), 100).error()) == "frame_too_large");
    CHECK(Err(ParseFrameLength(le(0xffffffffu), 100).error()) == "frame_too_large");
    SessionKey key;
    FrameCipher tx(key);
    Bytes out;
    CHECK(tx.Seal(FrameType::DATA, Bytes(83), 100, out).ok());  // 1 + 83 + 16 = 100
    CHECK(Err(tx.Seal(FrameType::DATA, Bytes(84), 100, out).error()) == "frame_too_large");
    CHECK(out.size() == 104u);
}

TEST_CASE("wire: a direction's counter is never reused: the cipher refuses when it is used up") {
    SessionKey key;
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    FrameCipher tx(key, max - 1);
    Bytes out;
    CHECK(tx.Seal(FrameType::DATA, test::B("last"), 1024, out).ok());
    CHECK(tx.counter() == max);
    CHECK(Err(tx.Seal(FrameType::DATA, test::B("wrap"), 1024, out).error()) == "nonce_exhausted");
    FrameCipher rx(key, max - 1);
    CHECK(rx.Open(ByteView(out).first(4), ByteView(out).subspan(4)).ok());
    CHECK(Err(rx.Open(ByteView(out).first(4), ByteView(out).subspan(4)).error()) == "nonce_exhausted");
}
