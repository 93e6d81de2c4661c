// Byte helpers for the explorer's crypto modules, with the semantics (and error messages) of
// @noble/hashes/utils: in the browser an import map points '@noble/hashes/utils' here, so that
// examples/gateway-client/src/folio.js runs unchanged. Dependency-free; runs in browsers and node.

// Uint8Array, or a Uint8Array from another realm (noble accepts those too).
export function isBytes(a) {
  return a instanceof Uint8Array || (ArrayBuffer.isView(a) && a.constructor.name === 'Uint8Array');
}

export function abytes(b) {
  if (!isBytes(b)) throw new Error('Uint8Array expected');
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// Lowercase hex of the bytes.
export function bytesToHex(bytes) {
  abytes(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

// Value of one hex digit (either case) given its char code, or -1.
function nibble(c) {
  if (c >= 48 && c <= 57) return c - 48;        // 0-9
  if (c >= 65 && c <= 70) return c - 55;        // A-F
  if (c >= 97 && c <= 102) return c - 87;       // a-f
  return -1;
}

// Hex (either case, even length) to bytes; throws on anything else.
export function hexToBytes(hex) {
  if (typeof hex !== 'string') throw new Error('hex string expected, got ' + typeof hex);
  if (hex.length % 2) throw new Error('hex string expected, got unpadded hex of length ' + hex.length);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i)), lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new Error('hex string expected, got non-hex character "' + hex.slice(2 * i, 2 * i + 2) + '" at index ' + 2 * i);
    }
    out[i] = hi * 16 + lo;
  }
  return out;
}

// A new array holding the arguments one after another.
export function concatBytes(...arrays) {
  let size = 0;
  for (const a of arrays) { abytes(a); size += a.length; }
  const out = new Uint8Array(size);
  let pos = 0;
  for (const a of arrays) { out.set(a, pos); pos += a.length; }
  return out;
}

export function utf8ToBytes(str) {
  if (typeof str !== 'string') throw new Error('string expected');
  return new Uint8Array(new TextEncoder().encode(str));
}

// Hash input: a string is UTF-8 encoded, bytes are used as they are.
export function toBytes(data) {
  if (typeof data === 'string') return utf8ToBytes(data);
  abytes(data);
  return data;
}

// Key/signature input as noble's curves take it: a hex string or bytes (copied), optionally of a
// fixed length. `what` names the argument in the error.
export function ensureBytes(what, value, length) {
  let out;
  if (typeof value === 'string') {
    try { out = hexToBytes(value); } catch (e) { throw new Error(what + ' must be hex string or Uint8Array, cause: ' + e.message); }
  } else if (isBytes(value)) {
    out = Uint8Array.from(value);
  } else {
    throw new Error(what + ' must be hex string or Uint8Array');
  }
  if (length !== undefined && out.length !== length) {
    throw new Error(what + ' of length ' + length + ' expected, got ' + out.length);
  }
  return out;
}

// Cryptographically secure random bytes (Web Crypto; node >= 19 has globalThis.crypto too).
export function randomBytes(n = 32) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}
