// /applications/ID: the application's sync state, settings, latest deployments and live
// resource tree, refreshed every 4 s as PipeCD's console does.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { pipedsOrEmpty } from "../api/lookups.js";
import { html, patch, render, safeUrl } from "../lib/html.js";
import { ago, dateTime, kindLabel, shortHash } from "../lib/format.js";
import { INTERVALS, poll } from "../lib/poll.js";
import { navigate } from "../lib/router.js";
import { badge } from "../components/badge.js";
import { deleteApplication, editApplication, encryptSecret, setEnabled, STRATEGIES,
  syncApplication } from "../components/appactions.js";
import { errorBox, toast } from "../components/notify.js";
import { resourceTree, resourcesOf } from "../components/tree.js";

function info(app, piped) {
  const git = app.gitPath || { repo: {} };
  const url = safeUrl(git.url);
  return html`<dl class="props">
    <div><dt>Kind</dt><dd>${kindLabel(app.kind)}</dd></div>
    <div><dt>Piped</dt><dd>${piped ? piped.name : app.pipedId}</dd></div>
    <div><dt>Repository</dt><dd>${git.repo ? git.repo.id : ""}</dd></div>
    <div><dt>Path</dt><dd class="mono">${url ? html`<a href="${url}" rel="noopener noreferrer" target="_blank">${git.path}<span class="visually-hidden"> (opens the repository)</span></a>` : git.path}</dd></div>
    <div><dt>Config file</dt><dd class="mono">${git.configFilename || "app.pipecd.yaml"}</dd></div>
    <div><dt>Platform provider</dt><dd>${app.platformProvider || app.cloudProvider || html`<span class="muted">none</span>`}</dd></div>
    <div><dt>Labels</dt><dd>${Object.entries(app.labels).map(([k, v]) => html`<span class="chip">${k}: ${v}</span>`)}</dd></div>
    ${app.description ? html`<div class="wide"><dt>Description</dt><dd>${app.description}</dd></div>` : ""}
    <div><dt>Created</dt><dd>${dateTime(app.createdAt)}</dd></div>
    <div><dt>Updated</dt><dd>${dateTime(app.updatedAt)}</dd></div>
  </dl>`;
}

function syncState(app) {
  const s = app.syncState;
  if (!s) return html`<p class="muted">The piped has not reported a sync state yet.</p>`;
  return html`<p class="sync-line">${badge(s.status)} <span>${s.shortReason}</span>
      ${s.timestamp ? html`<span class="muted small">${ago(s.timestamp)}</span>` : ""}</p>
    ${s.reason ? html`<details><summary>Details</summary><pre class="reason">${s.reason}</pre></details>` : ""}`;
}

function deployments(list) {
  if (!list.length) return html`<p class="muted">No deployments yet.</p>`;
  return html`<ul class="rows">${list.map((d) => html`<li class="row">
    ${badge(d.status)}
    <a href="/deployments/${encodeURIComponent(d.id)}">${d.summary || d.trigger && d.trigger.commit && d.trigger.commit.message || d.id}</a>
    <span class="muted small mono">${d.trigger && d.trigger.commit ? shortHash(d.trigger.commit.hash) : ""}</span>
    <span class="muted small">${ago(d.createdAt)}</span>
  </li>`)}</ul>`;
}

export default {
  title: "Application",
  async mount(ctx) {
    const id = ctx.params.id;
    render(ctx.root, html`<div class="page-head">
        <div><p class="crumbs"><a href="/applications">Applications</a></p><h1 tabindex="-1" data-name>Application</h1></div>
        <div class="page-actions" data-actions></div>
      </div>
      <div data-error></div>
      <section class="card" aria-labelledby="sync-t"><h2 id="sync-t">Sync status</h2><div data-sync><p class="muted">Loading…</p></div></section>
      <section class="card" aria-labelledby="info-t"><h2 id="info-t">Details</h2><div data-info></div></section>
      <section class="card" aria-labelledby="dep-t"><h2 id="dep-t">Latest deployments</h2><div data-deps><p class="muted">Loading…</p></div></section>
      <section class="card" aria-labelledby="live-t"><h2 id="live-t">Live state</h2><div data-live><p class="muted">Loading…</p></div></section>`);
    const $ = (s) => ctx.root.querySelector(s);
    const pipeds = await pipedsOrEmpty();
    let app = null;

    const actions = $("[data-actions]");
    const drawActions = () => patch(actions, html`
      <label class="inline-field"><span class="visually-hidden">Sync strategy</span>
        <select data-strategy>${STRATEGIES.map(([v, t]) => html`<option value="${v}">${t}</option>`)}</select></label>
      <button type="button" class="button button-primary" data-act="sync" ${app.disabled ? "disabled" : ""}>Sync</button>
      <button type="button" class="button" data-act="edit">Edit</button>
      <button type="button" class="button" data-act="secret">Encrypt secret</button>
      <button type="button" class="button" data-act="toggle">${app.disabled ? "Enable" : "Disable"}</button>
      <button type="button" class="button button-danger" data-act="delete">Delete</button>`);
    actions.addEventListener("click", async (e) => {
      const b = e.target.closest("[data-act]");
      if (!b || !app) return;
      try {
        switch (b.dataset.act) {
          case "sync": await syncApplication(ctx, app, $("[data-strategy]").value, () => refresh.now()); break;
          case "edit": await editApplication(app); break;
          case "secret": await encryptSecret(app); break;
          case "toggle": await setEnabled(app, app.disabled); break;
          case "delete":
            if (await deleteApplication(app)) navigate("/applications");
            return;
        }
        refresh.now();
      } catch (err) {
        toast(describeError(err), "error");
      }
    });

    const refresh = poll(ctx, async () => {
      try {
        app = (await api.GetApplication({ applicationId: id }, { signal: ctx.signal })).application;
      } catch (err) {
        if (!ctx.alive) return false;
        patch($("[data-error]"), errorBox(describeError(err)));
        return err.code !== "NOT_FOUND" && err.code !== "PERMISSION_DENIED";
      }
      if (!ctx.alive || !app) return false;
      patch($("[data-error]"), "");
      document.title = `${app.name} · PipeCD`;
      patch($("[data-name]"), html`${app.name} ${app.disabled ? badge("DISABLED", "Disabled") : ""}`);
      drawActions();
      patch($("[data-sync]"), syncState(app));
      patch($("[data-info]"), info(app, pipeds.get(app.pipedId)));
      const [deps, live] = await Promise.allSettled([
        api.ListDeployments({ options: { applicationIds: [id] }, pageSize: 10 }, { signal: ctx.signal }),
        api.GetApplicationLiveState({ applicationId: id }, { signal: ctx.signal }),
      ]);
      if (!ctx.alive) return false;
      patch($("[data-deps]"), deps.status === "fulfilled" ? deployments(deps.value.deployments) : errorBox(describeError(deps.reason)));
      if (live.status === "fulfilled") {
        patch($("[data-live]"), live.value.snapshot
          ? html`<p class="muted small">Health: ${badge(live.value.snapshot.healthStatus)}</p>${resourceTree(resourcesOf(live.value.snapshot))}`
          : html`<p class="muted">No live state reported yet.</p>`);
      } else {
        patch($("[data-live]"), live.reason.code === "NOT_FOUND" ? html`<p class="muted">No live state reported yet.</p>`
          : errorBox(describeError(live.reason)));
      }
      return true;
    }, INTERVALS.application);
  },
};
