// A small History-API router: `route("/applications/:id", page)`; links are plain <a href>.
//
// A page is `{title, mount(ctx)}`. `mount` renders into ctx.root and may return nothing; anything
// it starts (polls, listeners) registers a stop function with ctx.onCleanup, which runs when the
// user navigates away. ctx.signal is aborted at the same time, for fetches in flight.

const routes = [];
let fallback = null; // the page for paths no route matches
let current = null; // {ctx}
let outletFn = null;
let guard = null;

/** Register a page for a path pattern; `:name` segments become ctx.params.name. */
export function route(pattern, page) {
  const keys = [];
  const re = new RegExp("^" + pattern.replace(/\/:(\w+)/g, (_, k) => {
    keys.push(k);
    return "/([^/]+)";
  }) + "/?$");
  routes.push({ re, keys, page });
}

/** The page shown for a path no route matches. */
export function notFound(page) {
  fallback = page;
}

function match(pathname) {
  for (const r of routes) {
    const m = r.re.exec(pathname);
    if (m) {
      const params = {};
      r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      return { page: r.page, params };
    }
  }
  return null;
}

/** Go to `url` (a path on this site). `replace` swaps the history entry instead of adding one. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  show();
}

/** Change the current URL's query without re-mounting the page (filters, paging). */
export function setQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== null && v !== undefined) q.set(k, v);
  const s = q.toString();
  history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
}

async function show() {
  if (current) current.cleanup();
  const url = new URL(location.href);
  const redirect = guard ? guard(url) : null;
  if (redirect) {
    history.replaceState(null, "", redirect);
    return show();
  }
  const found = match(url.pathname) || { page: fallback, params: {} };
  const cleanups = [];
  const abort = new AbortController();
  const ctx = {
    params: found.params,
    query: url.searchParams,
    path: url.pathname,
    signal: abort.signal,
    alive: true,
    onCleanup(fn) { cleanups.push(fn); },
    root: null,
  };
  current = {
    cleanup() {
      ctx.alive = false;
      abort.abort();
      for (const fn of cleanups.splice(0)) {
        try { fn(); } catch (err) { console.error(err); }
      }
    },
  };
  ctx.root = outletFn(found.page, ctx);
  document.title = `${typeof found.page.title === "function" ? found.page.title(ctx) : found.page.title} · PipeCD`;
  try {
    await found.page.mount(ctx);
  } catch (err) {
    console.error(err);
  }
}

/**
 * Start routing. `outlet(page, ctx)` prepares the page's container and returns it; `redirect(url)`
 * may return another path to go to instead (e.g. "/" -> "/applications").
 */
export function start(outlet, redirect) {
  outletFn = outlet;
  guard = redirect;
  window.addEventListener("popstate", show);
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download") || a.dataset.native !== undefined) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/auth/")) return;
    e.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  show();
}
