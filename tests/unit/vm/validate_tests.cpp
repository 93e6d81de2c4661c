#include "vm_test_util.h"

#include <vm/opcodes.h>

using namespace folio;
using namespace folio::vm;

namespace {
// "ok" or the failure's message ("bad_jump_target at 1: JUMP to 9, not a JUMPDEST").
std::string Check(const Bytes& code) {
    auto r = Validate(code);
    return r ? std::string("ok") : r.error().message;
}
}  // namespace

TEST_CASE("validation accepts well-formed code and marks jump destinations") {
    // version, JUMPDEST@1, PUSH1 0x01 (immediate byte equals JUMPDEST's opcode), POP, JUMP 1
    Bytes code = {CODE_VERSION, 0x01, 0x11, 0x01, 0x15, 0x02, 0x01, 0x00};
    auto r = Validate(code);
    REQUIRE(r);
    CHECK((*r)->IsJumpDest(1));
    CHECK_FALSE((*r)->IsJumpDest(3));  // inside PUSH1's immediate
    CHECK_FALSE((*r)->IsJumpDest(0));
    CHECK_FALSE((*r)->IsJumpDest(-1));
    CHECK_FALSE((*r)->IsJumpDest(100));
    CHECK((*r)->hash() == CodeHash(code));
    CHECK(Check({CODE_VERSION, 0x00}) == "ok");
}

TEST_CASE("malformed bytecode is rejected at deployment with a reason") {
    CHECK(Check({}) == "empty at 0: no instructions");
    CHECK(Check({CODE_VERSION}) == "empty at 0: no instructions");
    CHECK(Check({0x02, 0x00}) == "bad_version at 0: version byte 2");
    CHECK(Check({CODE_VERSION, 0x10, 0x0f, 0x00}) == "undefined_opcode at 2: byte 0x0f");
    CHECK(Check({CODE_VERSION, 0x14, 1, 2, 3}) == "truncated_immediate at 1: PUSH8 needs 8 immediate bytes");
    CHECK(Check({CODE_VERSION, 0x02, 0x05, 0x00, 0x00, 0x00}) ==
          "bad_jump_target at 1: JUMP to 5, not a JUMPDEST");
    // A target inside an immediate that happens to hold the JUMPDEST byte is not a JUMPDEST.
    CHECK(Check({CODE_VERSION, 0x11, 0x01, 0x03, 0x02, 0x00, 0x00}) ==
          "bad_jump_target at 3: JUMPI to 2, not a JUMPDEST");
    CHECK(Check({CODE_VERSION, 0x05, 0xff, 0xff, 0x00}) == "bad_jump_target at 1: CALLSUB to 65535, not a JUMPDEST");
    CHECK(Check({CODE_VERSION, 0x16, 0x00, 0x00}) == "bad_immediate at 1: DUP 0");
    CHECK(Check({CODE_VERSION, 0x10, 0x15}) == "falls_off_end at 2: POP is the last instruction");
    CHECK(Check({CODE_VERSION, 0x01, 0x03, 0x01, 0x00}) == "falls_off_end at 2: JUMPI is the last instruction");
    Bytes big(MAX_CODE_SIZE + 1, 0x00);
    big[0] = CODE_VERSION;
    CHECK(Check(big) == "too_large at 65535: 65536 bytes > 65535");
    auto r = Validate(Bytes{CODE_VERSION, 0x10, 0x0f, 0x00});
    REQUIRE_FALSE(r);
    CHECK(r.error().error == ValidateError::UNDEFINED_OPCODE);
    CHECK(r.error().offset == 2);
}

TEST_CASE("every defined opcode with its immediate validates; every undefined byte is rejected") {
    for (int b = 0; b < 256; ++b) {
        const OpInfo& info = OP_TABLE[static_cast<size_t>(b)];
        Bytes code = {CODE_VERSION, static_cast<uint8_t>(b)};
        for (int i = 0; i < info.imm; ++i) code.push_back(1);  // DUP 1 / SWAP 1 / targets patched below
        if (b == static_cast<int>(Op::JUMP) || b == static_cast<int>(Op::JUMPI) || b == static_cast<int>(Op::CALLSUB)) {
            code = {CODE_VERSION, 0x01, static_cast<uint8_t>(b), 0x01, 0x00};
        }
        code.push_back(0x00);  // STOP
        auto r = Validate(code);
        if (info.defined) CHECK_MESSAGE(r, info.name);
        else CHECK_MESSAGE(!r, b);
    }
}
