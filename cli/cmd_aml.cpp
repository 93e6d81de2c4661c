// `folio aml holds|show|release|reject|rules`: AML holds and the compliance role's decisions
// (docs/settlement.md, "AML").
#include <cli/commands.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

std::string HoldLine(const json& h) {
    std::string line = "hold " + Txt(h, "id") + "  " + Txt(h, "status") + "  " + Txt(h, "kind") + " of " + Txt(h, "amount") + " " +
                       Txt(h, "currency") + " from " + AddrTxt(h, "from") + " (" + Txt(h, "reason");
    if (!h.at("listed").is_null()) line += " " + Txt(h, "listed");
    if (h.value("reason", std::string()) == "single_limit" || h.value("reason", std::string()) == "rolling_limit")
        line += ", limit " + Txt(h, "limit");
    line += ")";
    if (!h.at("decided_by").is_null()) line += "  by " + AddrTxt(h, "decided_by") + ": " + Txt(h, "note");
    if (!h.at("payout_id").is_null()) line += "  -> payout " + Txt(h, "payout_id");
    return line;
}

}  // namespace

int CmdAml(Ctx& c) {
    const std::string& sub = Pos(c, 1, "folio aml holds|show|release|reject|rules ...");
    if (sub == "release" || sub == "reject") {
        const std::string u = "folio aml " + sub + " HOLD_ID --note TEXT";
        uint64_t id = ParseU64(Pos(c, 2, u.c_str()), "HOLD_ID");
        std::string note = c.args.Need("note");
        if (sub == "release") return SendSimple(c, AmlReleaseTx{id, note}, "released AML hold " + std::to_string(id));
        return SendSimple(c, AmlRejectTx{id, note}, "rejected AML hold " + std::to_string(id) + "; the funds went back");
    }
    Session s = Login(c);
    if (sub == "show") {
        json h = s.rpc->Call("aml_hold_get", {{"id", ParseU64(Pos(c, 2, "folio aml show HOLD_ID"), "HOLD_ID")}});
        Print(c, h, HoldLine(h));
        return 0;
    }
    if (sub == "holds") {
        json params = json::object();
        if (auto st = c.args.Opt("status")) params["status"] = *st;
        if (auto a = c.args.Opt("account")) params["account"] = ParseAddr(*a, "--account").hex();
        if (auto l = c.args.Opt("limit")) params["limit"] = ParseU64(*l, "--limit");
        json r = s.rpc->Call("aml_holds", params);
        std::string h;
        for (const auto& x : r.at("holds")) h += (h.empty() ? "" : "\n") + HoldLine(x);
        Print(c, r, h.empty() ? "no holds" : h);
        return 0;
    }
    if (sub == "rules") {
        json r = s.rpc->Call("aml_rules", json::object());
        std::string h;
        for (const auto& l : r.at("limits")) {
            h += "limit " + Txt(l, "currency") + ":";
            if (Txt(l, "single") != FormatMoney(0, Txt(l, "currency"))) h += " single " + Txt(l, "single");
            if (l.value("window_hours", 0) > 0) h += " rolling " + Txt(l, "rolling") + " per " + Txt(l, "window_hours") + " h";
            h += "\n";
        }
        for (const auto& a : r.at("sanctioned_accounts")) h += "sanctioned account " + AddrTxt(a, "account") + " (" + Txt(a, "note") + ")\n";
        for (const auto& a : r.at("sanctioned_countries")) h += "sanctioned country " + Txt(a, "country") + " (" + Txt(a, "note") + ")\n";
        if (!h.empty()) h.pop_back();
        Print(c, r, h.empty() ? "no AML limits, nothing sanctioned" : h);
        return 0;
    }
    throw UsageError("unknown command: folio aml " + sub);
}

}  // namespace folio::cli
