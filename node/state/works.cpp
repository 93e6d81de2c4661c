// Works: registration (with the work's revenue split) and transfers of its ownership shares.
#include <node/state/domains.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <node/core/amount.h>
#include <node/protocol/addresses.h>
#include <node/protocol/identifiers.h>
#include <node/state/contracts.h>
#include <vm/abi.h>

namespace folio::state {

bool IsOwner(const Work& w, const Address& a) {
    return std::any_of(w.owners.begin(), w.owners.end(), [&](const Share& s) { return s.owner == a; });
}

// ---------------------------------------------------------------- register_work

namespace {
bool PrintableId(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// A work's industry identifiers in their canonical forms (one written form each, so that
// "BRABC2600001" and "BR-ABC-26-00001" are the same ISRC): (scheme, canonical) for each given one.
// The identifiers passed Check (checked at admission), so each normalizes.
std::vector<std::pair<std::string_view, std::string>> CanonicalIds(const IndustryIds& ids) {
    std::vector<std::pair<std::string_view, std::string>> out;
    std::pair<std::string_view, std::optional<std::string>> all[] = {
        {"isrc", ids.isrc.empty() ? std::nullopt : NormalizeIsrc(ids.isrc)},
        {"iswc", ids.iswc.empty() ? std::nullopt : NormalizeIswc(ids.iswc)},
        {"isan", ids.isan.empty() ? std::nullopt : NormalizeIsan(ids.isan)},
        {"eidr", ids.eidr.empty() ? std::nullopt : NormalizeEidr(ids.eidr)}};
    for (auto& [scheme, canonical] : all)
        if (canonical) out.emplace_back(scheme, std::move(*canonical));
    return out;
}

// Identifiers are unique across works: the first work registered with one keeps it.
std::optional<std::string> IdentifierTaken(const StateReader& s, const IndustryIds& ids) {
    for (const auto& [scheme, canonical] : CanonicalIds(ids))
        if (auto first = LoadWorkIdByIdentifier(s, scheme, canonical))
            return std::string(scheme == "isrc" ? "ISRC " : scheme == "iswc" ? "ISWC " : scheme == "isan" ? "" : "EIDR ") +
                   canonical + " is already registered as work " + std::to_string(*first);
    return std::nullopt;
}
}  // namespace

Status<Rejection> Check(const Transaction& tx, const RegisterWorkTx& b) {
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
        sender_is_owner = sender_is_owner || s.owner == tx.sender;
    }
    if (total != BPS_TOTAL)
        return Rej(Reject::INVALID_FIELD, "owner shares sum to " + std::to_string(total) + " bps, must be 10000");
    if (!sender_is_owner) return Rej(Reject::INVALID_FIELD, "the registering account must be one of the owners");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction&, const RegisterWorkTx& b, uint64_t) {
    if (auto existing = LoadWorkIdByFingerprint(s, b.fingerprint))
        return Rej(Reject::DUPLICATE_FINGERPRINT, "fingerprint already registered as work " + std::to_string(*existing));
    if (auto taken = IdentifierTaken(s, b.ids)) return Rej(Reject::DUPLICATE_IDENTIFIER, *taken);
    return Ok{};
}

Exec Apply(TxContext& x, const RegisterWorkTx& b) {
    if (auto existing = LoadWorkIdByFingerprint(x.o, b.fingerprint))
        return TxFail(Failure::DUPLICATE_FINGERPRINT, "fingerprint already registered as work " + std::to_string(*existing));
    if (auto taken = IdentifierTaken(x.o, b.ids)) return TxFail(Failure::DUPLICATE_IDENTIFIER, *taken);
    auto next_raw = x.o.Get(keys::NextWorkId());
    uint64_t id = next_raw ? DecodeU64(*next_raw, "next work id") : 1;
    Work w;
    w.id = id;
    w.fingerprint = b.fingerprint;
    w.title = b.title;
    w.kind = b.kind;
    w.ids = b.ids;
    w.metadata_hash = b.metadata_hash;
    w.metadata_uri = b.metadata_uri;
    w.owners = b.owners;
    w.registrant = x.tx.sender;
    w.registered_height = x.block.height;
    w.registered_time_ms = x.block.time_ms;
    x.o.Put(keys::Work(id), EncodeWork(w));
    x.o.Put(keys::WorkByFingerprint(b.fingerprint), EncodeU64(id));
    for (const auto& [scheme, canonical] : CanonicalIds(b.ids)) x.o.Put(keys::WorkByIdentifier(scheme, canonical), EncodeU64(id));
    x.o.Put(keys::NextWorkId(), EncodeU64(id + 1));
    x.events.push_back(EvWorkRegistered{id, b.fingerprint, b.owners});
    return CreateWorkSplit(x, w);
}

Status<Rejection> CheckOwnersConsent(const Work& w, const Address& sender, const std::vector<Consent>& consents, const Hash256& digest) {
    for (const Share& owner : w.owners) {
        if (owner.owner == sender) continue;
        auto c = std::find_if(consents.begin(), consents.end(), [&](const Consent& x) { return x.owner == owner.owner; });
        if (c == consents.end() || !VerifySchnorr(owner.owner, digest, c->signature))
            return Rej(Reject::MISSING_PERMISSION, "missing permission: owner " + owner.owner.hex() + " has not consented (valid signature required)");
    }
    return Ok{};
}

// ---------------------------------------------------------------- transfer_shares

Status<Rejection> Check(const Transaction&, const TransferSharesTx& b) {
    const std::vector<Share>& owners = b.owners;
    if (owners.empty() || owners.size() > MAX_OWNERS) return Rej(Reject::INVALID_FIELD, "1..32 owners required");
    uint32_t total = 0;
    for (size_t i = 0; i < owners.size(); ++i) {
        if (i > 0 && !(owners[i - 1].owner < owners[i].owner))
            return Rej(Reject::INVALID_FIELD, "owners must be sorted by address and unique");
        if (owners[i].bps == 0) return Rej(Reject::INVALID_FIELD, "owner share must be > 0 bps");
        if (!IsValidPublicKey(owners[i].owner)) return Rej(Reject::INVALID_FIELD, "owner is not a valid address");
        total += owners[i].bps;
    }
    if (total != BPS_TOTAL) return Rej(Reject::INVALID_FIELD, "owner shares sum to " + std::to_string(total) + " bps, must be 10000");
    return Ok{};
}

Status<Rejection> CheckState(const StateReader& s, const Transaction& tx, const TransferSharesTx& b, uint64_t) {
    auto w = LoadWork(s, b.work);
    if (!w) return Rej(Reject::NOT_FOUND, "no work " + Dec(b.work));
    if (!IsOwner(*w, tx.sender)) return Rej(Reject::MISSING_PERMISSION, "missing permission: only an owner may transfer shares");
    Hash256 digest = TransferSharesDigest(tx.chain_id, b.work, LoadSharesVersion(s, b.work), b.owners);
    return CheckOwnersConsent(*w, tx.sender, b.consents, digest);
}

Exec Apply(TxContext& x, const TransferSharesTx& b) {
    auto w = LoadWork(x.o, b.work);
    if (!w) return TxFail(Failure::NOT_FOUND, "no work");
    w->owners = b.owners;
    x.o.Put(keys::Work(b.work), EncodeWork(*w));
    x.o.Put(keys::SharesVersion(b.work), EncodeU64(LoadSharesVersion(x.o, b.work) + 1));
    x.events.push_back(EvSharesTransferred{b.work, b.owners});
    Bytes input = *vm::EncodeCallChecked("set_payees(bytes)", {EncodePayees(b.owners)});
    auto r = Call(x, LedgerAddress(), SplitAddress(b.work), input, LEDGER_CALL_GAS);
    if (!r) return Fail(r.error());
    return Ok{};
}

}  // namespace folio::state
