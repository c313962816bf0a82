// The console's entry point: find out who is signed in, draw the frame, route the pages.
import "./styles/app.css";
import { onRpcError } from "./api/client.js";
import { describeError } from "./api/errors.js";
import { frame, highlight } from "./components/layout.js";
import { errorBox, toast } from "./components/notify.js";
import { takeLoginError } from "./lib/cookies.js";
import { html, render } from "./lib/html.js";
import { notFound, route, start } from "./lib/router.js";
import { loadSession, session } from "./lib/session.js";
import { PAGES, NOT_FOUND } from "./pages/index.js";

const app = document.getElementById("app");
let main = null; // the <main> of the frame, once drawn
let first = true;

function outlet(page, ctx) {
  if (page.public) {
    main = null;
    render(app, html`<main id="main" class="public" tabindex="-1"></main>`);
    return app.querySelector("main");
  }
  if (!session.me) {
    location.assign(ctx.path + location.search); // signed in since the page loaded: start afresh
    return document.createElement("div");
  }
  if (!main) main = frame(app, session.me);
  highlight(app, ctx.path);
  main.replaceChildren();
  const root = document.createElement("div");
  root.className = "page";
  main.append(root);
  if (!first) queueMicrotask(() => (root.querySelector("h1") || main).focus({ preventScroll: false }));
  first = false;
  return root;
}

function redirect(url) {
  if (url.pathname === "/" || url.pathname === "/index.html") return "/applications";
  if (url.pathname === "/settings" || url.pathname === "/settings/") return "/settings/piped";
  return null;
}

async function boot() {
  session.loginError = takeLoginError();
  for (const [path, page] of PAGES) route(path, page);
  notFound(NOT_FOUND);
  const onLogin = location.pathname === "/login";
  try {
    await loadSession();
    if (onLogin) history.replaceState(null, "", "/applications");
  } catch (err) {
    if (err.code !== "UNAUTHENTICATED") {
      render(app, html`<main id="main" class="public">${errorBox(describeError(err))}
        <p><a href="/login" data-native>Go to the login page</a></p></main>`);
      return;
    }
    if (!onLogin) history.replaceState(null, "", "/login");
  }
  if (session.me && session.loginError) {
    toast(`Login failed: ${session.loginError}`, "error", 0);
    session.loginError = null;
  }
  // A session that expires while the console is open: back to the login page.
  onRpcError((err) => {
    if (err.code === "UNAUTHENTICATED" && session.me) location.assign("/login");
  });
  start(outlet, redirect);
}

boot();
