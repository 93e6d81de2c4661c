#include <node/state/ledger.h>

#include <node/protocol/certificate.h>
#include <node/protocol/identifiers.h>
#include <node/state/settlement.h>

#include <node/core/amount.h>
#include <vm/abi.h>
#include <vm/code.h>

#include <algorithm>
#include <cassert>
#include <set>

namespace folio::state {

// ---------------------------------------------------------------- Overlay

std::optional<Bytes> Overlay::Get(ByteView key) const {
    auto it = m_writes.find(key);
    if (it != m_writes.end()) return it->second;
    return m_base.Get(key);
}

std::optional<std::optional<Bytes>> Overlay::PeekWrite(const Bytes& key) const {
    auto it = m_writes.find(key);
    if (it == m_writes.end()) return std::nullopt;
    return it->second;
}

void Overlay::RestoreWrite(const Bytes& key, const std::optional<std::optional<Bytes>>& w) {
    if (w) m_writes[key] = *w;
    else m_writes.erase(key);
}

void Overlay::Absorb(Overlay& child) {
    for (auto& [k, v] : child.m_writes) m_writes[k] = std::move(v);
    child.m_writes.clear();
}

// ---------------------------------------------------------------- keys

namespace keys {
static Bytes Prefixed(std::string_view prefix, ByteView rest) {
    Bytes k(prefix.begin(), prefix.end());
    k.insert(k.end(), rest.begin(), rest.end());
    return k;
}
Bytes Account(const Address& a) { return Prefixed("a/", a.view()); }
Bytes Work(uint64_t id) { return Prefixed("w/", BigEndian64(id)); }
Bytes WorkByFingerprint(const Hash256& fp) { return Prefixed("wf/", fp.view()); }
Bytes Proposal(const Hash256& id) { return Prefixed("p/", id.view()); }
Bytes GovMembers() { return Prefixed("g/members", {}); }
Bytes GovThreshold() { return Prefixed("g/threshold", {}); }
Bytes NextWorkId() { return Prefixed("m/next_work_id", {}); }
Bytes Evidence(const Hash256& id) { return Prefixed("ev/", id.view()); }
Bytes Template(const Hash256& code_hash) { return Prefixed("ct/", code_hash.view()); }
Bytes Validators() { return Prefixed("v/current", {}); }
Bytes ValidatorsOfEpoch(uint64_t epoch) { return ValidatorSetKey(epoch); }
Bytes PendingValidators() { return Prefixed("v/pending", {}); }
}  // namespace keys

Bytes EncodeEvidenceRecord(const EvidenceRecord& r) {
    Writer w;
    w.U8(1);
    w.Fixed(r.id);
    w.Fixed(r.signer);
    w.U64(r.height);
    w.Blob(r.encoded);
    return w.Take();
}

Result<EvidenceRecord, DecodeError> DecodeEvidenceRecord(ByteView b) {
    Reader r(b);
    EvidenceRecord e;
    if (r.U8() != 1) r.Fail(DecodeError::BAD_VALUE);
    e.id = r.Fixed<32>();
    e.signer = r.Fixed<32>();
    e.height = r.U64();
    e.encoded = r.Blob(1 << 20);
    if (!r.Finish()) return Fail(r.error());
    return e;
}

// ---------------------------------------------------------------- typed reads

namespace {

[[noreturn]] void CorruptStore(const char* what) {
    // A record that does not decode means our own store is damaged: a local error. Stop rather
    // than diverge (docs/architecture.md, "Invalid vs error").
    (void)what;
    assert(false && "corrupted state record");
    __builtin_trap();
}

Bytes EncodeU64(uint64_t v) {
    Writer w;
    w.U64(v);
    return w.Take();
}

uint64_t DecodeU64(const Bytes& b) {
    Reader r(b);
    uint64_t v = r.U64();
    if (!r.Finish()) CorruptStore("u64");
    return v;
}

Bytes EncodeAddressList(const std::vector<Address>& v) {
    Writer w;
    w.Varint(v.size());
    for (const Address& a : v) w.Fixed(a);
    return w.Take();
}

}  // namespace

Account LoadAccount(const StateReader& s, const Address& a) {
    auto raw = s.Get(keys::Account(a));
    if (!raw) return Account{};
    auto acct = DecodeAccount(*raw);
    if (!acct) CorruptStore("account");
    return acct.value();
}

std::optional<Work> LoadWork(const StateReader& s, uint64_t id) {
    auto raw = s.Get(keys::Work(id));
    if (!raw) return std::nullopt;
    auto w = DecodeWork(*raw);
    if (!w) CorruptStore("work");
    return w.value();
}

std::optional<uint64_t> LoadWorkIdByFingerprint(const StateReader& s, const Hash256& fp) {
    auto raw = s.Get(keys::WorkByFingerprint(fp));
    if (!raw) return std::nullopt;
    return DecodeU64(*raw);
}

std::optional<Proposal> LoadProposal(const StateReader& s, const Hash256& id) {
    auto raw = s.Get(keys::Proposal(id));
    if (!raw) return std::nullopt;
    auto p = DecodeProposal(*raw);
    if (!p) CorruptStore("proposal");
    return p.value();
}

std::vector<Address> LoadGovMembers(const StateReader& s) {
    auto raw = s.Get(keys::GovMembers());
    std::vector<Address> out;
    if (!raw) return out;
    Reader r(*raw);
    size_t n = r.Length(4096);
    for (size_t i = 0; i < n && r.ok(); ++i) out.push_back(r.Fixed<32>());
    if (!r.Finish()) CorruptStore("gov members");
    return out;
}

namespace {
// A field-list record at `key`, nullopt when absent; a record that does not decode is a corrupted store.
template <typename T>
std::optional<T> LoadFieldsRecord(const StateReader& s, const Bytes& key, const char* what) {
    auto raw = s.Get(key);
    if (!raw) return std::nullopt;
    auto v = DecodeFields<T>(*raw);
    if (!v) CorruptStore(what);
    return v.value();
}
}  // namespace

std::optional<ValidatorSetRecord> LoadValidatorSet(const StateReader& s) {
    return LoadFieldsRecord<ValidatorSetRecord>(s, keys::Validators(), "validator set");
}

std::optional<ValidatorSetRecord> LoadValidatorSetOfEpoch(const StateReader& s, uint64_t epoch) {
    return LoadFieldsRecord<ValidatorSetRecord>(s, keys::ValidatorsOfEpoch(epoch), "validator set");
}

std::optional<PendingValidatorSet> LoadPendingValidatorSet(const StateReader& s) {
    return LoadFieldsRecord<PendingValidatorSet>(s, keys::PendingValidators(), "pending validator set");
}

uint32_t LoadGovThreshold(const StateReader& s) {
    auto raw = s.Get(keys::GovThreshold());
    return raw ? static_cast<uint32_t>(DecodeU64(*raw)) : 1;
}

// ---------------------------------------------------------------- checks

const char* RejectCode(Reject r) {
    switch (r) {
        case Reject::MALFORMED: return "malformed";
        case Reject::OVERSIZED: return "oversized";
        case Reject::WRONG_CHAIN: return "wrong_chain_id";
        case Reject::BAD_SIGNATURE: return "bad_signature";
        case Reject::NONCE_TOO_LOW: return "nonce_too_low";
        case Reject::NONCE_TOO_HIGH: return "nonce_too_high";
        case Reject::EXPIRED: return "expired";
        case Reject::MISSING_PERMISSION: return "missing_permission";
        case Reject::ACCOUNT_FROZEN: return "account_frozen";
        case Reject::INVALID_FIELD: return "invalid_field";
        case Reject::DUPLICATE_FINGERPRINT: return "duplicate_fingerprint";
        case Reject::MEMPOOL_FULL: return "mempool_full";
        case Reject::NOT_FOUND: return "not_found";
        case Reject::DUPLICATE_REFERENCE: return "duplicate_deposit_reference";
        case Reject::PAYOUT_ALREADY_CONFIRMED: return "payout_already_confirmed";
        case Reject::PAYOUT_ALREADY_FAILED: return "payout_already_failed";
        case Reject::PAYOUT_ALREADY_EXPIRED: return "payout_already_expired";
        case Reject::LICENCE_CONFLICT: return "licence_conflict";
    }
    return "rejected";
}

namespace {

Unexpected<Rejection> Rej(Reject code, std::string msg) { return Fail(Rejection{code, std::move(msg)}); }

bool PrintableId(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Status<Rejection> CheckRegisterWork(const RegisterWorkTx& b, const Address& sender) {
    if (b.fingerprint.IsZero()) return Rej(Reject::INVALID_FIELD, "fingerprint must not be zero");
    if (b.title.empty()) return Rej(Reject::INVALID_FIELD, "title must not be empty");
    for (const std::string* id : {&b.ids.isrc, &b.ids.iswc, &b.ids.isan, &b.ids.eidr})
        if (!PrintableId(*id)) return Rej(Reject::INVALID_FIELD, "industry identifiers must be printable ASCII");
    // Each identifier by its own rules (check digits and characters; node/protocol/identifiers.h).
    std::pair<const std::string*, std::string (*)(std::string_view)> checks[] = {
        {&b.ids.isrc, CheckIsrc}, {&b.ids.iswc, CheckIswc}, {&b.ids.isan, CheckIsan}, {&b.ids.eidr, CheckEidr}};
    for (const auto& [id, check] : checks)
        if (!id->empty())
            if (std::string why = check(*id); !why.empty()) return Rej(Reject::INVALID_FIELD, why);
    if (b.owners.empty()) return Rej(Reject::INVALID_FIELD, "a work needs at least one owner");
    uint32_t total = 0;
    bool sender_is_owner = false;
    for (const Share& s : b.owners) {
        if (s.bps == 0) return Rej(Reject::INVALID_FIELD, "owner share must be > 0 bps");
        if (!IsValidPublicKey(s.owner)) return Rej(Reject::INVALID_FIELD, "owner " + s.owner.hex() + " is not a valid address");
        total += s.bps;
        sender_is_owner = sender_is_owner || s.owner == sender;
    }
    if (total != BPS_TOTAL)
        return Rej(Reject::INVALID_FIELD, "owner shares sum to " + std::to_string(total) + " bps, must be 10000");
    if (!sender_is_owner) return Rej(Reject::INVALID_FIELD, "the registering account must be one of the owners");
    return Ok{};
}

Status<Rejection> CheckGovAction(const GovAction& a) {
    if (auto* t = std::get_if<SetThreshold>(&a); t && t->threshold == 0)
        return Rej(Reject::INVALID_FIELD, "threshold must be >= 1");
    if (auto* g = std::get_if<GrantRole>(&a); g && !IsValidPublicKey(g->account))
        return Rej(Reject::INVALID_FIELD, "account is not a valid address");
    if (auto* f = std::get_if<SetFrozen>(&a); f && !IsValidPublicKey(f->account))
        return Rej(Reject::INVALID_FIELD, "account is not a valid address");
    if (auto* v = std::get_if<SetValidators>(&a)) {
        if (v->members.empty() || v->members.size() > MAX_LEDGER_VALIDATORS)
            return Rej(Reject::INVALID_FIELD, "a validator set has 1.." + std::to_string(MAX_LEDGER_VALIDATORS) + " members");
        std::set<Address> seen;
        for (const Address& m : v->members) {
            if (!IsValidPublicKey(m)) return Rej(Reject::INVALID_FIELD, "validator " + m.hex() + " is not a valid key");
            if (!seen.insert(m).second) return Rej(Reject::INVALID_FIELD, "validator " + m.hex() + " is listed twice");
        }
        if (v->activation_height == 0) return Rej(Reject::INVALID_FIELD, "activation_height must be >= 1");
    }
    if (auto* c = std::get_if<GovContractCall>(&a); c && c->input.size() > vm::MAX_ABI_BYTES + 4)
        return Rej(Reject::INVALID_FIELD, "contract input too long");
    if (auto* d = std::get_if<DeployTemplate>(&a)) {
        auto code = vm::Validate(d->code);
        if (!code) return Rej(Reject::INVALID_FIELD, "bytecode rejected: " + code.error().message);
    }
    return Ok{};
}

}  // namespace

Status<Rejection> CheckStateless(const Transaction& tx, const ChainParams& params) {
    if (tx.chain_id != params.chain_id)
        return Rej(Reject::WRONG_CHAIN, "transaction is for chain '" + tx.chain_id + "', this is '" + params.chain_id + "'");
    return std::visit(
        [&](const auto& b) -> Status<Rejection> {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, RegisterWorkTx>) return CheckRegisterWork(b, tx.sender);
            if constexpr (std::is_same_v<T, ProposeTx>) return CheckGovAction(b.action);
            if constexpr (!std::is_same_v<T, ApproveTx>) return CheckSettlementStateless(tx);
            return Ok{};
        },
        tx.body);
}

bool VerifyTxSignature(const Transaction& tx) { return VerifySchnorr(tx.sender, TxSigHash(tx), tx.signature); }

Status<Rejection> CheckAgainstState(const StateReader& s, const Transaction& tx, uint64_t time_ms, NonceMode mode) {
    Account acct = LoadAccount(s, tx.sender);
    if (tx.nonce < acct.next_nonce)
        return Rej(Reject::NONCE_TOO_LOW, "nonce " + std::to_string(tx.nonce) + " already used; next is " +
                                              std::to_string(acct.next_nonce));
    uint64_t limit = mode == NonceMode::EXACT ? acct.next_nonce : acct.next_nonce + NONCE_WINDOW - 1;
    if (tx.nonce > limit)
        return Rej(Reject::NONCE_TOO_HIGH, "nonce " + std::to_string(tx.nonce) + " is ahead of the account's next nonce " +
                                               std::to_string(acct.next_nonce) +
                                               (mode == NonceMode::WINDOW ? " by more than the window of " + std::to_string(NONCE_WINDOW)
                                                                          : std::string()));
    if (tx.expires_at_ms != 0 && time_ms > tx.expires_at_ms) return Rej(Reject::EXPIRED, "transaction expired");
    if (acct.frozen) return Rej(Reject::ACCOUNT_FROZEN, "account is frozen by governance");
    switch (KindOf(tx.body)) {
        case TxKind::PROPOSE:
        case TxKind::APPROVE:
            if (!HasRole(acct.roles, Role::GOVERNANCE))
                return Rej(Reject::MISSING_PERMISSION, "missing permission: role 'governance' required");
            break;
        case TxKind::REGISTER_WORK: {
            if (!HasRole(acct.roles, Role::CREATOR) && !HasRole(acct.roles, Role::STUDIO))
                return Rej(Reject::MISSING_PERMISSION, "missing permission: role 'creator' or 'studio' required");
            const auto& b = std::get<RegisterWorkTx>(tx.body);
            if (auto existing = LoadWorkIdByFingerprint(s, b.fingerprint))
                return Rej(Reject::DUPLICATE_FINGERPRINT,
                           "fingerprint already registered as work " + std::to_string(*existing));
            break;
        }
        default: return CheckSettlementAgainstState(s, tx, time_ms);
    }
    return Ok{};
}

// ---------------------------------------------------------------- execution

namespace {

Unexpected<TxFailure> TxFail(std::string code, std::string msg) { return Fail(TxFailure{std::move(code), std::move(msg)}); }

void StoreAccount(Overlay& o, const Address& a, const Account& acct) { o.Put(keys::Account(a), EncodeAccount(acct)); }

// Applies a governance action that reached its threshold.
Exec ExecuteAction(Overlay& o, const GovAction& action, const Hash256& tx_id, const BlockContext& ctx,
                   std::vector<Event>& events) {
    return std::visit(
        [&](const auto& a) -> Exec {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, SetFrozen> || std::is_same_v<T, GovContractCall>) {
                return ExecGovSettlement(o, action, tx_id, ctx, events);
            } else if constexpr (std::is_same_v<T, SetValidators>) {
                if (auto pending = LoadPendingValidatorSet(o))
                    return TxFail("validator_change_pending", "a validator-set change to epoch " +
                                                                  std::to_string(pending->epoch) + " is already scheduled");
                if (a.activation_height < ctx.height + VALIDATOR_CHANGE_MIN_LEAD)
                    return TxFail("activation_too_soon",
                                  "activation_height must be at least " + std::to_string(ctx.height + VALIDATOR_CHANGE_MIN_LEAD) +
                                      " (" + std::to_string(VALIDATOR_CHANGE_MIN_LEAD) + " blocks after this one)");
                auto current = LoadValidatorSet(o);
                if (!current) CorruptStore("validator set");
                if (current->members == a.members)
                    return TxFail("validator_set_unchanged", "the proposed set is the set in force");
                PendingValidatorSet p{current->epoch + 1, a.activation_height, ctx.height, a.members, tx_id};
                o.Put(keys::PendingValidators(), EncodeFields(p));
                events.push_back(EvValidatorSetScheduled{p.epoch, p.activation_height, p.members});
                return Ok{};
            } else if constexpr (std::is_same_v<T, DeployTemplate>) {
                Hash256 h = vm::CodeHash(a.code);
                if (o.Get(keys::Template(h))) return TxFail("template_exists", "template " + h.hex() + " is already deployed");
                o.Put(keys::Template(h), a.code);
                events.push_back(EvTemplateDeployed{h, static_cast<uint32_t>(a.code.size())});
                return Ok{};
            } else if constexpr (std::is_same_v<T, SetThreshold>) {
                size_t members = LoadGovMembers(o).size();
                if (a.threshold > members)
                    return TxFail("invalid_threshold", "threshold " + std::to_string(a.threshold) + " exceeds the " +
                                                           std::to_string(members) + " governance members");
                o.Put(keys::GovThreshold(), EncodeU64(a.threshold));
                events.push_back(EvThresholdSet{a.threshold});
                return Ok{};
            } else {
                constexpr bool grant = std::is_same_v<T, GrantRole>;
                Account acct = LoadAccount(o, a.account);
                if (grant == HasRole(acct.roles, a.role))
                    return TxFail(grant ? "role_already_held" : "role_not_held",
                                  std::string("account ") + (grant ? "already has" : "does not have") + " role '" +
                                      RoleName(a.role) + "'");
                acct.roles = grant ? WithRole(acct.roles, a.role) : WithoutRole(acct.roles, a.role);
                StoreAccount(o, a.account, acct);
                if (a.role == Role::GOVERNANCE) {
                    std::vector<Address> members = LoadGovMembers(o);
                    if (grant) {
                        members.insert(std::lower_bound(members.begin(), members.end(), a.account), a.account);
                    } else {
                        members.erase(std::find(members.begin(), members.end(), a.account));
                        if (members.size() < LoadGovThreshold(o))
                            return TxFail("would_break_quorum",
                                          "revoking would leave fewer governance members than the threshold");
                    }
                    o.Put(keys::GovMembers(), EncodeAddressList(members));
                }
                if constexpr (grant) events.push_back(EvRoleGranted{a.account, a.role});
                else events.push_back(EvRoleRevoked{a.account, a.role});
                return Ok{};
            }
        },
        action);
}

// Records `approver`'s approval and executes the action once the approvals of current members
// reach the threshold.
Exec Approve(Overlay& o, Proposal& p, const Address& approver, const Hash256& tx_id, const BlockContext& ctx,
             std::vector<Event>& events) {
    if (p.status != ProposalStatus::OPEN) return TxFail("proposal_closed", "proposal " + p.id.hex() + " was already executed");
    auto pos = std::lower_bound(p.approvals.begin(), p.approvals.end(), approver);
    if (pos != p.approvals.end() && *pos == approver)
        return TxFail("already_approved", "this account already approved proposal " + p.id.hex());
    p.approvals.insert(pos, approver);
    std::vector<Address> members = LoadGovMembers(o);
    uint32_t threshold = LoadGovThreshold(o);
    auto count = static_cast<uint32_t>(std::count_if(p.approvals.begin(), p.approvals.end(), [&](const Address& a) {
        return std::binary_search(members.begin(), members.end(), a);
    }));
    events.push_back(EvProposalApproved{p.id, approver, count, threshold});
    if (count >= threshold) {
        if (Exec e = ExecuteAction(o, p.action, tx_id, ctx, events); !e) return e;
        p.status = ProposalStatus::EXECUTED;
        events.push_back(EvProposalExecuted{p.id});
    }
    o.Put(keys::Proposal(p.id), EncodeProposal(p));
    return Ok{};
}

Exec ExecBody(Overlay& o, const Transaction& tx, const Hash256& tx_id, const BlockContext& ctx, std::vector<Event>& events) {
    return std::visit(
        [&](const auto& b) -> Exec {
            using T = std::decay_t<decltype(b)>;
            if constexpr (std::is_same_v<T, RegisterWorkTx>) {
                if (auto existing = LoadWorkIdByFingerprint(o, b.fingerprint))
                    return TxFail("duplicate_fingerprint",
                                  "fingerprint already registered as work " + std::to_string(*existing));
                auto next_raw = o.Get(keys::NextWorkId());
                uint64_t id = next_raw ? DecodeU64(*next_raw) : 1;
                Work w;
                w.id = id;
                w.fingerprint = b.fingerprint;
                w.title = b.title;
                w.kind = b.kind;
                w.ids = b.ids;
                w.metadata_hash = b.metadata_hash;
                w.metadata_uri = b.metadata_uri;
                w.owners = b.owners;
                w.registrant = tx.sender;
                w.registered_height = ctx.height;
                w.registered_time_ms = ctx.time_ms;
                o.Put(keys::Work(id), EncodeWork(w));
                o.Put(keys::WorkByFingerprint(b.fingerprint), EncodeU64(id));
                o.Put(keys::NextWorkId(), EncodeU64(id + 1));
                events.push_back(EvWorkRegistered{id, b.fingerprint, b.owners});
                return CreateWorkSplit(o, w, tx_id, ctx, events);
            } else if constexpr (std::is_same_v<T, ProposeTx>) {
                Proposal p;
                p.id = tx_id;
                p.action = b.action;
                p.proposer = tx.sender;
                p.created_height = ctx.height;
                events.push_back(EvProposalCreated{p.id});
                return Approve(o, p, tx.sender, tx_id, ctx, events);
            } else if constexpr (std::is_same_v<T, ApproveTx>) {
                auto p = LoadProposal(o, b.proposal);
                if (!p) return TxFail("proposal_not_found", "no proposal " + b.proposal.hex());
                return Approve(o, *p, tx.sender, tx_id, ctx, events);
            } else {
                return ExecSettlement(o, tx, tx_id, ctx, events);
            }
        },
        tx.body);
}

}  // namespace

Receipt ApplyTx(Overlay& block, const Transaction& tx, const BlockContext& ctx) {
    Receipt rc;
    rc.tx_id = TxId(tx);
    // The nonce advances whatever the outcome.
    Account acct = LoadAccount(block, tx.sender);
    acct.next_nonce = tx.nonce + 1;
    StoreAccount(block, tx.sender, acct);

    Overlay scratch(static_cast<const StateReader&>(block));  // layered on the block, not a copy
    std::vector<Event> events;
    Exec result = ExecBody(scratch, tx, rc.tx_id, ctx, events);
    if (result) {
        block.Absorb(scratch);
        rc.events = std::move(events);
    } else {
        rc.success = false;
        rc.error_code = result.error().code;
        rc.error_message = result.error().message;
    }
    return rc;
}

Result<const Receipt*, Rejection> BlockBuilder::TryAdd(const Transaction& tx) {
    if (auto st = CheckStateless(tx, m_params); !st) return Fail(st.error());
    // A second registration of a fingerprint in the same block is rejected like one against the
    // committed state: it never enters the block and the mempool drops it, naming the work.
    if (auto st = CheckAgainstState(m_overlay, tx, m_ctx.time_ms, NonceMode::EXACT); !st) return Fail(st.error());
    m_receipts.push_back(ApplyTx(m_overlay, tx, m_ctx));
    return &m_receipts.back();
}

bool BlockBuilder::AddEvidence(const Hash256& id, const Address& signer, ByteView encoded) {
    if (m_overlay.Get(keys::Evidence(id))) return false;
    EvidenceRecord rec{id, signer, m_ctx.height, Bytes(encoded.begin(), encoded.end())};
    m_overlay.Put(keys::Evidence(id), EncodeEvidenceRecord(rec));
    return true;
}

void BlockBuilder::ChangeValidators(const std::vector<Address>& members) {
    auto current = LoadValidatorSet(m_overlay);
    if (!current) CorruptStore("validator set");
    auto pending = LoadPendingValidatorSet(m_overlay);
    ValidatorSetRecord next{current->epoch + 1, m_ctx.height + 1, members, pending ? pending->scheduled_by : Hash256{}};
    m_overlay.Put(keys::Validators(), EncodeFields(next));
    m_overlay.Put(keys::ValidatorsOfEpoch(next.epoch), EncodeFields(next));
    if (pending) m_overlay.Delete(keys::PendingValidators());
}

BlockResult BlockBuilder::Finish() {
    BlockResult out;
    out.writes = m_overlay.TakeWrites();
    out.receipts = std::move(m_receipts);
    m_receipts.clear();
    return out;
}

Result<BlockResult, BlockError> ApplyBlock(const StateReader& base, const ChainParams& params, const BlockContext& ctx,
                                           const std::vector<Transaction>& txs) {
    BlockBuilder builder(base, params, ctx);
    for (size_t i = 0; i < txs.size(); ++i)
        if (auto r = builder.TryAdd(txs[i]); !r) return Fail(BlockError{i, r.error()});
    return builder.Finish();
}

// ---------------------------------------------------------------- genesis

const char* GenesisErrorName(GenesisError e) {
    switch (e) {
        case GenesisError::BAD_CHAIN_ID: return "chain id must be 1..64 characters";
        case GenesisError::NO_VALIDATORS: return "genesis needs at least one validator";
        case GenesisError::DUPLICATE_ACCOUNT: return "an account appears twice";
        case GenesisError::BAD_THRESHOLD: return "governance threshold must be between 1 and the number of members";
        case GenesisError::BAD_ACCOUNT: return "an account address is not a valid public key";
        case GenesisError::BAD_BALANCE: return "a genesis balance has an unknown currency or is out of range";
        case GenesisError::BAD_CONTRACTS: return "the standard contracts failed to assemble or instantiate";
    }
    return "bad genesis";
}

Result<WriteSet, GenesisError> BuildGenesisState(const GenesisDoc& doc) {
    if (doc.chain_id.empty() || doc.chain_id.size() > MAX_CHAIN_ID) return Fail(GenesisError::BAD_CHAIN_ID);
    if (doc.validators.empty()) return Fail(GenesisError::NO_VALIDATORS);
    EmptyState empty;
    Overlay o(empty);
    std::set<Address> seen;
    std::vector<Address> members;
    for (const GenesisAccount& a : doc.accounts) {
        if (!IsValidPublicKey(a.address)) return Fail(GenesisError::BAD_ACCOUNT);
        if (!seen.insert(a.address).second) return Fail(GenesisError::DUPLICATE_ACCOUNT);
        Account acct;
        acct.roles = a.roles;
        acct.kyc = a.kyc;
        acct.residency = a.residency;
        StoreAccount(o, a.address, acct);
        if (HasRole(a.roles, Role::GOVERNANCE)) members.push_back(a.address);
    }
    for (const GenesisValidator& v : doc.validators) {
        if (!IsValidPublicKey(v.key)) return Fail(GenesisError::BAD_ACCOUNT);
        if (seen.count(v.key)) continue;
        Account acct;
        acct.roles = WithRole(0, Role::VALIDATOR);
        StoreAccount(o, v.key, acct);
    }
    std::sort(members.begin(), members.end());
    if (doc.gov_threshold == 0 || doc.gov_threshold > std::max<size_t>(members.size(), 1))
        return Fail(GenesisError::BAD_THRESHOLD);
    o.Put(keys::GovMembers(), EncodeAddressList(members));
    o.Put(keys::GovThreshold(), EncodeU64(doc.gov_threshold));
    ValidatorSetRecord vset{0, 1, {}, Hash256{}};
    for (const GenesisValidator& v : doc.validators)
        if (std::find(vset.members.begin(), vset.members.end(), v.key) == vset.members.end()) vset.members.push_back(v.key);
    o.Put(keys::Validators(), EncodeFields(vset));
    o.Put(keys::ValidatorsOfEpoch(0), EncodeFields(vset));
    for (const GenesisAccount& a : doc.accounts)
        for (const auto& [cur, amount] : a.balances)
            if (!FindCurrency(cur) || amount <= 0 || amount > MAX_AMOUNT) return Fail(GenesisError::BAD_BALANCE);
    if (!GenesisSettlement(o, doc)) return Fail(GenesisError::BAD_CONTRACTS);
    return o.TakeWrites();
}

}  // namespace folio::state
