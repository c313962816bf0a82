// /settings/api-key: API keys for pipectl and tools (created with the key shown once, disabled).
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { html, render } from "../lib/html.js";
import { ago, dateTime, label } from "../lib/format.js";
import { badge } from "../components/badge.js";
import { confirmDialog, formDialog, secretDialog } from "../components/dialog.js";
import { input, select } from "../components/fields.js";
import { settingsTabs } from "../components/layout.js";
import { errorBox, toast } from "../components/notify.js";

function table(keys) {
  return html`<table class="table table-cards"><caption class="visually-hidden">API keys</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Creator</th>
      <th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${keys.map((k) => html`<tr>
      <td data-label="Name"><strong>${k.name}</strong> <span class="muted small mono">${k.id}</span></td>
      <td data-label="Role">${label(k.role)}</td>
      <td data-label="Status">${k.disabled ? badge("DISABLED", "Disabled") : badge("ENABLED", "Enabled")}</td>
      <td data-label="Creator">${k.creator}</td>
      <td data-label="Created">${dateTime(k.createdAt)}</td>
      <td data-label="Last used">${k.lastUsedAt ? ago(k.lastUsedAt) : html`<span class="muted">never</span>`}</td>
      <td class="actions">${k.disabled ? "" : html`<button type="button" class="button button-small" data-disable="${k.id}">Disable<span class="visually-hidden"> ${k.name}</span></button>`}</td>
    </tr>`)}</tbody></table>`;
}

export default {
  title: "API key settings",
  async mount(ctx) {
    render(ctx.root, html`${settingsTabs(ctx.path)}
      <div class="page-head"><h1 tabindex="-1">API keys</h1>
        <div class="page-actions"><button type="button" class="button button-primary" data-add>Generate API key</button></div></div>
      <div data-list><p class="muted">Loading…</p></div>`);
    const list = ctx.root.querySelector("[data-list]");
    let keys = [];
    async function load() {
      try {
        keys = (await api.ListAPIKeys({ options: {} }, { signal: ctx.signal })).keys;
      } catch (err) {
        if (ctx.alive) render(list, errorBox(describeError(err)));
        return;
      }
      if (!ctx.alive) return;
      render(list, keys.length ? table(keys) : html`<div class="empty"><p>No API keys yet.</p></div>`);
    }
    ctx.root.querySelector("[data-add]").addEventListener("click", async () => {
      const key = await formDialog({
        title: "Generate API key", submit: "Generate",
        body: html`${input({ name: "name", label: "Name", required: true })}
          ${select({ name: "role", label: "Role", value: "READ_ONLY", options: [["READ_ONLY", "Read only"], ["READ_WRITE", "Read and write"]] })}`,
        onSubmit: async (data) => (await api.GenerateAPIKey({ name: data.get("name").trim(), role: data.get("role") })).key,
      });
      if (!key) return;
      load();
      await secretDialog({ title: "API key generated", fields: [{ label: "API key", value: key }] });
    });
    list.addEventListener("click", async (e) => {
      const b = e.target.closest("[data-disable]");
      if (!b) return;
      const k = keys.find((x) => x.id === b.dataset.disable);
      const ok = await confirmDialog({ title: `Disable ${k ? k.name : "this key"}?`, danger: true, confirm: "Disable",
        message: "Tools using this key stop working. A disabled key cannot be enabled again.",
        onConfirm: () => api.DisableAPIKey({ id: b.dataset.disable }) });
      if (ok) {
        toast("API key disabled.", "success");
        load();
      }
    });
    await load();
  },
};
