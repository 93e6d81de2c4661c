// The explorer's login and an account's settlement flow (#/account), docs/explorer.md.
// Login: the key (64-hex secret key, or the BIP-39 mnemonic `folio keys add` printed, with its
// optional passphrase) is turned into the account key in this page, signs the node's challenge
// (auth_challenge → AuthMessage, BIP-340 → auth_login, docs/rpc-protocol.md §5) and is wiped; only
// the bearer token (1 hour) is kept, in this tab's sessionStorage. Nothing secret is sent or stored.
// The flow: balances, payouts by status, settled revenue by currency over time (SVG charts) and
// the payouts themselves, all from the RPC with that token.
import { accountKeyFromMnemonic } from './lib/bip39.js';
import { hexToBytes } from './lib/utils.js';
import { signAuth, publicKeyOf } from './sdk/folio.js';
import { rpc, session, setSession, esc, addr, time, table, card, status, main } from './ui.js';
import { statusBars, cumulativeChart } from './charts.js';

// The account secret key of what the user typed: 64 hex digits, or a mnemonic.
export function keyFromInput(text, passphrase) {
  const t = text.trim();
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(t)) return hexToBytes(t.replace(/^0x/, '').toLowerCase());
  if (/^[0-9a-fA-F]+$/.test(t)) throw new Error(`a secret key has 64 hex digits, this has ${t.length}`);
  return accountKeyFromMnemonic(t, passphrase);
}

// Signs the node's challenge with `secretKey` and logs in; returns {token, address, expires}.
export async function login(secretKey) {
  const address = publicKeyOf(secretKey);
  const ch = await rpc('auth_challenge');
  const signature = signAuth(secretKey, ch.chain_id, ch.nonce);
  const res = await rpc('auth_login', { address, nonce: ch.nonce, signature });
  return { token: res.token, address: res.address, expires: res.expires };
}

function loginForm(message) {
  main().innerHTML = `<h1>Log in</h1>
    <p>See an account's settlement flow: its balances, payouts and revenue. The key is used in this
    page to sign the node's login challenge and is then wiped; only the session's token (valid for
    an hour) is kept, in this tab.</p>
    <form id="login" autocomplete="off" data-test="login-form">
      <label>Secret key (64 hex digits) or mnemonic<br>
        <textarea id="login-key" rows="3" cols="80" spellcheck="false" autocomplete="off" data-test="login-key"></textarea></label><br>
      <label>Mnemonic passphrase (if you set one)<br><input id="login-pass" type="password" size="40" autocomplete="off"></label><br>
      <button type="submit" data-test="login-submit">Log in</button>
      <span id="login-status" class="${message ? 'error' : 'muted'}" data-test="login-status">${esc(message || '')}</span>
    </form>`;
  document.getElementById('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const keyEl = document.getElementById('login-key'), passEl = document.getElementById('login-pass');
    const out = document.getElementById('login-status');
    out.className = 'muted';
    out.textContent = 'signing the challenge…';
    let sk = null;
    try {
      sk = keyFromInput(keyEl.value, passEl.value);
      keyEl.value = '';
      passEl.value = '';
      setSession(await login(sk));
      await pageAccount();
    } catch (e) {
      out.className = 'error';
      out.textContent = e.message;
    } finally {
      if (sk) sk.fill(0);
    }
  });
}

// The payouts of `address` as payee, all statuses.
async function payoutsOf(address) {
  return (await rpc('payout_list', { payee: address })).payouts;
}

export async function pageAccount() {
  const s = session();
  if (!s) return loginForm();
  let acct, bal, payouts;
  try {
    [acct, bal, payouts] = await Promise.all([
      rpc('account_get', { address: s.address }),
      rpc('balance_get', { address: s.address }),
      payoutsOf(s.address),
    ]);
  } catch (e) {
    if (e.code === -32010) {  // the token expired or the node restarted: log in again
      setSession(null);
      return loginForm(`your session ended (${e.message}); log in again`);
    }
    throw e;
  }
  // Every address reads as an account; one the ledger never touched has no role, KYC, nonce or money.
  const known = (acct.roles || []).length > 0 || acct.kyc !== 'none' || Number(acct.next_nonce) > 0 || bal.balances.length > 0;
  const counts = {};
  for (const p of payouts) counts[p.status] = (counts[p.status] || 0) + 1;
  main().innerHTML = `<h1>Account ${addr(s.address)}</h1>
    <p data-test="account-address" hidden>${esc(s.address)}</p>
    <p>${known ? `Roles ${esc((acct.roles || []).join(', ') || 'none')}; KYC ${esc(acct.kyc)}; resident in ${esc(acct.residency || '-')}${acct.frozen ? '; <span class="error">frozen</span>' : ''}.`
               : '<span class="error" data-test="unknown-account">This key has no account on this chain: no role, no KYC, no transaction, no money. Is it the right key?</span>'}
       Logged in until ${esc(time(s.expires * 1000))}. <button id="logout" data-test="logout">Log out</button></p>
    <div class="cards">
      ${card('Payouts', esc(payouts.length), 'payout-count')}
      ${card('Pending', esc(counts.pending || 0), 'count-pending')}
      ${card('Confirmed', esc(counts.confirmed || 0), 'count-confirmed')}
      ${card('Failed or expired', esc((counts.failed || 0) + (counts.expired || 0)), 'count-ended')}
    </div>
    <h2>Balances</h2>
    ${table([{ label: 'Amount', num: true }, 'Currency'], bal.balances.map((m) => [`<span data-test="balance-${esc(m.currency)}">${esc(m.amount)}</span>`, esc(m.currency)]), 'balances')}
    ${bal.payout_prefs ? `<p class="muted">Payouts in ${esc(bal.payout_prefs.currency)} through ${addr(bal.payout_prefs.gateway)}, from ${esc(bal.payout_prefs.threshold)}.</p>` : ''}
    <h2>Payouts by status</h2>
    ${statusBars(payouts)}
    <h2>Revenue settled, by currency over time</h2>
    <p class="muted">Each payout instruction to this account, by the currency it was earned in, added up over the time it was made (failed and expired payouts return to the balance and are not counted).</p>
    ${cumulativeChart(payouts.filter((p) => p.status === 'pending' || p.status === 'confirmed'))}
    <h2>Payouts</h2>
    ${table(['Id', 'Made (UTC)', { label: 'Amount', num: true }, { label: 'Paid as', num: true }, 'Status', 'Gateway', 'Note'],
      payouts.slice().sort((a, b) => b.id - a.id).map((p) => [esc(p.id), esc(time(p.created_ms)), esc(`${p.amount} ${p.currency}`),
        esc(`${p.target_amount} ${p.target_currency}`), status(p.status), addr(p.gateway), esc(p.note)]), 'payouts')}`;
  document.getElementById('logout').addEventListener('click', () => { setSession(null); loginForm(); });
}
