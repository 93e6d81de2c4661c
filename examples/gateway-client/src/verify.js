// Offline verification of a settlement event against its proof (settlement_proof), so a gateway
// need not trust the node it is connected to before it pays (docs/settlement-events.md).
import { sha256 } from '@noble/hashes/sha2';
import {
  hexToBytes, bytesToHex, decodeHeader, blockHash, decodeCommitCert, verifyCommit, merkleVerify, decodeReceipt,
  formatAmount, settlementEventId, blockStepId, validatorSetAt, PAYOUT_STATUS, DecodeError,
} from './folio.js';

// The trust anchor: the chain id and validator keys of the genesis file.
export function trustFromGenesis(genesis) {
  if (!genesis || typeof genesis.chain_id !== 'string' || !Array.isArray(genesis.validators))
    throw new Error('genesis: chain_id and validators are required');
  return { chainId: genesis.chain_id, validators: genesis.validators.map((v) => v.key) };
}

const STATUS_OF_KIND = { payout_instruction: 0, payout_confirmed: 1, payout_failed: 2, payout_expired: 3 };

// Verifies that `event` (what the node claims, e.g. a notification) is proven by `proof`
// (settlement_proof's answer) under `trust` ({chainId, validators}: the genesis). The block's
// signers are checked against the validator set in force at its height, reached from the genesis
// set through the proof's validator_handoffs, each certified by the set before it. Returns
// {ok: true, payout} or {ok: false, reason}. Never throws.
export function verifyPayoutEvent(event, proof, trust) {
  try {
    return check(event, proof, trust);
  } catch (e) {
    return { ok: /** @type {const} */ (false), reason: e instanceof DecodeError ? `malformed proof: ${e.message}` : `proof check failed: ${e.message}` };
  }
}

function check(event, proof, trust) {
  const fail = (reason) => ({ ok: /** @type {const} */ (false), reason: String(reason) });
  if (!event || typeof event !== 'object') return fail('no event');
  const status = STATUS_OF_KIND[event.kind];
  if (status === undefined) return fail(`event kind ${event.kind} is not a payout event`);
  if (!proof || typeof proof !== 'object') return fail('no proof');
  if (!proof.commit) return fail('the block has no commit certificate yet');

  // 1. The header, its hash, and the validators' commit signatures over it.
  const headerBytes = hexToBytes(proof.header, 'header');
  const header = decodeHeader(headerBytes);
  if (header.chain_id !== trust.chainId)
    return fail(`the header is for chain '${header.chain_id}', the genesis is for '${trust.chainId}'`);
  if (BigInt(event.height) !== header.height)
    return fail(`the event claims height ${event.height}, the proven header is at ${header.height}`);
  const bh = blockHash(headerBytes);
  if (bytesToHex(bh) !== event.block_hash)
    return fail(`the event claims block ${event.block_hash}, the header hashes to ${bytesToHex(bh)}`);
  // The set that must sign this block: the genesis set, then each hand-off's in turn. A node that
  // predates validator_handoffs sends none (only a genesis-set block verifies then).
  const set = validatorSetAt(trust.chainId, header.height, proof.validator_handoffs ?? [], trust.validators);
  if (!set.ok) return fail(set.reason);
  const sigs = decodeCommitCert(hexToBytes(proof.commit, 'commit'));
  const setName = set.epoch === 0 ? 'the genesis validator set' : `the validator set of epoch ${set.epoch}`;
  const why = verifyCommit(trust.chainId, header.height, bh, sigs, set.validators, setName);
  if (why) return fail(why);

  // 2. The receipt is in the block: its SHA-256 at receipt_index under receipts_root. A block has a
  // receipt per transaction, then the block step's when it expired payouts (checked in 3).
  if (proof.receipt_count !== header.tx_count && proof.receipt_count !== header.tx_count + 1)
    return fail(`the proof counts ${proof.receipt_count} receipts, the header ${header.tx_count} transactions`);
  if (proof.receipt_index !== event.tx_index)
    return fail(`the proof is for receipt ${proof.receipt_index}, the event for transaction ${event.tx_index}`);
  const receiptBytes = hexToBytes(proof.receipt, 'receipt');
  if (!Array.isArray(proof.receipt_proof)) return fail('no receipt path');
  if (!merkleVerify(header.receipts_root, sha256(receiptBytes), proof.receipt_index, proof.receipt_count, proof.receipt_proof))
    return fail('the receipt is not at its index under the header\'s receipts_root (Merkle path does not verify)');

  // 3. The receipt carries this payout event.
  const idx = event.event_index;
  if (!Number.isInteger(idx) || idx < 0) return fail('the event has no event_index');
  const rc = decodeReceipt(receiptBytes, idx);
  if (rc.tx_id !== event.tx) return fail(`the receipt is of transaction ${rc.tx_id}, the event claims ${event.tx}`);
  if (proof.receipt_index === header.tx_count && rc.tx_id !== blockStepId(trust.chainId, header.height))
    return fail('the receipt after the transactions\' is not the block step\'s');
  if (!rc.success) return fail(`the transaction failed (${rc.error_code}): it instructs nothing`);
  if (idx >= rc.event_count) return fail(`the receipt has ${rc.event_count} events, the event claims index ${idx}`);
  const ev = rc.events[idx];
  if (ev.type !== 'payout') return fail(`receipt event ${idx} is ${ev.type}, not a payout`);
  if (ev.status !== status)
    return fail(`receipt event ${idx} is a ${PAYOUT_STATUS[ev.status] ?? ev.status} payout, the event claims ${event.kind}`);
  const mismatch = (what, proven, claimed) => fail(`${what} differs: the ledger says ${proven}, the event says ${claimed}`);
  if (ev.id !== BigInt(event.payout_id)) return mismatch('payout id', ev.id, event.payout_id);
  if (ev.payee !== event.payee) return mismatch('payee', ev.payee, event.payee);
  if (ev.gateway !== event.gateway) return mismatch('gateway', ev.gateway, event.gateway);
  const amt = event.amount || {};
  if (ev.currency !== amt.currency) return mismatch('currency', ev.currency, amt.currency);
  const proven = formatAmount(ev.amount, ev.currency);
  if (proven !== amt.amount) return mismatch('amount', `${proven} ${ev.currency}`, `${amt.amount} ${amt.currency}`);
  if (ev.rate_id !== 0n) {
    const t = event.target || {};
    const pt = formatAmount(ev.target_amount, ev.target_currency);
    if (t.currency !== ev.target_currency || t.amount !== pt)
      return mismatch('target amount', `${pt} ${ev.target_currency}`, `${t.amount} ${t.currency}`);
  } else if (event.target) {
    return fail('the event claims a currency conversion the ledger did not make');
  }
  if (event.id !== settlementEventId(trust.chainId, header.height, rc.tx_id, idx))
    return fail('the event id is not the id of this ledger event');
  const payout = {
    id: Number(ev.id), payee: ev.payee, gateway: ev.gateway, amount: proven, currency: ev.currency,
    target: ev.rate_id !== 0n ? { amount: formatAmount(ev.target_amount, ev.target_currency), currency: ev.target_currency } : null,
    height: Number(header.height), tx: rc.tx_id, validatorEpoch: set.epoch,
  };
  return { ok: /** @type {const} */ (true), payout };
}
