// Repeat a task while the page is shown: run, wait `ms` after it settles, run again.
// The console polls as PipeCD's does: app detail and a running deployment every 4 s, stage
// logs every 2 s, commands every 3 s, the piped list every 30 s.

export const INTERVALS = { application: 4000, deployment: 4000, stageLog: 2000, command: 3000, pipeds: 30000 };

/**
 * Start polling `task` (an async function; return false from it to stop). Stops by itself when
 * the page's ctx is cleaned up, and pauses while the browser tab is hidden. Returns
 * {stop(), now()} (now() runs it at once).
 */
export function poll(ctx, task, ms) {
  let timer = null;
  let stopped = false;
  let running = false;
  let first = true;
  async function run() {
    if (stopped || running) return;
    clearTimeout(timer);
    if (document.hidden && !first) { // a background tab asks nothing; it catches up when shown
      document.addEventListener("visibilitychange", run, { once: true });
      return;
    }
    first = false;
    running = true;
    let again = true;
    try {
      again = (await task()) !== false;
    } catch (err) {
      console.error(err);
    }
    running = false;
    if (!again) stopped = true;
    if (!stopped && ctx.alive) timer = setTimeout(run, ms);
  }
  const handle = {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", run);
    },
    now() {
      if (!stopped) run();
    },
  };
  ctx.onCleanup(handle.stop);
  run();
  return handle;
}
