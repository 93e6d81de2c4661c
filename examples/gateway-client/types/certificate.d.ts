// Types of src/certificate.js: the offline check of a work's certificate (its current record and
// its registration).
import type { Hex, RegisterWorkBody } from './folio.js';
import type { Trust } from './verify.js';

export { WORK_KINDS } from './folio.js';
export declare const CERTIFICATE_FORMAT: 'folio-work-certificate/2';

/** A work's state record, decoded (docs/formats.md, "w/"): what registered it, and more. */
export interface WorkRecord extends RegisterWorkBody {
  id: bigint;
  registrant: Hex;
  registered_height: bigint;
  registered_time_ms: bigint;
}
export declare function decodeWorkRecord(bytes: Uint8Array): WorkRecord;
/** "w/" + u64 big-endian id. */
export declare function workKey(id: number | bigint): Uint8Array;

/** How the work was registered: readable fields, and the proofs (hex) they are checked against. */
export interface WorkCertificateRegistration {
  /** The registration block (= the record's registered_height). */
  height: number;
  /** Its time, unix ms (= the record's registered_time_ms). */
  time_ms: number;
  /** The register_work transaction's id. */
  tx_hash: Hex;
  /** Its sender. */
  registrant: Hex;
  /** EncodeHeader of the registration block. */
  header: Hex;
  /** Its commit certificate. */
  commit: Hex;
  /** EncodeTx of the register_work transaction. */
  tx: Hex;
  /** EncodeMerkleProof of its id under the header's tx_root. */
  tx_proof: Hex;
  /** EncodeReceipt of its receipt. */
  receipt: Hex;
  /** EncodeMerkleProof of SHA-256 of the receipt under receipts_root. */
  receipt_proof: Hex;
}
/** The certificate document work_certificate returns (docs/certificates.md). */
export interface WorkCertificate {
  format: string;
  chain_id: string;
  genesis_hash: Hex;
  /** The work as the node renders it (checked against the record). */
  work: unknown;
  height: number;
  work_record: Hex;
  proof: Hex;
  header: Hex;
  commit: Hex;
  genesis_validators: Hex[];
  validator_handoffs?: Hex[];
  registration: WorkCertificateRegistration;
}
/** The trust anchor, optionally with the genesis hash (`foliod genesis hash`), then compared with the certificate's. */
export interface CertificateTrust extends Trust {
  genesisHash?: Hex;
}
/** The registration as verified. */
export interface VerifiedRegistration {
  height: number;
  time_ms: number;
  tx_hash: Hex;
  registrant: Hex;
  /** The validator epoch whose set signed the registration block (0: the genesis set). */
  epoch: number;
  signers: number;
}
export type CertificateResult =
  | { ok: true; work: WorkRecord; height: number; epoch: number; signers: number; registration: VerifiedRegistration }
  | { ok: false; reason: string };
/** Never throws; `fingerprint` (hex SHA-256 of the file) is optional. */
export declare function verifyWorkCertificate(cert: WorkCertificate, trust: CertificateTrust, fingerprint?: Hex): CertificateResult;
/** Hex SHA-256 of a file's bytes. */
export declare function fingerprintOf(bytes: Uint8Array): Hex;
