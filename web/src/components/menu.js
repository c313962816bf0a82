// One shared action menu for many rows (a list of 1,000 applications keeps one menu, not 1,000).
// A row's trigger is `<button data-menu="ID" aria-haspopup="menu" aria-expanded="false">`;
// `items(id)` gives [{label, run, danger, disabled}] when it opens. Arrow keys move, Escape
// closes and returns focus to the trigger.
import { html, render } from "../lib/html.js";

export function attachMenu(container, items) {
  const menu = document.createElement("div");
  menu.className = "menu";
  menu.setAttribute("role", "menu");
  menu.hidden = true;
  document.body.append(menu);
  let trigger = null;
  let actions = [];

  function close(focus = true) {
    if (menu.hidden) return;
    menu.hidden = true;
    if (trigger) {
      trigger.setAttribute("aria-expanded", "false");
      if (focus) trigger.focus();
    }
    trigger = null;
  }

  function open(button) {
    trigger = button;
    actions = items(button.dataset.menu).filter(Boolean);
    render(menu, actions.map((a, i) => html`<button type="button" role="menuitem" tabindex="-1" data-i="${i}"
      class="${a.danger ? "danger" : ""}" ${a.disabled ? "disabled" : ""}>${a.label}</button>`));
    menu.setAttribute("aria-label", button.getAttribute("aria-label") || "Actions");
    menu.hidden = false;
    const r = button.getBoundingClientRect();
    const w = menu.offsetWidth;
    menu.style.top = `${window.scrollY + r.bottom + 4}px`;
    menu.style.left = `${Math.max(8, Math.min(window.scrollX + r.right - w, window.scrollX + document.documentElement.clientWidth - w - 8))}px`;
    button.setAttribute("aria-expanded", "true");
    const first = menu.querySelector("button:not([disabled])");
    if (first) first.focus();
  }

  container.addEventListener("click", (e) => {
    const b = e.target.closest("[data-menu]");
    if (!b) return;
    e.stopPropagation();
    if (trigger === b) close();
    else {
      close(false);
      open(b);
    }
  });
  menu.addEventListener("click", (e) => {
    const b = e.target.closest("[data-i]");
    if (!b || b.disabled) return;
    const action = actions[Number(b.dataset.i)];
    close();
    action.run();
  });
  menu.addEventListener("keydown", (e) => {
    const buttons = [...menu.querySelectorAll("button:not([disabled])")];
    const i = buttons.indexOf(document.activeElement);
    if (e.key === "ArrowDown") buttons[(i + 1) % buttons.length].focus();
    else if (e.key === "ArrowUp") buttons[(i - 1 + buttons.length) % buttons.length].focus();
    else if (e.key === "Home") buttons[0].focus();
    else if (e.key === "End") buttons[buttons.length - 1].focus();
    else if (e.key === "Escape") close();
    else if (e.key === "Tab") close(false);
    else return;
    e.preventDefault();
  });
  const outside = (e) => {
    if (!menu.hidden && !menu.contains(e.target)) close(false);
  };
  document.addEventListener("click", outside);
  return () => {
    document.removeEventListener("click", outside);
    menu.remove();
  };
}

/** The trigger button of a row. */
export function menuButton(id, name) {
  return html`<button type="button" class="icon-button" data-menu="${id}" aria-haspopup="menu" aria-expanded="false"
    aria-label="Actions for ${name}">⋮</button>`;
}
