// `folio gov`: governance proposals (roles, threshold, freezing accounts, the tax tables, the
// validator set) and approvals.
#include <cli/commands.h>

#include <optional>
#include <string>
#include <utility>

#include <node/protocol/addresses.h>

namespace folio::cli {

using namespace folio::protocol;

namespace {

// The transaction of `folio gov SUB ...`.
TxBody GovBody(const Ctx& c) {
    if (c.args.pos.size() >= 2) {
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
        if (sub == "rotate-validator") {
            // folio gov rotate-validator OLD_KEY NEW_KEY --activation-height H: the set in force
            // (or the one already scheduled) with OLD_KEY replaced by NEW_KEY in its place, so the
            // set's size and leader order stay (docs/operations.md, "Rotating a validator key").
            const char* usage = "usage: folio gov rotate-validator OLD_KEY NEW_KEY --activation-height H";
            Address old_key = ParseAddr(Pos(c, 2, usage), "OLD_KEY");
            Address new_key = ParseAddr(Pos(c, 3, usage), "NEW_KEY");
            if (old_key == new_key) throw UsageError("OLD_KEY and NEW_KEY are the same key");
            SetValidators v;
            v.activation_height = ParseU64(c.args.Need("activation-height"), "--activation-height");
            cli::RpcClient rpc(NodeUrl(c));
            json info = rpc.Call("chain_info", json::object());
            const json pending = info.value("pending_validators", json());
            json keys = json::array();
            if (pending.is_object()) {
                keys = pending.value("members", json::array());
            } else {
                for (const auto& m : info.value("validators", json::array())) keys.push_back(m.at("key"));
            }
            bool found = false;
            for (const auto& k : keys) {
                Address a = ParseAddr(k.get<std::string>(), "validator key");
                if (a == new_key) throw CliError("NEW_KEY " + new_key.hex() + " is already a validator");
                if (a == old_key) {
                    found = true;
                    a = new_key;
                }
                v.members.push_back(a);
            }
            if (!found)
                throw CliError("OLD_KEY " + old_key.hex() + " is not in the " +
                               std::string(pending.is_object() ? "scheduled" : "current") + " validator set");
            return ProposeTx{std::move(v)};
        }
        if (sub == "aml-limit") {
            // folio gov aml-limit CUR [--single AMOUNT] [--rolling AMOUNT --window-hours H] | --remove
            SetAmlLimit l;
            l.currency = ParseCurrency(Pos(c, 2, "folio gov aml-limit CUR [--single AMOUNT] [--rolling AMOUNT --window-hours H] | --remove"));
            const bool remove = c.args.Flag("remove");
            auto single = c.args.Opt("single"), rolling = c.args.Opt("rolling"), window = c.args.Opt("window-hours");
            if (remove && (single || rolling || window)) throw UsageError("--remove takes no limits");
            if (!remove && !single && !rolling) throw UsageError("give --single and/or --rolling with --window-hours, or --remove");
            if (rolling.has_value() != window.has_value()) throw UsageError("--rolling and --window-hours go together");
            if (single) l.single = ParseMoney(*single, l.currency, false, "--single").amount;
            if (rolling) {
                l.rolling = ParseMoney(*rolling, l.currency, false, "--rolling").amount;
                uint64_t h = ParseU64(*window, "--window-hours");
                if (h < 1 || h > MAX_AML_WINDOW_HOURS)
                    throw UsageError("--window-hours must be 1.." + std::to_string(MAX_AML_WINDOW_HOURS) + " (30 days)");
                l.window_hours = static_cast<uint32_t>(h);
            }
            return ProposeTx{l};
        }
        if (sub == "sanction" || sub == "delist") {
            // folio gov sanction|delist (--account ADDR | --country CC) --note TEXT
            SetSanction n;
            auto account = c.args.Opt("account"), country = c.args.Opt("country");
            if (account.has_value() == country.has_value()) throw UsageError("give --account ADDR or --country CC");
            if (account) n.account = ParseAddr(*account, "--account");
            if (country) n.country = ParseCountry(*country, "--country");
            n.listed = sub == "sanction";
            n.note = c.args.Need("note");
            return ProposeTx{n};
        }
        if (sub == "tax-account") {
            std::string j = ParseCountry(c.args.Need("jurisdiction"), "--jurisdiction");
            Address acct = ParseAddr(c.args.Need("account"), "--account");
            return ProposeTx{GovContractCall{protocol::TaxContractAddress(), TaxSetAccountCall(j, acct)}};
        }
    }
    if (c.args.pos.size() < 3)
        throw UsageError("usage: folio gov grant-role|revoke-role ADDR --role R | folio gov set-threshold N | folio gov approve ID | "
                         "folio gov freeze|unfreeze ADDR | folio gov tax-rate|tax-treaty|tax-account ... | "
                         "folio gov aml-limit CUR ... | folio gov sanction|delist ... | "
                         "folio gov set-validators --activation-height H KEY... | "
                         "folio gov rotate-validator OLD_KEY NEW_KEY --activation-height H");
    const std::string& sub = c.args.pos[1];
    if (sub == "grant-role" || sub == "revoke-role") {
        auto addr = ParseAddress(c.args.pos[2]);
        if (!addr) throw UsageError("not a valid address: " + c.args.pos[2]);
        auto role = ParseRole(c.args.Need("role"));
        if (!role) throw UsageError("unknown role: " + c.args.Need("role"));
        if (sub == "grant-role") return ProposeTx{GrantRole{*addr, *role}};
        return ProposeTx{RevokeRole{*addr, *role}};
    }
    if (sub == "set-threshold") {
        uint64_t m = ParseU64(c.args.pos[2], "M");
        if (m == 0 || m > UINT32_MAX) throw UsageError("M must be 1 or more approvals");
        return ProposeTx{SetThreshold{static_cast<uint32_t>(m)}};
    }
    if (sub == "approve") {
        auto id = Hash256::FromHexStr(c.args.pos[2]);
        if (!id) throw UsageError("proposal id must be 64 hex characters");
        return ApproveTx{*id};
    }
    throw UsageError("unknown command: folio gov " + sub);
}

// `folio gov proposals [--status open|executed|expired]`: what governance has to decide.
int GovProposals(Ctx& c) {
    json params = json::object();
    if (auto st = c.args.Opt("status")) params["status"] = *st;
    Session s = Login(c);
    json r = s.rpc->Call("proposal_list", params);
    std::string h;
    for (const auto& p : r.value("proposals", json::array())) {
        const json& a = p.at("action");
        std::string what = a.value("kind", std::string("?"));
        if (a.contains("account")) what += " " + Show(ParseAddr(a.at("account").get<std::string>(), "account"));
        if (a.contains("role")) what += " " + a.at("role").get<std::string>();
        if (a.contains("threshold")) what += " " + std::to_string(a.at("threshold").get<uint64_t>());
        if (a.contains("currency")) what += " " + a.at("currency").get<std::string>();
        if (a.contains("country") && a.at("country").is_string()) what += " " + a.at("country").get<std::string>();
        h += p.value("id", std::string()) + "  " + p.value("status", std::string()) + "  " + what + "  approvals " +
             std::to_string(p.at("approvals").size()) + " of " + std::to_string(p.value("threshold", 0)) + ", " +
             (p.value("status", std::string()) == "open" ? "open until " : "ends ") + FormatTimeRfc3339(p.value("expires_ms", uint64_t{0})) + "\n";
    }
    Print(c, r, h.empty() ? "no proposals" : h);
    return 0;
}

}  // namespace

int CmdGov(Ctx& c) {
    if (c.args.pos.size() >= 2 && c.args.pos[1] == "proposals") return GovProposals(c);
    TxBody body = GovBody(c);
    json r = SignAndSend(c, body);
    if (r.is_null()) return 0;
    RequireSuccess(r);
    std::string human = "tx " + r.value("hash", std::string("")) + " " + r.value("status", std::string(""));
    for (const auto& e : r.value("events", json::array())) human += "\n  " + e.dump();
    Print(c, r, human);
    return 0;
}

}  // namespace folio::cli
