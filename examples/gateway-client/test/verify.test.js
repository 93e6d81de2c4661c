// Unit tests of the gateway client's offline proof check (node --test).
// The proof fixtures are real settlement_proof answers captured from 4-validator devnets:
// test/fixtures/payout-proof*.json by default, or the file named by FOLIO_PROOF_FIXTURE (the e2e
// tests tests/e2e/bft_gateway*.sh fetch a fresh one and run this file on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schnorr } from '@noble/curves/secp256k1';
import {
  authMessage, signAuth, publicKeyOf, hexToBytes, bytesToHex, taggedHash, merkleVerify, utf8ToBytes,
  encodePayoutConfirm, Reader, formatAmount, decodeHandoff,
} from '../src/folio.js';
import { encodeHandoff } from './synth.js';
import { verifyPayoutEvent, trustFromGenesis } from '../src/verify.js';

test('auth test vector of docs/rpc-protocol.md', () => {
  const sk = hexToBytes('11'.repeat(32));
  const nonce = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
  assert.equal(publicKeyOf(sk), '4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa');
  assert.equal(bytesToHex(authMessage('folio-devnet', nonce)), 'e7add4ce99f842b1cdfac1af55c3d9a6ba35889cbc15573ca30fc0c47c0b6625');
  const sig = signAuth(sk, 'folio-devnet', nonce);
  assert.ok(schnorr.verify(hexToBytes(sig), authMessage('folio-devnet', nonce), hexToBytes(publicKeyOf(sk))));
});

test('Merkle test vector of docs/formats-merkle.md 1.6', () => {
  const leaf = (s) => taggedHash('folio/merkle/leaf', utf8ToBytes(s));
  assert.equal(bytesToHex(leaf('a')), '5f6e2470e9e7e41eb7dd879ed287cc6586e87698ff635cfa929b4b95b723ef1f');
  const root = '339429e3a92ab7668c9af5fbd828614e24fd36c56b11508078a3777253e2b7d5';
  const ab = '01ce9f933767b708477a6bbb881260129d54f4663fefeceb3ad1d1837c017910';
  assert.ok(merkleVerify(root, leaf('c'), 2, 3, [ab]));
  assert.ok(!merkleVerify(root, leaf('c'), 2, 4, [ab]), 'another count');
  assert.ok(!merkleVerify(root, leaf('b'), 2, 3, [ab]), 'another leaf');
  assert.ok(!merkleVerify(root, leaf('c'), 3, 3, [ab]), 'index out of range');
});

test('payout_confirm encoding: version, chain, sender, nonce, expiry, kind 7, u64 id, string ref, signature', () => {
  const sk = hexToBytes('11'.repeat(32));
  const tx = encodePayoutConfirm({ chainId: 'folio-devnet', secretKey: sk, nonce: 5, payoutId: 7, reference: '7-fiat' });
  const r = new Reader(hexToBytes(tx.hex));
  assert.equal(r.u8(), 1);
  assert.equal(r.str(64), 'folio-devnet');
  assert.equal(r.hex(32), publicKeyOf(sk));
  assert.equal(r.u64(), 5n);
  assert.equal(r.u64(), 0n);
  assert.equal(r.u8(), 7);
  assert.equal(r.u64(), 7n);
  assert.equal(r.str(1024), '7-fiat');
  const unsigned = hexToBytes(tx.hex).slice(0, r.p);
  const sig = r.fixed(64);
  r.finish();
  assert.ok(schnorr.verify(sig, taggedHash('folio/tx/sig', unsigned), hexToBytes(publicKeyOf(sk))));
  assert.equal(tx.id, bytesToHex(taggedHash('folio/tx/id', hexToBytes(tx.hex))));
});

test('amount formatting follows the currency exponent', () => {
  assert.equal(formatAmount(123456n, 'BRL'), '1234.56');
  assert.equal(formatAmount(5n, 'USD'), '0.05');
  assert.equal(formatAmount(1867n, 'JPY'), '1867');
  assert.equal(formatAmount(1n, 'BHD'), '0.001');
});

// ---- real proofs, genuine and tampered ----
// payout-proof.json: a block signed by the genesis set (no hand-offs); payout-proof-handoff.json:
// a block signed after a validator-set change ({v1, v2, a new v4} replacing the genesis {v0..v3};
// captured by tests/e2e/bft_gateway_reconfig.sh), reached through one hand-off. A committed
// fixture missing fails; FOLIO_PROOF_FIXTURE=FILE tests that file instead.
const fixtureFiles = process.env.FOLIO_PROOF_FIXTURE
  ? [process.env.FOLIO_PROOF_FIXTURE]
  : ['payout-proof.json', 'payout-proof-handoff.json'].map((f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url)));
const clone = (x) => JSON.parse(JSON.stringify(x));
const flipHex = (hex, byteIndex) => {
  const b = hexToBytes(hex);
  b[byteIndex] ^= 0x01;
  return bytesToHex(b);
};
// A hand-off with one byte of one part flipped, re-encoded.
const alterHandoff = (hex, part, byteIndex) => {
  const d = decodeHandoff(hexToBytes(hex));
  d[part][byteIndex] ^= 0x01;
  return bytesToHex(encodeHandoff(d));
};

const CASES = [
  ['the amount altered', (ev) => { ev.amount.amount = (Number(ev.amount.amount) + 1).toFixed(2); }, /amount differs/],
  ['the currency altered', (ev) => { ev.amount.currency = ev.amount.currency === 'USD' ? 'BRL' : 'USD'; }, /currency differs/],
  ['the payout id altered', (ev) => { ev.payout_id += 1; }, /payout id differs/],
  ['the payee altered', (ev) => { ev.payee = 'ab'.repeat(32); }, /payee differs/],
  ['the gateway altered', (ev) => { ev.gateway = 'cd'.repeat(32); }, /gateway differs/],
  ['the event tx altered', (ev) => { ev.tx = 'ee'.repeat(32); }, /receipt is of transaction/],
  ['a signature byte flipped', (ev, p) => { p.commit = flipHex(p.commit, 1 + 1 + 32 + 10); }, /invalid for this header/],
  ['a wrong genesis validator set', (ev, p, tr) => {
    tr.validators = tr.validators.map(() => publicKeyOf(schnorr.utils.randomPrivateKey()));
  }, /not in the genesis validator set/],
  ['too few signatures (one validator)', (ev, p) => {
    const b = hexToBytes(p.commit);
    p.commit = bytesToHex(Uint8Array.of(1, 1, ...b.slice(2, 2 + 96)));
  }, /the commit certificate has 1 validator signatures, \d+ of \d+ are needed/],
  ['a receipt byte altered (amount in the receipt)', (ev, p) => { p.receipt = flipHex(p.receipt, hexToBytes(p.receipt).length - 40); }, /Merkle path/],
  ['the Merkle path altered', (ev, p) => {
    if (p.receipt_proof.length) p.receipt_proof[0] = flipHex(p.receipt_proof[0], 0);
    else p.receipt_proof.push('00'.repeat(32));
  }, /Merkle path/],
  ['a header byte altered (another block)', (ev, p) => { p.header = flipHex(p.header, hexToBytes(p.header).length - 1); }, /hashes to/],
  ['another chain id', (ev, p, tr) => { tr.chainId = tr.chainId + 'x'; }, /genesis is for/],
  ['no commit certificate', (ev, p) => { p.commit = null; }, /no commit certificate/],
];
// Only for a proof that carries hand-offs.
const HANDOFF_CASES = [
  ['the hand-offs left out (the new set\'s signatures checked against the genesis set)', (ev, p) => { p.validator_handoffs = []; },
    /which is not in the genesis validator set/],
  ['the validator_handoffs field absent (an old node)', (ev, p) => { delete p.validator_handoffs; }, /which is not in the genesis validator set/],
  ['a byte of the hand-off\'s block header flipped', (ev, p) => { p.validator_handoffs[0] = alterHandoff(p.validator_handoffs[0], 'header', 30); },
    /^validator hand-off 1: /],
  ['a signature byte of the hand-off flipped', (ev, p) => { p.validator_handoffs[0] = alterHandoff(p.validator_handoffs[0], 'commit', 1 + 1 + 32 + 3); },
    /^validator hand-off 1: commit signature by validator [0-9a-f]{64} is invalid/],
  ['a member of the hand-off\'s new set changed', (ev, p) => {
    const rec = decodeHandoff(hexToBytes(p.validator_handoffs[0])).record;
    p.validator_handoffs[0] = alterHandoff(p.validator_handoffs[0], 'record', rec.length - 40);
  }, /^validator hand-off 1: the state proof does not show this validator set under the header's state root/],
  ['the hand-off\'s state proof altered', (ev, p) => { p.validator_handoffs[0] = alterHandoff(p.validator_handoffs[0], 'proof', 5); },
    /^validator hand-off 1: (the state proof|does not decode)/],
  ['the hand-off repeated', (ev, p) => { p.validator_handoffs.unshift(p.validator_handoffs[0]); }, /^validator hand-off 2: /],
  ['the hand-off truncated', (ev, p) => { p.validator_handoffs[0] = p.validator_handoffs[0].slice(0, 300); }, /^validator hand-off 1: does not decode/],
];

for (const file of fixtureFiles) {
  const name = file.split('/').pop();
  const load = () => {
    assert.ok(fs.existsSync(file), `the proof fixture ${file} is missing`);
    return JSON.parse(fs.readFileSync(file, 'utf8'));  // {genesis, event, proof}
  };
  const rejects = (mutate, expect) => {
    const f = load();
    const ev = clone(f.event), proof = clone(f.proof), tr = clone(trustFromGenesis(f.genesis));
    mutate(ev, proof, tr);
    const v = verifyPayoutEvent(ev, proof, tr);
    assert.equal(v.ok, false, 'a tampered proof must not verify');
    assert.match(v.reason, expect);
    return v.reason;
  };

  test(`${name}: the real devnet proof verifies`, (t) => {
    const f = load();
    const v = verifyPayoutEvent(f.event, f.proof, trustFromGenesis(f.genesis));
    assert.equal(v.ok, true, v.reason);
    assert.equal(v.payout.id, f.event.payout_id);
    assert.equal(v.payout.amount, f.event.amount.amount);
    assert.equal(v.payout.validatorEpoch, (f.proof.validator_handoffs ?? []).length);
    t.diagnostic(`payout ${v.payout.id} at height ${v.payout.height}, signed by validator epoch ${v.payout.validatorEpoch}`);
  });

  const handoffs = fs.existsSync(file) ? (load().proof.validator_handoffs ?? []).length : 0;
  for (const [what, mutate, expect] of [...CASES, ...(handoffs ? HANDOFF_CASES : [])]) {
    test(`${name}: rejected: ${what}`, (t) => {
      const reason = rejects(mutate, expect);
      t.diagnostic(`reason: ${reason}`);
    });
  }
}
