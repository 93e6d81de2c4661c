// A minimal JSON-RPC 2.0 client over one WebSocket (docs/rpc-protocol.md), with BIP-340 login.
import WebSocket from 'ws';
import { signAuth, publicKeyOf } from './folio.js';

export class RpcError extends Error {
  constructor(err) {
    super(`${err.code} ${err.message}: ${err.data?.reason ?? ''}`);
    this.code = err.code;
    this.data = err.data ?? {};
  }
}

export class WsRpc {
  // onNotification(method, params) is called in arrival order; onClose(reason) once.
  constructor(url, { onNotification = () => {}, onClose = () => {}, timeoutMs = 30000 } = {}) {
    this.url = url;
    this.onNotification = onNotification;
    this.onClose = onClose;
    this.timeoutMs = timeoutMs;
    this.nextId = 1;
    this.pending = new Map();
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 10000 });
      this.ws = ws;
      ws.once('open', () => resolve(this));
      ws.once('error', (e) => reject(e));
      ws.on('message', (data) => this.dispatch(data));
      ws.on('close', (code, reason) => {
        const why = `websocket closed (${code}${reason?.length ? ' ' + reason : ''})`;
        for (const { reject: rej, timer } of this.pending.values()) {
          clearTimeout(timer);
          rej(new Error(why));
        }
        this.pending.clear();
        this.closed = true;
        this.onClose(why);
      });
    });
  }

  dispatch(data) {
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (msg && msg.id !== undefined && msg.id !== null && this.pending.has(msg.id)) {
      const { resolve, reject, timer } = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      clearTimeout(timer);
      if (msg.error) reject(new RpcError(msg.error));
      else resolve(msg.result);
    } else if (msg && msg.method) {
      this.onNotification(msg.method, msg.params);
    }
  }

  call(method, params = {}) {
    if (this.closed) return Promise.reject(new Error('websocket closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  // auth_challenge -> sign AuthMessage(chain_id, nonce) -> auth_login on this socket (binds it).
  async login(secretKey, expectChainId) {
    const ch = await this.call('auth_challenge');
    if (expectChainId && ch.chain_id !== expectChainId)
      throw new Error(`the node serves chain '${ch.chain_id}', the genesis is for '${expectChainId}'`);
    const address = publicKeyOf(secretKey);
    const res = await this.call('auth_login', { address, nonce: ch.nonce, signature: signAuth(secretKey, ch.chain_id, ch.nonce) });
    this.address = res.address;
    this.chainId = ch.chain_id;
    return res;
  }

  close() {
    try {
      this.ws?.terminate();
    } catch {
      /* already closed */
    }
  }
}
