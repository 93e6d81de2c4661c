#include "vm_test_util.h"

using namespace folio;
using namespace folio::vm;

TEST_CASE("ABI encoding round-trips and is exact") {
    Address a = test::Addr(0xab);
    std::vector<AbiValue> vals = {int64_t{-2}, a, Bytes{1, 2, 3}};
    Bytes enc = EncodeValues(vals);
    CHECK(ToHex(enc) == "feffffffffffffff" + a.hex() + "03000000" "010203");
    auto dec = DecodeValues(enc, {AbiType::INT, AbiType::ADDRESS, AbiType::BYTES});
    REQUIRE(dec);
    CHECK(*dec == vals);

    Bytes longer = enc;
    longer.push_back(0);
    CHECK(DecodeValues(longer, {AbiType::INT, AbiType::ADDRESS, AbiType::BYTES}).error() == AbiError::TRAILING_BYTES);
    Bytes shorter(enc.begin(), enc.end() - 1);
    CHECK(DecodeValues(shorter, {AbiType::INT, AbiType::ADDRESS, AbiType::BYTES}).error() == AbiError::TRUNCATED);
    CHECK(DecodeValues(Bytes{0xff, 0xff, 0xff, 0xff}, {AbiType::BYTES}).error() == AbiError::TOO_LONG);
}

TEST_CASE("selectors and checked call encoding") {
    uint32_t s = Selector("distribute(int)");
    CHECK(s != Selector("distribute(address)"));
    Hash256 h = TaggedHash("folio/vm/selector", AsBytes("distribute(int)"));
    CHECK((s & 0xff) == h.data[0]);
    auto call = EncodeCallChecked("distribute(int)", {int64_t{5}});
    REQUIRE(call);
    CHECK(ToHex(*call) == ToHex(EncodeCall(s, {int64_t{5}})));
    CHECK(call->size() == 12);
    CHECK(EncodeCallChecked("distribute(int)", {Bytes{}}).error() == AbiError::TYPE_MISMATCH);
    CHECK(EncodeCallChecked("distribute(int)", {}).error() == AbiError::TYPE_MISMATCH);
    CHECK(EncodeCallChecked("distribute(money)", {int64_t{1}}).error() == AbiError::BAD_SIGNATURE);
    CHECK(ParseSignature("f()")->params.empty());
    CHECK_FALSE(ParseSignature("(int)"));
    CHECK_FALSE(ParseSignature("9f(int)"));
    CHECK_FALSE(ParseSignature("f(int,)"));
    CHECK_FALSE(ParseSignature("f(int"));
}
