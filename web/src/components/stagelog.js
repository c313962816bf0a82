// The log of one stage, following new blocks while the stage runs.
//
// GetStageLog is polled every 2 s with offset_index = the next block index the viewer lacks, so
// each answer holds only new blocks, which are appended (nothing already shown is redrawn).
// Polling stops once the server says the log is completed. The view sticks to the bottom while
// the reader is at the bottom, and stays put when they have scrolled up.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { html, render, fragment } from "../lib/html.js";
import { INTERVALS, poll } from "../lib/poll.js";

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g; // eslint-disable-line no-control-regex

function time(ts) {
  return ts ? new Date(ts * 1000).toLocaleTimeString(undefined, { hour12: false }) : "";
}

function lines(blocks) {
  return blocks.map((b) => html`<li class="log-line sev-${b.severity}" data-index="${b.index}"><span class="log-ts">${time(b.createdAt)}</span><span class="log-text">${b.log.replace(ANSI, "")}</span></li>`);
}

/**
 * Show the log of `stage` of `deploymentId` in `el`. `active()` tells whether the deployment is
 * still running (a log the piped never completed stops being polled once it is not).
 */
export function stageLog(ctx, el, deploymentId, stage, active) {
  render(el, html`<div class="log-head">
      <h3 id="log-title">Log of ${stage.name}${stage.retriedCount ? ` (retry ${stage.retriedCount})` : ""}</h3>
      <span class="log-state muted small" aria-live="polite"></span>
    </div>
    <div class="log-scroll" tabindex="0" aria-labelledby="log-title">
      <ol class="log" role="log" aria-labelledby="log-title"></ol>
      <p class="log-empty muted">Waiting for the first log lines…</p>
    </div>`);
  const list = el.querySelector(".log");
  const box = el.querySelector(".log-scroll");
  const empty = el.querySelector(".log-empty");
  const state = el.querySelector(".log-state");
  let next = 0; // the lowest block index not shown yet
  let stopped = false;
  const sub = { alive: true, onCleanup: (fn) => cleanups.push(fn) };
  const cleanups = [];
  const stop = () => {
    stopped = true;
    sub.alive = false;
    cleanups.splice(0).forEach((fn) => fn());
  };
  ctx.onCleanup(stop);

  poll(sub, async () => {
    if (stopped) return false;
    let res;
    try {
      res = await api.GetStageLog({ deploymentId, stageId: stage.id, retriedCount: stage.retriedCount,
        offsetIndex: next }, { signal: ctx.signal });
    } catch (err) {
      if (stopped) return false;
      if (err.code === "NOT_FOUND") {
        empty.textContent = stage.status === "STAGE_NOT_STARTED_YET" ? "The stage has not started yet." : "No log yet.";
        return active();
      }
      empty.textContent = describeError(err);
      return active();
    }
    if (stopped) return false;
    const fresh = res.blocks.filter((b) => b.index >= next).sort((a, b) => a.index - b.index);
    if (fresh.length) {
      const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
      const tpl = fragment(html`<ol>${lines(fresh)}</ol>`);
      list.append(...tpl.children);
      next = fresh[fresh.length - 1].index + 1;
      empty.hidden = true;
      if (atBottom) box.scrollTop = box.scrollHeight;
    } else if (!list.children.length) {
      empty.textContent = res.completed ? "This stage wrote no log." : "Waiting for the first log lines…";
    }
    const live = !res.completed && active();
    state.textContent = res.completed ? "Completed" : live ? "Live" : "";
    return live;
  }, INTERVALS.stageLog);
  return { stop };
}
