// The tag, category and author pages as Astro's static paths: every numbered page of
// every listing (`/tags/{slug}`, `/tags/{slug}/2`, …), each with the listing's own
// fields, its page of posts (src/lib/paging.ts reads them by cursor) and its feeds.
import { read } from "./api";
import { readPages, type Numbered, type Window } from "./paging";
import { ListingFeedsDocument, type FeedsFragment, type PostCardFragment } from "../gql/graphql";

type Kind = "tag" | "category" | "author";

/** What a listing's query returns for one page: its fields and a window of its posts. */
type Found = { posts: Window<PostCardFragment> };

/** The props of one numbered page of a listing. */
export interface ListingProps<L> {
  /** The listing's fields (name, description…), without its posts. */
  listing: Omit<L, "posts">;
  page: Numbered<PostCardFragment>;
  /** The listing's own feed links. */
  feeds: FeedsFragment[];
}

/**
 * The static paths of every numbered page of the `kind` listings named by `slugs`;
 * `fetch(slug, first, after)` reads the listing with one page of its posts (null when
 * quire no longer has it, which fails the build: the slug came from quire a moment ago).
 */
export async function listingPaths<L extends Found>(
  kind: Kind,
  slugs: string[],
  fetch: (slug: string, first: number, after: string | null) => Promise<L | null | undefined>,
) {
  const paths: { params: { slug: string; page: string | undefined }; props: ListingProps<L> }[] = [];
  for (const slug of slugs) {
    let listing: Omit<L, "posts"> | undefined;
    const pages = await readPages(async (first, after) => {
      const found = await fetch(slug, first, after);
      if (!found) throw new Error(`${kind} ${slug} was listed by quire but not found`);
      const { posts, ...fields } = found;
      listing ??= fields;
      return posts;
    });
    if (!listing) throw new Error(`${kind} ${slug}: no page was read`);
    const vars: Partial<Record<Kind, string>> = { [kind]: slug };
    const { site } = await read(ListingFeedsDocument, vars);
    for (const page of pages) {
      paths.push({
        params: { slug, page: page.n === 1 ? undefined : String(page.n) },
        props: { listing, page, feeds: site.feeds },
      });
    }
  }
  return paths;
}
