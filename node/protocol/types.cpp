#include <node/protocol/types.h>

#include <algorithm>
#include <array>

namespace folio::protocol {
namespace {

// The variant holding a value-initialised alternative number `i` (i < variant_size).
template <class V, size_t I = 0>
V VariantAt(size_t i) {
    if constexpr (I + 1 < std::variant_size_v<V>) {
        if (i != I) return VariantAt<V, I + 1>(i);
    }
    return V{std::in_place_index<I>};
}

constexpr uint8_t TX_VERSION = 1;
constexpr uint8_t RECORD_VERSION = 1;

constexpr std::array<const char*, ROLE_COUNT> ROLE_NAMES = {
    "governance", "validator", "kyc_provider", "gateway", "fx_oracle", "creator", "studio", "distributor", "auditor"};
constexpr std::array<const char*, WORK_KIND_COUNT> WORK_KIND_NAMES = {"film", "series", "song", "game",
                                                                      "book", "image", "other"};

Role ReadRole(Reader& r) {
    uint8_t v = r.U8();
    if (v >= ROLE_COUNT) r.Fail(DecodeError::BAD_VALUE);
    return static_cast<Role>(v % ROLE_COUNT);
}

WorkKind ReadWorkKind(Reader& r) {
    uint8_t v = r.U8();
    if (v >= WORK_KIND_COUNT) r.Fail(DecodeError::BAD_VALUE);
    return static_cast<WorkKind>(v % WORK_KIND_COUNT);
}

void WriteShares(Writer& w, const std::vector<Share>& shares) {
    w.Varint(shares.size());
    for (const Share& s : shares) {
        w.Fixed(s.owner);
        w.U16(s.bps);
    }
}

// Shares must be sorted by owner and unique (canonical); the 10000 total is a state rule.
std::vector<Share> ReadShares(Reader& r) {
    size_t n = r.Length(MAX_OWNERS);
    std::vector<Share> out;
    out.reserve(n);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        Share s;
        s.owner = r.Fixed<32>();
        s.bps = r.U16();
        if (!out.empty() && !(out.back().owner < s.owner)) r.Fail(DecodeError::NON_CANONICAL);
        out.push_back(s);
    }
    return out;
}

void WriteIds(Writer& w, const IndustryIds& ids) {
    w.Str(ids.isrc);
    w.Str(ids.iswc);
    w.Str(ids.isan);
    w.Str(ids.eidr);
}

IndustryIds ReadIds(Reader& r) {
    IndustryIds ids;
    ids.isrc = r.Str(MAX_INDUSTRY_ID);
    ids.iswc = r.Str(MAX_INDUSTRY_ID);
    ids.isan = r.Str(MAX_INDUSTRY_ID);
    ids.eidr = r.Str(MAX_INDUSTRY_ID);
    return ids;
}

void WriteBody(Writer& w, const TxBody& body) {
    w.U8(static_cast<uint8_t>(KindOf(body)));
    std::visit(
        [&](const auto& b) {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, ProposeTx>) {
                EncodeGovAction(w, b.action);
            } else if constexpr (std::is_same_v<T, ApproveTx>) {
                w.Fixed(b.proposal);
            } else if constexpr (!std::is_same_v<T, RegisterWorkTx>) {
                WriteFields(w, b);
            } else {
                w.Fixed(b.fingerprint);
                w.Str(b.title);
                w.U8(static_cast<uint8_t>(b.kind));
                WriteIds(w, b.ids);
                w.Fixed(b.metadata_hash);
                w.Str(b.metadata_uri);
                WriteShares(w, b.owners);
            }
        },
        body);
}

TxBody ReadBody(Reader& r) {
    uint8_t kind = r.U8();
    switch (static_cast<TxKind>(kind)) {
        case TxKind::PROPOSE: return ProposeTx{DecodeGovAction(r)};
        case TxKind::APPROVE: return ApproveTx{r.Fixed<32>()};
        case TxKind::REGISTER_WORK: {
            RegisterWorkTx b;
            b.fingerprint = r.Fixed<32>();
            b.title = r.Str(MAX_TITLE);
            b.kind = ReadWorkKind(r);
            b.ids = ReadIds(r);
            b.metadata_hash = r.Fixed<32>();
            b.metadata_uri = r.Str(MAX_URI);
            b.owners = ReadShares(r);
            return b;
        }
        default: break;
    }
    if (kind >= static_cast<uint8_t>(TxKind::DEPOSIT) && kind <= TX_KIND_MAX) {
        TxBody body = VariantAt<TxBody>(static_cast<size_t>(kind - 1));
        std::visit(
            [&](auto& b) {
                using T = std::decay_t<decltype(b)>;
                if constexpr (HasFields<T>::value) ReadFields(r, b);
            },
            body);
        return body;
    }
    r.Fail(DecodeError::BAD_VALUE);
    return ApproveTx{};
}

void WriteUnsigned(Writer& w, const Transaction& tx) {
    w.U8(TX_VERSION);
    w.Str(tx.chain_id);
    w.Fixed(tx.sender);
    w.U64(tx.nonce);
    w.U64(tx.expires_at_ms);
    WriteBody(w, tx.body);
}

void WriteEvent(Writer& w, const Event& e) {
    w.U8(static_cast<uint8_t>(e.index()));
    std::visit(
        [&](const auto& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, EvWorkRegistered>) {
                w.U64(ev.work_id);
                w.Fixed(ev.fingerprint);
                WriteShares(w, ev.owners);
            } else if constexpr (std::is_same_v<T, EvProposalCreated> || std::is_same_v<T, EvProposalExecuted>) {
                w.Fixed(ev.proposal);
            } else if constexpr (std::is_same_v<T, EvProposalApproved>) {
                w.Fixed(ev.proposal);
                w.Fixed(ev.approver);
                w.U32(ev.approvals);
                w.U32(ev.threshold);
            } else if constexpr (std::is_same_v<T, EvRoleGranted> || std::is_same_v<T, EvRoleRevoked>) {
                w.Fixed(ev.account);
                w.U8(static_cast<uint8_t>(ev.role));
            } else if constexpr (std::is_same_v<T, EvTemplateDeployed>) {
                w.Fixed(ev.code_hash);
                w.U32(ev.size);
            } else if constexpr (std::is_same_v<T, EvThresholdSet>) {
                w.U32(ev.threshold);
            } else {
                WriteFields(w, ev);
            }
        },
        e);
}

Event ReadEvent(Reader& r) {
    uint8_t tag = r.U8();
    switch (tag) {
        case 0: {
            EvWorkRegistered e;
            e.work_id = r.U64();
            e.fingerprint = r.Fixed<32>();
            e.owners = ReadShares(r);
            return e;
        }
        case 1: return EvProposalCreated{r.Fixed<32>()};
        case 2: {
            EvProposalApproved e;
            e.proposal = r.Fixed<32>();
            e.approver = r.Fixed<32>();
            e.approvals = r.U32();
            e.threshold = r.U32();
            return e;
        }
        case 3: return EvProposalExecuted{r.Fixed<32>()};
        case 4: {
            EvRoleGranted e;
            e.account = r.Fixed<32>();
            e.role = ReadRole(r);
            return e;
        }
        case 5: {
            EvRoleRevoked e;
            e.account = r.Fixed<32>();
            e.role = ReadRole(r);
            return e;
        }
        case 6: return EvThresholdSet{r.U32()};
        case 7: {
            EvTemplateDeployed e;
            e.code_hash = r.Fixed<32>();
            e.size = r.U32();
            return e;
        }
        default: break;
    }
    if (tag >= 8 && tag < std::variant_size_v<Event>) {
        Event e = VariantAt<Event>(tag);
        std::visit(
            [&](auto& ev) {
                if constexpr (HasFields<std::decay_t<decltype(ev)>>::value) ReadFields(r, ev);
            },
            e);
        return e;
    }
    r.Fail(DecodeError::BAD_VALUE);
    return EvThresholdSet{0};
}

template <typename T, typename F>
Result<T, DecodeError> Finish(Reader& r, T value, F&& extra_check) {
    if (r.ok() && !extra_check(value)) r.Fail(DecodeError::BAD_VALUE);
    if (!r.Finish()) return Fail(r.error());
    return value;
}

}  // namespace

const char* RoleName(Role r) { return ROLE_NAMES[static_cast<size_t>(r) % ROLE_COUNT]; }
std::optional<Role> ParseRole(std::string_view name) {
    for (size_t i = 0; i < ROLE_NAMES.size(); ++i)
        if (name == ROLE_NAMES[i]) return static_cast<Role>(i);
    return std::nullopt;
}
const char* WorkKindName(WorkKind k) { return WORK_KIND_NAMES[static_cast<size_t>(k) % WORK_KIND_COUNT]; }
std::optional<WorkKind> ParseWorkKind(std::string_view name) {
    for (size_t i = 0; i < WORK_KIND_NAMES.size(); ++i)
        if (name == WORK_KIND_NAMES[i]) return static_cast<WorkKind>(i);
    return std::nullopt;
}

TxKind KindOf(const TxBody& b) { return static_cast<TxKind>(b.index() + 1); }
const char* TxKindName(TxKind k) {
    static constexpr const char* NAMES[] = {
        "propose",        "approve",        "register_work",  "deposit",        "set_payout_prefs",
        "withdraw",       "payout_confirm", "payout_fail",    "payout_expire",  "set_kyc",
        "post_fx_rate",   "grant_licence",  "accept_licence", "revoke_licence", "report_revenue",
        "report_pool",    "transfer_shares", "create_auction", "contract_call", "transfer",
        "nft_mint",       "nft_transfer",   "nft_list",       "nft_delist",     "nft_buy",
        "nft_burn"};
    static_assert(std::size(NAMES) == TX_KIND_MAX);
    auto i = static_cast<size_t>(k);
    return i >= 1 && i <= TX_KIND_MAX ? NAMES[i - 1] : "unknown";
}

const char* EventName(const Event& e) {
    static constexpr const char* NAMES[] = {
        "work_registered", "proposal_created", "proposal_approved", "proposal_executed", "role_granted",
        "role_revoked",    "threshold_set",    "template_deployed", "deposit",           "payout",
        "account_updated", "fx_rate",          "licence",           "revenue",           "shares_transferred",
        "auction_created", "contract_event",   "transfer",          "nft",               "validator_set_scheduled"};
    static_assert(std::size(NAMES) == std::variant_size_v<Event>);
    return NAMES[e.index()];
}

const char* PayoutStatusName(PayoutStatus s) {
    switch (s) {
        case PayoutStatus::PENDING: return "pending";
        case PayoutStatus::CONFIRMED: return "confirmed";
        case PayoutStatus::FAILED: return "failed";
        case PayoutStatus::EXPIRED: return "expired";
    }
    return "unknown";
}

const char* NftActionName(NftAction a) {
    static constexpr const char* NAMES[] = {"minted", "transferred", "listed", "delisted", "sold", "burned"};
    auto i = static_cast<size_t>(a);
    return i < std::size(NAMES) ? NAMES[i] : "unknown";
}

const char* LicenceStatusName(LicenceStatus s) {
    switch (s) {
        case LicenceStatus::OFFERED: return "offered";
        case LicenceStatus::ACTIVE: return "active";
        case LicenceStatus::REVOKED: return "revoked";
        case LicenceStatus::RESERVED: return "reserved";
        case LicenceStatus::RELEASED: return "released";
    }
    return "unknown";
}

void EncodeGovAction(Writer& w, const GovAction& a) {
    w.U8(static_cast<uint8_t>(a.index()));
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, SetThreshold>) {
                w.U32(x.threshold);
            } else if constexpr (std::is_same_v<T, DeployTemplate>) {
                w.Blob(x.code);
            } else if constexpr (HasFields<T>::value) {
                WriteFields(w, x);
            } else {
                w.Fixed(x.account);
                w.U8(static_cast<uint8_t>(x.role));
            }
        },
        a);
}

GovAction DecodeGovAction(Reader& r) {
    switch (r.U8()) {
        case 0: {
            GrantRole g;
            g.account = r.Fixed<32>();
            g.role = ReadRole(r);
            return g;
        }
        case 1: {
            RevokeRole g;
            g.account = r.Fixed<32>();
            g.role = ReadRole(r);
            return g;
        }
        case 2: return SetThreshold{r.U32()};
        case 3: return DeployTemplate{r.Blob(MAX_CONTRACT_CODE)};
        case 4: {
            SetFrozen f;
            ReadFields(r, f);
            return f;
        }
        case 5: {
            GovContractCall c;
            ReadFields(r, c);
            return c;
        }
        case 6: {
            SetValidators v;
            ReadFields(r, v);
            return v;
        }
        default: r.Fail(DecodeError::BAD_VALUE); return SetThreshold{};
    }
}

Bytes EncodeUnsignedTx(const Transaction& tx) {
    Writer w;
    WriteUnsigned(w, tx);
    return w.Take();
}

Bytes EncodeTx(const Transaction& tx) {
    Writer w;
    WriteUnsigned(w, tx);
    w.Fixed(tx.signature);
    return w.Take();
}

static Transaction ReadTx(Reader& r) {
    Transaction tx;
    if (r.U8() != TX_VERSION) r.Fail(DecodeError::BAD_VALUE);
    tx.chain_id = r.Str(MAX_CHAIN_ID);
    tx.sender = r.Fixed<32>();
    tx.nonce = r.U64();
    tx.expires_at_ms = r.U64();
    tx.body = ReadBody(r);
    tx.signature = r.Fixed<64>();
    return tx;
}

Result<Transaction, DecodeError> DecodeTx(ByteView bytes) {
    if (bytes.size() > MAX_TX_BYTES) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    Transaction tx = ReadTx(r);
    return Finish(r, std::move(tx), [](const Transaction&) { return true; });
}

Hash256 TxSigHash(const Transaction& tx) { return TaggedHash("folio/tx/sig", EncodeUnsignedTx(tx)); }
Hash256 TxId(const Transaction& tx) { return TaggedHash("folio/tx/id", EncodeTx(tx)); }

bool SignTx(Transaction& tx, const SecretKey& sk, const Hash256& aux_rand) {
    auto sig = SignSchnorr(sk, TxSigHash(tx), aux_rand);
    if (!sig) return false;
    tx.signature = *sig;
    return true;
}

Bytes EncodeReceipt(const Receipt& rc) {
    Writer w;
    w.Fixed(rc.tx_id);
    w.Bool(rc.success);
    w.Str(rc.error_code);
    w.Str(rc.error_message);
    w.Varint(rc.events.size());
    for (const Event& e : rc.events) WriteEvent(w, e);
    return w.Take();
}

Result<Receipt, DecodeError> DecodeReceipt(ByteView bytes) {
    Reader r(bytes);
    Receipt rc;
    rc.tx_id = r.Fixed<32>();
    rc.success = r.Bool();
    rc.error_code = r.Str(64);
    rc.error_message = r.Str(1024);
    size_t n = r.Length(4096);
    for (size_t i = 0; i < n && r.ok(); ++i) rc.events.push_back(ReadEvent(r));
    return Finish(r, std::move(rc), [](const Receipt& x) { return x.success == x.error_code.empty(); });
}

static void WriteHeader(Writer& w, const BlockHeader& h) {
    w.U32(h.version);
    w.Str(h.chain_id);
    w.U64(h.height);
    w.Fixed(h.parent);
    w.U64(h.time_ms);
    w.Fixed(h.proposer);
    w.U32(h.tx_count);
    w.Fixed(h.tx_root);
    w.Fixed(h.receipts_root);
    w.Fixed(h.state_root);
}

static BlockHeader ReadHeader(Reader& r) {
    BlockHeader h;
    h.version = r.U32();
    if (h.version != 1) r.Fail(DecodeError::BAD_VALUE);
    h.chain_id = r.Str(MAX_CHAIN_ID);
    h.height = r.U64();
    h.parent = r.Fixed<32>();
    h.time_ms = r.U64();
    h.proposer = r.Fixed<32>();
    h.tx_count = r.U32();
    h.tx_root = r.Fixed<32>();
    h.receipts_root = r.Fixed<32>();
    h.state_root = r.Fixed<32>();
    return h;
}

Bytes EncodeHeader(const BlockHeader& h) {
    Writer w;
    WriteHeader(w, h);
    return w.Take();
}

Result<BlockHeader, DecodeError> DecodeHeader(ByteView bytes) {
    Reader r(bytes);
    BlockHeader h = ReadHeader(r);
    return Finish(r, std::move(h), [](const BlockHeader&) { return true; });
}

Hash256 BlockHash(const BlockHeader& h) { return TaggedHash("folio/block", EncodeHeader(h)); }

Bytes EncodeBlock(const Block& b) {
    Writer w;
    WriteHeader(w, b.header);
    w.Varint(b.txs.size());
    for (const Transaction& tx : b.txs) w.Blob(EncodeTx(tx));
    return w.Take();
}

Result<Block, DecodeError> DecodeBlock(ByteView bytes, size_t max_bytes) {
    if (bytes.size() > max_bytes) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    Block b;
    b.header = ReadHeader(r);
    size_t n = r.Length(MAX_BLOCK_TXS);
    b.txs.reserve(n);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        Bytes raw = r.Blob(MAX_TX_BYTES);
        if (!r.ok()) break;
        auto tx = DecodeTx(raw);
        if (!tx) {
            r.Fail(tx.error());
            break;
        }
        b.txs.push_back(std::move(tx.value()));
    }
    return Finish(r, std::move(b), [](const Block& x) { return x.header.tx_count == x.txs.size(); });
}

Bytes EncodeAccount(const Account& a) {
    Writer w;
    w.U8(RECORD_VERSION);
    w.U64(a.next_nonce);
    w.U32(a.roles);
    w.U8(static_cast<uint8_t>(a.kyc));
    w.Str(a.residency);
    w.Bool(a.frozen);
    return w.Take();
}

Result<Account, DecodeError> DecodeAccount(ByteView b) {
    Reader r(b);
    Account a;
    if (r.U8() != RECORD_VERSION) r.Fail(DecodeError::BAD_VALUE);
    a.next_nonce = r.U64();
    a.roles = r.U32();
    uint8_t kyc = r.U8();
    if (kyc > 2) r.Fail(DecodeError::BAD_VALUE);
    a.kyc = static_cast<KycStatus>(kyc);
    a.residency = r.Str(2);
    a.frozen = r.Bool();
    return Finish(r, std::move(a), [](const Account& x) { return x.roles < (1u << ROLE_COUNT); });
}

Bytes EncodeWork(const Work& wk) {
    Writer w;
    w.U8(RECORD_VERSION);
    w.U64(wk.id);
    w.Fixed(wk.fingerprint);
    w.Str(wk.title);
    w.U8(static_cast<uint8_t>(wk.kind));
    WriteIds(w, wk.ids);
    w.Fixed(wk.metadata_hash);
    w.Str(wk.metadata_uri);
    WriteShares(w, wk.owners);
    w.Fixed(wk.registrant);
    w.U64(wk.registered_height);
    w.U64(wk.registered_time_ms);
    return w.Take();
}

Result<Work, DecodeError> DecodeWork(ByteView b) {
    Reader r(b);
    Work wk;
    if (r.U8() != RECORD_VERSION) r.Fail(DecodeError::BAD_VALUE);
    wk.id = r.U64();
    wk.fingerprint = r.Fixed<32>();
    wk.title = r.Str(MAX_TITLE);
    wk.kind = ReadWorkKind(r);
    wk.ids = ReadIds(r);
    wk.metadata_hash = r.Fixed<32>();
    wk.metadata_uri = r.Str(MAX_URI);
    wk.owners = ReadShares(r);
    wk.registrant = r.Fixed<32>();
    wk.registered_height = r.U64();
    wk.registered_time_ms = r.U64();
    return Finish(r, std::move(wk), [](const Work&) { return true; });
}

Bytes EncodeProposal(const Proposal& p) {
    Writer w;
    w.U8(RECORD_VERSION);
    w.Fixed(p.id);
    EncodeGovAction(w, p.action);
    w.Fixed(p.proposer);
    w.Varint(p.approvals.size());
    for (const Address& a : p.approvals) w.Fixed(a);
    w.U8(static_cast<uint8_t>(p.status));
    w.U64(p.created_height);
    return w.Take();
}

Result<Proposal, DecodeError> DecodeProposal(ByteView b) {
    Reader r(b);
    Proposal p;
    if (r.U8() != RECORD_VERSION) r.Fail(DecodeError::BAD_VALUE);
    p.id = r.Fixed<32>();
    p.action = DecodeGovAction(r);
    p.proposer = r.Fixed<32>();
    size_t n = r.Length(1024);
    for (size_t i = 0; i < n && r.ok(); ++i) {
        Address a = r.Fixed<32>();
        if (!p.approvals.empty() && !(p.approvals.back() < a)) r.Fail(DecodeError::NON_CANONICAL);
        p.approvals.push_back(a);
    }
    uint8_t st = r.U8();
    if (st > 1) r.Fail(DecodeError::BAD_VALUE);
    p.status = static_cast<ProposalStatus>(st);
    p.created_height = r.U64();
    return Finish(r, std::move(p), [](const Proposal&) { return true; });
}

}  // namespace folio::protocol
