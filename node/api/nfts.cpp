// NFT methods: tokens and a work's collection (docs/rpc.md).
#include <node/api/api.h>

#include <node/api/method_support.h>
#include <node/api/json_render.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterNftMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "nft_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t token = args.Uint64("token");
            auto n = state::LoadNft(node.store(), token);
            if (!n) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no token " + std::to_string(token));
            json out = NftJson(*n);
            if (auto c = state::LoadCollection(node.store(), n->work)) out["collection"] = CollectionJson(*c);
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "nft_collection",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t work = args.Uint64("work");
            auto c = state::LoadCollection(node.store(), work);
            if (!c) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "work " + std::to_string(work) + " has no collection");
            json out = CollectionJson(*c);
            json tokens = json::array();
            for (uint64_t t = c->first_token; t < c->first_token + c->cap; ++t)
                if (auto n = state::LoadNft(node.store(), t)) tokens.push_back(NftJson(*n));
            out["tokens"] = tokens;
            return out;
        },
        Access::PUBLIC);

    // A work's sales, oldest first, `limit` (1..1000, default 100) from index `from` (default 0).
    server.Register(
        "nft_sales",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t work = args.Uint64("work");
            uint64_t from = args.OptUint64("from").value_or(0);
            uint64_t limit = args.OptUint64("limit").value_or(100);
            if (limit == 0 || limit > 1000) throw RpcError(ErrorCode::LIMIT_EXCEEDED, "limit must be 1..1000");
            if (!state::LoadCollection(node.store(), work))
                throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "work " + std::to_string(work) + " has no collection");
            uint64_t count = state::LoadNftSaleCount(node.store(), work);
            json sales = json::array();
            uint64_t i = from;
            for (; i < count && i - from < limit; ++i) {
                auto sale = state::LoadNftSale(node.store(), work, i);
                if (!sale) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "sale " + std::to_string(i) + " of work " + std::to_string(work) + " is missing");
                json j = NftSaleJson(*sale);
                j["index"] = i;
                sales.push_back(std::move(j));
            }
            return json{{"work", work}, {"count", count}, {"sales", sales}, {"next", i}};
        },
        Access::PUBLIC);
}

}  // namespace folio::api
