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
}

}  // namespace folio::api
