// LedgerHost: the VM's host over the ledger (host.h).
#include <node/state/host.h>

#include <algorithm>
#include <map>
#include <mutex>

#include <node/core/amount.h>
#include <node/state/contracts.h>
#include <node/state/records.h>
#include <vm/code.h>

namespace folio::state {

void LedgerHost::Put(Bytes key, std::optional<Bytes> value) {
    m_journal.emplace_back(key, m_o.PeekWrite(key));
    if (value) m_o.Put(std::move(key), std::move(*value));
    else m_o.Delete(std::move(key));
}

uint64_t LedgerHost::Snapshot() {
    m_marks.push_back(Mark{m_journal.size(), m_events.size(), m_credited.size()});
    return m_marks.size() - 1;
}

void LedgerHost::Revert(uint64_t snapshot) {
    if (snapshot >= m_marks.size()) return;
    Mark m = m_marks[snapshot];
    while (m_journal.size() > m.journal) {
        auto& [key, old] = m_journal.back();
        m_o.RestoreWrite(key, old);
        m_journal.pop_back();
    }
    m_events.resize(std::min(m_events.size(), m.events), EvThresholdSet{0});
    m_credited.resize(std::min(m_credited.size(), m.credited));
    m_marks.resize(snapshot);
}

std::optional<Bytes> LedgerHost::StorageGet(const Address& contract, ByteView key) {
    return m_o.Get(keys::ContractStorage(contract, key));
}

void LedgerHost::StoragePut(const Address& contract, ByteView key, ByteView value) {
    if (value.empty()) Put(keys::ContractStorage(contract, key), std::nullopt);
    else Put(keys::ContractStorage(contract, key), Bytes(value.begin(), value.end()));
}

int64_t LedgerHost::Balance(const Address& account, vm::CurrencyCode currency) {
    std::string cur = CurrencyText(currency);
    if (cur.empty() || !FindCurrency(cur)) return 0;
    return LoadBalance(m_o, account, cur);
}

vm::HostStatus LedgerHost::Transfer(const vm::CallContext& ctx, const Address& from, const Address& to,
                                    vm::CurrencyCode currency, int64_t amount) {
    std::string cur = CurrencyText(currency);
    if (cur.empty() || !FindCurrency(cur) || amount <= 0 || amount > MAX_AMOUNT) return vm::HostStatus::BAD_ARGS;
    // Who may be debited: the running contract itself, or the signer when it called this contract
    // directly (a bid escrowed from the bidder).
    bool allowed = from == ctx.self || (from == ctx.origin && ctx.caller == ctx.origin && ctx.depth == 0);
    if (!allowed) return vm::HostStatus::REFUSED;
    if (!IsContract(m_o, from) && LoadAccount(m_o, from).frozen) return vm::HostStatus::REFUSED;
    int64_t fb = LoadBalance(m_o, from, cur);
    if (fb < amount) return vm::HostStatus::INSUFFICIENT_FUNDS;
    if (from == to) return vm::HostStatus::OK;
    int64_t tb = LoadBalance(m_o, to, cur);
    if (tb > MAX_AMOUNT - amount) return vm::HostStatus::REFUSED;
    Put(keys::Balance(from, cur), fb - amount == 0 ? std::nullopt : std::optional<Bytes>(EncodeU64(static_cast<uint64_t>(fb - amount))));
    Put(keys::Balance(to, cur), EncodeU64(static_cast<uint64_t>(tb + amount)));
    if (!IsContract(m_o, to)) m_credited.emplace_back(to, cur);
    return vm::HostStatus::OK;
}

vm::HostStatus LedgerHost::Invoke(const vm::CallContext& ctx, vm::HostFn fn, ByteView args, Bytes& out) {
    switch (static_cast<uint8_t>(fn)) {
        case static_cast<uint8_t>(vm::HostFn::ACCOUNT_INFO): {
            if (args.size() != 32) return vm::HostStatus::BAD_ARGS;
            Account a = LoadAccount(m_o, Address::FromView(args));
            out.clear();
            out.push_back(static_cast<uint8_t>(a.kyc));
            if (a.residency.size() == 2) {
                out.push_back(static_cast<uint8_t>(a.residency[0]));
                out.push_back(static_cast<uint8_t>(a.residency[1]));
            } else {
                out.push_back(0);
                out.push_back(0);
            }
            return vm::HostStatus::OK;
        }
        case static_cast<uint8_t>(vm::HostFn::LICENCE_GET): {
            if (args.size() != 8) return vm::HostStatus::BAD_ARGS;
            uint64_t id = 0;
            for (size_t i = 0; i < 8; ++i) id |= static_cast<uint64_t>(args[i]) << (8 * i);
            auto l = LoadLicence(m_o, id);
            if (!l) return vm::HostStatus::NOT_FOUND;
            out = EncodeFields(*l);
            return vm::HostStatus::OK;
        }
        case static_cast<uint8_t>(vm::HostFn::LICENCE_ISSUE):
        case static_cast<uint8_t>(vm::HostFn::LICENCE_RELEASE): {
            // Only an auction instance may issue or release, and only the licence reserved for it.
            auto auction_id = LoadAuctionIdByContract(m_o, ctx.self);
            if (!auction_id) return vm::HostStatus::REFUSED;
            auto auction = LoadAuction(m_o, *auction_id);
            if (!auction) return vm::HostStatus::REFUSED;
            auto l = LoadLicence(m_o, auction->licence);
            if (!l || l->status != LicenceStatus::RESERVED) return vm::HostStatus::REFUSED;
            if (fn == vm::HostFn::LICENCE_ISSUE) {
                if (args.size() != 40) return vm::HostStatus::BAD_ARGS;
                if (!std::equal(args.begin() + 32, args.end(), Le64(static_cast<int64_t>(l->id)).begin()))
                    return vm::HostStatus::BAD_ARGS;
                l->licensee = Address::FromView(args.subspan(0, 32));
                l->status = LicenceStatus::ACTIVE;
                out = Le64(static_cast<int64_t>(l->id));
            } else {
                if (!args.empty()) return vm::HostStatus::BAD_ARGS;
                l->status = LicenceStatus::RELEASED;
                out.clear();
            }
            Put(keys::Licence(l->id), EncodeFields(*l));
            m_events.push_back(EvLicence{l->id, l->work, l->licensee, l->status});
            return vm::HostStatus::OK;
        }
        case static_cast<uint8_t>(vm::HostFn::NFT_OWNER): {
            if (args.size() != 8) return vm::HostStatus::BAD_ARGS;
            uint64_t id = 0;
            for (size_t i = 0; i < 8; ++i) id |= static_cast<uint64_t>(args[i]) << (8 * i);
            auto n = LoadNft(m_o, id);
            if (!n || n->burned) return vm::HostStatus::NOT_FOUND;
            out.assign(n->owner.view().begin(), n->owner.view().end());
            return vm::HostStatus::OK;
        }
        default: return vm::HostStatus::NOT_FOUND;  // NFT_TRANSFER by contracts is not offered yet
    }
}

void LedgerHost::Emit(const Address& contract, ByteView topic, ByteView data) {
    m_events.push_back(EvContract{contract, Bytes(topic.begin(), topic.end()), Bytes(data.begin(), data.end())});
}

vm::BlockInfo LedgerHost::Block() {
    return vm::BlockInfo{static_cast<int64_t>(m_ctx.height), static_cast<int64_t>(m_ctx.time_ms)};
}

namespace {
// Validated code per hash, shared by all hosts (validation is deterministic; the cache only saves
// time).
vm::CodePtr CachedCode(const Hash256& hash, const StateReader& s) {
    static std::mutex mu;
    static std::map<Hash256, vm::CodePtr> cache;
    {
        std::lock_guard lock(mu);
        auto it = cache.find(hash);
        if (it != cache.end()) return it->second;
    }
    auto raw = s.Get(keys::Template(hash));
    if (!raw) return nullptr;
    auto code = vm::Validate(*raw);
    if (!code) return nullptr;
    std::lock_guard lock(mu);
    cache.emplace(hash, code.value());
    return code.value();
}
}  // namespace

vm::CodePtr LedgerHost::ContractCode(const Address& contract) {
    auto hash = LoadInstanceCodeHash(m_o, contract);
    if (!hash) return nullptr;
    return CachedCode(*hash, m_o);
}

vm::HostStatus LedgerHost::CreateContract(const Address& contract, const Hash256& code_hash) {
    if (!m_o.Get(keys::Template(code_hash))) return vm::HostStatus::NOT_FOUND;
    if (m_o.Get(keys::ContractInstance(contract))) return vm::HostStatus::REFUSED;
    Put(keys::ContractInstance(contract), Bytes(code_hash.view().begin(), code_hash.view().end()));
    return vm::HostStatus::OK;
}


}  // namespace folio::state
