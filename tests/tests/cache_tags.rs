//! Cache tags end to end: the `Surrogate-Key` header names what each cacheable answer
//! holds (a post page, a tag page, a listing, a feed, robots.txt, the sitemap), a list
//! past the limit falls back to `all`, and a write drops exactly the cached answers that
//! held what it changed (and the listings it could enter or leave): on the server that
//! wrote, on another server on the same database, and when a scheduled post goes live.

use std::time::{Duration, Instant};

use quire_tests::{
    TestApp, both_backends,
    bylines::id_of,
    entity::user::Role,
    quire::{app::Application, config::HttpConfig},
    webhooks::{draft, publish},
};
use serde_json::{Value, json};

const POST_PAGE: &str =
    "query($s: String!) { post(slug: $s) { title tags { name } author { name } } }";
const TAG_PAGE: &str =
    "query($s: String!) { tag(slug: $s) { name postCount posts { nodes { title } } } }";
const HOME: &str = "{ posts(first: 20) { nodes { title } } }";

/// The response cache on; no poll, so only this server's writes and scheduled
/// instants refresh the clock.
fn cached(app: Application) -> Application {
    let config = HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 3_600_000,
        ..app.http().clone()
    };
    app.http_config(config)
}

/// The response cache on, polling for other servers' writes every 50 ms.
fn polled(app: Application) -> Application {
    let config = HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 50,
        ..app.http().clone()
    };
    app.http_config(config)
}

/// A cacheable answer: whether the response cache answered, its cache tags, its body.
#[derive(Debug)]
struct Answer {
    x_cache: String,
    keys: String,
    body: String,
}

async fn answer(resp: reqwest::Response) -> Answer {
    assert_eq!(resp.status(), 200);
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (x_cache, keys) = (header("x-cache"), header("surrogate-key"));
    Answer {
        x_cache,
        keys,
        body: resp.text().await.unwrap(),
    }
}

/// An anonymous GraphQL GET at the server `base`.
async fn query_at(app: &TestApp, base: &str, query: &str, vars: Value) -> Answer {
    let resp = app
        .client()
        .get(format!("{base}/graphql"))
        .query(&[("query", query), ("variables", &vars.to_string())])
        .send()
        .await
        .unwrap();
    answer(resp).await
}

/// A GET of a path (a feed, robots.txt) at the server `base`.
async fn path_at(app: &TestApp, base: &str, path: &str) -> Answer {
    let resp = app
        .client()
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap();
    answer(resp).await
}

/// Keys as the header lists them: sorted, space-separated.
fn keys(mut k: Vec<String>) -> String {
    k.sort();
    k.dedup();
    k.join(" ")
}

/// Three published posts by an editor: 첫 글 (tag 회고), 둘째 글 and 셋째 글 (tag 여행);
/// the site has a base URL (for feeds).
struct Blog {
    token: String,
    editor: i64,
    /// Global IDs and row ids of the posts.
    p1: (String, i64),
    p2: i64,
    p3: i64,
    /// Tag ids: 회고, 여행.
    a: i64,
    b: i64,
    p1_version: i64,
}

async fn blog(app: &TestApp) -> Blog {
    let (admin, admin_token) = app.actor(Role::Admin).await;
    app.graphql_as(
        &admin_token,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }",
        json!({ "i": { "title": "노트", "baseUrl": "https://blog.example" } }),
    )
    .await
    .data();
    let mut ids = Vec::new();
    let mut version = 0;
    for (title, tag) in [("첫 글", "회고"), ("둘째 글", "여행"), ("셋째 글", "여행")]
    {
        let input = json!({ "title": title, "markdown": "본문", "tags": [tag] });
        let id = draft(app, &admin_token, input).await;
        let status = publish(app, &admin_token, &id, None).await;
        assert_eq!(status["status"], "PUBLISHED");
        if ids.is_empty() {
            version = status["version"].as_i64().unwrap();
        }
        ids.push(id);
    }
    let tag = |slug: &str| format!("SELECT id FROM tags WHERE slug = '{slug}'");
    Blog {
        token: admin_token,
        editor: admin.id,
        p1: (ids[0].clone(), id_of(&json!(ids[0]))),
        p2: id_of(&json!(ids[1])),
        p3: id_of(&json!(ids[2])),
        a: app.number(&tag("회고")).await,
        b: app.number(&tag("여행")).await,
        p1_version: version,
    }
}

async fn headers_name_what_each_answer_contains(app: TestApp) {
    let b = blog(&app).await;
    let base = app.base_url();
    let post = query_at(&app, &base, POST_PAGE, json!({ "s": "첫-글" })).await;
    assert_eq!(post.x_cache, "MISS");
    let want = vec![
        format!("author:{}", b.editor),
        format!("post:{}", b.p1.1),
        format!("tag:{}", b.a),
    ];
    assert_eq!(post.keys, keys(want));
    // A hit says the same.
    let again = query_at(&app, &base, POST_PAGE, json!({ "s": "첫-글" })).await;
    assert_eq!((again.x_cache.as_str(), again.keys), ("HIT", post.keys));

    let tag = query_at(&app, &base, TAG_PAGE, json!({ "s": "여행" })).await;
    let want = vec![
        format!("post:{}", b.p2),
        format!("post:{}", b.p3),
        format!("posts:tag:{}", b.b),
        format!("tag:{}", b.b),
    ];
    assert_eq!(tag.keys, keys(want));

    let home = query_at(&app, &base, HOME, json!({})).await;
    let want = vec![
        format!("post:{}", b.p1.1),
        format!("post:{}", b.p2),
        format!("post:{}", b.p3),
        "posts".to_owned(),
    ];
    assert_eq!(home.keys, keys(want));

    // Not found: the list it could enter.
    let none = query_at(&app, &base, POST_PAGE, json!({ "s": "없는-글" })).await;
    assert_eq!(none.keys, "posts");

    let feed = path_at(&app, &base, "/tags/%EC%97%AC%ED%96%89/feed.xml").await;
    let want = vec![
        format!("author:{}", b.editor),
        format!("post:{}", b.p2),
        format!("post:{}", b.p3),
        format!("posts:tag:{}", b.b),
        "site".to_owned(),
        format!("tag:{}", b.b),
    ];
    assert_eq!(feed.keys, keys(want));
    assert_eq!(path_at(&app, &base, "/robots.txt").await.keys, "site");
    assert_eq!(
        path_at(&app, &base, "/sitemap.xml").await.keys,
        "authors categories pages posts series site tags"
    );

    // Answers that are not cacheable carry none.
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", HOME)])
        .header("authorization", format!("Bearer {}", b.token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["cache-control"], "private, no-store");
    assert!(resp.headers().get("surrogate-key").is_none());
}
both_backends!(headers_name_what_each_answer_contains, super::cached);

async fn a_long_list_falls_back_to_all(app: TestApp) {
    let b = blog(&app).await;
    let home = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", HOME)])
        .send()
        .await
        .unwrap();
    // Cloudflare's header, limited to 24 bytes: the home page's keys do not fit.
    assert!(home.headers().get("surrogate-key").is_none());
    assert_eq!(home.headers()["cache-tag"], "all");
    let tag = app
        .client()
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query($s: String!) { tag(slug: $s) { name } }"),
            ("variables", &json!({ "s": "회고" }).to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(tag.headers()["cache-tag"], format!("tag:{}", b.a));
    let robots = app
        .client()
        .get(app.url("/robots.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(robots.headers()["cache-tag"], "site");
    let two = app
        .client()
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query($s: String!) { tag(slug: $s) { name postCount } }",
            ),
            ("variables", &json!({ "s": "회고" }).to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        two.headers()["cache-tag"],
        format!("posts:tag:{},tag:{}", b.a, b.a),
        "Cache-Tag separates with commas"
    );
}
both_backends!(a_long_list_falls_back_to_all, |app| {
    let mut config = app.http().clone();
    config.response_cache_mb = 8;
    config.cache_poll_ms = 3_600_000;
    config.cache_tags.cache_tag_header = "Cache-Tag".to_owned();
    config.cache_tags.cache_tag_max_bytes = 24;
    app.http_config(config)
});

/// The answers an edit is checked against, in order.
const WATCHED: [&str; 7] = [
    "post 1",
    "post 2",
    "tag 회고",
    "tag 여행",
    "home",
    "feed 여행",
    "robots",
];

async fn watched(app: &TestApp, base: &str) -> Vec<Answer> {
    let post = |s: &'static str| query_at(app, base, POST_PAGE, json!({ "s": s }));
    let tag = |s: &'static str| query_at(app, base, TAG_PAGE, json!({ "s": s }));
    vec![
        post("첫-글").await,
        post("둘째-글").await,
        tag("회고").await,
        tag("여행").await,
        query_at(app, base, HOME, json!({})).await,
        path_at(app, base, "/tags/%EC%97%AC%ED%96%89/feed.xml").await,
        path_at(app, base, "/robots.txt").await,
    ]
}

/// Which of [`WATCHED`] the response cache still had.
async fn kept(app: &TestApp, base: &str) -> Vec<&'static str> {
    let got = watched(app, base).await;
    WATCHED
        .iter()
        .zip(&got)
        .filter(|(_, a)| a.x_cache == "HIT")
        .map(|(w, _)| *w)
        .collect()
}

async fn update_post(app: &TestApp, b: &Blog, version: i64, change: Value) -> i64 {
    let mut input = json!({ "id": b.p1.0, "expectedVersion": version });
    input
        .as_object_mut()
        .unwrap()
        .extend(change.as_object().unwrap().clone());
    let r = app
        .graphql_as(
            &b.token,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }",
            json!({ "i": input }),
        )
        .await;
    r.data()["updatePost"]["post"]["version"].as_i64().unwrap()
}

async fn an_edit_drops_exactly_the_answers_that_held_it(app: TestApp) {
    let b = blog(&app).await;
    let base = app.base_url();
    watched(&app, &base).await;
    assert_eq!(kept(&app, &base).await, WATCHED, "all cached");

    // A new title: the post's page, the listings it is in; not the other tag's.
    let v = update_post(&app, &b, b.p1_version, json!({ "title": "고친 첫 글" })).await;
    assert_eq!(
        kept(&app, &base).await,
        ["post 2", "tag 여행", "feed 여행", "robots"]
    );
    let post = query_at(&app, &base, POST_PAGE, json!({ "s": "첫-글" })).await;
    assert!(post.body.contains("고친 첫 글"), "{}", post.body);

    // A new tag: the post enters 여행's listings (its page, its feed), not the pages
    // of the posts already there.
    assert_eq!(kept(&app, &base).await, WATCHED);
    update_post(&app, &b, v, json!({ "tags": ["회고", "여행"] })).await;
    assert_eq!(kept(&app, &base).await, ["post 2", "robots"]);
    let tag = query_at(&app, &base, TAG_PAGE, json!({ "s": "여행" })).await;
    assert!(tag.body.contains("고친 첫 글"), "{}", tag.body);

    // A tag renamed: what shows the tag; the listings that show posts without their
    // tags stay.
    assert_eq!(kept(&app, &base).await, WATCHED);
    let tag_id = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("Tag:{}", b.a))
    };
    app.graphql_as(
        &b.token,
        "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { name } } }",
        json!({ "i": { "id": tag_id, "name": "돌아보기" } }),
    )
    .await
    .data();
    assert_eq!(
        kept(&app, &base).await,
        ["post 2", "tag 여행", "home", "robots"]
    );

    // The site's settings: robots.txt and the feeds.
    assert_eq!(kept(&app, &base).await, WATCHED);
    app.graphql_as(
        &b.token,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }",
        json!({ "i": { "title": "새 노트" } }),
    )
    .await
    .data();
    assert_eq!(
        kept(&app, &base).await,
        ["post 1", "post 2", "tag 회고", "tag 여행", "home"]
    );

    // A write that names nothing (an import from the command line) drops everything.
    assert_eq!(kept(&app, &base).await, WATCHED);
    app.post("가져온 글", "2020-01-01", "").await;
    write_a_draft(&app, &b).await;
    assert_eq!(kept(&app, &base).await, Vec::<&str>::new());
}
both_backends!(
    an_edit_drops_exactly_the_answers_that_held_it,
    super::cached
);

/// A write through this server that touches none of [`WATCHED`] (a new draft), so it
/// refreshes the clock and finds the import's unnamed change.
async fn write_a_draft(app: &TestApp, b: &Blog) {
    draft(
        app,
        &b.token,
        json!({ "title": "초안", "markdown": "본문" }),
    )
    .await;
}

async fn a_write_on_one_server_drops_the_same_answers_on_another(app: TestApp) {
    let b = blog(&app).await;
    let other = app.another_server(polled).await;
    watched(&app, &other).await;
    assert_eq!(kept(&app, &other).await, WATCHED);

    update_post(
        &app,
        &b,
        b.p1_version,
        json!({ "title": "저쪽에서 고친 글" }),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let post = query_at(&app, &other, POST_PAGE, json!({ "s": "첫-글" })).await;
        if post.body.contains("저쪽에서 고친 글") {
            assert_eq!(post.x_cache, "MISS");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other server kept {}",
            post.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The rest was decided by the same rule on the other server.
    let got = watched(&app, &other).await;
    let states: Vec<&str> = got.iter().map(|a| a.x_cache.as_str()).collect();
    assert_eq!(states, ["HIT", "HIT", "MISS", "HIT", "MISS", "HIT", "HIT"]);

    // A command's write (an import, naming nothing) drops everything there too.
    app.post("가져온 글", "2020-01-01", "").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while query_at(&app, &other, POST_PAGE, json!({ "s": "둘째-글" }))
        .await
        .x_cache
        == "HIT"
    {
        assert!(
            Instant::now() < deadline,
            "the other server kept everything"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
both_backends!(
    a_write_on_one_server_drops_the_same_answers_on_another,
    super::cached
);

async fn a_scheduled_post_drops_the_listings_it_enters(app: TestApp) {
    let b = blog(&app).await;
    let base = app.base_url();
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(3);
    let input = json!({ "title": "예약된 글", "markdown": "본문", "tags": ["회고"] });
    let id = draft(&app, &b.token, input).await;
    let status = publish(&app, &b.token, &id, Some(&at.to_rfc3339())).await;
    assert_eq!(status["status"], "SCHEDULED");
    watched(&app, &base).await;
    assert_eq!(kept(&app, &base).await, WATCHED);

    while chrono::Utc::now() <= at {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // No write: its time came. The listings it entered are dropped, nothing else.
    assert_eq!(
        kept(&app, &base).await,
        ["post 1", "post 2", "tag 여행", "feed 여행", "robots"]
    );
    let tag = query_at(&app, &base, TAG_PAGE, json!({ "s": "회고" })).await;
    assert!(tag.body.contains("예약된 글"), "{}", tag.body);
}
both_backends!(a_scheduled_post_drops_the_listings_it_enters, super::cached);
