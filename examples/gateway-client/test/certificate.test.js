// Unit tests of the offline work-certificate check (node --test). The fixture is a real
// work_certificate answer ("folio-work-certificate/2") captured from a single-validator chain:
// work 2, "Rio at Dawn", whose file is the 12 bytes "Rio at Dawn\n", registered by alice in block 1
// as its transaction 1 of 3 (so the registration's Merkle paths are not empty), certified at
// height 3; with that chain's genesis.json (its hash, from `foliod genesis hash`, is GENESIS_HASH;
// `folio work verify` accepted the certificate). work-certificate-v1.json is a real certificate
// of the previous format, which carries no registration proof. Synthetic certificates
// (test/synth.js) cover what one chain cannot: hand-offs around the registration, a block step
// receipt, a wrong signer or receipt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { utf8ToBytes, decodeTx, decodeMerkleProof, merklePathLength, verifyTxSignature } from '../src/folio.js';
import { trustFromGenesis } from '../src/verify.js';
import { verifyWorkCertificate, decodeWorkRecord, fingerprintOf, workKey, CERTIFICATE_FORMAT } from '../src/certificate.js';
import { validators, validator, handoff, workCertificate } from './synth.js';

const read = (name) => JSON.parse(fs.readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8'));
const cert = read('work-certificate.json');
const certV1 = read('work-certificate-v1.json');
const trust = trustFromGenesis(read('work-certificate-genesis.json'));
const GENESIS_HASH = '1e8374f8afa507820b5bd200c74d8de471f36db968ff775be0660f4440f05782';
const file = utf8ToBytes('Rio at Dawn\n');
const copy = (x) => structuredClone(x);
// `cert` with one field changed: set(c => { c.work.title = 'x' }).
const edited = (edit, base = cert) => { const c = copy(base); edit(c); return c; };
const flip = (hex, i) => hex.slice(0, 2 * i) + (parseInt(hex.slice(2 * i, 2 * i + 2), 16) ^ 0x01).toString(16).padStart(2, '0') + hex.slice(2 * i + 2);

test('a real certificate verifies, with the file and without it, with the genesis hash and without it', () => {
  const fp = fingerprintOf(file);
  const ok = verifyWorkCertificate(cert, { ...trust, genesisHash: GENESIS_HASH }, fp);
  assert.equal(ok.reason, undefined);
  assert.ok(ok.ok);
  assert.equal(cert.format, CERTIFICATE_FORMAT);
  assert.equal(ok.height, cert.height);
  assert.equal(ok.signers, 1);
  assert.equal(ok.epoch, 0);
  assert.equal(ok.work.id, 2n);
  assert.equal(ok.work.title, 'Rio at Dawn');
  assert.equal(ok.work.kind, 'film');
  assert.equal(ok.work.fingerprint, fp);
  assert.equal(ok.work.ids.isrc, 'BRABC2600001');
  assert.deepEqual(ok.work.owners.map((o) => o.bps).sort(), [3000, 7000]);
  // The registration, as proven: the block, its time, the transaction and its sender.
  assert.deepEqual(ok.registration, {
    height: 1, time_ms: cert.registration.time_ms, tx_hash: cert.registration.tx_hash, registrant: cert.registration.registrant,
    epoch: 0, signers: 1,
  });
  assert.equal(ok.registration.registrant, read('work-certificate-genesis.json').accounts.find((a) => a.name === 'alice').address);
  assert.ok(verifyWorkCertificate(cert, trust).ok);
  assert.ok(verifyWorkCertificate(cert, trust, fp).ok);
});

test('the work record and the registration decode to what the node rendered', () => {
  const w = decodeWorkRecord(Buffer.from(cert.work_record, 'hex'));
  assert.equal(Number(w.id), cert.work.id);
  assert.equal(w.fingerprint, cert.work.fingerprint);
  assert.equal(w.registrant, cert.work.registrant);
  assert.equal(Number(w.registered_height), cert.registration.height);
  assert.deepEqual(w.owners.map((o) => ({ address: o.owner, bps: o.bps })), cert.work.owners);
  assert.equal(Buffer.from(workKey(2)).toString('hex'), '772f0000000000000002');
  const tx = decodeTx(Buffer.from(cert.registration.tx, 'hex'));
  assert.equal(tx.kind, 'register_work');
  assert.equal(tx.id, cert.registration.tx_hash);
  assert.equal(tx.sender, cert.registration.registrant);
  assert.equal(tx.chain_id, cert.chain_id);
  assert.equal(tx.body?.title, 'Rio at Dawn');
  assert.ok(verifyTxSignature(tx));
  assert.ok(!verifyTxSignature({ ...tx, sig_hash: '00'.repeat(32) }));
  const p = decodeMerkleProof(Buffer.from(cert.registration.tx_proof, 'hex'));
  assert.deepEqual([p.index, p.count, p.path.length], [1n, 3n, 2]);
  const rp = decodeMerkleProof(Buffer.from(cert.registration.receipt_proof, 'hex'));
  assert.deepEqual([rp.index, rp.count], [1n, 3n]);
});

test('Merkle proofs decode strictly (docs/formats-merkle.md 1.5)', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => merklePathLength(i, 6)), [3, 3, 3, 3, 2, 2]);
  assert.equal(merklePathLength(0, 1), 0);
  assert.equal(merklePathLength(3, 3), 0);
  const h = 'ab'.repeat(32);
  assert.deepEqual(decodeMerkleProof(Buffer.from(`000201${h}`, 'hex')), { index: 0n, count: 2n, path: [h] });
  for (const bad of [`020201${h}`, `000200`, `000202${h}${h}`, `000201${h}00`, `000201${h.slice(2)}`, `80000201${h}`, `000101${h}`])
    assert.throws(() => decodeMerkleProof(Buffer.from(bad, 'hex')), undefined, bad);
});

test('another file, another chain, another genesis set, another genesis are refused with their reason', () => {
  assert.match(verifyWorkCertificate(cert, trust, fingerprintOf(utf8ToBytes('Rio at Dusk\n'))).reason, /is not the certified work's fingerprint/);
  assert.match(verifyWorkCertificate(cert, { ...trust, chainId: 'other' }).reason, /is for chain/);
  assert.match(verifyWorkCertificate(cert, { ...trust, validators: ['11'.repeat(32)] }).reason, /not in the genesis validator set/);
  assert.equal(verifyWorkCertificate(cert, { ...trust, genesisHash: '00'.repeat(32) }).reason,
    `the certificate names genesis "${GENESIS_HASH}"; the genesis document's hash is ${'00'.repeat(32)}`);
  assert.equal(verifyWorkCertificate({ ...cert, format: 'x' }, trust).reason, 'not a work certificate: format is "x", not "folio-work-certificate/2"');
  assert.equal(verifyWorkCertificate({ ...cert, format: undefined }, trust).reason, 'not a work certificate: format is "missing", not "folio-work-certificate/2"');
  assert.match(verifyWorkCertificate(null, trust).reason, /not a work certificate/);
});

test('a certificate of format 1 is refused: it carries no registration proof', () => {
  assert.equal(certV1.format, 'folio-work-certificate/1');
  const r = verifyWorkCertificate(certV1, trust);
  assert.equal(r.ok, false);
  assert.equal(r.reason, 'format is "folio-work-certificate/1", not "folio-work-certificate/2" (a certificate of version 1 carries no registration proof: fetch a new one)');
  assert.match(verifyWorkCertificate(edited((c) => { delete c.registration; }), trust).reason, /missing field 'registration'/);
  assert.match(verifyWorkCertificate(edited((c) => { c.registration = 'x'; }), trust).reason, /missing field 'registration'/);
});

test('every changed byte of the record, proof, header or commit is refused', () => {
  for (const part of ['work_record', 'proof', 'header', 'commit']) {
    const hex = cert[part];
    for (let i = 0; i < hex.length / 2; i++) {
      const r = verifyWorkCertificate({ ...cert, [part]: flip(hex, i) }, trust);
      assert.equal(r.ok, false, `${part} byte ${i} flipped was accepted`);
      assert.equal(typeof r.reason, 'string');
    }
  }
});

test('every changed byte of each registration part is refused, with a registration reason', () => {
  const seen = new Set();
  for (const part of ['header', 'commit', 'tx', 'tx_proof', 'receipt', 'receipt_proof']) {
    const hex = cert.registration[part];
    assert.ok(hex.length > 0, part);
    for (let i = 0; i < hex.length / 2; i++) {
      const r = verifyWorkCertificate({ ...cert, registration: { ...cert.registration, [part]: flip(hex, i) } }, trust);
      assert.equal(r.ok, false, `registration.${part} byte ${i} flipped was accepted`);
      assert.ok(r.reason.startsWith('registration: '), `registration.${part} byte ${i}: ${r.reason}`);
      seen.add(r.reason.replace(/[0-9a-f]{64}/g, 'H').replace(/\d+/g, 'N'));
    }
  }
  // Among them, each step's own reason.
  for (const re of [/the block header does not decode/, /the block is height N at N ms; the work record says/, /commit signature by validator H is invalid/,
    /the transaction does not decode/, /the transaction is for another chain/, /registers another fingerprint/,
    /the transaction's sender H is not the record's registrant H/, /the transaction's signature is invalid/,
    /the transaction's Merkle path does not decode/, /not under the block's tx_root/, /the receipt does not decode/,
    /the receipt is another transaction's/, /no work_registered event for work N/, /the receipt's Merkle path does not decode/,
    /not under the block's receipts_root at the transaction's index/])
    assert.ok([...seen].some((s) => re.test(s)), `no flipped byte gave ${re}`);
});

test('a part that is not hex, or missing, is refused', () => {
  assert.match(verifyWorkCertificate(edited((c) => { c.registration.tx = 'XY'; }), trust).reason, /registration\.tx is not lowercase hex/);
  assert.match(verifyWorkCertificate(edited((c) => { delete c.registration.receipt; }), trust).reason, /registration\.receipt is not lowercase hex/);
});

test('an edited readable field is refused, naming its path', () => {
  const reason = (edit, t = trust) => verifyWorkCertificate(edited(edit), t, fingerprintOf(file)).reason;
  const changed = 'a readable field was changed: ';
  assert.equal(reason((c) => { c.work.title = 'Rio at Dusk'; }), `${changed}work.title reads "Rio at Dusk" but the signed data says "Rio at Dawn"`);
  const other = '11'.repeat(32);
  assert.equal(reason((c) => { c.registration.registrant = other; }),
    `${changed}registration.registrant reads "${other}" but the signed data says "${cert.registration.registrant}"`);
  assert.equal(reason((c) => { c.height = 2; }), `${changed}height reads 2 but the signed data says 3`);
  assert.equal(reason((c) => { c.height = '3'; }), `${changed}height reads "3" but the signed data says 3`);
  assert.equal(reason((c) => { c.registration.height = 2; }), `${changed}registration.height reads 2 but the signed data says 1`);
  assert.equal(reason((c) => { c.registration.time_ms += 1; }),
    `${changed}registration.time_ms reads ${cert.registration.time_ms + 1} but the signed data says ${cert.registration.time_ms}`);
  assert.match(reason((c) => { c.registration.tx_hash = other; }), /^a readable field was changed: registration\.tx_hash reads/);
  assert.match(reason((c) => { c.work.time_ms -= 1; }), /^a readable field was changed: work\.time_ms reads/);
  assert.match(reason((c) => { c.work.owners[0].bps = 10000; }), /^a readable field was changed: work\.owners reads \[\{"address":"[0-9a-f]{64}","bps":10000\}/);
  assert.match(reason((c) => { c.work.owners.reverse(); }), /^a readable field was changed: work\.owners reads/);
  assert.equal(reason((c) => { c.work.industry_ids.isrc = 'BRABC2600002'; }),
    `${changed}work.industry_ids.isrc reads "BRABC2600002" but the signed data says "BRABC2600001"`);
  assert.equal(reason((c) => { c.work.metadata_hash = '00'.repeat(32); }), `${changed}work.metadata_hash reads "${'00'.repeat(32)}" but the signed data says null`);
  assert.equal(reason((c) => { c.work.kind = 'song'; }), `${changed}work.kind reads "song" but the signed data says "film"`);
  assert.equal(reason((c) => { c.work.id = 1; }), `${changed}work.id reads 1 but the signed data says 2`);
  assert.match(reason((c) => { c.genesis_validators = [other]; }), /^a readable field was changed: genesis_validators reads \["1{64}"\] but the signed data says/);
  assert.equal(reason((c) => { c.work = 'Rio'; }).startsWith(`${changed}work reads "Rio" but the signed data says {"fingerprint":`), true);
  // genesis_hash: checked when the caller knows the genesis' hash; else only present.
  assert.ok(verifyWorkCertificate(edited((c) => { c.genesis_hash = other; }), trust).ok);
  assert.match(reason((c) => { c.genesis_hash = other; }, { ...trust, genesisHash: GENESIS_HASH }), /^the certificate names genesis/);
});

test('a missing or extra readable field is refused, naming its path', () => {
  const reason = (edit) => verifyWorkCertificate(edited(edit), trust).reason;
  const changed = 'a readable field was changed: ';
  assert.equal(reason((c) => { delete c.work.kind; }), `${changed}work.kind is missing`);
  assert.equal(reason((c) => { delete c.registration.tx_hash; }), `${changed}registration.tx_hash is missing`);
  assert.equal(reason((c) => { delete c.genesis_hash; }), `${changed}genesis_hash is missing`);
  assert.equal(reason((c) => { delete c.work; }), `${changed}work is missing`);
  assert.equal(reason((c) => { delete c.genesis_validators; }), `${changed}genesis_validators is missing`);
  assert.equal(reason((c) => { c.note = 'certified copy'; }), 'note is not a field of the certificate');
  assert.equal(reason((c) => { c.work.note = 'x'; }), `${changed}work.note is not a field of the certificate`);
  assert.equal(reason((c) => { c.work.industry_ids.iswc = 'T-123.456.789-0'; }), `${changed}work.industry_ids.iswc is not a field of the certificate`);
  assert.equal(reason((c) => { c.registration.block_hash = '00'; }), 'registration.block_hash is not a field of the certificate');
  // The proof fields are not readable fields; validator_handoffs may be absent (no hand-off).
  assert.ok(verifyWorkCertificate(edited((c) => { delete c.validator_handoffs; }), trust).ok);
});

test('a commit without a quorum is refused', () => {
  const r = verifyWorkCertificate({ ...cert, commit: '0100' }, trust);
  assert.match(r.reason, /0 validator signatures, 1 of 1 are needed/);
  const rr = verifyWorkCertificate({ ...cert, registration: { ...cert.registration, commit: '0100' } }, trust);
  assert.equal(rr.reason, 'registration: the commit certificate has 0 validator signatures, 1 of 1 are needed');
});

// ---- synthetic certificates ----
const CHAIN = 'synth-chain';
const gv = validators(4);          // the genesis set
const next = validators(4, 10);    // epoch 1's
const alice = validator('alice'), mallory = validator('mallory');
const synthFile = utf8ToBytes('a synthetic work\n');
const synthTrust = { chainId: CHAIN, validators: gv.map((v) => v.key) };
const synth = (opts = {}) => workCertificate({
  chainId: CHAIN, file: synthFile, registrant: alice, signers: gv.slice(0, 3), genesisValidators: synthTrust.validators, ...opts,
});
const check = (c) => verifyWorkCertificate(c, synthTrust, fingerprintOf(synthFile));

test('synthetic: registrations at every index of blocks of 1 to 9 transactions, with and without a block step receipt, verify', () => {
  for (let txCount = 1; txCount <= 9; txCount++)
    for (let index = 0; index < txCount; index++)
      for (const blockStep of [false, true]) {
        const r = check(synth({ txCount, index, blockStep }));
        assert.equal(r.reason, undefined, `${index} of ${txCount}${blockStep ? ' + block step' : ''}`);
        assert.equal(r.registration.signers, 3);
      }
});

test('synthetic: the registration block is checked against the set in force at its height, not at the certified one', () => {
  // Epoch 0 ends at block 10: the genesis set signs up to 10, epoch 1's from 11.
  const h = handoff({ chainId: CHAIN, epoch: 1, lastHeight: 10, members: next.map((v) => v.key), signers: gv.slice(0, 3) });
  const before = synth({ regHeight: 4, height: 20, handoffs: [h], signers: next.slice(1), regSigners: gv.slice(1) });
  const r = check(before);
  assert.equal(r.reason, undefined);
  assert.equal(r.epoch, 1);
  assert.equal(r.registration.epoch, 0);
  // The last block of epoch 0 is still the genesis set's.
  assert.equal(check(synth({ regHeight: 10, height: 20, handoffs: [h], signers: next.slice(1), regSigners: gv.slice(1) })).registration?.epoch, 0);
  const after = synth({ regHeight: 11, height: 20, handoffs: [h], signers: next.slice(1), regSigners: next.slice(0, 3) });
  assert.equal(check(after).registration?.epoch, 1);
  // Signed by the wrong set: refused.
  assert.match(check(synth({ regHeight: 4, height: 20, handoffs: [h], signers: next.slice(1), regSigners: next.slice(1) })).reason,
    /^registration: commit signature by [0-9a-f]{64}, which is not in the genesis validator set$/);
  assert.match(check(synth({ regHeight: 11, height: 20, handoffs: [h], signers: next.slice(1), regSigners: gv.slice(1) })).reason,
    /^registration: commit signature by [0-9a-f]{64}, which is not in the validator set of epoch 1$/);
  assert.match(check(synth({ regHeight: 4, height: 20, handoffs: [h], signers: next.slice(1), regSigners: gv.slice(2) })).reason,
    /^registration: the commit certificate has 2 validator signatures, 3 of 4 are needed$/);
});

test('synthetic: a wrong transaction or receipt is refused with its reason', () => {
  const at = (opts) => check(synth(opts)).reason;
  assert.equal(at({ txSigner: mallory }), `registration: the transaction's sender ${mallory.key} is not the record's registrant ${alice.key}`);
  assert.equal(at({ txChainId: 'another-chain' }), 'registration: the transaction is for another chain');
  assert.equal(at({ txKindCode: 4 }), 'registration: the transaction is a deposit, not register_work');
  assert.equal(at({ receipt: { success: false, errorCode: 'duplicate_fingerprint' } }), 'registration: the receipt is a failure (duplicate_fingerprint)');
  assert.equal(at({ receipt: { events: [] } }), 'registration: the receipt has no work_registered event for work 1');
  assert.equal(at({ receipt: { txId: new Uint8Array(32) } }), 'registration: the receipt is another transaction\'s');
  assert.equal(at({ regHeaderTimeMs: 1764000003001 }),
    'registration: the block is height 3 at 1764000003001 ms; the work record says it was registered at height 3 at 1764000003000 ms');
  // The proofs of another index, or a count that is not the header's.
  const c = synth({ txCount: 4, index: 1 });
  const other = synth({ txCount: 4, index: 2 });
  assert.match(check({ ...c, registration: { ...c.registration, tx_proof: other.registration.tx_proof } }).reason, /not under the block's tx_root/);
  assert.match(check({ ...c, registration: { ...c.registration, receipt_proof: other.registration.receipt_proof } }).reason,
    /not under the block's receipts_root at the transaction's index/);
  const five = synth({ txCount: 5, index: 1 });  // leaf 1 of 4 and of 5: the same path, another count
  assert.match(check({ ...c, registration: { ...c.registration, tx_proof: five.registration.tx_proof } }).reason, /not under the block's tx_root/);
  const six = synth({ txCount: 6, index: 1 });
  assert.match(check({ ...c, registration: { ...c.registration, receipt_proof: six.registration.receipt_proof } }).reason, /receipts_root/);
  // Another block's header (the record names block 3).
  const b4 = synth({ regHeight: 4 });
  assert.match(check({ ...c, registration: { ...c.registration, header: b4.registration.header } }).reason, /^registration: the block is height 4/);
});
