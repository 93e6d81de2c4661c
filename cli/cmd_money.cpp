// The money commands: balance, deposit, withdraw, transfer, payout, kyc, fx, audit and reconcile.
#include <cli/commands.h>

#include <sstream>

namespace folio::cli {

using namespace folio::protocol;

namespace {

// A payout or transfer the AML screen held or blocked (docs/settlement.md, "AML"): its hold id in
// st["hold_id"] and a line saying so; "" when it went ahead.
std::string AmlHeld(json& st) {
    json e = FindEvent(st, "aml_hold");
    if (!e.is_object()) return "";
    const json& hold = e.at("hold");
    st["hold_id"] = hold.at("id");
    return "\n  " + std::string(hold.value("status", "") == "blocked" ? "blocked" : "held") + " for compliance review: AML hold " +
           Txt(hold, "id") + " (" + Txt(hold, "reason") + "); the funds wait in the hold until a compliance account releases or rejects it";
}

std::string PayoutHuman(const json& p) {
    std::string s = "payout " + Txt(p, "id") + " [" + Txt(p, "status") + "]: " + Txt(p, "amount") + " " + Txt(p, "currency");
    if (Txt(p, "target_currency", "") != "" && Txt(p, "target_currency") != Txt(p, "currency"))
        s += " -> " + Txt(p, "target_amount") + " " + Txt(p, "target_currency") + " at " + Txt(p, "rate_num") + "/" +
             Txt(p, "rate_den") + " (rate " + Txt(p, "rate_id") + ")";
    s += "\n    payee " + AddrTxt(p, "payee") + "\n    gateway " + AddrTxt(p, "gateway") + "\n    created " + TimeOf(p, "created_ms") +
         ", expires " + TimeOf(p, "expires_ms");
    if (U64Of(p, "ended_ms") != 0) s += ", ended " + TimeOf(p, "ended_ms");
    if (!Txt(p, "note", "").empty()) s += "\n    note: " + Txt(p, "note");
    return s;
}

}  // namespace

int CmdBalance(Ctx& c) {
    Session s = Login(c);
    Address who = c.args.pos.size() > 1 ? ParseAddr(c.args.pos[1], "ADDR") : s.signer->address;
    json b = s.rpc->Call("balance_get", {{"address", who.hex()}});
    std::string h = AddrTxt(b, "address", who.hex());
    const json& bal = b.value("balances", json::array());
    if (bal.empty()) h += "\n  no balances";
    for (const auto& x : bal) h += "\n  " + Txt(x, "amount") + " " + Txt(x, "currency");
    const json prefs = b.value("payout_prefs", json());
    if (prefs.is_object())
    {
        std::string th = Txt(prefs, "threshold", "0");
        bool off = th.find_first_not_of("0.") == std::string::npos;
        h += "\n  payouts via " + AddrTxt(prefs, "gateway") + " in " + Txt(prefs, "currency") + ", automatic payout " +
             (off ? std::string("off") : "at " + th);
    }
    else h += "\n  no payout preferences";
    for (const auto& p : b.value("pending_payouts", json::array())) h += "\n  " + PayoutHuman(p);
    Print(c, b, h);
    return 0;
}

int CmdDeposit(Ctx& c) {
    const char* usage = "folio deposit ADDR AMOUNT CUR --reference REF";
    DepositTx d;
    d.to = ParseAddr(Pos(c, 1, usage), "ADDR");
    Money m = ParseMoney(Pos(c, 2, usage), Pos(c, 3, usage));
    d.currency = m.currency;
    d.amount = m.amount;
    d.reference = c.args.Need("reference");
    return SendSimple(c, d, "deposited " + FormatMoney(m.amount, m.currency) + " " + m.currency + " to " + Show(d.to) +
                                " (reference " + d.reference + ")");
}

int CmdWithdraw(Ctx& c) {
    const char* usage = "folio withdraw AMOUNT CUR";
    Money m = ParseMoney(Pos(c, 1, usage), Pos(c, 2, usage));
    auto st = Send(c, WithdrawTx{m.currency, m.amount});
    if (!st) return 0;
    json p = FindEvent(*st, "payout");
    std::string h = "withdrew " + FormatMoney(m.amount, m.currency) + " " + m.currency;
    if (p.is_object()) {
        (*st)["payout_id"] = p.value("id", json());
        h += "\n" + PayoutHuman(p);
    }
    h += AmlHeld(*st);
    Print(c, *st, h + "\n" + TxLine(*st));
    return 0;
}

int CmdTransfer(Ctx& c) {
    const char* usage = "folio transfer ADDR AMOUNT CUR";
    Address to = ParseAddr(Pos(c, 1, usage), "ADDR");
    Money m = ParseMoney(Pos(c, 2, usage), Pos(c, 3, usage));
    auto st = Send(c, TransferTx{to, m.currency, m.amount});
    if (!st) return 0;
    std::string held = AmlHeld(*st);
    Print(c, *st, (held.empty() ? "transferred " : "sent ") + FormatMoney(m.amount, m.currency) + " " + m.currency + " to " + Show(to) +
                      held + "\n" + TxLine(*st));
    return 0;
}

int CmdPayout(Ctx& c) {
    const char* usage = "folio payout prefs|confirm|fail|show|list ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "prefs") {
        SetPayoutPrefsTx p;
        p.gateway = ParseAddr(c.args.Need("gateway"), "--gateway");
        p.currency = ParseCurrency(c.args.Need("currency"));
        if (auto t = c.args.Opt("threshold")) p.threshold = ParseMoney(*t, p.currency, true).amount;
        return SendSimple(c, p, "payout preferences: gateway " + Show(p.gateway) + ", currency " + p.currency +
                                    ", automatic payout " +
                                    (p.threshold == 0 ? std::string("off") : "at " + FormatMoney(p.threshold, p.currency)));
    }
    if (sub == "confirm" || sub == "fail") {
        uint64_t id = ParseU64(Pos(c, 2, "folio payout confirm|fail ID"), "payout ID");
        std::optional<json> st;
        if (sub == "confirm") st = Send(c, PayoutConfirmTx{id, c.args.Need("reference")});
        else st = Send(c, PayoutFailTx{id, c.args.Need("reason")});
        if (!st) return 0;
        json p = FindEvent(*st, "payout");
        Print(c, *st, (p.is_object() ? PayoutHuman(p) : "payout " + std::to_string(id) + " " + sub + "ed") + "\n" + TxLine(*st));
        return 0;
    }
    if (sub == "show") {
        uint64_t id = ParseU64(Pos(c, 2, "folio payout show ID"), "payout ID");
        Session s = Login(c);
        json p = s.rpc->Call("payout_get", {{"id", id}});
        Print(c, p, PayoutHuman(p));
        return 0;
    }
    if (sub == "list") {
        json params = json::object();
        if (auto g = c.args.Opt("gateway")) params["gateway"] = ParseAddr(*g, "--gateway").hex();
        if (auto p = c.args.Opt("payee")) params["payee"] = ParseAddr(*p, "--payee").hex();
        if (auto st = c.args.Opt("status")) {
            if (*st != "pending" && *st != "confirmed" && *st != "failed" && *st != "expired")
                throw UsageError("--status must be pending, confirmed, failed or expired");
            params["status"] = *st;
        }
        Session s = Login(c);
        json r = s.rpc->Call("payout_list", params);
        std::string h;
        for (const auto& p : r.value("payouts", json::array())) h += PayoutHuman(p) + "\n";
        Print(c, r, h.empty() ? "no payouts" : h);
        return 0;
    }
    throw UsageError("unknown command: folio payout " + sub);
}

int CmdKyc(Ctx& c) {
    const char* usage = "folio kyc set ADDR --status verified|revoked|none --residency CC";
    if (Pos(c, 1, usage) != "set") throw UsageError(std::string("usage: ") + usage);
    SetKycTx k;
    k.account = ParseAddr(Pos(c, 2, usage), "ADDR");
    k.status = ParseKycStatus(c.args.Need("status"));
    k.residency = ParseCountry(c.args.Need("residency"), "--residency");
    return SendSimple(c, k, "KYC of " + Show(k.account) + ": " + c.args.Need("status") + ", residency " + k.residency);
}

int CmdFx(Ctx& c) {
    const char* usage = "folio fx post BASE QUOTE RATE | folio fx show BASE QUOTE";
    const std::string& sub = Pos(c, 1, usage);
    std::string base = ParseCurrency(Pos(c, 2, usage)), quote = ParseCurrency(Pos(c, 3, usage));
    if (sub == "post") {
        auto [num, den] = ParseRate(Pos(c, 4, usage));
        if (base == quote) throw UsageError("BASE and QUOTE must differ");
        auto st = Send(c, PostFxRateTx{base, quote, num, den});
        if (!st) return 0;
        json e = FindEvent(*st, "fx_rate");
        if (e.is_object()) (*st)["rate_id"] = e.value("rate_id", json());
        Print(c, *st,
              "rate " + Txt(e, "rate_id") + ": 1 " + base + " = " + std::to_string(num) + "/" + std::to_string(den) + " " + quote +
                  "\n" + TxLine(*st));
        return 0;
    }
    if (sub == "show") {
        RpcClient rpc(NodeUrl(c));
        json r = rpc.Call("fx_rate_get", {{"base", base}, {"quote", quote}});
        Print(c, r,
              "rate " + Txt(r, "id") + ": 1 " + base + " = " + Txt(r, "num") + "/" + Txt(r, "den") + " " + quote + "\n  posted by " +
                  AddrTxt(r, "oracle") + " at " + TimeOf(r, "time_ms"));
        return 0;
    }
    throw UsageError(std::string("usage: ") + usage);
}

int CmdAudit(Ctx& c) {
    Session s = Login(c);
    json r = s.rpc->Call("audit_conservation", json::object());
    std::ostringstream h;
    h << "conservation audit at height " << Txt(r, "height") << ": balances + escrow + pending payouts + AML holds = deposited - paid out";
    bool all_ok = r.value("ok", true);
    for (const auto& x : r.value("currencies", json::array())) {
        bool ok = x.value("ok", false);
        all_ok = all_ok && ok;
        h << "\n  " << Txt(x, "currency") << ": " << Txt(x, "balances") << " + " << Txt(x, "escrow") << " + " << Txt(x, "pending_payouts")
          << " + " << Txt(x, "aml_held") << " = " << Txt(x, "deposited") << " - " << Txt(x, "paid_out") << "  " << (ok ? "OK" : "VIOLATION");
    }
    h << "\n" << (all_ok ? "OK" : "VIOLATION");
    Print(c, r, h.str());
    if (!all_ok) throw CliError("conservation violated (see above)");
    return 0;
}

int CmdReconcile(Ctx& c) {
    json params = {{"gateway", ParseAddr(c.args.Need("gateway"), "--gateway").hex()}};
    if (auto f = c.args.Opt("from")) params["from_ms"] = ParseTimeMs(*f);
    if (auto u = c.args.Opt("until")) params["to_ms"] = ParseTimeMs(*u);
    Session s = Login(c);
    json r = s.rpc->Call("reconciliation_report", params);
    std::ostringstream h;
    h << "reconciliation of gateway " << AddrTxt(r, "gateway") << " from " << TimeOf(r, "from_ms") << " until " << TimeOf(r, "to_ms");
    const json& cur = r.value("currencies", json::array());
    if (cur.empty()) h << "\n  no payouts";
    for (const auto& x : cur) {
        h << "\n  " << Txt(x, "currency") << ":";
        for (const char* k : {"instructed", "confirmed", "failed", "expired", "pending"})
            if (x.contains(k)) h << "  " << k << " " << Txt(x[k], "count") << " (" << Txt(x[k], "total") << ")";
    }
    for (const auto& x : r.value("aml", json::array())) {
        h << "\n  AML holds of its payouts, " << Txt(x, "currency") << ":";
        for (const char* k : {"held", "blocked", "released", "rejected"})
            h << "  " << k << " " << Txt(x[k], "count") << " (" << Txt(x[k], "total") << ")";
    }
    Print(c, r, h.str());
    return 0;
}

}  // namespace folio::cli
