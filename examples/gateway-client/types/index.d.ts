// Types of @folio/gateway-client (src/index.js).
export * from './folio.js';
export * from './verify.js';
export * from './certificate.js';
export * from './rpc.js';
export * from './gateway.js';
