// Auction methods: an auction and its contract's state (docs/rpc.md).
#include <node/api/api.h>

#include <node/api/method_support.h>
#include <node/api/json_render.h>
#include <node/state/settlement.h>

namespace folio::api {

void RegisterAuctionMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "auction_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            uint64_t id = args.Uint64("id");
            auto a = state::LoadAuction(node.store(), id);
            if (!a) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no auction " + std::to_string(id));
            auto show = state::ShowAuction(node.store(), QueryBlock(node), a->contract);
            if (!show) ThrowQueryError(show.error());
            json st = json::object();
            if (const auto& r = *show) {
                const std::string& cur = r->currency;
                st = {{"state", r->closed ? "closed" : "open"},
                      {"end_ms", r->end_ms},
                      {"highest_bid", AmountText(r->highest_bid, cur)},
                      {"highest_bidder", r->highest_bidder.IsZero() ? json(nullptr) : json(r->highest_bidder.hex())},
                      {"price", AmountText(r->price, cur)},
                      {"winner", r->winner.IsZero() ? json(nullptr) : json(r->winner.hex())},
                      {"bids", r->bids},
                      {"reveal_end_ms", r->reveal_end_ms},
                      {"current_price", AmountText(r->current_price, cur)},
                      {"currency", cur},
                      {"raw", ToHex(r->raw)}};
            }
            json aj = AuctionJson(*a);
            if (auto l = state::LoadLicence(node.store(), a->licence)) aj["licence_terms"] = LicenceJson(*l);
            return json{{"auction", aj}, {"state", st}};
        },
        Access::PUBLIC);
}

}  // namespace folio::api
