// The standard contracts the node embeds (contracts/*.bin) and deploys at genesis: their code
// hashes are part of every chain's genesis state, so they are pinned here.
#include <doctest/doctest.h>

#include <string>

#include <node/state/contracts.h>
#include <vm/code.h>

using namespace folio::state;

TEST_CASE("standard contracts: the embedded bytecode validates and keeps its code hashes") {
    struct Pin {
        StandardContract c;
        const char* code_hash;
    };
    const Pin pins[] = {
        {StandardContract::REVENUE_SPLIT, "caeb6817b5a967a1d9daa7405c5f9077a1d09c847066e4221a2e74f90a5f35df"},
        {StandardContract::TAX_WITHHOLDING, "179dbb921c9b1ba77d88b3e6a05af9e0a2b3ebef8ff915763bc15e638ff7e7b8"},
        {StandardContract::AUCTION, "35f1443565ba0574e459032204cab4e55c03f306cb8a9bcc5d46d2a9769a8b74"},
    };
    for (const Pin& p : pins) {
        CAPTURE(static_cast<int>(p.c));
        REQUIRE_FALSE(StandardCode(p.c).empty());
        CHECK(folio::vm::Validate(StandardCode(p.c)));
        CHECK(StandardCodeHash(p.c) == folio::vm::CodeHash(StandardCode(p.c)));
        CHECK(StandardCodeHash(p.c).hex() == std::string(p.code_hash));
    }
}
