// `folio fan issue|buy|transfer|show|holders`: fan tokens (docs/settlement.md, "Fan tokens").
#include <cli/commands.h>

#include <algorithm>

namespace folio::cli {

using namespace folio::protocol;

namespace {

// TOKEN: a token id or its symbol.
uint64_t TokenId(const Ctx& c, const std::string& spec) {
    if (!spec.empty() && std::all_of(spec.begin(), spec.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return ParseU64(spec, "TOKEN");
    RpcClient rpc(NodeUrl(c));
    return U64Of(rpc.Call("fan_token_get", {{"symbol", spec}}), "id");
}

}  // namespace

int CmdFan(Ctx& c) {
    const char* usage = "folio fan issue|buy|transfer|show|holders ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "issue") {
        FanTokenIssueTx t;
        auto work = c.args.Opt("work");
        if (work.has_value() == c.args.Flag("self")) throw UsageError("give --work WORK_ID (a token of a work you own) or --self (your own token)");
        if (work) t.work = ParseU64(*work, "--work");
        t.symbol = c.args.Need("symbol");
        t.name = c.args.Need("name");
        t.cap = ParseU64(c.args.Need("cap"), "--cap");
        Money price = ParseMoneyPair(c.args.Need("price"), false, "--price");
        t.currency = price.currency;
        t.price = price.amount;
        if (auto p = c.args.Opt("perk")) {
            t.perk = *p;
            t.perk_min = ParseU64(c.args.Need("perk-min"), "--perk-min");
        } else if (c.args.Opt("perk-min")) {
            throw UsageError("--perk-min needs --perk NAME");
        }
        auto st = Send(c, t);
        if (!st) return 0;
        json e = FindEvent(*st, "fan_token");
        (*st)["token"] = e.is_object() ? e.value("token", json()) : json();
        Print(c, *st, "fan token " + Txt(*st, "token") + " " + t.symbol + ": " + std::to_string(t.cap) + " tokens at " +
                          FormatMoney(t.price, t.currency) + " each" +
                          (t.perk.empty() ? std::string() : "; holders of " + std::to_string(t.perk_min) + " get '" + t.perk + "'") + "\n" +
                          TxLine(*st));
        return 0;
    }
    if (sub == "buy") {
        uint64_t id = TokenId(c, Pos(c, 2, "folio fan buy TOKEN COUNT"));
        uint64_t n = ParseU64(Pos(c, 3, "folio fan buy TOKEN COUNT"), "COUNT");
        return SendSimple(c, FanTokenBuyTx{id, n}, "bought " + std::to_string(n) + " of fan token " + std::to_string(id));
    }
    if (sub == "transfer") {
        const char* u = "folio fan transfer TOKEN ADDR COUNT";
        uint64_t id = TokenId(c, Pos(c, 2, u));
        Address to = ParseAddr(Pos(c, 3, u), "ADDR");
        uint64_t n = ParseU64(Pos(c, 4, u), "COUNT");
        return SendSimple(c, FanTokenTransferTx{id, to, n}, "gave " + std::to_string(n) + " of fan token " + std::to_string(id) + " to " + Show(to));
    }
    if (sub == "show" || sub == "holders") {
        uint64_t id = TokenId(c, Pos(c, 2, "folio fan show|holders TOKEN"));
        RpcClient rpc(NodeUrl(c));
        if (sub == "show") {
            json t = rpc.Call("fan_token_get", {{"token", id}});
            std::string h = "fan token " + Txt(t, "id") + " " + Txt(t, "symbol") + " (" + Txt(t, "name") + ") by " + AddrTxt(t, "issuer") +
                            (t.at("work").is_null() ? std::string(", its own") : ", of work " + Txt(t, "work")) + "\n  sold " + Txt(t, "sold") +
                            " of " + Txt(t, "cap") + " at " + Txt(t, "price") + " " + Txt(t, "currency") + ", " + Txt(t, "holders") + " holders";
            if (!t.at("perk").is_null()) h += "\n  perk '" + Txt(t, "perk") + "' from " + Txt(t, "perk_min") + " tokens";
            Print(c, t, h);
            return 0;
        }
        json params = {{"token", id}};
        if (auto l = c.args.Opt("limit")) params["limit"] = ParseU64(*l, "--limit");
        json r = rpc.Call("fan_token_holders", params);
        std::string h = Txt(r, "symbol") + ": " + Txt(r, "total_holders") + " holders, by tokens held, then the longest held";
        for (const auto& x : r.at("holders"))
            h += "\n  " + Txt(x, "rank") + ". " + AddrTxt(x, "holder") + "  " + Txt(x, "amount") + (x.value("perk", false) ? "  (perk)" : "");
        Print(c, r, h);
        return 0;
    }
    throw UsageError("unknown command: folio fan " + sub);
}

}  // namespace folio::cli
