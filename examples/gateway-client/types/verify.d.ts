// Types of src/verify.js: the offline check of a settlement event against settlement_proof.
import type { Hex } from './folio.js';

/** The trust anchor: the genesis chain id and validator keys. */
export interface Trust {
  chainId: string;
  validators: Hex[];
}
/** What trustFromGenesis reads of a genesis document. */
export interface GenesisLike {
  chain_id: string;
  validators: { key: Hex; name?: string }[];
}
export declare function trustFromGenesis(genesis: GenesisLike): Trust;

export interface Money {
  /** Decimal text with the currency's exponent. */
  amount: string;
  currency: string;
}
export type SettlementEventKind =
  | 'payout_instruction' | 'payout_confirmed' | 'payout_failed' | 'payout_expired' | 'tax_withheld' | 'deposit_credited';
/** A settlement event as the node sends it (docs/settlement-events.md). */
export interface SettlementEvent {
  seq: number;
  id: Hex;
  height: number;
  block_hash: Hex;
  tx: Hex;
  kind: SettlementEventKind;
  payout_id: number | null;
  payee: Hex | null;
  gateway: Hex | null;
  amount: Money;
  target?: Money;
  rate?: { id: number; num: string; den: string };
  reference?: string;
  reason?: string;
  expires_ms?: number;
  jurisdiction?: string;
  tax_account?: Hex;
  gross?: Money;
  tx_index: number;
  event_index: number;
}
/** settlement_proof's answer. */
export interface SettlementProof {
  event: SettlementEvent;
  /** The block header's canonical encoding. */
  header: Hex;
  receipt: Hex;
  receipt_index: number;
  receipt_count: number;
  receipt_proof: Hex[];
  /** The block's commit certificate; null until stored. */
  commit: Hex | null;
  /**
   * EncodeHandoff of each validator-set change from genesis up to the block's height, in order
   * (empty while the genesis set is in force). Absent from nodes that predate it.
   */
  validator_handoffs?: Hex[];
}
/** A payout instruction proven by the ledger. */
export interface VerifiedPayout {
  id: number;
  payee: Hex;
  gateway: Hex;
  amount: string;
  currency: string;
  /** The converted amount to pay, when the payout is converted. */
  target: Money | null;
  height: number;
  tx: Hex;
  /** The validator epoch whose set signed the block (0: the genesis set). */
  validatorEpoch: number;
}
export type VerifyResult = { ok: true; payout: VerifiedPayout } | { ok: false; reason: string };
/**
 * Verifies that `event` is proven by `proof` under `trust`, following the proof's validator
 * hand-offs from the genesis set. Never throws.
 */
export declare function verifyPayoutEvent(event: SettlementEvent, proof: SettlementProof, trust: Trust): VerifyResult;
