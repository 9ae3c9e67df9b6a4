// Build-time access to quire: where it is (QUIRE_URL, read once) and the site settings,
// read once per build and shared by every page.
import { query } from "./quire";
import { SiteDocument, type SiteQuery } from "../gql/graphql";
import type { TypedDocumentString } from "../gql/graphql";

/** quire as the build sees it. */
export const QUIRE_URL = process.env.QUIRE_URL ?? "http://127.0.0.1:8080";
/** quire as readers' browsers see it (search, previews, media); QUIRE_URL by default. */
export const PUBLIC_QUIRE_URL = process.env.PUBLIC_QUIRE_URL ?? QUIRE_URL;

export function read<R, V extends Record<string, unknown>>(
  document: TypedDocumentString<R, V>,
  variables: V,
): Promise<R> {
  return query(QUIRE_URL, document, variables);
}

let site: Promise<SiteQuery["site"]> | undefined;

export function getSite(): Promise<SiteQuery["site"]> {
  site ??= read(SiteDocument, {}).then((d) => d.site);
  return site;
}
