// /applications: every application of the project, with filters kept in the URL
// (?kind=&syncStatus=&active=&pipedId=&name=&labels=), and the row actions in one shared menu.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { pipedsOrEmpty } from "../api/lookups.js";
import { enumValues } from "../proto/codec.js";
import { html, render } from "../lib/html.js";
import { ago, kindLabel, label, parseLabels } from "../lib/format.js";
import { navigate, setQuery } from "../lib/router.js";
import { badge } from "../components/badge.js";
import { addApplication, deleteApplication, editApplication, encryptSecret, KINDS, setEnabled,
  syncApplication } from "../components/appactions.js";
import { select, input } from "../components/fields.js";
import { attachMenu, menuButton } from "../components/menu.js";
import { errorBox, toast } from "../components/notify.js";

const SYNC_STATUSES = enumValues("model.ApplicationSyncStatus").map(([n]) => [n, label(n)]);
const FILTERS = ["kind", "syncStatus", "active", "pipedId", "name", "labels"];

function filtersFrom(query) {
  return Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || ""]));
}

function requestOf(f) {
  const options = {};
  if (f.kind) options.kinds = [f.kind];
  if (f.syncStatus) options.syncStatuses = [f.syncStatus];
  if (f.active) options.enabled = f.active === "enabled";
  if (f.pipedId) options.pipedId = f.pipedId;
  if (f.name) options.name = f.name;
  if (f.labels) options.labels = parseLabels(f.labels);
  return { options };
}

function versionOf(app) {
  const ref = app.mostRecentlySuccessfulDeployment;
  if (!ref) return "";
  const names = ref.versions.filter((v) => v.version).map((v) => (v.name ? `${v.name}:${v.version}` : v.version));
  return names.length ? names.join(", ") : ref.version;
}

function statusOf(app) {
  if (app.disabled) return badge("DISABLED", "Disabled");
  return badge(app.syncState ? app.syncState.status : "UNKNOWN");
}

function rows(apps, pipeds) {
  return apps.map((a) => {
    const piped = pipeds.get(a.pipedId);
    const ref = a.mostRecentlySuccessfulDeployment;
    return html`<div role="row" class="gt-row">
      <span role="cell" data-label="Name" class="gt-name"><a href="/applications/${encodeURIComponent(a.id)}">${a.name}</a></span>
      <span role="cell" data-label="Status">${statusOf(a)}</span>
      <span role="cell" data-label="Kind">${kindLabel(a.kind)}</span>
      <span role="cell" data-label="Version" class="mono small">${versionOf(a)}</span>
      <span role="cell" data-label="Piped">${piped ? piped.name : a.pipedId}</span>
      <span role="cell" data-label="Labels">${Object.entries(a.labels).map(([k, v]) => html`<span class="chip">${k}: ${v}</span>`)}</span>
      <span role="cell" data-label="Deployed">${ref && ref.completedAt ? html`<time datetime="${new Date(ref.completedAt * 1000).toISOString()}">${ago(ref.completedAt)}</time>` : html`<span class="muted">never</span>`}</span>
      <span role="cell" class="actions">${menuButton(a.id, a.name)}</span>
    </div>`;
  });
}

export default {
  title: "Applications",
  async mount(ctx) {
    const f = filtersFrom(ctx.query);
    render(ctx.root, html`<div class="page-head">
        <h1 tabindex="-1">Applications</h1>
        <div class="page-actions">
          <button type="button" class="button" data-filters aria-expanded="${FILTERS.some((k) => f[k]) ? "true" : "false"}" aria-controls="app-filters">Filters</button>
          <button type="button" class="button button-primary" data-add>Add application</button>
        </div>
      </div>
      <form id="app-filters" class="filters" role="search" aria-label="Filter applications" ${FILTERS.some((k) => f[k]) ? "" : "hidden"}></form>
      <div data-count class="list-status" aria-live="polite"></div>
      <div data-list></div>`);
    const filters = ctx.root.querySelector(".filters");
    const list = ctx.root.querySelector("[data-list]");
    const status = ctx.root.querySelector("[data-count]");
    let apps = [];
    const pipeds = await pipedsOrEmpty();
    if (!ctx.alive) return;

    render(filters, html`
      ${select({ name: "kind", label: "Kind", options: KINDS, value: f.kind, empty: "All" })}
      ${select({ name: "syncStatus", label: "Sync status", options: SYNC_STATUSES, value: f.syncStatus, empty: "All" })}
      ${select({ name: "active", label: "Active status", options: [["enabled", "Enabled"], ["disabled", "Disabled"]], value: f.active, empty: "All" })}
      ${select({ name: "pipedId", label: "Piped", options: [...pipeds.values()].map((p) => [p.id, p.name]), value: f.pipedId, empty: "All" })}
      ${input({ name: "name", label: "Name", value: f.name })}
      ${input({ name: "labels", label: "Labels", value: f.labels, placeholder: "env:prod" })}
      <div class="filters-actions"><button type="submit" class="button">Apply</button>
        <button type="reset" class="button button-quiet">Clear</button></div>`);

    async function load() {
      status.textContent = "Loading applications…";
      let res;
      try {
        res = await api.ListApplications(requestOf(f), { signal: ctx.signal });
      } catch (err) {
        if (!ctx.alive) return;
        status.textContent = "";
        render(list, errorBox(err.message && err.message.includes("key:value") ? err.message : describeError(err)));
        return;
      }
      if (!ctx.alive) return;
      performance.mark("apps:fetched"); // bench/console.py times the render from here
      apps = res.applications;
      status.textContent = `${apps.length} application${apps.length === 1 ? "" : "s"}`;
      if (!apps.length) {
        render(list, html`<div class="empty"><p>No applications${FILTERS.some((k) => f[k]) ? " match these filters" : " yet"}.</p></div>`);
        return;
      }
      // A grid of rows with ARIA table roles rather than a <table>: each row skips layout and
      // paint while it is off screen (content-visibility), which a table row cannot do. With
      // 1,000 applications that is most of the cost of showing the page.
      render(list, html`<div class="gt gt-apps" role="table" aria-label="Applications" aria-rowcount="${apps.length + 1}" data-apps>
        <div role="rowgroup" class="gt-head"><div role="row" class="gt-row">
          <span role="columnheader">Name</span><span role="columnheader">Status</span><span role="columnheader">Kind</span>
          <span role="columnheader">Version</span><span role="columnheader">Piped</span><span role="columnheader">Labels</span>
          <span role="columnheader">Deployed</span><span role="columnheader"><span class="visually-hidden">Actions</span></span>
        </div></div>
        <div role="rowgroup" class="gt-body">${rows(apps, pipeds)}</div></div>`);
      document.dispatchEvent(new CustomEvent("pipecd:rendered", { detail: { page: "applications", count: apps.length } }));
    }

    const apply = () => {
      const data = new FormData(filters);
      for (const k of FILTERS) f[k] = (data.get(k) || "").trim();
      try {
        if (f.labels) parseLabels(f.labels);
      } catch (err) {
        toast(err.message, "error");
        return;
      }
      setQuery(f);
      load();
    };
    filters.addEventListener("change", (e) => {
      if (e.target.tagName === "SELECT") apply();
    });
    filters.addEventListener("submit", (e) => {
      e.preventDefault();
      apply();
    });
    filters.addEventListener("reset", (e) => { // "Clear" empties the filters (a reset would restore the URL's)
      e.preventDefault();
      for (const el of filters.elements) if (el.name) el.value = "";
      apply();
    });
    ctx.root.querySelector("[data-filters]").addEventListener("click", (e) => {
      const open = filters.hidden;
      filters.hidden = !open;
      e.currentTarget.setAttribute("aria-expanded", String(open));
    });
    ctx.root.querySelector("[data-add]").addEventListener("click", async () => {
      try {
        const id = await addApplication();
        if (id && typeof id === "string") navigate(`/applications/${encodeURIComponent(id)}`);
      } catch (err) {
        toast(describeError(err), "error");
      }
    });

    const act = (fn) => async () => {
      try {
        if (await fn()) load();
      } catch (err) {
        toast(describeError(err), "error");
      }
    };
    ctx.onCleanup(attachMenu(list, (id) => {
      const app = apps.find((a) => a.id === id);
      if (!app) return [];
      return [
        { label: "Sync", run: act(() => syncApplication(ctx, app, "AUTO").then(() => false)), disabled: app.disabled },
        { label: "Edit", run: act(() => editApplication(app)) },
        { label: "Encrypt secret", run: act(() => encryptSecret(app).then(() => false)) },
        app.disabled ? { label: "Enable", run: act(() => setEnabled(app, true)) }
          : { label: "Disable", run: act(() => setEnabled(app, false)) },
        { label: "Delete", danger: true, run: act(() => deleteApplication(app)) },
      ];
    }));
    await load();
  },
};

