// Status badges: a coloured pill with the status in words (colour is never the only cue).
import { html } from "../lib/html.js";
import { label } from "../lib/format.js";

// Each status name -> one of the badge tones styled in app.css.
const TONES = {
  SYNCED: "ok", DEPLOYING: "run", OUT_OF_SYNC: "warn", INVALID_CONFIG: "bad", UNKNOWN: "muted",
  DEPLOYMENT_PENDING: "muted", DEPLOYMENT_PLANNED: "info", DEPLOYMENT_RUNNING: "run", DEPLOYMENT_ROLLING_BACK: "warn",
  DEPLOYMENT_SUCCESS: "ok", DEPLOYMENT_FAILURE: "bad", DEPLOYMENT_CANCELLED: "muted",
  STAGE_NOT_STARTED_YET: "muted", STAGE_RUNNING: "run", STAGE_SUCCESS: "ok", STAGE_FAILURE: "bad",
  STAGE_CANCELLED: "muted", STAGE_SKIPPED: "muted", STAGE_EXITED: "info",
  COMMAND_NOT_HANDLED_YET: "run", COMMAND_SUCCEEDED: "ok", COMMAND_FAILED: "bad", COMMAND_TIMEOUT: "bad",
  EVENT_NOT_HANDLED: "muted", EVENT_SUCCESS: "ok", EVENT_FAILURE: "bad", EVENT_OUTDATED: "muted",
  DEPLOYMENT_CHAIN_PENDING: "muted", DEPLOYMENT_CHAIN_RUNNING: "run", DEPLOYMENT_CHAIN_SUCCESS: "ok",
  DEPLOYMENT_CHAIN_FAILURE: "bad", DEPLOYMENT_CHAIN_CANCELLED: "muted",
  DEPLOYMENT_BLOCK_PENDING: "muted", DEPLOYMENT_BLOCK_RUNNING: "run", DEPLOYMENT_BLOCK_SUCCESS: "ok",
  DEPLOYMENT_BLOCK_FAILURE: "bad", DEPLOYMENT_BLOCK_CANCELLED: "muted",
  ONLINE: "ok", OFFLINE: "bad", HEALTHY: "ok", UNHEALTHY: "bad", OTHER: "warn",
  ENABLED: "ok", DISABLED: "muted",
};

export function badge(status, text = label(status)) {
  return html`<span class="badge badge-${TONES[status] || "muted"}" data-status="${status}">${text}</span>`;
}

export const RUNNING_DEPLOYMENT = new Set(["DEPLOYMENT_PENDING", "DEPLOYMENT_PLANNED", "DEPLOYMENT_RUNNING",
  "DEPLOYMENT_ROLLING_BACK"]);

export function deploymentRunning(d) {
  return RUNNING_DEPLOYMENT.has(d.status);
}
