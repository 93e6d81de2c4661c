// `folio licence` (alias `license`): grants, acceptance, revocation and the licence check.
#include <cli/commands.h>

#include <algorithm>

#include <node/protocol/territory.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

std::string LicenceHuman(const json& l) {
    return "licence " + Txt(l, "id") + " of work " + Txt(l, "work") + " [" + Txt(l, "status") + "]\n  licensor " +
           AddrTxt(l, "licensor") + "\n  licensee " + AddrTxt(l, "licensee") + "\n" + TermsHuman(l.value("terms", json::object())) +
           (U64Of(l, "auction") != 0 ? "\n  sold by auction " + Txt(l, "auction") : "") +
           (l.contains("parent") && !l.at("parent").is_null() ? "\n  a sublicence of licence " + Txt(l, "parent") : "");
}

// The terms of `licence grant` / `licence sublicense` (with --fee for a grant).
LicenceTerms TermsOfCommand(const Ctx& c, bool fee) {
    TermsInput in = TermsFromArgs(c, "from", "until");
    if (fee) in.fee = c.args.Opt("fee").value_or("");
    if (auto r = c.args.Opt("royalty-bps")) in.royalty_bps = ParseBps(*r, "--royalty-bps");
    in.revocable = c.args.Flag("revocable");
    return BuildTerms(in);
}

// Sends a grant, prints `what` and the new licence's status; --json gains `licence_id`.
int SendGrant(Ctx& c, TxBody body, const std::string& what, uint64_t of, const Address& to) {
    auto st = Send(c, std::move(body));
    if (!st) return 0;
    json e = FindEvent(*st, "licence");
    if (e.is_object()) (*st)["licence_id"] = e.value("licence", json());
    std::string status = Txt(e, "status");
    Print(c, *st,
          what + " " + Txt(e, "licence") + " of " + (what == "licence" ? "work " : "licence ") + std::to_string(of) + " to " + Show(to) +
              ": " + status +
              (status == "offered" ? " (the licensee accepts and pays with `folio licence accept " + Txt(e, "licence") + "`)" : "") + "\n" +
              TxLine(*st));
    return 0;
}

}  // namespace

int CmdLicence(Ctx& c) {
    const char* usage = "folio licence grant|sublicense|accept|revoke|show|list|check ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "grant") {
        GrantLicenceTx g;
        g.work = ParseU64(Pos(c, 2, "folio licence grant WORK_ID --to ADDR ..."), "WORK_ID");
        g.licensee = ParseAddr(c.args.Need("to"), "--to");
        g.terms = TermsOfCommand(c, true);
        return SendGrant(c, g, "licence", g.work, g.licensee);
    }
    if (sub == "sublicense" || sub == "sublicence") {
        GrantSublicenceTx g;
        g.parent = ParseU64(Pos(c, 2, "folio licence sublicense LICENCE_ID --to ADDR ..."), "LICENCE_ID");
        g.licensee = ParseAddr(c.args.Need("to"), "--to");
        g.terms = TermsOfCommand(c, false);
        return SendGrant(c, g, "sublicence", g.parent, g.licensee);
    }
    if (sub == "accept" || sub == "revoke") {
        uint64_t id = ParseU64(Pos(c, 2, "folio licence accept|revoke ID"), "licence ID");
        std::optional<json> st;
        if (sub == "accept") st = Send(c, AcceptLicenceTx{id});
        else st = Send(c, RevokeLicenceTx{id});
        if (!st) return 0;
        json e = FindEvent(*st, "licence");
        Print(c, *st, "licence " + std::to_string(id) + ": " + Txt(e, "status", sub == "accept" ? "active" : "revoked") + "\n" + TxLine(*st));
        return 0;
    }
    RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        uint64_t id = ParseU64(Pos(c, 2, "folio licence show ID"), "licence ID");
        json l = rpc.Call("licence_get", {{"id", id}});
        Print(c, l, LicenceHuman(l));
        return 0;
    }
    if (sub == "list") {
        uint64_t work = ParseU64(Pos(c, 2, "folio licence list WORK_ID"), "WORK_ID");
        json r = rpc.Call("licence_list", {{"work", work}});
        std::string h;
        for (const auto& l : r.value("licences", json::array())) h += LicenceHuman(l) + "\n";
        Print(c, r, h.empty() ? "no licences of work " + std::to_string(work) : h);
        return 0;
    }
    if (sub == "check") {
        const char* cu = "folio licence check WORK_ID --licensee ADDR --territory CC --right R [--at T]";
        uint64_t work = ParseU64(Pos(c, 2, cu), "WORK_ID");
        json params = {{"work", work},
                       {"licensee", ParseAddr(c.args.Need("licensee"), "--licensee").hex()},
                       {"territory", ParseCountry(c.args.Need("territory"), "--territory")},
                       {"right", c.args.Need("right")}};
        if (auto at = c.args.Opt("at")) params["at"] = ParseTimeMs(*at);
        json r = rpc.Call("licence_check", params);
        bool allowed = r.value("allowed", false);
        std::string h = !allowed ? "denied: " + Txt(r, "reason", "no licence allows it")
                        : r.value("via", std::string()) == "fan_token"
                            ? "allowed by fan token " + Txt(r["fan_token"], "id", Txt(r["fan_token"], "token")) + " (" + Txt(r["fan_token"], "symbol") +
                                  ": holds " + Txt(r["fan_token"], "held") + ", " + Txt(r["fan_token"], "needed") + " needed)"
                        : r.value("via", std::string()) == "nft_viewing_right" ? std::string("allowed by an NFT edition's viewing right")
                                                                                  : "allowed by licence " + Txt(r.value("licence", json::object()), "id");
        Print(c, r, h);
        return 0;  // a denial is an answer, not a failure
    }
    throw UsageError("unknown command: folio licence " + sub);
}

}  // namespace folio::cli
