// Node module-resolution hooks (module.register) that run the gateway SDK on the explorer's own
// crypto: for modules under examples/gateway-client/src/, the three @noble specifiers the SDK uses
// resolve to node/explorer/assets/lib/ (what the explorer's import map does in the browser). Any
// other @noble import from there fails, so a new dependency cannot slip past unmapped. Everything
// else (the tests' own noble imports included) resolves as usual. The lib files are loaded as ES
// modules (the repo's package.json does not say "type": "module").
// FOLIO_EXPLORER_HOOK_TRACE=FILE appends one line per redirect, so a test can prove it happened.
import fs from 'node:fs';

const LIB = new URL('../../node/explorer/assets/lib/', import.meta.url).href;
const SDK_SRC = new URL('../../examples/gateway-client/src/', import.meta.url).href;
const MAP = {
  '@noble/curves/secp256k1': 'secp256k1.js',
  '@noble/hashes/sha2': 'sha2.js',
  '@noble/hashes/utils': 'utils.js',
};

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (parent.startsWith(SDK_SRC) && specifier.startsWith('@noble/')) {
    if (!Object.hasOwn(MAP, specifier)) throw new Error(`no explorer module for ${specifier} (imported by ${parent})`);
    const url = new URL(MAP[specifier], LIB).href;
    const trace = process.env.FOLIO_EXPLORER_HOOK_TRACE;
    if (trace) fs.appendFileSync(trace, `${specifier} -> ${url} (from ${parent})\n`);
    return { url, format: 'module', shortCircuit: true };
  }
  const resolved = await nextResolve(specifier, context);
  return resolved.url.startsWith(LIB) ? { ...resolved, format: 'module' } : resolved;
}
