// Charts drawn as inline SVG (no chart library): a column chart for counts per day or month,
// and horizontal bars for application counts. Each chart carries a text summary and its data
// as a table, so it reads without sight of the picture.
import { html, raw, escape } from "../lib/html.js";

const W = 640;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 36, left: 44 };

const TICKS = 4;

/** A round step for TICKS grid lines up to at least `v` (whole numbers when `integer`). */
function niceStep(v, integer) {
  const rough = v > 0 ? v / TICKS : 1;
  const p = 10 ** Math.floor(Math.log10(rough));
  let step = 10 * p;
  for (const m of [1, 2, 2.5, 5]) {
    if (m * p >= rough) {
      step = m * p;
      break;
    }
  }
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

/**
 * points: [{label, value}], in order. `format(v)` writes a value (axis, tooltips, table);
 * `integer` keeps the axis on whole numbers; `summary` is "total" or "average" (for rates).
 * `title` names the chart for assistive technology.
 */
export function columnChart({ title, points, format = (v) => String(v), unit = "", integer = false,
  summary = "total" }) {
  if (!points.length) return html`<p class="muted">No data in this range.</p>`;
  const step = niceStep(Math.max(...points.map((p) => p.value)), integer);
  const max = step * TICKS;
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const slot = iw / points.length;
  const bw = Math.max(1, Math.min(36, slot * 0.7));
  let svg = "";
  for (let i = 0; i <= TICKS; i++) { // grid and y labels
    const y = PAD.top + ih - (ih * i) / TICKS;
    svg += `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="grid"/>`;
    svg += `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" class="axis">${escape(format(step * i))}</text>`;
  }
  const every = Math.ceil(points.length / 8); // at most ~8 x labels
  points.forEach((p, i) => {
    const h = (ih * p.value) / max;
    const x = PAD.left + slot * i + (slot - bw) / 2;
    const y = PAD.top + ih - h;
    svg += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" class="bar"><title>${escape(p.label)}: ${escape(format(p.value))}${escape(unit)}</title></rect>`;
    if (i % every === 0) {
      svg += `<text x="${(PAD.left + slot * i + slot / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" class="axis">${escape(p.label)}</text>`;
    }
  });
  const total = points.reduce((a, p) => a + p.value, 0);
  const lead = summary === "average" ? `Average ${format(total / points.length)}${unit}` : `Total ${format(total)}${unit}`;
  const peak = points.reduce((a, p) => (p.value > a.value ? p : a), points[0]);
  return html`<figure class="chart">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}: ${points.length} points, highest ${format(peak.value)}${unit} on ${peak.label}" preserveAspectRatio="xMidYMid meet">${raw(svg)}</svg>
    <figcaption class="muted small">${lead} · highest ${format(peak.value)}${unit} (${peak.label})</figcaption>
    <details class="chart-data"><summary>Show data</summary>
      <table class="table table-compact"><thead><tr><th scope="col">Period</th><th scope="col">${title}</th></tr></thead>
      <tbody>${points.map((p) => html`<tr><td>${p.label}</td><td>${format(p.value)}${unit}</td></tr>`)}</tbody></table>
    </details>
  </figure>`;
}

/** rows: [{label, value}] as horizontal bars with the value written at the end. */
export function barList({ title, rows }) {
  if (!rows.length) return html`<p class="muted">No data.</p>`;
  const max = Math.max(1, ...rows.map((r) => r.value));
  return html`<ul class="barlist" aria-label="${title}">${rows.map((r) => html`<li>
    <span class="barlist-label">${r.label}</span>
    <svg class="barlist-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect x="0" y="0" height="10" width="${((100 * r.value) / max).toFixed(2)}"/></svg>
    <span class="barlist-value">${r.value}</span>
  </li>`)}</ul>`;
}
