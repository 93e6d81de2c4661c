// Genesis: accounts and roles, governance, the first validator set, the standard contract
// templates, the tax contract, the payout TTL, the platform account and initial balances.
#include <node/state/ledger.h>

#include <algorithm>
#include <map>
#include <set>

#include <node/core/amount.h>
#include <node/core/merkle.h>
#include <node/core/smt.h>
#include <node/protocol/addresses.h>
#include <node/state/contracts.h>
#include <node/state/records.h>
#include <node/state/state_root.h>
#include <node/state/tx_context.h>
#include <vm/abi.h>
#include <vm/deploy.h>

namespace folio::state {

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

namespace {

// Standard templates, the tax contract, payout TTL, platform and initial balances.
bool GenesisSettlement(Overlay& o, const GenesisDoc& doc) {
    for (StandardContract c : {StandardContract::REVENUE_SPLIT, StandardContract::TAX_WITHHOLDING, StandardContract::AUCTION}) {
        if (StandardCode(c).empty()) return false;
        o.Put(keys::Template(StandardCodeHash(c)), StandardCode(c));
    }
    o.Put(keys::PayoutTtl(), EncodeU64(doc.payout_ttl_ms ? doc.payout_ttl_ms : DEFAULT_PAYOUT_TTL_MS));
    if (doc.fx_rate_validity_ms != FX_RATE_VALIDITY_MS && doc.fx_rate_validity_ms != 0)
        o.Put(keys::FxRateValidity(), EncodeU64(doc.fx_rate_validity_ms));
    if (!doc.platform.IsZero()) o.Put(keys::Platform(), Bytes(doc.platform.view().begin(), doc.platform.view().end()));
    std::map<std::string, int64_t> totals;
    for (const GenesisAccount& a : doc.accounts) {
        for (const auto& [cur, amount] : a.balances) {
            if (!FindCurrency(cur) || amount <= 0 || amount > MAX_AMOUNT) return false;
            StoreBalance(o, a.address, cur, amount);
            totals[cur] += amount;
            if (totals[cur] > MAX_AMOUNT) return false;
        }
    }
    for (const auto& [cur, total] : totals) o.Put(keys::Supply(cur), EncodeFields(Supply{total, 0}));
    std::vector<Event> events;
    Transaction genesis;
    genesis.sender = GovernanceAddress();
    Hash256 zero;
    BlockContext block{0, doc.genesis_time_ms, Address{}};
    TxContext x(o, genesis, zero, block, events);
    vm::ExecResult r = vm::Instantiate(ThreadVm(), x.host, GovernanceAddress(), TaxContractAddress(),
                                       StandardCodeHash(StandardContract::TAX_WITHHOLDING),
                                       vm::EncodeValues({GovernanceAddress()}), LEDGER_CALL_GAS);
    return r.ok();
}

}  // namespace

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

Result<GenesisBlock, std::string> MakeGenesisBlock(const GenesisDoc& doc) {
    auto writes = BuildGenesisState(doc);
    if (!writes) return Fail(std::string("bad genesis: ") + GenesisErrorName(writes.error()));
    MemoryNodeStore empty_nodes;
    auto smt = UpdateStateRoot(empty_nodes, Hash256{}, 0, writes.value(), 0);
    if (!smt) return Fail(std::string("genesis state root failed"));
    GenesisBlock out;
    protocol::Block& g = out.block;
    g.header.chain_id = doc.chain_id;
    g.header.height = 0;
    g.header.time_ms = doc.genesis_time_ms;
    g.header.tx_root = MerkleRoot({});
    g.header.receipts_root = MerkleRoot({});
    g.header.state_root = smt->new_root;
    out.hash = protocol::BlockHash(g.header);
    out.writes = std::move(writes.value());
    out.smt_nodes = std::move(smt->new_nodes);
    return out;
}

}  // namespace folio::state
