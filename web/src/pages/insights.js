// /insights: deployment frequency and change failure rate per day or month (SVG charts drawn
// here), and application counts by kind and by active status.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { applications } from "../api/lookups.js";
import { html, patch, render } from "../lib/html.js";
import { dateTime, kindLabel, label, parseLabels } from "../lib/format.js";
import { setQuery } from "../lib/router.js";
import { barList, columnChart } from "../components/chart.js";
import { input, select } from "../components/fields.js";
import { errorBox } from "../components/notify.js";

// GetInsightData's range_from / range_to and data point timestamps are Unix seconds, like every
// other time in the API.
const DAY = 86400;

function pad(n) {
  return String(n).padStart(2, "0");
}

function defaults(resolution) {
  const now = new Date();
  if (resolution === "MONTHLY") {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
    return { from: `${from.getUTCFullYear()}-${pad(from.getUTCMonth() + 1)}`, to: `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}` };
  }
  const from = new Date(now.getTime() - 29 * DAY * 1000);
  return { from: from.toISOString().slice(0, 10), to: now.toISOString().slice(0, 10) };
}

/** [from, to] in Unix seconds (UTC, as PipeCD rounds insight data) for the form's values. */
function range(v) {
  if (v.resolution === "MONTHLY") {
    const [fy, fm] = v.from.split("-").map(Number);
    const [ty, tm] = v.to.split("-").map(Number);
    return [Date.UTC(fy, fm - 1, 1) / 1000, Date.UTC(ty, tm, 1) / 1000 - 1];
  }
  return [Date.parse(`${v.from}T00:00:00Z`) / 1000, Date.parse(`${v.to}T00:00:00Z`) / 1000 + DAY - 1];
}

function pointLabel(ts, resolution) {
  const d = new Date(ts * 1000);
  return resolution === "MONTHLY"
    ? d.toLocaleDateString(undefined, { year: "numeric", month: "short", timeZone: "UTC" })
    : d.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

function pointsOf(res, resolution) {
  const stream = res.matrix[0];
  const raw = stream ? stream.dataPoints : res.vector.map((s) => s.dataPoint).filter(Boolean);
  return raw.map((p) => ({ label: pointLabel(p.timestamp, resolution), value: p.value }));
}

function counts(res) {
  const byKind = new Map();
  const byStatus = new Map();
  let total = 0;
  for (const c of res.counts) {
    total += c.count;
    const k = c.labels.KIND || "UNKNOWN";
    const s = c.labels.ACTIVE_STATUS || "UNKNOWN";
    byKind.set(k, (byKind.get(k) || 0) + c.count);
    byStatus.set(s, (byStatus.get(s) || 0) + c.count);
  }
  const rows = (m, name) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ label: name(k), value: v }));
  return html`<p class="big-number">${total}<span class="muted small"> applications</span></p>
    <div class="grid-2">
      <div><h3>By kind</h3>${barList({ title: "Applications by kind", rows: rows(byKind, kindLabel) })}</div>
      <div><h3>By status</h3>${barList({ title: "Applications by status", rows: rows(byStatus, label) })}</div>
    </div>
    ${res.updatedAt ? html`<p class="muted small">Counted ${dateTime(res.updatedAt)}.</p>` : ""}`;
}

export default {
  title: "Insights",
  async mount(ctx) {
    const q = ctx.query;
    const v = { resolution: q.get("resolution") === "MONTHLY" ? "MONTHLY" : "DAILY", applicationId: q.get("applicationId") || "",
      labels: q.get("labels") || "" };
    Object.assign(v, defaults(v.resolution), q.get("from") ? { from: q.get("from") } : {}, q.get("to") ? { to: q.get("to") } : {});
    let apps = [];
    try {
      apps = await applications();
    } catch { /* the filter then lists no applications */ }
    if (!ctx.alive) return;
    render(ctx.root, html`<div class="page-head"><h1 tabindex="-1">Insights</h1></div>
      <form class="filters" role="search" aria-label="Insight range" data-form></form>
      <div class="grid-2">
        <section class="card" aria-labelledby="df-t"><h2 id="df-t">Deployment frequency</h2><div data-df><p class="muted">Loading…</p></div></section>
        <section class="card" aria-labelledby="cfr-t"><h2 id="cfr-t">Change failure rate</h2><div data-cfr><p class="muted">Loading…</p></div></section>
      </div>
      <section class="card" aria-labelledby="ac-t"><h2 id="ac-t">Applications</h2><div data-ac><p class="muted">Loading…</p></div></section>`);
    const form = ctx.root.querySelector("[data-form]");
    const drawForm = () => render(form, html`
      ${select({ name: "resolution", label: "Resolution", value: v.resolution, options: [["DAILY", "Daily"], ["MONTHLY", "Monthly"]] })}
      ${input({ name: "from", label: "From", type: v.resolution === "MONTHLY" ? "month" : "date", value: v.from, required: true })}
      ${input({ name: "to", label: "To", type: v.resolution === "MONTHLY" ? "month" : "date", value: v.to, required: true })}
      ${select({ name: "applicationId", label: "Application", value: v.applicationId, empty: "All", options: apps.map((a) => [a.id, a.name]) })}
      ${input({ name: "labels", label: "Labels", value: v.labels, placeholder: "env:prod" })}
      <div class="filters-actions"><button class="button" type="submit">Apply</button></div>`);
    drawForm();

    async function load() {
      const $ = (s) => ctx.root.querySelector(s);
      let labels;
      try {
        labels = parseLabels(v.labels);
      } catch (err) {
        patch($("[data-df]"), errorBox(err.message));
        return;
      }
      const [from, to] = range(v);
      const base = { rangeFrom: from, rangeTo: to, resolution: v.resolution, applicationId: v.applicationId, labels };
      const [df, cfr, ac] = await Promise.allSettled([
        api.GetInsightData({ ...base, metricsKind: "DEPLOYMENT_FREQUENCY" }, { signal: ctx.signal }),
        api.GetInsightData({ ...base, metricsKind: "CHANGE_FAILURE_RATE" }, { signal: ctx.signal }),
        api.GetInsightApplicationCount({}, { signal: ctx.signal }),
      ]);
      if (!ctx.alive) return;
      const per = v.resolution === "MONTHLY" ? "month" : "day";
      patch($("[data-df]"), df.status === "fulfilled"
        ? columnChart({ title: `Deployments per ${per}`, points: pointsOf(df.value, v.resolution), integer: true,
          format: (x) => String(Math.round(x * 10) / 10) })
        : errorBox(describeError(df.reason)));
      patch($("[data-cfr]"), cfr.status === "fulfilled"
        ? columnChart({ title: `Change failure rate per ${per}`, points: pointsOf(cfr.value, v.resolution), unit: "%", summary: "average",
          format: (x) => String(Math.round(x * 1000) / 10) })
        : errorBox(describeError(cfr.reason)));
      patch($("[data-ac]"), ac.status === "fulfilled" ? counts(ac.value) : errorBox(describeError(ac.reason)));
    }
    form.addEventListener("change", (e) => {
      if (e.target.name === "resolution") {
        v.resolution = e.target.value;
        Object.assign(v, defaults(v.resolution));
        drawForm();
      }
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(form);
      for (const k of ["resolution", "from", "to", "applicationId", "labels"]) v[k] = (data.get(k) || "").trim();
      setQuery(v);
      load();
    });
    await load();
  },
};
