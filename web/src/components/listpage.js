// The frame of the paged lists (deployments, events, traces, chains): a filter form kept in
// the URL, the items, and a "Load more" button driven by a Pager.
import { describeError } from "../api/errors.js";
import { html, render } from "../lib/html.js";
import { setQuery } from "../lib/router.js";
import { oldestUpdate } from "../lib/session.js";
import { Pager } from "./pager.js";
import { errorBox, toast } from "./notify.js";

/**
 * spec: {title, filters: ctx.query keys, filterForm(values) -> markup, fetchPage(values, page)
 *        -> {items, cursor}, draw(items) -> markup, empty: text}
 */
export function mountList(ctx, spec) {
  const values = Object.fromEntries(spec.filters.map((k) => [k, ctx.query.get(k) || ""]));
  const anyFilter = () => spec.filters.some((k) => values[k]);
  render(ctx.root, html`<div class="page-head">
      <h1 tabindex="-1">${spec.title}</h1>
      <div class="page-actions">
        ${spec.filters.length ? html`<button type="button" class="button" data-filters aria-expanded="${anyFilter()}" aria-controls="list-filters">Filters</button>` : ""}
        <button type="button" class="button" data-refresh>Refresh</button>
      </div>
    </div>
    <form id="list-filters" class="filters" role="search" aria-label="Filter ${spec.title.toLowerCase()}" ${anyFilter() ? "" : "hidden"}></form>
    <div data-list></div>
    <div class="list-status" aria-live="polite" data-count></div>
    <p class="center"><button type="button" class="button" data-more hidden>Load more</button></p>`);
  const form = ctx.root.querySelector(".filters");
  const list = ctx.root.querySelector("[data-list]");
  const status = ctx.root.querySelector("[data-count]");
  const more = ctx.root.querySelector("[data-more]");
  let pager = null;

  async function page(reset) {
    if (reset) {
      pager = new Pager((p) => spec.fetchPage(values, p, ctx.signal), { oldest: oldestUpdate() });
      list.replaceChildren();
    }
    more.hidden = true;
    status.textContent = "Loading…";
    try {
      await pager.next();
    } catch (err) {
      if (!ctx.alive) return;
      status.textContent = "";
      render(list, errorBox(describeError(err)));
      return;
    }
    if (!ctx.alive) return;
    render(list, pager.items.length ? spec.draw(pager.items) : html`<div class="empty"><p>${spec.empty}</p></div>`);
    status.textContent = `${pager.items.length} shown`;
    more.hidden = !pager.hasMore;
  }

  if (spec.filters.length) {
    render(form, html`${spec.filterForm(values)}<div class="filters-actions">
      <button type="submit" class="button">Apply</button><button type="reset" class="button button-quiet">Clear</button></div>`);
    const apply = () => {
      const data = new FormData(form);
      for (const k of spec.filters) values[k] = (data.get(k) || "").trim();
      if (spec.check) {
        const problem = spec.check(values);
        if (problem) {
          toast(problem, "error");
          return;
        }
      }
      setQuery(values);
      page(true);
    };
    form.addEventListener("change", (e) => {
      if (e.target.tagName === "SELECT") apply();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      apply();
    });
    form.addEventListener("reset", (e) => { // "Clear" empties the filters (a reset would restore the URL's)
      e.preventDefault();
      for (const el of form.elements) if (el.name) el.value = "";
      apply();
    });
    ctx.root.querySelector("[data-filters]").addEventListener("click", (e) => {
      const open = form.hidden;
      form.hidden = !open;
      e.currentTarget.setAttribute("aria-expanded", String(open));
    });
  }
  ctx.root.querySelector("[data-refresh]").addEventListener("click", () => page(true));
  more.addEventListener("click", () => page(false));
  return page(true);
}

/** Group items by local calendar day of `ts(item)` (PipeCD's lists are grouped so). */
export function byDay(items, ts) {
  const groups = [];
  let last = null;
  for (const it of items) {
    const day = new Date(ts(it) * 1000).toLocaleDateString(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric" });
    if (day !== last) {
      groups.push({ day, items: [] });
      last = day;
    }
    groups[groups.length - 1].items.push(it);
  }
  return groups;
}
