// `folio nft`: minting, the market and collections.
#include <cli/commands.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

std::string NftHuman(const json& n) {
    std::string h = "token " + Txt(n, "id") + ": edition " + Txt(n, "edition") + " of work " + Txt(n, "work") +
                    (n.value("burned", false) ? " [burned]" : "") + "\n  holder " + AddrTxt(n, "owner");
    if (n.value("listed", false)) h += "\n  listed at " + Txt(n, "price") + " " + Txt(n, "currency");
    if (n.contains("collection")) {
        const json& col = n["collection"];
        h += "\n  collection: cap " + Txt(col, "cap") + ", royalty " + Txt(col, "royalty_bps") + " bps, platform fee " +
             Txt(col, "fee_bps") + " bps" + (col.value("viewing_right", false) ? ", holders may view the work" : "");
    }
    return h;
}

}  // namespace

int CmdNft(Ctx& c) {
    const char* usage =
        "folio nft mint WORK_ID --editions N --royalty-bps B [--fee-bps F] [--no-viewing-right] | nft list TOKEN --price AMOUNT CUR |"
        " nft delist TOKEN | nft buy TOKEN [--max-price AMOUNT] | nft transfer TOKEN ADDR | nft burn TOKEN | nft show TOKEN |"
        " nft collection WORK_ID";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "mint") {
        NftMintTx m;
        m.work = ParseU64(Pos(c, 2, usage), "WORK_ID");
        m.editions = static_cast<uint32_t>(ParseU64(c.args.Need("editions"), "--editions"));
        m.royalty_bps = static_cast<uint16_t>(ParseU64(c.args.Need("royalty-bps"), "--royalty-bps"));
        m.fee_bps = static_cast<uint16_t>(ParseU64(c.args.Opt("fee-bps").value_or("0"), "--fee-bps"));
        m.viewing_right = !c.args.Flag("no-viewing-right");
        auto st = Send(c, m);
        if (!st) return 0;
        json e = FindEvent(*st, "nft");
        uint64_t first = U64Of(e, "token");
        (*st)["first_token"] = first;
        (*st)["last_token"] = first + m.editions - 1;
        Print(c, *st, "minted " + std::to_string(m.editions) + " editions of work " + std::to_string(m.work) + ": tokens " +
                          std::to_string(first) + ".." + std::to_string(first + m.editions - 1) + " (the cap is " +
                          std::to_string(m.editions) + ")\n" + TxLine(*st));
        return 0;
    }
    if (sub == "show" || sub == "collection") {
        RpcClient rpc(NodeUrl(c));
        uint64_t id = ParseU64(Pos(c, 2, usage), sub == "show" ? "TOKEN" : "WORK_ID");
        if (sub == "show") {
            json n = rpc.Call("nft_get", {{"token", id}});
            Print(c, n, NftHuman(n));
        } else {
            json col = rpc.Call("nft_collection", {{"work", id}});
            std::string h = "collection of work " + std::to_string(id) + ": cap " + Txt(col, "cap");
            for (const auto& n : col.value("tokens", json::array()))
                h += "\n  token " + Txt(n, "id") + " edition " + Txt(n, "edition") + " held by " + AddrTxt(n, "owner") +
                     (n.value("listed", false) ? " (for sale at " + Txt(n, "price") + " " + Txt(n, "currency") + ")" : "") +
                     (n.value("burned", false) ? " (burned)" : "");
            Print(c, col, h);
        }
        return 0;
    }
    uint64_t token = ParseU64(Pos(c, 2, usage), "TOKEN");
    if (sub == "list") {
        Money m = ParseMoneyPair(c.args.Need("price"));
        return SendSimple(c, NftListTx{token, m.currency, m.amount},
                          "listed token " + std::to_string(token) + " at " + FormatMoney(m.amount, m.currency) + " " + m.currency);
    }
    if (sub == "delist") return SendSimple(c, NftDelistTx{token}, "delisted token " + std::to_string(token));
    if (sub == "burn") return SendSimple(c, NftBurnTx{token}, "burned token " + std::to_string(token));
    if (sub == "transfer") {
        Address to = ParseAddr(Pos(c, 3, usage), "ADDR");
        return SendSimple(c, NftTransferTx{token, to}, "transferred token " + std::to_string(token) + " to " + Show(to));
    }
    if (sub == "buy") {
        RpcClient rpc(NodeUrl(c));
        json n = rpc.Call("nft_get", {{"token", token}});
        if (!n.value("listed", false)) throw CliError("token " + std::to_string(token) + " is not for sale");
        std::string cur = Txt(n, "currency");
        Money price = ParseMoney(Txt(n, "price"), cur);
        int64_t max = price.amount;
        if (auto mp = c.args.Opt("max-price")) max = ParseMoney(*mp, cur).amount;
        auto st = Send(c, NftBuyTx{token, max});
        if (!st) return 0;
        json e = FindEvent(*st, "nft");
        std::string h = "bought token " + std::to_string(token) + " for " + Txt(e, "amount") + " " + cur + ": royalty " +
                        Txt(e, "royalty") + " through the work's split, platform fee " + Txt(e, "fee") + ", seller " +
                        AddrTxt(e, "from");
        Print(c, *st, h + "\n" + TxLine(*st));
        return 0;
    }
    throw UsageError(std::string("usage: ") + usage);
}

}  // namespace folio::cli
