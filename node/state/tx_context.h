#pragma once
// What a transaction's effect works with: the overlay it writes (a scratch layer over the block,
// absorbed only if the transaction succeeds), the transaction and its id, the block, the events
// its receipt will carry, the contract host over the same overlay, and the accounts it credited.
// One per executing transaction (AutoPayouts makes a child per attempt); not thread-safe.
#include <string>
#include <utility>
#include <vector>

#include <node/state/host.h>
#include <node/state/overlay.h>

namespace folio::state {

struct TxContext {
    Overlay& o;
    const Transaction& tx;
    const Hash256& tx_id;
    const BlockContext& block;
    std::vector<Event>& events;
    LedgerHost host;  // contract calls: over `o`, emitting into `events`
    // Accounts (not contracts) credited by the ledger's own moves; with host.credited(), the
    // candidates for automatic payouts.
    std::vector<std::pair<Address, std::string>> credited;

    TxContext(Overlay& o_, const Transaction& tx_, const Hash256& tx_id_, const BlockContext& block_,
              std::vector<Event>& events_)
        : o(o_), tx(tx_), tx_id(tx_id_), block(block_), events(events_), host(o_, block_, events_) {}
    TxContext(const TxContext&) = delete;
    TxContext& operator=(const TxContext&) = delete;
};

}  // namespace folio::state
