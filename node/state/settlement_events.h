#pragma once
// Settlement events: the payout instructions and outcomes, deposits and withholdings a payment
// service acts on, numbered at commit with a global `seq` (docs/settlement-events.md). Derived
// deterministically from a committed block's receipts, so every node assigns the same numbers.
// Pure; thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include <node/protocol/types.h>

namespace folio::state {

// The ledger's rules are written in the wire formats' vocabulary (node/protocol).
using namespace folio::protocol;

struct SettlementEvent {
    uint64_t seq = 0;
    Hash256 id;  // TaggedHash("folio/settlement_event", chain_id || 0x00 || height || tx id || u32 event index)
    uint64_t height = 0;
    Hash256 block_hash;
    Hash256 tx;             // the transaction, or the block step (BlockStepId) for payout_expired
    uint32_t tx_index = 0;  // the receipt's index in the block (tx_count for the block step)
    uint32_t event_index = 0;  // index in the receipt's events
    // payout_instruction, payout_confirmed, payout_failed, payout_expired, tax_withheld, deposit_credited,
    // aml_held, aml_blocked, aml_released, aml_rejected
    std::string kind;
    uint64_t payout_id = 0;
    Address payee, gateway;  // zero when not applicable
    std::string currency;
    int64_t amount = 0;
    std::string target_currency;  // payouts with conversion
    int64_t target_amount = 0;
    uint64_t rate_id = 0, rate_num = 0, rate_den = 0;
    uint64_t expires_ms = 0;
    std::string reference;  // deposit / confirmation reference
    std::string reason;     // failure reason
    std::string jurisdiction;  // tax_withheld: the source country
    Address tax_account;       // tax_withheld: where the tax went
    int64_t gross = 0;         // tax_withheld: the gross amount taxed
    uint64_t hold_id = 0;      // aml_*: the hold (payee = its `from`; gateway = a payout's gateway)
    std::string hold_kind;     // aml_*: payout or transfer
    Address recipient;         // aml_* of a transfer: its recipient
    std::string note;          // aml_released, aml_rejected: the compliance account's note
    Address decided_by;        // aml_released, aml_rejected: the compliance account
    bool operator==(const SettlementEvent&) const = default;
    FOLIO_FIELDS(seq, id, height, block_hash, tx, tx_index, event_index, kind, payout_id, payee, gateway, currency, amount,
                 target_currency, target_amount, rate_id, rate_num, rate_den, expires_ms, reference, reason, jurisdiction,
                 tax_account, gross, hold_id, hold_kind, recipient, note, decided_by)
};

// The settlement events of one committed block, numbered from `first_seq` in execution order:
// the block step's first, then the transactions'.
std::vector<SettlementEvent> ExtractSettlementEvents(const std::string& chain_id, const Block& block,
                                                     const std::vector<Receipt>& receipts, uint64_t first_seq);

}  // namespace folio::state
