// Static paths: every slug the site has a page for.
import { read } from "./api";
import { ListingSlugsDocument, PageSlugsDocument, PostSlugsDocument, type PostSlugsQuery } from "../gql/graphql";

export async function postSlugs(): Promise<string[]> {
  const slugs: string[] = [];
  let after: string | null = null;
  do {
    const { posts }: PostSlugsQuery = await read(PostSlugsDocument, { after });
    slugs.push(...posts.nodes.map((p) => p.slug));
    after = posts.pageInfo.hasNextPage ? (posts.pageInfo.endCursor ?? null) : null;
  } while (after);
  return slugs;
}

export async function pageSlugs(): Promise<string[]> {
  const { pages } = await read(PageSlugsDocument, {});
  return pages.nodes.flatMap((p) => [p.slug, ...p.children.map((c) => c.slug)]);
}

let listings: ReturnType<typeof loadListings> | undefined;

async function loadListings() {
  const d = await read(ListingSlugsDocument, {});
  return {
    tags: d.tags.map((t) => t.slug),
    categories: d.categories.flatMap((c) => [c.slug, ...c.children.flatMap((k) => [k.slug, ...k.children.map((g) => g.slug)])]),
    series: d.allSeries.nodes.map((s) => s.slug),
    authors: d.authors.nodes.map((a) => a.slug),
  };
}

/** The slugs of the tag, category, series and author pages, read once per build. */
export function listingSlugs() {
  listings ??= loadListings();
  return listings;
}
