// Media URLs at build time: quire's media paths on quire's host, and cover srcsets.

/** A cover image's URL: quire's media paths (`/media/…`) live on quire's host. */
export function mediaUrl(src: string, quire: string): string {
  return src.startsWith("/") ? new URL(src, quire).href : src;
}

/** The widths quire makes image variants at (its `--media-widths`, default below). */
const WIDTHS = (process.env.QUIRE_MEDIA_WIDTHS ?? "320,640,1024,1600")
  .split(",")
  .map((w) => Number(w.trim()))
  .filter((w) => w > 0);

/**
 * A `srcset` of WebP variants for a media-library image (`/media/{sha256}/{name}`):
 * quire serves `/media/{sha256}/{width}.webp/{name}` for each configured width (never
 * wider than the original). Other images (links elsewhere) get none.
 */
export function coverSrcset(src: string, quire: string): string | undefined {
  const m = /^\/media\/([0-9a-f]{64})\/([^/]+)$/.exec(src);
  if (!m) return undefined;
  return WIDTHS.map((w) => `${new URL(`/media/${m[1]}/${w}.webp/${m[2]}`, quire).href} ${w}w`).join(", ");
}
