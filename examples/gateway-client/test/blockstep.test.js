// A payout that expires is ended by the block step, not a transaction: its receipt comes after the
// block's transactions' receipts (receipt number tx_count) with the id blockStepId(chain, height)
// (docs/settlement.md, "Expiry"). The proof check accepts exactly that, and refuses a receipt in
// that place with another id, and a receipt count that is neither tx_count nor tx_count + 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockStepId, verifyPayoutEvent, trustFromGenesis } from '../src/index.js';
import { validators, validator, expiredPayoutProof } from './synth.js';

const CHAIN = 'folio-test-step';
const set = validators(4);
const trust = trustFromGenesis({ chain_id: CHAIN, validators: set.map((v) => ({ key: v.key })) });
const payee = validator('payee').key;
const gateway = validator('gateway').key;

test('blockStepId is TaggedHash("folio/block_step", chain || 0x00 || u64le height), as the node computes it', () => {
  // The same vector is checked against protocol::BlockStepId in protocol_tests (computed with Python's hashlib).
  assert.equal(blockStepId('folio-test-step', 7), '190d3e426799d6ccea459b92d966be7575280628352b8bbfc4ffbb6ae24951f6');
  assert.equal(blockStepId('folio-test-step', 7n), blockStepId('folio-test-step', 7));
  assert.notEqual(blockStepId(CHAIN, 7), blockStepId(CHAIN, 8));
});

test('an expired payout from the block step verifies; another receipt in its place does not', () => {
  const good = expiredPayoutProof({ chainId: CHAIN, seq: 5, height: 40, payoutId: 2, payee, gateway, stepId: blockStepId(CHAIN, 40), signers: set });
  const ok = verifyPayoutEvent(good.event, good.proof, trust);
  assert.equal(ok.ok, true, ok.reason);
  assert.equal(ok.payout.amount, '45.50');

  const fake = expiredPayoutProof({ chainId: CHAIN, seq: 5, height: 40, payoutId: 2, payee, gateway, stepId: 'ab'.repeat(32), signers: set });
  const bad = verifyPayoutEvent(fake.event, fake.proof, trust);
  assert.equal(bad.ok, false);
  assert.match(bad.reason, /not the block step's/);

  const other = expiredPayoutProof({ chainId: CHAIN, seq: 5, height: 40, payoutId: 2, payee, gateway, stepId: blockStepId(CHAIN, 41), signers: set });
  assert.match(verifyPayoutEvent(other.event, other.proof, trust).reason, /not the block step's/);

  const counted = { ...good.proof, receipt_count: 3 };
  assert.match(verifyPayoutEvent(good.event, counted, trust).reason, /counts 3 receipts, the header 1 transactions/);
});
