// graphql-request reads a tag page (an ASCII and a Hangul tag) and the search box, typed by
// the generated documents, and sees quire's error codes when it asks for too much.
import assert from "node:assert/strict";

import { ClientError, GraphQLClient } from "graphql-request";

import { endpoint } from "./endpoint.js";
import { SearchDocument, TagPageDocument } from "./gql/graphql.js";

const client = new GraphQLClient(endpoint);

const { tag } = await client.request(TagPageDocument, { slug: "docker" });
assert.ok(tag, "tag(slug: docker) is found");
assert.equal(tag.name, "Docker");
assert.equal(tag.postCount, 2);
// Newest first, each carrying the tag.
assert.deepEqual(
  tag.posts.nodes.map((p) => p.slug),
  ["도커-컴포즈와-ci-붙이기", "도커를-처음-배우며-컨테이너-입문"],
);
assert.ok(tag.posts.nodes.every((p) => p.tags.some((t) => t.slug === "docker")));
const dates = tag.posts.nodes.map((p) => Date.parse(p.publishedAt ?? ""));
assert.deepEqual(dates, [...dates].sort((a, b) => b - a));
assert.equal(tag.posts.pageInfo.hasNextPage, false);

const hangul = await client.request(TagPageDocument, { slug: "배포", first: 1 });
assert.equal(hangul.tag?.name, "배포");
assert.equal(hangul.tag?.postCount, 1);
assert.deepEqual(hangul.tag?.posts.nodes.map((p) => p.slug), ["도커를-처음-배우며-컨테이너-입문"]);

// An unknown tag is null, not an error: the frontend shows its 404 page.
assert.equal((await client.request(TagPageDocument, { slug: "없는-태그" })).tag, null);

// The search box: a Korean word, highlighted in the snippets.
const { search } = await client.request(SearchDocument, { query: "도커" });
assert.ok(search.totalCount >= 2, `도커 is found (${search.totalCount})`);
const found = search.edges.map((e) => e.node.post.slug);
assert.ok(found.includes("도커를-처음-배우며-컨테이너-입문"), found.join(", "));
assert.ok(search.edges.every((e) => e.node.snippet.includes("<mark>도커</mark>")));

// A page larger than 100 is refused with a code the client can act on.
await assert.rejects(client.request(TagPageDocument, { slug: "docker", first: 101 }), (e) => {
  assert.ok(e instanceof ClientError);
  const error = e.response.errors?.[0];
  assert.equal(error?.extensions?.code, "BAD_USER_INPUT");
  assert.equal(error?.extensions?.field, "first");
  return true;
});

console.log(`graphql-request: tag ${tag.name} with ${tag.postCount} posts; 도커 in ${search.totalCount}`);
