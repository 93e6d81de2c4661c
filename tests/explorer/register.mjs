// `node --import ./tests/explorer/register.mjs ...` installs noble-hooks.mjs before the main module.
import { register } from 'node:module';
import { webcrypto } from 'node:crypto';

// Node 18 (Debian 12's) has Web Crypto only as node:crypto's webcrypto (see lib.test.mjs).
if (!globalThis.crypto) globalThis.crypto = webcrypto;

register('./noble-hooks.mjs', import.meta.url);
