#pragma once
// One declaration of the transaction kinds: a row per TxKind with its stateless check, its check
// against state, its effect, and the roles its sender needs (docs/state.md). CheckStateless,
// CheckAgainstState and ApplyTx (ledger.h) dispatch through this table. Adding a kind = one
// domain file + one row in kinds.cpp. Pure; the table is immutable and thread-safe.
#include <cstdint>
#include <span>

#include <node/state/failures.h>
#include <node/state/overlay.h>
#include <node/state/tx_context.h>

namespace folio::state {

// Structural rules of the body (no state). The chain id is checked before, for every kind.
using StatelessCheck = Status<Rejection> (*)(const Transaction& tx);
// Rules against the state at admission and at the transaction's position in a block. The nonce,
// expiry, frozen sender and `roles` are checked before, for every kind.
using StateCheck = Status<Rejection> (*)(const StateReader& s, const Transaction& tx, uint64_t time_ms);
// The effect, on x.o (a scratch overlay: kept only if this returns Ok).
using Effect = Exec (*)(TxContext& x);

struct KindRule {
    TxKind kind;
    RoleSet roles;             // the sender must hold one of these (0: anyone; the check decides)
    StatelessCheck stateless;  // nullptr: none
    StateCheck against_state;  // nullptr: none
    Effect effect;
    bool auto_payouts;  // after success, accounts credited up to their payout threshold are paid out
};

// The row of `k`; nullptr only for a value that is not a TxKind.
const KindRule* FindKindRule(TxKind k);
// Every row, in TxKind order.
std::span<const KindRule> KindRules();

}  // namespace folio::state
