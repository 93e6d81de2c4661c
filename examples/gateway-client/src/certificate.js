// Offline verification of a work's registration certificate (docs/certificates.md, format
// "folio-work-certificate/1"): the file's SHA-256 is the certified work's fingerprint, the work
// record is in the state of a block, and that block is signed by a quorum of the validator set in
// force at its height, reached from the genesis set through the certificate's hand-offs. Mirrors
// VerifyWorkCertificate of node/protocol/certificate.cpp step by step, with its reasons. The
// explorer runs this module in the browser (node/explorer).
import { sha256 } from '@noble/hashes/sha2';
import {
  Reader, DecodeError, hexToBytes, bytesToHex, decodeHeader, blockHash, decodeCommitCert, verifyCommit,
  decodeSmtProof, smtVerifyInclusion, validatorSetAt,
} from './folio.js';

export const CERTIFICATE_FORMAT = 'folio-work-certificate/1';
export const WORK_KINDS = ['film', 'series', 'song', 'game', 'book', 'image', 'other'];

// The state record of a work (docs/formats.md, "State keys" "w/"): u8 version 1, u64 id, hash
// fingerprint, string title (≤ 256), u8 kind, IndustryIds (isrc, iswc, isan, eidr: strings ≤ 64),
// hash metadata_hash, string metadata_uri (≤ 512), owners (≤ 32 shares, sorted by owner, unique),
// address registrant, u64 registered_height, u64 registered_time_ms.
export function decodeWorkRecord(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new DecodeError('bad_value: record version');
  const id = r.u64(), fingerprint = r.hex(32), title = r.str(256), kindCode = r.u8();
  const ids = { isrc: r.str(64), iswc: r.str(64), isan: r.str(64), eidr: r.str(64) };
  const metadata_hash = r.hex(32), metadata_uri = r.str(512);
  const n = r.length(32);
  /** @type {{owner: string, bps: number}[]} */
  const owners = [];
  for (let i = 0; i < n; i++) {
    const owner = r.hex(32), bps = r.u16();
    if (owners.length && !(owners[owners.length - 1].owner < owner)) throw new DecodeError('non_canonical: owners not sorted by address');
    owners.push({ owner, bps });
  }
  const registrant = r.hex(32), registered_height = r.u64(), registered_time_ms = r.u64();
  r.finish();
  const kind = WORK_KINDS[kindCode] ?? `kind ${kindCode}`;
  return { id, fingerprint, title, kind, ids, metadata_hash, metadata_uri, owners, registrant, registered_height, registered_time_ms };
}

// The state key of a work: "w/" + u64 big-endian id.
export function workKey(id) {
  const k = new Uint8Array(10);
  k[0] = 0x77; k[1] = 0x2f;  // "w/"
  new DataView(k.buffer).setBigUint64(2, BigInt(id), false);
  return k;
}

// Verifies `cert` (the parsed certificate JSON) under `trust` ({chainId, validators}: the genesis,
// see trustFromGenesis). `fingerprint` (hex SHA-256 of the file, optional) must be the work's.
// Returns {ok: true, work, height, epoch, signers} or {ok: false, reason}; never throws.
export function verifyWorkCertificate(cert, trust, fingerprint) {
  const no = (reason) => ({ ok: /** @type {const} */ (false), reason });
  try {
    if (!cert || cert.format !== CERTIFICATE_FORMAT) return no(`not a work certificate (format is not "${CERTIFICATE_FORMAT}")`);
    if (cert.chain_id !== trust.chainId)
      return no(`the certificate is for chain '${cert.chain_id}', the genesis is for '${trust.chainId}'`);
    let work;
    try {
      work = decodeWorkRecord(hexToBytes(cert.work_record, 'work_record'));
    } catch (e) {
      return no(`the work record does not decode: ${e.message}`);
    }
    if (fingerprint !== undefined && fingerprint !== work.fingerprint)
      return no(`the file's SHA-256 ${fingerprint} is not the certified work's fingerprint ${work.fingerprint}`);
    const headerBytes = hexToBytes(cert.header, 'header');
    let header;
    try {
      header = decodeHeader(headerBytes);
    } catch (e) {
      return no(`the block header does not decode: ${e.message}`);
    }
    if (header.chain_id !== trust.chainId) return no('the block header is for another chain');
    let proof;
    try {
      proof = decodeSmtProof(hexToBytes(cert.proof, 'proof'));
    } catch (e) {
      return no(`the state proof does not decode: ${e.message}`);
    }
    const set = validatorSetAt(trust.chainId, header.height, cert.validator_handoffs ?? [], trust.validators);
    if (!set.ok) return no(set.reason);
    if (!smtVerifyInclusion(header.state_root, sha256(workKey(work.id)), sha256(hexToBytes(cert.work_record)), proof))
      return no('the state proof does not show this work record under the header\'s state root');
    let sigs;
    try {
      sigs = decodeCommitCert(hexToBytes(cert.commit, 'commit'));
    } catch (e) {
      return no(`the commit certificate does not decode: ${e.message}`);
    }
    const setName = set.epoch === 0 ? 'the genesis validator set' : `the validator set of epoch ${set.epoch}`;
    const why = verifyCommit(trust.chainId, header.height, blockHash(headerBytes), sigs, set.validators, setName);
    if (why) return no(why);
    return { ok: /** @type {const} */ (true), work, height: Number(header.height), epoch: set.epoch, signers: sigs.length };
  } catch (e) {
    return no(e instanceof DecodeError ? `malformed certificate: ${e.message}` : `certificate check failed: ${e.message}`);
  }
}

// SHA-256 of a file's bytes, as hex: the fingerprint a work is registered under.
export const fingerprintOf = (bytes) => bytesToHex(sha256(bytes));
