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
  // url: ws://HOST:PORT/ws, or wss:// for a node serving TLS (TLS 1.3 only, as foliod does; the
  // certificate is checked against `ca` — PEM text or bytes, or a list of them — when given, else
  // against the system's CAs). onNotification(method, params) is called in arrival order;
  // onClose(reason) once, however the connection ends. A ping every pingIntervalMs (0: none)
  // that gets no answer by the next one closes the connection, so a silently dead peer (a
  // half-open TCP connection) is noticed.
  constructor(url, { onNotification = () => {}, onClose = () => {}, timeoutMs = 30000, ca, pingIntervalMs = 15000 } = {}) {
    const scheme = /^(wss?):\/\//.exec(url)?.[1];
    if (!scheme) throw new Error(`the node URL must be ws:// or wss://: ${url}`);
    if (ca !== undefined && scheme !== 'wss') throw new Error(`a CA certificate was given but ${url} is not a wss:// URL`);
    this.url = url;
    this.tls = scheme === 'wss';
    this.ca = ca;
    this.onNotification = onNotification;
    this.onClose = onClose;
    this.timeoutMs = timeoutMs;
    this.pingIntervalMs = pingIntervalMs;
    this.nextId = 1;
    this.pending = new Map();
  }

  open() {
    return new Promise((resolve, reject) => {
      const opts = { perMessageDeflate: false, handshakeTimeout: 10000 };
      if (this.tls) {
        opts.minVersion = 'TLSv1.3';
        if (this.ca !== undefined) opts.ca = this.ca;
      }
      const ws = new WebSocket(this.url, opts);
      this.ws = ws;
      let alive = true;
      const seen = () => { alive = true; };
      ws.once('open', () => {
        if (this.pingIntervalMs > 0) {
          this.pinger = setInterval(() => {
            if (!alive) {
              this.closeReason = `no answer to a ping within ${this.pingIntervalMs} ms`;
              ws.terminate();
              return;
            }
            alive = false;
            try {
              ws.ping();
            } catch {
              /* closing */
            }
          }, this.pingIntervalMs);
          this.pinger.unref?.();
        }
        resolve(this);
      });
      ws.on('error', (e) => {
        this.closeReason ??= e.message;
        reject(e);  // a no-op once open
      });
      ws.on('pong', seen);
      ws.on('ping', seen);
      ws.on('message', (data) => {
        seen();
        this.dispatch(data);
      });
      ws.on('close', (code, reason) => {
        clearInterval(this.pinger);
        const why = `websocket closed (${code}${reason?.length ? ' ' + reason : ''}${this.closeReason ? ': ' + this.closeReason : ''})`;
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
    clearInterval(this.pinger);
    try {
      this.ws?.terminate();
    } catch {
      /* already closed */
    }
  }
}
