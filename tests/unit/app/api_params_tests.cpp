// The ledger API's parameter errors (node/api over node/rpc/params.h): every method keeps the
// -32602 wording it has always had ("missing parameter 'x'", "parameter 'x' must be ..."), while
// node/rpc's own methods keep "missing param 'x'" (rpc::ParamWording). Answers go through the
// dispatcher exactly as over HTTP.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <node/api/api.h>
#include <node/api/genesis_json.h>
#include <node/api/json_render.h>
#include <node/chain/node.h>
#include <node/rpc/errors.h>
#include <node/rpc/params.h>
#include <node/rpc/server.h>

using namespace folio;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* const VALIDATOR = "4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";

// A throwaway node with every API method registered (never started: only the dispatcher is used).
struct ApiFixture {
    fs::path dir;
    std::unique_ptr<chain::Node> node;
    std::unique_ptr<rpc::RpcServer> server;
    std::unique_ptr<api::SettlementStream> stream;
    ApiFixture() {
        dir = fs::temp_directory_path() / ("folio-app-params-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        chain::NodeConfig cfg;
        cfg.home = dir.string();
        cfg.sync_writes = false;
        cfg.genesis = api::ParseGenesis(json{{"chain_id", "folio-test"},
                                             {"genesis_time_ms", 1'795'512'649'000ull},
                                             {"validators", {{{"name", "v0"}, {"key", VALIDATOR}}}}});
        auto n = chain::Node::Open(cfg);
        REQUIRE_MESSAGE(n, "Node::Open failed");
        node = std::move(n.value());
        rpc::ServerConfig scfg;
        scfg.chain_id = node->chain_id();
        scfg.dispatch.rate.per_second = 0;
        server = std::make_unique<rpc::RpcServer>(scfg);
        stream = std::make_unique<api::SettlementStream>(*node);
        api::RegisterApi(*server, *node, *stream);
    }
    ~ApiFixture() {
        stream->Stop();
        stream.reset();
        server.reset();
        node.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    // "CODE reason" of the call's error, or "ok".
    std::string Call(const std::string& method, const std::string& params, bool authenticated = false) {
        rpc::CallContext ctx;
        if (authenticated) ctx.account = *ParseAddress(VALIDATOR);
        auto out = server->GetDispatcher().Process(
            R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":)" + params + "}", ctx);
        REQUIRE(out);
        json r = json::parse(*out);
        if (!r.contains("error")) return "ok";
        return std::to_string(r["error"]["code"].get<int>()) + " " + r["error"]["data"]["reason"].get<std::string>();
    }
    // The call's result (null on an error).
    json Result(const std::string& method, const std::string& params, bool authenticated = false) {
        rpc::CallContext ctx;
        if (authenticated) ctx.account = *ParseAddress(VALIDATOR);
        auto out = server->GetDispatcher().Process(
            R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":)" + params + "}", ctx);
        REQUIRE(out);
        json r = json::parse(*out);
        return r.contains("result") ? r["result"] : json();
    }
};

}  // namespace

// "CODE reason" of the rpc::RpcError `f` throws, or "ok".
template <class F>
std::string message(F&& f) {
    try {
        f();
    } catch (const rpc::RpcError& e) {
        return std::to_string(static_cast<int>(e.code())) + " " + e.reason();
    }
    return "ok";
}

TEST_CASE("api params: the ledger methods' -32602 wording") {
    ApiFixture f;
    CHECK(f.Call("chain_getBlock", "{}") == "-32602 missing parameter 'height'");
    CHECK(f.Call("chain_getBlock", "[1]") == "-32602 missing parameter 'height'");  // not an object: no members
    CHECK(f.Call("chain_getBlock", R"({"height":"1"})") == "-32602 parameter 'height' must be a non-negative integer");
    CHECK(f.Call("chain_getBlock", R"({"height":-1})") == "-32602 parameter 'height' must be a non-negative integer");
    CHECK(f.Call("chain_info", "[]") == "ok");
    CHECK(f.Call("tx_get", R"({"hash":7})") == "-32602 parameter 'hash' must be a string");
    CHECK(f.Call("tx_get", R"({"hash":"abc"})") == "-32602 parameter 'hash' must be 64 hex characters");
    CHECK(f.Call("tx_submit", "{}") == "-32602 missing parameter 'tx'");
    CHECK(f.Call("work_get", "{}") == "-32602 give 'id' or 'fingerprint'");
    CHECK(f.Call("work_get", "[]") == "-32602 give 'id' or 'fingerprint'");
    CHECK(f.Call("work_get", R"({"fingerprint":"zz"})") == "-32602 parameter 'fingerprint' must be 64 hex characters");
    CHECK(f.Call("licence_check", R"({"work":1,"licensee":"nope","territory":"FR","right":"stream"})") ==
          "-32602 parameter 'licensee' is not a valid address: neither 64 hex digits nor a folio1 address");
    CHECK(f.Call("licence_check", std::string(R"({"work":1,"licensee":")") + VALIDATOR + R"(","territory":"F1","right":"x"})") ==
          "-32602 territory must be an ISO 3166-1 alpha-2 code");
    CHECK(f.Call("fx_rate_get", R"({"base":"XXX","quote":"USD"})") == "-32602 unknown currency 'XXX'");
    CHECK(f.Call("nft_get", R"({"token":1.5})") == "-32602 parameter 'token' must be a non-negative integer");
    CHECK(f.Call("split_get", "{}") == "-32602 missing parameter 'work'");
    CHECK(f.Call("balance_get", R"({"address":"x"})", true) ==
          "-32602 parameter 'address' is not a valid address: neither 64 hex digits nor a folio1 address");
    CHECK(f.Call("reconciliation_report", std::string(R"({"gateway":")") + VALIDATOR + R"(","from_ms":"0"})", true) ==
          "-32602 parameter 'from_ms' must be a non-negative integer");
    CHECK(f.Call("payout_list", R"({"payee":"x"})", true) ==
          "-32602 parameter 'payee' is not a valid address: neither 64 hex digits nor a folio1 address");
    CHECK(f.Call("tax_report", std::string(R"({"payee":")") + VALIDATOR + R"("})", true) == "-32602 missing parameter 'year'");
    CHECK(f.Call("settlement_events", R"({"from_seq":"1"})", true) == "-32602 parameter 'from_seq' must be a non-negative integer");
    CHECK(f.Call("settlement_events", R"({"filter":{"payee":"x"}})", true) ==
          "-32602 parameter 'payee' is not a valid address: neither 64 hex digits nor a folio1 address");
    CHECK(f.Call("settlement_events", R"({"filter":{"currency":1}})", true) == "-32602 parameter 'currency' must be a string");
    CHECK(f.Call("settlement_proof", "{}", true) == "-32602 missing parameter 'seq'");
    CHECK(f.Call("chain_unsubscribe", "{}") == "-32602 missing parameter 'subscription'");
}

TEST_CASE("params: the two wordings of rpc::Params") {
    const json bad = {{"a", "x"}, {"n", -1}, {"h", "12"}};
    using W = rpc::ParamWording;
    CHECK(message([&] { (void)rpc::Params(json::array()); }) == "-32602 params must be an object");
    CHECK(message([&] { rpc::Params(json::array(), W::PARAMETER).Required("x"); }) == "-32602 missing parameter 'x'");
    CHECK(message([&] { rpc::Params(bad).Required("x"); }) == "-32602 missing param 'x'");
    CHECK(message([&] { rpc::Params(bad).String("n"); }) == "-32602 param 'n' must be a string");
    CHECK(message([&] { rpc::Params(bad, W::PARAMETER).String("n"); }) == "-32602 parameter 'n' must be a string");
    CHECK(message([&] { rpc::Params(bad).Uint64("n"); }) == "-32602 param 'n' must be an unsigned integer");
    CHECK(message([&] { rpc::Params(bad, W::PARAMETER).Uint64("n"); }) == "-32602 parameter 'n' must be a non-negative integer");
    CHECK(message([&] { rpc::Params(bad).AddressParam("a"); }) ==
          "-32602 param 'a' must be a 64-hex-character address or a folio1 address: neither 64 hex digits nor a folio1 "
          "address");
    CHECK(message([&] { rpc::Params(bad, W::PARAMETER).AddressParam("a"); }) ==
          "-32602 parameter 'a' is not a valid address: neither 64 hex digits nor a folio1 address");
    CHECK(message([&] { rpc::Params(bad).Hash("h"); }) == "-32602 param 'h' must be 64 hex characters");
    CHECK(message([&] { rpc::Params(bad, W::PARAMETER).Hash("h"); }) == "-32602 parameter 'h' must be 64 hex characters");
    CHECK(message([&] { rpc::Params(bad).AllowOnly({"a", "n"}); }) == "-32602 unknown param 'h'");
    CHECK(rpc::Params(bad).OptUint64("missing") == std::nullopt);
    CHECK(!rpc::Params(json::array(), W::PARAMETER).Has("a"));
    CHECK(rpc::Params(json{{"n", 5}}, W::PARAMETER).Uint64("n") == 5);
}

// Address params accept 64 hex digits or folio1 text (docs/rpc.md); a bad one's reason says why,
// after the wording the method has always had. Outputs stay hex.
TEST_CASE("api params: address params accept hex and folio1 text and name the reason for a typo") {
    ApiFixture f;
    const Address key = *ParseAddress(VALIDATOR);
    const std::string text = AddressText(key);
    REQUIRE(text.starts_with("folio1"));
    auto with = [](const std::string& name, const std::string& value) { return json{{name, value}}.dump(); };

    // Both forms are the same account; the answer names it in hex.
    CHECK(f.Call("balance_get", with("address", VALIDATOR), true) == "ok");
    CHECK(f.Call("balance_get", with("address", text), true) == "ok");
    std::string upper = text;
    for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    CHECK(f.Call("balance_get", with("address", upper), true) == "ok");  // all upper case is accepted
    CHECK(f.Call("balance_get", with("address", "FOLIO1" + text.substr(6)), true) ==
          "-32602 parameter 'address' is not a valid address: mixes upper and lower case");
    json by_text = f.Result("balance_get", with("address", text), true);
    CHECK(by_text.at("address") == VALIDATOR);
    CHECK(by_text == f.Result("balance_get", with("address", VALIDATOR), true));
    CHECK(f.Call("settlement_events", json{{"filter", {{"payee", text}}}}.dump(), true) == "ok");
    const std::string licence = R"({"work":1,"territory":"FR","right":"stream","licensee":")";
    CHECK(f.Call("licence_check", licence + text + "\"}") == f.Call("licence_check", licence + VALIDATOR + "\"}"));

    // A mistyped character: the checksum catches it and the reason says so.
    std::string typo = text;
    typo[20] = typo[20] == 'q' ? 'p' : 'q';
    CHECK(f.Call("balance_get", with("address", typo), true) ==
          "-32602 parameter 'address' is not a valid address: checksum mismatch: a character is mistyped or missing");
    CHECK(f.Call("payout_list", with("payee", text.substr(0, 63)), true) ==
          "-32602 parameter 'payee' is not a valid address: checksum mismatch: a character is mistyped or missing");
    std::string bad_char = text;
    bad_char[10] = 'b';
    CHECK(f.Call("balance_get", with("address", bad_char), true) ==
          "-32602 parameter 'address' is not a valid address: character 'b' at position 11 is not allowed (b, i, o "
          "and 1 are never data characters)");
    const std::string taproot = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0";  // BIP-350's
    CHECK(f.Call("balance_get", with("address", taproot), true) ==
          "-32602 parameter 'address' is not a valid address: human-readable part 'bc' is not 'folio' (not a Folio "
          "address)");
    std::string hex_typo = VALIDATOR;
    hex_typo[5] = 'g';
    CHECK(f.Call("balance_get", with("address", hex_typo), true) ==
          "-32602 parameter 'address' is not a valid address: character 'g' at position 6 is not a hex digit");
    CHECK(f.Call("balance_get", with("address", std::string(VALIDATOR).substr(1)), true) ==
          "-32602 parameter 'address' is not a valid address: a hex address has 64 digits, not 63");

    // node/rpc's own wording (auth_login's address), through rpc::Params.
    const json params = {{"hex", VALIDATOR}, {"text", text}, {"upper", upper}, {"typo", typo}};
    CHECK(rpc::Params(params).AddressParam("hex") == key);
    CHECK(rpc::Params(params).AddressParam("text") == key);
    CHECK(rpc::Params(params, rpc::ParamWording::PARAMETER).AddressParam("text") == key);
    CHECK(rpc::Params(params).AddressParam("upper") == key);
    CHECK(message([&] { rpc::Params(params).AddressParam("typo"); }) ==
          "-32602 param 'typo' must be a 64-hex-character address or a folio1 address: checksum mismatch: a character "
          "is mistyped or missing");
}
