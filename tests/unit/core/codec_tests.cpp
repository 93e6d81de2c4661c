#include <doctest/doctest.h>

#include <node/core/codec.h>

using namespace folio;

static std::string Hex(const Writer& w) { return ToHex(w.bytes()); }

TEST_CASE("codec: fixed-width integers are little-endian") {
    Writer w;
    w.U16(0x0102);
    w.U32(0x01020304);
    w.U64(0x0102030405060708ULL);
    CHECK(Hex(w) == "0201" "04030201" "0807060504030201");
    Reader r(w.bytes());
    CHECK(r.U16() == 0x0102);
    CHECK(r.U32() == 0x01020304);
    CHECK(r.U64() == 0x0102030405060708ULL);
    CHECK(r.Finish());
}

TEST_CASE("codec: varint round trip and byte layout") {
    const std::pair<uint64_t, const char*> cases[] = {
        {0, "00"}, {1, "01"}, {127, "7f"}, {128, "8001"}, {300, "ac02"},
        {UINT64_MAX, "ffffffffffffffffff01"}};
    for (auto [v, hex] : cases) {
        Writer w;
        w.Varint(v);
        CHECK(Hex(w) == hex);
        Reader r(w.bytes());
        CHECK(r.Varint() == v);
        CHECK(r.Finish());
    }
}

TEST_CASE("codec: non-canonical encodings are rejected") {
    auto varint_err = [](const char* hex) {
        Bytes b = *FromHex(hex);
        Reader r(b);
        r.Varint();
        r.Finish();
        return r.error();
    };
    CHECK(varint_err("8000") == DecodeError::NON_CANONICAL);            // overlong zero
    CHECK(varint_err("ff00") == DecodeError::NON_CANONICAL);            // overlong 127
    CHECK(varint_err("ffffffffffffffffff02") == DecodeError::NON_CANONICAL);  // > 64 bits
    CHECK(varint_err("80") == DecodeError::TRUNCATED);
    CHECK(varint_err("0100") == DecodeError::TRAILING_BYTES);

    Bytes two{2};
    Reader rb(two);
    rb.Bool();
    CHECK(rb.error() == DecodeError::NON_CANONICAL);
}

TEST_CASE("codec: strings, blobs, limits, UTF-8") {
    Writer w;
    w.Str("héllo");
    w.Blob(Bytes{1, 2, 3});
    Reader r(w.bytes());
    CHECK(r.Str(16) == "héllo");
    CHECK(r.Blob(3) == Bytes{1, 2, 3});
    CHECK(r.Finish());

    Reader too_long(w.bytes());
    too_long.Str(3);
    CHECK(too_long.error() == DecodeError::TOO_LONG);

    Writer bad;
    bad.Blob(Bytes{0xc3, 0x28});  // invalid UTF-8 continuation
    Reader rb(bad.bytes());
    rb.Str(10);
    CHECK(rb.error() == DecodeError::BAD_VALUE);
    CHECK_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
    CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
    CHECK_FALSE(IsValidUtf8("\xe2\x82"));      // truncated
    CHECK(IsValidUtf8("\xf0\x9f\x8e\xac"));    // 🎬
}

TEST_CASE("codec: reads past the end fail sticky") {
    Bytes b{1};
    Reader r(b);
    CHECK(r.U32() == 0);
    CHECK(r.error() == DecodeError::TRUNCATED);
    CHECK(r.U8() == 0);  // sticky
    CHECK_FALSE(r.ok());
}
