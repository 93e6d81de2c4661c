// Types of src/gateway.js: the gateway loop.
import type { Hex } from './folio.js';
import type { Trust } from './verify.js';
import type { CaCertificates, WsRpc } from './rpc.js';

/** The kinds the gateway subscribes to. */
export declare const KINDS: string[];

/** Reconnect delay after `failures` failed attempts: exponential from minMs to maxMs, jittered. */
export declare function backoffDelay(failures: number, minMs?: number, maxMs?: number, random?: () => number): number;

export interface GatewayOptions {
  /** ws://HOST:PORT/ws or wss://HOST:PORT/ws. */
  url: string;
  secretKey: Uint8Array;
  trust: Trust;
  /** paid.jsonl, cursor and refused.jsonl live here. */
  stateDir: string;
  log?: (line: string) => void;
  /** How long to wait for a block's commit certificate (default 60000). */
  proofWaitMs?: number;
  /** How long to wait for a confirmation to commit (default 60000). */
  confirmWaitMs?: number;
  /** wss:// only: the CA of the node's certificate. */
  ca?: CaCertificates;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pingIntervalMs?: number;
}

/** One line of paid.jsonl. */
export interface PaidRecord {
  seq: number;
  event_id: Hex;
  payout_id: number;
  payee: Hex;
  amount: string;
  currency: string;
  target: { amount: string; currency: string } | null;
  reference: string;
  height: number;
  tx: Hex;
  paid_ms: number;
}

export declare class Gateway {
  /** Throws on a URL that is not ws:// or wss://, or a CA for a ws:// URL. */
  constructor(options: GatewayOptions);
  /** The gateway's account. */
  readonly address: Hex;
  /** The next seq to process. */
  cursor: number;
  /** Paid payouts by payout id. */
  paid: Map<number, PaidRecord>;
  /** Sessions that reached a subscription (reconnects + 1). */
  sessions: number;
  rpc?: WsRpc;
  /** Runs until stop(), reconnecting and resubscribing from the cursor after any disconnect. */
  run(): Promise<void>;
  stop(): void;
}
