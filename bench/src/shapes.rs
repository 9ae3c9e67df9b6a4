//! The request shapes a blog frontend sends, as GraphQL documents and HTTP requests.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::corpus::Corpus;

/// Shape 1: the newest 20 published posts, as a home page lists them.
pub const HOME: &str = "query Home($first: Int!) { posts(first: $first) { nodes { \
title slug excerpt publishedAt readingTimeMinutes author { name } tags { name slug } \
series { title } } } }";

/// Shape 2: one post page.
pub const POST: &str = "query PostPage($slug: String!) { post(slug: $slug) { \
title slug html publishedAt readingTimeMinutes toc { level text anchor } \
tags { name slug } author { name slug } series { title slug } \
previousInSeries { title slug } nextInSeries { title slug } } }";

/// Shape 3: a tag page with its 20 newest posts.
pub const TAG: &str = "query TagPage($slug: String!) { tag(slug: $slug) { name slug postCount \
posts(first: 20) { nodes { title slug excerpt publishedAt readingTimeMinutes \
author { name } tags { name slug } } } } }";

/// One HTTP request of a shape.
#[derive(Debug, Clone)]
pub enum Request {
    /// POST /graphql with this JSON body.
    Post(String),
    /// GET of this path and query string.
    Get(String),
}

/// A request shape: a name and the requests the load generator rotates over.
#[derive(Debug, Clone)]
pub struct Shape {
    pub key: &'static str,
    pub label: &'static str,
    pub requests: Vec<Request>,
}

fn body(query: &str, operation: &str, variables: Value) -> String {
    json!({ "query": query, "operationName": operation, "variables": variables }).to_string()
}

pub fn home() -> Shape {
    Shape {
        key: "home",
        label: "1 home page (20 posts)",
        requests: vec![Request::Post(body(HOME, "Home", json!({ "first": 20 })))],
    }
}

/// Post pages of `per_kind` posts in a series and as many outside one, spread over the
/// corpus.
pub fn post_pages(corpus: &Corpus, per_kind: usize) -> Shape {
    let mut requests = Vec::new();
    for slugs in [&corpus.series_post_slugs, &corpus.plain_post_slugs] {
        let step = (slugs.len() / per_kind.max(1)).max(1);
        for slug in slugs.iter().step_by(step).take(per_kind) {
            requests.push(Request::Post(body(
                POST,
                "PostPage",
                json!({ "slug": slug }),
            )));
        }
    }
    Shape {
        key: "post",
        label: "2 post page",
        requests,
    }
}

pub fn tag_pages(corpus: &Corpus) -> Shape {
    Shape {
        key: "tag",
        label: "3 tag page (20 posts)",
        requests: corpus
            .tag_slugs
            .iter()
            .map(|slug| Request::Post(body(TAG, "TagPage", json!({ "slug": slug }))))
            .collect(),
    }
}

/// The sha256 of the home page document, as Apollo's persisted-query link sends it.
pub fn home_hash() -> String {
    Sha256::digest(HOME.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn extensions() -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": home_hash() } })
}

/// The POST that registers the home page document under its hash.
pub fn apq_register() -> String {
    json!({
        "query": HOME,
        "operationName": "Home",
        "variables": { "first": 20 },
        "extensions": extensions(),
    })
    .to_string()
}

/// Shape 4: the home page as an APQ GET (hash only, no document).
pub fn home_apq() -> Shape {
    let path = format!(
        "/graphql?operationName=Home&variables={}&extensions={}",
        url_encode(&json!({ "first": 20 }).to_string()),
        url_encode(&extensions().to_string()),
    );
    Shape {
        key: "apq",
        label: "4 home page, APQ GET",
        requests: vec![Request::Get(path)],
    }
}

/// Percent-encoding of a query-string value (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(url_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(url_encode("{\"x\":1}"), "%7B%22x%22%3A1%7D");
        assert_eq!(url_encode("글"), "%EA%B8%80");
    }

    #[test]
    fn home_hash_is_the_sha256_hex_of_the_document() {
        let h = home_hash();
        assert_eq!(h.len(), 64);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(
            Sha256::digest(b"abc")
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
