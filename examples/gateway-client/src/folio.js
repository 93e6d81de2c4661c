// Folio's canonical encodings and hashes in JavaScript (docs/formats.md, docs/formats-merkle.md,
// docs/rpc-protocol.md "Authentication"): just what a payment gateway needs — decode block headers,
// commit certificates and receipts, verify Merkle paths and commit signatures, encode and sign a
// payout_confirm transaction, compute the login message. Pure functions, no I/O.
import { schnorr } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes as nobleHexToBytes, concatBytes, utf8ToBytes } from '@noble/hashes/utils';

export { bytesToHex, concatBytes, utf8ToBytes };

export class DecodeError extends Error {}

export function hexToBytes(hex, what = 'hex') {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex))
    throw new DecodeError(`${what} is not lowercase hex`);
  return nobleHexToBytes(hex);
}

// ---- codec (node/core/codec.h) ----
export class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.p = 0;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n) {
    if (this.p + n > this.b.length) throw new DecodeError('truncated');
  }
  u8() { this.need(1); return this.b[this.p++]; }
  u16() { this.need(2); const v = this.dv.getUint16(this.p, true); this.p += 2; return v; }
  u32() { this.need(4); const v = this.dv.getUint32(this.p, true); this.p += 4; return v; }
  u64() { this.need(8); const v = this.dv.getBigUint64(this.p, true); this.p += 8; return v; }
  i64() { this.need(8); const v = this.dv.getBigInt64(this.p, true); this.p += 8; return v; }
  bool() {
    const v = this.u8();
    if (v > 1) throw new DecodeError('non_canonical bool');
    return v === 1;
  }
  varint() {
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.u8();
      if (i === 9 && byte > 1) throw new DecodeError('non_canonical varint');
      v |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (!(byte & 0x80)) {
        if (i > 0 && byte === 0) throw new DecodeError('non_canonical varint');
        return v;
      }
    }
    throw new DecodeError('non_canonical varint');
  }
  length(max) {
    const n = this.varint();
    if (n > BigInt(max)) throw new DecodeError('too_long');
    return Number(n);
  }
  fixed(n) { this.need(n); const v = this.b.slice(this.p, this.p + n); this.p += n; return v; }
  hex(n) { return bytesToHex(this.fixed(n)); }
  blob(max) { return this.fixed(this.length(max)); }
  str(max) {
    const raw = this.blob(max);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new DecodeError('bad_value: invalid UTF-8');
    }
  }
  finish() {
    if (this.p !== this.b.length) throw new DecodeError('trailing_bytes');
  }
}

export class Writer {
  constructor() { this.parts = []; }
  raw(b) { this.parts.push(b); return this; }
  u8(v) { return this.raw(Uint8Array.of(v)); }
  u64(v) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return this.raw(b);
  }
  varint(v) {
    v = BigInt(v);
    const out = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    return this.raw(Uint8Array.from(out));
  }
  str(s) { const b = utf8ToBytes(s); return this.varint(b.length).raw(b); }
  bytes() { return concatBytes(...this.parts); }
}

// ---- hashes ----
export function taggedHash(tag, ...parts) {
  const t = sha256(utf8ToBytes(tag));
  return sha256(concatBytes(t, t, ...parts));
}
const u64le = (v) => new Writer().u64(v).bytes();

// AuthMessage(chain_id, nonce) = TaggedHash("folio/auth", utf8(chain_id) || 0x00 || nonce)
export function authMessage(chainId, nonceHex) {
  return taggedHash('folio/auth', utf8ToBytes(chainId), Uint8Array.of(0), hexToBytes(nonceHex, 'nonce'));
}
export function signAuth(secretKey, chainId, nonceHex) {
  return bytesToHex(schnorr.sign(authMessage(chainId, nonceHex), secretKey));
}
export const publicKeyOf = (secretKey) => bytesToHex(schnorr.getPublicKey(secretKey));

// ---- block header (docs/formats.md "Block") ----
export function decodeHeader(bytes) {
  const r = new Reader(bytes);
  const h = {};
  h.version = r.u32();
  if (h.version !== 1) throw new DecodeError('bad_value: header version');
  h.chain_id = r.str(64);
  h.height = r.u64();
  h.parent = r.hex(32);
  h.time_ms = r.u64();
  h.proposer = r.hex(32);
  h.tx_count = r.u32();
  h.tx_root = r.hex(32);
  h.receipts_root = r.hex(32);
  h.state_root = r.hex(32);
  r.finish();
  return h;
}
export const blockHash = (headerBytes) => taggedHash('folio/block', headerBytes);

// CommitMessage = TaggedHash("folio/commit", chain_id || 0x00 || u64 height || block hash)
export function commitMessage(chainId, height, blockHashBytes) {
  return taggedHash('folio/commit', utf8ToBytes(chainId), Uint8Array.of(0), u64le(height), blockHashBytes);
}

// Commit certificate kind 1: u8 1, list of (address, signature) sorted by address, unique.
export function decodeCommitCert(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new DecodeError('bad_value: commit certificate kind');
  const n = r.length(1024);
  const sigs = [];
  for (let i = 0; i < n; i++) {
    const validator = r.hex(32);
    const signature = r.fixed(64);
    if (sigs.length && !(sigs[sigs.length - 1].validator < validator))
      throw new DecodeError('non_canonical: commit signatures not sorted by validator');
    sigs.push({ validator, signature });
  }
  r.finish();
  return sigs;
}

// Signatures needed out of n validators: floor(2n/3) + 1 — more than two thirds, so any two
// quorums share an honest validator for every n (2f+1 when n = 3f+1). The node's exact rule:
// protocol::CommitQuorum and consensus::ValidatorSet::Quorum (node/protocol/certificate.cpp).
export function commitQuorum(n) {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('commitQuorum: n must be a non-negative integer');
  return Math.floor((2 * n) / 3) + 1;
}

// Returns '' when the certificate holds at least commitQuorum(validators.length) valid signatures
// of distinct members of `validators` over CommitMessage(chainId, height, hash); else the reason.
// `setName` names the set in the reasons ("the genesis validator set", "the validator set of
// epoch 2").
export function verifyCommit(chainId, height, blockHashBytes, sigs, validators, setName = 'the genesis validator set') {
  const msg = commitMessage(chainId, height, blockHashBytes);
  const set = new Set(validators);
  let good = 0;
  for (const { validator, signature } of sigs) {
    if (!set.has(validator)) return `commit signature by ${validator}, which is not in ${setName}`;
    let ok = false;
    try {
      ok = schnorr.verify(signature, msg, hexToBytes(validator));
    } catch {
      ok = false;
    }
    if (!ok) return `commit signature by validator ${validator} is invalid for this header`;
    good++;  // validators are sorted and unique (decodeCommitCert), so each counts once
  }
  const need = commitQuorum(validators.length);
  if (good < need)
    return `the commit certificate has ${good} validator signatures, ${need} of ${validators.length} are needed`;
  return '';
}

// ---- sparse Merkle map proofs (node/core/smt.h, docs/formats-merkle.md §2) ----
const ZERO32 = new Uint8Array(32);
const smtLeafHash = (key, valueHash) => taggedHash('folio/smt/leaf', key, valueHash);
const smtNodeHash = (l, r) => taggedHash('folio/smt/node', l, r);
const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
// Canonical SMT proof: varint n (<= 256), n sibling hashes, then 0x00 or 0x01 key value_hash.
export function decodeSmtProof(bytes) {
  const r = new Reader(bytes);
  const n = r.length(256);
  const siblings = [];
  for (let i = 0; i < n; i++) siblings.push(r.fixed(32));
  const hasLeaf = r.u8();
  if (hasLeaf > 1) throw new DecodeError('non_canonical: SMT proof leaf flag');
  const leaf = hasLeaf ? { key: r.fixed(32), valueHash: r.fixed(32) } : null;
  r.finish();
  if (siblings.length && equalBytes(siblings[siblings.length - 1], ZERO32)) throw new DecodeError('bad_value: SMT proof ends with an empty sibling');
  return { siblings, leaf };
}
// True iff `proof` shows key -> valueHash under the root (hex): SmtVerifyInclusion. Key bits are
// read most significant bit first; bit i of the key picks the side at depth i.
export function smtVerifyInclusion(rootHex, key, valueHash, proof) {
  if (!proof.leaf || !equalBytes(proof.leaf.key, key) || !equalBytes(proof.leaf.valueHash, valueHash)) return false;
  const { siblings } = proof;
  if (siblings.length > 256 || (siblings.length && equalBytes(siblings[siblings.length - 1], ZERO32))) return false;
  let h = smtLeafHash(key, valueHash);
  for (let i = siblings.length; i-- > 0;) {
    const bit = (key[i >> 3] >> (7 - (i & 7))) & 1;
    h = bit ? smtNodeHash(siblings[i], h) : smtNodeHash(h, siblings[i]);
  }
  return bytesToHex(h) === rootHex;
}

// ---- validator-set hand-offs (node/protocol/certificate.h, docs/certificates.md) ----
// The state key of an epoch's validator set record: "v/e/" + u64 big-endian epoch.
export function validatorSetKey(epoch) {
  const k = new Uint8Array(12);
  k.set(utf8ToBytes('v/e/'));
  new DataView(k.buffer).setBigUint64(4, BigInt(epoch), false);
  return k;
}
// ValidatorSetRecord (a record: u8 version 1, u64 epoch, u64 from_height, list of members, hash scheduled_by).
export function decodeValidatorSetRecord(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new DecodeError('bad_value: record version');
  const epoch = r.u64(), from_height = r.u64();
  const n = r.length(1024);
  const members = [];
  for (let i = 0; i < n; i++) members.push(r.hex(32));
  const scheduled_by = r.hex(32);
  r.finish();
  return { epoch, from_height, members, scheduled_by };
}
// ValidatorHandoff (a record: u8 version 1, then bytes header, commit, record, proof).
export function decodeHandoff(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new DecodeError('bad_value: record version');
  const h = { header: r.blob(4096), commit: r.blob(1024 * 100), record: r.blob(1024 * 40), proof: r.blob(1 << 16) };
  r.finish();
  return h;
}

// The validator set in force at `height`, reached from the genesis set by following `handoffs`
// (hex EncodeHandoff of each validator-set change since genesis, in order — settlement_proof's
// validator_handoffs). Each hand-off's block must be certified by the set before it (a quorum of
// valid signatures), and its state must hold the next epoch's set (SMT inclusion proof of key
// "v/e/" + epoch), in force from the next block. Mirrors SetInForce of
// node/protocol/certificate.cpp. With `earlier` (an earlier block of the chain the hand-offs
// lead along, e.g. a work's registration block), the hand-offs of epochs that end at or after
// `height` are not applied. Returns {ok: true, validators, epoch, fromHeight} or
// {ok: false, reason}; never throws.
const refusal = (reason) => ({ ok: /** @type {const} */ (false), reason: String(reason) });
export function validatorSetAt(chainId, height, handoffs, genesisValidators, earlier = false) {
  let validators = genesisValidators, epoch = 0n, fromHeight = 1n;
  if (!Array.isArray(handoffs)) return refusal('validator_handoffs is not a list');
  for (let i = 0; i < handoffs.length; i++) {
    const fail = (why) => refusal(`validator hand-off ${i + 1}: ${why}`);
    try {
      const h = decodeHandoff(hexToBytes(handoffs[i], 'hand-off'));
      const hh = decodeHeader(h.header);
      if (hh.chain_id !== chainId) return fail('the block header is for another chain');
      if (hh.height < fromHeight) return fail('out of order');
      if (earlier && BigInt(height) <= hh.height) break;  // the block is in this epoch
      const sigs = decodeCommitCert(h.commit);
      const setName = epoch === 0n ? 'the genesis validator set' : `the validator set of epoch ${epoch}`;
      const why = verifyCommit(chainId, hh.height, blockHash(h.header), sigs, validators, setName);
      if (why) return fail(why);
      const rec = decodeValidatorSetRecord(h.record);
      if (rec.epoch !== epoch + 1n || rec.from_height !== hh.height + 1n || rec.members.length === 0)
        return fail('the record is not the next epoch\'s set, in force from the next block');
      const proof = decodeSmtProof(h.proof);
      if (!smtVerifyInclusion(hh.state_root, sha256(validatorSetKey(rec.epoch)), sha256(h.record), proof))
        return fail('the state proof does not show this validator set under the header\'s state root');
      validators = rec.members;
      epoch = rec.epoch;
      fromHeight = rec.from_height;
    } catch (e) {
      return fail(e instanceof DecodeError ? `does not decode: ${e.message}` : e.message);
    }
  }
  if (BigInt(height) < fromHeight)
    return refusal(`the certified block (height ${height}) is older than the last validator hand-off (from height ${fromHeight})`);
  return { ok: /** @type {const} */ (true), validators: [...validators], epoch: Number(epoch), fromHeight: Number(fromHeight) };
}

// ---- Merkle path (docs/formats-merkle.md 1.4, RFC 9162 2.1.3.2) ----
const merkleNode = (l, r) => taggedHash('folio/merkle/node', l, r);
export function merkleVerify(rootHex, leaf, index, count, pathHex) {
  if (!(index >= 0 && index < count)) return false;
  let fn = BigInt(index), sn = BigInt(count - 1), r = leaf;
  for (const ph of pathHex) {
    const p = hexToBytes(ph, 'proof hash');
    if (p.length !== 32) return false;
    if (sn === 0n) return false;
    if (fn % 2n === 1n || fn === sn) {
      r = merkleNode(p, r);
      while (fn % 2n === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = merkleNode(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && bytesToHex(r) === rootHex;
}

// The length of the path of leaf `index` among `count` (MerklePathLength): one hash per level of
// the RFC 6962 split (k = the largest power of two < n) down to the leaf.
export function merklePathLength(index, count) {
  let i = BigInt(index), n = BigInt(count), len = 0;
  if (i >= n) return 0;
  while (n > 1n) {
    let k = 1n;
    while (k << 1n < n) k <<= 1n;
    if (i < k) {
      n = k;
    } else {
      i -= k;
      n -= k;
    }
    len++;
  }
  return len;
}
// EncodeMerkleProof (docs/formats-merkle.md 1.5): varint index, varint count, varint path length
// (<= 64, and exactly merklePathLength(index, count)), the path hashes from the leaf up. Returns
// {index, count (bigint), path (hex)} for merkleVerify; DecodeError otherwise.
export function decodeMerkleProof(bytes) {
  const r = new Reader(bytes);
  const index = r.varint(), count = r.varint();
  const n = r.length(64);
  if (index >= count || n !== merklePathLength(index, count)) throw new DecodeError('bad_value: Merkle path index, count or length');
  const path = [];
  for (let i = 0; i < n; i++) path.push(r.hex(32));
  r.finish();
  return { index, count, path };
}

// ---- receipts and events (node/protocol/types.{h,cpp}; field-list encoding of node/protocol/fields.h) ----
const F = {
  u8: (r) => r.u8(), u16: (r) => r.u16(), u32: (r) => r.u32(), u64: (r) => r.u64(), i64: (r) => r.i64(),
  addr: (r) => r.hex(32), hash: (r) => r.hex(32), str: (r) => r.str(1024), bytes: (r) => bytesToHex(r.blob(32 * 1024)),
  bool: (r) => r.bool(),
};
const shares = (r, max) => {
  const n = r.length(max);
  const out = [];
  for (let i = 0; i < n; i++) out.push({ owner: r.hex(32), bps: r.u16() });
  return out;
};
const strMax = (max) => (r) => r.str(max);
const fields = (...spec) => (r) => {
  const o = {};
  for (const [name, f] of spec) o[name] = f(r);
  return o;
};
const PAYOUT_FIELDS = [
  ['id', F.u64], ['payee', F.addr], ['gateway', F.addr], ['currency', F.str], ['amount', F.i64],
  ['target_currency', F.str], ['target_amount', F.i64], ['rate_id', F.u64], ['rate_num', F.u64], ['rate_den', F.u64],
  ['status', F.u8], ['created_ms', F.u64], ['expires_ms', F.u64], ['ended_ms', F.u64], ['note', F.str], ['tx', F.hash],
];
// The AML structures (docs/formats.md: layouts AmlHold, SetAmlLimit, SetSanction). An AML hold's
// kind (0 payout, 1 transfer), reason (0 single_limit, 1 rolling_limit, 2 sanctioned_account,
// 3 sanctioned_country) and status (0 held, 1 blocked, 2 released, 3 rejected) are numbers.
const AML_HOLD_FIELDS = [
  ['id', F.u64], ['kind', F.u8], ['from', F.addr], ['to', F.addr], ['currency', F.str], ['amount', F.i64],
  ['reason', F.u8], ['limit', F.i64], ['rolling_sum', F.i64], ['listed', strMax(64)], ['status', F.u8],
  ['created_ms', F.u64], ['ended_ms', F.u64], ['decided_by', F.addr], ['note', strMax(256)], ['payout_id', F.u64],
  ['tx', F.hash],
];
const AML_LIMIT_FIELDS = [['currency', F.str], ['single', F.i64], ['rolling', F.i64], ['window_hours', F.u32]];
const SANCTION_FIELDS = [['account', F.addr], ['country', strMax(2)], ['listed', F.bool], ['note', strMax(128)]];
// Event tag = index in the Event variant (types.h).
const EVENTS = [
  ['work_registered', (r) => ({ work: r.u64(), fingerprint: r.hex(32), owners: shares(r, 32) })],
  ['proposal_created', fields(['proposal', F.hash])],
  ['proposal_approved', fields(['proposal', F.hash], ['approver', F.addr], ['approvals', F.u32], ['threshold', F.u32])],
  ['proposal_executed', fields(['proposal', F.hash])],
  ['role_granted', fields(['account', F.addr], ['role', F.u8])],
  ['role_revoked', fields(['account', F.addr], ['role', F.u8])],
  ['threshold_set', fields(['threshold', F.u32])],
  ['template_deployed', fields(['code_hash', F.hash], ['size', F.u32], ['name', F.str], ['version', F.u32])],
  ['deposit', fields(['account', F.addr], ['gateway', F.addr], ['currency', F.str], ['amount', F.i64], ['reference', F.str])],
  ['payout', fields(...PAYOUT_FIELDS)],
  ['account_updated', fields(['account', F.addr], ['what', F.str])],
  ['fx_rate', fields(['rate_id', F.u64], ['base', F.str], ['quote', F.str], ['num', F.u64], ['den', F.u64])],
  ['licence', fields(['licence', F.u64], ['work', F.u64], ['licensee', F.addr], ['status', F.u8])],
  ['revenue', fields(['work', F.u64], ['payer', F.addr], ['currency', F.str], ['amount', F.i64], ['income', F.u8], ['period', F.str])],
  ['shares_transferred', (r) => ({ work: r.u64(), owners: shares(r, 1024) })],
  ['auction_created', fields(['auction', F.u64], ['work', F.u64], ['contract', F.addr], ['licence', F.u64])],
  ['contract', fields(['contract', F.addr], ['topic', F.bytes], ['data', F.bytes])],
  ['transfer', fields(['from', F.addr], ['to', F.addr], ['currency', F.str], ['amount', F.i64])],
  ['nft', fields(['token', F.u64], ['work', F.u64], ['action', F.u8], ['from', F.addr], ['to', F.addr], ['currency', F.str],
    ['amount', F.i64], ['royalty', F.i64], ['fee', F.i64])],
  ['validator_set_scheduled', (r) => {
    const epoch = r.u64(), activation_height = r.u64(), n = r.length(100);
    const members = [];
    for (let i = 0; i < n; i++) members.push(r.hex(32));
    return { epoch, activation_height, members };
  }],
  ['contract_created', fields(['contract', F.addr], ['code_hash', F.hash], ['creator', F.addr])],
  ['contract_attached', fields(['work', F.u64], ['contract', F.addr])],
  ['fan_token', fields(['token', F.u64], ['action', F.u8], ['from', F.addr], ['to', F.addr], ['amount', F.u64], ['currency', F.str],
    ['paid', F.i64])],
  ['recoupment', fields(['work', F.u64], ['payee', F.addr], ['currency', F.str], ['amount', F.i64], ['recouped', F.i64], ['paid', F.i64])],
  // A payout or transfer held or blocked by the AML screen, or a hold released or rejected (the hold after it).
  ['aml_hold', fields(['hold', fields(...AML_HOLD_FIELDS)])],
  ['aml_limit_set', fields(['limit', fields(...AML_LIMIT_FIELDS)])],
  ['sanction', fields(['sanction', fields(...SANCTION_FIELDS)])],
];
export const PAYOUT_STATUS = ['pending', 'confirmed', 'failed', 'expired'];

// Decodes a receipt. Events are decoded in order up to `upTo` (inclusive; default all): a payment
// service needs the events before the one it checks (there is no per-event length), not those after
// it, so an event type added later to the ledger after the payout event does not break the check.
export function decodeReceipt(bytes, upTo = Infinity) {
  const r = new Reader(bytes);
  const rc = { tx_id: r.hex(32), success: r.bool(), error_code: r.str(64), error_message: r.str(1024), event_count: 0, events: [] };
  if (rc.success !== (rc.error_code === '')) throw new DecodeError('bad_value: success and error_code disagree');
  const n = r.length(4096);
  rc.event_count = n;
  for (let i = 0; i < n && i <= upTo; i++) {
    const tag = r.u8();
    if (tag >= EVENTS.length) throw new DecodeError(`bad_value: unknown event tag ${tag} at event ${i}`);
    const [type, read] = EVENTS[tag];
    rc.events.push({ type, ...read(r) });
  }
  if (upTo >= n) r.finish();
  return rc;
}

// ---- amounts (node/core/amount.cpp: ISO 4217 minor-unit exponents) ----
const EXP3 = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
const EXP0 = new Set(['CLP', 'ISK', 'JPY', 'KRW', 'UGX', 'VND', 'XAF', 'XOF']);
export const currencyExponent = (c) => (EXP3.has(c) ? 3 : EXP0.has(c) ? 0 : 2);
export function formatAmount(minor, currency) {
  const e = currencyExponent(currency);
  let v = BigInt(minor);
  const neg = v < 0n;
  if (neg) v = -v;
  let d = v.toString().padStart(e + 1, '0');
  if (e) d = d.slice(0, d.length - e) + '.' + d.slice(d.length - e);
  return (neg ? '-' : '') + d;
}

// ---- settlement event id (docs/settlement-events.md) ----
export function settlementEventId(chainId, height, txIdHex, eventIndex) {
  const idx = new Uint8Array(4);
  new DataView(idx.buffer).setUint32(0, eventIndex, true);
  return bytesToHex(taggedHash('folio/settlement_event', utf8ToBytes(chainId), Uint8Array.of(0), u64le(height),
    hexToBytes(txIdHex), idx));
}

// The id of a block's step receipt (receipt number tx_count, after the transactions'; present when
// the block step expired payouts): TaggedHash("folio/block_step", utf8(chain_id) || 0x00 || u64le height).
export function blockStepId(chainId, height) {
  return bytesToHex(taggedHash('folio/block_step', utf8ToBytes(chainId), Uint8Array.of(0), u64le(height)));
}

// ---- transactions (docs/formats.md "Transactions") ----
export const TX_KIND_PAYOUT_CONFIRM = 7;
// Returns {hex, id}: a signed payout_confirm {u64 payout_id, string reference}.
export function encodePayoutConfirm({ chainId, secretKey, nonce, payoutId, reference, expiresAtMs = 0 }) {
  const w = new Writer();
  w.u8(1).str(chainId).raw(schnorr.getPublicKey(secretKey)).u64(nonce).u64(expiresAtMs);
  w.u8(TX_KIND_PAYOUT_CONFIRM).u64(payoutId).str(reference);
  const unsigned = w.bytes();
  const sig = schnorr.sign(taggedHash('folio/tx/sig', unsigned), secretKey);
  const full = concatBytes(unsigned, sig);
  return { hex: bytesToHex(full), id: bytesToHex(taggedHash('folio/tx/id', full)) };
}

// The names of the transaction kinds 1..34, in order (TxKindName).
export const TX_KINDS = [
  'propose', 'approve', 'register_work', 'deposit', 'set_payout_prefs', 'withdraw', 'payout_confirm', 'payout_fail',
  'payout_expire', 'set_kyc', 'post_fx_rate', 'grant_licence', 'accept_licence', 'revoke_licence', 'report_revenue',
  'report_pool', 'transfer_shares', 'create_auction', 'contract_call', 'transfer', 'nft_mint', 'nft_transfer', 'nft_list',
  'nft_delist', 'nft_buy', 'nft_burn', 'contract_instantiate', 'attach_contract', 'fan_token_issue', 'fan_token_buy',
  'fan_token_transfer', 'set_recoupment', 'aml_release', 'aml_reject',
];
export const TX_KIND_REGISTER_WORK = 3;
export const MAX_TX_BYTES = 65536;
// Work kinds (the u8 of register_work and of the work record).
export const WORK_KINDS = ['film', 'series', 'song', 'game', 'book', 'image', 'other'];

// IndustryIds, owners (list<Share> ≤ 32, strictly increasing by owner), as a work and its
// registration carry them.
export function readWorkKind(r) {
  const code = r.u8();
  if (code >= WORK_KINDS.length) throw new DecodeError(`bad_value: work kind ${code}`);
  return WORK_KINDS[code];
}
export const readIds = (r) => ({ isrc: r.str(64), iswc: r.str(64), isan: r.str(64), eidr: r.str(64) });
export function readOwners(r) {
  const n = r.length(32);
  /** @type {{owner: string, bps: number}[]} */
  const owners = [];
  for (let i = 0; i < n; i++) {
    const owner = r.hex(32), bps = r.u16();
    if (owners.length && !(owners[owners.length - 1].owner < owner)) throw new DecodeError('non_canonical: owners not sorted by address');
    owners.push({ owner, bps });
  }
  return owners;
}

// Decodes a transaction (docs/formats.md "Transaction"): u8 version 1, string chain_id (≤ 64),
// address sender, u64 nonce, u64 expires_at_ms, u8 kind (1..34) and its body, the 64-byte
// signature; at most MAX_TX_BYTES. The bodies of register_work and payout_confirm are decoded
// (strictly, like the node); any other kind's body is not (body null: the signature is taken as
// the last 64 bytes). `id` is TaggedHash("folio/tx/id", the bytes), `sig_hash` the message the
// sender signs, TaggedHash("folio/tx/sig", the bytes before the signature) (TxId, TxSigHash).
export function decodeTx(bytes) {
  if (bytes.length > MAX_TX_BYTES) throw new DecodeError('too_long: transaction');
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new DecodeError('bad_value: transaction version');
  const chain_id = r.str(64), sender = r.hex(32), nonce = r.u64(), expires_at_ms = r.u64();
  const code = r.u8();
  if (code < 1 || code > TX_KINDS.length) throw new DecodeError(`bad_value: transaction kind ${code}`);
  /** @type {Record<string, unknown> | null} */
  let body = null;
  if (code === TX_KIND_REGISTER_WORK) {
    body = {
      fingerprint: r.hex(32), title: r.str(256), kind: readWorkKind(r), ids: readIds(r), metadata_hash: r.hex(32),
      metadata_uri: r.str(512), owners: readOwners(r),
    };
  } else if (code === TX_KIND_PAYOUT_CONFIRM) {
    body = { payout_id: r.u64(), reference: r.str(1024) };
  } else {
    r.need(64);
    r.p = bytes.length - 64;
  }
  const signature = r.hex(64);
  r.finish();
  return {
    chain_id, sender, nonce, expires_at_ms, kind: TX_KINDS[code - 1], body, signature,
    id: bytesToHex(taggedHash('folio/tx/id', bytes)),
    sig_hash: bytesToHex(taggedHash('folio/tx/sig', bytes.subarray(0, bytes.length - 64))),
  };
}
// True iff the transaction's signature is its sender's BIP-340 signature over its sig_hash.
export function verifyTxSignature(tx) {
  try {
    return schnorr.verify(hexToBytes(tx.signature), hexToBytes(tx.sig_hash), hexToBytes(tx.sender));
  } catch {
    return false;
  }
}
