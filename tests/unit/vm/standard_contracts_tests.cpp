// The standard contracts' committed bytecode (contracts/<name>.bin, embedded in the node) must be
// exactly what the assembler makes of contracts/<name>.fasm, and contracts/standard.sha256 must
// hold each .bin's SHA-256 — so a source edit without regenerating fails here.
// To regenerate after editing a source: FOLIO_WRITE_CONTRACTS=1 build/bin/vm_tests -tc="standard*"
// (writes the .bin files and standard.sha256), then review and commit them. Changing a standard
// contract changes the genesis state: a new chain.
#include "vm_test_util.h"

#include <cstdlib>
#include <map>

#include <node/core/hash.h>

using namespace folio;
using namespace folio::vm;

namespace {

const char* const STANDARD[] = {"revenue_split", "tax_withholding", "auction", "escalating_royalty"};

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// "<sha256 hex>  <name>.bin" lines (sha256sum's format: `cd contracts && sha256sum -c standard.sha256`).
std::map<std::string, std::string> ReadHashes(const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string hex, file;
    while (in >> hex >> file) out[file] = hex;
    return out;
}

}  // namespace

TEST_CASE("standard contracts: committed bytecode and hashes match the sources") {
    const std::string dir = std::string(FOLIO_SOURCE_DIR) + "/contracts/";
    const bool write = std::getenv("FOLIO_WRITE_CONTRACTS") != nullptr;
    std::string hashes_text;
    std::map<std::string, std::string> hashes = write ? std::map<std::string, std::string>{}
                                                      : ReadHashes(ReadFile(dir + "standard.sha256"));
    for (const char* cname : STANDARD) {
        const std::string name = cname;
        CAPTURE(name);
        auto code = Assemble(ReadFile(dir + name + ".fasm"));
        REQUIRE_MESSAGE(code, "assemble: " << code.error().ToString());
        REQUIRE(Validate(*code));
        std::string sha = Sha256Of(ByteView(*code)).hex();
        std::string file = name + ".bin";
        hashes_text += sha + "  " + file + "\n";
        if (write) {
            std::ofstream(dir + file, std::ios::binary).write(reinterpret_cast<const char*>(code->data()),
                                                              static_cast<std::streamsize>(code->size()));
            continue;
        }
        std::string committed = ReadFile(dir + file);
        CHECK_MESSAGE(committed == std::string(code->begin(), code->end()),
                      file << " is stale: regenerate it from " << name << ".fasm (see this test's header)");
        CHECK_MESSAGE(hashes[file] == sha, "standard.sha256 does not hold " << file << "'s SHA-256 " << sha);
    }
    if (write) std::ofstream(dir + "standard.sha256", std::ios::binary) << hashes_text;
}
