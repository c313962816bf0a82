// The live-state resource tree of an application (Kubernetes, Cloud Run, ECS, Lambda, or the
// plugin-based `application_live_state`), drawn as nested lists from the parent links.
import { html } from "../lib/html.js";
import { badge } from "./badge.js";

/** Resources of a snapshot as {id, parents, name, kind, namespace, health, description}. */
export function resourcesOf(snapshot) {
  if (!snapshot) return [];
  const platform = snapshot.kubernetes || snapshot.cloudrun || snapshot.ecs || snapshot.lambda;
  if (platform && platform.resources.length) {
    return platform.resources.map((r) => ({ id: r.id, parents: [...(r.ownerIds || []), ...(r.parentIds || [])],
      name: r.name, kind: r.kind, namespace: r.namespace || "", health: r.healthStatus,
      description: r.healthDescription }));
  }
  const live = snapshot.applicationLiveState;
  if (live) {
    return live.resources.map((r) => ({ id: r.id, parents: r.parentIds, name: r.name, kind: r.resourceType,
      namespace: r.resourceMetadata && r.resourceMetadata.namespace || "", health: r.healthStatus,
      description: r.healthDescription, target: r.deployTarget }));
  }
  return [];
}

export function resourceTree(resources) {
  if (!resources.length) return html`<p class="muted">No resources reported.</p>`;
  const byId = new Map(resources.map((r) => [r.id, r]));
  const children = new Map();
  const roots = [];
  for (const r of resources) {
    const parent = r.parents.find((p) => byId.has(p) && p !== r.id);
    if (parent) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(r);
    } else roots.push(r);
  }
  const seen = new Set();
  const node = (r) => {
    if (seen.has(r.id)) return "";
    seen.add(r.id);
    const kids = children.get(r.id) || [];
    return html`<li>
      <div class="tree-node">
        <span class="tree-kind">${r.kind}</span>
        <span class="tree-name">${r.name}</span>
        ${r.namespace ? html`<span class="muted small">${r.namespace}</span>` : ""}
        ${badge(r.health === "UNKNOWN" ? "UNKNOWN" : r.health)}
        ${r.description ? html`<span class="muted small">${r.description}</span>` : ""}
      </div>
      ${kids.length ? html`<ul>${kids.map(node)}</ul>` : ""}
    </li>`;
  };
  return html`<ul class="tree" aria-label="Resources">${roots.map(node)}</ul>`;
}
