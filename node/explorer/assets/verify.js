// Certificate checks in the page (docs/certificates.md), with the gateway SDK's own verifier
// (examples/gateway-client/src/certificate.js, served as sdk/certificate.js): #/verify takes a
// certificate, the work's file and a genesis.json from disk and checks them offline, in the
// browser; the work page checks the certificate it downloads against the validators this node
// names (an independent check needs your own genesis: #/verify). A verified certificate shows the
// work, the certified state and the registration (its block, time, transaction and registrant).
import { verifyWorkCertificate, fingerprintOf } from './sdk/certificate.js';
import { trustFromGenesis } from './sdk/verify.js';
import { esc, main, time, addr } from './ui.js';

// The verdict as HTML: "verified" with what was shown, or "refused" with the reason.
export function verdictHtml(r, against) {
  if (!r.ok) return `<span class="error" data-test="cert-verdict">refused</span>: <span data-test="cert-reason">${esc(r.reason)}</span>`;
  const w = r.work, g = r.registration;
  const set = (epoch) => (epoch === 0 ? 'the genesis set' : `the set of epoch ${epoch}`);
  return `<span class="status-confirmed" data-test="cert-verdict">verified</span>: work ${esc(w.id)} “${esc(w.title)}”
    (fingerprint <span class="mono">${esc(w.fingerprint.slice(0, 16))}…</span>) is in the state of block ${esc(r.height)},
    signed by <span data-test="cert-signers">${esc(r.signers)}</span> validator(s) of ${esc(set(r.epoch))}, ${esc(against)}.
    Owners: ${w.owners.map((o) => `${addr(o.owner)} ${(o.bps / 100).toFixed(2)} %`).join(', ')}.
    <br>Registered in block <span data-test="cert-reg-height">${esc(g.height)}</span>
    at <span data-test="cert-reg-time">${esc(time(g.time_ms))}</span>
    by <span data-test="cert-registrant">${addr(g.registrant)}</span>,
    transaction <span class="mono" data-test="cert-reg-tx" title="${esc(g.tx_hash)}">${esc(g.tx_hash)}</span>
    (its signature, its successful receipt and the block's ${esc(g.signers)} validator signature(s) of ${esc(set(g.epoch))} checked).`;
}

// The work page's check of a certificate the node just gave (its own genesis validators).
export function verifyCertificateHtml(cert) {
  const trust = { chainId: cert.chain_id, validators: cert.genesis_validators || [] };
  return ` <span data-test="cert-check">${verdictHtml(verifyWorkCertificate(cert, trust), 'checked in this page against the genesis validators this node names')}</span>`;
}

const readFile = (input) => new Promise((resolve, reject) => {
  const f = input.files && input.files[0];
  if (!f) return resolve(null);
  const r = new FileReader();
  r.onload = () => resolve(new Uint8Array(r.result));
  r.onerror = () => reject(new Error(`cannot read ${f.name}`));
  r.readAsArrayBuffer(f);
});
const parseJson = (bytes, what) => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${what} is not JSON: ${e.message}`);
  }
};

export async function pageVerify() {
  main().innerHTML = `<h1>Verify a work certificate</h1>
    <p>Checks, in this page and without trusting any node, that a file is registered on the chain
    with the owners its certificate names, and when and by whom it was registered: the file's
    SHA-256 is the work's fingerprint, the work's record is in the state of a block, and a quorum
    of the validators signed that block (through every validator-set change since genesis); the
    registering transaction, signed by the registrant, and its receipt are in the registration
    block, signed by the validators of its time; and every field a person reads in the certificate
    is what the signed data says. Nothing is uploaded. The same check as
    <code>folio work verify FILE --certificate CERT --genesis GENESIS</code>.</p>
    <form id="verify" data-test="verify-form">
      <label>Certificate (<code>work-N.cert.json</code>, from a work's page or <code>folio work certificate</code>)<br><input type="file" id="v-cert" accept=".json,application/json"></label><br>
      <label>The work's file (optional: without it only the certificate is checked)<br><input type="file" id="v-file"></label><br>
      <label>Your <code>genesis.json</code> (optional: without it, the validators the certificate names are trusted)<br><input type="file" id="v-genesis" accept=".json,application/json"></label><br>
      <button type="submit" data-test="verify-submit">Verify</button>
    </form>
    <p id="v-out" data-test="verify-result"></p>`;
  document.getElementById('verify').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = document.getElementById('v-out');
    out.textContent = 'checking…';
    try {
      const certBytes = await readFile(document.getElementById('v-cert'));
      if (!certBytes) throw new Error('choose a certificate file');
      const cert = parseJson(certBytes, 'the certificate');
      const file = await readFile(document.getElementById('v-file'));
      const genesis = await readFile(document.getElementById('v-genesis'));
      const trust = genesis ? trustFromGenesis(parseJson(genesis, 'genesis.json'))
                            : { chainId: cert.chain_id, validators: cert.genesis_validators || [] };
      const against = genesis ? 'checked against your genesis.json' : 'checked against the validators the certificate names (give your genesis.json for an independent check)';
      const r = verifyWorkCertificate(cert, trust, file ? fingerprintOf(file) : undefined);
      out.innerHTML = verdictHtml(r, file ? `${against}; the file matches` : `${against}; no file given`);
    } catch (e) {
      out.innerHTML = `<span class="error" data-test="cert-verdict">refused</span>: <span data-test="cert-reason">${esc(e.message)}</span>`;
    }
  });
}
