// docs/vm.md must document every opcode of the X-macro list: its table row carries the mnemonic,
// the byte, the immediate size, the base gas and the stack effect.
#include "vm_test_util.h"

#include <cstdio>

#include <vm/opcodes.h>

using namespace folio::vm;

TEST_CASE("docs/vm.md lists every opcode with its byte and gas") {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/docs/vm.md");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string doc = ss.str();
    size_t rows = 0;
    for (size_t b = 0; b < OP_TABLE.size(); ++b) {
        const OpInfo& o = OP_TABLE[b];
        if (!o.defined) continue;
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(b));
        std::string row = "| `" + std::string(o.name) + "` | " + hex + " | " + std::to_string(o.imm) + " | " +
                          std::to_string(o.gas) + " | " + std::string(o.doc) + " |";
        CHECK_MESSAGE(doc.find(row) != std::string::npos, "missing or stale row: " << row);
        ++rows;
    }
    CHECK(rows == OPCODE_COUNT);
}
