//! Feeds and sitemaps are cached like GraphQL GETs: `Cache-Control`, strong ETags and
//! `304`, the in-process response cache (`X-Cache`), ended by any write (through this
//! server or another) and by a scheduled post's time coming, with no write at all.

use std::time::Duration;

use entity::user::Role;
use quire_tests::{TestApp, blog, both_backends, feedcheck::parse_feed};
use serde_json::json;

/// The app with the response cache on and a short poll for others' writes.
fn cached(app: quire_tests::quire::app::Application) -> quire_tests::quire::app::Application {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 50,
        cache_max_age: 120,
        ..app.http().clone()
    };
    app.http_config(config)
}

async fn fetch(app: &TestApp, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut req = app.client().get(app.url(path));
    if let Some(tag) = etag {
        req = req.header("if-none-match", tag);
    }
    req.send().await.unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The titles of the feed at `path`.
async fn titles(app: &TestApp, path: &str) -> Vec<String> {
    let body = fetch(app, path, None).await.bytes().await.unwrap();
    parse_feed(&body)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Creates and publishes a post through the API (at `at`, when given); its status.
async fn publish(app: &TestApp, token: &str, title: &str, at: Option<String>) -> String {
    let r = app
        .graphql_as(
            token,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
            json!({ "i": { "title": title, "tags": ["회고"], "markdown": "새 글입니다." } }),
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
    r.data()["publishPost"]["post"]["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn etags_304s_and_invalidation(app: TestApp) {
    blog::small_blog(&app).await;
    let (_, editor) = app.actor(Role::Editor).await;
    for path in [
        "/feed.xml",
        "/tags/%ED%9A%8C%EA%B3%A0/atom.xml",
        "/feed.json",
        "/sitemap.xml",
        "/robots.txt",
    ] {
        let first = fetch(&app, path, None).await;
        assert_eq!(first.status(), 200, "{path}");
        assert_eq!(header(&first, "x-cache"), "MISS", "{path}");
        assert_eq!(
            header(&first, "cache-control"),
            "public, max-age=120, stale-while-revalidate=60",
            "{path}"
        );
        assert_eq!(header(&first, "vary"), "accept-encoding");
        let etag = header(&first, "etag");
        assert!(etag.starts_with('"'), "{path}: {etag}");
        let body = first.bytes().await.unwrap();

        let again = fetch(&app, path, None).await;
        assert_eq!(header(&again, "x-cache"), "HIT", "{path}");
        assert_eq!(header(&again, "etag"), etag);
        assert_eq!(again.bytes().await.unwrap(), body);

        let not_modified = fetch(&app, path, Some(&etag)).await;
        assert_eq!(not_modified.status(), 304, "{path}");
        assert!(not_modified.bytes().await.unwrap().is_empty());
    }
    let etag = header(&fetch(&app, "/feed.xml", None).await, "etag");
    let tag_feed = "/tags/%ED%9A%8C%EA%B3%A0/feed.xml";
    assert_eq!(titles(&app, tag_feed).await, ["2023년 회고"]);

    // A post published through the API ends every cached feed and the sitemap.
    assert_eq!(publish(&app, &editor, "새 회고", None).await, "PUBLISHED");
    let resp = fetch(&app, "/feed.xml", Some(&etag)).await;
    assert_eq!(resp.status(), 200, "the old ETag no longer matches");
    assert_eq!(header(&resp, "x-cache"), "MISS");
    assert_ne!(header(&resp, "etag"), etag);
    assert_eq!(titles(&app, "/feed.xml").await[0], "새 회고");
    assert_eq!(titles(&app, tag_feed).await, ["새 회고", "2023년 회고"]);
    let sitemap = fetch(&app, "/sitemap.xml", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(sitemap.contains(&blog::at("/posts/새-회고")), "{sitemap}");

    // A write made elsewhere (straight to the database) is seen at the next poll.
    let now = chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S +0000")
        .to_string();
    app.post("다른 서버의 글", &now, "").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while titles(&app, "/feed.xml").await[0] != "다른 서버의 글" {
        assert!(
            std::time::Instant::now() < deadline,
            "the write was never seen"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
both_backends!(etags_304s_and_invalidation, super::cached);

async fn a_scheduled_post_appears_at_its_time(app: TestApp) {
    blog::small_blog(&app).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(3);
    assert_eq!(
        publish(&app, &editor, "예약된 글", Some(at.to_rfc3339())).await,
        "SCHEDULED"
    );
    let resp = fetch(&app, "/feed.xml", None).await;
    let cc = header(&resp, "cache-control");
    let max_age: u64 = cc
        .split("max-age=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age <= 3, "max-age ends when the post goes live: {cc}");
    assert_eq!(
        titles(&app, "/feed.xml").await,
        ["Rust 입문", "2023년 회고"]
    );
    assert_eq!(
        header(&fetch(&app, "/feed.xml", None).await, "x-cache"),
        "HIT"
    );
    let sitemap = fetch(&app, "/sitemap.xml", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!sitemap.contains(&blog::at("/posts/예약된-글")));

    // No write happens; once its time has come it is in the feeds and the sitemap.
    while chrono::Utc::now() <= at {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(titles(&app, "/feed.xml").await[0], "예약된 글");
    assert_eq!(
        titles(&app, "/tags/회고/feed.xml").await,
        ["예약된 글", "2023년 회고"]
    );
    let sitemap = fetch(&app, "/sitemap.xml", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(sitemap.contains(&blog::at("/posts/예약된-글")), "{sitemap}");
}
// A long poll: only the scheduled instant itself may end the cached feeds.
both_backends!(a_scheduled_post_appears_at_its_time, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 3_600_000,
        ..app.http().clone()
    };
    app.http_config(config)
});
