// BIP-340 Schnorr signatures over secp256k1 for the explorer, with the call shapes of
// @noble/curves/secp256k1's `schnorr` (in the browser an import map points that specifier here).
// Plain BigInt arithmetic: field mod p, Jacobian points, a fixed-window table of multiples of G
// (built on first use) and a 4-bit window for other points. Dependency-free.
//
// NOT constant-time: timings depend on the secret key. The explorer accepts this because the key
// is derived in the page, lives only in page memory for the one login it signs, and is never sent
// or stored. Do not reuse this module where an attacker can time many signatures.
import { sha256 } from './sha2.js';
import { concatBytes, ensureBytes, randomBytes, utf8ToBytes } from './utils.js';

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;  // field size
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;  // group order
const G = [
  0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
  1n,
];  // the generator, as Jacobian (X, Y, Z) with Z = 1; y² = x³ + 7

const mod = (a, m = P) => { const r = a % m; return r < 0n ? r + m : r; };

// a^e mod m, square and multiply.
function pow(a, e, m = P) {
  let r = 1n;
  for (a = mod(a, m); e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * a) % m;
    a = (a * a) % m;
  }
  return r;
}

// a^-1 mod m by the extended Euclidean algorithm (a ≠ 0 mod m; m prime).
function invert(a, m = P) {
  let [r0, r1, s0, s1] = [m, mod(a, m), 0n, 1n];  // invariant: s_i * a ≡ r_i (mod m)
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(s0, m);
}

// ---- points in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity ----

const INF = [0n, 1n, 0n];

function double([X, Y, Z]) {  // dbl-2009-l (a = 0)
  if (Z === 0n || Y === 0n) return INF;
  const A = (X * X) % P, B = (Y * Y) % P, C = (B * B) % P;
  const D = mod(2n * ((X + B) ** 2n - A - C));
  const E = 3n * A, F = (E * E) % P;
  const X3 = mod(F - 2n * D);
  return [X3, mod(E * (D - X3) - 8n * C), (2n * Y * Z) % P];
}

function add(p1, p2) {  // add-1998-cmo-2; doubles when the points are equal
  const [X1, Y1, Z1] = p1, [X2, Y2, Z2] = p2;
  if (Z1 === 0n) return p2;
  if (Z2 === 0n) return p1;
  const Z1Z1 = (Z1 * Z1) % P, Z2Z2 = (Z2 * Z2) % P;
  const U1 = (X1 * Z2Z2) % P, U2 = (X2 * Z1Z1) % P;
  const S1 = (Y1 * Z2 * Z2Z2) % P, S2 = (Y2 * Z1 * Z1Z1) % P;
  const H = mod(U2 - U1), R = mod(S2 - S1);
  if (H === 0n) return R === 0n ? double(p1) : INF;
  const HH = (H * H) % P, HHH = (H * HH) % P, V = (U1 * HH) % P;
  const X3 = mod(R * R - HHH - 2n * V);
  return [X3, mod(R * (V - X3) - S1 * HHH), (Z1 * Z2 * H) % P];
}

const negate = ([X, Y, Z]) => [X, mod(-Y), Z];

function toAffine([X, Y, Z]) {  // null for infinity
  if (Z === 0n) return null;
  const zi = invert(Z), zi2 = (zi * zi) % P;
  return { x: (X * zi2) % P, y: (Y * zi2 * zi) % P };
}

// k·Q for any point Q, 0 <= k < 2^256: 4-bit fixed window, most significant nibble first.
function multiply(Q, k) {
  const table = [INF, Q];
  for (let i = 2; i < 16; i++) table.push(add(table[i - 1], Q));
  let R = INF;
  for (let shift = 252n; shift >= 0n; shift -= 4n) {
    R = double(double(double(double(R))));
    R = add(R, table[Number((k >> shift) & 15n)]);
  }
  return R;
}

// k·G from a table GT[w][j] = j·16^w·G (64 windows of 4 bits): 64 additions, no doublings.
let GT = null;
function multiplyG(k) {
  if (GT === null) {
    GT = [];
    let base = G;
    for (let w = 0; w < 64; w++) {
      const row = [INF, base];
      for (let j = 2; j < 16; j++) row.push(add(row[j - 1], base));
      GT.push(row);
      base = double(double(double(double(base))));
    }
  }
  let R = INF;
  for (let w = 0; w < 64; w++) R = add(R, GT[w][Number((k >> BigInt(4 * w)) & 15n)]);
  return R;
}

// The point with x-coordinate x and even y (BIP-340 lift_x), or null. p ≡ 3 (mod 4), so the
// square root of c, if c has one, is c^((p+1)/4).
function liftX(x) {
  if (x >= P) return null;
  const c = mod(x * x * x + 7n);
  let y = pow(c, (P + 1n) / 4n);
  if ((y * y) % P !== c) return null;
  if (y & 1n) y = P - y;
  return [x, y, 1n];
}

// ---- bytes and scalars ----

function bytesToNumber(b) {
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n;
}

function numberTo32Bytes(n) {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

// The secret scalar of a 32-byte key (bytes or hex); throws unless 1 <= d < n.
function secretScalar(secretKey) {
  const d = bytesToNumber(ensureBytes('secret key', secretKey, 32));
  if (d === 0n || d >= N) throw new Error('invalid secret key: out of range [1..N-1]');
  return d;
}

// True for 32 bytes (or 64 hex) holding a number 1 <= d < n.
export function isValidSecretKey(secretKey) {
  try { secretScalar(secretKey); return true; } catch { return false; }
}

// (a + b) mod n as 32 bytes, for 32-byte big-endian a and b; null if a >= n or b >= n. Used by
// the BIP-32 derivation of bip39.js.
export function addModN(a, b) {
  const x = bytesToNumber(ensureBytes('a', a, 32)), y = bytesToNumber(ensureBytes('b', b, 32));
  if (x >= N || y >= N) return null;
  return numberTo32Bytes((x + y) % N);
}

// ---- BIP-340 ----

const TAGS = {};
// SHA-256(SHA-256(tag) || SHA-256(tag) || parts...), the tag hash computed once per tag.
function taggedHash(tag, ...parts) {
  const t = TAGS[tag] ??= sha256(utf8ToBytes(tag));
  return sha256(concatBytes(t, t, ...parts));
}

// d·G, and the scalar negated if needed so that the point has an even y (BIP-340's d and P).
function evenYKey(d) {
  const { x, y } = toAffine(multiplyG(d));
  return { scalar: y & 1n ? N - d : d, x: numberTo32Bytes(x) };
}

function getPublicKey(secretKey) {
  return evenYKey(secretScalar(secretKey)).x;
}

// BIP-340 Sign. auxRand: 32 bytes; fresh random bytes when omitted (pass 32 zero bytes to
// reproduce the published vectors). The signature is verified before it is returned.
function sign(message, secretKey, auxRand = randomBytes(32)) {
  const m = ensureBytes('message', message);
  const { scalar: d, x: px } = evenYKey(secretScalar(secretKey));
  const a = ensureBytes('auxRand', auxRand, 32);
  const t = numberTo32Bytes(d ^ bytesToNumber(taggedHash('BIP0340/aux', a)));
  const k0 = bytesToNumber(taggedHash('BIP0340/nonce', t, px, m)) % N;
  if (k0 === 0n) throw new Error('sign: nonce is zero');
  const { scalar: k, x: rx } = evenYKey(k0);
  const e = bytesToNumber(taggedHash('BIP0340/challenge', rx, px, m)) % N;
  const sig = concatBytes(rx, numberTo32Bytes((k + e * d) % N));
  if (!verify(sig, m, px)) throw new Error('sign: the signature produced does not verify');
  return sig;
}

// BIP-340 Verify. Returns false (never throws) for malformed input: wrong types or lengths, a
// public key that is not an x-coordinate on the curve, r >= p, s >= n.
function verify(signature, message, publicKey) {
  try {
    const sig = ensureBytes('signature', signature, 64);
    const m = ensureBytes('message', message);
    const pub = ensureBytes('publicKey', publicKey, 32);
    const Pt = liftX(bytesToNumber(pub));
    if (Pt === null) return false;
    const r = bytesToNumber(sig.subarray(0, 32)), s = bytesToNumber(sig.subarray(32));
    if (r >= P || s >= N) return false;
    const e = bytesToNumber(taggedHash('BIP0340/challenge', sig.subarray(0, 32), pub, m)) % N;
    const R = toAffine(add(multiplyG(s), negate(multiply(Pt, e))));  // R = s·G − e·P
    return R !== null && (R.y & 1n) === 0n && R.x === r;
  } catch {
    return false;
  }
}

// utils.liftX(x: bigint): the affine point {x, y} with even y, or null (exposed for the tests).
export const schnorr = Object.freeze({
  getPublicKey, sign, verify,
  utils: Object.freeze({ taggedHash, liftX: (x) => { const pt = liftX(x); return pt && { x: pt[0], y: pt[1] }; } }),
});
