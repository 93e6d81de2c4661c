// The money, licence, revenue, tax and auction commands of `folio` (docs/cli.md).
#include <cli/settlement_cmds.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <chrono>
#include <functional>
#include <thread>
#include <fstream>
#include <iostream>
#include <sstream>

#include <sodium.h>

#include <cli/settlement.h>
#include <node/core/amount.h>
#include <node/protocol/certificate.h>
#include <node/protocol/territory.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

// ---------------------------------------------------------------- helpers

// A JSON value as text: strings as they are, numbers printed, null as "-".
std::string Txt(const json& j, const std::string& key, const std::string& dflt = "-") {
    if (!j.is_object() || !j.contains(key) || j[key].is_null()) return dflt;
    const json& v = j[key];
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}
uint64_t U64Of(const json& j, const std::string& key) {
    if (!j.is_object() || !j.contains(key)) return 0;
    const json& v = j[key];
    if (v.is_number_unsigned() || v.is_number_integer()) return v.get<uint64_t>();
    if (v.is_string()) {
        try {
            return std::stoull(v.get<std::string>());
        } catch (...) {
            return 0;
        }
    }
    return 0;
}
std::string TimeOf(const json& j, const std::string& key) {
    uint64_t ms = U64Of(j, key);
    return ms == 0 ? "-" : FormatTimeRfc3339(ms);
}

const std::string& Pos(const Ctx& c, size_t i, const char* usage) {
    if (c.args.pos.size() <= i) throw UsageError(std::string("usage: ") + usage);
    return c.args.pos[i];
}

// The first event of `type` in a tx_get answer, or null.
json FindEvent(const json& st, const std::string& type) {
    for (const auto& e : st.value("events", json::array()))
        if (e.value("type", "") == type) return e;
    return nullptr;
}

std::string TxLine(const json& st) {
    return "  tx " + Txt(st, "hash") + " at height " + Txt(st, "height");
}

// Signs and sends; returns the committed outcome, or nullopt when there is nothing more to print
// (--offline: the signed transaction was printed; --no-wait: the submission was printed).
std::optional<json> Send(Ctx& c, TxBody body) {
    json st = SignAndSend(c, std::move(body));
    if (st.is_null()) return std::nullopt;
    RequireSuccess(st);
    if (st.value("status", "") == "pending") {
        Print(c, st, "submitted " + Txt(st, "hash") + " (pending)");
        return std::nullopt;
    }
    return st;
}

// Sends and prints `what` and the tx line (human) or the tx status (JSON).
int SendSimple(Ctx& c, TxBody body, const std::string& what) {
    auto st = Send(c, std::move(body));
    if (!st) return 0;
    Print(c, *st, what + "\n" + TxLine(*st));
    return 0;
}

// An RPC connection logged in as the signing key (for methods limited to the parties).
struct Session {
    std::unique_ptr<RpcClient> rpc;
    std::unique_ptr<Signer> signer;
    std::string chain_id;
};
Session Login(const Ctx& c) {
    Session s;
    s.signer = Unlock(c);
    s.rpc = std::make_unique<RpcClient>(NodeUrl(c));
    json info = s.rpc->Call("chain_info", json::object());
    s.chain_id = info.at("chain_id").get<std::string>();
    s.rpc->Login(s.signer->sk, s.chain_id);
    return s;
}

std::string PayoutHuman(const json& p) {
    std::string s = "payout " + Txt(p, "id") + " [" + Txt(p, "status") + "]: " + Txt(p, "amount") + " " + Txt(p, "currency");
    if (Txt(p, "target_currency", "") != "" && Txt(p, "target_currency") != Txt(p, "currency"))
        s += " -> " + Txt(p, "target_amount") + " " + Txt(p, "target_currency") + " at " + Txt(p, "rate_num") + "/" +
             Txt(p, "rate_den") + " (rate " + Txt(p, "rate_id") + ")";
    s += "\n    payee " + Txt(p, "payee") + "\n    gateway " + Txt(p, "gateway") + "\n    created " + TimeOf(p, "created_ms") +
         ", expires " + TimeOf(p, "expires_ms");
    if (U64Of(p, "ended_ms") != 0) s += ", ended " + TimeOf(p, "ended_ms");
    if (!Txt(p, "note", "").empty()) s += "\n    note: " + Txt(p, "note");
    return s;
}

std::string JoinArray(const json& a, const std::string& sep = ",") {
    std::string s;
    if (!a.is_array()) return s;
    for (const auto& x : a) s += (s.empty() ? "" : sep) + (x.is_string() ? x.get<std::string>() : x.dump());
    return s;
}

std::string TermsHuman(const json& t) {
    std::string s = "  territories " + JoinArray(t.value("territories", json::array()));
    std::string ex = JoinArray(t.value("excluded", json::array()));
    if (!ex.empty()) s += " excluding " + ex;
    s += "\n  rights " + JoinArray(t.value("rights", json::array())) + (t.value("exclusive", false) ? " (exclusive)" : "");
    s += "\n  from " + TimeOf(t, "start_ms") + " until " + TimeOf(t, "end_ms");
    std::string fee = Txt(t, "fee_currency", "").empty() ? "none" : Txt(t, "fee_amount") + " " + Txt(t, "fee_currency");
    s += "\n  fee " + fee + ", royalty " + Txt(t, "royalty_bps", "0") + " bps";
    if (t.value("sublicensable", false)) s += ", sublicensable";
    if (t.value("revocable", false)) s += ", revocable";
    return s;
}

std::string LicenceHuman(const json& l) {
    return "licence " + Txt(l, "id") + " of work " + Txt(l, "work") + " [" + Txt(l, "status") + "]\n  licensor " +
           Txt(l, "licensor") + "\n  licensee " + Txt(l, "licensee") + "\n" + TermsHuman(l.value("terms", json::object())) +
           (U64Of(l, "auction") != 0 ? "\n  sold by auction " + Txt(l, "auction") : "");
}

// ---------------------------------------------------------------- money

int CmdBalance(Ctx& c) {
    Session s = Login(c);
    Address who = c.args.pos.size() > 1 ? ParseAddr(c.args.pos[1], "ADDR") : s.signer->address;
    json b = s.rpc->Call("balance_get", {{"address", who.hex()}});
    std::string h = Txt(b, "address", who.hex());
    const json& bal = b.value("balances", json::array());
    if (bal.empty()) h += "\n  no balances";
    for (const auto& x : bal) h += "\n  " + Txt(x, "amount") + " " + Txt(x, "currency");
    const json prefs = b.value("payout_prefs", json());
    if (prefs.is_object())
    {
        std::string th = Txt(prefs, "threshold", "0");
        bool off = th.find_first_not_of("0.") == std::string::npos;
        h += "\n  payouts via " + Txt(prefs, "gateway") + " in " + Txt(prefs, "currency") + ", automatic payout " +
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
    return SendSimple(c, d, "deposited " + FormatMoney(m.amount, m.currency) + " " + m.currency + " to " + d.to.hex() +
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
    Print(c, *st, h + "\n" + TxLine(*st));
    return 0;
}

int CmdTransfer(Ctx& c) {
    const char* usage = "folio transfer ADDR AMOUNT CUR";
    Address to = ParseAddr(Pos(c, 1, usage), "ADDR");
    Money m = ParseMoney(Pos(c, 2, usage), Pos(c, 3, usage));
    return SendSimple(c, TransferTx{to, m.currency, m.amount},
                      "transferred " + FormatMoney(m.amount, m.currency) + " " + m.currency + " to " + to.hex());
}

int CmdPayout(Ctx& c) {
    const char* usage = "folio payout prefs|confirm|fail|expire|show|list ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "prefs") {
        SetPayoutPrefsTx p;
        p.gateway = ParseAddr(c.args.Need("gateway"), "--gateway");
        p.currency = ParseCurrency(c.args.Need("currency"));
        if (auto t = c.args.Opt("threshold")) p.threshold = ParseMoney(*t, p.currency, true).amount;
        return SendSimple(c, p, "payout preferences: gateway " + p.gateway.hex() + ", currency " + p.currency +
                                    ", automatic payout " +
                                    (p.threshold == 0 ? std::string("off") : "at " + FormatMoney(p.threshold, p.currency)));
    }
    if (sub == "confirm" || sub == "fail" || sub == "expire") {
        uint64_t id = ParseU64(Pos(c, 2, "folio payout confirm|fail|expire ID"), "payout ID");
        std::optional<json> st;
        if (sub == "confirm") st = Send(c, PayoutConfirmTx{id, c.args.Need("reference")});
        else if (sub == "fail") st = Send(c, PayoutFailTx{id, c.args.Need("reason")});
        else st = Send(c, PayoutExpireTx{id});
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
    return SendSimple(c, k, "KYC of " + k.account.hex() + ": " + c.args.Need("status") + ", residency " + k.residency);
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
                  Txt(r, "oracle") + " at " + TimeOf(r, "time_ms"));
        return 0;
    }
    throw UsageError(std::string("usage: ") + usage);
}

// ---------------------------------------------------------------- licences

TermsInput TermsFromArgs(const Ctx& c, const char* from_opt, const char* until_opt) {
    TermsInput in;
    in.territories = c.args.Need("territory");
    in.exclude = c.args.Opt("exclude").value_or("");
    in.rights = c.args.Need("rights");
    in.exclusive = c.args.Flag("exclusive");
    in.start_ms = ParseTimeMs(c.args.Need(from_opt));
    in.end_ms = ParseTimeMs(c.args.Need(until_opt));
    in.sublicensable = c.args.Flag("sublicensable");
    return in;
}

int CmdLicence(Ctx& c) {
    const char* usage = "folio licence grant|accept|revoke|show|list|check ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "grant") {
        GrantLicenceTx g;
        g.work = ParseU64(Pos(c, 2, "folio licence grant WORK_ID --to ADDR ..."), "WORK_ID");
        g.licensee = ParseAddr(c.args.Need("to"), "--to");
        TermsInput in = TermsFromArgs(c, "from", "until");
        in.fee = c.args.Opt("fee").value_or("");
        if (auto r = c.args.Opt("royalty-bps")) in.royalty_bps = ParseBps(*r, "--royalty-bps");
        in.revocable = c.args.Flag("revocable");
        g.terms = BuildTerms(in);
        auto st = Send(c, g);
        if (!st) return 0;
        json e = FindEvent(*st, "licence");
        if (e.is_object()) (*st)["licence_id"] = e.value("licence", json());
        std::string status = Txt(e, "status");
        Print(c, *st,
              "licence " + Txt(e, "licence") + " of work " + std::to_string(g.work) + " to " + g.licensee.hex() + ": " + status +
                  (status == "offered" ? " (the licensee accepts and pays with `folio licence accept " + Txt(e, "licence") + "`)" : "") +
                  "\n" + TxLine(*st));
        return 0;
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
        if (!ParseRight(c.args.Need("right"))) throw UsageError("--right: unknown right '" + c.args.Need("right") + "'");
        if (auto at = c.args.Opt("at")) params["at"] = ParseTimeMs(*at);
        json r = rpc.Call("licence_check", params);
        bool allowed = r.value("allowed", false);
        std::string h = allowed ? "allowed by licence " + Txt(r.value("licence", json::object()), "id")
                                : "denied: " + Txt(r, "reason", "no licence allows it");
        Print(c, r, h);
        return 0;  // a denial is an answer, not a failure
    }
    throw UsageError("unknown command: folio licence " + sub);
}

// ---------------------------------------------------------------- revenue and tax

int CmdRevenue(Ctx& c) {
    const char* usage = "folio revenue report WORK_ID AMOUNT CUR | folio revenue report WORK_ID --gross AMOUNT CUR --licence ID | folio revenue pool AMOUNT CUR --work ID:SECONDS ...";
    const std::string& sub = Pos(c, 1, usage);
    std::string territory = c.args.Opt("territory") ? ParseCountry(*c.args.Opt("territory"), "--territory") : "";
    std::string period = c.args.Opt("period").value_or("");
    if (sub == "report") {
        ReportRevenueTx r;
        r.work = ParseU64(Pos(c, 2, usage), "WORK_ID");
        r.territory = territory;
        r.period = period;
        if (auto l = c.args.Opt("licence")) r.licence = ParseU64(*l, "--licence");
        std::string what;
        if (auto g = c.args.Opt("gross")) {
            if (c.args.pos.size() > 3) throw UsageError("give either AMOUNT CUR or --gross AMOUNT CUR, not both");
            if (r.licence == 0) throw UsageError("--gross needs --licence ID (its royalty bps apply)");
            Money m = ParseMoneyPair(*g);
            r.currency = m.currency;
            r.gross = m.amount;
            what = "reported gross " + FormatMoney(m.amount, m.currency) + " " + m.currency + " under licence " + std::to_string(r.licence);
        } else {
            Money m = ParseMoney(Pos(c, 3, usage), Pos(c, 4, usage));
            r.currency = m.currency;
            r.amount = m.amount;
            what = "paid " + FormatMoney(m.amount, m.currency) + " " + m.currency;
        }
        auto st = Send(c, r);
        if (!st) return 0;
        json e = FindEvent(*st, "revenue");
        if (e.is_object()) what = "paid " + Txt(e, "amount") + " " + Txt(e, "currency") + (r.gross > 0 ? " (" + what + ")" : "");
        Print(c, *st, what + " for work " + std::to_string(r.work) + (period.empty() ? "" : " (" + period + ")") + "\n" + TxLine(*st));
        return 0;
    }
    if (sub == "pool") {
        ReportPoolTx p;
        Money m = ParseMoney(Pos(c, 2, usage), Pos(c, 3, usage));
        p.currency = m.currency;
        p.pool = m.amount;
        p.entries = ParsePoolEntries(c.args.All("work"));
        if (auto pr = c.args.Opt("promoter")) {
            p.promoter = ParseAddr(*pr, "--promoter");
            p.promoter_bps = ParseBps(c.args.Need("promoter-bps"), "--promoter-bps");
            if (p.promoter_bps == 0) throw UsageError("--promoter-bps must be above zero");
        } else if (c.args.Opt("promoter-bps")) {
            throw UsageError("--promoter-bps needs --promoter ADDR");
        }
        p.territory = territory;
        p.period = period;
        auto st = Send(c, p);
        if (!st) return 0;
        std::string h = "pool of " + FormatMoney(m.amount, m.currency) + " " + m.currency + " split across " +
                        std::to_string(p.entries.size()) + " work(s)";
        for (const auto& e : st->value("events", json::array()))
            if (e.value("type", "") == "revenue") h += "\n  work " + Txt(e, "work") + ": " + Txt(e, "amount") + " " + Txt(e, "currency");
        Print(c, *st, h + "\n" + TxLine(*st));
        return 0;
    }
    throw UsageError("unknown command: folio revenue " + sub);
}

std::string CsvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

int CmdTax(Ctx& c) {
    const char* usage = "folio tax report --payee ADDR --year YYYY [--format csv|json]";
    if (Pos(c, 1, usage) != "report") throw UsageError(std::string("usage: ") + usage);
    Address payee = ParseAddr(c.args.Need("payee"), "--payee");
    uint64_t year = ParseU64(c.args.Need("year"), "--year");
    if (year < 1970 || year > 9999) throw UsageError("--year must be a year such as 2026");
    std::string format = c.args.Opt("format").value_or(c.json_out ? "json" : "text");
    if (format != "csv" && format != "json" && format != "text") throw UsageError("--format must be csv or json");
    Session s = Login(c);
    json r = s.rpc->Call("tax_report", {{"payee", payee.hex()}, {"year", year}});
    auto net = [](const json& e) {
        std::string n = Txt(e, "net", "");
        return n.empty() ? SubtractDecimal(Txt(e, "gross"), Txt(e, "tax"), Txt(e, "currency")) : n;
    };
    if (format == "json") {
        std::cout << r.dump() << "\n";
        return 0;
    }
    if (format == "csv") {
        std::cout << "date,currency,gross,tax,net,income_type,source,rate_bps\n";
        for (const auto& e : r.value("entries", json::array()))
            std::cout << FormatTimeRfc3339(U64Of(e, "time_ms")) << "," << CsvField(Txt(e, "currency")) << "," << Txt(e, "gross") << ","
                      << Txt(e, "tax") << "," << net(e) << "," << CsvField(Txt(e, "income_type")) << "," << CsvField(Txt(e, "source", ""))
                      << "," << Txt(e, "bps") << "\n";
        return 0;
    }
    std::ostringstream h;
    h << "tax report " << year << " for " << payee.hex();
    if (!Txt(r, "residency", "").empty()) h << " (resident in " << Txt(r, "residency") << ")";
    const json& entries = r.value("entries", json::array());
    if (entries.empty()) h << "\n  no withholding entries";
    for (const auto& e : entries)
        h << "\n  " << FormatTimeRfc3339(U64Of(e, "time_ms")) << "  " << Txt(e, "income_type") << " from " << Txt(e, "source", "-")
          << ": gross " << Txt(e, "gross") << " " << Txt(e, "currency") << ", tax " << Txt(e, "tax") << " (" << Txt(e, "bps")
          << " bps), net " << net(e);
    for (const auto& t : r.value("totals", json::array()))
        h << "\n  total " << Txt(t, "currency") << ": gross " << Txt(t, "gross") << ", tax " << Txt(t, "tax") << ", net "
          << (Txt(t, "net", "").empty() ? SubtractDecimal(Txt(t, "gross"), Txt(t, "tax"), Txt(t, "currency")) : Txt(t, "net"));
    Print(c, r, h.str());
    return 0;
}

int CmdAudit(Ctx& c) {
    Session s = Login(c);
    json r = s.rpc->Call("audit_conservation", json::object());
    std::ostringstream h;
    h << "conservation audit at height " << Txt(r, "height") << ": balances + escrow + pending payouts = deposited - paid out";
    bool all_ok = r.value("ok", true);
    for (const auto& x : r.value("currencies", json::array())) {
        bool ok = x.value("ok", false);
        all_ok = all_ok && ok;
        h << "\n  " << Txt(x, "currency") << ": " << Txt(x, "balances") << " + " << Txt(x, "escrow") << " + " << Txt(x, "pending_payouts")
          << " = " << Txt(x, "deposited") << " - " << Txt(x, "paid_out") << "  " << (ok ? "OK" : "VIOLATION");
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
    h << "reconciliation of gateway " << Txt(r, "gateway") << " from " << TimeOf(r, "from_ms") << " until " << TimeOf(r, "to_ms");
    const json& cur = r.value("currencies", json::array());
    if (cur.empty()) h << "\n  no payouts";
    for (const auto& x : cur) {
        h << "\n  " << Txt(x, "currency") << ":";
        for (const char* k : {"instructed", "confirmed", "failed", "expired", "pending"})
            if (x.contains(k)) h << "  " << k << " " << Txt(x[k], "count") << " (" << Txt(x[k], "total") << ")";
    }
    Print(c, r, h.str());
    return 0;
}

// ---------------------------------------------------------------- auctions

std::string AuctionHuman(const json& r) {
    const json a = r.value("auction", json::object());
    const json st = r.value("state", json::object());
    std::string h = "auction " + Txt(a, "id") + " (" + Txt(a, "kind") + ") of work " + Txt(a, "work") + ", licence " + Txt(a, "licence") +
                    "\n  contract " + Txt(a, "contract") + "\n  seller " + Txt(a, "seller");
    if (!st.empty()) {
        std::string cur = Txt(st, "currency", "");
        h += "\n  state " + Txt(st, "state") + ", ends " + TimeOf(st, "end_ms");
        if (U64Of(st, "reveal_end_ms") != 0) h += ", reveals until " + TimeOf(st, "reveal_end_ms");
        h += "\n  bids " + Txt(st, "bids") + ", highest " + Txt(st, "highest_bid") + " " + cur + " by " + Txt(st, "highest_bidder");
        if (Txt(a, "kind") == "dutch") h += "\n  current price " + Txt(st, "current_price") + " " + cur;
        if (!st.value("winner", json()).is_null()) h += "\n  winner " + Txt(st, "winner") + " at " + Txt(st, "price") + " " + cur;
    }
    if (a.contains("licence_terms")) h += "\n" + TermsHuman(a["licence_terms"].value("terms", json::object()));
    return h;
}

std::filesystem::path BidFile(const Ctx& c, const std::string& chain_id, uint64_t auction, const Address& bidder) {
    return std::filesystem::path(c.home) / "auctions" / (chain_id + "-" + std::to_string(auction) + "-" + bidder.hex() + ".json");
}

void WriteBidFile(const std::filesystem::path& p, const json& j) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    ::chmod(p.parent_path().c_str(), 0700);
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            throw CliError("a sealed bid for this auction is already kept in " + p.string() +
                           " (one commitment per bidder; delete the file only if that commitment never committed)");
        throw CliError("cannot write " + p.string() + ": " + std::strerror(errno));
    }
    std::string text = j.dump(2) + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok) throw CliError("cannot write " + p.string());
}

json ReadBidFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) throw CliError("no sealed bid of yours for this auction in " + p.string());
    try {
        return json::parse(in);
    } catch (const std::exception& e) {
        throw CliError(p.string() + " is not valid JSON: " + e.what());
    }
}

std::string ChainIdFor(const Ctx& c, RpcClient& rpc) {
    if (c.args.Flag("offline")) {
        const char* cid = std::getenv("FOLIO_CHAIN_ID");
        if (!cid || !*cid) throw UsageError("--offline needs the chain id in FOLIO_CHAIN_ID");
        return cid;
    }
    return rpc.Call("chain_info", json::object()).at("chain_id").get<std::string>();
}

// Contract events of a receipt as "topic data" lines.
std::string ContractEventsHuman(const json& st) {
    std::string h;
    for (const auto& e : st.value("events", json::array())) {
        std::string t = e.value("type", "");
        if (t == "contract_event") h += "\n  event " + Txt(e, "topic_text", Txt(e, "topic")) + " " + Txt(e, "data", "");
        else if (t != "") h += "\n  event " + t;
    }
    return h;
}

int CmdAuction(Ctx& c) {
    const char* usage = "folio auction create|bid|reveal|close|show ...";
    const std::string& sub = Pos(c, 1, usage);
    if (sub == "create") {
        CreateAuctionTx a;
        a.work = ParseU64(Pos(c, 2, "folio auction create WORK_ID --type english|dutch|sealed ..."), "WORK_ID");
        a.kind = ParseAuctionKind(c.args.Need("type"));
        a.currency = ParseCurrency(c.args.Need("currency"));
        a.terms = BuildTerms(TermsFromArgs(c, "licence-from", "licence-until"));
        a.start_ms = ParseTimeMs(c.args.Need("start"));
        a.end_ms = ParseTimeMs(c.args.Need("end"));
        if (a.end_ms <= a.start_ms) throw UsageError("--end must be after --start");
        if (auto src = c.args.Opt("source")) a.source = ParseCountry(*src, "--source");
        auto amount = [&](const char* opt, bool zero_ok) { return ParseMoney(c.args.Need(opt), a.currency, zero_ok).amount; };
        auto amount_or = [&](const char* opt, int64_t dflt, bool zero_ok) {
            return c.args.Opt(opt) ? ParseMoney(*c.args.Opt(opt), a.currency, zero_ok).amount : dflt;
        };
        auto secs = [&](const char* opt) -> int64_t {
            auto v = c.args.Opt(opt);
            return v ? static_cast<int64_t>(ParseU64(*v, std::string("--") + opt) * 1000) : 0;
        };
        switch (a.kind) {
            case AuctionKind::ENGLISH:
                a.p1 = amount_or("reserve", 0, true);
                a.p2 = amount_or("increment", 1, false);
                a.p3 = secs("window");
                a.p4 = secs("extension");
                if ((a.p3 == 0) != (a.p4 == 0)) throw UsageError("--window and --extension go together (both or neither)");
                break;
            case AuctionKind::DUTCH:
                a.p1 = amount("start-price", false);
                a.p2 = amount("decrement", false);
                a.p3 = secs("interval");
                a.p4 = amount("floor", false);
                if (a.p3 == 0) throw UsageError("a Dutch auction needs --interval SECONDS above zero");
                if (a.p4 > a.p1) throw UsageError("--floor must not be above --start-price");
                break;
            case AuctionKind::SEALED:
                a.p1 = amount_or("reserve", 0, true);
                a.p2 = amount("deposit", false);
                a.p3 = static_cast<int64_t>(ParseTimeMs(c.args.Need("reveal-end")));
                a.p4 = 0;
                if (static_cast<uint64_t>(a.p3) <= a.end_ms) throw UsageError("--reveal-end must be after --end");
                break;
        }
        auto st = Send(c, a);
        if (!st) return 0;
        json e = FindEvent(*st, "auction_created");
        uint64_t id = U64Of(e, "auction");
        std::string contract = Txt(e, "contract", id ? protocol::AuctionAddress(id).hex() : "-");
        (*st)["auction_id"] = e.is_object() ? e.value("auction", json()) : json();
        (*st)["contract"] = contract;
        (*st)["licence_id"] = e.is_object() ? e.value("licence", json()) : json();
        Print(c, *st,
              "auction " + Txt(e, "auction") + " (" + AuctionKindName(a.kind) + ") of work " + std::to_string(a.work) + "\n  contract " +
                  contract + "\n  reserved licence " + Txt(e, "licence") + "\n" + TxLine(*st));
        return 0;
    }
    uint64_t id = ParseU64(Pos(c, 2, "folio auction bid|reveal|close|show ID"), "auction ID");
    RpcClient rpc(NodeUrl(c));
    if (sub == "show") {
        json r = rpc.Call("auction_get", {{"id", id}});
        Print(c, r, AuctionHuman(r));
        return 0;
    }
    Address contract = protocol::AuctionAddress(id);
    if (sub == "close") {
        auto st = Send(c, ContractCallTx{contract, AuctionCloseCall(), CONTRACT_CALL_GAS});
        if (!st) return 0;
        Print(c, *st, "closed auction " + std::to_string(id) + ContractEventsHuman(*st) + "\n" + TxLine(*st));
        return 0;
    }
    if (sub == "bid") {
        const char* bu = "folio auction bid ID AMOUNT CUR";
        json r = rpc.Call("auction_get", {{"id", id}});
        std::string kind = r.value("auction", json::object()).value("kind", "");
        Money m = ParseMoney(Pos(c, 3, bu), Pos(c, 4, bu));
        std::string cur = r.value("state", json::object()).value("currency", "");
        if (!cur.empty() && cur != m.currency) throw UsageError("auction " + std::to_string(id) + " is in " + cur + ", not " + m.currency);
        if (r.value("auction", json::object()).contains("contract"))
            if (auto a = ParseAddress(Txt(r["auction"], "contract"))) contract = *a;
        if (kind != "sealed") {
            auto st = Send(c, ContractCallTx{contract, AuctionBidCall(m.amount), CONTRACT_CALL_GAS});
            if (!st) return 0;
            Print(c, *st,
                  "bid " + FormatMoney(m.amount, m.currency) + " " + m.currency + " on auction " + std::to_string(id) +
                      ContractEventsHuman(*st) + "\n" + TxLine(*st));
            return 0;
        }
        // Sealed: commit SHA-256(amount || salt || bidder); the salt stays in the wallet until reveal.
        Address bidder = SignerAddress(c);
        std::string chain_id = ChainIdFor(c, rpc);
        Hash256 salt;
        randombytes_buf(salt.data.data(), salt.data.size());
        Hash256 commitment = SealedCommitment(m.amount, salt, bidder);
        auto file = BidFile(c, chain_id, id, bidder);
        WriteBidFile(file, {{"chain_id", chain_id},
                            {"auction", id},
                            {"bidder", bidder.hex()},
                            {"currency", m.currency},
                            {"amount", m.amount},
                            {"amount_text", FormatMoney(m.amount, m.currency)},
                            {"salt", salt.hex()},
                            {"commitment", commitment.hex()}});
        sodium_memzero(salt.data.data(), salt.data.size());
        // The kept bid is dropped only when the commitment certainly did not commit (refused at
        // submission, rejected or failed); on a timeout or a lost connection it stays.
        std::error_code ec;
        json raw;
        try {
            raw = SignAndSend(c, ContractCallTx{contract, AuctionCommitCall(commitment), CONTRACT_CALL_GAS});
        } catch (const RpcFailure& e) {
            if (e.code == -32003 || e.code == -32000 || e.code == -32602) std::filesystem::remove(file, ec);
            throw;
        }
        if (raw.is_null()) return 0;  // --offline: signed, not sent; the bid stays kept
        try {
            RequireSuccess(raw);
        } catch (const CliError&) {
            std::filesystem::remove(file, ec);
            throw;
        }
        std::optional<json> st = raw;
        if (raw.value("status", "") == "pending") {
            Print(c, raw, "submitted " + Txt(raw, "hash") + " (pending); the bid is kept in " + file.string());
            return 0;
        }
        (*st)["commitment"] = commitment.hex();
        (*st)["bid_file"] = file.string();
        Print(c, *st,
              "sealed bid of " + FormatMoney(m.amount, m.currency) + " " + m.currency + " committed to auction " + std::to_string(id) +
                  " (deposit escrowed)\n  commitment " + commitment.hex() + "\n  salt kept in " + file.string() +
                  " — reveal with `folio auction reveal " + std::to_string(id) + "` after the bidding ends\n" + TxLine(*st));
        return 0;
    }
    if (sub == "reveal") {
        Address bidder = SignerAddress(c);
        std::string chain_id = ChainIdFor(c, rpc);
        auto file = BidFile(c, chain_id, id, bidder);
        json bid = ReadBidFile(file);
        auto salt = Hash256::FromHexStr(bid.value("salt", ""));
        if (!salt || !bid.contains("amount") || !bid["amount"].is_number_integer()) throw CliError(file.string() + " lacks amount or salt");
        int64_t amount = bid["amount"].get<int64_t>();
        auto st = Send(c, ContractCallTx{contract, AuctionRevealCall(amount, *salt), CONTRACT_CALL_GAS});
        if (!st) return 0;
        Print(c, *st,
              "revealed " + Txt(bid, "amount_text") + " " + Txt(bid, "currency") + " on auction " + std::to_string(id) +
                  ContractEventsHuman(*st) + "\n" + TxLine(*st));
        return 0;
    }
    throw UsageError("unknown command: folio auction " + sub);
}

// ---------------------------------------------------------------- work shares

// The consent digest of a new ownership: chain id and shares version from the node, or from
// FOLIO_CHAIN_ID and --shares-version when offline.
Hash256 SharesDigest(const Ctx& c, uint64_t work, const std::vector<Share>& owners) {
    std::string chain_id;
    std::optional<uint64_t> version;
    if (auto v = c.args.Opt("shares-version")) version = ParseU64(*v, "--shares-version");
    if (c.args.Flag("offline")) {
        const char* cid = std::getenv("FOLIO_CHAIN_ID");
        if (!cid || !*cid) throw UsageError("--offline needs the chain id in FOLIO_CHAIN_ID");
        if (!version) throw UsageError("--offline needs --shares-version N (from `folio work show`)");
        chain_id = cid;
    } else {
        RpcClient rpc(NodeUrl(c));
        chain_id = rpc.Call("chain_info", json::object()).at("chain_id").get<std::string>();
        if (!version) version = U64Of(rpc.Call("work_get", {{"id", work}}), "shares_version");
    }
    return protocol::TransferSharesDigest(chain_id, work, *version, owners);
}

}  // namespace

std::optional<int> RunWorkSharesCommand(Ctx& c) {
    if (c.args.pos.size() < 2) return std::nullopt;
    const std::string& sub = c.args.pos[1];
    if (sub != "transfer-shares" && sub != "consent") return std::nullopt;
    uint64_t work = ParseU64(Pos(c, 2, "folio work transfer-shares|consent WORK_ID --owner ADDR:BPS ..."), "WORK_ID");
    std::vector<Share> owners = ParseShares(c.args.All("owner"));
    Hash256 digest = SharesDigest(c, work, owners);
    if (sub == "consent") {
        auto signer = Unlock(c);
        auto sig = SignSchnorr(signer->sk, digest, RandomAux());
        if (!sig) throw CliError("signing failed");
        std::string line = signer->address.hex() + ":" + sig->hex();
        Print(c, {{"owner", signer->address.hex()}, {"signature", sig->hex()}, {"consent", line}, {"digest", digest.hex()}}, line);
        return 0;
    }
    TransferSharesTx t;
    t.work = work;
    t.owners = owners;
    for (const std::string& name : c.args.All("consent-key")) {
        auto s = UnlockNamed(c, name);
        auto sig = SignSchnorr(s->sk, digest, RandomAux());
        if (!sig) throw CliError("signing with key '" + name + "' failed");
        t.consents.push_back({s->address, *sig});
    }
    for (const std::string& spec : c.args.All("consent")) {
        auto colon = spec.find(':');
        if (colon == std::string::npos) throw UsageError("--consent must be OWNER_ADDR:SIGHEX");
        auto sig = Signature::FromHexStr(spec.substr(colon + 1));
        if (!sig) throw UsageError("--consent: the signature must be 128 hex characters");
        Address owner = ParseAddr(spec.substr(0, colon), "--consent");
        if (!VerifySchnorr(owner, digest, *sig))
            throw UsageError("--consent: the signature of " + owner.hex() + " does not sign these owners of work " + std::to_string(work) +
                             " at this shares version");
        t.consents.push_back({owner, *sig});
    }
    std::sort(t.consents.begin(), t.consents.end(), [](const Consent& x, const Consent& y) { return x.owner < y.owner; });
    t.consents.erase(std::unique(t.consents.begin(), t.consents.end(), [](const Consent& x, const Consent& y) { return x.owner == y.owner; }),
                     t.consents.end());
    auto st = Send(c, t);
    if (!st) return 0;
    std::string h = "work " + std::to_string(work) + " now owned by:";
    for (const Share& s : owners) h += "\n  " + s.owner.hex() + "  " + std::to_string(s.bps) + " bps";
    Print(c, *st, h + "\n" + TxLine(*st));
    return 0;
}

std::optional<TxBody> SettlementGovBody(const Ctx& c) {
    if (c.args.pos.size() < 2) return std::nullopt;
    const std::string& sub = c.args.pos[1];
    if (sub == "freeze" || sub == "unfreeze") {
        Address a = ParseAddr(Pos(c, 2, "folio gov freeze|unfreeze ADDR"), "ADDR");
        return ProposeTx{SetFrozen{a, sub == "freeze"}};
    }
    auto from_until = [&](uint64_t& from, uint64_t& until) {
        from = c.args.Opt("from") ? ParseTimeMs(*c.args.Opt("from")) : 0;
        until = c.args.Opt("until") ? ParseTimeMs(*c.args.Opt("until")) : 0;
    };
    auto bps = [&]() {
        uint16_t b = ParseBps(c.args.Need("bps"), "--bps");
        return b;
    };
    if (sub == "tax-rate") {
        std::string source = ParseCountry(c.args.Need("source"), "--source");
        int64_t income = ParseIncomeType(c.args.Need("income"));
        std::string res = c.args.Need("residency");
        std::string residency = res == "any" ? "" : ParseCountry(res, "--residency");
        uint64_t from = 0, until = 0;
        from_until(from, until);
        return ProposeTx{GovContractCall{protocol::TaxContractAddress(), TaxSetRateCall(source, income, residency, bps(), from, until)}};
    }
    if (sub == "tax-treaty") {
        std::string source = ParseCountry(c.args.Need("source"), "--source");
        std::string residency = ParseCountry(c.args.Need("residency"), "--residency");
        int64_t income = ParseIncomeType(c.args.Need("income"));
        uint64_t from = 0, until = 0;
        from_until(from, until);
        return ProposeTx{GovContractCall{protocol::TaxContractAddress(), TaxSetTreatyCall(source, residency, income, bps(), from, until)}};
    }
    if (sub == "set-validators") {
        // folio gov set-validators --activation-height H KEY [KEY ...]  (leader-rotation order)
        SetValidators v;
        v.activation_height = ParseU64(c.args.Need("activation-height"), "--activation-height");
        for (size_t i = 2; i < c.args.pos.size(); ++i) v.members.push_back(ParseAddr(c.args.pos[i], "validator KEY"));
        if (v.members.empty()) throw UsageError("usage: folio gov set-validators --activation-height H KEY [KEY ...]");
        return ProposeTx{std::move(v)};
    }
    if (sub == "tax-account") {
        std::string j = ParseCountry(c.args.Need("jurisdiction"), "--jurisdiction");
        Address acct = ParseAddr(c.args.Need("account"), "--account");
        return ProposeTx{GovContractCall{protocol::TaxContractAddress(), TaxSetAccountCall(j, acct)}};
    }
    return std::nullopt;
}

namespace {

// ---------------------------------------------------------------- NFTs

std::string NftHuman(const json& n) {
    std::string h = "token " + Txt(n, "id") + ": edition " + Txt(n, "edition") + " of work " + Txt(n, "work") +
                    (n.value("burned", false) ? " [burned]" : "") + "\n  holder " + Txt(n, "owner");
    if (n.value("listed", false)) h += "\n  listed at " + Txt(n, "price") + " " + Txt(n, "currency");
    if (n.contains("collection")) {
        const json& col = n["collection"];
        h += "\n  collection: cap " + Txt(col, "cap") + ", royalty " + Txt(col, "royalty_bps") + " bps, platform fee " +
             Txt(col, "fee_bps") + " bps" + (col.value("viewing_right", false) ? ", holders may view the work" : "");
    }
    return h;
}

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
                h += "\n  token " + Txt(n, "id") + " edition " + Txt(n, "edition") + " held by " + Txt(n, "owner") +
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
        return SendSimple(c, NftTransferTx{token, to}, "transferred token " + std::to_string(token) + " to " + to.hex());
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
                        Txt(e, "from");
        Print(c, *st, h + "\n" + TxLine(*st));
        return 0;
    }
    throw UsageError(std::string("usage: ") + usage);
}

// ---------------------------------------------------------------- settlement events

// `folio events --from-seq N [--limit L] [--follow]`: settlement events as JSON lines (with --json
// and without --follow: one page object {events, next_seq}). --follow polls for new events.
int CmdEvents(Ctx& c) {
    Session s = Login(c);
    uint64_t from = ParseU64(c.args.Opt("from-seq").value_or("1"), "--from-seq");
    uint64_t limit = ParseU64(c.args.Opt("limit").value_or("100"), "--limit");
    bool follow = c.args.Flag("follow");
    for (;;) {
        json page = s.rpc->Call("settlement_events", {{"from_seq", from}, {"limit", limit}});
        if (c.json_out && !follow) {
            std::cout << page.dump() << "\n";
            return 0;
        }
        for (const auto& e : page.value("events", json::array())) std::cout << e.dump() << "\n";
        std::cout.flush();
        uint64_t next = page.value("next_seq", from);
        bool caught_up = next > page.value("latest_seq", uint64_t{0});
        from = next;
        if (!follow) return 0;
        if (caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    }
}

// ---------------------------------------------------------------- certificates

Bytes HexField(const json& j, const char* name) {
    if (!j.contains(name) || !j.at(name).is_string()) throw CliError(std::string("certificate: missing field '") + name + "'");
    auto b = FromHex(j.at(name).get<std::string>());
    if (!b) throw CliError(std::string("certificate: field '") + name + "' is not hex");
    return *b;
}

json ReadJsonFile(const std::string& path, const char* what) {
    std::ifstream f(path);
    if (!f) throw CliError(std::string("cannot read the ") + what + " " + path);
    try {
        return json::parse(f);
    } catch (const std::exception& e) {
        throw CliError(std::string("the ") + what + " " + path + " is not JSON: " + e.what());
    }
}

}  // namespace

std::optional<int> RunWorkCertificateCommand(Ctx& c, const std::function<Hash256(const std::string&)>& fingerprint) {
    if (c.args.pos.size() < 2) return std::nullopt;
    const std::string& sub = c.args.pos[1];
    if (sub == "certificate") {
        const char* usage = "folio work certificate WORK_ID -o FILE";
        uint64_t id = ParseU64(Pos(c, 2, usage), "WORK_ID");
        std::string out = c.args.Opt("o").value_or(c.args.Opt("output").value_or(""));
        if (out.empty()) throw UsageError(std::string("usage: ") + usage);
        RpcClient rpc(NodeUrl(c));
        json cert = rpc.Call("work_certificate", {{"id", id}});
        std::ofstream f(out);
        f << cert.dump(2) << "\n";
        if (!f) throw CliError("cannot write " + out);
        Print(c, {{"file", out}, {"work", id}, {"height", cert.value("height", 0)}},
              "certificate of work " + std::to_string(id) + " (certified at height " + Txt(cert, "height") + ") written to " + out);
        return 0;
    }
    if (sub == "verify") {
        const char* usage = "folio work verify FILE --certificate FILE --genesis FILE";
        const std::string& file = Pos(c, 2, usage);
        json cert = ReadJsonFile(c.args.Need("certificate"), "certificate");
        json genesis = ReadJsonFile(c.args.Need("genesis"), "genesis");
        std::vector<PublicKey> validators;
        std::string chain_id;
        try {
            chain_id = genesis.at("chain_id").get<std::string>();
            for (const auto& v : genesis.at("validators")) {
                auto k = ParseAddress(v.at("key").get<std::string>());
                if (!k) throw CliError("genesis: bad validator key");
                validators.push_back(*k);
            }
        } catch (const json::exception& e) {
            throw CliError(std::string("genesis: ") + e.what());
        }
        WorkCertificate wc;
        wc.chain_id = cert.value("chain_id", "");
        wc.work_record = HexField(cert, "work_record");
        wc.proof = HexField(cert, "proof");
        wc.header = HexField(cert, "header");
        wc.commit = HexField(cert, "commit");
        for (const auto& h : cert.value("validator_handoffs", json::array()))
            wc.handoffs.push_back(FromHex(h.is_string() ? h.get<std::string>() : "").value_or(Bytes{}));
        Hash256 fp = fingerprint(file);
        std::string why = VerifyWorkCertificate(fp, wc, chain_id, validators);
        auto work = DecodeWork(wc.work_record);
        json out = {{"valid", why.empty()}, {"file", file}, {"fingerprint", fp.hex()}};
        if (!why.empty()) {
            out["reason"] = why;
            if (c.json_out) std::cout << out.dump() << "\n";
            throw CliError("certificate does NOT verify: " + why);
        }
        auto header = DecodeHeader(wc.header);
        out["work"] = work->id;
        out["title"] = work->title;
        out["height"] = header->height;
        std::string owners;
        for (const auto& s : work->owners) owners += "\n    " + s.owner.hex() + " " + std::to_string(s.bps) + " bps";
        Print(c, out,
              "certificate verifies: " + file + " is work " + std::to_string(work->id) + " \"" + work->title +
                  "\", registered on chain " + chain_id + ", in the state certified at height " +
                  std::to_string(header->height) + " by a quorum of the genesis validators\n  owners:" + owners);
        return 0;
    }
    return std::nullopt;
}

std::optional<int> RunSettlementCommand(Ctx& c) {
    const std::string& cmd = c.args.pos.at(0);
    if (cmd == "balance") return CmdBalance(c);
    if (cmd == "deposit") return CmdDeposit(c);
    if (cmd == "withdraw") return CmdWithdraw(c);
    if (cmd == "transfer") return CmdTransfer(c);
    if (cmd == "payout") return CmdPayout(c);
    if (cmd == "kyc") return CmdKyc(c);
    if (cmd == "fx") return CmdFx(c);
    if (cmd == "licence" || cmd == "license") return CmdLicence(c);
    if (cmd == "revenue") return CmdRevenue(c);
    if (cmd == "tax") return CmdTax(c);
    if (cmd == "audit") return CmdAudit(c);
    if (cmd == "reconcile") return CmdReconcile(c);
    if (cmd == "auction") return CmdAuction(c);
    if (cmd == "nft") return CmdNft(c);
    if (cmd == "events") return CmdEvents(c);
    return std::nullopt;
}

}  // namespace folio::cli
