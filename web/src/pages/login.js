// /login: PipeCD's two steps. First the project; then "Log in with SSO" (POST /auth/login) and
// the static admin form (POST /auth/login/static). Both are plain form posts: the server sets the
// `token` cookie and redirects (303) to "/", or sets the `error` cookie, which main.js shows.
import { html, render } from "../lib/html.js";
import { navigate } from "../lib/router.js";
import { input } from "../components/fields.js";
import { errorBox } from "../components/notify.js";
import { session } from "../lib/session.js";

const LAST_PROJECT = "pipecd-cp.project";

export default {
  title: "Log in",
  mount(ctx) {
    const project = ctx.query.get("project") || "";
    const error = session.loginError;
    session.loginError = null;
    const box = error ? errorBox(`Login failed: ${error}`) : "";
    if (!project) {
      let last = "";
      try { last = localStorage.getItem(LAST_PROJECT) || ""; } catch { /* storage may be off */ }
      render(ctx.root, html`<section class="login card" aria-labelledby="login-t">
        <h1 id="login-t" tabindex="-1">Sign in to PipeCD</h1>
        ${box}
        <form class="stack" data-project>
          ${input({ name: "project", label: "Project name", value: last, required: true, autocomplete: "organization" })}
          <button class="button button-primary" type="submit">Continue</button>
        </form>
      </section>`);
      ctx.root.querySelector("form").addEventListener("submit", (e) => {
        e.preventDefault();
        const value = new FormData(e.target).get("project").trim();
        if (!value) return;
        try { localStorage.setItem(LAST_PROJECT, value); } catch { /* ignore */ }
        navigate(`/login?project=${encodeURIComponent(value)}`);
      });
      return;
    }
    render(ctx.root, html`<section class="login card" aria-labelledby="login-t">
      <h1 id="login-t" tabindex="-1">Sign in to ${project}</h1>
      ${box}
      <form method="post" action="/auth/login" class="stack">
        <input type="hidden" name="project" value="${project}">
        <button class="button button-primary button-block" type="submit">Log in with SSO</button>
      </form>
      <div class="divider"><span>or with the static admin</span></div>
      <form method="post" action="/auth/login/static" class="stack" aria-label="Static admin login">
        <input type="hidden" name="project" value="${project}">
        ${input({ name: "username", label: "Username", required: true, autocomplete: "username" })}
        ${input({ name: "password", label: "Password", type: "password", required: true, autocomplete: "current-password" })}
        <button class="button button-primary button-block" type="submit">Log in</button>
      </form>
      <p class="center"><a href="/login">Use another project</a></p>
    </section>`);
  },
};
