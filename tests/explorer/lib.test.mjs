// Tests of the explorer's hand-written crypto (node/explorer/assets/lib/): SHA-256/512, HMAC and
// PBKDF2 against FIPS 180-4 / RFC 4231 vectors and node's crypto; BIP-340 Schnorr against the
// official vectors, the docs/rpc-protocol.md §5.3 vector and @noble/curves (the library it stands
// in for); the gateway SDK (examples/gateway-client/src) running on these modules instead of
// noble, including its real captured payout proofs; BIP-39/BIP-32 against the CLI's vectors
// (tests/unit/cli/mnemonic_tests.cpp) and the generated wordlist against its generator.
// Run from the repository root: node --test tests/explorer/  (needs node_modules: npm ci).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { schnorr as noble } from '@noble/curves/secp256k1';

// Node 18 (Debian 12's) has Web Crypto only as node:crypto's webcrypto; browsers and node >= 19
// have globalThis.crypto, which lib/utils.js uses for signing's auxiliary randomness.
if (!globalThis.crypto) globalThis.crypto = crypto.webcrypto;

// The SDK's @noble imports resolve to the explorer's modules from here on (noble-hooks.mjs).
register('./noble-hooks.mjs', import.meta.url);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIB = '../../node/explorer/assets/lib/';
const { sha256, sha512, hmacSha512, pbkdf2Sha512 } = await import(LIB + 'sha2.js');
const utils = await import(LIB + 'utils.js');
const { bytesToHex, hexToBytes, concatBytes, utf8ToBytes } = utils;
const { schnorr, addModN, isValidSecretKey } = await import(LIB + 'secp256k1.js');
const bip39 = await import(LIB + 'bip39.js');
const { ENGLISH_WORDS } = await import(LIB + 'bip39_english.js');
const folio = await import('../../examples/gateway-client/src/folio.js');

const hex = (b) => bytesToHex(b);
const rnd = (n) => new Uint8Array(crypto.randomBytes(n));
const nodeHash = (alg, m) => crypto.createHash(alg).update(m).digest('hex');

// ------------------------------------------------------------------ utils

test('utils: hex, concat, UTF-8 with noble semantics', () => {
  assert.equal(bytesToHex(Uint8Array.of(0, 1, 0xab, 0xff)), '0001abff');
  assert.deepEqual(hexToBytes('0001abFF'), Uint8Array.of(0, 1, 0xab, 0xff));
  assert.deepEqual(hexToBytes(''), new Uint8Array(0));
  assert.throws(() => hexToBytes('abc'), /unpadded hex of length 3/);
  assert.throws(() => hexToBytes('zz00'), /non-hex character "zz" at index 0/);
  assert.throws(() => hexToBytes('0g'), /non-hex/);
  assert.throws(() => hexToBytes(12), /hex string expected, got number/);
  assert.throws(() => bytesToHex([1, 2]), /Uint8Array expected/);
  assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
  assert.throws(() => concatBytes(Uint8Array.of(1), 'x'), /Uint8Array expected/);
  assert.deepEqual(utf8ToBytes('aé€'), Uint8Array.of(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac));
  assert.throws(() => utf8ToBytes(1), /string expected/);
  for (let i = 0; i < 20; i++) {
    const b = rnd(i * 3);
    assert.equal(bytesToHex(b), Buffer.from(b).toString('hex'));
    assert.deepEqual(hexToBytes(Buffer.from(b).toString('hex')), b);
  }
});

// ------------------------------------------------------------------ SHA-2, HMAC, PBKDF2

const M448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
const M896 = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';

test('SHA-256: FIPS 180-4 examples', () => {
  assert.equal(hex(sha256('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hex(sha256(utf8ToBytes('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hex(sha256('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hex(sha256(M448)), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.equal(hex(sha256(M896)), 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
  assert.equal(hex(sha256(new Uint8Array(1e6).fill(0x61))), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  assert.throws(() => sha256([1, 2, 3]), /Uint8Array expected/);
});

test('SHA-512: FIPS 180-4 examples', () => {
  assert.equal(hex(sha512('')), 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e');
  assert.equal(hex(sha512('abc')), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assert.equal(hex(sha512(M448)), '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445');
  assert.equal(hex(sha512(M896)), '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909');
  assert.equal(hex(sha512(new Uint8Array(1e6).fill(0x61))), 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b');
});

test('SHA-256/512: random inputs of every length around the block boundaries agree with node:crypto', () => {
  for (let n = 0; n < 300; n++) {
    const m = rnd(n);
    assert.equal(hex(sha256(m)), nodeHash('sha256', m), `sha256, ${n} bytes`);
    assert.equal(hex(sha512(m)), nodeHash('sha512', m), `sha512, ${n} bytes`);
  }
  const s = 'ünïcødé ✓ ' + 'x'.repeat(200);
  assert.equal(hex(sha256(s)), nodeHash('sha256', Buffer.from(s, 'utf8')));
  assert.equal(hex(sha512(s)), nodeHash('sha512', Buffer.from(s, 'utf8')));
});

test('HMAC-SHA512: RFC 4231 test cases 1-4, and random keys/messages against node:crypto', () => {
  const range = (n, f) => Uint8Array.from({ length: n }, (_, i) => f(i));
  const cases = [
    [range(20, () => 0x0b), utf8ToBytes('Hi There'),
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'],
    [utf8ToBytes('Jefe'), utf8ToBytes('what do ya want for nothing?'),
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'],
    [range(20, () => 0xaa), range(50, () => 0xdd),
      'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb'],
    [range(25, (i) => i + 1), range(50, () => 0xcd),
      'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd'],
  ];
  for (const [key, data, mac] of cases) assert.equal(hex(hmacSha512(key, data)), mac);
  for (const keyLen of [0, 1, 64, 127, 128, 129, 200]) {  // keys longer than a block are hashed first
    for (const dataLen of [0, 37, 111, 112, 300]) {
      const key = rnd(keyLen), data = rnd(dataLen);
      assert.equal(hex(hmacSha512(key, data)), crypto.createHmac('sha512', key).update(data).digest('hex'), `key ${keyLen}, data ${dataLen}`);
    }
  }
});

test('PBKDF2-HMAC-SHA512: published vectors, node:crypto, 2048 iterations in well under a second', () => {
  assert.equal(hex(pbkdf2Sha512('password', 'salt', 1, 64)),
    '867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce');
  assert.equal(hex(pbkdf2Sha512(utf8ToBytes('password'), utf8ToBytes('salt'), 2, 64)),
    'e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e');
  for (const [pwLen, saltLen, iter, dkLen] of [[0, 0, 1, 1], [8, 16, 2, 63], [129, 200, 3, 65], [32, 8, 10, 150], [20, 20, 2048, 64]]) {
    const pw = rnd(pwLen), salt = rnd(saltLen);
    assert.equal(hex(pbkdf2Sha512(pw, salt, iter, dkLen)), crypto.pbkdf2Sync(pw, salt, iter, dkLen, 'sha512').toString('hex'),
      `password ${pwLen}, salt ${saltLen}, ${iter} iterations, ${dkLen} bytes`);
  }
  assert.throws(() => pbkdf2Sha512('p', 's', 0, 64), /iterations/);
  assert.throws(() => pbkdf2Sha512('p', 's', 1, 0), /dkLen/);
  const t0 = performance.now();
  pbkdf2Sha512('pw', 'mnemonic', 2048, 64);
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `2048 iterations took ${ms} ms`);
});

// ------------------------------------------------------------------ BIP-340 Schnorr

// bip-0340/test-vectors.csv of github.com/bitcoin/bips (vectors 0-14): index, secret key, public
// key, aux_rand, message, signature, result, comment.
const BIP340_CSV = `
0,0000000000000000000000000000000000000000000000000000000000000003,F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9,0000000000000000000000000000000000000000000000000000000000000000,0000000000000000000000000000000000000000000000000000000000000000,E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0,TRUE,
1,B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,0000000000000000000000000000000000000000000000000000000000000001,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE33418906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A,TRUE,
2,C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9,DD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8,C87AA53824B4D7AE2EB035A2B5BBBCCC080E76CDC6D1692C4B0B62D798E6D906,7E2D58D8B3BCDF1ABADEC7829054F90DDA9805AAB56C77333024B9D0A508B75C,5831AAEED7B44BB74E5EAB94BA9D4294C49BCF2A60728D8B4C200F50DD313C1BAB745879A5AD954A72C45A91C3A51D3C7ADEA98D82F8481E0E1E03674A6F3FB7,TRUE,
3,0B432B2677937381AEF05BB02A66ECD012773062CF3FA2549E44F58ED2401710,25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517,FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF,FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF,7EB0509757E246F19449885651611CB965ECC1A187DD51B64FDA1EDC9637D5EC97582B9CB13DB3933705B32BA982AF5AF25FD78881EBB32771FC5922EFC66EA3,TRUE,test fails if msg is reduced modulo p or n
4,,D69C3509BB99E412E68B0FE8544E72837DFA30746D8BE2AA65975F29D22DC7B9,,4DF3C3F68FCC83B27E9D42C90431A72499F17875C81A599B566C9889B9696703,00000000000000000000003B78CE563F89A0ED9414F5AA28AD0D96D6795F9C6376AFB1548AF603B3EB45C9F8207DEE1060CB71C04E80F593060B07D28308D7F4,TRUE,
5,,EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E17776969E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,FALSE,public key not on the curve
6,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,FFF97BD5755EEEA420453A14355235D382F6472F8568A18B2F057A14602975563CC27944640AC607CD107AE10923D9EF7A73C643E166BE5EBEAFA34B1AC553E2,FALSE,has_even_y(R) is false
7,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,1FA62E331EDBC21C394792D2AB1100A7B432B013DF3F6FF4F99FCB33E0E1515F28890B3EDB6E7189B630448B515CE4F8622A954CFE545735AAEA5134FCCDB2BD,FALSE,negated message
8,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769961764B3AA9B2FFCB6EF947B6887A226E8D7C93E00C5ED0C1834FF0D0C2E6DA6,FALSE,negated s value
9,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,0000000000000000000000000000000000000000000000000000000000000000123DDA8328AF9C23A94C1FEECFD123BA4FB73476F0D594DCB65C6425BD186051,FALSE,sG - eP is infinite (x(inf) as 0)
10,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,00000000000000000000000000000000000000000000000000000000000000017615FBAF5AE28864013C099742DEADB4DBA87F11AC6754F93780D5A1837CF197,FALSE,sG - eP is infinite (x(inf) as 1)
11,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,4A298DACAE57395A15D0795DDBFD1DCB564DA82B0F269BC70A74F8220429BA1D69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,FALSE,sig[0:32] is not an X coordinate on the curve
12,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,FALSE,sig[0:32] is equal to field size
13,,DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,FALSE,sig[32:64] is equal to curve order
14,,FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30,,243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89,6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E17776969E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,FALSE,public key is not a valid X coordinate because it exceeds the field size
`.trim().split('\n').map((line) => {
  const [index, sk, pk, aux, msg, sig, result, comment] = line.split(',');
  return { index, sk: sk.toLowerCase(), pk: pk.toLowerCase(), aux: aux.toLowerCase(), msg: msg.toLowerCase(), sig: sig.toLowerCase(), ok: result === 'TRUE', comment };
});

test('BIP-340: the official test vectors 0-14 (sign where a secret key is given, verify all)', () => {
  assert.equal(BIP340_CSV.length, 15);
  for (const v of BIP340_CSV) {
    const what = `vector ${v.index} ${v.comment}`;
    if (v.sk) {
      assert.equal(hex(schnorr.getPublicKey(hexToBytes(v.sk))), v.pk, what);
      assert.equal(hex(schnorr.sign(hexToBytes(v.msg), hexToBytes(v.sk), hexToBytes(v.aux))), v.sig, what);
      assert.equal(hex(schnorr.sign(v.msg, v.sk, v.aux)), v.sig, `${what} (hex arguments)`);
    }
    assert.equal(schnorr.verify(hexToBytes(v.sig), hexToBytes(v.msg), hexToBytes(v.pk)), v.ok, what);
    assert.equal(schnorr.verify(v.sig, v.msg, v.pk), v.ok, `${what} (hex arguments)`);
  }
});

const DOCS = {  // docs/rpc-protocol.md §5.3
  sk: '11'.repeat(32),
  address: '4f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa',
  chainId: 'folio-devnet',
  nonce: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  authMessage: 'e7add4ce99f842b1cdfac1af55c3d9a6ba35889cbc15573ca30fc0c47c0b6625',
  signature: '7dcd12957e4e4365b058322269ad682af3eea742e277d1c4b3e5d8bf4e70efdcfe0e08f7ab137cae8e829ba71f0225c67111a538a7fc1ffd62069583bb162402',
};

test('BIP-340: the docs/rpc-protocol.md §5.3 login vector (aux_rand = 32 zero bytes)', () => {
  const sk = hexToBytes(DOCS.sk);
  assert.equal(hex(schnorr.getPublicKey(sk)), DOCS.address);
  const t = sha256('folio/auth');
  const m = sha256(concatBytes(t, t, utf8ToBytes(DOCS.chainId), Uint8Array.of(0), hexToBytes(DOCS.nonce)));
  assert.equal(hex(m), DOCS.authMessage);
  assert.equal(hex(schnorr.sign(m, sk, new Uint8Array(32))), DOCS.signature);
  assert.ok(schnorr.verify(DOCS.signature, m, DOCS.address));
});

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const be32 = (n) => hexToBytes(n.toString(16).padStart(64, '0'));
const num = (b) => BigInt('0x' + (hex(b) || '0'));

test('BIP-340: 50 random keys and messages agree byte for byte with @noble/curves', () => {
  // An x-coordinate < p that is not on the curve, found with noble's lift_x.
  let offCurve;
  do { offCurve = rnd(32); } while (num(offCurve) >= P || (() => { try { noble.utils.lift_x(num(offCurve)); return true; } catch { return false; } })());
  for (let i = 0; i < 50; i++) {
    const sk = rnd(32), aux = rnd(32), msg = rnd([0, 1, 17, 32, 100][i % 5]);
    const pk = noble.getPublicKey(sk);
    assert.equal(hex(schnorr.getPublicKey(sk)), hex(pk));
    const sig = schnorr.sign(msg, sk, aux);
    assert.equal(hex(sig), hex(noble.sign(msg, sk, aux)), `signature ${i}`);
    const r = sig.subarray(0, 32), s = sig.subarray(32);
    const flipped = sig.slice(); flipped[i % 64] ^= 1 << (i % 8);
    const otherMsg = msg.length ? msg.slice() : Uint8Array.of(0); if (msg.length) otherMsg[0] ^= 0x80;
    const cases = [
      ['valid', sig, msg, pk, true],
      ['a bit flipped', flipped, msg, pk, false],
      ['another message', sig, otherMsg, pk, false],
      ['another key', sig, msg, noble.getPublicKey(rnd(32)), false],
      ['r >= p', concatBytes(be32(P + num(r) % (2n ** 256n - P)), s), msg, pk, false],
      ['r = p', concatBytes(be32(P), s), msg, pk, false],
      ['r = 2^256 - 1', concatBytes(be32(2n ** 256n - 1n), s), msg, pk, false],
      ['s >= n', concatBytes(r, be32(N + num(s) % (2n ** 256n - N))), msg, pk, false],
      ['s = n', concatBytes(r, be32(N)), msg, pk, false],
      ['public key not on the curve', sig, msg, offCurve, false],
      ['public key >= p', sig, msg, be32(P + BigInt(i)), false],
    ];
    for (const [what, sg, m, key, expect] of cases) {
      assert.equal(schnorr.verify(sg, m, key), expect, `${i}: ${what}`);
      assert.equal(noble.verify(sg, m, key), expect, `${i}: ${what} (noble)`);
    }
  }
});

test('BIP-340: bad input: verify returns false, getPublicKey/sign throw on invalid secret keys', () => {
  const sk = rnd(32), msg = rnd(32), sig = schnorr.sign(msg, sk), pk = schnorr.getPublicKey(sk);
  assert.ok(schnorr.verify(sig, msg, pk));
  for (const [s, m, k] of [[sig.subarray(1), msg, pk], [concatBytes(sig, Uint8Array.of(0)), msg, pk], [sig, msg, pk.subarray(1)],
    ['zz', msg, pk], [null, msg, pk], [sig, undefined, pk], [sig, msg, 42], [hex(sig) + '0', msg, pk], [{}, {}, {}]]) {
    assert.equal(schnorr.verify(s, m, k), false);
  }
  for (const bad of [new Uint8Array(32), be32(N), be32(N + 1n), be32(2n ** 256n - 1n), rnd(31), rnd(33), 'xyz', 7]) {
    assert.throws(() => schnorr.getPublicKey(bad), /secret key/);
    assert.throws(() => schnorr.sign(msg, bad, new Uint8Array(32)), /secret key/);
  }
  assert.equal(hex(schnorr.getPublicKey(be32(N - 1n))), hex(noble.getPublicKey(be32(N - 1n))));
  assert.equal(hex(schnorr.getPublicKey(be32(1n))), '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  assert.throws(() => schnorr.sign(msg, sk, rnd(31)), /auxRand of length 32/);
  // Without auxRand, fresh randomness: two signatures differ and both verify.
  const a = schnorr.sign(msg, sk), b = schnorr.sign(msg, sk);
  assert.notEqual(hex(a), hex(b));
  assert.ok(schnorr.verify(a, msg, pk) && schnorr.verify(b, msg, pk));
  assert.ok(isValidSecretKey(sk) && !isValidSecretKey(new Uint8Array(32)) && !isValidSecretKey(be32(N)));
  assert.equal(hex(addModN(be32(N - 1n), be32(5n))), hex(be32(4n)));
  assert.equal(addModN(be32(N), be32(1n)), null);
  assert.equal(addModN(be32(1n), be32(N)), null);
  assert.equal(hex(addModN(be32(N - 1n), be32(1n))), hex(new Uint8Array(32)));
});

test('BIP-340 lift_x: agrees with noble on random x (on and off the curve) and at the edges', () => {
  const nobleLift = (x) => { try { return noble.utils.lift_x(x).toAffine(); } catch { return null; } };
  let on = 0;
  const xs = [0n, 1n, P - 1n, P, P + 1n, 2n ** 256n - 1n, num(hexToBytes(BIP340_CSV[5].pk))];
  for (let i = 0; i < 60; i++) xs.push(num(rnd(32)));
  for (const x of xs) {
    const mine = schnorr.utils.liftX(x), theirs = nobleLift(x);
    assert.deepEqual(mine, theirs, `x = ${x.toString(16)}`);
    if (mine) { on++; assert.equal(mine.y % 2n, 0n); assert.equal((mine.y ** 2n - mine.x ** 3n - 7n) % P, 0n); }
  }
  assert.equal(schnorr.utils.liftX(num(hexToBytes(BIP340_CSV[5].pk))), null, 'vector 5: not on the curve');
  assert.ok(on > 10 && on < xs.length - 10, `${on} of ${xs.length} on the curve`);
});

test('BIP-340: speed (sign, verify) in node', (t) => {
  const sk = rnd(32), msg = rnd(32);
  schnorr.sign(msg, sk);  // builds the table of multiples of G
  let t0 = performance.now(), sig;
  for (let i = 0; i < 20; i++) sig = schnorr.sign(msg, sk);
  const signMs = (performance.now() - t0) / 20;
  const pk = schnorr.getPublicKey(sk);
  t0 = performance.now();
  for (let i = 0; i < 20; i++) assert.ok(schnorr.verify(sig, msg, pk));
  const verifyMs = (performance.now() - t0) / 20;
  t.diagnostic(`sign ${signMs.toFixed(2)} ms (includes its self-check verify), verify ${verifyMs.toFixed(2)} ms`);
  assert.ok(signMs < 50 && verifyMs < 50, `sign ${signMs} ms, verify ${verifyMs} ms`);
});

// ------------------------------------------------------------------ the gateway SDK on these modules

test('gateway SDK folio.js runs on the explorer modules: docs vector through signAuth/publicKeyOf/authMessage', () => {
  // Proof that the hooks substituted the modules: folio.js re-exports utils' functions.
  assert.equal(folio.bytesToHex, utils.bytesToHex);
  assert.equal(folio.concatBytes, utils.concatBytes);
  const sk = hexToBytes(DOCS.sk);
  assert.equal(folio.publicKeyOf(sk), DOCS.address);
  assert.equal(hex(folio.authMessage(DOCS.chainId, DOCS.nonce)), DOCS.authMessage);
  const sig = folio.signAuth(sk, DOCS.chainId, DOCS.nonce);  // random aux_rand: valid, not the docs bytes
  assert.match(sig, /^[0-9a-f]{128}$/);
  assert.ok(noble.verify(sig, DOCS.authMessage, DOCS.address));
  assert.ok(schnorr.verify(sig, DOCS.authMessage, DOCS.address));
  const tx = folio.encodePayoutConfirm({ chainId: DOCS.chainId, secretKey: sk, nonce: 5, payoutId: 7, reference: '7-fiat' });
  const bytes = hexToBytes(tx.hex);
  const unsigned = bytes.subarray(0, bytes.length - 64);
  assert.ok(noble.verify(bytes.subarray(bytes.length - 64), folio.taggedHash('folio/tx/sig', unsigned), DOCS.address));
});

test('gateway SDK\'s own tests (real captured payout proofs, hand-offs, quorums) pass on the explorer modules', (t) => {
  const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-hooks-')), 'trace');
  try {
    for (const file of ['verify.test.js', 'handoff.test.js', 'quorum.test.js']) {
      fs.writeFileSync(trace, '');
      const env = { ...process.env, FOLIO_EXPLORER_HOOK_TRACE: trace };
      delete env.FOLIO_PROOF_FIXTURE;  // the committed fixtures, not an e2e test's
      delete env.NODE_OPTIONS;
      delete env.NODE_TEST_CONTEXT;  // set by `node --test` for this file: the child must report plainly
      const r = spawnSync(process.execPath, ['--import', './tests/explorer/register.mjs', '--test-reporter=tap',
        `examples/gateway-client/test/${file}`], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.status, 0, `${file} failed on the explorer modules:\n${out}`);
      const pass = Number(/^# pass (\d+)$/m.exec(r.stdout)?.[1] ?? 0), fail = Number(/^# fail (\d+)$/m.exec(r.stdout)?.[1] ?? -1);
      assert.ok(pass > 0 && fail === 0, `${file}: pass ${pass}, fail ${fail}\n${out}`);
      // Each SDK module that imports noble got the explorer's module instead.
      const redirects = fs.readFileSync(trace, 'utf8');
      const redirected = (spec, lib, from) => assert.ok(redirects.split('\n').some((l) =>
        l.startsWith(`${spec} -> `) && l.includes(`/node/explorer/assets/lib/${lib} (from `) && l.endsWith(`/examples/gateway-client/src/${from})`)),
      `${file}: ${spec} imported by ${from} was not redirected to lib/${lib}:\n${redirects}`);
      redirected('@noble/curves/secp256k1', 'secp256k1.js', 'folio.js');
      redirected('@noble/hashes/sha2', 'sha2.js', 'folio.js');
      redirected('@noble/hashes/utils', 'utils.js', 'folio.js');
      if (file === 'verify.test.js') redirected('@noble/hashes/sha2', 'sha2.js', 'verify.js');
      t.diagnostic(`${file}: ${pass} tests passed`);
    }
  } finally {
    fs.rmSync(path.dirname(trace), { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ BIP-39 / BIP-32

const ABOUT = 'abandon '.repeat(11) + 'about';
const expectError = (f, code, message) => assert.throws(f, (e) => {
  assert.ok(e instanceof bip39.MnemonicError, `${e}`);
  assert.equal(e.code, code);
  assert.equal(e.message, message);
  return true;
});

test('BIP-39: Trezor vectors (passphrase TREZOR): entropy and seed', () => {
  // As in tests/unit/cli/mnemonic_tests.cpp (from trezor/python-mnemonic vectors.json).
  const vs = [
    ['00000000000000000000000000000000', ABOUT,
      'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04'],
    ['ffffffffffffffffffffffffffffffff', 'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong',
      'ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069'],
    ['9e885d952ad362caeb4efe34a8e91bd2', 'ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic',
      '274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d4c9c9f9aca3fb217069a41028'],
    ['7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f',
      'legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will',
      'f2b94508732bcbacbcc020faefecfc89feafa6649a5491b8c952cede496c214a0c7b3c392d168748f2d4a612bada0753b52a1c7ac53c1e93abd5c6320b9e95dd'],
    ['6610b25967cdcca9d59875f5cb50b0ea75433311869e930b',
      'gravity machine north sort system female filter attitude volume fold club stay feature office ecology stable narrow fog',
      '628c3827a8823298ee685db84f55caa34b5cc195a778e52d45f59bcf75aba68e4d7590e101dc414bc1bbd5737666fbbef35d1f1903953b66624f910feef245ac'],
    ['0000000000000000000000000000000000000000000000000000000000000000', 'abandon '.repeat(23) + 'art',
      'bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8'],
    ['68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c',
      'hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length',
      '64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440'],
    ['ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'zoo '.repeat(23) + 'vote',
      'dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad'],
  ];
  for (const [entropy, words, seed] of vs) {
    assert.equal(hex(bip39.mnemonicToEntropy(words)), entropy, words);
    assert.equal(hex(bip39.mnemonicToSeed(words, 'TREZOR')), seed, words);
  }
  // The empty passphrase; node's PBKDF2 on the same sentence.
  assert.equal(hex(bip39.mnemonicToSeed(ABOUT)),
    '5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4');
  assert.equal(hex(bip39.mnemonicToSeed(ABOUT, 'TREZOR')), crypto.pbkdf2Sync(ABOUT, 'mnemonicTREZOR', 2048, 64, 'sha512').toString('hex'));
});

test('BIP-39: input whitespace and case are normalised to the canonical sentence; the passphrase is not', () => {
  const messy = '  ABANDON abandon\tabandon  abandon\nabandon abandon abandon abandon abandon abandon Abandon about \n';
  assert.equal(hex(bip39.mnemonicToSeed(messy, 'TREZOR')), hex(bip39.mnemonicToSeed(ABOUT, 'TREZOR')));
  // NFKD: a no-break space between words is a space.
  assert.equal(hex(bip39.mnemonicToSeed(ABOUT.replace(' ', '\u00a0'), 'TREZOR')), hex(bip39.mnemonicToSeed(ABOUT, 'TREZOR')));
  assert.notEqual(hex(bip39.mnemonicToSeed(ABOUT, 'trezor')), hex(bip39.mnemonicToSeed(ABOUT, 'TREZOR')));
});

test('BIP-32: test vectors 1 and 3 (hardened steps), refusals', () => {
  const m = bip39.bip32Master(hexToBytes('000102030405060708090a0b0c0d0e0f'));
  assert.equal(hex(m.key), 'e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35');
  assert.equal(hex(m.chainCode), '873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508');
  const c = bip39.bip32DeriveHardened(m, 0x80000000);
  assert.equal(hex(c.key), 'edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea');
  assert.equal(hex(c.chainCode), '47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141');
  const tv3 = hexToBytes('4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be');
  const m3 = bip39.bip32DerivePath(tv3, []);
  assert.equal(hex(m3.key), '00ddb80b067e0d4993197fe10f2657a844a384589847602d56f0c629c81aae32');
  assert.equal(hex(m3.chainCode), '01d28a3e53cffa419ec122c968b3259e16b65076495494d97cae10bbfec3c36f');
  const c3 = bip39.bip32DerivePath(tv3, [0x80000000]);
  assert.equal(hex(c3.key), '491f7a2eebc7b57028e0d3faa0acda02e75c33b03c48fb288c41e2ea44e1daef');
  assert.equal(hex(c3.chainCode), 'e5fea12a97b927fc9dc3d2cb0d1ea1cf50aa5a1fdc1f933e8906bb38df3377bd');
  expectError(() => bip39.bip32DeriveHardened(m, 1), 'INVALID_DERIVED_KEY', 'only hardened BIP-32 derivation is supported');
  expectError(() => bip39.bip32Master(new Uint8Array(15)), 'BAD_SEED_LENGTH', 'a BIP-32 seed has 16 to 64 bytes, got 15');
  expectError(() => bip39.bip32Master(new Uint8Array(65)), 'BAD_SEED_LENGTH', 'a BIP-32 seed has 16 to 64 bytes, got 65');
  assert.equal(bip39.FOLIO_ACCOUNT_PATH_TEXT, "m/44'/8800'/0'/0'/0'");
  assert.deepEqual(bip39.FOLIO_ACCOUNT_PATH, [0x8000002c, 0x80002260, 0x80000000, 0x80000000, 0x80000000]);
});

test('account key m/44\'/8800\'/0\'/0\'/0\': the CLI test\'s golden values (key and address)', () => {
  const cases = [
    [ABOUT, '', 'fb34fbf4b4185d8fdb26de96cf8ccc59ebb3b87740f994b226e411826902f7f4', 'f60f33147d90a30fd769fa31151e5eb5aafa7c282abc46d019d8af7acd1ade8a'],
    [ABOUT, 'TREZOR', '05918627c35e0311d6cb99a7397e8feec788b906813f0b819464cf6960d4c290', '3cd8b1cc850bba0ea8c16b207a6e61353325ec96a5e3d09a19640f00f5d8bfa3'],
    ['legal winner thank year wave sausage worth useful legal winner thank yellow', '',
      'e0589b0d57d795713b16c05c3057c61f97d650305c5ab4d2ed66b94193998f72', '423833e93e1e5ec6ca5d071de92005ffc6172f8766089c96900b45538e40372a'],
  ];
  for (const [words, pass, key, address] of cases) {
    const sk = bip39.accountKeyFromMnemonic(words, pass);
    assert.ok(sk instanceof Uint8Array && sk.length === 32);
    assert.equal(hex(sk), key);
    assert.equal(hex(schnorr.getPublicKey(sk)), address);
    assert.equal(folio.publicKeyOf(sk), address);
  }
});

test('BIP-39: errors name the problem (count, unknown word with a suggestion, checksum, non-ASCII passphrase)', () => {
  const count = (n) => `a mnemonic has 12, 15, 18, 21 or 24 words, got ${n}`;
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(10) + 'about'), 'WRONG_WORD_COUNT', count(11));
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(12) + 'about'), 'WRONG_WORD_COUNT', count(13));
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(24) + 'about'), 'WRONG_WORD_COUNT', count(25));
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(26) + 'about'), 'WRONG_WORD_COUNT', count(27));
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(8) + 'about'), 'WRONG_WORD_COUNT', count(9));
  expectError(() => bip39.accountKeyFromMnemonic('   '), 'WRONG_WORD_COUNT', count(0));
  const unknown = (w, pos, guess) => `unknown word '${w}' (word ${pos}) is not in the BIP-39 English list` + (guess ? `; did you mean '${guess}'?` : '');
  const with3 = (w) => ['abandon', 'abandon', w, ...Array(8).fill('abandon'), 'about'].join(' ');
  expectError(() => bip39.accountKeyFromMnemonic(with3('abandom')), 'UNKNOWN_WORD', unknown('abandom', 3, 'abandon'));
  expectError(() => bip39.accountKeyFromMnemonic(with3('aban')), 'UNKNOWN_WORD', unknown('aban', 3, 'abandon'));  // 4-letter prefix
  expectError(() => bip39.accountKeyFromMnemonic(with3('zooo')), 'UNKNOWN_WORD', unknown('zooo', 3, 'zoo'));    // edit distance 1
  expectError(() => bip39.accountKeyFromMnemonic(with3('cta')), 'UNKNOWN_WORD', unknown('cta', 3, 'cat'));      // adjacent swap
  expectError(() => bip39.accountKeyFromMnemonic(with3('lunhc')), 'UNKNOWN_WORD', unknown('lunhc', 3, 'lunch'));
  expectError(() => bip39.accountKeyFromMnemonic(with3('qqqqqq')), 'UNKNOWN_WORD', unknown('qqqqqq', 3, null));  // nothing near
  expectError(() => bip39.accountKeyFromMnemonic(with3('qqq')), 'UNKNOWN_WORD', unknown('qqq', 3, null));  // nearest at distance 3
  // Non-ASCII in the mnemonic: not a list word (NFKD-decomposed), with the nearest list word.
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(11) + 'abéut'), 'UNKNOWN_WORD',
    unknown('abéut'.normalize('NFKD'), 12, 'about'));
  assert.equal(bip39.suggestWord('ABANDOM'), 'abandon');
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(11) + 'abandon'), 'BAD_CHECKSUM',
    'mnemonic checksum mismatch: a word is wrong or the words are out of order');
  expectError(() => bip39.accountKeyFromMnemonic('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong zoo'), 'BAD_CHECKSUM',
    'mnemonic checksum mismatch: a word is wrong or the words are out of order');
  expectError(() => bip39.accountKeyFromMnemonic('abandon '.repeat(11) + 'zoo'), 'BAD_CHECKSUM',
    'mnemonic checksum mismatch: a word is wrong or the words are out of order');
  expectError(() => bip39.accountKeyFromMnemonic(ABOUT, 'päss'), 'NON_ASCII',
    'the BIP-39 passphrase must be ASCII (Unicode normalisation is not supported)');
  // A passphrase whose NFKD form is ASCII (fullwidth letters) is the ASCII passphrase, as BIP-39 says.
  assert.equal(hex(bip39.accountKeyFromMnemonic(ABOUT, 'ＴＲＥＺＯＲ')), '05918627c35e0311d6cb99a7397e8feec788b906813f0b819464cf6960d4c290');
});

test('the wordlist module is scripts/gen-explorer-wordlist\'s output for cli/bip39_english.txt', () => {
  const gen = spawnSync(path.join(ROOT, 'scripts/gen-explorer-wordlist'), [], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(gen.status, 0, `scripts/gen-explorer-wordlist failed: ${gen.stderr}`);
  const committed = fs.readFileSync(path.join(ROOT, 'node/explorer/assets/lib/bip39_english.js'), 'utf8');
  assert.ok(gen.stdout === committed, 'node/explorer/assets/lib/bip39_english.js differs from the generator output: run scripts/gen-explorer-wordlist --write');
  const again = spawnSync(path.join(ROOT, 'scripts/gen-explorer-wordlist'), [], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(again.stdout, gen.stdout, 'the generator output is not reproducible');
  const txt = fs.readFileSync(path.join(ROOT, 'cli/bip39_english.txt'), 'utf8').trim().split('\n');
  assert.equal(ENGLISH_WORDS.length, 2048);
  assert.deepEqual([...ENGLISH_WORDS], txt);
  assert.ok(Object.isFrozen(ENGLISH_WORDS));
});
