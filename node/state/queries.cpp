#include <node/state/queries.h>

#include <algorithm>
#include <tuple>

#include <node/protocol/addresses.h>
#include <node/state/contracts.h>
#include <node/state/host.h>
#include <vm/abi.h>

namespace folio::state {

namespace {

Bytes Prefix(std::string_view p, ByteView rest = {}) {
    Bytes k(p.begin(), p.end());
    k.insert(k.end(), rest.begin(), rest.end());
    return k;
}

int64_t Le64At(const Bytes& b, size_t off) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && off + i < b.size(); ++i) v |= static_cast<uint64_t>(b[off + i]) << (8 * i);
    return static_cast<int64_t>(v);
}

// The first `n` bytes of a little-endian packed code, without its zero bytes.
std::string Unpack(int64_t packed, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        char c = static_cast<char>((static_cast<uint64_t>(packed) >> (8 * i)) & 0xff);
        if (c) s += c;
    }
    return s;
}

// Every field-list record under `prefix` (key order) for which `pred` holds; one that does not
// decode is a damaged store (`what`).
template <class T>
std::vector<T> RecordsUnder(const PrefixScan& scan, std::string_view prefix, std::string_view what,
                            const std::function<bool(const T&)>& pred = nullptr) {
    std::vector<T> out;
    scan(Prefix(prefix), [&](const Bytes&, const Bytes& v) {
        auto r = DecodeFields<T>(v);
        if (!r) CorruptStore(what);
        if (!pred || pred(*r)) out.push_back(std::move(r.value()));
    });
    return out;
}

// The single `bytes` value a contract answered, or nullopt.
std::optional<Bytes> SingleBytes(const Bytes& out) {
    auto decoded = vm::DecodeValues(out, {vm::AbiType::BYTES});
    if (!decoded) return std::nullopt;
    return std::get<Bytes>((*decoded)[0]);
}

}  // namespace

// ---------------------------------------------------------------- money

std::vector<CurrencyAmount> Balances(const StateReader& s, const PrefixScan& scan, const Address& a) {
    std::vector<CurrencyAmount> out;
    scan(Prefix(keys::BALANCE_PREFIX, a.view()), [&](const Bytes& k, const Bytes&) {
        std::string cur(k.end() - 3, k.end());
        out.push_back({cur, LoadBalance(s, a, cur)});
    });
    return out;
}

std::vector<Payout> PayoutsWhere(const PrefixScan& scan, const std::function<bool(const Payout&)>& pred) {
    std::vector<Payout> out;
    scan(Prefix(keys::PAYOUT_PREFIX), [&](const Bytes&, const Bytes& v) {
        auto p = DecodeFields<Payout>(v);
        if (p && pred(*p)) out.push_back(std::move(p.value()));
    });
    return out;
}

std::vector<Proposal> Proposals(const PrefixScan& scan) {
    std::vector<Proposal> out;
    scan(Prefix(keys::PROPOSAL_PREFIX), [&](const Bytes& k, const Bytes& v) {
        if (k.size() != keys::PROPOSAL_PREFIX.size() + 32) return;
        auto p = DecodeProposal(v);
        if (!p) CorruptStore("proposal");
        out.push_back(std::move(p.value()));
    });
    return out;
}

std::vector<ConservationLine> AuditConservation(const StateReader& s, const PrefixScan& scan) {
    std::map<std::string, ConservationLine> sums;
    const size_t prefix = keys::BALANCE_PREFIX.size();
    scan(Prefix(keys::BALANCE_PREFIX), [&](const Bytes& k, const Bytes& v) {
        if (k.size() != prefix + 32 + 3) return;
        Address a = Address::FromView(ByteView(k).subspan(prefix, 32));
        std::string cur(k.end() - 3, k.end());
        Reader r(v);
        auto amount = static_cast<Int128>(r.U64());
        if (IsContract(s, a)) sums[cur].escrow += amount;
        else sums[cur].balances += amount;
    });
    for (const Payout& p : PayoutsWhere(scan, [](const Payout& p) { return p.status == PayoutStatus::PENDING; }))
        sums[p.currency].pending += p.amount;
    for (const AmlHold& h : AmlHoldsWhere(scan, [](const AmlHold& h) {
             return h.status == AmlHoldStatus::HELD || h.status == AmlHoldStatus::BLOCKED;
         }))
        sums[h.currency].aml_held += h.amount;
    scan(Prefix(keys::SUPPLY_PREFIX), [&](const Bytes& k, const Bytes& v) {
        std::string cur(k.begin() + static_cast<std::ptrdiff_t>(keys::SUPPLY_PREFIX.size()), k.end());
        auto sup = DecodeFields<Supply>(v);
        if (!sup) return;
        sums[cur].deposited += sup->deposited;
        sums[cur].paid_out += sup->paid_out;
    });
    std::vector<ConservationLine> out;
    for (auto& [cur, line] : sums) {
        line.currency = cur;
        out.push_back(line);
    }
    return out;
}

Reconciliation Reconcile(const PrefixScan& scan, const Address& gateway, uint64_t from_ms, uint64_t until_ms) {
    Reconciliation per;
    PayoutsWhere(scan, [&](const Payout& p) {
        if (p.gateway != gateway || p.created_ms < from_ms || p.created_ms >= until_ms) return false;
        auto& cur = per[p.target_currency];
        cur["instructed"].count++;
        cur["instructed"].total += p.target_amount;
        auto& l = cur[PayoutStatusName(p.status)];
        l.count++;
        l.total += p.target_amount;
        return false;
    });
    return per;
}

// ---------------------------------------------------------------- AML

std::vector<AmlHold> AmlHoldsWhere(const PrefixScan& scan, const std::function<bool(const AmlHold&)>& pred) {
    return RecordsUnder<AmlHold>(scan, keys::AML_HOLD_PREFIX, "AML hold", pred);
}

Reconciliation ReconcileAml(const PrefixScan& scan, const Address& gateway, uint64_t from_ms, uint64_t until_ms) {
    Reconciliation per;
    AmlHoldsWhere(scan, [&](const AmlHold& h) {
        if (h.kind != AmlHoldKind::PAYOUT || h.to != gateway || h.created_ms < from_ms || h.created_ms >= until_ms) return false;
        auto& l = per[h.currency][AmlHoldStatusName(h.status)];
        l.count++;
        l.total += h.amount;
        return false;
    });
    return per;
}

std::vector<SetAmlLimit> AmlLimits(const PrefixScan& scan) { return RecordsUnder<SetAmlLimit>(scan, keys::AML_LIMIT_PREFIX, "AML limit"); }

std::vector<Sanction> Sanctions(const PrefixScan& scan) { return RecordsUnder<Sanction>(scan, keys::SANCTION_PREFIX, "sanction"); }

// ---------------------------------------------------------------- governance

std::vector<EvidenceRecord> ListEvidence(const PrefixScan& scan) {
    std::vector<EvidenceRecord> out;
    scan(Prefix("ev/"), [&](const Bytes&, const Bytes& v) {
        auto rec = DecodeEvidenceRecord(v);
        if (rec) out.push_back(std::move(rec.value()));
    });
    return out;
}

// ---------------------------------------------------------------- contracts

Result<Bytes, QueryError> QueryContract(const StateReader& s, const BlockContext& block, const Address& contract,
                                         const Bytes& input) {
    Overlay scratch(s);
    std::vector<Event> events;
    LedgerHost host(scratch, block, events);
    vm::ExecResult r = ThreadVm().Execute(host, vm::Message{LedgerAddress(), contract, LedgerAddress(), input, LEDGER_CALL_GAS});
    if (!r.ok()) return Fail(QueryError{QueryError::CALL_FAILED, std::string("contract query failed: ") + vm::ExecStatusName(r.status)});
    return std::move(r.output);
}

ContractRun RunContractQuery(const StateReader& s, const BlockContext& block, const Address& caller, const Address& contract,
                             const Bytes& input, int64_t gas) {
    Overlay scratch(s);
    ContractRun out;
    LedgerHost host(scratch, block, out.events);
    vm::ExecResult r = ThreadVm().Execute(host, vm::Message{caller, contract, caller, input, gas});
    out.status = vm::ExecStatusName(r.status);
    out.output = std::move(r.output);
    out.gas_used = r.gas_used;
    if (!r.ok()) out.events.clear();
    return out;
}

std::vector<FanHolder> FanTokenHolders(const PrefixScan& scan, uint64_t token) {
    std::vector<FanHolder> out;
    Bytes prefix = Prefix(keys::FAN_HOLDING_PREFIX, BigEndian64(token));
    scan(prefix, [&](const Bytes& k, const Bytes& v) {
        if (k.size() != prefix.size() + 32) return;
        auto h = DecodeFields<FanHolding>(v);
        if (!h) CorruptStore("fan token holding");
        out.push_back({Address::FromView(ByteView(k).subspan(prefix.size())), h.value()});
    });
    std::sort(out.begin(), out.end(), [](const FanHolder& a, const FanHolder& b) {
        return std::tie(b.holding.amount, a.holding.since_height, a.holder) < std::tie(a.holding.amount, b.holding.since_height, b.holder);
    });
    return out;
}

std::vector<FanTokenLine> AuditFanTokens(const PrefixScan& scan) {
    std::vector<FanTokenLine> out;
    scan(AsBytes(keys::FAN_TOKEN_PREFIX), [&](const Bytes&, const Bytes& v) {
        auto t = DecodeFields<FanToken>(v);
        if (!t) CorruptStore("fan token");
        out.push_back({t.value(), 0});
    });
    for (FanTokenLine& l : out)
        for (const FanHolder& h : FanTokenHolders(scan, l.token.id)) l.held += h.holding.amount;
    return out;
}

std::vector<TemplateInfo> Templates(const PrefixScan& scan) {
    std::vector<TemplateInfo> out;
    for (StandardContract c : {StandardContract::REVENUE_SPLIT, StandardContract::TAX_WITHHOLDING, StandardContract::AUCTION})
        out.push_back(TemplateInfo{StandardCodeHash(c), StandardName(c), 1, 0, true, 0});
    std::vector<TemplateInfo> deployed;
    scan(AsBytes(std::string_view("ctm/")), [&](const Bytes&, const Bytes& v) {
        auto t = DecodeFields<TemplateInfo>(v);
        if (!t) CorruptStore("template info");
        deployed.push_back(std::move(t.value()));
    });
    std::sort(deployed.begin(), deployed.end(),
              [](const TemplateInfo& a, const TemplateInfo& b) { return std::tie(a.name, a.version) < std::tie(b.name, b.version); });
    out.insert(out.end(), deployed.begin(), deployed.end());
    return out;
}

namespace {

// The tax contract's 56-byte report entry at `off`: time_ms, currency, gross, tax, income_type,
// source, bps (i64 LE each; docs/vm.md, "tax_withholding").
TaxEntry TaxEntryAt(const Bytes& b, size_t off) {
    return {Le64At(b, off),      Unpack(Le64At(b, off + 8), 3), Le64At(b, off + 16), Le64At(b, off + 24),
            Le64At(b, off + 32), Unpack(Le64At(b, off + 40), 2), Le64At(b, off + 48)};
}

}  // namespace

// The tax contract answers at most 1170 entries per call (the ABI's bytes limit, 65520 bytes):
// the report is read as report_count, then report_page after report_page.
Result<std::vector<TaxEntry>, QueryError> TaxReport(const StateReader& s, const BlockContext& block, const Address& payee,
                                                     uint64_t year) {
    const auto y = static_cast<int64_t>(year);
    auto counted = QueryContract(s, block, TaxContractAddress(), *vm::EncodeCallChecked("report_count(address,int)", {payee, y}));
    if (!counted) return Fail(counted.error());
    auto n = vm::DecodeValues(*counted, {vm::AbiType::INT});
    if (!n || std::get<int64_t>((*n)[0]) < 0) return Fail(QueryError{QueryError::MALFORMED, "tax contract returned a malformed count"});
    const int64_t total = std::get<int64_t>((*n)[0]);
    constexpr int64_t PAGE = 1170;
    std::vector<TaxEntry> entries;
    entries.reserve(static_cast<size_t>(total));
    for (int64_t first = 0; first < total; first += PAGE) {
        auto out = QueryContract(s, block, TaxContractAddress(),
                                 *vm::EncodeCallChecked("report_page(address,int,int,int)", {payee, y, first, PAGE}));
        if (!out) return Fail(out.error());
        auto raw = SingleBytes(*out);
        if (!raw || raw->size() % 56 != 0 || raw->empty())
            return Fail(QueryError{QueryError::MALFORMED, "tax contract returned a malformed report page"});
        for (size_t off = 0; off + 56 <= raw->size(); off += 56)
            entries.push_back(TaxEntryAt(*raw, off));
    }
    if (static_cast<int64_t>(entries.size()) != total)
        return Fail(QueryError{QueryError::MALFORMED, "tax contract report pages do not add up to its count"});
    return entries;
}

std::vector<JurisdictionEntry> JurisdictionReport(const PrefixScan& scan, const std::string& jurisdiction, uint64_t year) {
    // Contract storage key of an entry: 'rep' (8) || payee (32) || year (8, LE) || index (8, LE);
    // the entry: 56 bytes (TaxEntryAt).
    const Bytes rep{'r', 'e', 'p', 0, 0, 0, 0, 0};
    const Bytes prefix = keys::ContractStorage(TaxContractAddress(), rep);
    std::vector<JurisdictionEntry> out;
    scan(prefix, [&](const Bytes& k, const Bytes& v) {
        if (k.size() != prefix.size() + 32 + 8 + 8 || v.size() != 56) return;  // counts are 48-byte keys
        const Bytes kb(k.begin() + static_cast<std::ptrdiff_t>(prefix.size()), k.end());
        if (static_cast<uint64_t>(Le64At(kb, 32)) != year) return;
        TaxEntry e = TaxEntryAt(v, 0);
        if (e.source != jurisdiction) return;
        out.push_back({Address::FromView(ByteView(kb).subspan(0, 32)), static_cast<uint64_t>(Le64At(kb, 40)), std::move(e)});
    });
    // The scan is in key order: payee, year, then the index as little-endian bytes — re-sort by index.
    std::sort(out.begin(), out.end(), [](const JurisdictionEntry& a, const JurisdictionEntry& b) {
        return std::tie(a.payee, a.index) < std::tie(b.payee, b.index);
    });
    return out;
}

std::optional<Address> TaxAccountOf(const StateReader& s, const std::string& jurisdiction) {
    Bytes key{'a', 'c', 'c', 't', 0, 0, 0, 0};  // 'acct' || country (i64 LE): docs/vm.md, "tax_withholding"
    const auto c = static_cast<uint64_t>(PackCountry(jurisdiction));
    for (int i = 0; i < 8; ++i) key.push_back(static_cast<uint8_t>(c >> (8 * i)));
    auto v = s.Get(keys::ContractStorage(TaxContractAddress(), key));
    if (!v || v->size() != 32) return std::nullopt;
    return Address::FromView(*v);
}

Result<std::optional<AuctionState>, QueryError> ShowAuction(const StateReader& s, const BlockContext& block,
                                                             const Address& contract) {
    auto out = QueryContract(s, block, contract, *vm::EncodeCallChecked("show()", {}));
    if (!out) return Fail(out.error());
    auto r = SingleBytes(*out);
    if (!r) return std::optional<AuctionState>();
    auto addr_at = [&](size_t off) { return off + 32 <= r->size() ? Address::FromView(ByteView(*r).subspan(off, 32)) : Address{}; };
    // Layout: docs/vm.md, "Standard contract: auction", show().
    AuctionState st;
    st.currency = Unpack(Le64At(*r, 8), 3);
    st.closed = Le64At(*r, 16) != 0;
    st.end_ms = Le64At(*r, 24);
    st.highest_bid = Le64At(*r, 32);
    st.highest_bidder = addr_at(40);
    st.price = Le64At(*r, 72);
    st.winner = addr_at(80);
    st.bids = Le64At(*r, 112);
    st.reveal_end_ms = Le64At(*r, 120);
    st.current_price = Le64At(*r, 128);
    st.raw = *r;
    return std::optional<AuctionState>(std::move(st));
}

Result<std::vector<Payee>, QueryError> SplitPayees(const StateReader& s, const BlockContext& block, uint64_t work) {
    auto out = QueryContract(s, block, SplitAddress(work), *vm::EncodeCallChecked("payees()", {}));
    if (!out) return Fail(out.error());
    std::vector<Payee> payees;
    if (auto r = SingleBytes(*out))
        for (size_t off = 0; off + 40 <= r->size(); off += 40)
            payees.push_back({Address::FromView(ByteView(*r).subspan(off, 32)), Le64At(*r, off + 32)});
    return payees;
}

}  // namespace folio::state
