//! Relay cursor pagination forwards and backwards, numbered pages, orderings, limits.

use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $order: PostOrder) {
  posts(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

fn titles(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Seven posts, 글 1 (oldest) … 글 7 (newest); 글 3 and 글 4 share a timestamp.
async fn seed(app: &TestApp) {
    for (i, date) in [
        "2021-01-01",
        "2021-02-01",
        "2021-03-01 09:00:00 +0900",
        "2021-03-01 09:00:00 +0900",
        "2021-05-01",
        "2021-06-01",
        "2021-07-01",
    ]
    .iter()
    .enumerate()
    {
        app.post(&format!("글 {}", i + 1), date, "").await;
    }
}

async fn cursor_pages_walk_every_post_once(app: TestApp) {
    seed(&app).await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let r = app
            .graphql(PAGE, json!({ "first": 3, "after": after }))
            .await;
        let conn = &r.data()["posts"];
        assert_eq!(conn["totalCount"], 7);
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], json!(pages > 0));
        seen.extend(titles(conn));
        pages += 1;
        if conn["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    // Newest first; the tie between 글 3 and 글 4 is broken by ID, newest ID first.
    assert_eq!(
        seen,
        ["글 7", "글 6", "글 5", "글 4", "글 3", "글 2", "글 1"]
    );

    // Backwards from the end, then before that page's start.
    let r = app.graphql(PAGE, json!({ "last": 2 })).await;
    let conn = &r.data()["posts"];
    assert_eq!(titles(conn), ["글 2", "글 1"]);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(conn["pageInfo"]["hasNextPage"], false);
    let before = conn["pageInfo"]["startCursor"].clone();
    let r = app
        .graphql(PAGE, json!({ "last": 3, "before": before }))
        .await;
    assert_eq!(titles(&r.data()["posts"]), ["글 5", "글 4", "글 3"]);
}
both_backends!(cursor_pages_walk_every_post_once);

async fn numbered_pages_and_orderings(app: TestApp) {
    seed(&app).await;
    let q = r#"query($page: Int, $size: Int) { posts(page: $page, pageSize: $size) {
        totalCount nodes { title } pageInfo { hasNextPage hasPreviousPage } } }"#;
    let r = app.graphql(q, json!({ "page": 3, "size": 3 })).await;
    let conn = &r.data()["posts"];
    assert_eq!(conn["totalCount"], 7);
    assert_eq!(conn["nodes"], json!([{ "title": "글 1" }]));
    assert_eq!(
        conn["pageInfo"],
        json!({ "hasNextPage": false, "hasPreviousPage": true })
    );
    let r = app.graphql(q, json!({ "page": 2, "size": 3 })).await;
    assert_eq!(
        r.data()["posts"]["nodes"],
        json!([{ "title": "글 4" }, { "title": "글 3" }, { "title": "글 2" }])
    );

    // Title ascending, paged with a cursor.
    let order = json!({ "field": "TITLE" });
    let r = app
        .graphql(PAGE, json!({ "first": 4, "order": order }))
        .await;
    let conn = &r.data()["posts"];
    assert_eq!(titles(conn), ["글 1", "글 2", "글 3", "글 4"]);
    let after = conn["pageInfo"]["endCursor"].clone();
    let r = app
        .graphql(
            PAGE,
            json!({ "first": 4, "after": after.clone(), "order": order }),
        )
        .await;
    assert_eq!(titles(&r.data()["posts"]), ["글 5", "글 6", "글 7"]);

    // A title cursor handed to the date ordering is refused, not misread.
    let r = app
        .graphql(PAGE, json!({ "first": 4, "after": after }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "after");

    // updatedAt ascending: import order.
    let r = app
        .graphql(
            PAGE,
            json!({ "first": 2, "order": { "field": "UPDATED_AT", "direction": "ASC" } }),
        )
        .await;
    assert_eq!(titles(&r.data()["posts"]), ["글 1", "글 2"]);
}
both_backends!(numbered_pages_and_orderings);

async fn page_size_is_capped_with_a_clear_error(app: TestApp) {
    seed(&app).await;
    for (vars, field) in [
        (json!({ "first": 101 }), "first"),
        (json!({ "last": 500 }), "last"),
        (json!({ "first": -1 }), "first"),
        (json!({ "first": 1, "last": 1 }), "last"),
        (json!({ "first": 1, "after": "not-a-cursor" }), "after"),
    ] {
        let r = app.graphql(PAGE, vars.clone()).await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{vars}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field, "{vars}");
        assert!(r.body["data"].is_null(), "{}", r.body);
    }
    let r = app
        .graphql(
            "{ posts(page: 1, pageSize: 101) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("100")
    );
    let r = app
        .graphql(
            "{ posts(first: 100) { totalCount nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["posts"]["nodes"].as_array().unwrap().len(), 7);
}
both_backends!(page_size_is_capped_with_a_clear_error);

/// Listings read post bodies only when a body field is selected (directly, through an
/// alias or a fragment), and then return them whole; without one they still return
/// every other field.
async fn listings_read_bodies_only_when_asked(app: TestApp) {
    app.post("본문이 있는 글", "2022-01-01", "tags: [본문]\nlang: ko")
        .await;
    let single = app
        .graphql(
            r#"{ post(slug: "본문이-있는-글") { html markdown toc { text } frontMatter } }"#,
            json!({}),
        )
        .await;
    let full = &single.data()["post"];
    assert!(full["html"].as_str().unwrap().contains("<p>"));

    let light = app
        .graphql(
            "{ posts { nodes { title excerpt readingTimeMinutes wordCount tags { slug } } } }",
            json!({}),
        )
        .await;
    let node = &light.data()["posts"]["nodes"][0];
    assert_eq!(node["title"], "본문이 있는 글");
    assert_eq!(node["tags"], json!([{ "slug": "본문" }]));
    assert!(node["wordCount"].as_i64().unwrap() > 0);

    for query in [
        "{ posts { nodes { html markdown toc { text } frontMatter } } }",
        "{ posts { edges { node { ...Body } } } } fragment Body on Post { html markdown toc { text } frontMatter }",
        "{ posts { nodes { ... on Post { h: html markdown toc { text } frontMatter } } } }",
    ] {
        let r = app.graphql(query, json!({})).await;
        let conn = &r.data()["posts"];
        let node = if conn["nodes"].is_array() {
            conn["nodes"][0].clone()
        } else {
            conn["edges"][0]["node"].clone()
        };
        let html = node.get("h").unwrap_or(&node["html"]);
        assert_eq!(html, &full["html"], "{query}");
        assert_eq!(node["markdown"], full["markdown"], "{query}");
        assert_eq!(node["toc"], full["toc"], "{query}");
        assert_eq!(node["frontMatter"], full["frontMatter"], "{query}");
        assert_eq!(node["frontMatter"]["lang"], "ko", "{query}");
    }
}
both_backends!(listings_read_bodies_only_when_asked);
