// SHA-256 and SHA-512 (FIPS 180-4), HMAC-SHA512 (RFC 2104) and PBKDF2-HMAC-SHA512 (RFC 8018),
// hand-written and synchronous, for the explorer (in the browser an import map points
// '@noble/hashes/sha2' here). sha256/sha512 take bytes or a string (UTF-8 encoded), as noble's do,
// and return a new Uint8Array. Not constant-time (see secp256k1.js). Dependency-free.
import { toBytes } from './utils.js';

// ---- constants, derived as FIPS 180-4 §4.2 and §5.3 define them (no hand-copied tables) ----
// K: the first 32 (SHA-256) or 64 (SHA-512) bits of the fractional parts of the cube roots of the
// first 64 (80) primes; initial hash values: the same of the square roots of the first 8 primes.
// frac(p^(1/r)) * 2^b, truncated = floor(root_r(p * 2^(r*b))) mod 2^b, in exact integer arithmetic.

function iroot(x, r) {  // floor(x^(1/r)) for BigInts, by Newton's method from above the root
  let y = 1n << BigInt(Math.ceil(x.toString(2).length / Number(r)) + 1);
  for (;;) {
    const next = ((r - 1n) * y + x / y ** (r - 1n)) / r;
    if (next >= y) return y;
    y = next;
  }
}
const PRIMES = [];
for (let c = 2; PRIMES.length < 80; c++) if (PRIMES.every((p) => c % p !== 0)) PRIMES.push(c);
const frac = (p, r, bits) => iroot(BigInt(p) << BigInt(r * bits), BigInt(r)) & ((1n << BigInt(bits)) - 1n);

const K256 = Int32Array.from(PRIMES.slice(0, 64), (p) => Number(frac(p, 3, 32)));
const IV256 = Int32Array.from(PRIMES.slice(0, 8), (p) => Number(frac(p, 2, 32)));
// SHA-512 words are kept as (high, low) pairs of int32: [hi0, lo0, hi1, lo1, ...].
const split64 = (v) => [Number(v >> 32n), Number(v & 0xffffffffn)];
const K512 = Int32Array.from(PRIMES.flatMap((p) => split64(frac(p, 3, 64))));
const IV512 = Int32Array.from(PRIMES.slice(0, 8).flatMap((p) => split64(frac(p, 2, 64))));

// The message padded to a multiple of `blockLen` bytes (0x80, zeros, then the bit length as a
// big-endian integer of `lenBytes` bytes: 8 for SHA-256, 16 for SHA-512), as big-endian int32 words.
function padToWords(msg, blockLen, lenBytes) {
  const total = Math.ceil((msg.length + 1 + lenBytes) / blockLen) * blockLen;
  const buf = new Uint8Array(total);
  buf.set(msg);
  buf[msg.length] = 0x80;
  const dv = new DataView(buf.buffer);
  // Bit length = 8 * length; lengths below 2^53 bytes fit these two words.
  dv.setUint32(total - 8, Math.floor(msg.length / 0x20000000));
  dv.setUint32(total - 4, (msg.length << 3) >>> 0);
  const words = new Int32Array(total / 4);
  for (let i = 0; i < words.length; i++) words[i] = dv.getInt32(4 * i);
  return words;
}

function wordsToBytes(words) {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setInt32(4 * i, w));
  return out;
}

// ---- SHA-256 ----

const W256 = new Int32Array(64);
// One compression: state st (8 int32) updated with the 16-word block at w[off..off+16).
function compress256(st, w, off) {
  const W = W256;
  for (let t = 0; t < 16; t++) W[t] = w[off + t];
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15], y = W[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
  }
  let [a, b, c, d, e, f, g, h] = st;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K256[t] + W[t]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

export function sha256(msg) {
  const words = padToWords(toBytes(msg), 64, 8);
  const st = IV256.slice();
  for (let off = 0; off < words.length; off += 16) compress256(st, words, off);
  return wordsToBytes(st);
}

// ---- SHA-512 on (hi, lo) int32 pairs ----
// A 64-bit rotation right by n is, on the halves, a 32-bit funnel shift (halves swap when n >= 32);
// sums are formed on the low halves as doubles (exact below 2^53) and the carry moved to the high
// half.

const W512 = new Int32Array(160);
// One compression: state st (16 int32) updated with the 32-word (128-byte) block at w[off..off+32).
function compress512(st, w, off) {
  const W = W512;
  for (let t = 0; t < 32; t++) W[t] = w[off + t];
  for (let t = 16; t < 80; t++) {
    // σ0(x) = rotr1 ^ rotr8 ^ shr7;  σ1(y) = rotr19 ^ rotr61 ^ shr6
    const xh = W[2 * t - 30], xl = W[2 * t - 29], yh = W[2 * t - 4], yl = W[2 * t - 3];
    const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
    const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
    const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
    const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
    const lo = (s0l >>> 0) + (s1l >>> 0) + (W[2 * t - 13] >>> 0) + (W[2 * t - 31] >>> 0);
    W[2 * t] = s0h + s1h + W[2 * t - 14] + W[2 * t - 32] + Math.floor(lo / 0x100000000);
    W[2 * t + 1] = lo;
  }
  let [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl] = st;
  for (let t = 0; t < 80; t++) {
    // Σ1(e) = rotr14 ^ rotr18 ^ rotr41;  Ch(e, f, g)
    const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
    const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
    const chh = (eh & fh) ^ (~eh & gh), chl = (el & fl) ^ (~el & gl);
    const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (K512[2 * t + 1] >>> 0) + (W[2 * t + 1] >>> 0);
    const t1h = hh + S1h + chh + K512[2 * t] + W[2 * t] + Math.floor(t1l / 0x100000000);
    // Σ0(a) = rotr28 ^ rotr34 ^ rotr39;  Maj(a, b, c)
    const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
    const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
    const mjh = (ah & bh) ^ (ah & ch) ^ (bh & ch), mjl = (al & bl) ^ (al & cl) ^ (bl & cl);
    hh = gh; hl = gl; gh = fh; gl = fl; fh = eh; fl = el;
    const el2 = (dl >>> 0) + (t1l >>> 0);   // e = d + t1 (t1l: only its low 32 bits matter)
    eh = (dh + t1h + Math.floor(el2 / 0x100000000)) | 0; el = el2 | 0;
    dh = ch; dl = cl; ch = bh; cl = bl; bh = ah; bl = al;
    const al2 = ((t1l | 0) >>> 0) + (S0l >>> 0) + (mjl >>> 0);   // a = t1 + Σ0 + Maj
    ah = (t1h + S0h + mjh + Math.floor(al2 / 0x100000000)) | 0; al = al2 | 0;
  }
  const v = [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl];
  for (let i = 0; i < 16; i += 2) {
    const lo = (st[i + 1] >>> 0) + (v[i + 1] >>> 0);
    st[i] = st[i] + v[i] + Math.floor(lo / 0x100000000);
    st[i + 1] = lo;
  }
}

export function sha512(msg) {
  const words = padToWords(toBytes(msg), 128, 16);
  const st = IV512.slice();
  for (let off = 0; off < words.length; off += 32) compress512(st, words, off);
  return wordsToBytes(st);
}

// ---- HMAC-SHA512 and PBKDF2-HMAC-SHA512 ----

// The SHA-512 states after absorbing key^ipad and key^opad (one 128-byte block each).
function hmacStates(key) {
  key = toBytes(key);
  if (key.length > 128) key = sha512(key);
  const states = [0x36, 0x5c].map((pad) => {
    const block = new Uint8Array(128).fill(pad);
    key.forEach((b, i) => { block[i] ^= b; });
    const dv = new DataView(block.buffer);
    const st = IV512.slice();
    compress512(st, Int32Array.from({ length: 32 }, (_, i) => dv.getInt32(4 * i)), 0);
    return st;
  });
  return { inner: states[0], outer: states[1] };
}

// SHA-512 of (a 128-byte prefix already absorbed into `state`) || msg.
function finishSha512(state, msg, prefixLen = 128) {
  const words = padToWords(msg, 128, 16);
  // The padding above encodes msg.length; the real length includes the absorbed prefix.
  const bits = (msg.length + prefixLen) * 8;
  words[words.length - 2] = Math.floor(bits / 0x100000000);
  words[words.length - 1] = bits >>> 0;
  const st = state.slice();
  for (let off = 0; off < words.length; off += 32) compress512(st, words, off);
  return st;
}

export function hmacSha512(key, data) {
  const { inner, outer } = hmacStates(key);
  return wordsToBytes(finishSha512(outer, wordsToBytes(finishSha512(inner, toBytes(data)))));
}

// PBKDF2 with HMAC-SHA512. password and salt: bytes or strings (UTF-8). After the first HMAC of
// each block, each U_j is one compression from the inner state and one from the outer state on a
// fixed-layout block (64-byte U, 0x80, zeros, bit length 1536), built directly as words.
export function pbkdf2Sha512(password, salt, iterations, dkLen) {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new Error('iterations must be a positive integer');
  if (!Number.isSafeInteger(dkLen) || dkLen < 1) throw new Error('dkLen must be a positive integer');
  const { inner, outer } = hmacStates(password);
  salt = toBytes(salt);
  const out = new Uint8Array(Math.ceil(dkLen / 64) * 64);
  const block = new Int32Array(32);
  block[16] = 0x80000000;
  block[31] = (128 + 64) * 8;
  for (let i = 1; i * 64 <= out.length; i++) {
    const first = new Uint8Array(salt.length + 4);
    first.set(salt);
    new DataView(first.buffer).setUint32(salt.length, i);
    let u = finishSha512(outer, wordsToBytes(finishSha512(inner, first)));  // U_1, as 16 words
    const t = u.slice();
    for (let j = 1; j < iterations; j++) {
      block.set(u);
      const st = inner.slice();
      compress512(st, block, 0);
      block.set(st);
      u = outer.slice();
      compress512(u, block, 0);
      for (let k = 0; k < 16; k++) t[k] ^= u[k];
    }
    out.set(wordsToBytes(t), (i - 1) * 64);
  }
  return out.slice(0, dkLen);
}
