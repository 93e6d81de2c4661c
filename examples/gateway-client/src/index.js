// The package's entry point: the gateway loop, the offline proof check, the RPC client and the
// encodings (types: types/index.d.ts).
export * from './folio.js';
export * from './verify.js';
export * from './certificate.js';
export * from './rpc.js';
export * from './gateway.js';
