// Labelled form controls (every control has a <label>; hints are tied with aria-describedby).
import { html } from "../lib/html.js";

let seq = 0;

function hintOf(id, hint) {
  return hint ? html`<p class="hint" id="${id}-h">${hint}</p>` : "";
}

export function input({ name, label, value = "", type = "text", required = false, hint = "", placeholder = "",
  autocomplete = "off", attrs = "" }) {
  const id = `f-${name}-${++seq}`;
  return html`<div class="field">
    <label for="${id}">${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : ""}</label>
    <input id="${id}" name="${name}" type="${type}" value="${value}" placeholder="${placeholder}"
      autocomplete="${autocomplete}" ${required ? "required" : ""} ${hint ? html`aria-describedby="${id}-h"` : ""} ${attrs}>
    ${hintOf(id, hint)}
  </div>`;
}

export function textarea({ name, label, value = "", rows = 4, required = false, hint = "", mono = false }) {
  const id = `f-${name}-${++seq}`;
  return html`<div class="field">
    <label for="${id}">${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : ""}</label>
    <textarea id="${id}" name="${name}" rows="${rows}" class="${mono ? "mono" : ""}" ${required ? "required" : ""}
      ${hint ? html`aria-describedby="${id}-h"` : ""}>${value}</textarea>
    ${hintOf(id, hint)}
  </div>`;
}

/** options: [[value, text], ...] */
export function select({ name, label, options, value = "", required = false, hint = "", empty = null }) {
  const id = `f-${name}-${++seq}`;
  return html`<div class="field">
    <label for="${id}">${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : ""}</label>
    <select id="${id}" name="${name}" ${required ? "required" : ""} ${hint ? html`aria-describedby="${id}-h"` : ""}>
      ${empty !== null ? html`<option value="">${empty}</option>` : ""}
      ${options.map(([v, t]) => html`<option value="${v}" ${String(v) === String(value) ? "selected" : ""}>${t}</option>`)}
    </select>
    ${hintOf(id, hint)}
  </div>`;
}

export function checkbox({ name, label, checked = false, value = "on" }) {
  const id = `f-${name}-${++seq}`;
  return html`<div class="field field-check">
    <input id="${id}" type="checkbox" name="${name}" value="${value}" ${checked ? "checked" : ""}>
    <label for="${id}">${label}</label>
  </div>`;
}
