// Governance: proposals, approvals and the actions they execute at threshold (roles, threshold,
// templates, freezing, contract calls, validator-set changes).
#include <node/state/domains.h>

#include <algorithm>
#include <set>

#include <node/protocol/addresses.h>
#include <node/state/contracts.h>
#include <vm/abi.h>
#include <vm/code.h>

namespace folio::state {

// ---------------------------------------------------------------- checks

Status<Rejection> Check(const Transaction&, const ProposeTx& b) {
    const GovAction& a = b.action;
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
    if (auto* l = std::get_if<SetAmlLimit>(&a)) return CheckAction(*l);
    if (auto* n = std::get_if<SetSanction>(&a)) return CheckAction(*n);
    if (auto* c = std::get_if<GovContractCall>(&a); c && c->input.size() > vm::MAX_ABI_BYTES + 4)
        return Rej(Reject::INVALID_FIELD, "contract input too long");
    if (auto* d = std::get_if<DeployTemplate>(&a)) {
        auto code = vm::Validate(d->code);
        if (!code) return Rej(Reject::INVALID_FIELD, "bytecode rejected: " + code.error().message);
        if (d->name.empty() || !std::all_of(d->name.begin(), d->name.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            }))
            return Rej(Reject::INVALID_FIELD, "a template name is 1..32 of a-z, 0-9 and _");
        if (d->version == 0) return Rej(Reject::INVALID_FIELD, "a template version is 1 or more");
        if (d->instantiators >> ROLE_COUNT) return Rej(Reject::INVALID_FIELD, "instantiators name an unknown role");
        if (auto c = StandardByName(d->name)) {
            if (*c == StandardContract::TAX_WITHHOLDING)
                return Rej(Reject::INVALID_FIELD, "tax_withholding has one instance, made at genesis: it has no new versions");
            if (d->instantiators != 0)
                return Rej(Reject::INVALID_FIELD, std::string(StandardName(*c)) + " is instantiated by the ledger only: no instantiators");
        }
    }
    return Ok{};
}

// ---------------------------------------------------------------- actions

namespace {

Exec Execute(TxContext& x, const SetValidators& a) {
    if (auto pending = LoadPendingValidatorSet(x.o))
        return TxFail(Failure::VALIDATOR_CHANGE_PENDING,
                      "a validator-set change to epoch " + std::to_string(pending->epoch) + " is already scheduled");
    if (a.activation_height < x.block.height + VALIDATOR_CHANGE_MIN_LEAD)
        return TxFail(Failure::ACTIVATION_TOO_SOON,
                      "activation_height must be at least " + std::to_string(x.block.height + VALIDATOR_CHANGE_MIN_LEAD) +
                          " (" + std::to_string(VALIDATOR_CHANGE_MIN_LEAD) + " blocks after this one)");
    auto current = LoadValidatorSet(x.o);
    if (!current) CorruptStore("validator set");
    if (current->members == a.members)
        return TxFail(Failure::VALIDATOR_SET_UNCHANGED, "the proposed set is the set in force");
    PendingValidatorSet p{current->epoch + 1, a.activation_height, x.block.height, a.members, x.tx_id};
    x.o.Put(keys::PendingValidators(), EncodeFields(p));
    x.events.push_back(EvValidatorSetScheduled{p.epoch, p.activation_height, p.members});
    return Ok{};
}

Exec Execute(TxContext& x, const DeployTemplate& a) {
    Hash256 h = vm::CodeHash(a.code);
    if (x.o.Get(keys::Template(h))) {
        auto t = LoadTemplateInfo(x.o, h);
        return TxFail(Failure::TEMPLATE_EXISTS, "template " + h.hex() + " is already deployed" +
                                                    (t ? " as " + t->name + " version " + Dec(t->version) : std::string()));
    }
    if (auto latest = LoadLatestTemplate(x.o, a.name); latest && latest->version >= a.version)
        return TxFail(Failure::TEMPLATE_VERSION, "template " + a.name + " is at version " + Dec(latest->version) +
                                                     "; a new version must be above it");
    x.o.Put(keys::Template(h), a.code);
    StoreTemplateInfo(x.o, TemplateInfo{h, a.name, a.version, a.instantiators, StandardByName(a.name).has_value(), x.block.height});
    x.events.push_back(EvTemplateDeployed{h, static_cast<uint32_t>(a.code.size()), a.name, a.version});
    return Ok{};
}

Exec Execute(TxContext& x, const SetThreshold& a) {
    size_t members = LoadGovMembers(x.o).size();
    if (a.threshold > members)
        return TxFail(Failure::INVALID_THRESHOLD, "threshold " + std::to_string(a.threshold) + " exceeds the " +
                                                      std::to_string(members) + " governance members");
    x.o.Put(keys::GovThreshold(), EncodeU64(a.threshold));
    x.events.push_back(EvThresholdSet{a.threshold});
    return Ok{};
}

Exec Execute(TxContext& x, const SetFrozen& f) {
    Account acct = LoadAccount(x.o, f.account);
    if (acct.frozen == f.frozen)
        return TxFail(Failure::NO_CHANGE, f.frozen ? "account is already frozen" : "account is not frozen");
    acct.frozen = f.frozen;
    StoreAccount(x.o, f.account, acct);
    x.events.push_back(EvAccountUpdated{f.account, f.frozen ? "frozen" : "unfrozen"});
    return Ok{};
}

Exec Execute(TxContext& x, const GovContractCall& c) {
    if (!IsContract(x.o, c.contract)) return TxFail(Failure::NOT_FOUND, "no contract at " + c.contract.hex());
    auto r = CallWithOrigin(x, GovernanceAddress(), GovernanceAddress(), c.contract, c.input, LEDGER_CALL_GAS);
    if (!r) return Fail(r.error());
    return Ok{};
}

template <class T>
    requires std::is_same_v<T, GrantRole> || std::is_same_v<T, RevokeRole>
Exec Execute(TxContext& x, const T& a) {
    constexpr bool grant = std::is_same_v<T, GrantRole>;
    Account acct = LoadAccount(x.o, a.account);
    if (grant == HasRole(acct.roles, a.role))
        return TxFail(grant ? Failure::ROLE_ALREADY_HELD : Failure::ROLE_NOT_HELD,
                      std::string("account ") + (grant ? "already has" : "does not have") + " role '" + RoleName(a.role) + "'");
    acct.roles = grant ? WithRole(acct.roles, a.role) : WithoutRole(acct.roles, a.role);
    StoreAccount(x.o, a.account, acct);
    if (a.role == Role::GOVERNANCE) {
        std::vector<Address> members = LoadGovMembers(x.o);
        if (grant) {
            members.insert(std::lower_bound(members.begin(), members.end(), a.account), a.account);
        } else {
            members.erase(std::find(members.begin(), members.end(), a.account));
            if (members.size() < LoadGovThreshold(x.o))
                return TxFail(Failure::WOULD_BREAK_QUORUM, "revoking would leave fewer governance members than the threshold");
        }
        x.o.Put(keys::GovMembers(), EncodeAddressList(members));
    }
    if constexpr (grant) x.events.push_back(EvRoleGranted{a.account, a.role});
    else x.events.push_back(EvRoleRevoked{a.account, a.role});
    return Ok{};
}

// Records `approver`'s approval and executes the action once the approvals of current members
// reach the threshold.
Exec Approve(TxContext& x, Proposal& p, const Address& approver) {
    if (p.status != ProposalStatus::OPEN)
        return TxFail(Failure::PROPOSAL_CLOSED, "proposal " + p.id.hex() + " was already executed");
    auto pos = std::lower_bound(p.approvals.begin(), p.approvals.end(), approver);
    if (pos != p.approvals.end() && *pos == approver)
        return TxFail(Failure::ALREADY_APPROVED, "this account already approved proposal " + p.id.hex());
    p.approvals.insert(pos, approver);
    std::vector<Address> members = LoadGovMembers(x.o);
    uint32_t threshold = LoadGovThreshold(x.o);
    auto count = static_cast<uint32_t>(std::count_if(p.approvals.begin(), p.approvals.end(), [&](const Address& a) {
        return std::binary_search(members.begin(), members.end(), a);
    }));
    x.events.push_back(EvProposalApproved{p.id, approver, count, threshold});
    if (count >= threshold) {
        if (Exec e = std::visit([&](const auto& a) { return Execute(x, a); }, p.action); !e) return e;
        p.status = ProposalStatus::EXECUTED;
        x.events.push_back(EvProposalExecuted{p.id});
    }
    x.o.Put(keys::Proposal(p.id), EncodeProposal(p));
    return Ok{};
}

}  // namespace

// ---------------------------------------------------------------- propose, approve

Exec Apply(TxContext& x, const ProposeTx& b) {
    Proposal p;
    p.id = x.tx_id;
    p.action = b.action;
    p.proposer = x.tx.sender;
    p.created_height = x.block.height;
    p.expires_ms = x.block.time_ms + PROPOSAL_TTL_MS;
    x.events.push_back(EvProposalCreated{p.id});
    return Approve(x, p, x.tx.sender);
}

Exec Apply(TxContext& x, const ApproveTx& b) {
    auto p = LoadProposal(x.o, b.proposal);
    if (!p) return TxFail(Failure::PROPOSAL_NOT_FOUND, "no proposal " + b.proposal.hex());
    if (p->status == ProposalStatus::OPEN && x.block.time_ms > p->expires_ms)
        return TxFail(Failure::PROPOSAL_EXPIRED, "proposal " + p->id.hex() + " expired at " + Dec(p->expires_ms) +
                                                     " ms (7 days without reaching the threshold); propose it again");
    return Approve(x, *p, x.tx.sender);
}

}  // namespace folio::state
