// Offline verification of a work's certificate (docs/certificates.md, format
// "folio-work-certificate/2"): the file's SHA-256 is the certified work's fingerprint, the work
// record is in the state of a block, and that block is signed by a quorum of the validator set in
// force at its height, reached from the genesis set through the certificate's hand-offs; then the
// registration: the register_work transaction, signed by the record's registrant, and its
// successful receipt, both proven under the registration block, itself signed by the set in force
// at its height; then every readable field of the document is what the signed data says. Mirrors
// VerifyWorkCertificate of node/protocol/certificate.cpp step by step, with its reasons, and the
// readable-field checks of `folio work verify` (cli/cmd_work.cpp). The explorer runs this module in
// the browser (node/explorer).
import { sha256 } from '@noble/hashes/sha2';
import {
  Reader, DecodeError, hexToBytes, bytesToHex, decodeHeader, blockHash, decodeCommitCert, verifyCommit,
  decodeSmtProof, smtVerifyInclusion, validatorSetAt, decodeTx, verifyTxSignature, decodeMerkleProof, merkleVerify,
  decodeReceipt, WORK_KINDS, readWorkKind, readIds, readOwners,
} from './folio.js';

export { WORK_KINDS };
export const CERTIFICATE_FORMAT = 'folio-work-certificate/2';
const FORMAT_1 = 'folio-work-certificate/1';

// The state record of a work (docs/formats.md, "State keys" "w/"): u8 version 1, u64 id, hash
// fingerprint, string title (≤ 256), u8 kind, IndustryIds (isrc, iswc, isan, eidr: strings ≤ 64),
// hash metadata_hash, string metadata_uri (≤ 512), owners (≤ 32 shares, sorted by owner, unique),
// address registrant, u64 registered_height, u64 registered_time_ms.
export function decodeWorkRecord(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new DecodeError('bad_value: record version');
  const id = r.u64(), fingerprint = r.hex(32), title = r.str(256), kind = readWorkKind(r);
  const ids = readIds(r);
  const metadata_hash = r.hex(32), metadata_uri = r.str(512);
  const owners = readOwners(r);
  const registrant = r.hex(32), registered_height = r.u64(), registered_time_ms = r.u64();
  r.finish();
  return { id, fingerprint, title, kind, ids, metadata_hash, metadata_uri, owners, registrant, registered_height, registered_time_ms };
}

// A block header of the trusted chain from its hex: {headerBytes, header}, or {reason}.
function chainHeader(hex, what, trust) {
  const headerBytes = hexToBytes(hex, what);
  let header;
  try {
    header = decodeHeader(headerBytes);
  } catch (e) {
    return { reason: `the block header does not decode: ${e.message}` };
  }
  if (header.chain_id !== trust.chainId) return { reason: 'the block header is for another chain' };
  return { headerBytes, header };
}

// The commit certificate (hex) of a chainHeader's block, checked against the validator set `set`
// (validatorSetAt's): {sigs}, or {reason}.
function checkCommit(hex, what, trust, { header, headerBytes }, set) {
  let sigs;
  try {
    sigs = decodeCommitCert(hexToBytes(hex, what));
  } catch (e) {
    return { reason: `the commit certificate does not decode: ${e.message}` };
  }
  const why = verifyCommit(trust.chainId, header.height, blockHash(headerBytes), sigs, set.validators, setName(set.epoch));
  return why ? { reason: why } : { sigs };
}

// The state key of a work: "w/" + u64 big-endian id.
export function workKey(id) {
  const k = new Uint8Array(10);
  k[0] = 0x77; k[1] = 0x2f;  // "w/"
  new DataView(k.buffer).setBigUint64(2, BigInt(id), false);
  return k;
}

// ---- readable fields (cli/cmd_work.cpp: ExpectedWork, ReadableMismatch) ----
const ZERO_HASH = '00'.repeat(32);
// A value every certificate must have but that this verifier cannot check (genesis_hash without
// trust.genesisHash: recomputing it needs the genesis state).
const PRESENT = Symbol('present');
// The proof parts: not readable (the verifier checks them), so not compared.
const PROOF_FIELDS = new Set(['work_record', 'proof', 'header', 'commit', 'validator_handoffs']);
const REGISTRATION_PROOF_FIELDS = new Set(['header', 'commit', 'tx', 'tx_proof', 'receipt', 'receipt_proof']);

// The work as work_certificate renders it (WorkJson), rebuilt from the proven record.
function expectedWork(w) {
  /** @type {Record<string, string>} */
  const ids = {};
  for (const k of /** @type {const} */ (['isrc', 'iswc', 'isan', 'eidr'])) if (w.ids[k] !== '') ids[k] = w.ids[k];
  return {
    id: w.id, fingerprint: w.fingerprint, title: w.title, kind: w.kind, industry_ids: ids,
    metadata_hash: w.metadata_hash === ZERO_HASH ? null : w.metadata_hash, metadata_uri: w.metadata_uri,
    owners: w.owners.map((o) => ({ address: o.owner, bps: o.bps })), registrant: w.registrant,
    height: w.registered_height, time_ms: w.registered_time_ms,
  };
}

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
// Keys in the order the CLI visits them (nlohmann::json objects are sorted by key).
const sortedKeys = (o) => Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
// JSON text as nlohmann's dump() writes it (keys sorted, no spaces); bigint as its digits.
function dump(v) {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(dump).join(',')}]`;
  if (isObject(v)) return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}:${dump(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
// Whether the document's value `c` is the expected `e` (a JSON value, integers as bigint).
function same(c, e) {
  if (e === PRESENT) return true;
  if (typeof e === 'bigint') return typeof c === 'number' && Number.isSafeInteger(c) && BigInt(c) === e;
  if (Array.isArray(e)) return Array.isArray(c) && c.length === e.length && e.every((x, i) => same(c[i], x));
  if (isObject(e)) {
    if (!isObject(c)) return false;
    const ck = Object.keys(c), ek = Object.keys(e);
    return ck.length === ek.length && ek.every((k) => Object.hasOwn(c, k) && same(c[k], e[k]));
  }
  return c === e;
}
// '' when every readable field of `cert` equals `expected`'s, and its objects have no other
// (except the top-level registration, which also holds the proofs); else the first that does
// not, by its path ("work.title").
function readableMismatch(cert, expected, path = '') {
  for (const k of sortedKeys(expected)) {
    const v = expected[k];
    const at = path === '' ? k : `${path}.${k}`;
    if (!Object.hasOwn(cert, k)) return `${at} is missing`;
    if (isObject(v) && isObject(cert[k])) {
      const why = readableMismatch(cert[k], v, at);
      if (why) return why;
      for (const ck of sortedKeys(cert[k]))
        if (!Object.hasOwn(v, ck) && !(path === '' && k === 'registration')) return `${at}.${ck} is not a field of the certificate`;
    } else if (!same(cert[k], v)) {
      return `${at} reads ${dump(cert[k])} but the signed data says ${dump(v)}`;
    }
  }
  return '';
}

// Verifies `cert` (the parsed certificate JSON) under `trust` ({chainId, validators}: the genesis,
// see trustFromGenesis; with genesisHash, from `foliod genesis hash`, the certificate's
// genesis_hash must be it). `fingerprint` (hex SHA-256 of the file, optional) must be the work's.
// Returns {ok: true, work, height, epoch, signers, registration: {height, time_ms, tx_hash,
// registrant, epoch, signers}} or {ok: false, reason}; never throws.
export function verifyWorkCertificate(cert, trust, fingerprint) {
  const no = (reason) => ({ ok: /** @type {const} */ (false), reason });
  try {
    if (!isObject(cert)) return no(`not a work certificate (format is not "${CERTIFICATE_FORMAT}")`);
    if (cert.format === FORMAT_1)
      return no(`format is "${FORMAT_1}", not "${CERTIFICATE_FORMAT}" (a certificate of version 1 carries no registration proof: fetch a new one)`);
    if (cert.format !== CERTIFICATE_FORMAT)
      return no(`not a work certificate: format is ${dump(cert.format ?? 'missing')}, not "${CERTIFICATE_FORMAT}"`);
    const reg = cert.registration;
    if (!isObject(reg)) return no('the certificate has no registration (missing field \'registration\')');
    // 1. The chain.
    if (cert.chain_id !== trust.chainId)
      return no(`the certificate is for chain '${cert.chain_id}', the genesis is for '${trust.chainId}'`);
    // 2. The work record, and the file.
    let work;
    try {
      work = decodeWorkRecord(hexToBytes(cert.work_record, 'work_record'));
    } catch (e) {
      return no(`the work record does not decode: ${e.message}`);
    }
    if (fingerprint !== undefined && fingerprint !== work.fingerprint)
      return no(`the file's SHA-256 ${fingerprint} is not the certified work's fingerprint ${work.fingerprint}`);
    // 3. The certified header.
    const certified = chainHeader(cert.header, 'header', trust);
    if (certified.reason) return no(certified.reason);
    const { header } = certified;
    let proof;
    try {
      proof = decodeSmtProof(hexToBytes(cert.proof, 'proof'));
    } catch (e) {
      return no(`the state proof does not decode: ${e.message}`);
    }
    // 4. The validator set in force at its height.
    const handoffs = cert.validator_handoffs ?? [];
    const set = validatorSetAt(trust.chainId, header.height, handoffs, trust.validators);
    if (!set.ok) return no(set.reason);
    // 5. The record in the certified state.
    if (!smtVerifyInclusion(header.state_root, sha256(workKey(work.id)), sha256(hexToBytes(cert.work_record)), proof))
      return no('the state proof does not show this work record under the header\'s state root');
    // 6. The block's commit certificate.
    const commit = checkCommit(cert.commit, 'commit', trust, certified, set);
    if (commit.reason) return no(commit.reason);
    const sigs = commit.sigs;
    // 7. The registration.
    const r = verifyRegistration(work, reg, handoffs, trust);
    if (!r.ok) return no(`registration: ${r.reason}`);
    // The genesis, when the caller knows its hash.
    if (trust.genesisHash !== undefined && cert.genesis_hash !== trust.genesisHash)
      return no(`the certificate names genesis ${dump(cert.genesis_hash ?? 'none')}; the genesis document's hash is ${trust.genesisHash}`);
    // Every field a person reads must be what the signed data says.
    const registration = { height: work.registered_height, time_ms: work.registered_time_ms, tx_hash: r.tx.id, registrant: r.tx.sender };
    const expected = {
      format: CERTIFICATE_FORMAT, chain_id: trust.chainId, genesis_hash: trust.genesisHash ?? PRESENT, work: expectedWork(work),
      height: header.height, genesis_validators: [...trust.validators], registration,
    };
    const m = readableMismatch(cert, expected);
    if (m) return no(`a readable field was changed: ${m}`);
    for (const k of sortedKeys(cert))
      if (!Object.hasOwn(expected, k) && !PROOF_FIELDS.has(k)) return no(`${k} is not a field of the certificate`);
    for (const k of sortedKeys(reg))
      if (!Object.hasOwn(registration, k) && !REGISTRATION_PROOF_FIELDS.has(k)) return no(`registration.${k} is not a field of the certificate`);
    return {
      ok: /** @type {const} */ (true), work, height: Number(header.height), epoch: set.epoch, signers: sigs.length,
      registration: {
        height: Number(work.registered_height), time_ms: Number(work.registered_time_ms), tx_hash: r.tx.id, registrant: r.tx.sender,
        epoch: r.epoch, signers: r.signers,
      },
    };
  } catch (e) {
    return no(e instanceof DecodeError ? `malformed certificate: ${e.message}` : `certificate check failed: ${e.message}`);
  }
}

const setName = (epoch) => (epoch === 0 ? 'the genesis validator set' : `the validator set of epoch ${epoch}`);

// The registration proof of `work` (VerifyRegistration): {ok: true, tx, epoch, signers} or
// {ok: false, reason} (without the "registration: " prefix).
function verifyRegistration(work, reg, handoffs, trust) {
  const no = (reason) => ({ ok: /** @type {const} */ (false), reason });
  // The block the record names, certified by the set in force at its height.
  const registered = chainHeader(reg.header, 'registration.header', trust);
  if (registered.reason) return no(registered.reason);
  const { header } = registered;
  if (header.height !== work.registered_height || header.time_ms !== work.registered_time_ms)
    return no(`the block is height ${header.height} at ${header.time_ms} ms; the work record says it was registered at height ${work.registered_height} at ${work.registered_time_ms} ms`);
  const set = validatorSetAt(trust.chainId, header.height, handoffs, trust.validators, true);
  if (!set.ok) return no(set.reason);
  const commit = checkCommit(reg.commit, 'registration.commit', trust, registered, set);
  if (commit.reason) return no(commit.reason);
  const sigs = commit.sigs;
  // The transaction: register_work of this file, signed by the record's registrant, in the block.
  let tx;
  try {
    tx = decodeTx(hexToBytes(reg.tx, 'registration.tx'));
  } catch (e) {
    return no(`the transaction does not decode: ${e.message}`);
  }
  if (tx.kind !== 'register_work' || !tx.body) return no(`the transaction is a ${tx.kind}, not register_work`);
  if (tx.chain_id !== trust.chainId) return no('the transaction is for another chain');
  if (tx.body.fingerprint !== work.fingerprint) return no('the transaction registers another fingerprint');
  if (tx.sender !== work.registrant)
    return no(`the transaction's sender ${tx.sender} is not the record's registrant ${work.registrant}`);
  if (!verifyTxSignature(tx)) return no('the transaction\'s signature is invalid');
  let txProof;
  try {
    txProof = decodeMerkleProof(hexToBytes(reg.tx_proof, 'registration.tx_proof'));
  } catch (e) {
    return no(`the transaction's Merkle path does not decode: ${e.message}`);
  }
  const txCount = BigInt(header.tx_count);
  if (txProof.count !== txCount || !merkleVerify(header.tx_root, hexToBytes(tx.id), Number(txProof.index), Number(txProof.count), txProof.path))
    return no('the transaction is not under the block\'s tx_root (Merkle path does not verify)');
  // Its receipt: successful, naming this work, in the block at the transaction's index.
  const receiptBytes = hexToBytes(reg.receipt, 'registration.receipt');
  let receipt;
  try {
    receipt = decodeReceipt(receiptBytes);
  } catch (e) {
    return no(`the receipt does not decode: ${e.message}`);
  }
  if (receipt.tx_id !== tx.id) return no('the receipt is another transaction\'s');
  if (!receipt.success) return no(`the receipt is a failure (${receipt.error_code})`);
  if (!receipt.events.some((e) => e.type === 'work_registered' && e.work === work.id && e.fingerprint === work.fingerprint))
    return no(`the receipt has no work_registered event for work ${work.id}`);
  let receiptProof;
  try {
    receiptProof = decodeMerkleProof(hexToBytes(reg.receipt_proof, 'registration.receipt_proof'));
  } catch (e) {
    return no(`the receipt's Merkle path does not decode: ${e.message}`);
  }
  if (receiptProof.index !== txProof.index || (receiptProof.count !== txCount && receiptProof.count !== txCount + 1n) ||
      !merkleVerify(header.receipts_root, sha256(receiptBytes), Number(receiptProof.index), Number(receiptProof.count), receiptProof.path))
    return no('the receipt is not under the block\'s receipts_root at the transaction\'s index (Merkle path does not verify)');
  return { ok: /** @type {const} */ (true), tx, epoch: set.epoch, signers: sigs.length };
}

// SHA-256 of a file's bytes, as hex: the fingerprint a work is registered under.
export const fingerprintOf = (bytes) => bytesToHex(sha256(bytes));
