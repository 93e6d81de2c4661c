// Settlement RPC methods: balances, payouts, FX, licences, audits, reconciliation, tax reports
// and auctions (docs/rpc.md, "Settlement methods").
#include <node/api/rpc_methods.h>

#include <map>

#include <node/api/json_render.h>
#include <node/api/rpc_params.h>
#include <node/core/amount.h>
#include <node/core/smt.h>
#include <node/state/queries.h>
#include <node/state/settlement.h>
#include <node/protocol/territory.h>

namespace folio::api {

using rpc::Access;
using rpc::CallContext;

namespace {


std::string Amount(int64_t v, const std::string& cur) {
    auto c = FindCurrency(cur);
    return c ? FormatAmount(v, *c) : std::to_string(v);
}

std::string CurrencyParam(const json& params, const char* name) {
    std::string c = StringParam(params, name);
    if (!FindCurrency(c)) throw RpcError(ErrorCode::INVALID_PARAMS, "unknown currency '" + c + "'");
    return c;
}

bool HasRoleAt(const Node& node, const std::optional<Address>& who, protocol::Role r) {
    return who && protocol::HasRole(state::LoadAccount(node.store(), *who).roles, r);
}

void RequireSelfOrOverseer(const Node& node, const CallContext& ctx, const Address& a, const char* what) {
    if (!ctx.account || (*ctx.account != a && !IsOverseer(node, ctx.account)))
        throw RpcError(ErrorCode::FORBIDDEN, std::string("only ") + what + ", auditors and governance may read this");
}

// The committed state's prefix scan, for state's listing queries.
state::PrefixScan Scan(const Node& node) {
    return [&node](ByteView prefix, const state::PrefixVisitor& visit) { node.store().ForEachState(prefix, visit); };
}

// The block a contract query runs in: the head's height and time.
state::BlockContext QueryBlock(const Node& node) {
    protocol::BlockHeader head = node.Head();
    return state::BlockContext{head.height, head.time_ms, Address{}};
}

// A contract query's failure as the JSON-RPC error it has always been.
[[noreturn]] void ThrowQueryError(const state::QueryError& e) {
    throw RpcError(e.kind == state::QueryError::MALFORMED ? ErrorCode::INTERNAL_ERROR : ErrorCode::RESOURCE_UNAVAILABLE,
                   e.message);
}

json PayoutsWhere(const Node& node, const std::function<bool(const protocol::Payout&)>& pred) {
    json out = json::array();
    for (const protocol::Payout& p : state::PayoutsWhere(Scan(node), pred)) out.push_back(PayoutJson(p));
    return out;
}

}  // namespace

void RegisterSettlementMethods(rpc::RpcServer& server, Node& node) {
    server.Register(
        "balance_get",
        [&node](const json& params, CallContext& ctx) {
            Address a = AddressParam(params, "address");
            RequireSelfOrOverseer(node, ctx, a, "the account itself");
            json balances = json::array();
            for (const state::CurrencyAmount& b : state::Balances(node.store(), Scan(node), a))
                balances.push_back({{"currency", b.currency}, {"amount", Amount(b.amount, b.currency)}});
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
            uint64_t id = UintParam(params, "id");
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
            std::optional<Address> gateway, payee;
            if (params.is_object() && params.contains("gateway")) gateway = AddressParam(params, "gateway");
            if (params.is_object() && params.contains("payee")) payee = AddressParam(params, "payee");
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
            std::string base = CurrencyParam(params, "base"), quote = CurrencyParam(params, "quote");
            auto r = state::LoadLatestRate(node.store(), base, quote);
            if (!r) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no " + base + "/" + quote + " rate has been posted");
            return FxRateJson(*r);
        },
        Access::PUBLIC);

    server.Register(
        "licence_get",
        [&node](const json& params, CallContext&) {
            uint64_t id = UintParam(params, "id");
            auto l = state::LoadLicence(node.store(), id);
            if (!l) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no licence " + std::to_string(id));
            return LicenceJson(*l);
        },
        Access::PUBLIC);

    server.Register(
        "licence_list",
        [&node](const json& params, CallContext&) {
            uint64_t work = UintParam(params, "work");
            if (!state::LoadWork(node.store(), work)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(work));
            json out = json::array();
            for (uint64_t id : state::LoadWorkLicences(node.store(), work))
                if (auto l = state::LoadLicence(node.store(), id)) out.push_back(LicenceJson(*l));
            return json{{"work", work}, {"licences", out}};
        },
        Access::PUBLIC);

    server.Register(
        "licence_check",
        [&node](const json& params, CallContext&) {
            uint64_t work = UintParam(params, "work");
            Address licensee = AddressParam(params, "licensee");
            std::string territory = StringParam(params, "territory");
            if (!protocol::IsCountry(territory))
                throw RpcError(ErrorCode::INVALID_PARAMS, "territory must be an ISO 3166-1 alpha-2 code");
            std::string right_name = StringParam(params, "right");
            auto right = protocol::ParseRight(right_name);
            if (!right) throw RpcError(ErrorCode::INVALID_PARAMS, "unknown right '" + right_name + "'");
            uint64_t at = params.contains("at") ? UintParam(params, "at") : node.Head().time_ms;
            auto ans = state::CheckLicence(node.store(), work, licensee, territory, *right, at);
            json out = {{"allowed", ans.allowed}, {"work", work}, {"licensee", licensee.hex()},
                        {"territory", territory}, {"right", right_name}, {"at", at}};
            if (ans.licence) out["licence"] = LicenceJson(*ans.licence);
            if (ans.via_nft) out["via"] = "nft_viewing_right";
            if (!ans.allowed) out["reason"] = ans.reason;
            return out;
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
                               {"balances", Amount(static_cast<int64_t>(s.balances), cur)},
                               {"escrow", Amount(static_cast<int64_t>(s.escrow), cur)},
                               {"pending_payouts", Amount(static_cast<int64_t>(s.pending), cur)},
                               {"deposited", Amount(static_cast<int64_t>(s.deposited), cur)},
                               {"paid_out", Amount(static_cast<int64_t>(s.paid_out), cur)},
                               {"ok", ok}});
            }
            protocol::BlockHeader head = node.Head();
            return json{{"height", head.height}, {"ok", all_ok}, {"currencies", out}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "reconciliation_report",
        [&node](const json& params, CallContext& ctx) {
            Address gw = AddressParam(params, "gateway");
            RequireSelfOrOverseer(node, ctx, gw, "the gateway itself");
            uint64_t from = params.contains("from_ms") ? UintParam(params, "from_ms") : 0;
            uint64_t until = params.contains("to_ms") ? UintParam(params, "to_ms") : UINT64_MAX;
            state::Reconciliation per = state::Reconcile(Scan(node), gw, from, until);  // currency -> status -> line
            json out = json::array();
            for (auto& [cur, lines] : per) {
                json j = {{"currency", cur}};
                for (const char* st : {"instructed", "confirmed", "failed", "expired", "pending"}) {
                    const state::ReconciliationLine& l = lines[st];
                    j[st] = {{"count", l.count}, {"total", Amount(static_cast<int64_t>(l.total), cur)}};
                }
                out.push_back(j);
            }
            return json{{"gateway", gw.hex()}, {"from_ms", from}, {"to_ms", until == UINT64_MAX ? json(nullptr) : json(until)},
                        {"currencies", out}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "tax_report",
        [&node](const json& params, CallContext& ctx) {
            Address payee = AddressParam(params, "payee");
            RequireSelfOrOverseer(node, ctx, payee, "the payee itself");
            uint64_t year = UintParam(params, "year");
            auto report = state::TaxReport(node.store(), QueryBlock(node), payee, year);
            if (!report) ThrowQueryError(report.error());
            static constexpr const char* INCOME[] = {"unknown", "royalty", "licence_fee", "nft_sale"};
            json entries = json::array();
            std::map<std::string, std::pair<Int128, Int128>> totals;
            for (const state::TaxEntry& e : *report) {
                const std::string& cur = e.currency;
                entries.push_back({{"time_ms", e.time_ms},
                                   {"currency", cur},
                                   {"gross", Amount(e.gross, cur)},
                                   {"tax", Amount(e.tax, cur)},
                                   {"net", Amount(e.gross - e.tax, cur)},
                                   {"income_type", e.income_type >= 0 && e.income_type < 4 ? INCOME[e.income_type] : "unknown"},
                                   {"source", e.source},
                                   {"bps", e.bps}});
                totals[cur].first += e.gross;
                totals[cur].second += e.tax;
            }
            json t = json::array();
            for (const auto& [cur, gt] : totals)
                t.push_back({{"currency", cur},
                             {"gross", Amount(static_cast<int64_t>(gt.first), cur)},
                             {"tax", Amount(static_cast<int64_t>(gt.second), cur)},
                             {"net", Amount(static_cast<int64_t>(gt.first - gt.second), cur)}});
            protocol::Account acct = state::LoadAccount(node.store(), payee);
            return json{{"payee", payee.hex()}, {"year", year}, {"residency", acct.residency}, {"entries", entries}, {"totals", t}};
        },
        Access::AUTHENTICATED);

    server.Register(
        "auction_get",
        [&node](const json& params, CallContext&) {
            uint64_t id = UintParam(params, "id");
            auto a = state::LoadAuction(node.store(), id);
            if (!a) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no auction " + std::to_string(id));
            auto show = state::ShowAuction(node.store(), QueryBlock(node), a->contract);
            if (!show) ThrowQueryError(show.error());
            json st = json::object();
            if (const auto& r = *show) {
                const std::string& cur = r->currency;
                st = {{"state", r->closed ? "closed" : "open"},
                      {"end_ms", r->end_ms},
                      {"highest_bid", Amount(r->highest_bid, cur)},
                      {"highest_bidder", r->highest_bidder.IsZero() ? json(nullptr) : json(r->highest_bidder.hex())},
                      {"price", Amount(r->price, cur)},
                      {"winner", r->winner.IsZero() ? json(nullptr) : json(r->winner.hex())},
                      {"bids", r->bids},
                      {"reveal_end_ms", r->reveal_end_ms},
                      {"current_price", Amount(r->current_price, cur)},
                      {"currency", cur},
                      {"raw", ToHex(r->raw)}};
            }
            json aj = AuctionJson(*a);
            if (auto l = state::LoadLicence(node.store(), a->licence)) aj["licence_terms"] = LicenceJson(*l);
            return json{{"auction", aj}, {"state", st}};
        },
        Access::PUBLIC);

    server.Register(
        "nft_get",
        [&node](const json& params, CallContext&) {
            uint64_t token = UintParam(params, "token");
            auto n = state::LoadNft(node.store(), token);
            if (!n) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no token " + std::to_string(token));
            json out = NftJson(*n);
            if (auto c = state::LoadCollection(node.store(), n->work)) out["collection"] = CollectionJson(*c);
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "nft_collection",
        [&node](const json& params, CallContext&) {
            uint64_t work = UintParam(params, "work");
            auto c = state::LoadCollection(node.store(), work);
            if (!c) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "work " + std::to_string(work) + " has no collection");
            json out = CollectionJson(*c);
            json tokens = json::array();
            for (uint64_t t = c->first_token; t < c->first_token + c->cap; ++t)
                if (auto n = state::LoadNft(node.store(), t)) tokens.push_back(NftJson(*n));
            out["tokens"] = tokens;
            return out;
        },
        Access::PUBLIC);

    server.Register(
        "work_certificate",
        [&node](const json& params, CallContext&) {
            uint64_t id = UintParam(params, "id");
            if (!state::LoadWork(node.store(), id)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(id));
            // The newest block with a commit certificate (in BFT mode certificates follow
            // execution by a few blocks).
            uint64_t h = node.Head().height;
            std::optional<Bytes> cert;
            for (uint64_t back = 0; back < 64 && back <= h; ++back)
                if ((cert = node.store().GetCommitCert(h - back))) {
                    h -= back;
                    break;
                }
            if (!cert) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "no recent block has a commit certificate yet; retry");
            auto block = node.store().GetBlock(h);
            if (!block) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "block " + std::to_string(h) + " is not stored");
            Bytes key = state::keys::Work(id);
            auto proof = SmtProve(node.store(), block->header.state_root, h, Sha256Of(key));
            if (!proof) throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "state proof unavailable at height " + std::to_string(h));
            // The record as of that height: the proof's leaf must match it (works change only by
            // transfer_shares; a newer record would not verify against this root).
            auto raw = node.store().Get(key);
            if (!raw || !proof->leaf || proof->leaf->value_hash != Sha256Of(*raw))
                throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE, "the work changed after the last certified block; retry");
            auto w = state::LoadWork(node.store(), id);
            json validators = json::array();
            for (const auto& v : node.genesis().validators) validators.push_back(v.key.hex());
            // Hand-offs: for each validator-set change up to height h, the epoch's last block, its
            // certificate by the old set and a proof that its state holds the new set.
            json handoffs = json::array();
            for (uint64_t e = 1;; ++e) {
                auto rec = state::LoadValidatorSetOfEpoch(node.store(), e);
                if (!rec || rec->from_height > h) break;
                uint64_t last = rec->from_height - 1;
                auto b = node.store().GetBlock(last);
                auto c = node.store().GetCommitCert(last);
                Bytes vkey = protocol::ValidatorSetKey(e);
                auto vraw = node.store().Get(vkey);
                std::optional<SmtProof> vproof;
                if (b && vraw)
                    if (auto pr = SmtProve(node.store(), b->header.state_root, last, Sha256Of(vkey))) vproof = std::move(pr.value());
                if (!b || !c || !vraw || !vproof)
                    throw RpcError(ErrorCode::RESOURCE_UNAVAILABLE,
                                   "the hand-off to validator epoch " + std::to_string(e) + " is not available yet; retry");
                handoffs.push_back(ToHex(protocol::EncodeHandoff(
                    protocol::ValidatorHandoff{protocol::EncodeHeader(b->header), *c, *vraw, EncodeSmtProof(*vproof)})));
            }
            return json{{"format", "folio-work-certificate/1"},
                        {"chain_id", node.chain_id()},
                        {"genesis_hash", node.genesis_hash().hex()},
                        {"work", WorkJson(*w)},
                        {"height", h},
                        {"work_record", ToHex(*raw)},
                        {"proof", ToHex(EncodeSmtProof(*proof))},
                        {"header", ToHex(protocol::EncodeHeader(block->header))},
                        {"commit", ToHex(*cert)},
                        {"genesis_validators", validators},
                        {"validator_handoffs", handoffs}};
        },
        Access::PUBLIC);

    server.Register(
        "split_get",
        [&node](const json& params, CallContext&) {
            uint64_t work = UintParam(params, "work");
            if (!state::LoadWork(node.store(), work)) throw RpcError(ErrorCode::RESOURCE_NOT_FOUND, "no work " + std::to_string(work));
            Address split = protocol::SplitAddress(work);
            auto split_payees = state::SplitPayees(node.store(), QueryBlock(node), work);
            if (!split_payees) ThrowQueryError(split_payees.error());
            json payees = json::array();
            for (const state::Payee& p : *split_payees) payees.push_back({{"address", p.address.hex()}, {"bps", p.bps}});
            return json{{"work", work}, {"contract", split.hex()}, {"payees", payees}};
        },
        Access::PUBLIC);
}

}  // namespace folio::api
