// Paging of deployments, events, traces and chains, as PipeCD's console does it:
// the first page asks for 50 items updated in the last 30 days; "Load more" asks for 30 more
// with the cursor. When a page comes back short, the window is widened by another 30 days
// (page_min_updated_at moves back) and the same cursor is used again.

export const WINDOW_SECONDS = 30 * 24 * 3600;
export const FIRST_PAGE = 50;
export const NEXT_PAGE = 30;

/**
 * fetchPage({pageSize, cursor, pageMinUpdatedAt}) resolves with {items, cursor}.
 * `oldest` (seconds) bounds how far back "Load more" goes (the oldest possible update).
 */
export class Pager {
  constructor(fetchPage, { now = Math.floor(Date.now() / 1000), oldest = 0 } = {}) {
    this.fetchPage = fetchPage;
    this.items = [];
    this.cursor = "";
    this.minUpdatedAt = now - WINDOW_SECONDS;
    this.oldest = oldest;
    this.lastFull = true;
    this.pages = 0;
    this.loading = false;
  }

  /** Whether another "Load more" may find something. */
  get hasMore() {
    return this.lastFull || this.minUpdatedAt > this.oldest;
  }

  async next() {
    if (this.loading) return [];
    this.loading = true;
    try {
      const first = this.pages === 0;
      if (!first && !this.lastFull) this.minUpdatedAt -= WINDOW_SECONDS;
      const pageSize = first ? FIRST_PAGE : NEXT_PAGE;
      const { items, cursor } = await this.fetchPage({ pageSize, cursor: this.cursor,
        pageMinUpdatedAt: Math.max(this.minUpdatedAt, 0) });
      this.pages += 1;
      this.cursor = cursor || this.cursor;
      this.lastFull = items.length >= pageSize;
      this.items.push(...items);
      return items;
    } finally {
      this.loading = false;
    }
  }
}
