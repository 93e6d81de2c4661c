// Types of src/folio.js: Folio's canonical encodings and hashes (docs/formats.md,
// docs/formats-merkle.md). Kept true by test/types (tsc: a typed usage file, and a conformance
// check of src/ against these declarations).

/** Lowercase hex text. */
export type Hex = string;

export declare function bytesToHex(bytes: Uint8Array): Hex;
export declare function concatBytes(...arrays: Uint8Array[]): Uint8Array;
export declare function utf8ToBytes(text: string): Uint8Array;

/** A malformed or non-canonical encoding. */
export declare class DecodeError extends Error {}

/** Lowercase, even-length hex to bytes; DecodeError ("<what> is not lowercase hex") otherwise. */
export declare function hexToBytes(hex: string, what?: string): Uint8Array;

/** The canonical codec's reader (node/core/codec.h); every method throws DecodeError. */
export declare class Reader {
  constructor(bytes: Uint8Array);
  b: Uint8Array;
  /** The read position. */
  p: number;
  dv: DataView;
  need(n: number): void;
  u8(): number;
  u16(): number;
  u32(): number;
  u64(): bigint;
  i64(): bigint;
  bool(): boolean;
  varint(): bigint;
  length(max: number): number;
  fixed(n: number): Uint8Array;
  hex(n: number): Hex;
  blob(max: number): Uint8Array;
  str(max: number): string;
  /** DecodeError('trailing_bytes') unless everything was read. */
  finish(): void;
}

/** The canonical codec's writer. */
export declare class Writer {
  parts: Uint8Array[];
  raw(b: Uint8Array): this;
  u8(v: number): this;
  u64(v: number | bigint): this;
  varint(v: number | bigint): this;
  str(s: string): this;
  bytes(): Uint8Array;
}

/** SHA-256(SHA-256(tag) || SHA-256(tag) || parts...). */
export declare function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array;
/** AuthMessage(chain_id, nonce) = TaggedHash("folio/auth", chain_id || 0x00 || nonce). */
export declare function authMessage(chainId: string, nonceHex: Hex): Uint8Array;
/** BIP-340 signature of AuthMessage, hex. */
export declare function signAuth(secretKey: Uint8Array, chainId: string, nonceHex: Hex): Hex;
/** The x-only public key (the account address) of a secret key. */
export declare function publicKeyOf(secretKey: Uint8Array): Hex;

/** A block header (docs/formats.md "Block"). */
export interface BlockHeader {
  version: number;
  chain_id: string;
  height: bigint;
  parent: Hex;
  time_ms: bigint;
  proposer: Hex;
  tx_count: number;
  tx_root: Hex;
  receipts_root: Hex;
  state_root: Hex;
}
export declare function decodeHeader(bytes: Uint8Array): BlockHeader;
/** TaggedHash("folio/block", header). */
export declare function blockHash(headerBytes: Uint8Array): Uint8Array;
/** TaggedHash("folio/commit", chain_id || 0x00 || u64 height || block hash). */
export declare function commitMessage(chainId: string, height: number | bigint, blockHashBytes: Uint8Array): Uint8Array;

/** One validator's signature in a commit certificate. */
export interface CommitSignature {
  validator: Hex;
  signature: Uint8Array;
}
/** Commit certificate kind 1: signatures sorted by validator, unique. */
export declare function decodeCommitCert(bytes: Uint8Array): CommitSignature[];
/** Signatures needed out of n validators: floor(2n/3) + 1, the node's rule. */
export declare function commitQuorum(n: number): number;
/**
 * '' when `sigs` holds at least commitQuorum(validators.length) valid signatures of members of
 * `validators` over CommitMessage; else the reason. `setName` names the set in reasons.
 */
export declare function verifyCommit(
  chainId: string, height: number | bigint, blockHashBytes: Uint8Array, sigs: readonly CommitSignature[],
  validators: readonly Hex[], setName?: string,
): string;

/** A sparse Merkle map proof (node/core/smt.h). */
export interface SmtProof {
  siblings: Uint8Array[];
  leaf: { key: Uint8Array; valueHash: Uint8Array } | null;
}
export declare function decodeSmtProof(bytes: Uint8Array): SmtProof;
export declare function smtVerifyInclusion(rootHex: Hex, key: Uint8Array, valueHash: Uint8Array, proof: SmtProof): boolean;

/** The state key "v/e/" + u64 big-endian epoch. */
export declare function validatorSetKey(epoch: number | bigint): Uint8Array;
export interface ValidatorSetRecord {
  epoch: bigint;
  from_height: bigint;
  /** Leader-rotation order. */
  members: Hex[];
  scheduled_by: Hex;
}
export declare function decodeValidatorSetRecord(bytes: Uint8Array): ValidatorSetRecord;
/** A validator-set hand-off's parts (protocol::ValidatorHandoff). */
export interface ValidatorHandoff {
  header: Uint8Array;
  commit: Uint8Array;
  record: Uint8Array;
  proof: Uint8Array;
}
export declare function decodeHandoff(bytes: Uint8Array): ValidatorHandoff;

export type ValidatorSetResult =
  | { ok: true; validators: Hex[]; epoch: number; fromHeight: number }
  | { ok: false; reason: string };
/**
 * The validator set in force at `height`: the genesis set, then each hand-off's (hex
 * EncodeHandoff, in order), each certified by the set before it. Never throws.
 */
export declare function validatorSetAt(
  chainId: string, height: number | bigint, handoffs: readonly Hex[], genesisValidators: readonly Hex[],
  /** An earlier block: the hand-offs of epochs that end at or after `height` are not applied. */
  earlier?: boolean,
): ValidatorSetResult;

/** RFC 9162 inclusion path check of `leaf` at `index` of `count` under the root. */
export declare function merkleVerify(rootHex: Hex, leaf: Uint8Array, index: number, count: number, pathHex: readonly Hex[]): boolean;
/** MerklePathLength: the path length of leaf `index` among `count` (0 when index >= count). */
export declare function merklePathLength(index: number | bigint, count: number | bigint): number;
/** A Merkle inclusion proof (EncodeMerkleProof, docs/formats-merkle.md 1.5). */
export interface MerkleProof {
  index: bigint;
  count: bigint;
  /** The sibling hashes from the leaf up. */
  path: Hex[];
}
/** Strict: the path length must be merklePathLength(index, count); DecodeError otherwise. */
export declare function decodeMerkleProof(bytes: Uint8Array): MerkleProof;

/** A receipt event: `type` (payout, deposit, ...) and its fields. */
export interface ReceiptEvent {
  type: string;
  [field: string]: unknown;
}
export interface Receipt {
  tx_id: Hex;
  success: boolean;
  error_code: string;
  error_message: string;
  event_count: number;
  events: ReceiptEvent[];
}
export declare const PAYOUT_STATUS: readonly string[];
/** Decodes a receipt and its events up to index `upTo` (all by default). */
export declare function decodeReceipt(bytes: Uint8Array, upTo?: number): Receipt;

/** ISO 4217 minor-unit exponent (0, 2 or 3). */
export declare function currencyExponent(currency: string): number;
/** Minor units as decimal text with the currency's exponent ("12.34"). */
export declare function formatAmount(minor: number | bigint | string, currency: string): string;
/** TaggedHash("folio/settlement_event", chain_id || 0x00 || u64 height || tx id || u32 index), hex. */
export declare function settlementEventId(chainId: string, height: number | bigint, txIdHex: Hex, eventIndex: number): Hex;
/** The id of a block's step receipt (after the transactions' receipts; payouts that expired at the block's start). */
export declare function blockStepId(chainId: string, height: number | bigint): Hex;

export declare const TX_KIND_PAYOUT_CONFIRM: 7;
export interface PayoutConfirmOptions {
  chainId: string;
  secretKey: Uint8Array;
  nonce: number | bigint;
  payoutId: number | bigint;
  reference: string;
  expiresAtMs?: number;
}
/** A signed payout_confirm transaction: its hex (for tx_submit) and id. */
export declare function encodePayoutConfirm(options: PayoutConfirmOptions): { hex: Hex; id: Hex };

/** The names of the transaction kinds 1..34 (index = kind - 1). */
export declare const TX_KINDS: readonly string[];
export declare const TX_KIND_REGISTER_WORK: 3;
export declare const MAX_TX_BYTES: 65536;
/** Work kinds by their u8 code: film, series, song, game, book, image, other. */
export declare const WORK_KINDS: readonly string[];
/** The work kind byte of a work record or a register_work body, by name (bad_value beyond the table). */
export declare function readWorkKind(r: Reader): string;
/** IndustryIds: isrc, iswc, isan, eidr (empty when absent). */
export declare function readIds(r: Reader): { isrc: string; iswc: string; isan: string; eidr: string };
/** A work's owners: list<Share> (≤ 32), strictly increasing by owner. */
export declare function readOwners(r: Reader): { owner: string; bps: number }[];
/** The body of a register_work transaction (kind 3). */
export interface RegisterWorkBody {
  fingerprint: Hex;
  title: string;
  kind: string;
  ids: { isrc: string; iswc: string; isan: string; eidr: string };
  metadata_hash: Hex;
  metadata_uri: string;
  owners: { owner: Hex; bps: number }[];
}
/** A decoded transaction (docs/formats.md "Transaction"). */
export interface DecodedTx {
  chain_id: string;
  sender: Hex;
  nonce: bigint;
  expires_at_ms: bigint;
  /** The kind's name (TX_KINDS). */
  kind: string;
  /** register_work's and payout_confirm's bodies, decoded; null for the other kinds. */
  body: Record<string, unknown> | null;
  signature: Hex;
  /** TaggedHash("folio/tx/id", the full encoding): the transaction's id (hash). */
  id: Hex;
  /** TaggedHash("folio/tx/sig", the bytes before the signature): what the sender signs. */
  sig_hash: Hex;
}
/** Decodes a transaction's full encoding; DecodeError if malformed or non-canonical. */
export declare function decodeTx(bytes: Uint8Array): DecodedTx;
/** The sender's BIP-340 signature over sig_hash is valid. */
export declare function verifyTxSignature(tx: Pick<DecodedTx, 'signature' | 'sig_hash' | 'sender'>): boolean;
