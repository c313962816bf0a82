// /events: events registered with pipectl (name, labels, data) and how pipeds handled them.
import { api } from "../api/client.js";
import { enumValues } from "../proto/codec.js";
import { html } from "../lib/html.js";
import { ago, label, parseLabels } from "../lib/format.js";
import { badge } from "../components/badge.js";
import { input, select } from "../components/fields.js";
import { mountList } from "../components/listpage.js";

const STATUSES = enumValues("model.EventStatus").map(([n]) => [n, label(n)]);

function table(items) {
  return html`<table class="table table-cards"><caption class="visually-hidden">Events</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Labels</th><th scope="col">Data</th><th scope="col">Status</th>
      <th scope="col">Description</th><th scope="col">Created</th></tr></thead>
    <tbody>${items.map((e) => html`<tr>
      <td data-label="Name">${e.name}</td>
      <td data-label="Labels">${Object.entries(e.labels).map(([k, v]) => html`<span class="chip">${k}: ${v}</span>`)}</td>
      <td data-label="Data" class="mono small">${e.data}</td>
      <td data-label="Status">${badge(e.status)}</td>
      <td data-label="Description" class="small">${e.statusDescription}</td>
      <td data-label="Created">${ago(e.createdAt)}</td>
    </tr>`)}</tbody></table>`;
}

export default {
  title: "Events",
  mount(ctx) {
    return mountList(ctx, {
      title: "Events",
      filters: ["name", "status", "labels"],
      empty: "No events in this period.",
      check: (v) => {
        try {
          parseLabels(v.labels);
          return null;
        } catch (err) {
          return err.message;
        }
      },
      filterForm: (v) => html`${input({ name: "name", label: "Name", value: v.name })}
        ${select({ name: "status", label: "Status", options: STATUSES, value: v.status, empty: "All" })}
        ${input({ name: "labels", label: "Labels", value: v.labels, placeholder: "env:prod" })}`,
      fetchPage: async (v, p, signal) => {
        const options = { name: v.name };
        if (v.status) options.statuses = [v.status];
        if (v.labels) options.labels = parseLabels(v.labels);
        const res = await api.ListEvents({ options, ...p }, { signal });
        return { items: res.events, cursor: res.cursor };
      },
      draw: table,
    });
  },
};
