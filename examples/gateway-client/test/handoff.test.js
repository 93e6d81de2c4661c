// Following validator-set hand-offs from the genesis set (validatorSetAt, the client's SetInForce
// of node/protocol/certificate.cpp): each hand-off must be certified by the set before it and
// prove the next set under its block's state root; any tampering is refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/hashes/utils';
import { validatorSetAt, verifyCommit, decodeCommitCert, decodeHandoff, decodeSmtProof, smtVerifyInclusion, hexToBytes } from '../src/folio.js';
import { validators, certifiedBlock, handoff, encodeHandoff } from './synth.js';

const CHAIN = 'folio-test';
const g = validators(4);           // genesis v0..v3
const e1 = validators(4, 10);      // epoch 1 (from height 21)
const e2 = validators(5, 20);      // epoch 2 (from height 41)
const keys = (s) => s.map((v) => v.key);
const h1 = handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: keys(e1), signers: g.slice(0, 3) });
const h2 = handoff({ chainId: CHAIN, epoch: 2, lastHeight: 40, members: keys(e2), signers: e1 });
const flip = (hex, i) => {
  const b = hexToBytes(hex);
  b[i] ^= 1;
  return bytesToHex(b);
};
const refused = (r, re) => {
  assert.equal(r.ok, false, 'must be refused');
  assert.match(r.reason, re);
};

test('no hand-offs: the genesis set', () => {
  assert.deepEqual(validatorSetAt(CHAIN, 7, [], keys(g)), { ok: true, validators: keys(g), epoch: 0, fromHeight: 1 });
});

test('two hand-offs lead to the set of epoch 2, which signs blocks from height 41', () => {
  const s = validatorSetAt(CHAIN, 50, [h1.hex, h2.hex], keys(g));
  assert.deepEqual(s, { ok: true, validators: keys(e2), epoch: 2, fromHeight: 41 });
  const b = certifiedBlock(CHAIN, 50, e2.slice(0, 4));
  assert.equal(verifyCommit(CHAIN, 50n, b.hash, decodeCommitCert(b.commit), s.validators), '');
  // Without the hand-offs, that block's signers are not the genesis set's.
  assert.match(verifyCommit(CHAIN, 50n, b.hash, decodeCommitCert(b.commit), keys(g)), /not in the genesis validator set/);
  // The hand-off's parts decode, and its state proof shows the record.
  const d = decodeHandoff(hexToBytes(h1.hex));
  assert.deepEqual(d.record, h1.record);
  assert.equal(decodeSmtProof(d.proof).siblings.length, 1);
});

test('the last block of an epoch is signed by the old set: from_height is the next block', () => {
  assert.equal(validatorSetAt(CHAIN, 21, [h1.hex], keys(g)).ok, true);
  refused(validatorSetAt(CHAIN, 20, [h1.hex], keys(g)), /height 20\) is older than the last validator hand-off \(from height 21\)/);
  refused(validatorSetAt(CHAIN, 40, [h1.hex, h2.hex], keys(g)), /older than the last validator hand-off/);
});

const TAMPERED = [
  ['a header byte flipped (another block: the signatures do not match)', () => [flip(h1.hex, 1 + 1 + 20), h2.hex], /^validator hand-off 1: commit signature by validator [0-9a-f]{64} is invalid/],
  ['a signature byte flipped', () => {
    const d = decodeHandoff(hexToBytes(h1.hex));
    d.commit[1 + 1 + 32 + 5] ^= 1;
    return [bytesToHex(encodeHandoff(d)), h2.hex];
  }, /^validator hand-off 1: commit signature by validator .* is invalid/],
  ['the record changed (another set: not under the state root)', () => {
    const d = decodeHandoff(hexToBytes(h1.hex));
    d.record[d.record.length - 40] ^= 1;  // a byte of the last member
    return [bytesToHex(encodeHandoff(d)), h2.hex];
  }, /^validator hand-off 1: the state proof does not show this validator set/],
  ['the state proof altered', () => {
    const d = decodeHandoff(hexToBytes(h1.hex));
    d.proof[3] ^= 1;
    return [bytesToHex(encodeHandoff(d)), h2.hex];
  }, /^validator hand-off 1: the state proof does not show/],
  ['a trailing byte', () => [h1.hex + '00', h2.hex], /^validator hand-off 1: does not decode: trailing_bytes/],
  ['truncated', () => [h1.hex.slice(0, 200), h2.hex], /^validator hand-off 1: does not decode: truncated/],
  ['the second hand-off signed by the genesis set instead of epoch 1', () =>
    [h1.hex, handoff({ chainId: CHAIN, epoch: 2, lastHeight: 40, members: keys(e2), signers: g }).hex],
  /^validator hand-off 2: commit signature by [0-9a-f]{64}, which is not in the validator set of epoch 1/],
  ['signed by too few of the old set', () =>
    [handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: keys(e1), signers: g.slice(0, 2) }).hex, h2.hex],
  /^validator hand-off 1: the commit certificate has 2 validator signatures, 3 of 4 are needed/],
  ['signed by strangers', () =>
    [handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: keys(e1), signers: e1 }).hex, h2.hex],
  /^validator hand-off 1: commit signature by .*, which is not in the genesis validator set/],
  ['a record of the wrong epoch', () =>
    [handoff({ chainId: CHAIN, epoch: 1, recordEpoch: 2, lastHeight: 20, members: keys(e1), signers: g }).hex, h2.hex],
  /^validator hand-off 1: the record is not the next epoch's set/],
  ['a record not in force from the next block', () =>
    [handoff({ chainId: CHAIN, epoch: 1, fromHeight: 25, lastHeight: 20, members: keys(e1), signers: g }).hex, h2.hex],
  /^validator hand-off 1: the record is not the next epoch's set, in force from the next block/],
  ['an empty set', () =>
    [handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: [], signers: g }).hex],
  /^validator hand-off 1: the record is not the next epoch's set/],
  ['another chain', () =>
    [handoff({ chainId: CHAIN, headerChainId: 'other', epoch: 1, lastHeight: 20, members: keys(e1), signers: g }).hex, h2.hex],
  /^validator hand-off 1: the block header is for another chain/],
  ['out of order', () => [h2.hex, h1.hex], /^validator hand-off 1: (commit signature|the record is not)/],
  ['repeated', () => [h1.hex, h1.hex, h2.hex], /^validator hand-off 2: (out of order|commit signature)/],
  ['not hex', () => ['zz', h2.hex], /^validator hand-off 1: does not decode: hand-off is not lowercase hex/],
];
for (const [name, make, re] of TAMPERED) {
  test(`refused: ${name}`, (t) => {
    const r = validatorSetAt(CHAIN, 50, make(), keys(g));
    refused(r, re);
    t.diagnostic(`reason: ${r.reason}`);
  });
}

test('refused: not a list', () => refused(validatorSetAt(CHAIN, 50, 'ab', keys(g)), /not a list/));

test('SMT inclusion: the fold follows the key bits; another key or value is refused', () => {
  const d = decodeHandoff(hexToBytes(h1.hex));
  const p = decodeSmtProof(d.proof);
  const root = bytesToHex(new Uint8Array(32));
  assert.equal(smtVerifyInclusion(root, p.leaf.key, p.leaf.valueHash, p), false);
  const other = p.leaf.key.slice();
  other[31] ^= 1;
  assert.equal(smtVerifyInclusion(root, other, p.leaf.valueHash, p), false);
  assert.throws(() => decodeSmtProof(Uint8Array.of(1, ...new Uint8Array(32), 0)), /empty sibling/);
  assert.throws(() => decodeSmtProof(Uint8Array.of(0, 2)), /non_canonical/);
});
