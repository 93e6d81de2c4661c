#pragma once
// The explorer: a read-only web page over the node's JSON-RPC, served by foliod at /explorer/
// (docs/explorer.md). Its files (node/explorer/assets) are compiled in: no build tool chain or
// files are needed at run time. Pure and thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace folio::explorer {

struct Asset {
    unsigned status = 200;
    std::string body;
    std::string content_type;
};

// The answer to GET `target` when it is an explorer path ("/explorer", "/explorer/",
// "/explorer/<file>", with any query string), else nullopt. "/explorer" is a page that sends the
// browser on to "/explorer/"; "/explorer/" is index.html; an unknown file under /explorer/ is 404.
std::optional<Asset> ServeExplorer(std::string_view target);

}  // namespace folio::explorer
