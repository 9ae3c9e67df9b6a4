// The site's URL scheme, quire's own (`/posts/{slug}`, `/{page}`, `/tags/{slug}`,
// `/categories/{slug}`, `/series/{slug}`, `/authors/{slug}`), with Hangul slugs
// percent-encoded in hrefs.

const enc = encodeURIComponent;

export const postPath = (slug: string) => `/posts/${enc(slug)}`;
export const pagePath = (slug: string) => `/${enc(slug)}`;
export const tagPath = (slug: string) => `/tags/${enc(slug)}`;
export const categoryPath = (slug: string) => `/categories/${enc(slug)}`;
export const seriesPath = (slug: string) => `/series/${enc(slug)}`;
export const authorPath = (slug: string) => `/authors/${enc(slug)}`;
export const homePagePath = (n: number) => (n === 1 ? "/" : `/page/${n}`);

/** A menu item's `url` (a path on the site with raw Hangul, or an absolute URL) as an href. */
export function menuHref(url: string): string {
  if (!url.startsWith("/")) return url;
  return url
    .split("/")
    .map((segment) => enc(decodeURIComponent(segment)))
    .join("/");
}

/** Whether `href` leaves the site. */
export const isExternal = (href: string) => /^[a-z]+:/i.test(href);
