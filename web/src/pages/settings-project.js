// /settings/project: the static admin, single sign-on, RBAC roles and user groups.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { html, render } from "../lib/html.js";
import { dateTime } from "../lib/format.js";
import { formatPolicies, parsePolicies } from "../lib/rbac.js";
import { badge } from "../components/badge.js";
import { confirmDialog, formDialog } from "../components/dialog.js";
import { input, select, textarea } from "../components/fields.js";
import { settingsTabs } from "../components/layout.js";
import { errorBox, toast } from "../components/notify.js";

const GITHUB_FIELDS = [["clientId", "Client ID", true], ["clientSecret", "Client secret", true],
  ["baseUrl", "Base URL (GitHub Enterprise)"], ["uploadUrl", "Upload URL (GitHub Enterprise)"], ["proxyUrl", "Proxy URL"]];
const OIDC_FIELDS = [["clientId", "Client ID", true], ["clientSecret", "Client secret", true], ["issuer", "Issuer"],
  ["redirectUri", "Redirect URI"], ["authorizationEndpoint", "Authorization endpoint"], ["tokenEndpoint", "Token endpoint"],
  ["userInfoEndpoint", "User info endpoint"], ["proxyUrl", "Proxy URL"], ["rolesClaimKey", "Roles claim key"],
  ["usernameClaimKey", "Username claim key"], ["avatarUrlClaimKey", "Avatar URL claim key"]];

function ssoSummary(p) {
  if (p.sharedSsoName) return html`<p>Uses the shared SSO configuration <strong>${p.sharedSsoName}</strong> of the control plane.</p>`;
  const sso = p.sso;
  if (!sso || (!sso.github && !sso.oidc && !sso.google)) return html`<p class="muted">Single sign-on is not configured.</p>`;
  const cfg = sso.provider === "OIDC" ? sso.oidc : sso.github;
  return html`<dl class="props">
    <div><dt>Provider</dt><dd>${sso.provider === "OIDC" ? "OpenID Connect" : sso.provider === "GITHUB" ? "GitHub" : sso.provider}</dd></div>
    ${sso.sessionTtl ? html`<div><dt>Session TTL</dt><dd>${sso.sessionTtl} h</dd></div>` : ""}
    ${cfg && cfg.baseUrl ? html`<div><dt>Base URL</dt><dd>${cfg.baseUrl}</dd></div>` : ""}
    ${cfg && cfg.issuer ? html`<div><dt>Issuer</dt><dd>${cfg.issuer}</dd></div>` : ""}
  </dl>`;
}

function roles(p) {
  return html`<table class="table table-cards"><caption class="visually-hidden">Roles</caption>
    <thead><tr><th scope="col">Role</th><th scope="col">Policies</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${p.rbacRoles.map((r) => html`<tr>
      <td data-label="Role"><strong>${r.name}</strong> ${r.isBuiltin ? html`<span class="chip">built-in</span>` : ""}</td>
      <td data-label="Policies"><pre class="policies">${formatPolicies(r.policies)}</pre></td>
      <td class="actions">${r.isBuiltin ? "" : html`<button type="button" class="button button-small" data-edit-role="${r.name}">Edit<span class="visually-hidden"> ${r.name}</span></button>
        <button type="button" class="button button-small button-danger" data-delete-role="${r.name}">Delete<span class="visually-hidden"> ${r.name}</span></button>`}</td>
    </tr>`)}</tbody></table>`;
}

function groups(p) {
  if (!p.userGroups.length) return html`<p class="muted">No user groups. SSO users get their role from the group they belong to.</p>`;
  return html`<table class="table table-cards"><caption class="visually-hidden">User groups</caption>
    <thead><tr><th scope="col">Team / group</th><th scope="col">Role</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${p.userGroups.map((g) => html`<tr><td data-label="Team / group" class="mono">${g.ssoGroup}</td><td data-label="Role">${g.role}</td>
      <td class="actions"><button type="button" class="button button-small button-danger" data-delete-group="${g.ssoGroup}">Delete<span class="visually-hidden"> ${g.ssoGroup}</span></button></td></tr>`)}</tbody></table>`;
}

function ssoDialog(p) {
  const sso = p.sso || {};
  const provider = sso.provider === "OIDC" ? "OIDC" : "GITHUB";
  const fields = (prefix, list, current) => list.map(([k, l, req]) => input({ name: `${prefix}.${k}`, label: l, required: false,
    value: current && !/secret|clientId/i.test(k) ? current[k] || "" : "", type: /secret/i.test(k) ? "password" : "text",
    hint: req ? "Required." : "" }));
  return formDialog({
    title: "Single sign-on", submit: "Save", wide: true,
    body: html`<p class="muted">The client ID and secret are stored encrypted and never shown again; enter them each time.</p>
      ${select({ name: "provider", label: "Provider", value: provider, options: [["GITHUB", "GitHub"], ["OIDC", "OpenID Connect"]] })}
      ${input({ name: "sessionTtl", label: "Session TTL (hours)", type: "number", value: sso.sessionTtl || 168, required: true, attrs: html`min="1"` })}
      <fieldset data-provider="GITHUB"><legend>GitHub</legend>${fields("github", GITHUB_FIELDS, sso.github)}</fieldset>
      <fieldset data-provider="OIDC"><legend>OpenID Connect</legend>${fields("oidc", OIDC_FIELDS, sso.oidc)}
        ${input({ name: "oidc.scopes", label: "Scopes", value: sso.oidc ? sso.oidc.scopes.join(" ") : "", hint: "Space separated; openid is always asked for." })}</fieldset>`,
    onOpen: (form) => {
      const sync = () => form.querySelectorAll("[data-provider]").forEach((fs) => { fs.hidden = fs.dataset.provider !== form.elements.provider.value; });
      form.elements.provider.addEventListener("change", sync);
      sync();
    },
    onSubmit: async (data) => {
      const prov = data.get("provider");
      const prefix = prov === "OIDC" ? "oidc" : "github";
      const list = prov === "OIDC" ? OIDC_FIELDS : GITHUB_FIELDS;
      const cfg = {};
      for (const [k, l, req] of list) {
        cfg[k] = (data.get(`${prefix}.${k}`) || "").trim();
        if (req && !cfg[k]) throw new Error(`${l} is required.`);
      }
      if (prov === "OIDC") cfg.scopes = (data.get("oidc.scopes") || "").split(/\s+/).filter(Boolean);
      await api.UpdateProjectSSOConfig({ sso: { provider: prov, sessionTtl: Number(data.get("sessionTtl")), [prefix]: cfg } });
    },
  });
}

function roleDialog(existing) {
  return formDialog({
    title: existing ? `Edit role ${existing.name}` : "Add role", submit: existing ? "Save" : "Add", wide: true,
    body: html`${existing ? html`<input type="hidden" name="name" value="${existing.name}">` : input({ name: "name", label: "Name", required: true })}
      ${textarea({ name: "policies", label: "Policies", required: true, mono: true, rows: 5,
        value: existing ? formatPolicies(existing.policies) : "",
        hint: "One policy a line: resources=application,deployment;actions=get,list (* for all). Resources: application, deployment, event, piped, deploymentChain, project, apiKey, insight." })}`,
    onSubmit: async (data) => {
      const policies = parsePolicies(data.get("policies"));
      const name = data.get("name").trim();
      await (existing ? api.UpdateProjectRBACRole({ name, policies }) : api.AddProjectRBACRole({ name, policies }));
    },
  });
}

export default {
  title: "Project settings",
  async mount(ctx) {
    render(ctx.root, html`${settingsTabs(ctx.path)}<div class="page-head"><h1 tabindex="-1">Project</h1></div>
      <div data-body><p class="muted">Loading…</p></div>`);
    const body = ctx.root.querySelector("[data-body]");
    let p = null;
    async function load() {
      try {
        p = (await api.GetProject({}, { signal: ctx.signal })).project;
      } catch (err) {
        if (ctx.alive) render(body, errorBox(describeError(err)));
        return;
      }
      if (!ctx.alive) return;
      const admin = p.staticAdmin || { username: "" };
      render(body, html`
        <section class="card" aria-labelledby="pj-t"><h2 id="pj-t">Project</h2><dl class="props">
          <div><dt>ID</dt><dd class="mono">${p.id}</dd></div>
          ${p.desc ? html`<div><dt>Description</dt><dd>${p.desc}</dd></div>` : ""}
          <div><dt>Created</dt><dd>${dateTime(p.createdAt)}</dd></div>
          <div><dt>Stray SSO users</dt><dd>${p.allowStrayAsViewer ? "become Viewers" : "are refused"}</dd></div></dl></section>
        <section class="card" aria-labelledby="sa-t"><div class="section-head"><h2 id="sa-t">Static admin</h2>
          <div class="page-actions"><button type="button" class="button" data-act="admin-edit">Change</button>
          <button type="button" class="button" data-act="admin-toggle">${p.staticAdminDisabled ? "Enable" : "Disable"}</button></div></div>
          <dl class="props"><div><dt>Username</dt><dd class="mono">${admin.username}</dd></div>
          <div><dt>Status</dt><dd>${p.staticAdminDisabled ? badge("DISABLED", "Disabled") : badge("ENABLED", "Enabled")}</dd></div></dl></section>
        <section class="card" aria-labelledby="sso-t"><div class="section-head"><h2 id="sso-t">Single sign-on</h2>
          <div class="page-actions"><button type="button" class="button" data-act="sso">Configure</button></div></div>${ssoSummary(p)}</section>
        <section class="card" aria-labelledby="rbac-t"><div class="section-head"><h2 id="rbac-t">Roles (RBAC)</h2>
          <div class="page-actions"><button type="button" class="button" data-act="role-add">Add role</button></div></div>${roles(p)}</section>
        <section class="card" aria-labelledby="ug-t"><div class="section-head"><h2 id="ug-t">User groups</h2>
          <div class="page-actions"><button type="button" class="button" data-act="group-add">Add user group</button></div></div>${groups(p)}</section>`);
    }
    body.addEventListener("click", async (e) => {
      const b = e.target.closest("button");
      if (!b || !p) return;
      let done = null;
      try {
        if (b.dataset.act === "admin-edit") {
          done = await formDialog({ title: "Change the static admin", submit: "Save",
            body: html`${input({ name: "username", label: "Username", value: p.staticAdmin ? p.staticAdmin.username : "", required: true, autocomplete: "username" })}
              ${input({ name: "password", label: "New password", type: "password", required: true, autocomplete: "new-password" })}`,
            onSubmit: (data) => api.UpdateProjectStaticAdmin({ username: data.get("username").trim(), password: data.get("password") }) });
        } else if (b.dataset.act === "admin-toggle") {
          done = p.staticAdminDisabled ? await api.EnableStaticAdmin({})
            : await confirmDialog({ title: "Disable the static admin?", danger: true, confirm: "Disable",
              message: "Nobody can log in with the static admin until it is enabled again. Make sure SSO works first.",
              onConfirm: () => api.DisableStaticAdmin({}) });
        } else if (b.dataset.act === "sso") {
          done = await ssoDialog(p);
        } else if (b.dataset.act === "role-add") {
          done = await roleDialog(null);
        } else if (b.dataset.editRole) {
          done = await roleDialog(p.rbacRoles.find((r) => r.name === b.dataset.editRole));
        } else if (b.dataset.deleteRole) {
          const name = b.dataset.deleteRole;
          done = await confirmDialog({ title: `Delete role ${name}?`, danger: true, confirm: "Delete",
            message: "User groups using this role must be removed first.", onConfirm: () => api.DeleteProjectRBACRole({ name }) });
        } else if (b.dataset.act === "group-add") {
          done = await formDialog({ title: "Add user group", submit: "Add",
            body: html`${input({ name: "ssoGroup", label: "Team / group", required: true, placeholder: "org/team", hint: "A GitHub team as org/team-slug, or an OIDC group." })}
              ${select({ name: "role", label: "Role", options: p.rbacRoles.map((r) => [r.name, r.name]), value: "Viewer" })}`,
            onSubmit: (data) => api.AddProjectUserGroup({ ssoGroup: data.get("ssoGroup").trim(), role: data.get("role") }) });
        } else if (b.dataset.deleteGroup) {
          const ssoGroup = b.dataset.deleteGroup;
          done = await confirmDialog({ title: `Delete user group ${ssoGroup}?`, danger: true, confirm: "Delete",
            message: "Its members lose the role it gives them.", onConfirm: () => api.DeleteProjectUserGroup({ ssoGroup }) });
        }
      } catch (err) {
        toast(describeError(err), "error");
        return;
      }
      if (done) {
        toast("Project settings saved.", "success");
        load();
      }
    });
    await load();
  },
};
