// The gateway loop against a scripted node (a WebSocket server speaking the node's JSON-RPC): it
// pays each payout instruction exactly once, in seq order, through every kind of disconnect —
// the connection dropped after a notification, during settlement_proof, after a confirmation got
// through unanswered, a node that stops answering (no pong), a slow_consumer stop notice,
// replayed duplicates — resubscribing each time from its cursor; it follows a validator-set
// hand-off; it refuses a proof that does not match and never retries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { Gateway, backoffDelay, trustFromGenesis, Reader, hexToBytes, bytesToHex, taggedHash } from '../src/index.js';
import { validators, validator, payoutProof, handoff } from './synth.js';

const CHAIN = 'folio-test-gw';
const genesis = validators(4);
const epoch1 = validators(3, 50);  // in force from height 31
const H1 = handoff({ chainId: CHAIN, epoch: 1, lastHeight: 30, members: epoch1.map((v) => v.key), signers: genesis });
const gw = validator('gateway');
const payee = validator('payee').key;

// The chain's settlement events (seq 1..): payout instructions to this gateway, one confirmation
// event, one instruction whose amount the node misreports, two after the validator-set change.
function chainEvents() {
  const out = [];
  const add = (height, payoutId, extra = {}) => {
    const signers = height > 30 ? epoch1 : genesis.slice(0, 3);
    const { event, proof } = payoutProof({
      chainId: CHAIN, seq: out.length + 1, height, payoutId, payee, gateway: gw.key, signers,
      amountMinor: 1000n + BigInt(payoutId), handoffs: height > 30 ? [H1.hex] : [],
    });
    out.push({ event: { ...event, ...extra.event }, proof });
  };
  add(10, 1);
  add(11, 2);
  add(12, 3);
  out.push({ event: { seq: 4, id: 'aa'.repeat(32), height: 13, block_hash: '00'.repeat(32), tx: 'bb'.repeat(32), kind: 'payout_confirmed',
    payout_id: 1, payee, gateway: gw.key, amount: { amount: '10.01', currency: 'BRL' }, reference: '1-fiat', tx_index: 0, event_index: 0 } });
  add(14, 4);
  add(15, 5, { event: { amount: { amount: '99.99', currency: 'BRL' } } });  // the node lies about the amount
  add(20, 6);
  add(35, 7);  // signed by epoch 1's set
  add(36, 8);
  return out;
}

// A scripted node. `faults` decide, per call, whether to drop the connection.
function fakeNode({ events, faults }) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const state = { subscribes: [], confirmed: new Map(), submits: [], connections: 0, nonce: 0 };
  wss.on('connection', (ws) => {
    state.connections++;
    const send = (m) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
    const notify = (sub, result) => send({ jsonrpc: '2.0', method: 'settlement_subscription', params: { subscription: sub, result } });
    let subs = 0;
    ws.on('message', async (data) => {
      const req = JSON.parse(data.toString());
      const answer = (result) => send({ jsonrpc: '2.0', id: req.id, result });
      const error = (code, message, reason) => send({ jsonrpc: '2.0', id: req.id, error: { code, message, data: { reason } } });
      const p = req.params ?? {};
      const fault = faults(req, state);
      if (fault === 'drop') return ws.terminate();
      if (fault === 'stall') return ws._socket.pause();  // silent: no answers, no pongs
      switch (req.method) {
        case 'auth_challenge': return answer({ chain_id: CHAIN, nonce: '00'.repeat(32) });
        case 'auth_login': return answer({ address: p.address });
        case 'settlement_subscribe': {
          const sub = String(++subs);
          state.subscribes.push(p.from_seq);
          answer(sub);
          const mine = events.filter((e) => e.event.seq >= p.from_seq);
          for (const e of mine) {
            notify(sub, e.event);
            const after = faults({ method: '#notified', params: { seq: e.event.seq, sub } }, state);
            if (after === 'drop') return ws.terminate();
            if (after === 'duplicate') notify(sub, e.event);
            if (after?.stop) {  // a slow_consumer stop notice, as the node sends it
              notify(sub, { stop: 'slow_consumer', next_seq: after.stop });
              return;
            }
          }
          return;
        }
        case 'settlement_proof': {
          const e = events.find((x) => x.event.seq === p.seq);
          return answer(e.proof);
        }
        case 'account_get': return answer({ pending_nonce: state.nonce });
        case 'tx_submit': {
          const r = new Reader(hexToBytes(p.tx));
          r.u8(); r.str(64); r.hex(32); r.u64(); r.u64();
          assert.equal(r.u8(), 7);
          const payoutId = Number(r.u64()), reference = r.str(1024);
          const id = bytesToHex(taggedHash('folio/tx/id', hexToBytes(p.tx)));
          state.submits.push(payoutId);
          if (state.confirmed.has(payoutId)) return error(-32003, 'transaction rejected', 'payout_already_confirmed');
          state.confirmed.set(payoutId, { reference, id });
          state.nonce++;
          if (faults({ method: '#submitted', params: { payoutId } }, state) === 'drop') return ws.terminate();
          return answer({ id });
        }
        case 'tx_get': return answer({ status: 'committed', success: true, height: 99 });
        default: return error(-32601, 'method not found', 'method_not_found');
      }
    });
  });
  return new Promise((resolve) => wss.on('listening', () => resolve({ wss, state, url: `ws://127.0.0.1:${wss.address().port}/ws` })));
}

const once = (set, key) => (set.has(key) ? false : (set.add(key), true));

test('pays each instruction once, in order, through disconnects of every kind, resubscribing from the cursor', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fired = new Set();
  const events = chainEvents();
  const faults = (req) => {
    const p = req.params ?? {};
    if (req.method === '#notified' && p.seq === 2 && once(fired, 'after-notify-2')) return 'drop';
    if (req.method === 'settlement_proof' && p.seq === 3 && once(fired, 'proof-3')) return 'drop';
    if (req.method === '#submitted' && p.payoutId === 3 && once(fired, 'submitted-3')) return 'drop';
    // (in the session after payout 3's confirmation was cut off: the node sends every
    // notification at once, and an earlier session is dropped before the client gets here)
    if (req.method === '#notified' && p.seq === 5 && fired.has('submitted-3') && once(fired, 'dup-5')) return 'duplicate';
    if (req.method === '#notified' && p.seq === 6 && fired.has('submitted-3') && once(fired, 'stop-6')) return { stop: 7 };
    if (req.method === 'settlement_proof' && p.seq === 8 && once(fired, 'stall-8')) return 'stall';
    return undefined;
  };
  const node = await fakeNode({ events, faults });
  t.after(() => node.wss.close());
  const lines = [];
  const g = new Gateway({
    url: node.url, secretKey: gw.sk, trust: trustFromGenesis({ chain_id: CHAIN, validators: genesis }), stateDir: dir,
    log: (l) => lines.push(l), minBackoffMs: 10, maxBackoffMs: 50, pingIntervalMs: 150, proofWaitMs: 2000, confirmWaitMs: 2000,
  });
  const running = g.run();
  const deadline = Date.now() + 20000;
  while (g.cursor <= events.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  g.stop();
  await running;
  t.diagnostic(lines.join('\n'));
  assert.equal(g.cursor, events.length + 1, 'the client did not process every event');

  // Paid: every genuine instruction exactly once, in seq order; the misreported one never.
  const paid = fs.readFileSync(path.join(dir, 'paid.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(paid.map((r) => r.payout_id), [1, 2, 3, 4, 6, 7, 8]);
  assert.deepEqual(paid.map((r) => r.seq), [1, 2, 3, 5, 7, 8, 9]);
  assert.deepEqual(paid.map((r) => r.event_id), paid.map((r) => events[r.seq - 1].event.id));
  const refused = fs.readFileSync(path.join(dir, 'refused.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(refused.map((r) => r.payout_id), [5]);
  assert.match(refused[0].reason, /amount differs: the ledger says 10\.05 BRL, the event says 99\.99 BRL/);
  // Confirmed on the "ledger" with reference ID-fiat, each once; payout 3's repeat refused as already confirmed.
  assert.deepEqual([...node.state.confirmed.keys()], [1, 2, 3, 4, 6, 7, 8]);
  for (const [id, c] of node.state.confirmed) assert.equal(c.reference, `${id}-fiat`);
  // Confirmations sent: once per payout, twice for payout 3 only (its first one got through
  // unanswered); the replayed duplicate of seq 5 was skipped, not processed again.
  assert.deepEqual(node.state.submits, [1, 2, 3, 3, 4, 6, 7, 8]);
  assert.equal(lines.filter((l) => /already paid/.test(l)).length, 1);
  assert.ok(lines.some((l) => /payout 3 already paid/.test(l)), 'payout 3 must not be paid again after the drop');
  assert.ok(lines.some((l) => /payout 3 already confirmed/.test(l)));
  // The instructions after the validator-set change: verified against epoch 1's set.
  assert.ok(lines.some((l) => /seq 8: verified \(signed by validator epoch 1\) and paid payout 7/.test(l)));
  // Every session resubscribed from the cursor: from 1 again after the drop right after seq 2's
  // notification (seq 1 not processed yet), from 3 twice (dropped during its proof, then after
  // its confirmation got through), from 7 (the stop notice's next_seq, on the same connection),
  // from 8 after the stalled node was noticed (no pong) during seq 8's proof.
  assert.deepEqual(node.state.subscribes, [1, 1, 3, 3, 7, 8]);
  assert.equal(g.sessions, 5);
  assert.ok(lines.some((l) => /no answer to a ping/.test(l)), 'the stalled connection must be noticed by its pings');
  assert.ok(lines.some((l) => /subscription stopped \(slow_consumer\); resubscribing from seq 7/.test(l)));
});

test('restarted on the same state directory, nothing is paid again', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const events = chainEvents().slice(0, 3);
  const node = await fakeNode({ events, faults: () => undefined });
  t.after(() => node.wss.close());
  const opts = {
    url: node.url, secretKey: gw.sk, trust: trustFromGenesis({ chain_id: CHAIN, validators: genesis }), stateDir: dir,
    log: () => {}, minBackoffMs: 10, maxBackoffMs: 50,
  };
  // One gateway run until it has handled the three events (10 s at most), then stopped.
  const runPast3 = async () => {
    const g = new Gateway(opts);
    const running = g.run();
    const deadline = Date.now() + 10000;
    while ((g.cursor <= 3 || g.sessions < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    g.stop();
    await running;
    return g;
  };
  for (let round = 0; round < 2; round++) assert.equal((await runPast3()).cursor, 4);
  // The cursor made the second run start after the events: it asked from seq 4.
  assert.deepEqual(node.state.subscribes, [1, 4]);
  // Even replayed from seq 1 (the cursor lost), the paid ledger (by payout and event id) holds.
  fs.rmSync(path.join(dir, 'cursor'));
  await runPast3();
  assert.deepEqual(node.state.subscribes, [1, 4, 1]);
  const paid = fs.readFileSync(path.join(dir, 'paid.jsonl'), 'utf8').trim().split('\n');
  assert.equal(paid.length, 3);
});

test('an instruction whose event id is in the paid ledger is not paid again', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const events = chainEvents().slice(0, 2);
  // A paid line that names the event (its payout id written as text by another tool).
  fs.writeFileSync(path.join(dir, 'paid.jsonl'), JSON.stringify({ seq: 1, event_id: events[0].event.id, payout_id: '1', reference: '1-fiat' }) + '\n');
  const node = await fakeNode({ events, faults: () => undefined });
  t.after(() => node.wss.close());
  const lines = [];
  const g = new Gateway({
    url: node.url, secretKey: gw.sk, trust: trustFromGenesis({ chain_id: CHAIN, validators: genesis }), stateDir: dir,
    log: (l) => lines.push(l), minBackoffMs: 10, maxBackoffMs: 50,
  });
  const running = g.run();
  const deadline = Date.now() + 10000;
  while (g.cursor <= 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  g.stop();
  await running;
  assert.ok(lines.some((l) => /seq 1: payout 1 already paid/.test(l)), lines.join('\n'));
  const paid = fs.readFileSync(path.join(dir, 'paid.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(paid.map((r) => r.payout_id), ['1', 2]);
});

test('back-off: exponential with jitter, capped', () => {
  assert.equal(backoffDelay(0, 200, 5000, () => 0), 100);
  assert.equal(backoffDelay(0, 200, 5000, () => 1), 200);
  assert.equal(backoffDelay(3, 200, 5000, () => 1), 1600);
  assert.equal(backoffDelay(10, 200, 5000, () => 1), 5000);
  assert.equal(backoffDelay(1000, 200, 5000, () => 0.5), 3750);
});

test('a URL that is not ws:// or wss://, or a CA without TLS, is refused at once', () => {
  const base = { secretKey: gw.sk, trust: { chainId: CHAIN, validators: [] }, stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'gw-test-')) };
  assert.throws(() => new Gateway({ ...base, url: 'http://127.0.0.1:1/ws' }), /must be ws:\/\/ or wss:\/\//);
  assert.throws(() => new Gateway({ ...base, url: 'ws://127.0.0.1:1/ws', ca: 'PEM' }), /not a wss:\/\/ URL/);
  fs.rmSync(base.stateDir, { recursive: true, force: true });
});
