// The explorer's shared parts: the JSON-RPC client (same origin, POST /, with this tab's login
// token when there is one), addresses as bech32m text, and the HTML helpers every page uses.

// ---------------------------------------------------------------- RPC and the session

// The login session of this tab ({token, address, expires}: auth_login's answer), or null. Only the
// token is kept, in sessionStorage (gone with the tab); an expired one is dropped.
const SESSION_KEY = 'folio-explorer-session';
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (s && s.expires * 1000 > Date.now()) return s;
  } catch { /* unreadable: no session */ }
  return null;
}
export function setSession(s) {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: s.token, address: s.address, expires: s.expires }));
  else sessionStorage.removeItem(SESSION_KEY);
  const el = typeof document !== 'undefined' && document.getElementById('login-link');
  if (el) el.textContent = s ? 'Account' : 'Log in';
}

let nextId = 1;
export class RpcError extends Error {
  constructor(code, message, data) { super(message); this.code = code; this.data = data; }
}
export async function rpc(method, params = {}) {
  const headers = { 'content-type': 'application/json' };
  const s = session();
  if (s) headers.authorization = `Bearer ${s.token}`;
  const res = await fetch('/', {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new RpcError(body.error.code, body.error.message, body.error.data);
  return body.result;
}
// null for "not found" (-32001), the result otherwise.
export async function rpcMaybe(method, params) {
  try { return await rpc(method, params); } catch (e) { if (e.code === -32001) return null; throw e; }
}

// ---------------------------------------------------------------- addresses (bech32m, docs/formats.md)

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function polymod(values) {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i];
  }
  return chk >>> 0;
}
export function addressText(hex) {
  if (!/^[0-9a-f]{64}$/.test(hex || '')) return hex;
  const bytes = hex.match(/../g).map((h) => parseInt(h, 16));
  const data = [];
  let acc = 0, bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b; bits += 8;
    while (bits >= 5) { bits -= 5; data.push((acc >>> bits) & 31); }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const hrp = 'folio';
  const exp = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31));
  const pm = polymod(exp.concat(data, [0, 0, 0, 0, 0, 0])) ^ 0x2bc830a3;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (pm >>> (5 * (5 - i))) & 31);
  return hrp + '1' + data.concat(checksum).map((v) => CHARSET[v]).join('');
}

// ---------------------------------------------------------------- rendering helpers

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
export const main = () => document.getElementById('main');
export const time = (ms) => (ms ? new Date(Number(ms)).toISOString().replace('.000Z', 'Z') : '-');
export const short = (hex) => (hex && hex.length > 16 ? hex.slice(0, 10) + '…' + hex.slice(-6) : hex || '-');
export const addr = (hex) => (hex ? `<span class="mono" title="${esc(hex)}">${esc(addressText(hex))}</span>` : '-');
export const pct = (bps) => (Number(bps) / 100).toFixed(2) + ' %';
export const status = (s) => `<span class="status-${esc(s)}">${esc(s)}</span>`;
export function table(headers, rows, test) {
  const th = headers.map((h) => `<th${h.num ? ' class="num"' : ''}>${esc(h.label ?? h)}</th>`).join('');
  const body = rows.length ? rows.map((r) => `<tr>${r.map((c, i) => `<td${headers[i].num ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('')
                           : `<tr><td colspan="${headers.length}" class="muted">none</td></tr>`;
  return `<table${test ? ` data-test="${test}"` : ''}><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}
export const card = (label, value, test) => `<div class="card"><div class="label">${esc(label)}</div><div class="value" data-test="${test}">${value}</div></div>`;

