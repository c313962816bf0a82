// The page frame: skip link, header with the main navigation and the user, and <main>.
// (No avatar image: the console loads nothing from other sites.) Under 760 px the navigation folds behind a "Menu" disclosure button.
import { html, render } from "../lib/html.js";

const NAV = [
  ["/applications", "Applications"],
  ["/deployments", "Deployments"],
  ["/deployment-traces", "Traces"],
  ["/chains", "Chains"],
  ["/events", "Events"],
  ["/insights", "Insights"],
  ["/settings/piped", "Settings", "/settings"],
];

export const SETTINGS_NAV = [
  ["/settings/piped", "Piped"],
  ["/settings/project", "Project"],
  ["/settings/api-key", "API Key"],
];

function current(path, href, prefix) {
  return path === href || path.startsWith((prefix || href) + "/") ? html` aria-current="page"` : "";
}

/** Render the frame into `app` once; returns the <main> element pages render into. */
export function frame(app, me) {
  render(app, html`<a class="skip-link" href="#main">Skip to content</a>
  <header class="topbar">
    <a class="brand" href="/applications" aria-label="PipeCD home">
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M4 4h10a6 6 0 010 12H9v4H4V4zm5 4v4h5a2 2 0 000-4H9z"/></svg>
      <span>PipeCD</span>
    </a>
    <button type="button" class="nav-toggle button button-small" aria-expanded="false" aria-controls="main-nav">Menu</button>
    <nav id="main-nav" class="mainnav" aria-label="Main"><ul></ul></nav>
    <div class="user">
      <span class="avatar" aria-hidden="true">${(me.subject || "?").charAt(0).toUpperCase()}</span>
      <span class="user-name"><span class="visually-hidden">Signed in as </span>${me.subject}
        <span class="user-project">${me.projectId}</span></span>
      <a class="button button-small" href="/auth/logout" data-native>Log out</a>
    </div>
  </header>
  <main id="main" tabindex="-1"></main>`);
  const toggle = app.querySelector(".nav-toggle");
  const nav = app.querySelector(".mainnav");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
  nav.addEventListener("click", (e) => {
    if (e.target.closest("a")) {
      toggle.setAttribute("aria-expanded", "false");
      nav.classList.remove("open");
    }
  });
  return app.querySelector("main");
}

/** Mark the current section in the navigation. */
export function highlight(app, path) {
  const ul = app.querySelector(".mainnav ul");
  if (ul) render(ul, NAV.map(([href, text, prefix]) => html`<li><a href="${href}"${current(path, href, prefix)}>${text}</a></li>`));
}

/** The tabs of the settings pages. */
export function settingsTabs(path) {
  return html`<nav class="tabs" aria-label="Settings"><ul>
    ${SETTINGS_NAV.map(([href, text]) => html`<li><a href="${href}"${current(path, href)}>${text}</a></li>`)}
  </ul></nav>`;
}
