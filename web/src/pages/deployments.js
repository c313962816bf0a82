// /deployments: deployments of the last 30 days, newest first, grouped by day, with filters
// (?status=&kind=&applicationId=&labels=) and PipeCD's cursor + page_min_updated_at paging.
import { api } from "../api/client.js";
import { applications } from "../api/lookups.js";
import { enumValues } from "../proto/codec.js";
import { html } from "../lib/html.js";
import { ago, kindLabel, label, parseLabels, shortHash } from "../lib/format.js";
import { badge } from "../components/badge.js";
import { input, select } from "../components/fields.js";
import { byDay, mountList } from "../components/listpage.js";
import { KINDS } from "../components/appactions.js";

const STATUSES = enumValues("model.DeploymentStatus").map(([n]) => [n, label(n)]);

export function deploymentRow(d) {
  const c = d.trigger && d.trigger.commit;
  return html`<li class="row row-deployment">
    ${badge(d.status)}
    <span class="row-main"><a href="/deployments/${encodeURIComponent(d.id)}">${d.applicationName}</a>
      <span class="row-sub">${d.summary || (c && c.message) || ""}</span></span>
    <span class="muted small">${kindLabel(d.kind)}</span>
    <span class="muted small mono">${c ? shortHash(c.hash) : ""}</span>
    <span class="muted small">${d.trigger && d.trigger.commander ? `by ${d.trigger.commander}` : c && c.author ? `by ${c.author}` : ""}</span>
    <span class="muted small"><time datetime="${new Date(d.updatedAt * 1000).toISOString()}">${ago(d.updatedAt)}</time></span>
  </li>`;
}

export default {
  title: "Deployments",
  async mount(ctx) {
    let apps = [];
    try {
      apps = await applications();
    } catch { /* the filter then lists no applications */ }
    if (!ctx.alive) return;
    await mountList(ctx, {
      title: "Deployments",
      filters: ["status", "kind", "applicationId", "labels"],
      empty: "No deployments in this period.",
      check: (v) => {
        try {
          parseLabels(v.labels);
          return null;
        } catch (err) {
          return err.message;
        }
      },
      filterForm: (v) => html`
        ${select({ name: "status", label: "Status", options: STATUSES, value: v.status, empty: "All" })}
        ${select({ name: "kind", label: "Kind", options: KINDS, value: v.kind, empty: "All" })}
        ${select({ name: "applicationId", label: "Application", options: apps.map((a) => [a.id, a.name]), value: v.applicationId, empty: "All" })}
        ${input({ name: "labels", label: "Labels", value: v.labels, placeholder: "env:prod" })}`,
      fetchPage: async (v, p, signal) => {
        const options = {};
        if (v.status) options.statuses = [v.status];
        if (v.kind) options.kinds = [v.kind];
        if (v.applicationId) options.applicationIds = [v.applicationId];
        if (v.labels) options.labels = parseLabels(v.labels);
        const res = await api.ListDeployments({ options, ...p }, { signal });
        return { items: res.deployments, cursor: res.cursor };
      },
      draw: (items) => byDay(items, (d) => d.updatedAt).map((g) => html`<section class="day">
        <h2 class="day-head">${g.day}</h2><ul class="rows">${g.items.map(deploymentRow)}</ul></section>`),
    });
  },
};
