// Folio's account key from a BIP-39 mnemonic, in the browser, exactly as the CLI derives it
// (cli/mnemonic.cpp, docs/keystore.md): words -> entropy with checksum check (English list) ->
// seed = PBKDF2-HMAC-SHA512(sentence, "mnemonic" + passphrase, 2048, 64) -> BIP-32 master
// (HMAC-SHA512 key "Bitcoin seed") -> hardened children along m/44'/8800'/0'/0'/0'.
// Errors are MnemonicError with a `code` (the CLI's MnemonicErrc names) and a message for the user.
// The derived key lives only in page memory (see secp256k1.js: not constant-time). Dependency-free.
import { ENGLISH_WORDS } from './bip39_english.js';
import { hmacSha512, pbkdf2Sha512, sha256 } from './sha2.js';
import { addModN, isValidSecretKey } from './secp256k1.js';
import { utf8ToBytes } from './utils.js';

export const FOLIO_ACCOUNT_PATH_TEXT = "m/44'/8800'/0'/0'/0'";
export const BIP32_HARDENED = 0x80000000;
export const FOLIO_ACCOUNT_PATH = [44, 8800, 0, 0, 0].map((i) => (i | BIP32_HARDENED) >>> 0);

export class MnemonicError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'MnemonicError';
    this.code = code;
  }
}

const INDEX = new Map(ENGLISH_WORDS.map((w, i) => [w, i]));

// Edit distance with insertions, deletions, substitutions and swaps of two adjacent letters
// (optimal string alignment), stopping early once every path exceeds `limit`.
function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2 = null, prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    if (Math.min(...cur) > limit) return limit + 1;
    [prev2, prev] = [prev, cur];
  }
  return prev[b.length];
}

// The list word a mistyped word most likely meant, or null: the word sharing its first four
// letters (BIP-39 words are unique in their first four letters), else the nearest word within
// edit distance 2 (the first in list order on a tie).
export function suggestWord(word) {
  word = word.toLowerCase();
  if (word.length >= 4) {
    const byPrefix = ENGLISH_WORDS.find((w) => w.startsWith(word.slice(0, 4)));
    if (byPrefix) return byPrefix;
  }
  let best = null, bestDistance = 3;
  for (const w of ENGLISH_WORDS) {
    const d = editDistance(word, w, bestDistance - 1);
    if (d < bestDistance) [best, bestDistance] = [w, d];
  }
  return best;
}

// The words of a mnemonic as list indices. Input is NFKD-normalised and split on any whitespace;
// case is ignored (as the CLI does). Checks, in the CLI's order: word count, unknown words, checksum.
export function mnemonicToIndices(mnemonic) {
  if (typeof mnemonic !== 'string') throw new MnemonicError('WRONG_WORD_COUNT', 'the mnemonic must be text');
  const words = mnemonic.normalize('NFKD').split(/\s+/).filter((w) => w !== '');
  const count = words.length;
  if (count < 12 || count > 24 || count % 3 !== 0) {
    throw new MnemonicError('WRONG_WORD_COUNT', `a mnemonic has 12, 15, 18, 21 or 24 words, got ${count}`);
  }
  const indices = [];
  for (const [i, word] of words.entries()) {
    const index = INDEX.get(word.toLowerCase());
    if (index === undefined) {
      const guess = suggestWord(word);
      throw new MnemonicError('UNKNOWN_WORD', `unknown word '${word}' (word ${i + 1}) is not in the BIP-39 English list` +
        (guess ? `; did you mean '${guess}'?` : ''));
    }
    indices.push(index);
  }
  // 11 bits per word: ENT entropy bits, then ENT/32 checksum bits = the first bits of SHA-256(entropy).
  const bits = indices.map((v) => v.toString(2).padStart(11, '0')).join('');
  const csBits = (count * 11) / 33;
  const entropy = new Uint8Array((count * 11 - csBits) / 8);
  for (let i = 0; i < entropy.length; i++) entropy[i] = parseInt(bits.slice(8 * i, 8 * i + 8), 2);
  const checksum = sha256(entropy)[0].toString(2).padStart(8, '0').slice(0, csBits);
  if (checksum !== bits.slice(entropy.length * 8)) {
    throw new MnemonicError('BAD_CHECKSUM', 'mnemonic checksum mismatch: a word is wrong or the words are out of order');
  }
  return { indices, entropy };
}

export function mnemonicToEntropy(mnemonic) {
  return mnemonicToIndices(mnemonic).entropy;
}

// The 64-byte BIP-39 seed. The sentence used is the canonical one (list words, single spaces).
// The passphrase is NFKD-normalised as BIP-39 says; it must then be ASCII, because the CLI accepts
// only ASCII passphrases (a non-ASCII one cannot have made a Folio account).
export function mnemonicToSeed(mnemonic, passphrase = '') {
  const { indices } = mnemonicToIndices(mnemonic);
  const pass = String(passphrase).normalize('NFKD');
  if (!/^[\x00-\x7f]*$/.test(pass)) {
    throw new MnemonicError('NON_ASCII', 'the BIP-39 passphrase must be ASCII (Unicode normalisation is not supported)');
  }
  const sentence = indices.map((i) => ENGLISH_WORDS[i]).join(' ');
  return pbkdf2Sha512(utf8ToBytes(sentence), utf8ToBytes('mnemonic' + pass), 2048, 64);
}

// BIP-32 master key of a 16..64-byte seed: { key, chainCode } (32 bytes each).
export function bip32Master(seed) {
  if (seed.length < 16 || seed.length > 64) {
    throw new MnemonicError('BAD_SEED_LENGTH', `a BIP-32 seed has 16 to 64 bytes, got ${seed.length}`);
  }
  const I = hmacSha512(utf8ToBytes('Bitcoin seed'), seed);
  const node = { key: I.slice(0, 32), chainCode: I.slice(32) };
  if (!isValidSecretKey(node.key)) throw new MnemonicError('INVALID_DERIVED_KEY', 'BIP-32 master key is invalid for this seed');
  return node;
}

// BIP-32 hardened child: I = HMAC-SHA512(chain, 0x00 || key || BE32(index)); key = I_L + key mod n.
// An invalid child is an error (as in the CLI) rather than a skip to the next index.
export function bip32DeriveHardened(parent, index) {
  if (!Number.isInteger(index) || index < BIP32_HARDENED || index > 0xffffffff) {
    throw new MnemonicError('INVALID_DERIVED_KEY', 'only hardened BIP-32 derivation is supported');
  }
  const data = new Uint8Array(37);
  data.set(parent.key, 1);
  new DataView(data.buffer).setUint32(33, index);
  const I = hmacSha512(parent.chainCode, data);
  const key = addModN(I.subarray(0, 32), parent.key);  // null: I_L >= n (the parent key is < n)
  if (key === null) throw new MnemonicError('INVALID_DERIVED_KEY', 'BIP-32 child key is invalid (I_L >= n)');
  if (!isValidSecretKey(key)) throw new MnemonicError('INVALID_DERIVED_KEY', 'BIP-32 child key is zero');
  return { key, chainCode: I.slice(32) };
}

export function bip32DerivePath(seed, path) {
  return path.reduce(bip32DeriveHardened, bip32Master(seed));
}

// The Folio account secret key (32 bytes) of a mnemonic and optional passphrase.
export function accountKeyFromMnemonic(words, passphrase = '') {
  return bip32DerivePath(mnemonicToSeed(words, passphrase), FOLIO_ACCOUNT_PATH).key;
}
