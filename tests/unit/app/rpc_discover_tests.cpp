// rpc_discover and docs/openrpc.json: the document names exactly the methods foliod registers,
// with the same access, every method is fully described, and docs/rpc.md has a section for each.
// A method added without documentation fails here.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <node/api/genesis_json.h>
#include <node/api/json_render.h>
#include <node/chain/node.h>
#include <node/api/api.h>
#include <node/api/settlement_stream.h>
#include <node/rpc/server.h>

using namespace folio;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A throwaway node in a temporary directory (no validator key: read-only).
struct TempNode {
    fs::path dir;
    std::unique_ptr<chain::Node> node;
    TempNode() {
        dir = fs::temp_directory_path() / ("folio-app-discover-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        chain::NodeConfig cfg;
        cfg.home = dir.string();
        cfg.sync_writes = false;
        cfg.genesis = api::ParseGenesis(json{
            {"chain_id", "folio-test"},
            {"genesis_time_ms", 1'795'512'649'000ull},
            {"validators", {{{"name", "v0"}, {"key", "4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa"}}}}});
        auto n = chain::Node::Open(cfg);
        REQUIRE_MESSAGE(n, "Node::Open failed");
        node = std::move(n.value());
    }
    ~TempNode() {
        node.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

std::string ReadText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::set<std::string> DocumentedNames(const json& doc) {
    std::set<std::string> names;
    for (const json& m : doc.at("methods")) {
        const std::string name = m.at("name").get<std::string>();
        CHECK_MESSAGE(names.insert(name).second, "duplicate method in docs/openrpc.json: " << name);
    }
    return names;
}

// Every "$ref" must point into the document's components.
void CheckRefs(const json& j, const json& doc) {
    if (j.is_object()) {
        if (auto it = j.find("$ref"); it != j.end()) {
            const std::string ref = it->get<std::string>();
            CHECK_MESSAGE(ref.rfind("#/", 0) == 0, "non-local $ref " << ref);
            CHECK_MESSAGE(doc.contains(json::json_pointer(ref.substr(1))), "unresolved $ref " << ref);
        }
        for (const auto& [k, v] : j.items()) CheckRefs(v, doc);
    } else if (j.is_array()) {
        for (const json& v : j) CheckRefs(v, doc);
    }
}

}  // namespace

TEST_CASE("rpc_discover: docs/openrpc.json is a complete OpenRPC 1.2.6 document") {
    const json& doc = api::OpenRpcDocument();
    CHECK(doc.at("openrpc") == "1.2.6");
    CHECK(doc.at("info").at("title").is_string());
    CHECK(doc.at("info").at("version").is_string());
    REQUIRE(doc.at("methods").is_array());
    for (const json& m : doc.at("methods")) {
        const std::string name = m.value("name", "");
        INFO("method " << name);
        CHECK(!name.empty());
        CHECK(m.at("summary").is_string());
        CHECK(m.at("description").is_string());
        const std::string access = m.value("x-access", "");
        CHECK((access == "public" || access == "authenticated" || access == "overseer"));
        CHECK(m.at("description").get<std::string>().find("Access: " + access) != std::string::npos);
        REQUIRE(m.at("params").is_array());
        for (const json& p : m.at("params")) {
            CHECK(p.at("name").is_string());
            CHECK(p.at("schema").is_object());
            CHECK(p.at("required").is_boolean());
        }
        REQUIRE(m.contains("result"));
        CHECK(m.at("result").at("name").is_string());
        CHECK(m.at("result").at("schema").is_object());
        CHECK(m.at("errors").is_array());
    }
    CheckRefs(doc, doc);
}

TEST_CASE("rpc_discover: the document covers exactly the registered methods, with their access") {
    TempNode tn;
    rpc::ServerConfig cfg;
    cfg.chain_id = tn.node->chain_id();
    rpc::RpcServer server(cfg);  // never started: only the registry is used
    // The same registration as node/app/main.cpp.
    api::SettlementStream stream(*tn.node);
    api::RegisterApi(server, *tn.node, stream);

    const json& doc = api::OpenRpcDocument();
    std::set<std::string> documented = DocumentedNames(doc);
    std::set<std::string> registered;
    for (const auto& [name, access] : server.GetDispatcher().Methods()) {
        registered.insert(name);
        CHECK_MESSAGE(documented.count(name) == 1, "registered but not in docs/openrpc.json: " << name);
        for (const json& m : doc.at("methods")) {
            if (m.at("name") != name) continue;
            const bool is_public = m.at("x-access") == "public";
            CHECK_MESSAGE(is_public == (access == rpc::Access::PUBLIC), "access of " << name << " differs from its registration");
        }
    }
    for (const std::string& name : documented)
        CHECK_MESSAGE(registered.count(name) == 1, "in docs/openrpc.json but not registered: " << name);

    // rpc_discover answers the document itself (over the dispatcher, unauthenticated).
    rpc::CallContext ctx;
    auto out = server.GetDispatcher().Process(R"({"jsonrpc":"2.0","id":7,"method":"rpc_discover"})", ctx);
    REQUIRE(out);
    json resp = json::parse(*out);
    REQUIRE(resp.contains("result"));
    CHECK(resp.at("result") == doc);
    stream.Stop();
}

TEST_CASE("rpc_discover: every Register(\"name\") in the node's sources is documented") {
    // Catches a method registered by a new Register* function that the test above does not call.
    const json& doc = api::OpenRpcDocument();
    const std::set<std::string> documented = DocumentedNames(doc);
    const std::regex reg(R"(Register\(\s*"([A-Za-z0-9_]+)\")");
    std::set<std::string> found;
    for (const char* sub : {"node/api", "node/rpc"}) {
        for (const auto& entry : fs::directory_iterator(fs::path(FOLIO_SOURCE_DIR) / sub)) {
            if (entry.path().extension() != ".cpp") continue;
            const std::string text = ReadText(entry.path());
            for (std::sregex_iterator it(text.begin(), text.end(), reg), end; it != end; ++it) found.insert((*it)[1].str());
        }
    }
    CHECK(found.size() >= 20);  // the scan works
    for (const std::string& name : found)
        CHECK_MESSAGE(documented.count(name) == 1, "registered in the sources but not in docs/openrpc.json: " << name);
}

TEST_CASE("rpc_discover: docs/rpc.md has a section with an example for every method") {
    const std::string md = ReadText(fs::path(FOLIO_SOURCE_DIR) / "docs/rpc.md");
    for (const json& m : api::OpenRpcDocument().at("methods")) {
        const std::string name = m.at("name").get<std::string>();
        // "### `name`" or "### `name {params}`"
        const std::string heading = "### `" + name;
        auto at = md.find(heading + "`");
        if (at == std::string::npos) at = md.find(heading + " ");
        CHECK_MESSAGE(at != std::string::npos, "docs/rpc.md has no section '" << heading << "'");
        if (at == std::string::npos) continue;
        const auto next = md.find("\n### ", at + 1);
        const std::string section = md.substr(at, next == std::string::npos ? std::string::npos : next - at);
        CHECK_MESSAGE(section.find("\"method\":\"" + name + "\"") != std::string::npos,
                      "docs/rpc.md section of " << name << " has no request example");
    }
}
