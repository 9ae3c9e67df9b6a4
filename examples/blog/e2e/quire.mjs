// What the browser test does to quire itself, as an editor would: log in, write a
// draft post or page, ask for a preview token, publish, rename. Plain fetch; errors fail loudly.
import { createHmac } from "node:crypto";

export class Quire {
  constructor(url) {
    this.url = url;
    this.token = undefined;
  }

  async gql(query, variables = {}) {
    const res = await fetch(new URL("/graphql", this.url), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(`quire: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  async login(email, password) {
    const d = await this.gql(
      "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
      { i: { email, password } },
    );
    this.token = d.login.accessToken;
  }

  async createDraft(input) {
    const d = await this.gql(
      "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id slug version status } } }",
      { i: input },
    );
    return d.createPost.post;
  }

  async previewToken(postId) {
    const d = await this.gql(
      "mutation($i: CreatePreviewTokenInput!) { createPreviewToken(input: $i) { token expiresAt } }",
      { i: { postId } },
    );
    return d.createPreviewToken.token;
  }

  async createPage(input) {
    const d = await this.gql(
      "mutation($i: CreatePageInput!) { createPage(input: $i) { page { id slug status } } }",
      { i: input },
    );
    return d.createPage.page;
  }

  async pagePreviewToken(pageId) {
    const d = await this.gql(
      "mutation($i: CreatePagePreviewTokenInput!) { createPagePreviewToken(input: $i) { token expiresAt } }",
      { i: { pageId } },
    );
    return d.createPagePreviewToken.token;
  }

  async publish(id) {
    const d = await this.gql(
      "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { slug status } } }",
      { i: { id } },
    );
    return d.publishPost.post;
  }

  async post(slug) {
    const d = await this.gql("query($s: String!) { post(slug: $s) { id slug version } }", { s: slug });
    return d.post;
  }

  async rename(slug, newSlug) {
    const p = await this.post(slug);
    const d = await this.gql(
      "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { slug } } }",
      { i: { id: p.id, expectedVersion: p.version, slug: newSlug } },
    );
    return d.updatePost.post.slug;
  }
}

/**
 * `token` signed again with `secret` (quire's --jwt-secret), its times moved two hours
 * back: a preview token exactly as quire issues it, but expired an hour ago.
 */
export function expired(token, secret) {
  const shift = 2 * 60 * 60;
  return resigned(token, secret, (claims) => {
    claims.iat -= shift;
    claims.nbf -= shift;
    claims.exp -= shift;
  });
}

/** `token` with its claims intact but signed with a secret quire does not know. */
export function forged(token) {
  return resigned(token, "not-the-server-secret-0123456789abcdef", () => {});
}

function resigned(token, secret, change) {
  const [header, payload] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  change(claims);
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const signature = createHmac("sha256", secret).update(body).digest("base64url");
  return `${body}.${signature}`;
}
