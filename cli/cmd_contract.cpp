// `folio contract build|deploy`: the contract toolchain (docs/vm.md).
#include <cli/commands.h>

#include <fstream>
#include <sstream>

#include <vm/asm/assembler.h>
#include <vm/code.h>

namespace folio::cli {

using namespace folio::protocol;

// folio contract build SRC -o OUT: assembles a contract (docs/vm.md) and validates the bytecode
// as a validator would at deployment. Prints the code hash.
int CmdContract(Ctx& c) {
    if (c.args.pos.size() >= 3 && c.args.pos[1] == "deploy") {
        // folio contract deploy CODE_FILE: a governance proposal to deploy a template.
        std::ifstream in(c.args.pos[2], std::ios::binary);
        if (!in) throw CliError("cannot read " + c.args.pos[2]);
        Bytes code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        json r = SignAndSend(c, ProposeTx{DeployTemplate{std::move(code)}});
        if (r.is_null()) return 0;
        RequireSuccess(r);
        std::string human = "proposal " + r.value("hash", std::string("")) + " " + r.value("status", std::string(""));
        for (const auto& e : r.value("events", json::array())) human += "\n  " + e.dump();
        Print(c, r, human);
        return 0;
    }
    if (c.args.pos.size() < 3 || c.args.pos[1] != "build") throw UsageError("usage: folio contract build SRC -o OUT | folio contract deploy CODE");
    std::ifstream in(c.args.pos[2]);
    if (!in) throw CliError("cannot read " + c.args.pos[2]);
    std::stringstream ss;
    ss << in.rdbuf();
    auto code = vm::Assemble(ss.str());
    if (!code) throw CliError(c.args.pos[2] + ": " + code.error().ToString());
    auto valid = vm::Validate(code.value());
    if (!valid) throw CliError(c.args.pos[2] + ": assembled code fails validation: " + valid.error().message);
    std::string out = c.args.Opt("o").value_or(c.args.Opt("output").value_or(""));
    if (out.empty()) throw UsageError("give the output file with -o OUT");
    std::ofstream f(out, std::ios::binary);
    f.write(reinterpret_cast<const char*>(code->data()), static_cast<std::streamsize>(code->size()));
    if (!f) throw CliError("cannot write " + out);
    std::string hash = vm::CodeHash(code.value()).hex();
    Print(c, {{"file", out}, {"bytes", code->size()}, {"code_hash", hash}},
          "built " + out + " (" + std::to_string(code->size()) + " bytes, code hash " + hash + ")");
    return 0;
}

}  // namespace folio::cli
