// Display formats: dates, durations, enum labels.

const PREFIXES = /^(DEPLOYMENT_CHAIN_|DEPLOYMENT_BLOCK_|DEPLOYMENT_|STAGE_|COMMAND_|EVENT_|MANUAL_OPERATION_)/;

/** "DEPLOYMENT_RUNNING" -> "Running", "OUT_OF_SYNC" -> "Out of sync". */
export function label(value) {
  if (typeof value !== "string") return String(value);
  const s = value.replace(PREFIXES, "").replace(/_/g, " ").toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const KIND_LABELS = { KUBERNETES: "Kubernetes", TERRAFORM: "Terraform", LAMBDA: "Lambda", CLOUDRUN: "Cloud Run", ECS: "ECS" };

export function kindLabel(kind) {
  return KIND_LABELS[kind] || label(kind);
}

/** A Unix time in seconds as a local date and time ("" for 0). */
export function dateTime(ts) {
  if (!ts) return "";
  return new Date(ts * 1000).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit" });
}

/** "3 minutes ago" for a Unix time in seconds. */
export function ago(ts, now = Date.now() / 1000) {
  if (!ts) return "never";
  const d = Math.max(0, Math.round(now - ts));
  if (d < 45) return "just now";
  const units = [[60, "minute"], [3600, "hour"], [86400, "day"], [2592000, "month"], [31536000, "year"]];
  let unit = units[0];
  for (const u of units) if (d >= u[0] * 0.9) unit = u;
  const n = Math.max(1, Math.round(d / unit[0]));
  return `${n} ${unit[1]}${n === 1 ? "" : "s"} ago`;
}

/** "1m 20s" between two Unix times (to now when `to` is 0). */
export function duration(from, to) {
  if (!from) return "";
  let s = Math.max(0, Math.round((to || Date.now() / 1000) - from));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

export function shortHash(hash) {
  return hash ? hash.slice(0, 7) : "";
}

/** {"env": "prod"} -> "env:prod, ..." and back ("env:prod, team:a" -> {...}). */
export function labelsText(labels) {
  return Object.entries(labels || {}).map(([k, v]) => `${k}:${v}`).join(", ");
}

export function parseLabels(text) {
  const out = {};
  for (const part of (text || "").split(/[,\n]/)) {
    const s = part.trim();
    if (!s) continue;
    const i = s.indexOf(":");
    if (i <= 0) throw new Error(`"${s}" is not key:value`);
    out[s.slice(0, i).trim()] = s.slice(i + 1).trim();
  }
  return out;
}
