#!/usr/bin/env node
// folio-gateway-client --ws ws://127.0.0.1:26657/ws --genesis genesis.json --key-file gateway.key --state-dir ./gw
// (or --secret-key HEX, or FOLIO_GATEWAY_SECRET_KEY); a TLS node: --ws wss://HOST:PORT/ws, and
// --ca FILE (or FOLIO_GATEWAY_CA) when its certificate is not signed by a system CA.
// See docs/gateway-client.md.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { hexToBytes } from './folio.js';
import { trustFromGenesis } from './verify.js';
import { Gateway } from './gateway.js';

const { values: o } = parseArgs({
  options: {
    ws: { type: 'string' },
    genesis: { type: 'string' },
    'key-file': { type: 'string' },
    'secret-key': { type: 'string' },
    'state-dir': { type: 'string', default: './gateway-state' },
    ca: { type: 'string' },
    help: { type: 'boolean' },
  },
});
const usage = 'usage: folio-gateway-client --ws ws[s]://HOST:PORT/ws --genesis FILE (--key-file FILE | --secret-key HEX) [--state-dir DIR] [--ca PEM-FILE]';
if (o.help) {
  console.log(usage);
  process.exit(0);
}
const skHex = (o['key-file'] ? fs.readFileSync(o['key-file'], 'utf8') : o['secret-key'] ?? process.env.FOLIO_GATEWAY_SECRET_KEY ?? '').trim();
if (!o.ws || !o.genesis || !skHex) {
  console.error(usage);
  process.exit(2);
}
const trust = trustFromGenesis(JSON.parse(fs.readFileSync(o.genesis, 'utf8')));
const log = (m) => console.log(`${new Date().toISOString()} ${m}`);
const caFile = o.ca ?? process.env.FOLIO_GATEWAY_CA;
let gw;
try {
  gw = new Gateway({
    url: o.ws, secretKey: hexToBytes(skHex, 'secret key'), trust, stateDir: o['state-dir'], log,
    ca: caFile ? fs.readFileSync(caFile) : undefined,
  });
} catch (e) {
  console.error(`folio-gateway-client: ${e.message}`);
  process.exit(2);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { gw.stop(); process.exit(0); });
log(`gateway ${gw.address} on chain ${trust.chainId} (${trust.validators.length} genesis validators), state in ${o['state-dir']}`);
await gw.run();
