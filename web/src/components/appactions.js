// Application actions shared by the list and the detail page: add, edit, enable/disable,
// delete, sync and sealed-secret encryption. Each resolves when done (true) or cancelled (null).
import { api } from "../api/client.js";
import { invalidate, pipedsById } from "../api/lookups.js";
import { enumValues } from "../proto/codec.js";
import { html, render } from "../lib/html.js";
import { kindLabel, labelsText, parseLabels } from "../lib/format.js";
import { watchCommand } from "./command.js";
import { confirmDialog, formDialog, secretDialog } from "./dialog.js";
import { checkbox, input, select, textarea } from "./fields.js";
import { toast } from "./notify.js";

export const KINDS = enumValues("model.ApplicationKind").map(([n]) => [n, kindLabel(n)]);
const STRATEGIES = [["AUTO", "Auto (as configured)"], ["QUICK_SYNC", "Quick sync"], ["PIPELINE", "Pipeline"]];

function providersOf(piped) {
  if (!piped) return [];
  const names = [...piped.platformProviders, ...piped.cloudProviders].map((p) => p.name);
  return [...new Set(names)].map((n) => [n, n]);
}

function repoOptions(piped) {
  return piped ? piped.repositories.map((r) => [r.id, `${r.id}${r.remote ? ` (${r.remote}${r.branch ? `@${r.branch}` : ""})` : ""}`]) : [];
}

/** Keep the repository and platform-provider selects in step with the chosen piped. */
function followPiped(form, pipeds, keep = {}) {
  const pipedSel = form.elements.pipedId;
  const sync = () => {
    const piped = pipeds.get(pipedSel.value);
    const repo = form.elements.repoId;
    if (repo) {
      const v = keep.repoId ?? repo.value;
      render(repo, html`<option value="">Choose a repository</option>${repoOptions(piped).map(([id, t]) => html`<option value="${id}" ${id === v ? "selected" : ""}>${t}</option>`)}`);
    }
    const prov = form.elements.platformProvider;
    const pv = keep.platformProvider ?? prov.value;
    const opts = providersOf(piped);
    if (pv && !opts.some(([n]) => n === pv)) opts.push([pv, pv]);
    render(prov, html`<option value="">None</option>${opts.map(([n, t]) => html`<option value="${n}" ${n === pv ? "selected" : ""}>${t}</option>`)}`);
    keep = {};
  };
  pipedSel.addEventListener("change", sync);
  sync();
}

export async function addApplication() {
  const pipeds = await pipedsById();
  const enabled = [...pipeds.values()].filter((p) => !p.disabled);
  let detected = [];
  try {
    detected = (await api.ListUnregisteredApplications({})).applications;
  } catch { /* optional help: adding works without it */ }
  const body = html`
    ${detected.length ? select({ name: "detected", label: "Detected by a piped (optional)", empty: "Enter the details below",
      options: detected.map((a, i) => [i, `${a.name} — ${a.repoId}/${a.path}`]),
      hint: "Applications pipeds found in their repositories but not registered yet." }) : ""}
    ${input({ name: "name", label: "Name", required: true })}
    ${select({ name: "pipedId", label: "Piped", required: true, empty: "Choose a piped", options: enabled.map((p) => [p.id, p.name]) })}
    ${select({ name: "repoId", label: "Repository", required: true, options: [], hint: "Repositories the piped reported." })}
    ${input({ name: "path", label: "Path", required: true, placeholder: "apps/web", hint: "The application's directory in the repository (no leading /)." })}
    ${input({ name: "configFilename", label: "Config file", value: "app.pipecd.yaml" })}
    ${select({ name: "kind", label: "Kind", options: KINDS, value: "KUBERNETES" })}
    ${select({ name: "platformProvider", label: "Platform provider", options: [] })}
    ${input({ name: "description", label: "Description" })}
    ${input({ name: "labels", label: "Labels", placeholder: "env:prod, team:a", hint: "key:value pairs, comma separated." })}`;
  return formDialog({
    title: "Add application", body, submit: "Add", wide: true,
    onOpen: (form) => {
      followPiped(form, pipeds);
      const pick = form.elements.detected;
      if (pick) {
        pick.addEventListener("change", () => {
          const a = detected[Number(pick.value)];
          if (!a) return;
          const el = form.elements;
          el.name.value = a.name;
          el.pipedId.value = a.pipedId;
          el.pipedId.dispatchEvent(new Event("change"));
          el.repoId.value = a.repoId;
          el.path.value = a.path;
          el.configFilename.value = a.configFilename || "app.pipecd.yaml";
          el.kind.value = a.kind;
          el.description.value = a.description;
          el.labels.value = labelsText(a.labels);
        });
      }
    },
    onSubmit: async (data) => {
      const path = data.get("path").trim();
      if (path.startsWith("/")) throw new Error("The path must be relative to the repository root (no leading /).");
      const req = { name: data.get("name").trim(), pipedId: data.get("pipedId"), kind: data.get("kind"),
        gitPath: { repo: { id: data.get("repoId") }, path, configFilename: data.get("configFilename").trim() },
        platformProvider: data.get("platformProvider"), description: data.get("description").trim(),
        labels: parseLabels(data.get("labels")) };
      const { applicationId } = await api.AddApplication(req);
      invalidate("applications");
      toast(`Application ${req.name} added.`, "success");
      return applicationId;
    },
  });
}

export async function editApplication(app) {
  const pipeds = await pipedsById();
  const body = html`
    ${input({ name: "name", label: "Name", value: app.name, required: true })}
    ${select({ name: "pipedId", label: "Piped", required: true, value: app.pipedId,
      options: [...pipeds.values()].filter((p) => !p.disabled || p.id === app.pipedId).map((p) => [p.id, p.name]) })}
    ${select({ name: "kind", label: "Kind", options: KINDS, value: app.kind })}
    ${select({ name: "platformProvider", label: "Platform provider", options: [] })}
    ${input({ name: "configFilename", label: "Config file", value: app.gitPath ? app.gitPath.configFilename : "" })}`;
  return formDialog({
    title: `Edit ${app.name}`, body, submit: "Save",
    onOpen: (form) => followPiped(form, pipeds, { platformProvider: app.platformProvider || app.cloudProvider }),
    onSubmit: async (data) => {
      await api.UpdateApplication({ applicationId: app.id, name: data.get("name").trim(), pipedId: data.get("pipedId"),
        kind: data.get("kind"), platformProvider: data.get("platformProvider"),
        deployTargetsByPlugin: app.deployTargetsByPlugin, configFilename: data.get("configFilename").trim() });
      invalidate("applications");
      toast(`Application ${app.name} saved.`, "success");
    },
  });
}

export function setEnabled(app, enable) {
  const method = enable ? "EnableApplication" : "DisableApplication";
  return api[method]({ applicationId: app.id }).then(() => {
    invalidate("applications");
    toast(`Application ${app.name} ${enable ? "enabled" : "disabled"}.`, "success");
    return true;
  });
}

export function deleteApplication(app) {
  return confirmDialog({
    title: `Delete ${app.name}?`, danger: true, confirm: "Delete",
    message: "The application is removed from PipeCD. Its resources on the platform are left as they are.",
    onConfirm: async () => {
      await api.DeleteApplication({ applicationId: app.id });
      invalidate("applications");
      toast(`Application ${app.name} deleted.`, "success");
    },
  });
}

/** Ask the piped to sync; follows the command while the page `ctx` is shown. */
export async function syncApplication(ctx, app, strategy = null, onDone) {
  let syncStrategy = strategy;
  if (syncStrategy === null) {
    syncStrategy = await formDialog({
      title: `Sync ${app.name}`, submit: "Sync",
      body: select({ name: "strategy", label: "Strategy", options: STRATEGIES, value: "AUTO" }),
      onSubmit: (data) => data.get("strategy"),
    });
    if (!syncStrategy) return null;
  }
  const { commandId } = await api.SyncApplication({ applicationId: app.id, syncStrategy });
  watchCommand(ctx, commandId, `Sync of ${app.name}`, onDone);
  return commandId;
}

export async function encryptSecret(app) {
  const encrypted = await formDialog({
    title: `Encrypt a secret for ${app.name}`, submit: "Encrypt", wide: true,
    body: html`<p class="muted">The secret is encrypted with the public key of piped
      ${app.pipedId}; only that piped can decrypt it.</p>
      ${textarea({ name: "data", label: "Secret", required: true, mono: true, rows: 5 })}
      ${checkbox({ name: "base64", label: "Base64-encode the secret before encrypting it" })}`,
    onSubmit: async (data) => (await api.GenerateApplicationSealedSecret({ pipedId: app.pipedId,
      data: data.get("data"), base64Encoding: data.get("base64") === "on" })).data,
  });
  if (encrypted) {
    await secretDialog({ title: "Encrypted secret", note: "Use this value in the application configuration's encryption section.",
      fields: [{ label: "Encrypted data", value: encrypted, multiline: true }] });
  }
  return encrypted;
}

export { STRATEGIES };
