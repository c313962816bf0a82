// A deployment's stage pipeline: stages in columns by dependency depth (a stage sits one column
// right of the deepest stage it requires), each a button that selects it for the log viewer.
import { html } from "../lib/html.js";
import { duration, label } from "../lib/format.js";
import { badge } from "./badge.js";

/** A stage name that may wrap after its underscores (K8S_CANARY_ROLLOUT). */
function breakable(name) {
  return name.split("_").map((part, i) => (i ? html`_<wbr>${part}` : part));
}

/** The stages the console shows: visible ones, plus rollback stages once they have started. */
export function shownStages(deployment) {
  return deployment.stages.filter((s) => s.visible || (s.rollback && s.status !== "STAGE_NOT_STARTED_YET"));
}

export function columns(stages) {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const depth = new Map();
  const depthOf = (s, trail = new Set()) => {
    if (depth.has(s.id)) return depth.get(s.id);
    if (trail.has(s.id)) return 0; // a cycle in bad data: do not loop
    trail.add(s.id);
    const reqs = s.requires.map((id) => byId.get(id)).filter(Boolean);
    const d = reqs.length ? 1 + Math.max(...reqs.map((r) => depthOf(r, trail))) : 0;
    depth.set(s.id, d);
    return d;
  };
  const cols = [];
  for (const s of [...stages].sort((a, b) => a.index - b.index)) {
    const d = depthOf(s);
    (cols[d] = cols[d] || []).push(s);
  }
  return cols.filter(Boolean);
}

/** Which manual operation a stage offers now: "APPROVE", "SKIP" or null. */
export function operationOf(stage) {
  if (stage.status !== "STAGE_RUNNING") return null;
  const op = stage.availableOperation;
  if (op === "MANUAL_OPERATION_APPROVE") return "APPROVE";
  if (op === "MANUAL_OPERATION_SKIP") return "SKIP";
  if (op === "MANUAL_OPERATION_UNKNOWN") { // data written before available_operation existed
    if (stage.name === "WAIT_APPROVAL") return "APPROVE";
    if (stage.name === "ANALYSIS") return "SKIP";
  }
  return null;
}

export function pipeline(deployment, selectedId, { busy = new Set() } = {}) {
  const stages = shownStages(deployment);
  if (!stages.length) return html`<p class="muted">The pipeline is not planned yet.</p>`;
  return html`<ol class="pipeline" aria-label="Stages">${columns(stages).map((col, i) => html`<li class="pipeline-col">
    <span class="visually-hidden">Step ${i + 1}</span>
    <ul>${col.map((s) => {
      const op = operationOf(s);
      return html`<li class="stage stage-${s.status}${s.id === selectedId ? " selected" : ""}">
        <button type="button" class="stage-select" data-stage="${s.id}" aria-pressed="${s.id === selectedId}">
          <span class="stage-name">${s.rollback ? "Rollback: " : ""}${breakable(s.name)}</span>
          ${s.desc ? html`<span class="stage-desc">${s.desc}</span>` : ""}
          <span class="stage-meta">${badge(s.status)}
            ${s.status !== "STAGE_NOT_STARTED_YET" ? html`<span class="muted small">${duration(s.createdAt, s.completedAt || (s.status === "STAGE_RUNNING" ? 0 : s.updatedAt))}</span>` : ""}
            ${s.retriedCount ? html`<span class="muted small">retried ${s.retriedCount}</span>` : ""}</span>
          ${s.statusReason ? html`<span class="stage-reason">${s.statusReason}</span>` : ""}
        </button>
        ${op ? html`<button type="button" class="button button-small ${op === "APPROVE" ? "button-primary" : ""}"
          data-op="${op}" data-stage-op="${s.id}" ${busy.has(s.id) ? "disabled" : ""}>${label(op)}<span class="visually-hidden"> ${s.name}</span></button>` : ""}
      </li>`;
    })}</ul>
  </li>`)}</ol>`;
}
