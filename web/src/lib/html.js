// HTML built from tagged templates, escaped by default (the console's only way to make markup).
//
//   html`<td>${app.name}</td>`          -> app.name is escaped (text and attribute safe)
//   html`<ul>${items.map(i => html`<li>${i}</li>`)}</ul>`  -> nested templates are kept as markup
//
// Every interpolated value is escaped unless it is itself the result of `html` (or `raw`, for
// markup the console generated itself, never data). URLs that come from data go through
// `safeUrl`, which only lets http(s) and same-site paths through (no `javascript:`).

class Html {
  constructor(s) {
    this.s = s;
  }
  toString() {
    return this.s;
  }
}

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };
const ESC_RE = /[&<>"'`]/g;

export function escape(v) {
  return String(v).replace(ESC_RE, (c) => ESC[c]);
}

function piece(v) {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.s;
  if (Array.isArray(v)) {
    let out = "";
    for (const x of v) out += piece(x);
    return out;
  }
  return escape(v);
}

export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup the console wrote itself (e.g. an SVG path built from numbers). Never pass data. */
export function raw(s) {
  return new Html(String(s));
}

/** `url` when it is http(s) or a path on this site, else "" (rendered as no link). */
export function safeUrl(url) {
  if (typeof url !== "string" || url === "") return "";
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "";
  } catch {
    return "";
  }
}

/** Replace the children of `el` with `markup`. */
export function render(el, markup) {
  el.innerHTML = piece(markup);
  return el;
}

/** One element made from markup (the first element of it). */
export function fragment(markup) {
  const t = document.createElement("template");
  t.innerHTML = piece(markup);
  return t.content.firstElementChild;
}

/** Like render, but leaves `el` alone when the markup is unchanged (polled views keep focus). */
export function patch(el, markup) {
  const s = piece(markup);
  if (el.__markup !== s) {
    el.__markup = s;
    el.innerHTML = s;
    return true;
  }
  return false;
}
