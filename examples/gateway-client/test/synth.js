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
