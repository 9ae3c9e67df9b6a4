// The one way this site talks to quire: a typed document (from GraphQL Code Generator)
// and its variables in, the typed `data` out. Used at build time (Node) and by the
// browser scripts (search, preview, the 404 page); anonymous reads go as GET, which
// quire and any CDN in front of it cache.
import type { TypedDocumentString } from "../gql/graphql";

/** An answer carrying GraphQL errors; `code` is the first error's `extensions.code`. */
export class QuireError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "QuireError";
  }
}

interface Answer<R> {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Runs `document` against quire's `/graphql` at `endpoint`. Public reads use GET; a
 * preview (`post: "POST"`) is sent by POST, as quire never caches it anyway.
 */
export async function query<R, V extends Record<string, unknown>>(
  endpoint: string,
  document: TypedDocumentString<R, V>,
  variables: V,
  { method = "GET" }: { method?: "GET" | "POST" } = {},
): Promise<R> {
  const url = new URL("/graphql", endpoint);
  const text = document.toString();
  let init: RequestInit = { headers: { accept: "application/graphql-response+json, application/json" } };
  if (method === "GET") {
    url.searchParams.set("query", text);
    url.searchParams.set("variables", JSON.stringify(variables));
  } else {
    init = {
      method: "POST",
      headers: { ...init.headers, "content-type": "application/json" },
      body: JSON.stringify({ query: text, variables }),
    };
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new QuireError(
      `quire cannot be reached at ${endpoint} (${(e as Error).cause ?? (e as Error).message}); ` +
        "start it (`quire serve --demo`) or set QUIRE_URL",
      "UNREACHABLE",
    );
  }
  let answer: Answer<R>;
  try {
    answer = (await response.json()) as Answer<R>;
  } catch {
    throw new QuireError(
      `quire at ${endpoint} answered HTTP ${response.status} without GraphQL JSON; is QUIRE_URL a quire server?`,
      `HTTP_${response.status}`,
    );
  }
  if (answer.errors?.length) {
    const first = answer.errors[0];
    const code = first.extensions?.code;
    throw new QuireError(`quire at ${endpoint}: ${first.message} (${code ?? "no code"})`, code);
  }
  if (!answer.data) {
    throw new QuireError(`quire at ${endpoint} answered HTTP ${response.status} with no data`, undefined);
  }
  return answer.data;
}
