// Known-answer tests for the primitives: SHA-256 (FIPS 180-4 / NIST examples), BIP-340.
#include <doctest/doctest.h>

#include <node/core/hash.h>
#include <node/core/keys.h>

using namespace folio;

static Hash256 H(const char* hex) { return *Hash256::FromHexStr(hex); }

TEST_CASE("SHA-256 known answers (FIPS 180-4 examples)") {
    CHECK(Sha256Of(std::string_view("abc")).hex() ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(Sha256Of(std::string_view("")).hex() ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Sha256Of(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).hex() ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // One million 'a' through the incremental interface.
    Sha256 h;
    std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i) h.Update(chunk);
    CHECK(h.Final().hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("tagged hash separates domains") {
    Bytes data{1, 2, 3};
    CHECK(TaggedHash("folio/a", data) != TaggedHash("folio/b", data));
    CHECK(TaggedHash("folio/a", data) == TaggedHash("folio/a", data));
}

TEST_CASE("BIP-340 vectors 0 and 1: derive, sign, verify") {
    struct V { const char *sk, *pk, *aux, *msg, *sig; };
    const V vs[] = {
        {"0000000000000000000000000000000000000000000000000000000000000003",
         "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
         "0000000000000000000000000000000000000000000000000000000000000000",
         "0000000000000000000000000000000000000000000000000000000000000000",
         "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0"},
        {"b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef",
         "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659",
         "0000000000000000000000000000000000000000000000000000000000000001",
         "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89",
         "6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a"},
    };
    for (const V& v : vs) {
        SecretKey sk = *SecretKey::FromHexStr(v.sk);
        auto pk = DerivePublicKey(sk);
        REQUIRE(pk);
        CHECK(pk->hex() == v.pk);
        auto sig = SignSchnorr(sk, H(v.msg), H(v.aux));
        REQUIRE(sig);
        CHECK(sig->hex() == v.sig);
        CHECK(VerifySchnorr(*pk, H(v.msg), *sig));
        Signature bad = *sig;
        bad.data[63] ^= 1;
        CHECK_FALSE(VerifySchnorr(*pk, H(v.msg), bad));
        Hash256 other = H(v.msg);
        other.data[0] ^= 0x80;
        CHECK_FALSE(VerifySchnorr(*pk, other, *sig));
    }
}

TEST_CASE("BIP-340 vector 5: public key not on the curve is rejected") {
    PublicKey pk = *PublicKey::FromHexStr("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34");
    CHECK_FALSE(IsValidPublicKey(pk));
    CHECK_FALSE(ParseAddress(pk.hex()));
}

TEST_CASE("secret key validity") {
    CHECK_FALSE(IsValidSecretKey(SecretKey{}));
    CHECK_FALSE(DerivePublicKey(SecretKey{}));
    SecretKey n = *SecretKey::FromHexStr("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    CHECK_FALSE(IsValidSecretKey(n));  // the group order itself
}
