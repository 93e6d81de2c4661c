// The genesis document's strict parser (node/api/genesis_json.h, genesis/README.md): every
// malformed field is refused with its path, a draft may lack validators and governance members,
// and a document survives GenesisJson -> ParseGenesisDoc unchanged. The committed examples in
// genesis/ parse and make a genesis block.
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <node/api/genesis_json.h>
#include <node/chain/node.h>

using namespace folio;
using nlohmann::json;

namespace {

const char* const V0 = "cf49175f414c1b59ac12f5928c45ac30355bd8a63f8cfac8f2e31502f3af1c53";
const char* const V1 = "5d436f24a2fda87f1e00aca4c661128c35c2d1a2ccbe9e7fb27714888d7b83e0";
const char* const A0 = "694abc2aa705cb4ad576262a112773ede1f730d6c133cfb559ec7bb20d7f9769";
const char* const A1 = "7a8932633b884f634c9955754fef4662b5570ac6842db7d06cd3af2bfea2c629";

json Good() {
    return json{{"chain_id", "folio-test-1"},
                {"genesis_time_ms", 1764000000000ull},
                {"governance_threshold", 1},
                {"validators", json::array({{{"name", "v0"}, {"key", V0}}, {{"name", "v1"}, {"key", V1}}})},
                {"accounts", json::array({{{"name", "gov"},
                                           {"address", A0},
                                           {"roles", {"governance", "studio"}},
                                           {"kyc", "verified"},
                                           {"residency", "BR"},
                                           {"balances", {{"BRL", "1000.50"}}}},
                                          {{"address", A1}}})}};
}

// The error of parsing `j` as a complete document ("" if it parses).
std::string Refusal(const json& j, api::GenesisCompleteness c = api::GenesisCompleteness::COMPLETE) {
    auto g = api::ParseGenesisDoc(j, c);
    return g ? std::string() : g.error().What();
}

json ReadExample(const std::string& name) {
    std::ifstream in(std::string(FOLIO_SOURCE_DIR) + "/genesis/" + name);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

}  // namespace

TEST_CASE("genesis: a good document parses with every field") {
    auto g = api::ParseGenesisDoc(Good());
    REQUIRE(g);
    CHECK(g.value().chain_id == "folio-test-1");
    CHECK(g.value().validators.size() == 2);
    REQUIRE(g.value().accounts.size() == 2);
    const auto& a = g.value().accounts[0];
    CHECK(protocol::HasRole(a.roles, protocol::Role::GOVERNANCE));
    CHECK(protocol::HasRole(a.roles, protocol::Role::STUDIO));
    CHECK(a.kyc == protocol::KycStatus::VERIFIED);
    CHECK(a.residency == "BR");
    REQUIRE(a.balances.size() == 1);
    CHECK(a.balances[0] == std::pair<std::string, int64_t>{"BRL", 100050});
    // The JSON form parses back to the same document.
    auto again = api::ParseGenesisDoc(api::GenesisJson(g.value()));
    REQUIRE(again);
    CHECK(api::GenesisJson(again.value()) == api::GenesisJson(g.value()));
}

TEST_CASE("genesis: each malformed field is refused by its path") {
    struct Case {
        const char* what;
        std::function<void(json&)> edit;
        const char* expected;  // a substring of the error
    };
    const std::vector<Case> cases = {
        {"unknown top-level field", [](json& j) { j["chain-id"] = "x"; }, "genesis: chain-id: unknown field"},
        {"missing chain_id", [](json& j) { j.erase("chain_id"); }, "genesis: chain_id: is missing"},
        {"chain_id with a space", [](json& j) { j["chain_id"] = "folio test"; }, "genesis: chain_id: must be 1 to 64"},
        {"chain_id too long", [](json& j) { j["chain_id"] = std::string(65, 'a'); }, "genesis: chain_id: must be 1 to 64"},
        {"negative time", [](json& j) { j["genesis_time_ms"] = -1; }, "genesis: genesis_time_ms: must be a non-negative integer"},
        {"time as a string", [](json& j) { j["genesis_time_ms"] = "1764000000000"; }, "genesis_time_ms: must be a non-negative integer"},
        {"zero threshold", [](json& j) { j["governance_threshold"] = 0; }, "genesis: governance_threshold: must be between 1"},
        {"threshold above members", [](json& j) { j["governance_threshold"] = 2; },
         "genesis: governance_threshold: is 2 but only 1 accounts have the governance role"},
        {"zero payout ttl", [](json& j) { j["payout_ttl_ms"] = 0; }, "genesis: payout_ttl_ms: must be positive"},
        {"sub-second fx validity", [](json& j) { j["fx_rate_validity_ms"] = 999; },
         "genesis: fx_rate_validity_ms: must be at least 1000 (one second)"},
        {"platform not an address", [](json& j) { j["platform"] = "xyz"; }, "genesis: platform: \"xyz\" is not an address"},
        {"no validators", [](json& j) { j["validators"] = json::array(); }, "genesis: validators: a chain needs at least one validator"},
        {"validators not an array", [](json& j) { j["validators"] = json::object(); }, "genesis: validators: must be an array"},
        {"validator key short", [](json& j) { j["validators"][1]["key"] = "abcd"; }, "genesis: validators[1].key: \"abcd\" is not an address"},
        {"validator key off the curve", [](json& j) { j["validators"][1]["key"] = std::string(64, 'f'); },
         "genesis: validators[1].key: \"ffff"},
        {"validator without a name", [](json& j) { j["validators"][0].erase("name"); }, "genesis: validators[0].name: is missing"},
        {"validator unknown field", [](json& j) { j["validators"][0]["power"] = 10; }, "genesis: validators[0].power: unknown field"},
        {"duplicate validator key", [](json& j) { j["validators"][1]["key"] = V0; }, "genesis: validators[1].key: this validator key is listed twice"},
        {"duplicate validator name", [](json& j) { j["validators"][1]["name"] = "v0"; }, "genesis: validators[1].name: validator name \"v0\" is taken"},
        {"account typo", [](json& j) { j["accounts"][0]["kcy"] = "verified"; }, "genesis: accounts[0].kcy: unknown field"},
        {"unknown role", [](json& j) { j["accounts"][0]["roles"][1] = "creater"; }, "genesis: accounts[0].roles[1]: unknown role \"creater\""},
        {"role twice", [](json& j) { j["accounts"][0]["roles"][1] = "governance"; }, "genesis: accounts[0].roles[1]: role \"governance\" is listed twice"},
        {"bad kyc", [](json& j) { j["accounts"][0]["kyc"] = "yes"; }, "genesis: accounts[0].kyc: must be \"none\" or \"verified\""},
        {"lower-case residency", [](json& j) { j["accounts"][0]["residency"] = "br"; }, "genesis: accounts[0].residency: must be an ISO 3166-1 alpha-2"},
        {"unknown currency", [](json& j) { j["accounts"][0]["balances"] = {{"XYZ", "1.00"}}; }, "genesis: accounts[0].balances.XYZ: unknown currency"},
        {"too many decimals", [](json& j) { j["accounts"][0]["balances"] = {{"BRL", "1.001"}}; }, "genesis: accounts[0].balances.BRL: \"1.001\" is not an amount of BRL"},
        {"zero balance", [](json& j) { j["accounts"][0]["balances"] = {{"BRL", "0.00"}}; }, "genesis: accounts[0].balances.BRL: a genesis balance must be positive"},
        {"balance as a number", [](json& j) { j["accounts"][0]["balances"] = {{"BRL", 10}}; }, "genesis: accounts[0].balances.BRL: must be a string"},
        {"duplicate account", [](json& j) { j["accounts"][1]["address"] = A0; }, "genesis: accounts[1].address: this account is listed twice"},
        {"account without address", [](json& j) { j["accounts"][1].erase("address"); }, "genesis: accounts[1].address: is missing"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        json j = Good();
        c.edit(j);
        const std::string err = Refusal(j);
        CHECK(err.find(c.expected) != std::string::npos);
        if (err.find(c.expected) == std::string::npos) MESSAGE("got: " << err);
    }
}

TEST_CASE("genesis: a draft may lack validators and members; a complete document may not") {
    json j = {{"chain_id", "draft-1"}, {"genesis_time_ms", 1}, {"governance_threshold", 3}};
    CHECK(Refusal(j, api::GenesisCompleteness::DRAFT).empty());
    CHECK(Refusal(j).find("validators: a chain needs at least one validator") != std::string::npos);
    // A draft is still strict about what it holds.
    j["validators"] = json::array({{{"name", "v0"}, {"key", "00"}}});
    CHECK(Refusal(j, api::GenesisCompleteness::DRAFT).find("validators[0].key") != std::string::npos);
    // ParseGenesis (foliod's start) throws the same line.
    CHECK_THROWS_WITH_AS(api::ParseGenesis(json{{"chain_id", "x"}}), "genesis: genesis_time_ms: is missing",
                         std::runtime_error);
}

TEST_CASE("genesis: the committed examples parse and make their genesis block") {
    auto consortium = api::ParseGenesisDoc(ReadExample("consortium-example.json"));
    REQUIRE_MESSAGE(consortium, (consortium ? "" : consortium.error().What()));
    CHECK(consortium.value().validators.size() == 4);
    CHECK(consortium.value().gov_threshold == 3);
    auto block = chain::MakeGenesisBlock(consortium.value());
    REQUIRE(block);
    CHECK(block.value().block.header.height == 0);
    // The hash is the chain's identity: a change of any field changes it.
    json edited = ReadExample("consortium-example.json");
    edited["payout_ttl_ms"] = 86400000;
    auto other = chain::MakeGenesisBlock(api::ParseGenesis(edited));
    REQUIRE(other);
    CHECK(other.value().hash != block.value().hash);
    // The devnet template is not a genesis document (it has no keys) and is refused as one.
    CHECK(Refusal(ReadExample("devnet.template.json")).find("unknown field") != std::string::npos);
}
