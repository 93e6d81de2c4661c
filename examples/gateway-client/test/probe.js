#!/usr/bin/env node
// Helper for tests/e2e/bft_gateway.sh: small WebSocket RPC probes against a node.
//   probe.js events  WS_URL KEYFILE [KIND]         all visible events (settlement_events paging), JSON lines
//   probe.js payouts WS_URL KEYFILE ID...          "ID STATUS" per payout (payout_get)
//   probe.js unauth  WS_URL                        settlement_subscribe without login: {error, events}
//   probe.js watch   WS_URL KEYFILE SECONDS        login, subscribe from seq 1 (no filter), print what arrives
//   probe.js proof   WS_URL KEYFILE GENESIS OUT [PAYOUT_ID [KIND]]
//                                                  write {genesis, event, proof} of that payout's event KIND
//                                                  (default: the first payout instruction)
//   probe.js verify  FILE                          verifyPayoutEvent on such a file: {ok, reason?, payout?}
// A wss:// URL is checked against the CA in FOLIO_GATEWAY_CA (a PEM file) when set.
import fs from 'node:fs';
import { WsRpc } from '../src/rpc.js';
import { hexToBytes } from '../src/folio.js';
import { verifyPayoutEvent, trustFromGenesis } from '../src/verify.js';

const [cmd, url, ...rest] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const key = (f) => hexToBytes(fs.readFileSync(f, 'utf8').trim());

async function connect(keyFile, onNotification) {
  const ca = process.env.FOLIO_GATEWAY_CA ? fs.readFileSync(process.env.FOLIO_GATEWAY_CA) : undefined;
  const rpc = new WsRpc(url, { onNotification, ca });
  await rpc.open();
  if (keyFile) await rpc.login(key(keyFile));
  return rpc;
}

async function allEvents(rpc, filter) {
  const out = [];
  let from = 1;
  for (;;) {
    const page = await rpc.call('settlement_events', { from_seq: from, limit: 1000, ...(filter ? { filter } : {}) });
    out.push(...page.events);
    from = page.next_seq;
    if (from > page.latest_seq) return out;
  }
}

const notes = [];
const onNote = (method, params) => notes.push(params?.result);
let rpc;
switch (cmd) {
  case 'events': {
    rpc = await connect(rest[0]);
    const evs = await allEvents(rpc, rest[1] ? { kinds: [rest[1]] } : undefined);
    for (const e of evs) console.log(JSON.stringify(e));
    break;
  }
  case 'payouts': {
    rpc = await connect(rest[0]);
    for (const id of rest.slice(1)) {
      const p = await rpc.call('payout_get', { id: Number(id) });
      console.log(`${id} ${p.status} ${p.note}`);
    }
    break;
  }
  case 'unauth': {
    rpc = await connect(null, onNote);
    let error = null, result = null;
    try {
      result = await rpc.call('settlement_subscribe', { from_seq: 1 });
    } catch (e) {
      error = { code: e.code, reason: e.data?.reason };
    }
    await sleep(2000);
    console.log(JSON.stringify({ error, result, events: notes.length }));
    break;
  }
  case 'watch': {
    // A stop notice (slow_consumer: the test's node has a tiny queue) is followed, as a client
    // should, by a new subscription from next_seq; only events are printed.
    let stops = 0;
    rpc = await connect(rest[0], (method, params) => {
      const r = params?.result;
      if (r && r.stop !== undefined) {
        stops++;
        rpc.call('settlement_subscribe', { from_seq: r.next_seq }).catch(() => {});
      } else notes.push(r);
    });
    await rpc.call('settlement_subscribe', { from_seq: 1 });
    await sleep(Number(rest[1]) * 1000);
    for (const e of notes) console.log(JSON.stringify(e));
    if (stops) console.error(`watch: ${stops} stop notice(s), resubscribed`);
    break;
  }
  case 'proof': {
    rpc = await connect(rest[0]);
    const want = rest[3] === undefined ? undefined : Number(rest[3]);
    const kind = rest[4] ?? 'payout_instruction';
    const ev = (await allEvents(rpc, { kinds: [kind] })).find((e) => want === undefined || e.payout_id === want);
    if (!ev) throw new Error(want === undefined ? `no ${kind} event yet` : `no ${kind} event of payout ${want}`);
    let proof;
    for (let i = 0; i < 100; i++) {
      try {
        proof = await rpc.call('settlement_proof', { seq: ev.seq });
      } catch (e) {
        if (e.code !== -32002) throw e;  // a hand-off not available yet: retry
        proof = null;
      }
      if (proof?.commit) break;
      await sleep(200);
    }
    const genesis = JSON.parse(fs.readFileSync(rest[1], 'utf8'));
    fs.writeFileSync(rest[2], JSON.stringify({ genesis: { chain_id: genesis.chain_id, validators: genesis.validators }, event: ev, proof }, null, 1) + '\n');
    break;
  }
  case 'verify': {
    const f = JSON.parse(fs.readFileSync(url, 'utf8'));
    const r = verifyPayoutEvent(f.event, f.proof, trustFromGenesis(f.genesis));
    console.log(JSON.stringify(r, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    break;
  }
  default:
    console.error('usage: probe.js events|payouts|unauth|watch|proof|verify ...');
    process.exit(2);
}
rpc?.close();
process.exit(0);
