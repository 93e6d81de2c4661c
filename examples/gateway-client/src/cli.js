#!/usr/bin/env node
// folio-gateway-client --ws ws://127.0.0.1:26657/ws --genesis genesis.json --key-file gateway.key --state-dir ./gw
// (or --secret-key HEX, or FOLIO_GATEWAY_SECRET_KEY). See docs/gateway-client.md.
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
    help: { type: 'boolean' },
  },
});
const usage = 'usage: folio-gateway-client --ws URL --genesis FILE (--key-file FILE | --secret-key HEX) [--state-dir DIR]';
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
const gw = new Gateway({ url: o.ws, secretKey: hexToBytes(skHex, 'secret key'), trust, stateDir: o['state-dir'], log });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { gw.stop(); process.exit(0); });
log(`gateway ${gw.address} on chain ${trust.chainId} (${trust.validators.length} genesis validators), state in ${o['state-dir']}`);
await gw.run();
