// Fuzzes the genesis document parser (node/api/genesis_json.h) on arbitrary bytes read as JSON.
// Invariants: never crashes and never throws out of ParseGenesisDoc; a refusal names a message;
// an accepted document (draft or complete) re-encodes (GenesisJson) to a document that parses to
// the same encoding; a document accepted as complete is also accepted as a draft.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include <node/api/genesis_json.h>

using namespace folio;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    json j = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return 0;
    for (auto c : {api::GenesisCompleteness::DRAFT, api::GenesisCompleteness::COMPLETE}) {
        auto g = api::ParseGenesisDoc(j, c);
        if (!g) {
            if (g.error().message.empty()) std::abort();
            if (c == api::GenesisCompleteness::DRAFT) {
                // What a draft refuses, a complete document refuses too.
                if (api::ParseGenesisDoc(j, api::GenesisCompleteness::COMPLETE)) std::abort();
                return 0;
            }
            continue;
        }
        const json out = api::GenesisJson(g.value());
        auto again = api::ParseGenesisDoc(out, c);
        if (!again || api::GenesisJson(again.value()) != out) std::abort();
    }
    return 0;
}
