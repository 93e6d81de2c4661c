#include "vm_test_util.h"

using namespace folio;
using namespace folio::vm;

namespace {
std::string Asm(const std::string& src) {
    auto r = Assemble(src);
    return r ? ToHex(*r) : r.error().ToString();
}
}  // namespace

TEST_CASE("assembler: instructions, push sizes, labels, constants") {
    CHECK(Asm("stop") == "0100");
    CHECK(Asm("push 0\npush 255\npush 256\npush 0x10000\npush 0x100000000\npush -1\nstop") ==
          "01" "10" "11ff" "120001" "1300000100" "140000000001000000" "14ffffffffffffffff" "00");
    CHECK(Asm("push1 7\npush8 1\nstop") == "011107" "140100000000000000" "00");
    // Forward and backward labels; labels emit JUMPDEST; @label pushes are PUSH2.
    CHECK(Asm("jump end\nloop: push @loop\ndjump\nend: stop") == "01" "020900" "01" "120400" "04" "01" "00");
    CHECK(Asm(".const A 5\n.const B A+2\npush B-1 ; comment\nstop # other comment") == "011106" "00");
    CHECK(Asm("push 'USD'\nstop") == "01" "1355534400" "00");
    CHECK(Asm("dup 2\nswap 1\nSTOP") == "011602" "1701" "00");
    uint32_t sel = Selector("get()");
    auto r = Assemble("push sel(\"get()\")\nstop");
    REQUIRE(r);
    CHECK(r->size() >= 3);
    int64_t v = 0;
    for (size_t i = 2; i + 1 < r->size(); ++i) v |= static_cast<int64_t>((*r)[i]) << (8 * (i - 2));
    CHECK(v == static_cast<int64_t>(sel));
}

TEST_CASE("assembler: macros with parameters and unique local labels") {
    std::string src = R"(
.macro twice X
    push $X
    jumpi skip$$
skip$$:
    push $X
.endm
    twice 3
    twice 4
    stop
)";
    // Each expansion gets its own skip label (JUMPDEST at 6 and at 14).
    CHECK(Asm(src) == "01" "1103" "030600" "01" "1103" "1104" "030e00" "01" "1104" "00");
}

TEST_CASE("assembler errors name the line") {
    CHECK(Asm("stop\npusj 1\n") == "line 2: unknown instruction or macro 'pusj'");
    CHECK(Asm("\n\njump nowhere\nstop") == "line 3: undefined label 'nowhere'");
    CHECK(Asm("a: stop\na: stop") == "line 2: label 'a' already defined");
    CHECK(Asm("push X\nstop") == "line 1: undefined constant 'X'");
    CHECK(Asm(".const A 1\n.const A 2") == "line 2: constant 'A' already defined");
    CHECK(Asm("push1 256\nstop") == "line 1: value 256 does not fit push1");
    CHECK(Asm("dup 0\nstop") == "line 1: dup operand must be 1..255");
    CHECK(Asm("add 1\nstop") == "line 1: add takes no operand");
    CHECK(Asm("push\nstop") == "line 1: push takes one operand");
    CHECK(Asm("push 'abc\nstop") == "line 1: unterminated quote");
    CHECK(Asm("push 99999999999999999999\nstop") == "line 1: number too large");
    CHECK(Asm(".macro m\npush 1") == "line 1: .macro 'm' has no .endm");
    CHECK(Asm(".macro m A\npush $A\n.endm\nstop\nm") == "line 5: macro 'm' takes 1 arguments, got 0");
    CHECK(Asm(".macro m\nbogus\n.endm\nm\nstop") == "line 4: in macro m: unknown instruction or macro 'bogus'");
    CHECK(Asm("push 1") == "line 1: invalid program: falls_off_end at 1: PUSH1 is the last instruction");
    CHECK(Asm("push sel(\"f(float)\")\nstop") == "line 1: bad function signature 'f(float)'");
}

TEST_CASE("the example contracts assemble and validate") {
    for (const char* name : {"counter.fasm", "split.fasm", "relay.fasm"}) {
        auto r = Assemble(test::ReadExample(name));
        REQUIRE_MESSAGE(r, name << ": " << r.error().ToString());
        CHECK_MESSAGE(Validate(*r), name);
    }
}
