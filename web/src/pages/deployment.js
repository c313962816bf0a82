// /deployments/ID: the deployment, its stage pipeline and the live log of the selected stage.
// Refreshed every 4 s while it runs. Cancel, approve and skip are offered where the deployment
// and stage allow them; each sends a command and follows it until the piped handles it.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { pipedsOrEmpty } from "../api/lookups.js";
import { html, patch, render, safeUrl } from "../lib/html.js";
import { dateTime, duration, kindLabel, shortHash } from "../lib/format.js";
import { INTERVALS, poll } from "../lib/poll.js";
import { badge, deploymentRunning } from "../components/badge.js";
import { watchCommand } from "../components/command.js";
import { formDialog } from "../components/dialog.js";
import { errorBox, toast } from "../components/notify.js";
import { pipeline, shownStages } from "../components/pipeline.js";
import { stageLog } from "../components/stagelog.js";

function summary(d, piped) {
  const t = d.trigger || {};
  const c = t.commit || {};
  const url = safeUrl(c.url);
  return html`<dl class="props">
    <div><dt>Application</dt><dd><a href="/applications/${encodeURIComponent(d.applicationId)}">${d.applicationName}</a></dd></div>
    <div><dt>Kind</dt><dd>${kindLabel(d.kind)}</dd></div>
    <div><dt>Piped</dt><dd>${piped ? piped.name : d.pipedId}</dd></div>
    <div><dt>Commit</dt><dd class="mono">${url ? html`<a href="${url}" target="_blank" rel="noopener noreferrer">${shortHash(c.hash)}</a>` : shortHash(c.hash)}
      ${c.branch ? html`<span class="muted">on ${c.branch}</span>` : ""}</dd></div>
    <div class="wide"><dt>Commit message</dt><dd>${c.message}</dd></div>
    <div><dt>Triggered by</dt><dd>${t.commander || c.author}</dd></div>
    ${t.strategySummary ? html`<div><dt>Strategy</dt><dd>${t.strategySummary}</dd></div>` : ""}
    ${d.versions.length ? html`<div><dt>Versions</dt><dd class="mono small">${d.versions.map((v) => html`<span class="chip">${v.name ? `${v.name}:` : ""}${v.version}</span>`)}</dd></div>` : ""}
    <div><dt>Started</dt><dd>${dateTime(d.createdAt)}</dd></div>
    <div><dt>Duration</dt><dd>${duration(d.createdAt, d.completedAt)}</dd></div>
  </dl>`;
}

export default {
  title: "Deployment",
  async mount(ctx) {
    const id = ctx.params.id;
    render(ctx.root, html`<div class="page-head">
        <div><p class="crumbs"><a href="/deployments">Deployments</a></p><h1 tabindex="-1" data-title>Deployment</h1></div>
        <div class="page-actions" data-actions></div>
      </div>
      <div data-error></div>
      <p data-status-line class="status-line"></p>
      <section class="card" aria-labelledby="sum-t"><h2 id="sum-t" class="visually-hidden">Summary</h2><div data-summary><p class="muted">Loading…</p></div></section>
      <section class="card" aria-labelledby="pipe-t"><h2 id="pipe-t">Pipeline</h2><div data-pipeline></div></section>
      <section class="card log-card" data-log aria-label="Stage log"></section>`);
    const $ = (s) => ctx.root.querySelector(s);
    const pipeds = await pipedsOrEmpty();
    let dep = null;
    let selected = null; // stage id picked by the user (else the current one)
    let shown = null; // {key, viewer} of the log on screen
    const busy = new Set(); // stages with an approve/skip in flight

    function currentStage(d) {
      const stages = shownStages(d);
      return (selected && stages.find((s) => s.id === selected)) ||
        stages.find((s) => s.status === "STAGE_RUNNING") ||
        [...stages].reverse().find((s) => s.status !== "STAGE_NOT_STARTED_YET") || stages[0] || null;
    }

    function drawLog() {
      const stage = currentStage(dep);
      const key = stage ? `${stage.id}#${stage.retriedCount}` : "";
      if (shown && shown.key === key) return;
      if (shown && shown.viewer) shown.viewer.stop();
      shown = { key, viewer: null };
      if (!stage) {
        render($("[data-log]"), html`<p class="muted">No stage to show.</p>`);
        return;
      }
      shown.viewer = stageLog(ctx, $("[data-log]"), id, stage, () => dep && deploymentRunning(dep));
    }

    function draw() {
      document.title = `${dep.applicationName} deployment · PipeCD`;
      patch($("[data-title]"), html`${dep.applicationName} ${badge(dep.status)}`);
      patch($("[data-status-line]"), html`${dep.summary}${dep.statusReason ? html` <span class="muted">— ${dep.statusReason}</span>` : ""}`);
      patch($("[data-summary]"), summary(dep, pipeds.get(dep.pipedId)));
      const cur = currentStage(dep);
      patch($("[data-pipeline]"), pipeline(dep, cur && cur.id, { busy }));
      patch($("[data-actions]"), deploymentRunning(dep)
        ? html`<button type="button" class="button button-danger" data-cancel>Cancel deployment</button>` : "");
      drawLog();
    }

    const refresh = poll(ctx, async () => {
      try {
        dep = (await api.GetDeployment({ deploymentId: id }, { signal: ctx.signal })).deployment;
      } catch (err) {
        if (!ctx.alive) return false;
        patch($("[data-error]"), errorBox(describeError(err)));
        return err.code !== "NOT_FOUND" && err.code !== "PERMISSION_DENIED";
      }
      if (!ctx.alive || !dep) return false;
      patch($("[data-error]"), "");
      draw();
      return deploymentRunning(dep); // a completed deployment no longer changes
    }, INTERVALS.deployment);

    $("[data-pipeline]").addEventListener("click", async (e) => {
      const pick = e.target.closest("[data-stage]");
      if (pick) {
        selected = pick.dataset.stage;
        draw();
        return;
      }
      const opButton = e.target.closest("[data-stage-op]");
      if (!opButton) return;
      const stageId = opButton.dataset.stageOp;
      const approve = opButton.dataset.op === "APPROVE";
      const stage = dep.stages.find((s) => s.id === stageId);
      busy.add(stageId);
      draw();
      try {
        const { commandId } = await (approve ? api.ApproveStage({ deploymentId: id, stageId })
          : api.SkipStage({ deploymentId: id, stageId }));
        await watchCommand(ctx, commandId, `${approve ? "Approval" : "Skip"} of ${stage ? stage.name : "the stage"}`);
      } catch (err) {
        toast(describeError(err), "error");
      } finally {
        busy.delete(stageId);
        if (ctx.alive) refresh.now();
      }
    });

    $("[data-actions]").addEventListener("click", async (e) => {
      if (!e.target.closest("[data-cancel]")) return;
      const commandId = await formDialog({
        title: "Cancel this deployment?", submit: "Cancel deployment", danger: true,
        body: html`<fieldset class="radios"><legend>What happens to the changes made so far</legend>
          <label><input type="radio" name="mode" value="default" checked> As the pipeline says (rollback if it is enabled)</label>
          <label><input type="radio" name="mode" value="rollback"> Roll back</label>
          <label><input type="radio" name="mode" value="norollback"> Do not roll back</label></fieldset>`,
        onSubmit: async (data) => {
          const mode = data.get("mode");
          return (await api.CancelDeployment({ deploymentId: id, forceRollback: mode === "rollback",
            forceNoRollback: mode === "norollback" })).commandId;
        },
      });
      if (commandId) {
        watchCommand(ctx, commandId, "Cancellation", () => refresh.now());
        refresh.now();
      }
    });
  },
};
