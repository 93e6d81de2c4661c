// The explorer's charts, drawn as inline SVG from payouts (payout_list). Amounts stay exact: the
// RPC's decimal strings become BigInt minor units for the sums, and only the drawing scales them.
import { esc, time } from './ui.js';

export const STATUSES = ['pending', 'confirmed', 'failed', 'expired'];
const COLOURS = { pending: '#a15c00', confirmed: '#1f7a3a', failed: '#a12424', expired: '#8a93a3' };
const LINE_COLOURS = ['#2450a6', '#1f7a3a', '#a15c00', '#7b3fa1', '#a12424', '#0e7c86'];

// "1234.50" → {minor: 123450n, exp: 2}; "-3" → {minor: -3n, exp: 0}.
export function minorUnits(text) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text));
  if (!m) throw new Error(`not an amount: ${text}`);
  const frac = m[3] || '';
  const v = BigInt(m[2] + frac);
  return { minor: m[1] ? -v : v, exp: frac.length };
}
// The inverse: 123450n, 2 → "1234.50".
export function formatMinor(minor, exp) {
  const neg = minor < 0n;
  let s = (neg ? -minor : minor).toString();
  if (exp > 0) {
    s = s.padStart(exp + 1, '0');
    s = `${s.slice(0, -exp)}.${s.slice(-exp)}`;
  }
  return (neg ? '-' : '') + s;
}

// Per status: the count, and the sum per currency (exact), of `payouts`.
export function byStatus(payouts) {
  const out = Object.fromEntries(STATUSES.map((s) => [s, { count: 0, sums: new Map() }]));
  for (const p of payouts) {
    const row = out[p.status] || (out[p.status] = { count: 0, sums: new Map() });
    row.count++;
    const { minor, exp } = minorUnits(p.amount);
    const cur = row.sums.get(p.currency) || { minor: 0n, exp };
    row.sums.set(p.currency, { minor: cur.minor + minor, exp });
  }
  return out;
}

// A horizontal bar per status, its length the number of payouts, labelled with the count and the
// amounts per currency.
export function statusBars(payouts) {
  const rows = byStatus(payouts);
  const names = Object.keys(rows);
  const max = Math.max(1, ...names.map((s) => rows[s].count));
  const W = 640, barW = 300, rowH = 30, left = 90;
  const bars = names.map((s, i) => {
    const r = rows[s];
    const w = Math.round((barW * r.count) / max);
    const sums = [...r.sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, v]) => `${formatMinor(v.minor, v.exp)} ${c}`).join(', ');
    const y = i * rowH;
    return `<g data-status="${esc(s)}">
      <text x="${left - 8}" y="${y + 19}" text-anchor="end" class="axis">${esc(s)}</text>
      <rect x="${left}" y="${y + 6}" width="${Math.max(w, r.count ? 2 : 0)}" height="18" fill="${COLOURS[s] || '#6b7280'}"></rect>
      <text x="${left + Math.max(w, 2) + 8}" y="${y + 19}" class="value"><tspan data-test="bar-count-${esc(s)}">${r.count}</tspan>${sums ? ` · <tspan data-test="bar-sum-${esc(s)}">${esc(sums)}</tspan>` : ''}</text>
    </g>`;
  });
  return `<svg class="chart" data-test="status-chart" viewBox="0 0 ${W} ${names.length * rowH + 6}" width="${W}" role="img"
    aria-label="payouts by status">${bars.join('')}</svg>`;
}

// Per currency, the running total of `payouts` by the time each was made: [{currency, exp,
// points: [{t, total}], total}], currencies in order.
export function cumulative(payouts) {
  const per = new Map();
  for (const p of [...payouts].sort((a, b) => a.created_ms - b.created_ms || a.id - b.id)) {
    const { minor, exp } = minorUnits(p.amount);
    const s = per.get(p.currency) || { currency: p.currency, exp, points: [], total: 0n };
    s.total += minor;
    s.points.push({ t: Number(p.created_ms), total: s.total });
    per.set(p.currency, s);
  }
  return [...per.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

// One step line per currency (each on its own scale: currencies are not comparable without a
// rate), time on the x axis, with the final total in the legend.
export function cumulativeChart(payouts) {
  const series = cumulative(payouts);
  if (!series.length) return '<p class="muted" data-test="revenue-chart">No revenue settled yet.</p>';
  const all = series.flatMap((s) => s.points.map((p) => p.t));
  const t0 = Math.min(...all), t1 = Math.max(...all, t0 + 1);
  const W = 640, H = 70, gap = 34, left = 70, right = 170;
  const x = (t) => left + ((W - left - right) * (t - t0)) / (t1 - t0);
  const blocks = series.map((s, i) => {
    const top = i * (H + gap) + 8;
    const max = s.total > 0n ? s.total : 1n;
    // Scale exactly in BigInt, to 1/1000 of the height, then to pixels.
    const y = (v) => top + H - (H * Number((v * 1000n) / max)) / 1000;
    let d = `M ${x(t0).toFixed(1)} ${y(0n).toFixed(1)}`;
    for (const p of s.points) d += ` H ${x(p.t).toFixed(1)} V ${y(p.total).toFixed(1)}`;
    d += ` H ${x(t1).toFixed(1)}`;
    const colour = LINE_COLOURS[i % LINE_COLOURS.length];
    const total = formatMinor(s.total, s.exp);
    return `<g data-currency="${esc(s.currency)}">
      <line x1="${left}" y1="${top + H}" x2="${W - right}" y2="${top + H}" class="grid"></line>
      <text x="${left - 8}" y="${top + 10}" text-anchor="end" class="axis">${esc(total)}</text>
      <text x="${left - 8}" y="${top + H}" text-anchor="end" class="axis">0</text>
      <path d="${d}" fill="none" stroke="${colour}" stroke-width="2"></path>
      ${s.points.map((p) => `<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.total).toFixed(1)}" r="3" fill="${colour}"><title>${esc(time(p.t))}: ${esc(formatMinor(p.total, s.exp))} ${esc(s.currency)}</title></circle>`).join('')}
      <text x="${W - right + 12}" y="${top + H / 2 + 5}" class="value" fill="${colour}"><tspan data-test="revenue-${esc(s.currency)}">${esc(total)}</tspan> ${esc(s.currency)}</text>
    </g>`;
  });
  const h = series.length * (H + gap);
  return `<svg class="chart" data-test="revenue-chart" viewBox="0 0 ${W} ${h}" width="${W}" role="img" aria-label="revenue by currency over time">
    ${blocks.join('')}
    <text x="${left}" y="${h - 8}" class="axis">${esc(time(t0))}</text>
    <text x="${W - right}" y="${h - 8}" text-anchor="end" class="axis">${esc(time(t1))}</text>
  </svg>`;
}
