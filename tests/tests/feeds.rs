//! The feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) of the blog and of each tag, category,
//! series and author, read by real parsers: feedparser for RSS and Atom, the JSON Feed
//! 1.1 rules with jsonschema. Public posts only, never pages or drafts; absolute,
//! percent-encoded URLs; full HTML or excerpts as the site says; errors with codes.
//! Caching (ETag, 304, invalidation, scheduled posts) is in `feeds_caching.rs`.

use entity::user::Role;
use quire_tests::{
    TestApp,
    blog::{self, BASE, TITLE, at},
    both_backends,
    feedcheck::{json_feed_errors, parse_feed},
};
use serde_json::{Value, json};

/// GETs `path`; the status, the `Content-Type` and the body.
async fn get(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let resp = app.client().get(app.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, resp.bytes().await.unwrap().to_vec())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Reads the feeds at `dir` (`""` for the blog's, `/tags/회고` …) in all three formats
/// and checks each holds `titles` in order, with Hangul, links and authors intact.
async fn check_feeds(app: &TestApp, dir: &str, feed_title: &str, titles: &[&str]) {
    let encoded = |file: &str| {
        at(&format!("{dir}/{file}"))
            .trim_start_matches(BASE.trim_end_matches('/'))
            .replace("/%EB%85%B8%ED%8A%B8", "")
    };
    for (file, version, media) in [
        ("feed.xml", "rss20", "application/rss+xml; charset=utf-8"),
        ("atom.xml", "atom10", "application/atom+xml; charset=utf-8"),
    ] {
        let path = encoded(file);
        let (status, ct, body) = get(app, &path).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        assert_eq!(ct, media, "{path}");
        let feed = parse_feed(&body);
        assert_eq!(feed["bozo"], false, "{path}: {}", feed["bozo_exception"]);
        assert_eq!(feed["version"], version, "{path}");
        assert_eq!(feed["title"], feed_title, "{path}");
        assert_eq!(feed["language"], "ko", "{path}");
        let self_link = feed["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "self")
            .unwrap_or_else(|| panic!("{path}: no self link in {}", feed["links"]))
            .clone();
        assert_eq!(self_link["href"], at(&format!("{dir}/{file}")), "{path}");
        let entries = feed["entries"].as_array().unwrap();
        let got: Vec<&str> = entries
            .iter()
            .map(|e| e["title"].as_str().unwrap())
            .collect();
        assert_eq!(got, titles, "{path}");
        for e in entries {
            let slug = quire_tests::quire::slug::slugify(e["title"].as_str().unwrap());
            assert_eq!(e["link"], at(&format!("/posts/{slug}")), "{path}");
            assert_eq!(strings(&e["authors"]), ["테스터"], "{path}");
            assert!(
                e["id"]
                    .as_str()
                    .unwrap()
                    .starts_with("tag:blog.example.com,")
            );
            assert!(e["published"].is_array(), "{path}: {e}");
        }
    }
    let path = encoded("feed.json");
    let (status, ct, body) = get(app, &path).await;
    assert_eq!(status, 200, "{path}");
    assert_eq!(ct, "application/feed+json; charset=utf-8");
    assert_eq!(json_feed_errors(&body), Vec::<String>::new(), "{path}");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["title"], feed_title);
    assert_eq!(doc["feed_url"], at(&format!("{dir}/feed.json")));
    let got: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(got, titles, "{path}");
}

async fn every_feed_parses_and_holds_public_posts_only(app: TestApp) {
    blog::small_blog(&app).await;
    let both = ["Rust 입문", "2023년 회고"];
    let review = ["2023년 회고"];
    check_feeds(&app, "", TITLE, &both).await;
    check_feeds(&app, "/tags/회고", &format!("회고 – {TITLE}"), &review).await;
    check_feeds(
        &app,
        "/tags/rust",
        &format!("rust – {TITLE}"),
        &["Rust 입문"],
    )
    .await;
    // A category's feed holds the posts of the categories below it.
    check_feeds(&app, "/categories/글", &format!("글 – {TITLE}"), &review).await;
    check_feeds(
        &app,
        "/series/연말-정리",
        &format!("연말 정리 – {TITLE}"),
        &review,
    )
    .await;
    check_feeds(&app, "/authors/tester", &format!("테스터 – {TITLE}"), &both).await;

    // The whole post, its relative links made absolute under the base URL.
    let (_, _, body) = get(&app, "/feed.xml").await;
    let feed = parse_feed(&body);
    let review = &feed["entries"][1];
    let html = review["content"][0].as_str().unwrap();
    assert!(
        html.contains(&format!("href=\"{}\"", at("/tags/회고"))),
        "{html}"
    );
    assert!(
        html.contains(&format!("src=\"{}\"", at("/media/2023.png"))),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"{}#note\"", at("/posts/2023년-회고"))),
        "{html}"
    );
    assert_eq!(strings(&review["tags"]), ["회고", "일기"]);
    assert_eq!(review["published"], json!([2023, 12, 31, 1, 0, 0]));
}
both_backends!(every_feed_parses_and_holds_public_posts_only);

async fn excerpts_only_when_the_site_says_so(app: TestApp) {
    blog::small_blog(&app).await;
    let (_, admin) = app.actor(Role::Admin).await;
    let set = |v: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let r = app
                .graphql_as(
                    &admin,
                    "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { feedContent } } }",
                    json!({ "i": { "feedContent": v } }),
                )
                .await;
            assert_eq!(r.data()["updateSite"]["site"]["feedContent"], v);
        }
    };
    let read = || async {
        let (_, _, rss) = get(&app, "/feed.xml").await;
        let (_, _, atom) = get(&app, "/atom.xml").await;
        let (_, _, json) = get(&app, "/feed.json").await;
        assert_eq!(json_feed_errors(&json), Vec::<String>::new());
        (
            parse_feed(&rss),
            parse_feed(&atom),
            serde_json::from_slice::<Value>(&json).unwrap(),
        )
    };
    let (rss, atom, json) = read().await;
    for feed in [&rss, &atom] {
        let e = &feed["entries"][1];
        assert!(
            e["content"][0]
                .as_str()
                .unwrap()
                .contains("한 해를 돌아봅니다.")
        );
        assert!(
            e["summary"]
                .as_str()
                .unwrap()
                .starts_with("한 해를 돌아봅니다.")
        );
    }
    assert!(
        json["items"][1]["content_html"]
            .as_str()
            .unwrap()
            .contains("<p>")
    );

    set("EXCERPT").await;
    let site = app.graphql("{ site { feedContent } }", json!({})).await;
    assert_eq!(site.data()["site"]["feedContent"], "EXCERPT");
    let (rss, atom, json) = read().await;
    for feed in [&rss, &atom] {
        let e = &feed["entries"][1];
        assert_eq!(e["content"], json!([]), "{e}");
        assert!(
            e["summary"]
                .as_str()
                .unwrap()
                .starts_with("한 해를 돌아봅니다.")
        );
    }
    let item = &json["items"][1];
    assert!(item.get("content_html").is_none(), "{item}");
    assert!(
        item["content_text"]
            .as_str()
            .unwrap()
            .starts_with("한 해를 돌아봅니다.")
    );

    set("FULL").await;
    let (rss, _, _) = read().await;
    assert_eq!(rss["entries"][1]["content"].as_array().unwrap().len(), 1);
}
// The response cache on: the setting's write must end the cached feeds.
both_backends!(excerpts_only_when_the_site_says_so, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        ..app.http().clone()
    };
    app.http_config(config)
});

/// The error an answer carries: its status and `extensions.code`.
async fn refusal(app: &TestApp, path: &str) -> (u16, String) {
    let (status, ct, body) = get(app, path).await;
    assert!(ct.starts_with("application/json"), "{path}: {ct}");
    let v: Value = serde_json::from_slice(&body).unwrap();
    let code = v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    (status, code)
}

async fn errors_carry_codes(app: TestApp) {
    // Without a base URL there are no absolute links to give.
    app.post("글", "2024-01-01", "").await;
    assert_eq!(refusal(&app, "/feed.xml").await, (409, "CONFLICT".into()));
    assert_eq!(
        refusal(&app, "/sitemap.xml").await,
        (409, "CONFLICT".into())
    );
    let (status, _, robots) = get(&app, "/robots.txt").await;
    assert_eq!(
        (status, robots),
        (200, b"User-agent: *\nDisallow:\n".to_vec())
    );

    blog::settings(&app).await;
    for path in [
        "/tags/없는-태그/feed.xml",
        "/categories/nope/atom.xml",
        "/series/nope/feed.json",
        "/authors/nobody/feed.xml",
        "/tags/회고/feed.txt",
        "/tags/a/b/feed.xml",
        "/sitemaps/1.xml",
    ] {
        assert_eq!(
            refusal(&app, path).await,
            (404, "NOT_FOUND".into()),
            "{path}"
        );
    }
    assert_eq!(get(&app, "/feed.xml").await.0, 200);
}
both_backends!(errors_carry_codes);

const FEEDS: &str = "query($t: String, $c: String) { site { sitemapUrl
    feeds(tag: $t, category: $c) { format href type title } } }";

async fn the_site_query_announces_the_feeds(app: TestApp) {
    blog::small_blog(&app).await;
    let r = app.graphql(FEEDS, json!({})).await;
    let site = &r.data()["site"];
    assert_eq!(site["sitemapUrl"], at("/sitemap.xml"));
    assert_eq!(
        site["feeds"],
        json!([
            { "format": "RSS", "href": at("/feed.xml"), "type": "application/rss+xml",
              "title": format!("{TITLE} (RSS)") },
            { "format": "ATOM", "href": at("/atom.xml"), "type": "application/atom+xml",
              "title": format!("{TITLE} (Atom)") },
            { "format": "JSON_FEED", "href": at("/feed.json"), "type": "application/feed+json",
              "title": format!("{TITLE} (JSON Feed)") },
        ])
    );
    let r = app.graphql(FEEDS, json!({ "t": "회고" })).await;
    let feeds = &r.data()["site"]["feeds"];
    assert_eq!(feeds[0]["href"], at("/tags/회고/feed.xml"));
    assert_eq!(
        feeds[0]["href"],
        "https://blog.example.com/%EB%85%B8%ED%8A%B8/tags/%ED%9A%8C%EA%B3%A0/feed.xml"
    );
    assert_eq!(feeds[2]["title"], format!("회고 – {TITLE} (JSON Feed)"));
    // Every href is served here at its path (under the base URL's path).
    for f in feeds.as_array().unwrap() {
        let path = f["href"].as_str().unwrap().trim_start_matches(BASE);
        assert_eq!(get(&app, &format!("/{path}")).await.0, 200, "{path}");
    }
    let r = app.graphql(FEEDS, json!({ "t": "없는-태그" })).await;
    assert_eq!(r.error_code(), "NOT_FOUND");
    let r = app.graphql(FEEDS, json!({ "t": "회고", "c": "글" })).await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
}
both_backends!(the_site_query_announces_the_feeds);

async fn paths_and_sizes_are_configurable(app: TestApp) {
    blog::small_blog(&app).await;
    for i in 0..3 {
        app.post(
            &format!("추가 글 {i}"),
            &format!("2024-03-0{} 09:00:00 +0900", i + 1),
            "",
        )
        .await;
    }
    let (status, _, body) = get(&app, "/feeds/tags/rust/rss.xml").await;
    assert_eq!(status, 200);
    assert_eq!(parse_feed(&body)["entries"].as_array().unwrap().len(), 1);
    let (_, _, body) = get(&app, "/feeds/rss.xml").await;
    let titles: Vec<String> = parse_feed(&body)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["추가 글 2", "추가 글 1"], "two items a feed");
    assert_eq!(get(&app, "/feed.xml").await.0, 404);
    assert_eq!(get(&app, "/feeds/atom.xml").await.0, 200);
    let r = app.graphql(FEEDS, json!({})).await;
    assert_eq!(r.data()["site"]["feeds"][0]["href"], at("/feeds/rss.xml"));
}
both_backends!(paths_and_sizes_are_configurable, |app| {
    let mut config = app.http().clone();
    config.feeds.feed_prefix = "/feeds".into();
    config.feeds.feed_rss = "rss.xml".into();
    config.feeds.feed_items = 2;
    app.http_config(config)
});
