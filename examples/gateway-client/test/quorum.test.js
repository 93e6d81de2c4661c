// The commit quorum is the node's exact rule, floor(2n/3) + 1 (protocol::CommitQuorum,
// consensus::ValidatorSet::Quorum): for every n a certificate with one signature fewer than the
// quorum is refused and one with the quorum is accepted — checked directly, in a validator-set
// hand-off, and for the set a hand-off leads to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitQuorum, verifyCommit, decodeCommitCert, validatorSetAt } from '../src/folio.js';
import { validators, certifiedBlock, handoff } from './synth.js';

const CHAIN = 'folio-test';
// n -> floor(2n/3) + 1. (The rule this client had before, 2*floor((n-1)/3) + 1, gives 1, 1, 1, 3, 3, 3, 5.)
const NODE_RULE = { 1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 6: 5, 7: 5, 10: 7, 100: 67 };

test('commitQuorum is floor(2n/3) + 1, as the node computes it', () => {
  for (const [n, q] of Object.entries(NODE_RULE)) assert.equal(commitQuorum(Number(n)), q, `n = ${n}`);
  for (let n = 0; n <= 300; n++) assert.equal(commitQuorum(n), Math.floor((n * 2) / 3) + 1, `n = ${n}`);
  // More than two thirds: two quorums overlap in more than n/3 validators, for every n.
  for (let n = 1; n <= 300; n++) assert.ok(3 * commitQuorum(n) > 2 * n, `n = ${n}`);
  assert.throws(() => commitQuorum(-1));
  assert.throws(() => commitQuorum(2.5));
});

for (let n = 1; n <= 7; n++) {
  const q = NODE_RULE[n];  // the expected quorum, not commitQuorum's (the code under test)
  test(`n = ${n}: ${q - 1} signatures refused, ${q} accepted`, () => {
    const set = validators(n);
    const keys = set.map((v) => v.key);
    // Directly: the block's commit certificate against the set.
    const few = certifiedBlock(CHAIN, 9, set.slice(0, q - 1));
    const why = verifyCommit(CHAIN, 9n, few.hash, decodeCommitCert(few.commit), keys);
    assert.equal(why, `the commit certificate has ${q - 1} validator signatures, ${q} of ${n} are needed`);
    const enough = certifiedBlock(CHAIN, 9, set.slice(n - q));  // another q of them
    assert.equal(verifyCommit(CHAIN, 9n, enough.hash, decodeCommitCert(enough.commit), keys), '');
    const all = certifiedBlock(CHAIN, 9, set);
    assert.equal(verifyCommit(CHAIN, 9n, all.hash, decodeCommitCert(all.commit), keys), '');

    // A hand-off certified by q - 1 of the genesis set is refused; by q, followed.
    const next = validators(3, 100).map((v) => v.key);
    const weak = handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: next, signers: set.slice(0, q - 1) });
    const r1 = validatorSetAt(CHAIN, 30, [weak.hex], keys);
    assert.equal(r1.ok, false);
    assert.match(r1.reason, new RegExp(`^validator hand-off 1: the commit certificate has ${q - 1} validator signatures, ${q} of ${n} are needed`));
    const good = handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: next, signers: set.slice(0, q) });
    assert.deepEqual(validatorSetAt(CHAIN, 30, [good.hex], keys), { ok: true, validators: next, epoch: 1, fromHeight: 21 });

    // The same rule for a set reached by a hand-off: n new members, quorum - 1 refused.
    const later = validators(n, 200);
    const into = handoff({ chainId: CHAIN, epoch: 1, lastHeight: 20, members: later.map((v) => v.key), signers: set });
    const s = validatorSetAt(CHAIN, 25, [into.hex], keys);
    assert.equal(s.ok, true, s.reason);
    const b = certifiedBlock(CHAIN, 25, later.slice(0, q - 1));
    assert.match(verifyCommit(CHAIN, 25n, b.hash, decodeCommitCert(b.commit), s.validators), /validator signatures/);
    const b2 = certifiedBlock(CHAIN, 25, later.slice(0, q));
    assert.equal(verifyCommit(CHAIN, 25n, b2.hash, decodeCommitCert(b2.commit), s.validators), '');
  });
}
