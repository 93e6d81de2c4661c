// rpc_discover: the OpenRPC document of every method (docs/openrpc.json, compiled in by
// node/api/CMakeLists.txt). tests/unit/app/rpc_discover_tests.cpp checks that it names exactly the
// registered methods, with matching access.
#include <node/api/api.h>

#include <string_view>

#include "openrpc.inc"  // OPENRPC_JSON

namespace folio::api {

const nlohmann::json& OpenRpcDocument() {
    static const nlohmann::json doc = nlohmann::json::parse(OPENRPC_JSON);
    return doc;
}

void RegisterDiscover(rpc::RpcServer& server) {
    const nlohmann::json& doc = OpenRpcDocument();  // parsed once, before the server starts
    server.Register(
        "rpc_discover", [&doc](const nlohmann::json&, rpc::CallContext&) { return doc; }, rpc::Access::PUBLIC);
}

}  // namespace folio::api
