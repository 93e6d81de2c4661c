#include <node/protocol/types.h>

#include <algorithm>
#include <array>

namespace folio::protocol {
namespace {

constexpr uint8_t TX_VERSION = 1;

constexpr std::array<const char*, ROLE_COUNT> ROLE_NAMES = {
    "governance", "validator", "kyc_provider", "gateway", "fx_oracle", "creator", "studio", "distributor", "auditor",
    "compliance"};
constexpr std::array<const char*, WORK_KIND_COUNT> WORK_KIND_NAMES = {"film", "series", "song", "game",
                                                                      "book", "image", "other"};

void WriteUnsigned(Writer& w, const Transaction& tx) {
    w.U8(TX_VERSION);
    WriteFields(w, tx);
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
        "nft_burn",       "contract_instantiate", "attach_contract",
        "fan_token_issue", "fan_token_buy", "fan_token_transfer", "set_recoupment",
        "aml_release",    "aml_reject",     "grant_sublicence"};
    static_assert(std::size(NAMES) == TX_KIND_MAX);
    auto i = static_cast<size_t>(k);
    return i >= 1 && i <= TX_KIND_MAX ? NAMES[i - 1] : "unknown";
}

const char* EventName(const Event& e) {
    static constexpr const char* NAMES[] = {
        "work_registered", "proposal_created", "proposal_approved", "proposal_executed", "role_granted",
        "role_revoked",    "threshold_set",    "template_deployed", "deposit",           "payout",
        "account_updated", "fx_rate",          "licence",           "revenue",           "shares_transferred",
        "auction_created", "contract_event",   "transfer",          "nft",               "validator_set_scheduled",
        "contract_created", "contract_attached", "fan_token", "recoupment", "aml_hold",
        "aml_limit_set",   "sanction"};
    static_assert(std::size(NAMES) == std::variant_size_v<Event>);
    return NAMES[e.index()];
}

const char* AmlHoldKindName(AmlHoldKind k) { return k == AmlHoldKind::PAYOUT ? "payout" : "transfer"; }
const char* AmlHoldStatusName(AmlHoldStatus s) {
    static constexpr const char* NAMES[] = {"held", "blocked", "released", "rejected"};
    auto i = static_cast<size_t>(s);
    return i < std::size(NAMES) ? NAMES[i] : "unknown";
}
const char* AmlReasonName(AmlReason r) {
    static constexpr const char* NAMES[] = {"single_limit", "rolling_limit", "sanctioned_account", "sanctioned_country"};
    auto i = static_cast<size_t>(r);
    return i < std::size(NAMES) ? NAMES[i] : "unknown";
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

Result<Transaction, DecodeError> DecodeTx(ByteView bytes) {
    if (bytes.size() > MAX_TX_BYTES) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    Transaction tx;
    if (r.U8() != TX_VERSION) r.Fail(DecodeError::BAD_VALUE);
    ReadFields(r, tx);
    tx.signature = r.Fixed<64>();
    if (!r.Finish()) return Fail(r.error());
    return tx;
}

Hash256 TxSigHash(const Transaction& tx) { return TaggedHash("folio/tx/sig", EncodeUnsignedTx(tx)); }
Hash256 TxId(const Transaction& tx) { return TaggedHash("folio/tx/id", EncodeTx(tx)); }

Result<DecodedTx, DecodeError> DecodedTx::Decode(ByteView bytes) {
    auto tx = DecodeTx(bytes);
    if (!tx) return Fail(tx.error());
    // Strict decoding: these bytes are EncodeTx(tx), so their hash is TxId(tx).
    return DecodedTx(std::move(tx.value()), Bytes(bytes.begin(), bytes.end()), TaggedHash("folio/tx/id", bytes));
}

DecodedTx DecodedTx::FromTx(Transaction tx) {
    Bytes bytes = EncodeTx(tx);
    Hash256 id = TaggedHash("folio/tx/id", bytes);
    return DecodedTx(std::move(tx), std::move(bytes), id);
}

bool SignTx(Transaction& tx, const SecretKey& sk, const Hash256& aux_rand) {
    auto sig = SignSchnorr(sk, TxSigHash(tx), aux_rand);
    if (!sig) return false;
    tx.signature = *sig;
    return true;
}

Bytes EncodeReceipt(const Receipt& rc) { return EncodeFieldList(rc); }
Result<Receipt, DecodeError> DecodeReceipt(ByteView bytes) { return DecodeFieldList<Receipt>(bytes); }

Bytes EncodeHeader(const BlockHeader& h) { return EncodeFieldList(h); }
Result<BlockHeader, DecodeError> DecodeHeader(ByteView bytes) { return DecodeFieldList<BlockHeader>(bytes); }

Hash256 BlockHash(const BlockHeader& h) { return TaggedHash("folio/block", EncodeHeader(h)); }

Hash256 BlockStepId(std::string_view chain_id, uint64_t height) {
    Writer w;
    w.Raw(AsBytes(chain_id));
    w.U8(0);
    w.U64(height);
    return TaggedHash("folio/block_step", w.bytes());
}

// A block is framed by hand: its header's field list, then the list of its transactions, each
// one's whole encoding (EncodeTx) as a byte string, so a block carries the exact signed bytes.
Bytes EncodeBlock(const Block& b) {
    Writer w;
    WriteFields(w, b.header);
    w.Varint(b.txs.size());
    for (const Transaction& tx : b.txs) w.Blob(EncodeTx(tx));
    return w.Take();
}

Result<Block, DecodeError> DecodeBlock(ByteView bytes, size_t max_bytes) {
    if (bytes.size() > max_bytes) return Fail(DecodeError::TOO_LONG);
    Reader r(bytes);
    Block b;
    ReadFields(r, b.header);
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
    if (r.ok() && b.header.tx_count != b.txs.size()) r.Fail(DecodeError::BAD_VALUE);
    if (!r.Finish()) return Fail(r.error());
    return b;
}

Bytes EncodeAccount(const Account& a) { return EncodeFields(a); }
Result<Account, DecodeError> DecodeAccount(ByteView b) { return DecodeFields<Account>(b); }
Bytes EncodeWork(const Work& wk) { return EncodeFields(wk); }
Result<Work, DecodeError> DecodeWork(ByteView b) { return DecodeFields<Work>(b); }
Bytes EncodeProposal(const Proposal& p) { return EncodeFields(p); }
Result<Proposal, DecodeError> DecodeProposal(ByteView b) { return DecodeFields<Proposal>(b); }

std::vector<std::string> FieldNameList(std::string_view list) {
    // Split at top-level commas; a modifier FOLIO_X(name, ...) names its first argument.
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    auto flush = [&] {
        std::string name;
        for (char c : cur)
            if (c != ' ' && c != '\n' && c != '\t') name += c;
        if (auto open = name.find('('); open != std::string::npos) {
            name = name.substr(open + 1);
            name = name.substr(0, name.find_first_of(",)"));
        }
        out.push_back(name);
        cur.clear();
    };
    for (char c : list) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == ',' && depth == 0) flush();
        else cur += c;
    }
    flush();
    return out;
}

}  // namespace folio::protocol
