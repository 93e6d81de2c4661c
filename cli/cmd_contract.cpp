// `folio contract build|deploy|templates|show|instantiate|call|query`: the contract toolchain and
// custom contracts (docs/vm.md, "Templates and versions"; docs/cli.md).
#include <cli/commands.h>

#include <fstream>
#include <sstream>

#include <vm/abi.h>
#include <vm/asm/assembler.h>
#include <vm/code.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

std::vector<std::string> SplitComma(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : s) {
        if (ch == ',') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!s.empty()) out.push_back(cur);
    return out;
}

vm::AbiType ParseType(const std::string& t, const std::string& where) {
    if (t == "int") return vm::AbiType::INT;
    if (t == "address") return vm::AbiType::ADDRESS;
    if (t == "bytes") return vm::AbiType::BYTES;
    throw UsageError(where + ": unknown type '" + t + "' (int, address or bytes)");
}

std::vector<vm::AbiType> ParseTypes(const std::string& list, const std::string& where) {
    std::vector<vm::AbiType> out;
    for (const std::string& t : SplitComma(list)) out.push_back(ParseType(t, where));
    return out;
}

// An account (folio1… or 64 hex) or a contract (64 hex: a contract's address is a hash, not a key).
Address ParseAnyAddr(const std::string& s, const std::string& what) {
    if (auto h = Hash256::FromHexStr(s)) return Address::FromView(h->view());
    return ParseAddr(s, what);
}

int64_t ParseInt64(const std::string& s, const std::string& what) {
    if (s.empty()) throw UsageError(what + ": empty");
    // Two or three capital letters: a country ('BR') or currency ('BRL') packed little-endian, as contracts read them.
    if ((s.size() == 2 || s.size() == 3) && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        int64_t v = 0;
        for (size_t i = 0; i < s.size(); ++i) v |= static_cast<int64_t>(static_cast<uint8_t>(s[i])) << (8 * i);
        return v;
    }
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size() || !std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw UsageError(what + ": '" + s + "' is not a whole number (or a 2-3 letter code such as BR or BRL)");
    try {
        size_t used = 0;
        long long v = std::stoll(s, &used);
        if (used != s.size()) throw std::out_of_range("");
        return v;
    } catch (const std::exception&) {
        throw UsageError(what + ": '" + s + "' is out of the 64-bit range");
    }
}

// A value of `type` from the command line: int (decimal, or BR / BRL), address (folio1… or hex),
// bytes (hex, "0x" for none, or le64:N,N,… for a list of little-endian 64-bit integers).
vm::AbiValue ParseValue(vm::AbiType type, const std::string& s, const std::string& what) {
    switch (type) {
        case vm::AbiType::INT: return ParseInt64(s, what);
        case vm::AbiType::ADDRESS: return ParseAnyAddr(s, what);
        case vm::AbiType::BYTES: {
            if (s.rfind("le64:", 0) == 0) {
                Bytes out;
                for (const std::string& n : SplitComma(s.substr(5))) {
                    auto v = static_cast<uint64_t>(ParseInt64(n, what));
                    for (int k = 0; k < 8; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
                }
                return out;
            }
            std::string hex = s.rfind("0x", 0) == 0 ? s.substr(2) : s;
            auto b = FromHex(hex);
            if (!b) throw UsageError(what + ": bytes are hex digits (even count), 0x for none, or le64:N,N,...");
            return *b;
        }
    }
    throw UsageError(what + ": bad type");
}

std::vector<vm::AbiValue> ParseValues(const Ctx& c, size_t first, const std::vector<vm::AbiType>& types, const std::string& sig) {
    std::vector<std::string> given(c.args.pos.begin() + static_cast<std::ptrdiff_t>(std::min(first, c.args.pos.size())), c.args.pos.end());
    if (given.size() != types.size())
        throw UsageError(sig + " takes " + std::to_string(types.size()) + " value(s), " + std::to_string(given.size()) + " given");
    std::vector<vm::AbiValue> out;
    for (size_t i = 0; i < types.size(); ++i) out.push_back(ParseValue(types[i], given[i], "value " + std::to_string(i + 1)));
    return out;
}

vm::FnSignature ParseFn(const std::string& sig) {
    auto fn = vm::ParseSignature(sig);
    if (!fn) throw UsageError("FUNCTION must be name(type,...) with types int, address, bytes, e.g. \"rate()\" or \"distribute(int,int,int,int)\"; got '" + sig + "'");
    return *fn;
}

json ValuesJson(const std::vector<vm::AbiValue>& vs) {
    json out = json::array();
    for (const auto& v : vs) {
        if (const auto* i = std::get_if<int64_t>(&v)) out.push_back(*i);
        else if (const auto* a = std::get_if<Address>(&v)) out.push_back(a->hex());
        else out.push_back(ToHex(std::get<Bytes>(v)));
    }
    return out;
}

// The template TEMPLATE names: a 64-hex code hash, NAME (its latest version) or NAME@VERSION.
json ResolveTemplate(const Ctx& c, const std::string& spec) {
    RpcClient rpc(NodeUrl(c));
    std::string name = spec;
    std::optional<uint64_t> version;
    if (auto at = spec.find('@'); at != std::string::npos) {
        name = spec.substr(0, at);
        version = ParseU64(spec.substr(at + 1), "TEMPLATE's version");
    }
    json all = rpc.Call("contract_templates", json::object()).at("templates");
    json found;
    for (const auto& t : all) {
        if (t.at("code_hash") == spec) return t;
        if (t.at("name") == name && (!version || t.at("version").get<uint64_t>() == *version) &&
            (found.is_null() || t.at("version").get<uint64_t>() > found.at("version").get<uint64_t>()))
            found = t;
    }
    if (found.is_null()) {
        std::string names;
        for (const auto& t : all) names += (names.empty() ? "" : ", ") + t.at("name").get<std::string>() + "@" + std::to_string(t.at("version").get<uint64_t>());
        throw CliError("no template " + spec + " on this chain (templates: " + names + ")");
    }
    return found;
}

uint64_t GasOf(const Ctx& c) { return c.args.Opt("gas") ? ParseU64(*c.args.Opt("gas"), "--gas") : 5'000'000; }

}  // namespace

int CmdContract(Ctx& c) {
    const std::string& sub = Pos(c, 1, "folio contract build|deploy|templates|show|instantiate|call|query ...");
    if (sub == "deploy") {
        // A governance proposal to deploy a template as version N of a name.
        const std::string& file = Pos(c, 2, "folio contract deploy CODE --name NAME");
        std::ifstream in(file, std::ios::binary);
        if (!in) throw CliError("cannot read " + file);
        DeployTemplate d;
        d.code = Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        d.name = c.args.Need("name");
        if (auto v = c.args.Opt("version")) {
            d.version = static_cast<uint32_t>(ParseU64(*v, "--version"));
        } else {
            RpcClient rpc(NodeUrl(c));
            d.version = 1;
            const json all = rpc.Call("contract_templates", json::object());  // kept: the loop reads into it
            for (const auto& t : all.at("templates"))
                if (t.at("name") == d.name) d.version = std::max<uint32_t>(d.version, t.at("version").get<uint32_t>() + 1);
        }
        if (auto roles = c.args.Opt("instantiators")) {
            for (const std::string& r : SplitComma(*roles)) {
                auto role = ParseRole(r);
                if (!role) throw UsageError("--instantiators: unknown role '" + r + "'");
                d.instantiators |= RoleSet{1} << static_cast<uint8_t>(*role);
            }
        }
        std::string what = d.name + " version " + std::to_string(d.version);
        json r = SignAndSend(c, ProposeTx{std::move(d)});
        if (r.is_null()) return 0;
        RequireSuccess(r);
        std::string human = "proposed deploying " + what + ": proposal " + r.value("hash", std::string("")) + " " + r.value("status", std::string(""));
        for (const auto& e : r.value("events", json::array())) human += "\n  " + e.dump();
        Print(c, r, human);
        return 0;
    }
    if (sub == "templates") {
        RpcClient rpc(NodeUrl(c));
        json params = json::object();
        if (auto n = c.args.Opt("name")) params["name"] = *n;
        json r = rpc.Call("contract_templates", params);
        std::string human;
        for (const auto& t : r.at("templates"))
            human += t.at("name").get<std::string>() + "@" + std::to_string(t.at("version").get<uint64_t>()) + "  " +
                     t.at("code_hash").get<std::string>() + "  instantiated by: " +
                     (t.at("instantiators").is_string() ? t.at("instantiators").get<std::string>() : JoinArray(t.at("instantiators"))) + "\n";
        Print(c, r, human.empty() ? "no templates" : human.substr(0, human.size() - 1));
        return 0;
    }
    if (sub == "show") {
        RpcClient rpc(NodeUrl(c));
        Address a = ParseAnyAddr(Pos(c, 2, "folio contract show CONTRACT"), "CONTRACT");
        json r = rpc.Call("contract_get", {{"contract", a.hex()}});
        std::string human = "contract " + a.hex() + "\n  code " + r.at("code_hash").get<std::string>();
        if (r.at("template").is_object())
            human += " (" + r.at("template").at("name").get<std::string>() + " version " + std::to_string(r.at("template").at("version").get<uint64_t>()) + ")";
        Print(c, r, human);
        return 0;
    }
    if (sub == "instantiate") {
        json t = ResolveTemplate(c, Pos(c, 2, "folio contract instantiate TEMPLATE [VALUE...] --types T,..."));
        std::vector<vm::AbiType> types = c.args.Opt("types") ? ParseTypes(*c.args.Opt("types"), "--types") : std::vector<vm::AbiType>{};
        std::vector<vm::AbiValue> values = ParseValues(c, 3, types, "--types");
        ContractInstantiateTx tx;
        tx.code_hash = *Hash256::FromHexStr(t.at("code_hash").get<std::string>());
        tx.params = vm::EncodeValues(values);
        tx.gas = GasOf(c);
        auto st = Send(c, tx);
        if (!st) return 0;
        json e = FindEvent(*st, "contract_created");
        std::string addr = e.is_object() ? e.value("contract", std::string("?")) : "?";
        (*st)["contract"] = addr;
        Print(c, *st, "contract " + addr + " (" + t.at("name").get<std::string>() + " version " +
                          std::to_string(t.at("version").get<uint64_t>()) + ")\n" + TxLine(*st));
        return 0;
    }
    if (sub == "call" || sub == "query") {
        const char* usage = sub == "call" ? "folio contract call CONTRACT FUNCTION [VALUE...]" : "folio contract query CONTRACT FUNCTION [VALUE...]";
        Address contract = ParseAnyAddr(Pos(c, 2, usage), "CONTRACT");
        const std::string& sig = Pos(c, 3, usage);
        vm::FnSignature fn = ParseFn(sig);
        auto input = vm::EncodeCallChecked(sig, ParseValues(c, 4, fn.params, sig));
        if (!input) throw UsageError(std::string("cannot encode the call: ") + vm::AbiErrorName(input.error()));
        if (sub == "call") {
            auto st = Send(c, ContractCallTx{contract, *input, GasOf(c)});
            if (!st) return 0;
            Print(c, *st, "called " + sig + " on " + contract.hex() + ContractEventsHuman(*st) + "\n" + TxLine(*st));
            return 0;
        }
        Session s = Login(c);
        json r = s.rpc->Call("contract_query", {{"contract", contract.hex()}, {"input", ToHex(*input)}, {"gas", GasOf(c)}});
        std::string human = r.at("status").get<std::string>();
        if (r.contains("reason")) human += ": " + r.at("reason").get<std::string>();
        Bytes out = *FromHex(r.at("output").get<std::string>());
        if (auto ret = c.args.Opt("returns"); ret && r.at("status") == "ok") {
            auto values = vm::DecodeValues(out, ParseTypes(*ret, "--returns"));
            if (!values) throw CliError("the answer does not decode as (" + *ret + "): " + vm::AbiErrorName(values.error()));
            r["values"] = ValuesJson(*values);
            human += "\n" + r.at("values").dump();
        } else if (!out.empty()) {
            human += "\n" + ToHex(out);
        }
        human += "\n(gas " + std::to_string(r.at("gas_used").get<int64_t>()) + "; nothing was committed)";
        Print(c, r, human);
        if (r.at("status") != "ok") return 1;
        return 0;
    }
    if (sub != "build") throw UsageError("unknown command: folio contract " + sub);
    const std::string& src = Pos(c, 2, "folio contract build SRC -o OUT");
    std::ifstream in(src);
    if (!in) throw CliError("cannot read " + src);
    std::stringstream ss;
    ss << in.rdbuf();
    auto code = vm::Assemble(ss.str());
    if (!code) throw CliError(src + ": " + code.error().ToString());
    auto valid = vm::Validate(code.value());
    if (!valid) throw CliError(src + ": assembled code fails validation: " + valid.error().message);
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
