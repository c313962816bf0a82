// Modal dialogs on the native <dialog> element (focus is trapped and Escape closes it).
//
//   const ok = await formDialog({title, body: html`...fields...`, submit: "Add",
//                                onSubmit: async (data, form) => { ...call...; return result }});
// `onOpen(form)` may wire the fields once they exist. The dialog stays open and shows the error when onSubmit throws; it resolves with onSubmit's
// result, or null when cancelled.
import { describeError } from "../api/errors.js";
import { html, fragment, render } from "../lib/html.js";
import { errorBox } from "./notify.js";

let seq = 0;

function open(markup) {
  const el = fragment(markup);
  document.body.append(el);
  el.addEventListener("close", () => el.remove());
  el.showModal();
  return el;
}

export function formDialog({ title, body, submit = "Save", danger = false, onSubmit, onOpen, wide = false }) {
  const id = `dlg-${++seq}`;
  const el = open(html`<dialog class="dialog${wide ? " dialog-wide" : ""}" aria-labelledby="${id}-t">
    <form method="dialog" novalidate>
      <h2 id="${id}-t">${title}</h2>
      <div class="dialog-body">${body}</div>
      <div class="dialog-error" aria-live="assertive"></div>
      <div class="dialog-actions">
        <button type="button" class="button" data-cancel>Cancel</button>
        <button type="submit" class="button ${danger ? "button-danger" : "button-primary"}">${submit}</button>
      </div>
    </form>
  </dialog>`);
  const form = el.querySelector("form");
  const errors = el.querySelector(".dialog-error");
  const button = form.querySelector('button[type="submit"]');
  if (onOpen) onOpen(form);
  const first = form.querySelector("input:not([type=hidden]), select, textarea");
  if (first) first.focus();
  return new Promise((resolve) => {
    let result = null;
    el.addEventListener("close", () => resolve(result));
    el.querySelector("[data-cancel]").addEventListener("click", () => el.close());
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      errors.innerHTML = "";
      button.disabled = true;
      try {
        result = (await onSubmit(new FormData(form), form)) ?? true;
        el.close();
      } catch (err) {
        render(errors, errorBox(err && err.code ? describeError(err) : (err && err.message) || String(err)));
        button.disabled = false;
      }
    });
  });
}

export function confirmDialog({ title, message, confirm = "Confirm", danger = false, onConfirm }) {
  return formDialog({ title, body: html`<p>${message}</p>`, submit: confirm, danger,
    onSubmit: () => (onConfirm ? onConfirm() : true) });
}

/**
 * Show values the server returns only once (a piped key, an API key), each with a copy button.
 * fields: [{label, value, multiline}]
 */
export function secretDialog({ title, note, fields }) {
  const id = `dlg-${++seq}`;
  const el = open(html`<dialog class="dialog dialog-wide" aria-labelledby="${id}-t">
    <h2 id="${id}-t">${title}</h2>
    <p class="alert alert-warning">${note || "This is shown only once. Copy it now and keep it somewhere safe."}</p>
    ${fields.map((f, i) => html`<div class="field">
      <label for="${id}-${i}">${f.label}</label>
      <div class="copy-row">
        ${f.multiline
          ? html`<textarea id="${id}-${i}" class="mono secret" readonly rows="6">${f.value}</textarea>`
          : html`<input id="${id}-${i}" class="mono secret" readonly value="${f.value}">`}
        <button type="button" class="button" data-copy="${i}" aria-label="Copy ${f.label}">Copy</button>
      </div>
    </div>`)}
    <div class="dialog-actions"><button type="button" class="button button-primary" data-close>Done</button></div>
  </dialog>`);
  el.querySelectorAll("[data-copy]").forEach((b) => b.addEventListener("click", async () => {
    const input = el.querySelector(`#${id}-${b.dataset.copy}`);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      b.textContent = "Copied";
    } catch {
      b.textContent = "Select and copy";
    }
  }));
  el.querySelector("[data-close]").addEventListener("click", () => el.close());
  el.querySelector("[data-close]").focus();
  return new Promise((resolve) => el.addEventListener("close", () => resolve()));
}
