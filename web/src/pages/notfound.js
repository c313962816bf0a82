// Any path no page claims.
import { html, render } from "../lib/html.js";

export default {
  title: "Not found",
  mount(ctx) {
    render(ctx.root, html`<h1 tabindex="-1">Page not found</h1>
      <p>There is no page at <code>${ctx.path}</code>.</p><p><a href="/applications">Go to the applications</a></p>`);
  },
};
