// RegisterApi: every method of the ledger's API on one server.
#include <node/api/api.h>

namespace folio::api {

void RegisterApi(rpc::RpcServer& server, chain::Node& node, SettlementStream& stream) {
    RegisterChainMethods(server, node);
    RegisterMoneyMethods(server, node);
    RegisterWorkMethods(server, node);
    RegisterLicenceMethods(server, node);
    RegisterRevenueMethods(server, node);
    RegisterNftMethods(server, node);
    RegisterAuctionMethods(server, node);
    RegisterContractMethods(server, node);
    RegisterFanTokenMethods(server, node);
    RegisterAmlMethods(server, node);
    RegisterGovernanceMethods(server, node);
    stream.Register(server);
    RegisterDiscover(server);
}

}  // namespace folio::api
