// What the browser scripts (search, preview, the 404 page) share: quire's address, as
// the build wrote it into <meta name="quire-api">, and text-safe element building.
import { query } from "./quire";
import type { TypedDocumentString } from "../gql/graphql";

export function api(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="quire-api"]');
  if (!meta) throw new Error('<meta name="quire-api"> is missing');
  return meta.content;
}

export function ask<R, V extends Record<string, unknown>>(
  doc: TypedDocumentString<R, V>,
  variables: V,
  method: "GET" | "POST" = "GET",
): Promise<R> {
  return query(api(), doc, variables, { method });
}

/** An element with plain-text content (never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attrs: Record<string, string> = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
