// /deployment-traces: the commits that triggered deployments, each with its deployments.
import { api } from "../api/client.js";
import { html, safeUrl } from "../lib/html.js";
import { ago, shortHash } from "../lib/format.js";
import { badge } from "../components/badge.js";
import { input } from "../components/fields.js";
import { mountList } from "../components/listpage.js";

function trace({ trace: t, deployments }) {
  const url = safeUrl(t.commitUrl);
  return html`<li class="card trace">
    <div class="trace-head">
      <h2 class="trace-title">${t.title || t.commitMessage.split("\n")[0] || t.commitHash}</h2>
      <span class="muted small">${t.author ? `${t.author} · ` : ""}<span class="mono">${url ? html`<a href="${url}" target="_blank" rel="noopener noreferrer">${shortHash(t.commitHash)}</a>` : shortHash(t.commitHash)}</span>
        · ${ago(t.commitTimestamp || t.createdAt)}</span>
    </div>
    <ul class="rows">${deployments.map((d) => html`<li class="row">${badge(d.status)}
      <a href="/deployments/${encodeURIComponent(d.id)}">${d.applicationName}</a>
      <span class="muted small">${d.summary}</span><span class="muted small">${ago(d.updatedAt)}</span></li>`)}</ul>
  </li>`;
}

export default {
  title: "Deployment traces",
  mount(ctx) {
    return mountList(ctx, {
      title: "Deployment traces",
      filters: ["commitHash"],
      empty: "No deployment traces in this period. Traces come from events registered with a commit (pipectl event register).",
      filterForm: (v) => input({ name: "commitHash", label: "Commit hash", value: v.commitHash }),
      fetchPage: async (v, p, signal) => {
        const res = await api.ListDeploymentTraces({ options: { commitHash: v.commitHash }, ...p }, { signal });
        return { items: res.traces, cursor: res.cursor };
      },
      draw: (items) => html`<ul class="cards">${items.map(trace)}</ul>`,
    });
  },
};
