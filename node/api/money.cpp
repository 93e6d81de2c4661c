// Money methods: accounts, balances, payouts, FX rates, the conservation audit and gateway
// reconciliation (docs/rpc.md).
#include <node/api/api.h>

#include <functional>

#include <node/api/method_support.h>
#include <node/api/json_render.h>
#include <node/core/amount.h>
#include <node/state/settlement.h>

namespace folio::api {

namespace {

std::string CurrencyParam(const rpc::Params& args, const char* name) {
    std::string c = args.String(name);
    if (!FindCurrency(c)) throw RpcError(ErrorCode::INVALID_PARAMS, "unknown currency '" + c + "'");
    return c;
}

json PayoutsWhere(const Node& node, const std::function<bool(const protocol::Payout&)>& pred) {
    json out = json::array();
    for (const protocol::Payout& p : state::PayoutsWhere(Scan(node), pred)) out.push_back(PayoutJson(p));
    return out;
}

}  // namespace

void RegisterMoneyMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "account_get",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            Address a = args.AddressParam("address");
            if (!ctx.account || (*ctx.account != a && !IsOverseer(node, ctx.account)))
                throw RpcError(ErrorCode::FORBIDDEN, "only the account itself, auditors and governance may read an account");
            protocol::Account acct = state::LoadAccount(node.store(), a);
            json out = AccountJson(a, acct);
            out["pending_nonce"] = node.mempool().PendingNonce(a, acct.next_nonce);
            return out;
        },
        Access::AUTHENTICATED);

    server.Register(
        "balance_get",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            Address a = args.AddressParam("address");
            RequireSelfOrOverseer(node, ctx, a, "the account itself");
            json balances = json::array();
            for (const state::CurrencyAmount& b : state::Balances(node.store(), Scan(node), a))
                balances.push_back({{"currency", b.currency}, {"amount", AmountText(b.amount, b.currency)}});
            auto prefs = state::LoadPayoutPrefs(node.store(), a);
            json pending = PayoutsWhere(node, [&](const protocol::Payout& p) {
                return p.payee == a && p.status == protocol::PayoutStatus::PENDING;
            });
            return json{{"address", a.hex()},
                        {"balances", balances},
                        {"payout_prefs", prefs ? PayoutPrefsJson(*prefs) : json(nullptr)},
                        {"pending_payouts", pending}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "payout_get",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            uint64_t id = args.Uint64("id");
            auto p = state::LoadPayout(node.store(), id);
            if (!p) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no payout " + std::to_string(id));
            if (!ctx.account || (*ctx.account != p->payee && *ctx.account != p->gateway && !IsOverseer(node, ctx.account)))
                throw RpcError(ErrorCode::FORBIDDEN, "only the payee, its gateway, auditors and governance may read a payout");
            return PayoutJson(*p);
        },
        Access::AUTHENTICATED);

    server.Register(
        "payout_list",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            std::optional<Address> gateway, payee;
            if (args.Has("gateway")) gateway = args.AddressParam("gateway");
            if (args.Has("payee")) payee = args.AddressParam("payee");
            std::string status = params.is_object() ? params.value("status", "") : "";
            bool overseer = IsOverseer(node, ctx.account);
            if (!overseer) {
                if (gateway && *gateway != *ctx.account) throw RpcError(ErrorCode::FORBIDDEN, "a gateway sees only its own payouts");
                if (payee && *payee != *ctx.account) throw RpcError(ErrorCode::FORBIDDEN, "a payee sees only its own payouts");
                if (!gateway && !payee) {
                    if (HasRoleAt(node, ctx.account, protocol::Role::GATEWAY)) gateway = ctx.account;
                    else payee = ctx.account;
                }
            }
            json list = PayoutsWhere(node, [&](const protocol::Payout& p) {
                return (!gateway || p.gateway == *gateway) && (!payee || p.payee == *payee) &&
                       (status.empty() || status == protocol::PayoutStatusName(p.status));
            });
            return json{{"payouts", list}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "fx_rate_get",
        [&node](const json& params, CallContext&) {
            const rpc::Params args = ApiParams(params);
            std::string base = CurrencyParam(args, "base"), quote = CurrencyParam(args, "quote");
            auto r = state::LoadLatestRate(node.store(), base, quote);
            if (!r) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no " + base + "/" + quote + " rate has been posted");
            return FxRateJson(*r);
        },
        Access::PUBLIC);

    server.Register(
        "audit_conservation",
        [&node](const json&, CallContext& ctx) {
            if (!IsOverseer(node, ctx.account)) throw RpcError(ErrorCode::FORBIDDEN, "only auditors and governance may run the audit");
            json out = json::array();
            bool all_ok = true;
            for (const state::ConservationLine& s : state::AuditConservation(node.store(), Scan(node))) {
                const std::string& cur = s.currency;
                bool ok = s.ok();
                all_ok = all_ok && ok;
                out.push_back({{"currency", cur},
                               {"balances", AmountText(static_cast<int64_t>(s.balances), cur)},
                               {"escrow", AmountText(static_cast<int64_t>(s.escrow), cur)},
                               {"pending_payouts", AmountText(static_cast<int64_t>(s.pending), cur)},
                               {"aml_held", AmountText(static_cast<int64_t>(s.aml_held), cur)},
                               {"deposited", AmountText(static_cast<int64_t>(s.deposited), cur)},
                               {"paid_out", AmountText(static_cast<int64_t>(s.paid_out), cur)},
                               {"ok", ok}});
            }
            // Fan tokens: the holdings add up to the tokens sold, within the cap.
            json tokens = json::array();
            for (const state::FanTokenLine& l : state::AuditFanTokens(Scan(node))) {
                all_ok = all_ok && l.ok();
                tokens.push_back({{"token", l.token.id}, {"symbol", l.token.symbol}, {"cap", l.token.cap}, {"sold", l.token.sold},
                                  {"held", static_cast<uint64_t>(l.held)}, {"ok", l.ok()}});
            }
            protocol::BlockHeader head = node.Head();
            return json{{"height", head.height}, {"ok", all_ok}, {"currencies", out}, {"fan_tokens", tokens}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "reconciliation_report",
        [&node](const json& params, CallContext& ctx) {
            const rpc::Params args = ApiParams(params);
            Address gw = args.AddressParam("gateway");
            RequireSelfOrOverseer(node, ctx, gw, "the gateway itself");
            uint64_t from = args.Has("from_ms") ? args.Uint64("from_ms") : 0;
            uint64_t until = args.Has("to_ms") ? args.Uint64("to_ms") : UINT64_MAX;
            state::Reconciliation per = state::Reconcile(Scan(node), gw, from, until);  // currency -> status -> line
            json out = json::array();
            for (auto& [cur, lines] : per) {
                json j = {{"currency", cur}};
                for (const char* st : {"instructed", "confirmed", "failed", "expired", "pending"}) {
                    const state::ReconciliationLine& l = lines[st];
                    j[st] = {{"count", l.count}, {"total", AmountText(static_cast<int64_t>(l.total), cur)}};
                }
                out.push_back(j);
            }
            // Its payouts held by AML (source currency): held and blocked still out, released
            // (then instructed above), rejected (returned to the payee).
            json aml = json::array();
            for (auto& [cur, lines] : state::ReconcileAml(Scan(node), gw, from, until)) {
                json j = {{"currency", cur}};
                for (const char* st : {"held", "blocked", "released", "rejected"}) {
                    const state::ReconciliationLine& l = lines[st];
                    j[st] = {{"count", l.count}, {"total", AmountText(static_cast<int64_t>(l.total), cur)}};
                }
                aml.push_back(j);
            }
            return json{{"gateway", gw.hex()}, {"from_ms", from}, {"to_ms", until == UINT64_MAX ? json(nullptr) : json(until)},
                        {"currencies", out}, {"aml", aml}};
        },
        Access::AUTHENTICATED);
}

}  // namespace folio::api
