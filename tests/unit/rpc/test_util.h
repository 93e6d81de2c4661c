#pragma once
// Renders JSON-RPC responses as short strings for comparison in tests:
//   result: `ID = RESULT`      error: `ID CODE REASON`      batch: `[A | B | ...]`
#include <string>

#include <nlohmann/json.hpp>

namespace folio::rpc::test {

inline std::string Brief(const nlohmann::json& r) {
    if (r.is_array()) {
        std::string s = "[";
        for (size_t i = 0; i < r.size(); ++i) s += (i ? " | " : "") + Brief(r[i]);
        return s + "]";
    }
    const std::string id = r.contains("id") ? r["id"].dump() : "-";
    if (r.contains("error")) {
        const auto& e = r["error"];
        std::string reason = e.contains("data") && e["data"].contains("reason") ? e["data"]["reason"].get<std::string>()
                                                                               : "(no reason)";
        return id + " " + std::to_string(e["code"].get<int>()) + " " + reason;
    }
    return id + " = " + r["result"].dump();
}

}  // namespace folio::rpc::test
