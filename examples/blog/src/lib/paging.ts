// Numbered pages, the one home of how the site pages a list of posts (the home page and
// the tag, category and author pages alike): the page size, where page n lives, and
// every page of a list read from quire through its connection's cursors, one request a
// page (`first: PAGE_SIZE, after: endCursor`), so each request stays far below quire's
// query cost limit whatever the list's length.

/**
 * Posts per numbered page (`BLOG_PAGE_SIZE`, default 5). At most 50: a page of post
 * cards costs about 40 a post against quire's limit of 2,000 a query.
 */
export const PAGE_SIZE = pageSize(process.env.BLOG_PAGE_SIZE);

function pageSize(raw: string | undefined): number {
  const n = Number(raw ?? 5);
  if (!Number.isInteger(n) || n < 1 || n > 50) {
    throw new Error(`BLOG_PAGE_SIZE must be a whole number from 1 to 50 (quire's query cost limit), not ${raw}`);
  }
  return n;
}

/**
 * The path of page `n` of a list whose first page is at `first`: `/`, `/page/2`, …
 * for the home page; `/tags/{slug}`, `/tags/{slug}/2`, … for a listing.
 */
export function numberedPath(first: string, n: number): string {
  if (n === 1) return first;
  return first === "/" ? `/page/${n}` : `${first}/${n}`;
}

/** A page's title with its number after the first: `#Docker · 2쪽`. */
export const numberedTitle = (title: string, n: number) => (n > 1 ? `${title} · ${n}쪽` : title);

/** What one request returns of a connection (the fields every paged query selects). */
export interface Window<T> {
  totalCount: number;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** One numbered page: its number, how many pages and items the list has, its items. */
export interface Numbered<T> {
  n: number;
  pages: number;
  total: number;
  items: T[];
}

/**
 * Every numbered page of a list, in order: `fetch(first, after)` reads one page of the
 * connection after a cursor (`null`: from the start). An empty list is one empty page.
 * Fails when the pages do not add up to the list's `totalCount` (content changed during
 * the build, or a cursor skipped posts): building again gives a consistent site.
 */
export async function readPages<T>(
  fetch: (first: number, after: string | null) => Promise<Window<T>>,
): Promise<Numbered<T>[]> {
  const windows: T[][] = [];
  let total = 0;
  let after: string | null = null;
  do {
    const window: Window<T> = await fetch(PAGE_SIZE, after);
    total = window.totalCount;
    if (window.nodes.length > 0 || windows.length === 0) windows.push(window.nodes);
    after = window.pageInfo.hasNextPage ? (window.pageInfo.endCursor ?? null) : null;
  } while (after);
  const read = windows.reduce((sum, w) => sum + w.length, 0);
  if (read !== total) {
    throw new Error(`the list changed while it was read: ${read} posts over its pages, totalCount ${total}; build again`);
  }
  return windows.map((items, i) => ({ n: i + 1, pages: windows.length, total, items }));
}
