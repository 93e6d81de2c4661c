#pragma once
// LedgerHost: the VM's host over a state overlay (vm/host.h). Contract storage, balances (the
// same "b/" records accounts use), licences, events and instances, journaled so that Revert
// undoes them exactly. Implemented in host.cpp. One per transaction; not thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <node/state/overlay.h>
#include <vm/host.h>

namespace folio::state {

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
