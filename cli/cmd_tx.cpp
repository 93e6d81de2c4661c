// `folio tx show|send`.
#include <cli/commands.h>

#include <fstream>

namespace folio::cli {

using namespace folio::protocol;

int CmdTx(Ctx& c) {
    if (c.args.pos.size() < 3) throw UsageError("usage: folio tx show HASH | folio tx send FILE");
    const std::string& sub = c.args.pos[1];
    cli::RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        if (c.args.Opt("key")) {
            auto signer = Unlock(c);
            json info = rpc.Call("chain_info", json::object());
            rpc.Login(signer->sk, info.at("chain_id").get<std::string>());
        }
        json t = rpc.Call("tx_get", {{"hash", c.args.pos[2]}});
        Print(c, t, t.dump(2));
        return 0;
    }
    if (sub == "send") {
        std::ifstream in(c.args.pos[2]);
        if (!in) throw CliError("cannot read " + c.args.pos[2]);
        std::string hex;
        in >> hex;
        json r = rpc.Call("tx_submit", {{"tx", hex}});
        Print(c, r, "submitted " + r.at("hash").get<std::string>());
        return 0;
    }
    throw UsageError("unknown command: folio tx " + sub);
}

}  // namespace folio::cli
