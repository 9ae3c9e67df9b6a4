// urql reads a post page by its Hangul slug. urql sends queries as GET requests (a CDN
// can cache them), so the slug travels percent-encoded in the URL; the post, its series
// neighbours, tags and authors come back typed by the generated PostBySlugDocument.
import assert from "node:assert/strict";

import { Client, cacheExchange, fetchExchange } from "@urql/core";

import { endpoint } from "./endpoint.js";
import { PostBySlugDocument } from "./gql/graphql.js";

const sent: { method: string; url: string; cacheControl: string | null }[] = [];
const client = new Client({
  url: endpoint,
  exchanges: [cacheExchange, fetchExchange],
  preferGetMethod: "force",
  // Records each request and the Cache-Control quire answers it with.
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    sent.push({
      method: init?.method ?? "GET",
      url: String(input),
      cacheControl: response.headers.get("cache-control"),
    });
    return response;
  },
});

const slug = "도커-컴포즈와-ci-붙이기";
const result = await client.query(PostBySlugDocument, { slug }).toPromise();
assert.ifError(result.error);
const post = result.data?.post;
assert.ok(post, `post(slug: ${slug}) is found`);
assert.equal(post.slug, slug);
assert.equal(post.title, "도커 컴포즈와 CI 붙이기");
assert.match(post.html, /<h3 id="ci에서-이미지-빌드">/, "html with Hangul heading anchors");
assert.ok(post.toc.length > 0 && post.toc.every((t) => post.html.includes(`id="${t.anchor}"`)));
assert.deepEqual(
  post.tags.map((t) => [t.slug, t.name]),
  [
    ["docker", "Docker"],
    ["ci", "CI"],
  ],
);
assert.deepEqual(post.authors.map((a) => a.slug), ["haneul"]);
assert.equal(post.series?.slug, "배포-자동화-일지");
assert.equal(post.series?.title, "배포 자동화 일지");
assert.equal(post.seriesPosition, 2);
assert.equal(post.series?.postCount, 2);
assert.equal(post.previousInSeries?.slug, "도커를-처음-배우며-컨테이너-입문");
assert.equal(post.nextInSeries, null);

// The request was a GET with the slug percent-encoded, cacheable by a CDN.
assert.equal(sent.length, 1);
const request = sent[0];
assert.ok(request);
assert.equal(request.method, "GET");
assert.ok(request.url.includes(encodeURIComponent(slug)), request.url);
assert.match(request.cacheControl ?? "", /public, max-age=\d+/);

// A slug that does not exist is no error: `post` is null (the frontend's 404 page).
const missing = await client.query(PostBySlugDocument, { slug: "없는-글" }).toPromise();
assert.ifError(missing.error);
assert.equal(missing.data?.post, null);

console.log(`urql: ${post.title} (part ${post.seriesPosition} of ${post.series?.postCount})`);
