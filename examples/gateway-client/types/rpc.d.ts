// Types of src/rpc.js: JSON-RPC 2.0 over one WebSocket (ws:// or wss://), with BIP-340 login.

/** A JSON-RPC error answer: its code and data (data.reason names the check). */
export declare class RpcError extends Error {
  constructor(err: { code: number; message: string; data?: Record<string, unknown> });
  code: number;
  data: Record<string, any>;
}

/** PEM text or bytes of trusted CA certificates. */
export type CaCertificates = string | Uint8Array | Array<string | Uint8Array>;

export interface WsRpcOptions {
  /** Called in arrival order with each notification's method and params. */
  onNotification?: (method: string, params: any) => void;
  /** Called once when the connection ends, however it ends. */
  onClose?: (reason: string) => void;
  /** A call with no answer within this fails (default 30000). */
  timeoutMs?: number;
  /** wss:// only: the CA certificates to check the node's certificate against (default: the system's). */
  ca?: CaCertificates;
  /** A ping this often; none answered by the next one closes the connection (default 15000; 0: none). */
  pingIntervalMs?: number;
}

export declare class WsRpc {
  /** Throws when `url` is not ws:// or wss://, or `ca` is given for a ws:// URL. */
  constructor(url: string, options?: WsRpcOptions);
  readonly url: string;
  /** The account logged in as, after login(). */
  address?: string;
  chainId?: string;
  closed?: boolean;
  open(): Promise<this>;
  call<T = any>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** auth_challenge, sign, auth_login on this socket; fails when the node serves another chain. */
  login(secretKey: Uint8Array, expectChainId?: string): Promise<{ address: string; [k: string]: unknown }>;
  close(): void;
}
