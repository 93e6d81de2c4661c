#pragma once
// Block assembly in one place: the next block's context from its parent, and ExecuteBatch, which
// runs an ordered batch of transactions on the parent state and returns the executed block —
// header (tx, receipts and state roots), receipts, writes, the state map's new nodes — and the
// transactions it left out with their reasons. Proposers (a mempool's candidates) and BFT
// replicas (a committed batch) call the same function, so every node builds the same block from
// the same input. Pure apart from folio::Fatal when the node's own state map is inconsistent.
// Not thread-safe with respect to `parent` and `nodes` (the caller keeps them stable).
#include <cstdint>
#include <vector>

#include <node/core/smt.h>
#include <node/state/ledger.h>

namespace folio::state {

// The context of the block after `parent`: height + 1, `time_ms` made monotonic (at least the
// parent's time + 1), `proposer`.
BlockContext NextBlockContext(const BlockHeader& parent, uint64_t time_ms, const Address& proposer);

struct BatchEvidence {
    Hash256 id;
    Address signer;
    Bytes encoded;
};

struct SkippedTx {
    size_t index = 0;  // in the batch
    Rejection why;     // NONCE_TOO_HIGH: a gap left by an earlier skip; it may fit a later block
};

struct ExecutedBlock {
    Block block;  // txs: the batch's transactions that entered, in order; header complete
    Hash256 hash;
    std::vector<Receipt> receipts;
    WriteSet writes;
    std::vector<std::pair<Hash256, Bytes>> smt_nodes;  // to store at version block.header.height
    std::vector<std::pair<uint64_t, Hash256>> smt_stale;  // records unreferenced from this version on (SmtUpdate)
    std::vector<SkippedTx> skipped;
};

// Executes `txs` (signatures verified by the caller; each decoded once, with its bytes and id,
// which become the receipt's tx_id and the tx root: nothing is re-encoded or re-hashed here) in
// order on `parent` (the state after
// `parent_header`; its state map's nodes read through `nodes`) as the block of `ctx`. A
// transaction invalid at its position is left out (ExecutedBlock::skipped). Then records
// `evidence` (verified by the caller against the validator set in force) and, when
// `next_validators` is given, the validator-set change this block ends its epoch with.
ExecutedBlock ExecuteBatch(const StateReader& parent, const SmtNodeReader& nodes, const BlockHeader& parent_header,
                           const ChainParams& params, const BlockContext& ctx, std::vector<protocol::DecodedTx> txs,
                           const std::vector<BatchEvidence>& evidence = {},
                           const std::vector<Address>* next_validators = nullptr);

}  // namespace folio::state
