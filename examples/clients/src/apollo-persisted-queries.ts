// Automatic persisted queries, as a frontend behind a CDN uses them: Apollo's
// persisted-query link sends a query's SHA-256 alone, as a GET whose URL is short and the
// same for every reader (what a CDN caches). The first time, quire does not know the hash
// (PERSISTED_QUERY_NOT_FOUND) and the link sends the text once, by POST; after that, any
// client's GET with the hash alone is answered, cacheable.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client/core";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";

import { endpoint } from "./endpoint.js";
import { PostBySlugDocument } from "./gql/graphql.js";

type Sent = { method: string; url: string; query: boolean; cacheControl: string | null };

function client(sent: Sent[]) {
  const http = new HttpLink({
    uri: endpoint,
    // Records each request: its method, whether the query text went along, and the
    // Cache-Control of the answer.
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input);
      const body = typeof init?.body === "string" ? init.body : "";
      sent.push({
        method: init?.method ?? "GET",
        url,
        query: new URL(url).searchParams.has("query") || body.includes('"query"'),
        cacheControl: response.headers.get("cache-control"),
      });
      return response;
    },
  });
  const persisted = createPersistedQueryLink({
    sha256: (text) => createHash("sha256").update(text).digest("hex"),
    useGETForHashedQueries: true,
  });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

const slug = "2023년-회고";

// A reader who is the first to ask: the hash, refused; then the text, by POST.
const first: Sent[] = [];
const one = await client(first).query({ query: PostBySlugDocument, variables: { slug } });
assert.equal(one.data.post?.title, "2023년 회고");
assert.deepEqual(
  first.map((s) => [s.method, s.query]),
  [
    ["GET", false],
    ["POST", true],
  ],
);

// Every later reader: one GET with the hash alone, answered and cacheable.
const later: Sent[] = [];
const two = await client(later).query({ query: PostBySlugDocument, variables: { slug } });
assert.deepEqual(two.data, one.data);
assert.equal(later.length, 1);
const get = later[0];
assert.ok(get);
assert.equal(get.method, "GET");
assert.equal(get.query, false, "the query text is not sent again");
assert.match(get.url, /persistedQuery/);
assert.match(get.cacheControl ?? "", /^public, max-age=\d+/);

console.log(`apq: the hash alone over GET, ${get.cacheControl}`);
