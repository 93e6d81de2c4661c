// Unit tests of the offline work-certificate check (node --test). The fixture is a real
// work_certificate answer captured from a single-validator chain (work 1, "Rio at Dawn", whose file
// is the 12 bytes "Rio at Dawn\n"), with that chain's genesis (chain id and validators).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { utf8ToBytes } from '../src/folio.js';
import { trustFromGenesis } from '../src/verify.js';
import { verifyWorkCertificate, decodeWorkRecord, fingerprintOf, workKey } from '../src/certificate.js';

const read = (name) => JSON.parse(fs.readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8'));
const cert = read('work-certificate.json');
const trust = trustFromGenesis(read('work-certificate-genesis.json'));
const file = utf8ToBytes('Rio at Dawn\n');

test('a real certificate verifies, with the file and without it', () => {
  const fp = fingerprintOf(file);
  const ok = verifyWorkCertificate(cert, trust, fp);
  assert.equal(ok.reason, undefined);
  assert.ok(ok.ok);
  assert.equal(ok.height, cert.height);
  assert.equal(ok.signers, 1);
  assert.equal(ok.epoch, 0);
  assert.equal(ok.work.title, 'Rio at Dawn');
  assert.equal(ok.work.kind, 'film');
  assert.equal(ok.work.fingerprint, fp);
  assert.equal(ok.work.ids.isrc, 'BRABC2600001');
  assert.deepEqual(ok.work.owners.map((o) => o.bps).sort(), [3000, 7000]);
  assert.ok(verifyWorkCertificate(cert, trust).ok);
});

test('the work record decodes to what the node rendered', () => {
  const w = decodeWorkRecord(Buffer.from(cert.work_record, 'hex'));
  assert.equal(Number(w.id), cert.work.id);
  assert.equal(w.fingerprint, cert.work.fingerprint);
  assert.equal(w.registrant, cert.work.registrant);
  assert.deepEqual(w.owners.map((o) => ({ address: o.owner, bps: o.bps })), cert.work.owners);
  assert.equal(Buffer.from(workKey(1)).toString('hex'), '772f0000000000000001');
});

test('another file, another chain, another genesis set are refused with their reason', () => {
  assert.match(verifyWorkCertificate(cert, trust, fingerprintOf(utf8ToBytes('Rio at Dusk\n'))).reason, /is not the certified work's fingerprint/);
  assert.match(verifyWorkCertificate(cert, { ...trust, chainId: 'other' }).reason, /is for chain/);
  assert.match(verifyWorkCertificate(cert, { ...trust, validators: ['11'.repeat(32)] }).reason, /not in the genesis validator set/);
  assert.match(verifyWorkCertificate({ ...cert, format: 'x' }, trust).reason, /not a work certificate/);
});

test('every changed byte of the record, proof, header or commit is refused', () => {
  for (const part of ['work_record', 'proof', 'header', 'commit']) {
    const hex = cert[part];
    for (let i = 0; i < hex.length / 2; i++) {
      const b = (parseInt(hex.slice(2 * i, 2 * i + 2), 16) ^ 0x01).toString(16).padStart(2, '0');
      const bad = { ...cert, [part]: hex.slice(0, 2 * i) + b + hex.slice(2 * i + 2) };
      const r = verifyWorkCertificate(bad, trust);
      assert.equal(r.ok, false, `${part} byte ${i} flipped was accepted`);
      assert.equal(typeof r.reason, 'string');
    }
  }
});

test('a commit without a quorum is refused', () => {
  const r = verifyWorkCertificate({ ...cert, commit: '0100' }, trust);
  assert.match(r.reason, /0 validator signatures, 1 of 1 are needed/);
});
