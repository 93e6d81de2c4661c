// The explorer's compiled-in files (node/explorer/explorer.h).
#include <node/explorer/explorer.h>

#include <cstdint>

#include "explorer_assets.inc"  // generated from assets/ by node/explorer/CMakeLists.txt: ASSETS[]

namespace folio::explorer {

namespace {

std::string_view TypeOf(std::string_view name) {
    auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

}  // namespace

std::optional<Asset> ServeExplorer(std::string_view target) {
    target = target.substr(0, target.find_first_of("?#"));
    if (target == "/explorer")
        return Asset{200, "<!doctype html><meta http-equiv=\"refresh\" content=\"0; url=/explorer/\"><a href=\"/explorer/\">/explorer/</a>\n",
                     "text/html; charset=utf-8"};
    if (target.substr(0, 10) != "/explorer/") return std::nullopt;
    std::string_view name = target.substr(10);
    if (name.empty()) name = "index.html";
    for (const auto& a : ASSETS)
        if (a.name == name) return Asset{200, std::string(reinterpret_cast<const char*>(a.data), a.size), std::string(TypeOf(name))};
    return Asset{404, "no such file: " + std::string(name) + "\n", "text/plain; charset=utf-8"};
}

}  // namespace folio::explorer
