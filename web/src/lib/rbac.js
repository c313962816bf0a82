// RBAC policies written as PipeCD's console writes them, one policy a line:
//   resources=application,deployment;actions=get,list
//   resources=application{env:prod};actions=*
// `*` means every resource or every action. Names match case-insensitively, without "_"
// (API_KEY may be written apiKey or api_key).
import { enumValues } from "../proto/codec.js";

const RESOURCES = enumValues("model.ProjectRBACResource.ResourceType");
const ACTIONS = enumValues("model.ProjectRBACPolicy.Action");
const norm = (s) => s.replace(/[_\s-]/g, "").toLowerCase();

function camel(name) {
  return name.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function lookup(values, word, what) {
  if (word === "*") return "ALL";
  const hit = values.find(([n]) => norm(n) === norm(word));
  if (!hit) throw new Error(`unknown ${what} "${word}" (use ${values.filter(([n]) => n !== "ALL").map(([n]) => camel(n)).join(", ")} or *)`);
  return hit[0];
}

/** Policies from text; throws Error with the line at fault. */
export function parsePolicies(text) {
  const out = [];
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const m = /^resources=(.+);actions=(.+)$/.exec(line.replace(/\s+/g, ""));
    if (!m) throw new Error(`line ${i + 1}: write resources=NAMES;actions=NAMES`);
    const resources = [];
    for (const part of m[1].match(/[^,{]+(\{[^}]*\})?/g) || []) {
      const [, name, labelText] = /^([^{]+)(?:\{([^}]*)\})?$/.exec(part);
      const labels = {};
      for (const kv of (labelText || "").split(",").filter(Boolean)) {
        const [k, v] = kv.split(":");
        if (!k || !v) throw new Error(`line ${i + 1}: labels are key:value`);
        labels[k] = v;
      }
      resources.push({ type: lookup(RESOURCES, name, "resource"), labels });
    }
    const actions = m[2].split(",").filter(Boolean).map((a) => lookup(ACTIONS, a, "action"));
    if (!resources.length || !actions.length) throw new Error(`line ${i + 1}: name a resource and an action`);
    out.push({ resources, actions });
  }
  if (!out.length) throw new Error("write at least one policy");
  return out;
}

export function formatPolicies(policies) {
  return policies.map((p) => {
    const res = p.resources.map((r) => {
      const name = r.type === "ALL" ? "*" : camel(r.type);
      const labels = Object.entries(r.labels || {}).map(([k, v]) => `${k}:${v}`).join(",");
      return labels ? `${name}{${labels}}` : name;
    }).join(",");
    const acts = p.actions.map((a) => (a === "ALL" ? "*" : a.toLowerCase())).join(",");
    return `resources=${res};actions=${acts}`;
  }).join("\n");
}
