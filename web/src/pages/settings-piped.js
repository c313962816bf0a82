// /settings/piped: register pipeds (the key is shown once), edit, recreate a key and delete
// the old one, enable/disable, set the desired version, restart. The list refreshes every 30 s.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { invalidate } from "../api/lookups.js";
import { html, patch, render } from "../lib/html.js";
import { ago, dateTime } from "../lib/format.js";
import { INTERVALS, poll } from "../lib/poll.js";
import { setQuery } from "../lib/router.js";
import { session } from "../lib/session.js";
import { badge } from "../components/badge.js";
import { watchCommand } from "../components/command.js";
import { confirmDialog, formDialog, secretDialog } from "../components/dialog.js";
import { input } from "../components/fields.js";
import { settingsTabs } from "../components/layout.js";
import { attachMenu, menuButton } from "../components/menu.js";
import { errorBox, toast } from "../components/notify.js";

function base64(s) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)));
}

function showKey(title, pipedId, key) {
  return secretDialog({ title, note: "The key is shown only once. Put it in the piped's configuration now.",
    fields: [{ label: "Piped ID", value: pipedId }, { label: "Piped key", value: key },
      { label: "Base64-encoded piped key", value: base64(key) }] });
}

function table(pipeds) {
  return html`<table class="table table-cards" data-pipeds><caption class="visually-hidden">Pipeds</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">ID</th><th scope="col">Version</th>
      <th scope="col">Desired version</th><th scope="col">Started</th><th scope="col">Keys</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${pipeds.map((p) => html`<tr data-piped="${p.id}">
      <td data-label="Name"><strong>${p.name}</strong>${p.desc ? html`<div class="muted small">${p.desc}</div>` : ""}</td>
      <td data-label="Status">${p.disabled ? badge("DISABLED", "Disabled") : badge(p.status)}</td>
      <td data-label="ID" class="mono small">${p.id}</td>
      <td data-label="Version" class="mono">${p.version || html`<span class="muted">unknown</span>`}</td>
      <td data-label="Desired version" class="mono">${p.desiredVersion || html`<span class="muted">none</span>`}</td>
      <td data-label="Started">${p.startedAt ? ago(p.startedAt) : html`<span class="muted">never</span>`}</td>
      <td data-label="Keys">${p.keys.length} ${p.keys.length ? html`<span class="muted small">(newest ${dateTime(Math.max(...p.keys.map((k) => k.createdAt)))})</span>` : ""}</td>
      <td class="actions">${menuButton(p.id, p.name)}</td>
    </tr>`)}</tbody></table>`;
}

export default {
  title: "Piped settings",
  mount(ctx) {
    const enabled = ctx.query.get("enabled") || "";
    render(ctx.root, html`${settingsTabs(ctx.path)}
      <div class="page-head"><h1 tabindex="-1">Pipeds</h1>
        <div class="page-actions">
          <label class="inline-field">Show <select data-enabled>
            <option value="" ${enabled === "" ? "selected" : ""}>All</option>
            <option value="true" ${enabled === "true" ? "selected" : ""}>Enabled</option>
            <option value="false" ${enabled === "false" ? "selected" : ""}>Disabled</option></select></label>
          <button type="button" class="button" data-upgrade>Upgrade</button>
          <button type="button" class="button button-primary" data-add>Add piped</button>
        </div></div>
      <div data-list><p class="muted">Loading…</p></div>`);
    const list = ctx.root.querySelector("[data-list]");
    let pipeds = [];
    let filter = enabled;

    const refresh = poll(ctx, async () => {
      const options = filter === "" ? {} : { enabled: filter === "true" };
      try {
        pipeds = (await api.ListPipeds({ withStatus: true, options }, { signal: ctx.signal })).pipeds;
      } catch (err) {
        if (ctx.alive) patch(list, errorBox(describeError(err)));
        return err.code !== "PERMISSION_DENIED";
      }
      if (!ctx.alive) return false;
      patch(list, pipeds.length ? table(pipeds) : html`<div class="empty"><p>No pipeds yet. Add one to connect a piped agent.</p></div>`);
      return true;
    }, INTERVALS.pipeds);

    const changed = () => {
      invalidate("pipeds");
      refresh.now();
    };
    const run = (fn) => async () => {
      try {
        await fn();
      } catch (err) {
        toast(describeError(err), "error");
      }
    };

    ctx.root.querySelector("[data-enabled]").addEventListener("change", (e) => {
      filter = e.target.value;
      setQuery({ enabled: filter });
      refresh.now();
    });

    ctx.root.querySelector("[data-add]").addEventListener("click", run(async () => {
      const res = await formDialog({
        title: "Add piped", submit: "Register",
        body: html`${input({ name: "name", label: "Name", required: true })}${input({ name: "desc", label: "Description" })}`,
        onSubmit: async (data) => api.RegisterPiped({ name: data.get("name").trim(), desc: data.get("desc").trim() }),
      });
      if (!res) return;
      changed();
      await showKey("Piped registered", res.id, res.key);
    }));

    ctx.root.querySelector("[data-upgrade]").addEventListener("click", run(async () => {
      let versions = [];
      let notes = "";
      const [released, deprecated] = await Promise.allSettled([api.ListReleasedVersions({}),
        api.ListDeprecatedNotes({ projectId: session.me.projectId })]);
      if (released.status === "fulfilled") versions = released.value.versions; // else: type the version
      if (deprecated.status === "fulfilled") notes = deprecated.value.notes;
      const done = await formDialog({
        title: "Upgrade pipeds", submit: "Set desired version", wide: true,
        body: html`${input({ name: "version", label: "Version", required: true, placeholder: "v0.52.0",
            attrs: html`list="released-versions" pattern="v.+"`, hint: "Pipeds started by the launcher upgrade to it." })}
          <datalist id="released-versions">${versions.map((x) => html`<option value="${x}">`)}</datalist>
          ${notes ? html`<details class="field"><summary>Breaking changes since the oldest piped's version</summary>
            <pre class="reason">${notes}</pre></details>` : ""}
          <fieldset class="checks"><legend>Pipeds</legend>${pipeds.filter((p) => !p.disabled).map((p) => html`
            <label><input type="checkbox" name="pipedIds" value="${p.id}" checked> ${p.name}
              <span class="muted small">${p.version || ""}</span></label>`)}</fieldset>`,
        onSubmit: async (data) => {
          const ids = data.getAll("pipedIds");
          if (!ids.length) throw new Error("Choose at least one piped.");
          await api.UpdatePipedDesiredVersion({ version: data.get("version").trim(), pipedIds: ids });
        },
      });
      if (done) {
        toast("Desired version saved.", "success");
        changed();
      }
    }));

    ctx.onCleanup(attachMenu(list, (id) => {
      const p = pipeds.find((x) => x.id === id);
      if (!p) return [];
      return [
        { label: "Edit", run: run(async () => {
          if (await formDialog({ title: `Edit ${p.name}`,
            body: html`${input({ name: "name", label: "Name", value: p.name, required: true })}${input({ name: "desc", label: "Description", value: p.desc })}`,
            onSubmit: (data) => api.UpdatePiped({ pipedId: p.id, name: data.get("name").trim(), desc: data.get("desc").trim() }) })) changed();
        }) },
        { label: "Recreate key", run: run(async () => {
          const res = await confirmDialog({ title: `Recreate the key of ${p.name}?`, confirm: "Recreate key",
            message: "A new key is added; the old one keeps working until you delete it.",
            onConfirm: () => api.RecreatePipedKey({ id: p.id }) });
          if (!res) return;
          changed();
          await showKey("New piped key", p.id, res.key);
        }) },
        { label: "Delete old key", disabled: p.keys.length < 2, run: run(async () => {
          if (await confirmDialog({ title: `Delete the old key of ${p.name}?`, danger: true, confirm: "Delete old key",
            message: "Only the newest key keeps working. Make sure the piped already uses it.",
            onConfirm: () => api.DeleteOldPipedKeys({ pipedId: p.id }) })) {
            toast("Old key deleted.", "success");
            changed();
          }
        }) },
        { label: "Restart", disabled: p.disabled, run: run(async () => {
          const { commandId } = await api.RestartPiped({ pipedId: p.id });
          watchCommand(ctx, commandId, `Restart of ${p.name}`);
        }) },
        p.disabled
          ? { label: "Enable", run: run(async () => { await api.EnablePiped({ pipedId: p.id }); toast(`${p.name} enabled.`, "success"); changed(); }) }
          : { label: "Disable", danger: true, run: run(async () => {
            if (await confirmDialog({ title: `Disable ${p.name}?`, danger: true, confirm: "Disable",
              message: "A disabled piped cannot connect.", onConfirm: () => api.DisablePiped({ pipedId: p.id }) })) changed();
          }) },
      ];
    }));
  },
};
