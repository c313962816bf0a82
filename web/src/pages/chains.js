// /chains and /chains/ID: deployment chains, their blocks and the deployment of each node.
import { api } from "../api/client.js";
import { describeError } from "../api/errors.js";
import { html, patch, render } from "../lib/html.js";
import { ago, dateTime, duration } from "../lib/format.js";
import { INTERVALS, poll } from "../lib/poll.js";
import { badge } from "../components/badge.js";
import { mountList } from "../components/listpage.js";
import { errorBox } from "../components/notify.js";

function blocks(chain) {
  return html`<ol class="chain">${chain.blocks.map((b, i) => html`<li class="chain-block">
    <div class="chain-block-head"><span>Block ${i + 1}</span> ${badge(b.status)}</div>
    <ul>${b.nodes.map((n) => html`<li class="chain-node">
      <a href="/applications/${encodeURIComponent(n.applicationRef.applicationId)}">${n.applicationRef.applicationName || n.applicationRef.applicationId}</a>
      ${n.deploymentRef && n.deploymentRef.deploymentId
        ? html`<a class="small" href="/deployments/${encodeURIComponent(n.deploymentRef.deploymentId)}">${badge(n.deploymentRef.status)}<span class="visually-hidden"> deployment</span></a>`
        : html`<span class="muted small">not started</span>`}
    </li>`)}</ul>
  </li>`)}</ol>`;
}

function chainCard(c) {
  return html`<li class="card">
    <div class="trace-head"><h2 class="trace-title"><a href="/chains/${encodeURIComponent(c.id)}">Chain ${c.id.slice(0, 8)}</a> ${badge(c.status)}</h2>
      <span class="muted small">${ago(c.updatedAt)}</span></div>
    ${blocks(c)}
  </li>`;
}

export const chainList = {
  title: "Deployment chains",
  mount(ctx) {
    return mountList(ctx, {
      title: "Deployment chains",
      filters: [],
      empty: "No deployment chains in this period.",
      fetchPage: async (v, p, signal) => {
        const res = await api.ListDeploymentChains({ options: {}, ...p }, { signal });
        return { items: res.deploymentChains, cursor: res.cursor };
      },
      draw: (items) => html`<ul class="cards">${items.map(chainCard)}</ul>`,
    });
  },
};

export const chainDetail = {
  title: "Deployment chain",
  mount(ctx) {
    render(ctx.root, html`<div class="page-head"><div><p class="crumbs"><a href="/chains">Chains</a></p>
      <h1 tabindex="-1" data-title>Deployment chain</h1></div></div><div data-body><p class="muted">Loading…</p></div>`);
    const body = ctx.root.querySelector("[data-body]");
    poll(ctx, async () => {
      let chain;
      try {
        chain = (await api.GetDeploymentChain({ deploymentChainId: ctx.params.id }, { signal: ctx.signal })).deploymentChain;
      } catch (err) {
        if (ctx.alive) patch(body, errorBox(describeError(err)));
        return false;
      }
      if (!ctx.alive || !chain) return false;
      patch(ctx.root.querySelector("[data-title]"), html`Chain ${chain.id.slice(0, 8)} ${badge(chain.status)}`);
      patch(body, html`<section class="card"><dl class="props">
          <div><dt>Started</dt><dd>${dateTime(chain.createdAt)}</dd></div>
          <div><dt>Duration</dt><dd>${duration(chain.createdAt, chain.completedAt)}</dd></div></dl></section>
        <section class="card"><h2>Blocks</h2>${blocks(chain)}</section>`);
      return chain.status === "DEPLOYMENT_CHAIN_PENDING" || chain.status === "DEPLOYMENT_CHAIN_RUNNING";
    }, INTERVALS.deployment);
  },
};
