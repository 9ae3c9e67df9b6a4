// The blog's feeds, sitemap and robots.txt, copied from quire at build time so the
// static site serves them at the URLs `site.feeds` names (under the site's base URL,
// which is this site's address). Each listing's feeds come too (`/tags/{slug}/feed.xml`…).
import type { APIRoute, GetStaticPaths } from "astro";
import { QUIRE_URL, getSite, read } from "../lib/api";
import { listingSlugs } from "../lib/slugs";
import { ListingFeedsDocument } from "../gql/graphql";

/** A feed's path on this site, from its href (absolute under the base URL, or a path). */
function pathOf(href: string, base: string | null | undefined): string {
  const url = new URL(href, base ?? "http://localhost/");
  return decodeURIComponent(url.pathname).replace(/^\//, "");
}

export const getStaticPaths: GetStaticPaths = async () => {
  const site = await getSite();
  // Without a base URL quire serves no feeds (409): there is nothing to copy.
  if (!site.url) return [];
  const hrefs = site.feeds.map((f) => f.href);
  const l = await listingSlugs();
  const listings = [
    ...l.tags.map((tag) => ({ tag })),
    ...l.categories.map((category) => ({ category })),
    ...l.series.map((series) => ({ series })),
    ...l.authors.map((author) => ({ author })),
  ];
  for (const vars of listings) {
    const { site: s } = await read(ListingFeedsDocument, vars);
    hrefs.push(...s.feeds.map((f) => f.href));
  }
  const paths = hrefs.map((h) => pathOf(h, site.url));
  paths.push("sitemap.xml", "robots.txt");
  return paths.map((feed) => ({ params: { feed } }));
};

export const GET: APIRoute = async ({ params }) => {
  const path = String(params.feed)
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");
  const response = await fetch(new URL(`/${path}`, QUIRE_URL));
  if (!response.ok) {
    throw new Error(`quire answered ${response.status} for /${params.feed}: ${await response.text()}`);
  }
  return new Response(await response.arrayBuffer(), {
    headers: { "content-type": response.headers.get("content-type") ?? "application/octet-stream" },
  });
};
