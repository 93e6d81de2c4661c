// `folio revenue` (reports and pools) and `folio tax report`.
#include <cli/commands.h>

#include <iostream>
#include <sstream>

namespace folio::cli {

using namespace folio::protocol;

namespace {

std::string CsvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

}  // namespace

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
        Print(c, *st,
              what + " for work " + std::to_string(r.work) + (period.empty() ? "" : " (" + period + ")") + ContractEventsHuman(*st) +
                  "\n" + TxLine(*st));
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

// `folio tax authority --jurisdiction CC --year YYYY [--format text|csv|json]`: the report of every
// withholding a jurisdiction is owed, for its tax authority.
int TaxAuthority(Ctx& c) {
    const std::string j = ParseCountry(c.args.Need("jurisdiction"), "--jurisdiction");
    uint64_t year = ParseU64(c.args.Need("year"), "--year");
    if (year < 1970 || year > 9999) throw UsageError("--year must be a year such as 2026");
    std::string format = c.args.Opt("format").value_or(c.json_out ? "json" : "text");
    Session s = Login(c);
    json r = s.rpc->Call("tax_jurisdiction_report", {{"jurisdiction", j}, {"year", year}});
    const json& entries = r.value("entries", json::array());
    if (format == "json") {
        std::cout << r.dump() << "\n";
        return 0;
    }
    if (format == "csv") {
        std::cout << "date,payee,residency,currency,gross,tax,net,income_type,rate_bps\n";
        for (const auto& e : entries)
            std::cout << FormatTimeRfc3339(U64Of(e, "time_ms")) << "," << Txt(e, "payee") << "," << CsvField(Txt(e, "residency", "")) << ","
                      << CsvField(Txt(e, "currency")) << "," << Txt(e, "gross") << "," << Txt(e, "tax") << "," << Txt(e, "net") << ","
                      << CsvField(Txt(e, "income_type")) << "," << Txt(e, "bps") << "\n";
        return 0;
    }
    std::ostringstream h;
    h << "withholdings owed to " << j << " in " << year << " (tax account " << AddrTxt(r, "tax_account", "none") << ")";
    if (entries.empty()) h << "\n  no withholding entries";
    for (const auto& e : entries)
        h << "\n  " << FormatTimeRfc3339(U64Of(e, "time_ms")) << "  " << AddrTxt(e, "payee") << " (" << Txt(e, "residency", "-") << ")  "
          << Txt(e, "income_type") << ": gross " << Txt(e, "gross") << " " << Txt(e, "currency") << ", tax " << Txt(e, "tax") << " ("
          << Txt(e, "bps") << " bps)";
    for (const auto& t : r.value("totals", json::array()))
        h << "\n  total " << Txt(t, "currency") << ": " << Txt(t, "count") << " entries, gross " << Txt(t, "gross") << ", tax " << Txt(t, "tax");
    Print(c, r, h.str());
    return 0;
}

int CmdTax(Ctx& c) {
    const char* usage = "folio tax report --payee ADDR --year YYYY [--format csv|json] | folio tax authority --jurisdiction CC --year YYYY";
    if (Pos(c, 1, usage) == "authority") return TaxAuthority(c);
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

}  // namespace folio::cli
