#pragma once
// Every way a transaction can fail, in one enum (docs/errors.md). A failure is either a
// **rejection** (the transaction never enters a block; its nonce stays unused) or an **execution
// failure** (it is committed with success = false, its receipt's error_code names the rule); a few
// codes are both (a rule checked at admission and re-checked when the transaction executes).
// The snake_case names are a consensus format: receipts carry them and are hashed into the chain.
// Pure; thread-safe.
#include <cstdint>
#include <span>
#include <string>

#include <node/core/result.h>

namespace folio::state {

// Where a code can appear.
enum FailureUse : uint8_t {
    REJECTS = 1,  // a rejection: tx_submit's data.reason, BlockBuilder::TryAdd's error
    FAILS = 2,    // an execution failure: a receipt's error_code
};

// X(ENUM, "code", uses). Append only: the order is not a format, the names are.
#define FOLIO_FAILURES(X)                                                     \
    X(MALFORMED, "malformed", REJECTS)                                        \
    X(OVERSIZED, "oversized", REJECTS)                                        \
    X(WRONG_CHAIN, "wrong_chain_id", REJECTS)                                 \
    X(BAD_SIGNATURE, "bad_signature", REJECTS)                                \
    X(NONCE_TOO_LOW, "nonce_too_low", REJECTS)                                \
    X(NONCE_TOO_HIGH, "nonce_too_high", REJECTS)                              \
    X(EXPIRED, "expired", REJECTS)                                            \
    X(MISSING_PERMISSION, "missing_permission", REJECTS)                      \
    X(ACCOUNT_FROZEN, "account_frozen", REJECTS | FAILS)                      \
    X(INVALID_FIELD, "invalid_field", REJECTS)                                \
    X(DUPLICATE_FINGERPRINT, "duplicate_fingerprint", REJECTS | FAILS)        \
    X(MEMPOOL_FULL, "mempool_full", REJECTS)                                  \
    X(NOT_FOUND, "not_found", REJECTS | FAILS)                                \
    X(DUPLICATE_REFERENCE, "duplicate_deposit_reference", REJECTS | FAILS)    \
    X(PAYOUT_ALREADY_CONFIRMED, "payout_already_confirmed", REJECTS)          \
    X(PAYOUT_ALREADY_FAILED, "payout_already_failed", REJECTS)                \
    X(PAYOUT_ALREADY_EXPIRED, "payout_already_expired", REJECTS)              \
    X(LICENCE_CONFLICT, "licence_conflict", REJECTS | FAILS)                  \
    X(PROPOSAL_NOT_FOUND, "proposal_not_found", FAILS)                        \
    X(PROPOSAL_CLOSED, "proposal_closed", FAILS)                              \
    X(ALREADY_APPROVED, "already_approved", FAILS)                            \
    X(INVALID_THRESHOLD, "invalid_threshold", FAILS)                          \
    X(ROLE_ALREADY_HELD, "role_already_held", FAILS)                          \
    X(ROLE_NOT_HELD, "role_not_held", FAILS)                                  \
    X(WOULD_BREAK_QUORUM, "would_break_quorum", FAILS)                        \
    X(TEMPLATE_EXISTS, "template_exists", FAILS)                              \
    X(VALIDATOR_CHANGE_PENDING, "validator_change_pending", FAILS)            \
    X(ACTIVATION_TOO_SOON, "activation_too_soon", FAILS)                      \
    X(VALIDATOR_SET_UNCHANGED, "validator_set_unchanged", FAILS)              \
    X(INSUFFICIENT_FUNDS, "insufficient_funds", FAILS)                        \
    X(KYC_REQUIRED, "kyc_required", REJECTS | FAILS)                          \
    X(NO_PAYOUT_PREFS, "no_payout_prefs", FAILS)                              \
    X(GATEWAY_REVOKED, "gateway_revoked", FAILS)                              \
    X(NO_FX_RATE, "no_fx_rate", FAILS)                                        \
    X(FX_OUT_OF_RANGE, "fx_out_of_range", FAILS)                              \
    X(PAYOUT_NOT_PENDING, "payout_not_pending", FAILS)                        \
    X(BALANCE_OVERFLOW, "balance_overflow", FAILS)                            \
    X(SUPPLY_OVERFLOW, "supply_overflow", FAILS)                              \
    X(AMOUNT_ZERO, "amount_zero", FAILS)                                      \
    X(NOT_OFFERED, "not_offered", FAILS)                                      \
    X(LICENCE_ENDED, "licence_ended", FAILS)                                  \
    X(CONTRACT_FAILED, "contract_failed", FAILS)                              \
    X(OUT_OF_GAS, "out_of_gas", FAILS)                                        \
    X(CONTRACT_RECIPIENT, "contract_recipient", FAILS)                        \
    X(COLLECTION_EXISTS, "collection_exists", FAILS)                          \
    X(NO_CHANGE, "no_change", FAILS)                                          \
    X(DUPLICATE_IDENTIFIER, "duplicate_identifier", REJECTS | FAILS)          \
    X(FX_RATE_STALE, "fx_rate_stale", FAILS)                                  \
    X(PROPOSAL_EXPIRED, "proposal_expired", FAILS)                            \
    X(RETIRED_KIND, "retired_kind", REJECTS)                                  \
    X(TEMPLATE_VERSION, "template_version", FAILS)                            \
    X(FAN_TOKEN_CAP, "fan_token_cap", REJECTS | FAILS)                        \
    X(HOLD_DECIDED, "hold_decided", REJECTS | FAILS)                          \
    X(SANCTIONED, "sanctioned", REJECTS | FAILS)                              \
    X(NOT_SUBLICENSABLE, "not_sublicensable", REJECTS | FAILS)                \
    X(SUBLICENCE_SCOPE, "sublicence_scope", REJECTS)

enum class Failure : uint8_t {
#define FOLIO_FAILURE_ENUM(e, name, uses) e,
    FOLIO_FAILURES(FOLIO_FAILURE_ENUM)
#undef FOLIO_FAILURE_ENUM
};

struct FailureInfo {
    Failure failure;
    const char* name;  // the stable snake_case code
    uint8_t uses;      // FailureUse bits
};
// One row per Failure, in enum order.
std::span<const FailureInfo> AllFailures();
// The stable snake_case code, listed in docs/errors.md.
const char* FailureName(Failure f);
bool IsRejection(Failure f);         // may reject a transaction (it never enters a block)
bool IsExecutionFailure(Failure f);  // may be committed in a receipt with success = false

// Today's names for callers outside node/state.
using Reject = Failure;
inline const char* RejectCode(Reject r) { return FailureName(r); }

// Why a transaction is rejected.
struct Rejection {
    Failure code{};
    std::string message;
};
// Why a transaction that entered a block failed (its receipt's error_code and error_message).
struct TxFailure {
    Failure code{};
    std::string message;
};
using Exec = Status<TxFailure>;

inline Unexpected<Rejection> Rej(Failure code, std::string msg) { return Fail(Rejection{code, std::move(msg)}); }
inline Unexpected<TxFailure> TxFail(Failure code, std::string msg) { return Fail(TxFailure{code, std::move(msg)}); }

}  // namespace folio::state
