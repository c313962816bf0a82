// Short messages in a live region: `toast("Piped registered")`, `toast(describeError(e), "error")`.
import { html, fragment } from "../lib/html.js";

function region() {
  let el = document.getElementById("toasts");
  if (!el) {
    el = document.createElement("div");
    el.id = "toasts";
    el.className = "toasts";
    document.body.append(el);
  }
  return el;
}

export function toast(message, kind = "info", ms = 6000) {
  // Errors are announced at once (role=alert); the rest politely (role=status).
  const el = fragment(html`<div class="toast toast-${kind}" role="${kind === "error" ? "alert" : "status"}">
    <span>${message}</span>
    <button type="button" class="icon-button" aria-label="Dismiss">×</button>
  </div>`);
  const close = () => el.remove();
  el.querySelector("button").addEventListener("click", close);
  region().append(el);
  if (ms) setTimeout(close, ms);
  return el;
}

/** An inline error block (role=alert) to put in a page or dialog. */
export function errorBox(message) {
  return html`<div class="alert alert-error" role="alert">${message}</div>`;
}
