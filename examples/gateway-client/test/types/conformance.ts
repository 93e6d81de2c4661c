// The declarations (types/*.d.ts, what a TypeScript user of @folio/gateway-client sees) against
// the implementation (src/*.js, read by tsc with allowJs: the types it infers from the code and
// its JSDoc): every declared export exists, every export is declared, and each implementation is
// assignable to its declaration (a renamed or removed function, a missing parameter, a changed
// result shape or class member fails here).
import * as impl from '../../src/index.js';

type Decl = typeof import('@folio/gateway-client');
type Impl = typeof impl;
type Missing = Exclude<keyof Decl, keyof Impl>;
type Undeclared = Exclude<keyof Impl, keyof Decl>;
export const everyDeclarationImplemented: [Missing] extends [never] ? true : { missing: Missing } = true;
export const everyExportDeclared: [Undeclared] extends [never] ? true : { undeclared: Undeclared } = true;

// Each implementation against its declaration.
export const conforms: { [K in keyof Decl & keyof Impl]: Decl[K] } = impl;

// The subpath exports resolve to the same declarations.
import type * as folio from '@folio/gateway-client/folio';
import type * as verify from '@folio/gateway-client/verify';
import type * as certificate from '@folio/gateway-client/certificate';
import type * as rpc from '@folio/gateway-client/rpc';
import type * as gateway from '@folio/gateway-client/gateway';
export const sub: [typeof folio.commitQuorum, typeof verify.verifyPayoutEvent, typeof certificate.verifyWorkCertificate, typeof rpc.WsRpc, typeof gateway.Gateway] =
  [impl.commitQuorum, impl.verifyPayoutEvent, impl.verifyWorkCertificate, impl.WsRpc, impl.Gateway];
