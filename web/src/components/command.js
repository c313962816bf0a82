// Follow a command (sync, cancel, approve, skip, restart) until its piped handles it.
// Polls GetCommand every 3 s, as PipeCD's console does, and reports progress by toasts.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { label } from "../lib/format.js";
import { INTERVALS } from "../lib/poll.js";
import { toast } from "./notify.js";

const MAX_WAIT_MS = 10 * 60 * 1000;

/**
 * Resolve with the handled command (status != COMMAND_NOT_HANDLED_YET), or null when the page
 * is left (ctx cleaned up) or after 10 minutes. `what` names it in messages ("Sync").
 */
export function watchCommand(ctx, commandId, what, onDone) {
  const started = Date.now();
  toast(`${what} requested. Waiting for the piped to handle it.`, "info");
  return new Promise((resolve) => {
    let timer = null;
    ctx.onCleanup(() => {
      clearTimeout(timer);
      resolve(null);
    });
    async function check() {
      if (!ctx.alive) return;
      try {
        const { command } = await api.GetCommand({ commandId });
        if (command && command.status !== "COMMAND_NOT_HANDLED_YET") {
          const ok = command.status === "COMMAND_SUCCEEDED";
          toast(`${what}: ${label(command.status)}.`, ok ? "success" : "error");
          if (onDone) onDone(command);
          resolve(command);
          return;
        }
      } catch (err) {
        if (err.code !== "NOT_FOUND") {
          toast(describeError(err), "error");
          resolve(null);
          return;
        }
      }
      if (Date.now() - started > MAX_WAIT_MS) {
        resolve(null);
        return;
      }
      timer = setTimeout(check, INTERVALS.command);
    }
    timer = setTimeout(check, INTERVALS.command);
  });
}
