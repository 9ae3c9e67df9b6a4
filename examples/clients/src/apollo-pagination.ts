// Apollo Client's normalised cache over quire's `posts` connection: the home page is read
// two posts at a time with `fetchMore`, and `relayStylePagination` merges the pages into
// one list in the cache. Checks that the merged list is every post, in the server's
// order, with no duplicates, also after a page is fetched a second time.
import assert from "node:assert/strict";

import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client/core";
import { relayStylePagination } from "@apollo/client/utilities";

import { endpoint } from "./endpoint.js";
import { HomePostsDocument } from "./gql/graphql.js";

const PAGE = 2;

const cache = new InMemoryCache({
  typePolicies: {
    // quire's query root is called QueryRoot, not Query: say so, or Apollo would not
    // apply these field policies to root fields.
    QueryRoot: {
      queryType: true,
      fields: {
        // One cached list per ordering and filter; `first`/`after` only page through it.
        posts: relayStylePagination(["orderBy", "filter"]),
      },
    },
  },
});
const client = new ApolloClient({ link: new HttpLink({ uri: endpoint }), cache });

// What the server says the whole list is, in one request without Apollo.
const reference = await fetch(endpoint, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    query:
      "{ posts(first: 100, orderBy: { field: PUBLISHED_AT, pinnedFirst: true }) { totalCount nodes { slug } } }",
  }),
}).then((r) => r.json() as Promise<{ data: { posts: { totalCount: number; nodes: { slug: string }[] } } }>);
const expected = reference.data.posts.nodes.map((n) => n.slug);
assert.ok(expected.length > PAGE, `the demo blog needs more than ${PAGE} posts, has ${expected.length}`);
assert.equal(reference.data.posts.totalCount, expected.length);

const query = client.watchQuery({ query: HomePostsDocument, variables: { first: PAGE } });
// Watched, as a page component would: the first page arrives through the subscription.
let subscription: { unsubscribe(): void } | undefined;
let data = await new Promise<NonNullable<ReturnType<typeof query.getCurrentResult>["data"]>>(
  (resolve, reject) => {
    subscription = query.subscribe({
      next: (r) => {
        if (!r.loading && r.data) resolve(r.data);
      },
      error: reject,
    });
  },
);
assert.equal(data.posts.edges.length, PAGE);
let requests = 1;
while (data.posts.pageInfo.hasNextPage) {
  const after = data.posts.pageInfo.endCursor;
  assert.ok(after, "a page with a next page has an end cursor");
  const more = await query.fetchMore({ variables: { after } });
  assert.ok(more.data.posts.edges.length <= PAGE);
  requests += 1;
  assert.ok(requests <= expected.length, "paging does not end");
  const merged = client.readQuery({ query: HomePostsDocument, variables: { first: PAGE } });
  assert.ok(merged, "the merged list is in the cache");
  data = merged;
}

const slugs = data.posts.edges.map((e) => e.node.slug);
assert.deepEqual(slugs, expected, "the cache holds every post, in the server's order");
assert.equal(new Set(slugs).size, slugs.length, "no post twice");
assert.equal(data.posts.totalCount, expected.length);
assert.equal(requests, Math.ceil(expected.length / PAGE));
// Pinned posts come first, as the ordering asked.
const pinned = data.posts.edges.map((e) => e.node.pinned);
assert.deepEqual(pinned, [...pinned].sort((a, b) => Number(b) - Number(a)));

// The second page again: relayStylePagination replaces what follows the cursor instead
// of appending a copy.
const second = data.posts.edges[PAGE - 1]?.cursor;
assert.ok(second);
await query.fetchMore({ variables: { after: second } });
const again = client.readQuery({ query: HomePostsDocument, variables: { first: PAGE } });
assert.ok(again);
const slugsAgain = again.posts.edges.map((e) => e.node.slug);
assert.equal(new Set(slugsAgain).size, slugsAgain.length, "refetching a page adds no duplicates");
assert.deepEqual(slugsAgain, expected.slice(0, 2 * PAGE), "the list is cut after the page fetched again");

// Every post is one normalised object in the cache, shared by the list.
const first = data.posts.edges[0]?.node;
assert.ok(first);
assert.equal(cache.identify(first), `Post:${first.id}`);

console.log(`apollo: ${slugs.length} posts in ${requests} requests, merged in order`);
subscription?.unsubscribe();
