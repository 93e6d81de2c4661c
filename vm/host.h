#pragma once
// The Host: the VM's only way to the ledger (as EVMC's host context is evmone's). The VM never
// touches state directly; every read and write goes through these calls, and every write must be
// journaled by the host so that Revert(Snapshot()) undoes it exactly (storage, balances,
// licences, NFTs, events and contract instances alike).
//
// A Host is used by one execution at a time (not thread-safe). Implementations must be
// deterministic: the same calls on the same state give the same answers.
#include <cstdint>
#include <optional>

#include <node/core/bytes.h>
#include <node/core/hash.h>
#include <node/core/keys.h>
#include <vm/code.h>

namespace folio::vm {

// A currency on the VM's stack: the three ASCII letters of its ISO 4217 code, little-endian
// ("USD" = 'U' | 'S' << 8 | 'D' << 16 = 0x445355).
using CurrencyCode = uint32_t;
constexpr CurrencyCode PackCurrency(char a, char b, char c) {
    return static_cast<CurrencyCode>(static_cast<uint8_t>(a)) |
           static_cast<CurrencyCode>(static_cast<uint8_t>(b)) << 8 |
           static_cast<CurrencyCode>(static_cast<uint8_t>(c)) << 16;
}

enum class HostStatus : uint8_t {
    OK = 0,
    NOT_FOUND,           // the object asked for does not exist (HOSTCALL pushes -1)
    REFUSED,             // a ledger rule forbids it (permission, frozen account, ...)
    INSUFFICIENT_FUNDS,  // the payer's balance is too low
    BAD_ARGS,            // the encoded arguments are malformed
};
const char* HostStatusName(HostStatus s);

// Functions reached through the HOSTCALL opcode. Arguments and results are opaque byte strings to
// the VM; their encodings are the host's contract with the standard contracts (docs/vm.md lists
// MemoryHost's). Numbers are stable: they are part of deployed bytecode.
enum class HostFn : uint8_t {
    LICENCE_ISSUE = 1,  // args: licence terms (canonical bytes); out: u64 LE licence id
    LICENCE_GET = 2,    // args: u64 LE id; out: issuer (32 bytes) || terms
    NFT_OWNER = 3,      // args: u64 LE token id; out: owner address (32 bytes)
    NFT_TRANSFER = 4,   // args: u64 LE token id || to (32 bytes); out: empty
    ACCOUNT_INFO = 5,   // args: address (32 bytes); out: KYC status (1 byte: 0 none, 1 verified,
                        // 2 revoked) || residency (2 ASCII bytes, ISO 3166-1 alpha-2; two zero
                        // bytes if none). An unknown account is {0, 0, 0}.
    LICENCE_RELEASE = 6,  // args: empty; out: empty. Releases the licence reserved for the calling
                          // contract (an auction that closed without a winner).
};

// Who is executing: passed with every state-changing call so the host can enforce its rules.
struct CallContext {
    Address self;    // the running contract
    Address caller;  // the account or contract that called it
    Address origin;  // the signer of the transaction
    uint32_t depth = 0;  // 0 for the transaction's own call
};

struct BlockInfo {
    int64_t height = 0;
    int64_t time_ms = 0;  // the block header's time, unix milliseconds
};

class Host {
public:
    virtual ~Host() = default;

    // Journaling. Snapshot() returns an id; Revert(id) undoes every change made since that
    // Snapshot() (nested snapshots are reverted innermost first). Ids of reverted snapshots must
    // not be reused by the caller.
    virtual uint64_t Snapshot() = 0;
    virtual void Revert(uint64_t snapshot) = 0;

    // Contract storage of `contract`: key bytes -> value bytes. An empty value deletes the key.
    virtual std::optional<Bytes> StorageGet(const Address& contract, ByteView key) = 0;
    virtual void StoragePut(const Address& contract, ByteView key, ByteView value) = 0;

    // Balance of `account` in `currency`, in minor units (0 if none).
    virtual int64_t Balance(const Address& account, CurrencyCode currency) = 0;
    // Moves `amount` minor units; the host enforces who may debit `from` (see MemoryHost) and
    // the amount range, and may refuse.
    virtual HostStatus Transfer(const CallContext& ctx, const Address& from, const Address& to,
                                CurrencyCode currency, int64_t amount) = 0;

    // Licences and NFTs, opaque to the VM. `out` receives the result bytes.
    virtual HostStatus Invoke(const CallContext& ctx, HostFn fn, ByteView args, Bytes& out) = 0;

    // Appends an event of `contract` to the transaction's receipt (journaled).
    virtual void Emit(const Address& contract, ByteView topic, ByteView data) = 0;

    virtual BlockInfo Block() = 0;

    // The validated code of the contract instance at `contract`, or null if there is none.
    virtual CodePtr ContractCode(const Address& contract) = 0;
    // Creates the instance record {code_hash} at `contract` (journaled). NOT_FOUND if no code
    // with that hash is stored, REFUSED if the address is taken.
    virtual HostStatus CreateContract(const Address& contract, const Hash256& code_hash) = 0;
};

}  // namespace folio::vm
