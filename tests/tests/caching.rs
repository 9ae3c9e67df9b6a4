//! Caching done right: persisted queries (APQ) over POST and GET, HTTP caching headers
//! with ETags and 304s, compression, and the in-process response cache with its
//! invalidation (own writes, other servers' writes, scheduled posts).

use std::{
    io::Read,
    time::{Duration, Instant},
};

use entity::user::Role;
use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const HOME: &str = "query Home { posts(first: 20) { nodes { title slug } } }";

fn sha256(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

fn apq_extensions(query: &str) -> String {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(query) } }).to_string()
}

/// The app with the response cache on and a short poll for others' writes.
fn cached(app: quire_tests::quire::app::Application) -> quire_tests::quire::app::Application {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 50,
        ..app.http().clone()
    };
    app.http_config(config)
}

async fn get(app: &TestApp, base: &str, params: &[(&str, &str)]) -> reqwest::Response {
    app.client()
        .get(format!("{base}/graphql"))
        .query(params)
        .send()
        .await
        .unwrap()
}

/// GET of the home page with one extra request header.
async fn home_with(app: &TestApp, name: &str, value: &str) -> reqwest::Response {
    app.client()
        .get(app.url("/graphql"))
        .query(&[("query", HOME)])
        .header(name, value)
        .send()
        .await
        .unwrap()
}

/// Creates a post as `token` and publishes it (at `at`, or now); returns its status.
async fn publish_new(app: &TestApp, token: &str, title: &str, at: Option<String>) -> Value {
    let r = app
        .graphql_as(
            token,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
            json!({ "i": { "title": title } }),
        )
        .await;
    let id = r.data()["createPost"]["post"]["id"].clone();
    let r = app
        .graphql_as(
            token,
            "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status } } }",
            json!({ "i": { "id": id, "publishAt": at } }),
        )
        .await;
    r.data()["publishPost"]["post"]["status"].clone()
}

/// The home page's titles at `base`, and whether the response cache answered.
async fn home_at(app: &TestApp, base: &str) -> (Vec<String>, String) {
    let resp = get(app, base, &[("query", HOME)]).await;
    assert_eq!(resp.status(), 200);
    let cache = resp
        .headers()
        .get("x-cache")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body: Value = resp.json().await.unwrap();
    let titles = body["data"]["posts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect();
    (titles, cache)
}

async fn titles_at(app: &TestApp, base: &str) -> Vec<String> {
    home_at(app, base).await.0
}

async fn persisted_queries_over_post_and_get(app: TestApp) {
    app.post("영속 질의", "2022-01-01", "").await;
    let ext = apq_extensions(HOME);

    // An unknown hash asks for the text; such an answer is never cached.
    let resp = get(
        &app,
        &app.base_url(),
        &[("operationName", "Home"), ("extensions", &ext)],
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    // Registering over POST with the text, then GET by hash alone.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .json(&json!({
            "query": HOME,
            "operationName": "Home",
            "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256(HOME) } }
        }))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["posts"]["nodes"][0]["title"], "영속 질의");
    let resp = get(
        &app,
        &app.base_url(),
        &[("operationName", "Home"), ("extensions", &ext)],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["posts"]["nodes"][0]["title"], "영속 질의");

    // GET with the text registers too (Apollo's useGETForHashedQueries retry).
    let other = "query Count { posts { totalCount } }";
    let resp = get(
        &app,
        &app.base_url(),
        &[("query", other), ("extensions", &apq_extensions(other))],
    )
    .await;
    assert_eq!(
        resp.json::<Value>().await.unwrap()["data"]["posts"]["totalCount"],
        1
    );
    let resp = get(
        &app,
        &app.base_url(),
        &[("extensions", &apq_extensions(other))],
    )
    .await;
    assert_eq!(
        resp.json::<Value>().await.unwrap()["data"]["posts"]["totalCount"],
        1
    );

    // A text that does not match its hash is refused (400 in the strict media type).
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": other, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256(HOME) } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(body.get("data").is_none());
    assert_eq!(
        body["errors"][0]["message"],
        "provided sha does not match query"
    );
}
both_backends!(persisted_queries_over_post_and_get);

async fn etags_and_cache_control(app: TestApp) {
    app.post("캐시 머리글", "2022-01-01", "").await;
    let resp = get(&app, &app.base_url(), &[("query", HOME)]).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=120, stale-while-revalidate=600"
    );
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"));
    let body = resp.text().await.unwrap();

    // The same request gives the same ETag; If-None-Match gets a bodiless 304.
    let resp = home_with(&app, "if-none-match", &etag).await;
    assert_eq!(resp.status(), 304);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
    assert!(resp.text().await.unwrap().is_empty());

    // A changed answer has another ETag, and the old one no longer matches.
    app.post("새 글", "2022-02-01", "").await;
    let resp = home_with(&app, "if-none-match", &etag).await;
    assert_eq!(resp.status(), 200);
    assert_ne!(resp.headers()["etag"].to_str().unwrap(), etag);
    assert_ne!(resp.text().await.unwrap(), body);

    // Authenticated answers are private and carry no ETag.
    let (_, token) = app.actor(Role::Editor).await;
    let resp = home_with(&app, "authorization", &format!("Bearer {token}")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "private, no-store");
    assert!(resp.headers().get("etag").is_none());

    // Errors are not cached by anyone.
    let resp = get(
        &app,
        &app.base_url(),
        &[("query", "{ posts(first: 1000) { totalCount } }")],
    )
    .await;
    assert_eq!(resp.headers()["cache-control"], "no-store");
}
both_backends!(etags_and_cache_control, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        cache_max_age: 120,
        cache_stale_while_revalidate: 600,
        ..app.http().clone()
    };
    app.http_config(config)
});

async fn compression_follows_accept_encoding(app: TestApp) {
    for i in 0..20 {
        app.post(&format!("압축되는 긴 제목의 글 {i}"), "2022-01-01", "")
            .await;
    }
    let fetch = |encoding: Option<&'static str>| {
        let mut req = app
            .client()
            .get(app.url("/graphql"))
            .query(&[("query", HOME)]);
        if let Some(e) = encoding {
            req = req.header("accept-encoding", e);
        }
        req.send()
    };
    let plain = fetch(None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_etag = plain.headers()["etag"].clone();
    let plain = plain.bytes().await.unwrap();
    assert!(plain.len() > 1024);

    let br = fetch(Some("gzip, deflate, br")).await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert!(
        br.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("accept-encoding")
    );
    assert_ne!(br.headers()["etag"], plain_etag);
    let br = br.bytes().await.unwrap();
    assert!(
        br.len() < plain.len() / 2,
        "{} vs {}",
        br.len(),
        plain.len()
    );
    let mut out = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, plain);

    let gz = fetch(Some("gzip")).await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz = gz.bytes().await.unwrap();
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, plain);

    // A small answer is not worth compressing.
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", "{ __typename }")])
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("content-encoding").is_none());
}
both_backends!(compression_follows_accept_encoding, super::cached);

async fn the_response_cache_serves_and_forgets(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    app.post("첫 글", "2022-01-01", "").await;

    // A repeated anonymous query is answered from memory: no SQL at all.
    assert_eq!(
        home_at(&app, &app.base_url()).await,
        (vec!["첫 글".to_owned()], "MISS".to_owned())
    );
    app.reset_statements();
    assert_eq!(
        home_at(&app, &app.base_url()).await,
        (vec!["첫 글".to_owned()], "HIT".to_owned())
    );
    let resp = app.graphql(HOME, json!({})).await; // POST shares the entry
    assert_eq!(resp.data()["posts"]["nodes"][0]["title"], "첫 글");
    assert_eq!(app.statement_count(), 0, "cache hits run no SQL");

    // Variables are part of the key.
    let q = "query($n: Int) { posts(first: $n) { nodes { title } } }";
    assert_eq!(
        app.graphql(q, json!({ "n": 0 })).await.data()["posts"]["nodes"],
        json!([])
    );
    assert_eq!(
        app.graphql(q, json!({ "n": 1 })).await.data()["posts"]["nodes"][0]["title"],
        "첫 글"
    );

    // A write through this server shows at once.
    assert_eq!(
        publish_new(&app, &editor, "둘째 글", None).await,
        "PUBLISHED"
    );
    assert_eq!(
        home_at(&app, &app.base_url()).await,
        (
            vec!["둘째 글".to_owned(), "첫 글".to_owned()],
            "MISS".to_owned()
        )
    );

    // Authenticated requests never use the shared cache.
    let resp = home_with(&app, "authorization", &format!("Bearer {editor}")).await;
    assert!(resp.headers().get("x-cache").is_none());
}
// No poll during the test: statements counted are the requests' own.
both_backends!(the_response_cache_serves_and_forgets, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 3_600_000,
        ..app.http().clone()
    };
    app.http_config(config)
});

async fn a_write_on_one_server_invalidates_the_others(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    app.post("옛 글", "2022-01-01", "").await;
    let other = app.another_server(cached).await;
    // The other server caches the page...
    assert_eq!(titles_at(&app, &other).await, ["옛 글"]);
    assert_eq!(
        home_at(&app, &other).await,
        (vec!["옛 글".to_owned()], "HIT".to_owned())
    );

    // ...a write lands on this one...
    assert_eq!(
        publish_new(&app, &editor, "다른 서버에서 쓴 글", None).await,
        "PUBLISHED"
    );

    // ...and the other server notices through the content generation.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let titles = titles_at(&app, &other).await;
        if titles.first().map(String::as_str) == Some("다른 서버에서 쓴 글") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other server kept {titles:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
both_backends!(a_write_on_one_server_invalidates_the_others, super::cached);

async fn a_scheduled_post_appears_on_time_through_the_cache(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    app.post("지난 글", "2022-01-01", "").await;
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(3);
    let status = publish_new(&app, &editor, "예약된 글", Some(at.to_rfc3339())).await;
    assert_eq!(status, "SCHEDULED");

    // Cached before its time, with a max-age that ends when it goes live.
    let resp = get(&app, &app.base_url(), &[("query", HOME)]).await;
    let cc = resp.headers()["cache-control"].to_str().unwrap().to_owned();
    let max_age: u64 = cc
        .split("max-age=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age <= 3, "{cc}");
    assert_eq!(titles_at(&app, &app.base_url()).await, ["지난 글"]);

    // No write happens; once its time has come it is listed.
    while chrono::Utc::now() <= at {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        titles_at(&app, &app.base_url()).await,
        ["예약된 글", "지난 글"]
    );
}
// A long poll: only the scheduled instant itself may refresh the cache here.
both_backends!(a_scheduled_post_appears_on_time_through_the_cache, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 3_600_000,
        ..app.http().clone()
    };
    app.http_config(config)
});
