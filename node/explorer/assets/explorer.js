// The Folio explorer: a read-only view of this node's ledger over its JSON-RPC (same origin,
// POST /). Served by foliod at /explorer/ (node/explorer). No build step, no dependencies.
// Routes (location.hash): #/ chain status and recent blocks; #/works; #/work/ID (owners,
// certificate checked in the page, licences with a territory map, NFT collection and sales);
// #/nfts (every collection and the recent sales); #/auctions; #/auction/ID; #/verify (a
// certificate against a file and a genesis, offline); #/account (login, settlement flow).
// Elements the browser test reads carry data-test attributes (tests/e2e/explorer.sh).

import { rpc, rpcMaybe, session, esc, main, time, short, addr, pct, status, table, card } from './ui.js';
import { pageAccount } from './account.js';
import { pageVerify, verifyCertificateHtml } from './verify.js';
import { minorUnits, formatMinor } from './charts.js';

// ---------------------------------------------------------------- the territory map

// A tile grid of countries, roughly where they lie (24 columns); other covered countries are listed under it.
const TILES = {
  IS: [0, 8], NO: [0, 11], SE: [0, 12], FI: [0, 13],
  CA: [1, 2], GB: [1, 9], DK: [1, 11], EE: [1, 13], RU: [1, 15],
  US: [2, 2], IE: [2, 8], NL: [2, 10], DE: [2, 11], PL: [2, 12], LT: [2, 13], KZ: [2, 16], MN: [2, 18], JP: [2, 22],
  MX: [3, 2], PT: [3, 8], ES: [3, 9], FR: [3, 10], CH: [3, 11], AT: [3, 12], UA: [3, 13], TR: [3, 14], CN: [3, 18], KR: [3, 21],
  CU: [4, 3], IT: [4, 11], GR: [4, 12], IL: [4, 14], IR: [4, 15], PK: [4, 16], IN: [4, 17], BD: [4, 18], TW: [4, 21],
  GT: [5, 2], CO: [5, 4], VE: [5, 5], MA: [5, 9], DZ: [5, 10], EG: [5, 12], SA: [5, 14], AE: [5, 15], TH: [5, 18], VN: [5, 19], PH: [5, 21],
  EC: [6, 3], PE: [6, 4], BR: [6, 5], SN: [6, 8], NG: [6, 10], ET: [6, 13], KE: [6, 14], MY: [6, 18], SG: [6, 19], ID: [6, 20],
  BO: [7, 4], PY: [7, 5], UY: [7, 6], GH: [7, 9], CD: [7, 11], TZ: [7, 13], AU: [7, 20],
  CL: [8, 3], AR: [8, 4], ZA: [8, 11], MZ: [8, 13], MG: [8, 14], NZ: [8, 22],
};
// The countries a set of active licences covers: {covered:Set, excluded:Set, worldwide:bool}.
export function coverage(licences) {
  const covered = new Set(), excluded = new Set();
  let worldwide = false;
  for (const l of licences) {
    if (l.status !== 'active') continue;
    const t = l.terms || {};
    if ((t.territories || []).includes('WW')) {
      worldwide = true;
      (t.excluded || []).forEach((c) => excluded.add(c));
    } else (t.territories || []).forEach((c) => covered.add(c));
  }
  if (worldwide) for (const c of [...excluded]) if (covered.has(c)) excluded.delete(c);
  return { covered, excluded, worldwide };
}
function tileMap(licences) {
  const { covered, excluded, worldwide } = coverage(licences);
  const on = (c) => covered.has(c) || (worldwide && !excluded.has(c));
  const cells = Object.entries(TILES).map(([c, [r, col]]) =>
    `<div class="tile${on(c) ? ' on' : excluded.has(c) ? ' excl' : ''}" style="grid-row:${r + 1};grid-column:${col + 1}" title="${c}" data-country="${c}">${c}</div>`);
  const extra = [...covered].filter((c) => !TILES[c]).sort();
  const summary = worldwide ? `worldwide${excluded.size ? ' except ' + [...excluded].sort().join(', ') : ''}`
                            : covered.size ? [...covered].sort().join(', ') : 'no active licence';
  return `<div class="tilemap" data-test="territory-map">${cells.join('')}</div>
    <p class="legend">Active licences cover: <span data-test="covered">${esc(summary)}</span>${extra.length ? ` (also ${esc(extra.join(', '))}, not on the map)` : ''}.</p>`;
}

// ---------------------------------------------------------------- pages

async function pageChain() {
  const info = await rpc('chain_info');
  const height = Number(info.height);
  const blocks = [];
  for (let h = height; h >= 1 && h > height - 10; h--) {
    const b = await rpcMaybe('chain_getBlock', { height: h }).catch(() => null);
    if (b) blocks.push(b.header);
  }
  main().innerHTML = `<h1>Chain <span class="mono">${esc(info.chain_id)}</span></h1>
    <div class="cards">
      ${card('Height', esc(height), 'height')}
      ${card('Validators', esc((info.validators || []).length), 'validators')}
      ${card('Validator epoch', esc(info.validator_epoch ?? 0), 'epoch')}
      ${card('State root', `<span class="mono">${esc(short(info.state_root))}</span>`, 'state-root')}
    </div>
    <h2>Recent blocks</h2>
    ${table(['Height', 'Time (UTC)', { label: 'Transactions', num: true }, 'Proposer', 'Hash'],
      blocks.map((h) => [esc(h.height), esc(time(h.time_ms)), esc(h.tx_count), addr(h.proposer), `<span class="mono">${esc(short(h.hash))}</span>`]),
      'blocks')}
    <h2>Validators</h2>
    ${table(['#', 'Key'], (info.validators || []).map((v, i) => [esc(i), addr(typeof v === 'string' ? v : v.key || v.address)]), 'validator-list')}`;
}

async function listWorks(limit = 50) {
  const works = [];
  for (let id = 1; id <= limit; id++) {
    const w = await rpcMaybe('work_get', { id });
    if (!w) break;
    works.push(w);
  }
  return works;
}

async function pageWorks() {
  const works = await listWorks();
  main().innerHTML = `<h1>Works</h1>${table(['Id', 'Title', 'Kind', { label: 'Owners', num: true }, 'Registered (UTC)'],
    works.map((w) => [`<a href="#/work/${w.id}">${esc(w.id)}</a>`, esc(w.title), esc(w.kind), esc(w.owners.length), esc(time(w.time_ms))]), 'works')}`;
}

async function pageWork(id) {
  const w = await rpcMaybe('work_get', { id: Number(id) });
  if (!w) { main().innerHTML = `<p class="error">No work ${esc(id)}.</p>`; return; }
  const lic = (await rpcMaybe('licence_list', { work: w.id })) || { licences: [] };
  const coll = await rpcMaybe('nft_collection', { work: w.id }).catch(() => null);
  const sales = coll ? await salesOf(w.id) : [];
  const ids = Object.entries(w.industry_ids || {}).filter(([, v]) => v).map(([k, v]) => `${k.toUpperCase()} ${v}`).join(', ');
  main().innerHTML = `<h1 data-test="work-title">${esc(w.title)}</h1>
    <div class="cards">
      ${card('Work', esc(w.id), 'work-id')}
      ${card('Kind', esc(w.kind), 'work-kind')}
      ${card('Registered at height', esc(w.height), 'work-height')}
      ${card('Licences', esc(lic.licences.length), 'licence-count')}
    </div>
    <p>Fingerprint (SHA-256) <span class="mono" data-test="fingerprint">${esc(w.fingerprint)}</span>${ids ? `<br>Identifiers ${esc(ids)}` : ''}<br>
       Registered by ${addr(w.registrant)} at ${esc(time(w.time_ms))}</p>
    <p><button id="cert" data-test="certificate-button">Download certificate</button> <span id="cert-status" class="muted"></span></p>
    <h2>Owners</h2>
    ${table(['Owner', { label: 'Share', num: true }], w.owners.map((o) => [addr(o.address), `<span data-test="share">${esc(pct(o.bps))}</span>`]), 'owners')}
    <h2>Licences</h2>
    ${tileMap(lic.licences)}
    ${table(['Id', 'Licensee', 'Territories', 'Rights', 'From', 'Until', 'Status'],
      lic.licences.map((l) => [esc(l.id), addr(l.licensee), esc((l.terms.territories || []).join(', ') + ((l.terms.excluded || []).length ? ' except ' + l.terms.excluded.join(', ') : '')),
        esc((l.terms.rights || []).join(', ')), esc(time(l.terms.start_ms)), esc(time(l.terms.end_ms)), status(l.status)]), 'licences')}
    <h2>NFT editions</h2>
    ${coll ? collectionHtml(coll) : '<p class="muted">No collection.</p>'}
    ${coll ? `<h2>NFT sales</h2>${salesTable(sales, false)}` : ''}`;
  document.getElementById('cert').addEventListener('click', () => downloadCertificate(w.id));
}

function collectionHtml(coll) {
  const c = coll.collection || coll;
  const tokens = coll.tokens || [];
  return `<p>Editions minted <span data-test="minted">${esc(c.minted ?? tokens.length)}</span> of a cap of ${esc(c.cap ?? c.editions ?? '-')}, royalty ${esc(pct(c.royalty_bps || 0))} on every sale.</p>
    ${table(['Token', 'Edition', 'Holder', 'Listed for'], tokens.map((t) => [esc(t.id), esc(t.edition), addr(t.owner), t.listed ? esc(`${t.price} ${t.currency}`) : '-']), 'tokens')}`;
}

// A work's sales (nft_sales), oldest first, every page.
async function salesOf(work) {
  const out = [];
  for (let from = 0; ;) {
    const page = await rpc('nft_sales', { work, from, limit: 1000 });
    out.push(...page.sales);
    if (page.next >= page.count || !page.sales.length) return out;
    from = page.next;
  }
}

function salesTable(sales, withWork) {
  const head = [...(withWork ? ['Work'] : []), 'Sold (UTC)', 'Edition', 'Seller', 'Buyer', { label: 'Price', num: true }, { label: 'Royalty', num: true }, { label: 'Fee', num: true }];
  return table(head, sales.map((x) => [...(withWork ? [`<a href="#/work/${x.work}">${esc(x.title || x.work)}</a>`] : []), esc(time(x.time_ms)), esc(x.edition), addr(x.seller), addr(x.buyer),
    `<span data-test="sale-price">${esc(`${x.price} ${x.currency}`)}</span>`, esc(`${x.royalty} ${x.currency}`), esc(`${x.fee} ${x.currency}`)]), 'sales');
}

async function pageNfts() {
  const works = await listWorks();
  const rows = [], recent = [];
  for (const w of works) {
    const coll = await rpcMaybe('nft_collection', { work: w.id });
    if (!coll) continue;
    const sales = await salesOf(w.id);
    const volume = new Map();
    for (const x of sales) volume.set(x.currency, [...(volume.get(x.currency) || []), x.price]);
    const listed = (coll.tokens || []).filter((t) => t.listed);
    rows.push([`<a href="#/work/${w.id}">${esc(w.title)}</a>`, `<span data-test="collection-minted">${esc((coll.tokens || []).length)}</span> / ${esc(coll.cap)}`,
      esc(pct(coll.royalty_bps)), esc(listed.length), `<span data-test="collection-sales">${esc(sales.length)}</span>`,
      esc([...volume.entries()].map(([c, ps]) => `${sumAmounts(ps)} ${c}`).join(', ') || '-')]);
    recent.push(...sales.map((x) => ({ ...x, work: w.id, title: w.title })));
  }
  recent.sort((a, b) => b.height - a.height || b.index - a.index);
  main().innerHTML = `<h1>NFT collections</h1>
    ${table(['Work', { label: 'Minted / cap', num: true }, { label: 'Royalty', num: true }, { label: 'Listed', num: true }, { label: 'Sales', num: true }, { label: 'Volume', num: true }], rows, 'collections')}
    <h2>Recent sales</h2>
    ${salesTable(recent.slice(0, 20), true)}`;
}

// The exact sum of decimal amount strings of one currency.
function sumAmounts(list) {
  let exp = 0, total = 0n;
  for (const text of list) {
    const m = minorUnits(text);
    total += m.minor;
    exp = m.exp;
  }
  return formatMinor(total, exp);
}

async function downloadCertificate(id) {
  const out = document.getElementById('cert-status');
  try {
    const cert = await rpc('work_certificate', { id });
    const blob = new Blob([JSON.stringify(cert, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `work-${id}.cert.json`;
    a.textContent = a.download;
    out.innerHTML = `certificate at height ${esc(cert.height)}: `;
    out.appendChild(a);
    a.click();
    out.insertAdjacentHTML('beforeend', verifyCertificateHtml(cert));
  } catch (e) {
    out.innerHTML = `<span class="error">${esc(e.message)}</span>`;
  }
}

async function pageAuctions() {
  const rows = [];
  for (let id = 1; id <= 50; id++) {
    const a = await rpcMaybe('auction_get', { id });
    if (!a) break;
    rows.push(a);
  }
  main().innerHTML = `<h1>Auctions</h1>${table(['Id', 'Work', 'Kind', 'State', { label: 'Highest bid', num: true }, 'Ends (UTC)'],
    rows.map(({ auction: a, state: s }) => [`<a href="#/auction/${a.id}">${esc(a.id)}</a>`, `<a href="#/work/${a.work}">${esc(a.work)}</a>`, esc(a.kind),
      status(s.state), esc(`${s.highest_bid} ${s.currency}`), esc(time(s.end_ms))]), 'auctions')}`;
}

async function pageAuction(id) {
  const r = await rpcMaybe('auction_get', { id: Number(id) });
  if (!r) { main().innerHTML = `<p class="error">No auction ${esc(id)}.</p>`; return; }
  const { auction: a, state: s } = r;
  const t = a.licence_terms ? a.licence_terms.terms : null;
  main().innerHTML = `<h1>Auction ${esc(a.id)} of work <a href="#/work/${a.work}">${esc(a.work)}</a></h1>
    <div class="cards">
      ${card('Kind', esc(a.kind), 'auction-kind')}
      ${card('State', status(s.state), 'auction-state')}
      ${card('Highest bid', esc(`${s.highest_bid} ${s.currency}`), 'highest-bid')}
      ${card('Price', esc(`${s.price} ${s.currency}`), 'price')}
    </div>
    <p>Seller ${addr(a.seller)}; highest bidder ${addr(s.highest_bidder)}; winner ${addr(s.winner)}; ${esc(s.bids)} bid(s); ends ${esc(time(s.end_ms))}.</p>
    ${t ? `<h2>The licence sold</h2><p>${esc((t.territories || []).join(', '))}: ${esc((t.rights || []).join(', '))}${t.exclusive ? ', exclusive' : ''}, ${esc(time(t.start_ms))} to ${esc(time(t.end_ms))}</p>` : ''}`;
}

// ---------------------------------------------------------------- router

async function route() {
  const parts = (location.hash.replace(/^#\/?/, '') || '').split('/');
  try {
    if (parts[0] === 'works') await pageWorks();
    else if (parts[0] === 'work' && parts[1]) await pageWork(parts[1]);
    else if (parts[0] === 'auctions') await pageAuctions();
    else if (parts[0] === 'nfts') await pageNfts();
    else if (parts[0] === 'verify') await pageVerify();
    else if (parts[0] === 'account') await pageAccount();
    else if (parts[0] === 'auction' && parts[1]) await pageAuction(parts[1]);
    else await pageChain();
    document.body.dataset.ready = location.hash || '#/';
  } catch (e) {
    main().innerHTML = `<p class="error" data-test="error">${esc(e.message)}</p>`;
    document.body.dataset.ready = 'error';
  }
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', route);
  rpc('chain_info').then((i) => { document.getElementById('chain-badge').textContent = i.chain_id; }).catch(() => {});
  if (session()) document.getElementById('login-link').textContent = 'Account';
  route();
}
