// Synthetic chains for the unit tests: block headers, commit certificates signed by generated
// validator keys, and validator-set hand-offs whose state proof is a small sparse Merkle tree —
// the encodings of docs/formats.md and docs/formats-merkle.md, written independently of the
// decoders under test (src/folio.js).
import { schnorr } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { taggedHash, commitMessage, blockHash, validatorSetKey } from '../src/folio.js';

const u32 = (v) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
const u64 = (v) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); return b; };
const varint = (v) => {
  const out = [];
  v = BigInt(v);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return Uint8Array.from(out);
};
const blob = (b) => concatBytes(varint(b.length), b);
const str = (s) => blob(utf8ToBytes(s));
const h32 = (hex) => hexToBytes(hex);
const ZERO = '00'.repeat(32);

// A validator: a fixed secret key from a seed, so failures reproduce.
export function validator(seed) {
  const sk = sha256(utf8ToBytes(`folio test validator ${seed}`));
  return { sk, key: bytesToHex(schnorr.getPublicKey(sk)) };
}
export const validators = (n, from = 0) => Array.from({ length: n }, (_, i) => validator(from + i));

export function encodeHeader({ chainId, height, stateRoot = ZERO, parent = ZERO, timeMs = 1764000000000, proposer = ZERO,
  txCount = 0, txRoot = ZERO, receiptsRoot = ZERO }) {
  return concatBytes(u32(1), str(chainId), u64(height), h32(parent), u64(timeMs), h32(proposer), u32(txCount),
    h32(txRoot), h32(receiptsRoot), h32(stateRoot));
}

// Commit certificate kind 1 over `headerBytes`, signed by `signers` (sorted by key, as the node does).
export function signCommit(chainId, height, headerBytes, signers) {
  const msg = commitMessage(chainId, height, blockHash(headerBytes));
  const sigs = [...signers].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((v) => concatBytes(h32(v.key), schnorr.sign(msg, v.sk)));
  return concatBytes(Uint8Array.of(1), varint(sigs.length), ...sigs);
}

export function encodeValidatorSetRecord({ epoch, fromHeight, members, scheduledBy = ZERO }) {
  return concatBytes(Uint8Array.of(1), u64(epoch), u64(fromHeight), varint(members.length), ...members.map(h32), h32(scheduledBy));
}

// A two-leaf sparse Merkle map: the validator set record and one other entry on the other side
// of the root (their keys differ in the first bit). Returns the root (hex) and the record's proof.
function smtWithRecord(stateKey, value) {
  const key = sha256(stateKey), vh = sha256(value);
  const other = sha256(utf8ToBytes('another entry'));
  other[0] = (other[0] & 0x7f) | (~key[0] & 0x80);  // the opposite first bit
  const mine = taggedHash('folio/smt/leaf', key, vh);
  const sib = taggedHash('folio/smt/leaf', other, sha256(utf8ToBytes('its value')));
  const root = key[0] & 0x80 ? taggedHash('folio/smt/node', sib, mine) : taggedHash('folio/smt/node', mine, sib);
  const proof = concatBytes(varint(1), sib, Uint8Array.of(1), key, vh);
  return { root: bytesToHex(root), proof };
}

export const encodeHandoff = ({ header, commit, record, proof }) =>
  concatBytes(Uint8Array.of(1), blob(header), blob(commit), blob(record), blob(proof));

// The hand-off into `epoch` (members: keys) at the block `lastHeight` (the old epoch's last),
// signed by `signers` (of the old set). Options alter one part, for the negative tests.
export function handoff({ chainId, epoch, lastHeight, members, signers, recordEpoch = epoch, fromHeight = lastHeight + 1,
  headerChainId = chainId }) {
  const record = encodeValidatorSetRecord({ epoch: recordEpoch, fromHeight, members });
  const { root, proof } = smtWithRecord(validatorSetKey(recordEpoch), record);
  const header = encodeHeader({ chainId: headerChainId, height: lastHeight, stateRoot: root });
  const commit = signCommit(headerChainId, lastHeight, header, signers);
  return { header, commit, record, proof, hex: bytesToHex(encodeHandoff({ header, commit, record, proof })) };
}

// A block at `height` certified by `signers`: {header (bytes), hash (bytes), commit (bytes)}.
export function certifiedBlock(chainId, height, signers) {
  const header = encodeHeader({ chainId, height });
  return { header, hash: blockHash(header), commit: signCommit(chainId, height, header, signers) };
}

// ---- a payout instruction in a block, and its settlement_proof (what the node answers) ----
const i64 = (v) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(v), true); return b; };
// A receipt of one successful transaction whose event 0 is a pending payout.
export function payoutReceipt({ txId, payoutId, payee, gateway, currency, amountMinor, status = 0, payoutTx = txId }) {
  const payout = concatBytes(Uint8Array.of(9), u64(payoutId), h32(payee), h32(gateway), str(currency), i64(amountMinor),
    str(''), i64(0), u64(0), u64(0), u64(0), Uint8Array.of(status), u64(1764000000000), u64(1764086400000), u64(0), str(''),
    h32(payoutTx));
  return concatBytes(h32(txId), Uint8Array.of(1), str(''), str(''), varint(1), payout);
}
// {event, proof} of payout `payoutId` at `height` (the block's only transaction), the block
// signed by `signers`; `handoffs` (hex) as the proof carries them.
export function payoutProof({ chainId, seq, height, payoutId, payee, gateway, currency = 'BRL', amountMinor = 1234n, signers, handoffs = [] }) {
  const txId = bytesToHex(sha256(utf8ToBytes(`tx of payout ${payoutId}`)));
  const receipt = payoutReceipt({ txId, payoutId, payee, gateway, currency, amountMinor });
  const header = encodeHeader({ chainId, height, txCount: 1, receiptsRoot: bytesToHex(sha256(receipt)) });
  const idx = new Uint8Array(4);
  const id = bytesToHex(taggedHash('folio/settlement_event', utf8ToBytes(chainId), Uint8Array.of(0), u64(height), h32(txId), idx));
  const minor = BigInt(amountMinor);
  const event = {
    seq, id, height, block_hash: bytesToHex(blockHash(header)), tx: txId, kind: 'payout_instruction', payout_id: payoutId,
    payee, gateway, amount: { amount: `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`, currency }, tx_index: 0, event_index: 0,
  };
  const proof = {
    event, header: bytesToHex(header), receipt: bytesToHex(receipt), receipt_index: 0, receipt_count: 1, receipt_proof: [],
    commit: bytesToHex(signCommit(chainId, height, header, signers)), validator_handoffs: handoffs,
  };
  return { event, proof };
}

// {event, proof} of payout `payoutId` expiring at the start of block `height`: the block has one
// transaction (an unrelated instruction) and then the block step's receipt, id `stepId` (the
// node's is blockStepId(chainId, height)), carrying the expired payout.
export function expiredPayoutProof({ chainId, seq, height, payoutId, payee, gateway, stepId, currency = 'BRL', amountMinor = 4550n, signers }) {
  const txId = bytesToHex(sha256(utf8ToBytes(`another tx at ${height}`)));
  const r0 = payoutReceipt({ txId, payoutId: payoutId + 1, payee, gateway, currency, amountMinor: 1n });
  const r1 = payoutReceipt({ txId: stepId, payoutId, payee, gateway, currency, amountMinor, status: 3, payoutTx: ZERO });
  const root = taggedHash('folio/merkle/node', sha256(r0), sha256(r1));
  const header = encodeHeader({ chainId, height, txCount: 1, txRoot: txId, receiptsRoot: bytesToHex(root) });
  const id = bytesToHex(taggedHash('folio/settlement_event', utf8ToBytes(chainId), Uint8Array.of(0), u64(height), h32(stepId), u32(0)));
  const minor = BigInt(amountMinor);
  const event = {
    seq, id, height, block_hash: bytesToHex(blockHash(header)), tx: stepId, kind: 'payout_expired', payout_id: payoutId,
    payee, gateway, amount: { amount: `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`, currency }, tx_index: 1, event_index: 0,
  };
  const proof = {
    event, header: bytesToHex(header), receipt: bytesToHex(r1), receipt_index: 1, receipt_count: 2,
    receipt_proof: [bytesToHex(sha256(r0))], commit: bytesToHex(signCommit(chainId, height, header, signers)), validator_handoffs: [],
  };
  return { event, proof };
}

// ---- a work certificate (docs/certificates.md, "folio-work-certificate/2") ----
// The Merkle tree over a list (docs/formats-merkle.md §1): root and audit path, from the spec.
const merkleNodeHash = (l, r) => taggedHash('folio/merkle/node', l, r);
const splitPoint = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };
export function merkleRoot(leaves) {
  if (leaves.length === 0) return new Uint8Array(32);
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return merkleNodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}
function merklePath(leaves, m) {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  return m < k ? [...merklePath(leaves.slice(0, k), m), merkleRoot(leaves.slice(k))]
    : [...merklePath(leaves.slice(k), m - k), merkleRoot(leaves.slice(0, k))];
}
// EncodeMerkleProof: varint index, varint count, varint path length, the path.
export const encodeMerkleProof = (leaves, index) => {
  const path = merklePath(leaves, index);
  return concatBytes(varint(index), varint(leaves.length), varint(path.length), ...path);
};

const KINDS = ['film', 'series', 'song', 'game', 'book', 'image', 'other'];
const idsBytes = (ids = {}) => concatBytes(str(ids.isrc ?? ''), str(ids.iswc ?? ''), str(ids.isan ?? ''), str(ids.eidr ?? ''));
const sharesBytes = (owners) => concatBytes(varint(owners.length), ...owners.map((o) => concatBytes(h32(o.owner), u16(o.bps))));
const u16 = (v) => { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, v, true); return b; };
const sortOwners = (owners) => [...owners].sort((a, b) => (a.owner < b.owner ? -1 : 1));

// A signed register_work transaction (kind 3) of `work`, by `signer` ({sk, key}).
export function registerWorkTx({ chainId, signer, nonce = 0, work, kindCode = 3 }) {
  const body = concatBytes(Uint8Array.of(kindCode), h32(work.fingerprint), str(work.title), Uint8Array.of(KINDS.indexOf(work.kind)),
    idsBytes(work.ids), h32(work.metadataHash ?? ZERO), str(work.metadataUri ?? ''), sharesBytes(sortOwners(work.owners)));
  const unsigned = concatBytes(Uint8Array.of(1), str(chainId), h32(signer.key), u64(nonce), u64(0), body);
  const sig = schnorr.sign(taggedHash('folio/tx/sig', unsigned), signer.sk);
  const bytes = concatBytes(unsigned, sig);
  return { bytes, id: taggedHash('folio/tx/id', bytes) };
}
// A receipt: tx_id, success, error code and message, events (each already encoded with its tag).
export const encodeReceipt = ({ txId, success = true, errorCode = '', events = [] }) =>
  concatBytes(txId, Uint8Array.of(success ? 1 : 0), str(errorCode), str(''), varint(events.length), ...events);
export const workRegisteredEvent = (id, fingerprint, owners) =>
  concatBytes(Uint8Array.of(0), u64(id), h32(fingerprint), sharesBytes(sortOwners(owners)));
// The work's state record ("w/" + u64be id, a record: version 1 then the fields).
export function encodeWorkRecord(w) {
  return concatBytes(Uint8Array.of(1), u64(w.id), h32(w.fingerprint), str(w.title), Uint8Array.of(KINDS.indexOf(w.kind)), idsBytes(w.ids),
    h32(w.metadataHash ?? ZERO), str(w.metadataUri ?? ''), sharesBytes(sortOwners(w.owners)), h32(w.registrant), u64(w.height), u64(w.timeMs));
}
export function workStateKey(id) {
  const k = new Uint8Array(10);
  k.set(utf8ToBytes('w/'));
  new DataView(k.buffer).setBigUint64(2, BigInt(id), false);
  return k;
}

// The document work_certificate writes for work `id` registered by `registrant` ({sk, key}) at
// `regHeight` as transaction number `index` of `txCount` (the others unrelated; `blockStep` adds
// a block step receipt), certified at `height`. `regSigners` sign the registration block,
// `signers` the certified one; `handoffs` (what handoff() returns) go in validator_handoffs.
// `genesisValidators`: the keys the document names.
export function workCertificate({
  chainId, file, title = 'Rio at Dawn', kind = 'film', ids = { isrc: 'BRABC2600001' }, owners, registrant, id = 1,
  regHeight = 3, regTimeMs = 1764000003000, index = 1, txCount = 3, blockStep = false, height = 5, signers, regSigners = signers,
  handoffs = [], genesisValidators, genesisHash = 'ab'.repeat(32),
  // Alterations for the negative tests: the transaction's signer and chain, its receipt, the
  // registration header's time.
  txSigner = registrant, txChainId = chainId, txKindCode = 3, receipt: receiptOptions = {}, regHeaderTimeMs = regTimeMs,
}) {
  const fingerprint = bytesToHex(sha256(file));
  owners = owners ?? [{ owner: registrant.key, bps: 10000 }];
  const work = { id, fingerprint, title, kind, ids, owners, registrant: registrant.key, height: regHeight, timeMs: regTimeMs };
  // The registration block: `txCount` transactions, ours at `index`.
  const tx = registerWorkTx({ chainId: txChainId, signer: txSigner, work, kindCode: txKindCode });
  const receipt = encodeReceipt({ txId: tx.id, events: [workRegisteredEvent(id, fingerprint, owners)], ...receiptOptions });
  const txIds = [], receiptHashes = [];
  for (let i = 0; i < txCount; i++) {
    const other = sha256(utf8ToBytes(`another tx ${i}`));
    txIds.push(i === index ? tx.id : other);
    receiptHashes.push(sha256(i === index ? receipt : encodeReceipt({ txId: other })));
  }
  if (blockStep) receiptHashes.push(sha256(encodeReceipt({ txId: sha256(utf8ToBytes('block step')) })));
  const regHeader = encodeHeader({ chainId, height: regHeight, timeMs: regHeaderTimeMs, txCount, txRoot: bytesToHex(merkleRoot(txIds)),
    receiptsRoot: bytesToHex(merkleRoot(receiptHashes)), stateRoot: bytesToHex(sha256(utf8ToBytes('state then'))) });
  // The certified block, whose state holds the record.
  const record = encodeWorkRecord(work);
  const { root, proof } = smtWithRecord(workStateKey(id), record);
  const header = encodeHeader({ chainId, height, stateRoot: root, timeMs: 1764000000000 + height * 1000 });
  const cert = {
    format: 'folio-work-certificate/2',
    chain_id: chainId,
    genesis_hash: genesisHash,
    work: {
      id, fingerprint, title, kind, industry_ids: ids, metadata_hash: null, metadata_uri: '',
      owners: sortOwners(owners).map((o) => ({ address: o.owner, bps: o.bps })), registrant: registrant.key, height: regHeight, time_ms: regTimeMs,
    },
    height,
    work_record: bytesToHex(record),
    proof: bytesToHex(proof),
    header: bytesToHex(header),
    commit: bytesToHex(signCommit(chainId, height, header, signers)),
    genesis_validators: genesisValidators,
    validator_handoffs: handoffs.map((h) => h.hex),
    registration: {
      height: regHeight,
      time_ms: regTimeMs,
      tx_hash: bytesToHex(tx.id),
      registrant: txSigner.key,
      header: bytesToHex(regHeader),
      commit: bytesToHex(signCommit(chainId, regHeight, regHeader, regSigners)),
      tx: bytesToHex(tx.bytes),
      tx_proof: bytesToHex(encodeMerkleProof(txIds, index)),
      receipt: bytesToHex(receipt),
      receipt_proof: bytesToHex(encodeMerkleProof(receiptHashes, index)),
    },
  };
  return cert;
}
