#pragma once
// Money, licences, revenue and the standard contracts as ledger rules (docs/settlement.md).
// Pure functions of the state like the rest of node/state: no I/O, no clocks, no floating point.
// Contract execution goes through LedgerHost, the VM's host over a state overlay.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <node/protocol/addresses.h>
#include <node/state/ledger.h>
#include <node/protocol/territory.h>
#include <node/protocol/types.h>
#include <vm/host.h>

namespace folio::state {

// Well-known addresses and the consent digest: node/protocol/addresses.h.

// ---- standard contract templates (contracts/*.fasm, assembled at start-up) ----
enum class StandardContract : uint8_t { REVENUE_SPLIT, TAX_WITHHOLDING, AUCTION };
const char* StandardContractName(StandardContract c);
// The bytecode; empty if the embedded source does not assemble (a build defect).
const Bytes& StandardCode(StandardContract c);
Hash256 StandardCodeHash(StandardContract c);

// ---- state keys (docs/formats.md, "State keys") ----
namespace keys {
Bytes Balance(const Address& a, std::string_view currency);
Bytes Supply(std::string_view currency);
Bytes DepositRef(const Address& gateway, std::string_view reference);
Bytes PayoutPrefs(const Address& a);
Bytes Payout(uint64_t id);
Bytes NextPayoutId();
Bytes PayoutTtl();
Bytes FxLatest(std::string_view base, std::string_view quote);
Bytes FxRate(uint64_t id);
Bytes NextFxId();
Bytes Licence(uint64_t id);
Bytes WorkLicences(uint64_t work);
Bytes NextLicenceId();
Bytes Auction(uint64_t id);
Bytes AuctionByContract(const Address& contract);
Bytes NextAuctionId();
Bytes ContractInstance(const Address& contract);
Bytes ContractStorage(const Address& contract, ByteView key);
Bytes SharesVersion(uint64_t work);
Bytes NftCollection(uint64_t work);
Bytes Nft(uint64_t token);
Bytes NftHoldings(const Address& owner, uint64_t work);
Bytes NextTokenId();
Bytes Platform();
}  // namespace keys

// ---- typed reads ----
int64_t LoadBalance(const StateReader& s, const Address& a, std::string_view currency);
std::optional<PayoutPrefs> LoadPayoutPrefs(const StateReader& s, const Address& a);
std::optional<Payout> LoadPayout(const StateReader& s, uint64_t id);
std::optional<FxRate> LoadLatestRate(const StateReader& s, std::string_view base, std::string_view quote);
std::optional<Licence> LoadLicence(const StateReader& s, uint64_t id);
std::vector<uint64_t> LoadWorkLicences(const StateReader& s, uint64_t work);
std::optional<Auction> LoadAuction(const StateReader& s, uint64_t id);
std::optional<Supply> LoadSupply(const StateReader& s, std::string_view currency);
bool IsContract(const StateReader& s, const Address& a);
uint64_t LoadSharesVersion(const StateReader& s, uint64_t work);
std::optional<NftCollection> LoadCollection(const StateReader& s, uint64_t work);
std::optional<Nft> LoadNft(const StateReader& s, uint64_t token);
uint64_t LoadNftHoldings(const StateReader& s, const Address& owner, uint64_t work);
std::optional<Address> LoadPlatform(const StateReader& s);

// ---- queries ----
struct LicenceAnswer {
    bool allowed = false;
    std::optional<Licence> licence;  // the licence that allows it
    bool via_nft = false;            // allowed because the licensee holds an edition with a viewing right
    std::string reason;              // why not, when denied
};
// May `licensee` exercise `right` (one Right bit) of `work` in `territory` at `at_ms`?
LicenceAnswer CheckLicence(const StateReader& s, uint64_t work, const Address& licensee, std::string_view territory,
                           uint32_t right, uint64_t at_ms);
// The licence (ACTIVE, OFFERED or RESERVED, not ended at `now_ms`) that `terms` would conflict
// with: exclusive on either side and overlapping in territory, rights and time.
std::optional<uint64_t> FindConflict(const StateReader& s, uint64_t work, const LicenceTerms& terms, uint64_t now_ms,
                                     uint64_t ignore_id = 0);

// ---- rules (called by ledger.cpp) ----
struct TxFailure {
    std::string code;
    std::string message;
};
using Exec = Status<TxFailure>;

bool IsSettlementKind(TxKind k);
Status<Rejection> CheckSettlementStateless(const Transaction& tx);
// Stateful admission checks of settlement transactions (after the generic nonce/frozen checks).
Status<Rejection> CheckSettlementAgainstState(const StateReader& s, const Transaction& tx, uint64_t time_ms);
Exec ExecSettlement(Overlay& o, const Transaction& tx, const Hash256& tx_id, const BlockContext& ctx,
                    std::vector<Event>& events);
// Governance actions added with settlement.
Exec ExecGovSettlement(Overlay& o, const GovAction& a, const Hash256& tx_id, const BlockContext& ctx,
                       std::vector<Event>& events);
// Creates the work's revenue_split instance from its owners (called by register_work).
Exec CreateWorkSplit(Overlay& o, const Work& w, const Hash256& tx_id, const BlockContext& ctx, std::vector<Event>& events);
// Genesis: standard templates, the tax contract, payout TTL and initial balances.
bool GenesisSettlement(Overlay& o, const GenesisDoc& doc);

// ---- the VM host over the ledger ----
// Contract storage, balances (the same "b/" records accounts use), licences, events and
// instances, journaled so that Revert undoes them exactly. One per transaction; not thread-safe.
class LedgerHost final : public vm::Host {
public:
    LedgerHost(Overlay& o, const BlockContext& ctx, std::vector<Event>& events) : m_o(o), m_ctx(ctx), m_events(events) {}

    uint64_t Snapshot() override;
    void Revert(uint64_t snapshot) override;
    std::optional<Bytes> StorageGet(const Address& contract, ByteView key) override;
    void StoragePut(const Address& contract, ByteView key, ByteView value) override;
    int64_t Balance(const Address& account, vm::CurrencyCode currency) override;
    vm::HostStatus Transfer(const vm::CallContext& ctx, const Address& from, const Address& to,
                            vm::CurrencyCode currency, int64_t amount) override;
    vm::HostStatus Invoke(const vm::CallContext& ctx, vm::HostFn fn, ByteView args, Bytes& out) override;
    void Emit(const Address& contract, ByteView topic, ByteView data) override;
    vm::BlockInfo Block() override;
    vm::CodePtr ContractCode(const Address& contract) override;
    vm::HostStatus CreateContract(const Address& contract, const Hash256& code_hash) override;

    // Accounts credited by transfers that were not reverted (for automatic payouts).
    const std::vector<std::pair<Address, std::string>>& credited() const { return m_credited; }

private:
    struct Mark {
        size_t journal, events, credited;
    };
    void Put(Bytes key, std::optional<Bytes> value);

    Overlay& m_o;
    BlockContext m_ctx;
    std::vector<Event>& m_events;
    std::vector<std::pair<Bytes, std::optional<std::optional<Bytes>>>> m_journal;
    std::vector<Mark> m_marks;
    std::vector<std::pair<Address, std::string>> m_credited;
};

}  // namespace folio::state
