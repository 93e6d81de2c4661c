// wss:// with a private CA: the client connects when given the CA, refuses the certificate without
// it, refuses a server that offers at most TLS 1.2 (foliod serves TLS 1.3 only, and so the client
// requires it), and checks the host name. The certificates are made with the openssl CLI (a
// prerequisite: its absence fails the test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { WebSocketServer } from 'ws';
import { WsRpc } from '../src/index.js';

let dir;
const file = (f) => path.join(dir, f);
function openssl(...args) {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.error, undefined, `openssl is needed: ${r.error?.message}`);
  assert.equal(r.status, 0, `openssl ${args[0]}: ${r.stderr}`);
}
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ec, '-keyout', file('tls.key'), '-out', file('tls.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(file('tls.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('tls.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('tls.pem'), '-days', '2', '-extfile', file('tls.ext'));
  openssl('req', '-x509', ...ec, '-keyout', file('other.key'), '-out', file('other.pem'), '-days', '2', '-subj', '/CN=other CA');
  // By the same CA, for another name.
  openssl('req', ...ec, '-keyout', file('named.key'), '-out', file('named.csr'), '-subj', '/CN=node.example');
  fs.writeFileSync(file('named.ext'), 'subjectAltName=DNS:node.example\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('named.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('named.pem'), '-days', '2', '-extfile', file('named.ext'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// A TLS WebSocket server answering auth_challenge; `tls`: extra https options.
async function server(t, tls = {}, name = 'tls') {
  const srv = https.createServer({ key: fs.readFileSync(file(`${name}.key`)), cert: fs.readFileSync(file(`${name}.pem`)), ...tls });
  const wss = new WebSocketServer({ server: srv });
  wss.on('connection', (ws) => ws.on('message', (d) => {  // (closed with the server below)
    const req = JSON.parse(d.toString());
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, result: { chain_id: 'c', nonce: '00' } }));
  }));
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    srv.close();
  });
  return srv.address().port;
}

test('wss:// with the CA: TLS 1.3, answers', async (t) => {
  const port = await server(t);
  const rpc = new WsRpc(`wss://127.0.0.1:${port}/ws`, { ca: fs.readFileSync(file('ca.pem')) });
  t.after(() => rpc.close());
  await rpc.open();
  assert.equal(rpc.ws._socket.getProtocol(), 'TLSv1.3');
  assert.deepEqual(await rpc.call('auth_challenge'), { chain_id: 'c', nonce: '00' });
  rpc.close();
});

test('wss:// without the CA, or with another CA: the certificate is refused', async (t) => {
  const port = await server(t);
  for (const ca of [undefined, fs.readFileSync(file('other.pem'))]) {
    const rpc = new WsRpc(`wss://127.0.0.1:${port}/ws`, ca ? { ca } : {});
    t.after(() => rpc.close());
    await assert.rejects(rpc.open(), /self[- ]signed|unable to (verify|get)/);
    rpc.close();
  }
});

test('wss:// to a server offering at most TLS 1.2 is refused', async (t) => {
  const port = await server(t, { maxVersion: 'TLSv1.2' });
  const rpc = new WsRpc(`wss://127.0.0.1:${port}/ws`, { ca: fs.readFileSync(file('ca.pem')) });
  t.after(() => rpc.close());
  await assert.rejects(rpc.open(), /protocol version|version|alert/i);
  rpc.close();
});

test('the host name is checked: a certificate of the CA for another name is refused', async (t) => {
  const port = await server(t, {}, 'named');
  const rpc = new WsRpc(`wss://127.0.0.1:${port}/ws`, { ca: fs.readFileSync(file('ca.pem')) });
  t.after(() => rpc.close());
  await assert.rejects(rpc.open(), /IP: 127\.0\.0\.1 is not in the cert's list|altnames/);
  rpc.close();
});
