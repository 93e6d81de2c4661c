// The example payment gateway: follows its settlement events, verifies each payout instruction
// offline, pays it (simulated: a line in the paid ledger), confirms it on the ledger, and keeps a
// cursor so a restart (even after kill -9) neither misses nor repeats a payment.
//
// Durable state, in stateDir:
//   paid.jsonl     the fiat side (simulated): one line per payout paid — the source of truth for
//                  "already paid"; written (fsync) before the confirmation is submitted
//   cursor         the last fully processed seq + 1 (written atomically after each event)
//   refused.jsonl  instructions whose proof did not verify (never paid)
//
// Any disconnect (the node restarted or went away, a network error, a ping unanswered, a call
// timing out, a TLS failure) ends the session; the client reconnects with exponential back-off
// (with jitter, reset once a session is subscribed again), logs in again and resubscribes from its
// cursor. Events are processed in seq order, at most once: one at or below the last processed
// seq is skipped, and a payout instruction whose payout (or event id) is in the paid ledger is
// never paid again, only confirmed.
import fs from 'node:fs';
import path from 'node:path';
import { WsRpc, RpcError } from './rpc.js';
import { verifyPayoutEvent } from './verify.js';
import { encodePayoutConfirm, publicKeyOf } from './folio.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const KINDS = ['payout_instruction', 'payout_confirmed', 'payout_failed', 'payout_expired'];

// The delay before reconnect attempt `failures` (0, 1, ...): exponential from minMs, capped at
// maxMs, with "full jitter" (a random point in the upper half) so many clients do not reconnect
// in step after a node restart.
export function backoffDelay(failures, minMs = 200, maxMs = 5000, random = Math.random) {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(failures, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

// A session's notifications and its end, in arrival order, for one consumer.
class Inbox {
  constructor() {
    this.items = [];
    this.wake = null;
  }
  push(item) {
    this.items.push(item);
    if (this.wake) {
      const w = this.wake;
      this.wake = null;
      w();
    }
  }
  async next() {
    while (!this.items.length) await new Promise((r) => (this.wake = r));
    return this.items.shift();
  }
}

export class Gateway {
  // url: ws:// or wss:// (TLS; `ca`: the PEM of the CA that signed the node's certificate, when
  // not a system CA). trust: trustFromGenesis(genesis). log: one line per call.
  constructor({
    url, secretKey, trust, stateDir, log = console.log, proofWaitMs = 60000, confirmWaitMs = 60000, ca,
    minBackoffMs = 200, maxBackoffMs = 5000, pingIntervalMs = 15000,
  }) {
    new WsRpc(url, { ca });  // throws now on a URL that is not ws:// or wss://, or a CA without TLS
    this.url = url;
    this.ca = ca;
    this.sk = secretKey;
    this.address = publicKeyOf(secretKey);
    this.trust = trust;
    this.dir = stateDir;
    this.log = log;
    this.proofWaitMs = proofWaitMs;
    this.confirmWaitMs = confirmWaitMs;
    this.minBackoffMs = minBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.pingIntervalMs = pingIntervalMs;
    this.sessions = 0;  // sessions that reached a subscription
    fs.mkdirSync(stateDir, { recursive: true });
    this.paidFile = path.join(stateDir, 'paid.jsonl');
    this.cursorFile = path.join(stateDir, 'cursor');
    this.refusedFile = path.join(stateDir, 'refused.jsonl');
    this.paidEvents = new Set();
    this.paid = this.loadPaid();
    this.cursor = this.loadCursor();
  }

  loadPaid() {
    const paid = new Map();
    if (!fs.existsSync(this.paidFile)) return paid;
    const text = fs.readFileSync(this.paidFile, 'utf8');
    let good = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        break;  // a torn last line (killed mid-append): that payment did not happen
      }
      paid.set(rec.payout_id, rec);
      if (rec.event_id) this.paidEvents.add(rec.event_id);
      good += Buffer.byteLength(line) + 1;
    }
    if (good < Buffer.byteLength(text)) fs.truncateSync(this.paidFile, good);
    return paid;
  }

  loadCursor() {
    try {
      const v = Number(fs.readFileSync(this.cursorFile, 'utf8').trim());
      return Number.isInteger(v) && v >= 1 ? v : 1;
    } catch {
      return 1;
    }
  }

  saveCursor(next) {
    const tmp = this.cursorFile + '.tmp';
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, `${next}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.cursorFile);
    this.cursor = next;
  }

  appendLine(file, obj) {
    const fd = fs.openSync(file, 'a');
    fs.writeSync(fd, JSON.stringify(obj) + '\n');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }

  // Runs until stop(): connect, log in, subscribe from the cursor, process; after any disconnect
  // or failure, back off, reconnect and resume from the cursor.
  async run() {
    this.running = true;
    let failures = 0;
    while (this.running) {
      // (session() returns only once stopped; every failure is an exception)
      const before = this.sessions;
      try {
        await this.session();
      } catch (e) {
        this.rpc?.close();
        if (!this.running) break;
        if (this.sessions !== before) failures = 0;  // that session got going: start the back-off afresh
        const delay = backoffDelay(failures++, this.minBackoffMs, this.maxBackoffMs);
        this.log(`connection: ${e.message}; reconnecting in ${delay} ms, resuming from seq ${this.cursor}`);
        await sleep(delay);
      }
    }
  }

  stop() {
    this.running = false;
    this.rpc?.close();
  }

  // One connection: returns only when stopped; throws on any disconnect or failure.
  async session() {
    const inbox = new Inbox();  // this connection's own: a late close of an old one cannot end this one
    const rpc = new WsRpc(this.url, {
      ca: this.ca,
      pingIntervalMs: this.pingIntervalMs,
      onNotification: (method, params) => {
        if (method === 'settlement_subscription') inbox.push({ sub: params?.subscription, result: params?.result });
      },
      onClose: (why) => inbox.push({ closed: why }),
    });
    this.rpc = rpc;
    await rpc.open();
    await rpc.login(this.sk, this.trust.chainId);
    let sub = await this.subscribe(this.cursor);
    this.sessions++;
    this.log(`logged in as ${this.address} at ${this.url}; subscribed from seq ${this.cursor}`);
    while (this.running) {
      const item = await inbox.next();
      if (item.closed) throw new Error(item.closed);
      if (item.sub !== sub) continue;  // a subscription ended earlier
      const r = item.result;
      if (r && r.stop !== undefined) {
        // The node ended the subscription (slow_consumer: resume where it says; pruned: the
        // events before next_seq are gone from this node).
        if (r.stop === 'pruned')
          this.log(`WARNING: the node no longer holds events from seq ${this.cursor} to ${r.next_seq - 1}; ask an archive node`);
        this.log(`subscription stopped (${r.stop}); resubscribing from seq ${r.next_seq}`);
        if (Number.isInteger(r.next_seq) && r.next_seq > this.cursor) this.saveCursor(r.next_seq);
        sub = await this.subscribe(this.cursor);
        continue;
      }
      if (!r || !Number.isInteger(r.seq) || r.seq < this.cursor) continue;  // replayed duplicate
      await this.process(r);
      this.saveCursor(r.seq + 1);
    }
  }

  async subscribe(from) {
    const sub = await this.rpc.call('settlement_subscribe', { from_seq: from, filter: { kinds: KINDS, gateway: this.address } });
    return sub;
  }

  async process(ev) {
    if (ev.kind !== 'payout_instruction') {
      this.log(`seq ${ev.seq}: ${ev.kind} payout ${ev.payout_id}${ev.reference ? ' ref ' + ev.reference : ''}`);
      return;
    }
    if (ev.gateway !== this.address) {
      this.refuse(ev, `addressed to gateway ${ev.gateway}, not to us`);
      return;
    }
    const done = this.paid.get(ev.payout_id) ?? (this.paidEvents.has(ev.id) ? { reference: `${ev.payout_id}-fiat` } : null);
    if (!done) {
      const proof = await this.fetchProof(ev.seq);
      const v = verifyPayoutEvent(ev, proof, this.trust);
      if (!v.ok) {
        this.refuse(ev, v.reason);
        return;
      }
      this.pay(ev, v.payout);
    } else {
      this.log(`seq ${ev.seq}: payout ${ev.payout_id} already paid (${done.reference}); not paying again`);
    }
    const outcome = await this.confirm(ev.payout_id, `${ev.payout_id}-fiat`);
    this.log(`seq ${ev.seq}: payout ${ev.payout_id} ${outcome}`);
  }

  refuse(ev, reason) {
    this.log(`seq ${ev.seq}: REFUSED payout ${ev.payout_id}: ${reason}`);
    this.appendLine(this.refusedFile, { seq: ev.seq, payout_id: ev.payout_id, reason });
  }

  // The fiat side (simulated): record the payment durably before telling the ledger.
  pay(ev, payout) {
    const rec = {
      seq: ev.seq, event_id: ev.id, payout_id: payout.id, payee: payout.payee, amount: payout.amount, currency: payout.currency,
      target: payout.target, reference: `${payout.id}-fiat`, height: payout.height, tx: payout.tx, paid_ms: Date.now(),
    };
    this.appendLine(this.paidFile, rec);
    this.paid.set(payout.id, rec);
    this.paidEvents.add(ev.id);
    const pays = payout.target ? `${payout.target.amount} ${payout.target.currency}` : `${payout.amount} ${payout.currency}`;
    const set = payout.validatorEpoch ? ` (signed by validator epoch ${payout.validatorEpoch})` : '';
    this.log(`seq ${ev.seq}: verified${set} and paid payout ${payout.id}: ${pays} to ${payout.payee}`);
  }

  // settlement_proof, waiting for the block's commit certificate (and the validator hand-offs
  // up to it: -32002 until they can be built) when not stored yet. Throws when they do not come
  // in time: the event is then retried after reconnecting, never refused for the node's lag.
  async fetchProof(seq) {
    const deadline = Date.now() + this.proofWaitMs;
    for (;;) {
      let p = null, why = 'the block has no commit certificate yet';
      try {
        p = await this.rpc.call('settlement_proof', { seq });
      } catch (e) {
        if (!(e instanceof RpcError) || e.code !== -32002) throw e;
        why = e.message;
      }
      if (p?.commit) return p;
      if (Date.now() > deadline) throw new Error(`settlement_proof of seq ${seq}: ${why} after ${this.proofWaitMs} ms`);
      await sleep(200);
    }
  }

  // payout_confirm via tx_submit, then wait until it commits. Returns 'confirmed' or
  // 'already confirmed'; throws on anything else (the event is then retried after reconnecting).
  async confirm(payoutId, reference) {
    const deadline = Date.now() + this.confirmWaitMs;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline) throw new Error(`payout ${payoutId}: confirmation did not commit in time`);
      const acct = await this.rpc.call('account_get', { address: this.address });
      const tx = encodePayoutConfirm({ chainId: this.trust.chainId, secretKey: this.sk, nonce: acct.pending_nonce, payoutId, reference });
      try {
        await this.rpc.call('tx_submit', { tx: tx.hex });
      } catch (e) {
        if (!(e instanceof RpcError) || e.code !== -32003) throw e;
        const reason = e.data.reason;
        if (reason === 'payout_already_confirmed') return 'already confirmed (rejected as payout_already_confirmed)';
        if (reason === 'nonce_too_low' || reason === 'nonce_too_high' || reason === 'mempool_full') {
          await sleep(200);
          continue;
        }
        throw new Error(`payout ${payoutId}: confirmation rejected: ${reason} ${e.data.message ?? ''}`);
      }
      for (;;) {
        if (Date.now() > deadline) throw new Error(`payout ${payoutId}: confirmation ${tx.id} did not commit in time`);
        let st;
        try {
          st = await this.rpc.call('tx_get', { hash: tx.id });
        } catch (e) {
          if (e instanceof RpcError && e.code === -32001) st = { status: 'unknown' };
          else throw e;
        }
        if (st.status === 'committed') {
          if (st.success) return `confirmed on the ledger (tx ${tx.id}, height ${st.height})`;
          if (st.error?.code === 'payout_already_confirmed') return 'already confirmed (payout_already_confirmed)';
          throw new Error(`payout ${payoutId}: confirmation failed: ${st.error?.code} ${st.error?.message ?? ''}`);
        }
        if (st.status === 'rejected' || st.status === 'unknown') break;  // dropped (e.g. nonce taken): retry
        await sleep(150);
      }
      await sleep(200);
    }
  }
}
