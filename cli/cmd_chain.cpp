// `folio chain info` and `folio auth login`.
#include <cli/commands.h>

namespace folio::cli {

using namespace folio::protocol;

int CmdAuth(Ctx& c) {
    if (c.args.pos.size() < 2 || c.args.pos[1] != "login") throw UsageError("usage: folio auth login");
    auto signer = Unlock(c);
    cli::RpcClient rpc(NodeUrl(c));
    json info = rpc.Call("chain_info", json::object());
    rpc.Login(signer->sk, info.at("chain_id").get<std::string>());
    Print(c, {{"address", signer->address.hex()}, {"token", rpc.token()}, {"expires", rpc.token_expires()}}, rpc.token());
    return 0;
}

int CmdChain(Ctx& c) {
    cli::RpcClient rpc(NodeUrl(c));
    json info = rpc.Call("chain_info", json::object());
    std::string human = "chain " + info.at("chain_id").get<std::string>() + " at height " +
                        std::to_string(info.at("height").get<uint64_t>()) + ", validator epoch " +
                        std::to_string(info.value("validator_epoch", 0)) + " (" +
                        std::to_string(info.value("validators", json::array()).size()) + " validators)";
    if (info.contains("pending_validators") && info["pending_validators"].is_object())
        human += "; epoch " + std::to_string(info["pending_validators"].value("epoch", 0)) + " (" +
                 std::to_string(info["pending_validators"].value("members", json::array()).size()) +
                 " validators) scheduled from height " +
                 std::to_string(info["pending_validators"].value("activation_height", 0));
    Print(c, info, human);
    return 0;
}

}  // namespace folio::cli
