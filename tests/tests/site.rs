//! Site settings end to end: the defaults of a fresh database, an admin's change read
//! back by anyone, who may change them, every refused value (nothing changes), the
//! response cache, the statements a read costs, and the demo site.

use entity::user::Role;
use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};

const SITE: &str = "{ site { title description language timezone url logo icon coverImage \
    accentColor socialLinks { network url } metaTitle metaDescription ogTitle \
    ogDescription ogImage updatedAt \
    primaryMenu { label url absoluteUrl target { kind slug title } \
                  children { label url absoluteUrl target { kind slug title } } } \
    secondaryMenu { label url } } }";

const UPDATE: &str = "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }";

async fn site(app: &TestApp) -> Value {
    app.graphql(SITE, json!({})).await.data()["site"].clone()
}

async fn defaults_on_a_fresh_database(app: TestApp) {
    assert_eq!(
        site(&app).await,
        json!({
            "title": "quire", "description": null, "language": "en", "timezone": "UTC",
            "url": null, "logo": null, "icon": null, "coverImage": null,
            "accentColor": null, "socialLinks": [], "metaTitle": null,
            "metaDescription": null, "ogTitle": null, "ogDescription": null,
            "ogImage": null, "updatedAt": null, "primaryMenu": [], "secondaryMenu": []
        })
    );
}
both_backends!(defaults_on_a_fresh_database);

async fn an_admin_updates_and_anyone_reads_it_back(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let everything = json!({
        "title": "  하늘의 개발 노트 ", "description": "배포와 글쓰기", "language": "ko-kr",
        "timezone": "Asia/Seoul", "baseUrl": "https://blog.example.com/notes",
        "logo": "/images/logo.png", "icon": "https://cdn.example.com/icon.png",
        "coverImage": "/images/cover.jpg", "accentColor": "#3B6EA5",
        "socialLinks": [{ "network": "github", "url": "https://github.com/haneul" }],
        "metaTitle": "개발 노트", "metaDescription": "배포 자동화 기록",
        "ogTitle": "하늘의 노트", "ogDescription": "OG 설명", "ogImage": "/og.png",
        "primaryMenu": [
            { "label": "홈", "url": "/" },
            { "label": "소개", "url": "/about", "children": [
                { "label": "GitHub", "url": "https://github.com/haneul" }
            ] }
        ],
        "secondaryMenu": [{ "label": "RSS", "url": "/rss.xml" }]
    });
    let r = app
        .graphql_as(&admin, UPDATE, json!({ "i": everything }))
        .await;
    assert_eq!(r.data()["updateSite"]["site"]["title"], "하늘의 개발 노트");

    let mut s = site(&app).await;
    assert!(s["updatedAt"].is_string(), "{s}");
    s["updatedAt"] = Value::Null;
    let base = "https://blog.example.com/notes/";
    assert_eq!(
        s,
        json!({
            "title": "하늘의 개발 노트", "description": "배포와 글쓰기", "language": "ko-KR",
            "timezone": "Asia/Seoul", "url": base,
            "logo": format!("{base}images/logo.png"), "icon": "https://cdn.example.com/icon.png",
            "coverImage": format!("{base}images/cover.jpg"), "accentColor": "#3b6ea5",
            "socialLinks": [{ "network": "github", "url": "https://github.com/haneul" }],
            "metaTitle": "개발 노트", "metaDescription": "배포 자동화 기록",
            "ogTitle": "하늘의 노트", "ogDescription": "OG 설명",
            "ogImage": format!("{base}og.png"), "updatedAt": null,
            "primaryMenu": [
                { "label": "홈", "url": "/", "absoluteUrl": base, "target": null, "children": [] },
                { "label": "소개", "url": "/about", "absoluteUrl": format!("{base}about"),
                  "target": null, "children": [
                    { "label": "GitHub", "url": "https://github.com/haneul",
                      "absoluteUrl": "https://github.com/haneul", "target": null }
                ] }
            ],
            "secondaryMenu": [{ "label": "RSS", "url": "/rss.xml" }]
        })
    );

    // Omitted fields stay; null clears; a list given replaces the list.
    let r = app
        .graphql_as(
            &admin,
            UPDATE,
            json!({ "i": { "description": null, "baseUrl": null, "secondaryMenu": [] } }),
        )
        .await;
    r.data();
    let s = site(&app).await;
    assert_eq!(s["title"], "하늘의 개발 노트");
    assert_eq!(s["description"], Value::Null);
    assert_eq!(s["url"], Value::Null);
    assert_eq!(s["logo"], "/images/logo.png", "relative without a base URL");
    assert_eq!(s["primaryMenu"][1]["absoluteUrl"], Value::Null);
    assert_eq!(s["secondaryMenu"], json!([]));
    assert_eq!(s["socialLinks"][0]["network"], "github");
}
both_backends!(an_admin_updates_and_anyone_reads_it_back);

async fn only_admins_change_the_site(app: TestApp) {
    let (_, author) = app.actor(Role::Author).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let before = site(&app).await;
    let vars = json!({ "i": { "title": "빼앗긴 블로그" } });
    assert_eq!(
        app.graphql(UPDATE, vars.clone()).await.error_code(),
        "UNAUTHENTICATED"
    );
    for token in [&author, &editor] {
        let r = app.graphql_as(token, UPDATE, vars.clone()).await;
        assert_eq!(r.error_code(), "FORBIDDEN", "{}", r.body);
    }
    assert_eq!(site(&app).await, before);
}
both_backends!(only_admins_change_the_site);

/// `(input, field named by the error)` for every rule.
fn bad_inputs() -> Vec<(Value, &'static str)> {
    let item = |label: &str| json!({ "label": label, "url": "/" });
    vec![
        (json!({ "title": "   " }), "title"),
        (json!({ "title": "가".repeat(201) }), "title"),
        (json!({ "language": "korean" }), "language"),
        (json!({ "language": "ko_KR" }), "language"),
        (json!({ "timezone": "Asia/Busan" }), "timezone"),
        (json!({ "timezone": "+09:00" }), "timezone"),
        (json!({ "baseUrl": "blog.example.com" }), "baseUrl"),
        (json!({ "baseUrl": "/blog" }), "baseUrl"),
        (json!({ "baseUrl": "ftp://example.com/" }), "baseUrl"),
        (json!({ "baseUrl": "https://example.com/?x=1" }), "baseUrl"),
        (json!({ "accentColor": "red" }), "accentColor"),
        (json!({ "accentColor": "#abc" }), "accentColor"),
        (json!({ "logo": "javascript:alert(1)" }), "logo"),
        (json!({ "ogImage": "//evil.example.com/x.png" }), "ogImage"),
        (
            json!({ "socialLinks": [{ "network": "GitHub", "url": "https://github.com/x" }] }),
            "socialLinks[0].network",
        ),
        (
            json!({ "socialLinks": [{ "network": "github", "url": "/me" }] }),
            "socialLinks[0].url",
        ),
        (
            json!({ "primaryMenu": [item("홈"), { "label": " ", "url": "/" }] }),
            "primaryMenu[1].label",
        ),
        (
            json!({ "primaryMenu": [{ "label": "둘 다", "url": "/",
                    "target": { "kind": "TAG", "slug": "x" } }] }),
            "primaryMenu[0]",
        ),
        (
            json!({ "secondaryMenu": [{ "label": "아무것도" }] }),
            "secondaryMenu[0]",
        ),
        (
            json!({ "primaryMenu": [{ "label": "메뉴", "url": "mailto:a@example.com" }] }),
            "primaryMenu[0].url",
        ),
        (
            json!({ "primaryMenu": [{ "label": "1", "url": "/", "children": [
                { "label": "2", "url": "/", "children": [item("3")] }
            ] }] }),
            "primaryMenu[0].children[0].children",
        ),
        (
            json!({ "primaryMenu": (0..51).map(|i| item(&i.to_string())).collect::<Vec<_>>() }),
            "primaryMenu",
        ),
    ]
}

async fn every_bad_value_is_refused_and_changes_nothing(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    app.graphql_as(
        &admin,
        UPDATE,
        json!({ "i": { "title": "원래 제목", "primaryMenu": [{ "label": "홈", "url": "/" }] } }),
    )
    .await
    .data();
    let before = site(&app).await;
    for (mut input, field) in bad_inputs() {
        // A good change beside the bad one is not written either.
        if input.get("title").is_none() {
            input["title"] = json!("바뀌면 안 되는 제목");
        }
        let r = app.graphql_as(&admin, UPDATE, json!({ "i": input })).await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{input}: {}", r.body);
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], field,
            "{input}: {}",
            r.body
        );
        assert_eq!(site(&app).await, before, "{input} changed something");
    }
}
both_backends!(every_bad_value_is_refused_and_changes_nothing);

async fn a_cached_site_dies_with_update_site(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let get = || async {
        let resp = app
            .client()
            .get(app.url("/graphql"))
            .query(&[("query", "{ site { title } }")])
            .send()
            .await
            .unwrap();
        let cache = resp.headers()["x-cache"].to_str().unwrap().to_owned();
        let body: Value = resp.json().await.unwrap();
        (
            body["data"]["site"]["title"].as_str().unwrap().to_owned(),
            cache,
        )
    };
    assert_eq!(get().await, ("quire".to_owned(), "MISS".to_owned()));
    assert_eq!(get().await, ("quire".to_owned(), "HIT".to_owned()));
    app.graphql_as(&admin, UPDATE, json!({ "i": { "title": "새 이름" } }))
        .await
        .data();
    assert_eq!(get().await, ("새 이름".to_owned(), "MISS".to_owned()));
    assert_eq!(get().await, ("새 이름".to_owned(), "HIT".to_owned()));

    // A write by another process (the command line) is seen through the generation.
    quire_tests::quire::service::site::set(
        &app.db,
        serde_json::from_value(json!({ "title": "셸에서 바꾼 이름" })).unwrap(),
    )
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while get().await.0 != "셸에서 바꾼 이름" {
        assert!(
            std::time::Instant::now() < deadline,
            "the cache kept the old title"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
both_backends!(a_cached_site_dies_with_update_site, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 50,
        ..app.http().clone()
    };
    app.http_config(config)
});

async fn a_site_read_costs_a_fixed_number_of_statements(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let mut counts = Vec::new();
    for n in [2, 40] {
        let mut items = Vec::new();
        for i in 0..n {
            let p = app
                .post(
                    &format!("메뉴 글 {n} {i}"),
                    "2022-01-01",
                    "tags: [메뉴태그]\nseries: 메뉴 연재",
                )
                .await;
            items.push(
                json!({ "label": format!("글 {i}"), "target": { "kind": "POST", "slug": p.slug } }),
            );
        }
        items.push(json!({ "label": "태그", "target": { "kind": "TAG", "slug": "메뉴태그" } }));
        items.push(json!({ "label": "연재", "target": { "kind": "SERIES", "slug": "메뉴-연재" } }));
        let input =
            json!({ "primaryMenu": items, "secondaryMenu": [{ "label": "홈", "url": "/" }] });
        app.graphql_as(&admin, UPDATE, json!({ "i": input }))
            .await
            .data();
        // Let the server's own work after a write (the cache journal's read, the live
        // events' read) finish first: its statements are not the read's.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        app.reset_statements();
        let s = site(&app).await;
        assert_eq!(s["primaryMenu"].as_array().unwrap().len(), n + 2, "{s}");
        counts.push(app.statement_count());
    }
    // The row, then every menu's targets in one statement.
    assert_eq!(counts, [2, 2], "statements of a site read");
    app.reset_statements();
    app.graphql("{ site { title language } }", json!({}))
        .await
        .data();
    assert_eq!(app.statement_count(), 1, "without menus, the row alone");
}
both_backends!(a_site_read_costs_a_fixed_number_of_statements);

async fn the_demo_site_is_korean(app: TestApp) {
    quire_tests::quire::demo::load_if_empty(&app.db)
        .await
        .unwrap();
    let s = site(&app).await;
    assert_eq!(s["title"], "하늘의 개발 노트");
    assert_eq!(s["language"], "ko");
    assert_eq!(s["timezone"], "Asia/Seoul");
    let menu: Vec<(&str, &str)> = s["primaryMenu"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["label"].as_str().unwrap(), i["url"].as_str().unwrap()))
        .collect();
    assert_eq!(
        menu,
        [
            ("홈", "/"),
            ("소개", "/about"),
            ("개발", "/categories/개발"),
            ("도커", "/tags/docker"),
            ("배포 자동화 일지", "/series/배포-자동화-일지"),
            ("2023년 회고", "/posts/2023년-회고"),
        ]
    );
    assert_eq!(s["primaryMenu"][1]["target"]["kind"], "PAGE");
    assert_eq!(
        s["primaryMenu"][2]["children"][0]["target"]["kind"],
        "CATEGORY"
    );
    assert_eq!(s["primaryMenu"][4]["children"][0]["target"]["kind"], "POST");
}
both_backends!(the_demo_site_is_korean);
