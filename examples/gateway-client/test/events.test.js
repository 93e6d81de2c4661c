// The receipt events' decoders (EVENTS of src/folio.js) against the documents: every ```vector NAME
// event``` block of docs/formats.md and docs/settlement-events.md (one per event type, written by
// the node's code and checked by its tests) is wrapped in a receipt, which decodeReceipt must
// read to the last byte, giving the event type of the document's event table and the documented
// values, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { concatBytes, hexToBytes, decodeReceipt } from '../src/folio.js';

const doc = (name) => fs.readFileSync(fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url)), 'utf8');
const FORMATS = doc('formats.md');
const DOCS = { 'docs/formats.md': FORMATS, 'docs/settlement-events.md': doc('settlement-events.md') };

// The event table: tag -> name.
function eventNames() {
  const lines = FORMATS.split('\n');
  const at = lines.findIndex((l) => l.trim() === '<!-- layouts: event -->');
  assert.ok(at >= 0, 'docs/formats.md has no event table');
  const names = new Map();
  for (let i = at + 3; i < lines.length && lines[i].trim().startsWith('|'); i++) {
    const cells = lines[i].split('|').map((c) => c.trim().replaceAll('`', ''));
    names.set(Number(cells[1]), cells[2]);
  }
  return names;
}

// Every vector of the layout `event`: {name, doc, bytes, lines: [{path, value}]}.
function eventVectors() {
  const out = [];
  for (const [docName, text] of Object.entries(DOCS)) {
    const re = /^```vector (\S+) event\n([\s\S]*?)^```$/gm;
    for (const m of text.matchAll(re)) {
      const lines = [];
      let hex = '';
      for (const raw of m[2].split('\n')) {
        const t = raw.trim();
        if (!t || t.startsWith('=>')) continue;
        const hash = t.indexOf('#');
        hex += t.slice(0, hash).replaceAll(' ', '');
        const rest = t.slice(hash + 1).trim();
        const eq = rest.indexOf(' = ');
        lines.push({ path: rest.slice(0, eq), value: rest.slice(eq + 3) });
      }
      out.push({ name: m[1], doc: docName, bytes: hexToBytes(hex), lines });
    }
  }
  return out;
}

// A receipt of a successful transaction (zero id) holding one event.
const receiptOf = (eventBytes) => concatBytes(new Uint8Array(32), Uint8Array.of(1, 0, 0, 1), eventBytes);

// The document's value of a line as the decoder gives it: strings unquoted, byte strings without 0x.
function docValue(v) {
  if (v.startsWith('"')) return JSON.parse(v);
  if (v.startsWith('0x')) return v.slice(2);
  return v;
}

// A decoded value's leaves in encoding order (a list: its count, then its items).
function leaves(v, out = []) {
  if (Array.isArray(v)) {
    out.push(String(v.length));
    for (const x of v) leaves(x, out);
  } else if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) leaves(x, out);
  } else {
    out.push(String(v));
  }
  return out;
}

// folio.js names event 16 `contract` (its name before the node's EventName said contract_event).
const ALIASES = { contract: 'contract_event' };

const names = eventNames();
const vectors = eventVectors();

test('every event tag of docs/formats.md has a decoder and a vector', () => {
  const tags = new Set(vectors.map((v) => v.bytes[0]));
  for (const [tag, name] of names) {
    assert.ok(tags.has(tag), `no vector of event ${tag} (${name})`);
    const rc = decodeReceipt(receiptOf(vectors.find((v) => v.bytes[0] === tag).bytes));
    assert.equal(ALIASES[rc.events[0].type] ?? rc.events[0].type, name, `event ${tag}`);
  }
  assert.throws(() => decodeReceipt(receiptOf(Uint8Array.of(names.size))), /unknown event tag/);
});

for (const v of vectors) {
  test(`${v.doc}: vector ${v.name}: decodeReceipt gives the documented values`, () => {
    const rc = decodeReceipt(receiptOf(v.bytes));  // throws on a byte left over
    assert.equal(rc.events.length, 1);
    const { type, ...fields } = rc.events[0];
    assert.equal(v.lines[0].path, 'tag');
    assert.equal(ALIASES[type] ?? type, names.get(Number(v.lines[0].value)));
    assert.deepEqual(leaves(fields), v.lines.slice(1).map((l) => docValue(l.value)));
  });
}

test('an aml_hold event: the released payout hold of docs/formats.md, field by field', () => {
  const v = vectors.find((x) => x.name === 'event-aml-hold');
  assert.ok(v, 'docs/formats.md has no vector event-aml-hold');
  const { type, hold } = decodeReceipt(receiptOf(v.bytes)).events[0];
  assert.equal(type, 'aml_hold');
  const doc = Object.fromEntries(v.lines.map((l) => [l.path, docValue(l.value)]));
  assert.equal(hold.id, BigInt(doc['hold.id']));
  assert.equal(hold.kind, 0);       // payout
  assert.equal(hold.reason, 0);     // single_limit
  assert.equal(hold.status, 2);     // released
  assert.equal(hold.from, doc['hold.from']);
  assert.equal(hold.to, doc['hold.to']);
  assert.equal(hold.currency, doc['hold.currency']);
  assert.equal(hold.amount, BigInt(doc['hold.amount']));
  assert.ok(hold.amount > hold.limit, 'held over its limit');
  assert.equal(hold.listed, '');
  assert.equal(hold.decided_by, doc['hold.decided_by']);
  assert.equal(hold.note, doc['hold.note']);
  assert.equal(hold.payout_id, BigInt(doc['hold.payout_id']));
  assert.equal(hold.tx, doc['hold.tx']);
  // A receipt of a release holds the payout instruction, then the hold: decoding up to the payout
  // needs nothing of the hold.
  const payout = vectors.find((x) => x.name === 'settlement-payout-instruction');
  const two = concatBytes(new Uint8Array(32), Uint8Array.of(1, 0, 0, 2), payout.bytes, v.bytes);
  assert.equal(decodeReceipt(two).events[1].type, 'aml_hold');
  const upTo = decodeReceipt(concatBytes(two.slice(0, two.length - v.bytes.length), Uint8Array.of(0x18)), 0);
  assert.deepEqual(upTo.events.map((e) => e.type), ['payout']);
});
