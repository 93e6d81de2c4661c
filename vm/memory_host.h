#pragma once
// MemoryHost: a complete in-memory Host with journaling, for tests, fuzzing, golden vectors and
// the benchmark. All state lives in one ordered map of byte keys (so Dump() is canonical) and
// every change, including events and contract instances, is journaled for Revert().
//
// Rules it enforces (the ledger's host may be stricter; docs/vm.md):
// - Transfer: 0 < amount <= MAX_AMOUNT (else BAD_ARGS); `from` must be the running contract, or
//   the transaction signer when the signer called this contract directly (else REFUSED);
//   from's balance >= amount (else INSUFFICIENT_FUNDS); to's balance stays <= MAX_AMOUNT.
// - LICENCE_ISSUE stores (issuer = running contract, terms) under the next id (1, 2, ...).
// - NFT_TRANSFER: the token's owner must be the running contract, or the signer calling directly.
// - ACCOUNT_INFO returns what SetAccountInfo stored ({0, 0, 0} for an unknown account).
// - LICENCE_RELEASE records "released" for the running contract; a second release is REFUSED.
// Not thread-safe.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vm/host.h>

namespace folio::vm {

// One emitted event, in emission order.
struct Event {
    Address contract;
    Bytes topic;
    Bytes data;
    bool operator==(const Event&) const = default;
};

// Byte-wise lexicographic order (memcmp; also avoids a GCC 12 -O3 false stringop warning of
// std::vector's operator<=>).
struct BytesLess {
    bool operator()(const Bytes& a, const Bytes& b) const;
};
using StateMap = std::map<Bytes, Bytes, BytesLess>;

class MemoryHost final : public Host {
public:
    // Test setup (journaled like any change).
    void SetBalance(const Address& account, CurrencyCode currency, int64_t amount);
    // Creates token `id` owned by `owner`.
    void SetNftOwner(uint64_t token, const Address& owner);
    // What HOSTCALL ACCOUNT_INFO answers for `account`: kyc (0 none, 1 verified, 2 revoked) and
    // residency ("BR"; anything but two characters means none).
    void SetAccountInfo(const Address& account, uint8_t kyc, std::string_view residency);
    void SetBlock(BlockInfo block) { m_block = block; }
    // Stores validated code under its hash (content-addressed, idempotent, not journaled).
    Hash256 InstallCode(CodePtr code);

    // Host.
    uint64_t Snapshot() override { return m_journal.size(); }
    void Revert(uint64_t snapshot) override;
    std::optional<Bytes> StorageGet(const Address& contract, ByteView key) override;
    void StoragePut(const Address& contract, ByteView key, ByteView value) override;
    int64_t Balance(const Address& account, CurrencyCode currency) override;
    HostStatus Transfer(const CallContext& ctx, const Address& from, const Address& to,
                        CurrencyCode currency, int64_t amount) override;
    HostStatus Invoke(const CallContext& ctx, HostFn fn, ByteView args, Bytes& out) override;
    void Emit(const Address& contract, ByteView topic, ByteView data) override;
    BlockInfo Block() override { return m_block; }
    CodePtr ContractCode(const Address& contract) override;
    HostStatus CreateContract(const Address& contract, const Hash256& code_hash) override;

    // Inspection.
    const std::vector<Event>& Events() const { return m_events; }
    const StateMap& State() const { return m_state; }
    // Every state entry, one per line in key order, "<kind>:<addr8>:<rest hex>=<value hex>", then
    // every event "event <addr8> <topic hex> <data hex>". Equal strings mean equal state.
    std::string Dump() const;

private:
    struct Undo {
        bool is_event = false;
        Bytes key;
        std::optional<Bytes> old;
    };
    void Put(Bytes key, std::optional<Bytes> value);
    std::optional<Bytes> Get(const Bytes& key) const;

    StateMap m_state;
    std::vector<Event> m_events;
    std::vector<Undo> m_journal;
    std::map<Hash256, CodePtr> m_codes;
    BlockInfo m_block;
};

}  // namespace folio::vm
