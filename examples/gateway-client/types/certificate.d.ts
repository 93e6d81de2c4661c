// Types of src/certificate.js: the offline check of a work's registration certificate.
import type { Hex } from './folio.js';
import type { Trust } from './verify.js';

export declare const CERTIFICATE_FORMAT: 'folio-work-certificate/1';
export declare const WORK_KINDS: readonly string[];

/** A work's state record, decoded (docs/formats.md, "w/"). */
export interface WorkRecord {
  id: bigint;
  fingerprint: Hex;
  title: string;
  kind: string;
  ids: { isrc: string; iswc: string; isan: string; eidr: string };
  metadata_hash: Hex;
  metadata_uri: string;
  owners: { owner: Hex; bps: number }[];
  registrant: Hex;
  registered_height: bigint;
  registered_time_ms: bigint;
}
export declare function decodeWorkRecord(bytes: Uint8Array): WorkRecord;
/** "w/" + u64 big-endian id. */
export declare function workKey(id: number | bigint): Uint8Array;

/** The certificate document work_certificate returns (docs/certificates.md). */
export interface WorkCertificate {
  format: string;
  chain_id: string;
  genesis_hash?: Hex;
  work?: unknown;
  height: number;
  work_record: Hex;
  proof: Hex;
  header: Hex;
  commit: Hex;
  genesis_validators?: Hex[];
  validator_handoffs?: Hex[];
}
export type CertificateResult =
  | { ok: true; work: WorkRecord; height: number; epoch: number; signers: number }
  | { ok: false; reason: string };
/** Never throws; `fingerprint` (hex SHA-256 of the file) is optional. */
export declare function verifyWorkCertificate(cert: WorkCertificate, trust: Trust, fingerprint?: Hex): CertificateResult;
/** Hex SHA-256 of a file's bytes. */
export declare function fingerprintOf(bytes: Uint8Array): Hex;
