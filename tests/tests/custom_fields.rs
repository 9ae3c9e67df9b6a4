//! Custom fields and the typed flags: `frontMatter` set by writers (kept in key order,
//! bounded, exported back), `pinned` / `featured` / `commentsEnabled` from typed inputs
//! or from Chirpy's front-matter keys, filters on them, and listings with pinned posts
//! first, paged every way.

use quire_tests::{
    TestApp, both_backends,
    entity::user::Role,
    quire::{export::to_jekyll, service::export::all_posts},
};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id version pinned featured commentsEnabled frontMatter } } }";
const UPDATE: &str = "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version pinned featured commentsEnabled frontMatter } } }";

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

async fn writers_set_custom_fields_and_flags(app: TestApp) {
    let (_, token) = app.actor(Role::Editor).await;
    // Known keys in front matter set the flags; key order is kept as sent.
    let fm = json!({ "zeta": 1, "pin": true, "comments": false, "alpha": { "깊이": [1, "둘"] } });
    let r = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "i": { "title": "사용자 필드", "frontMatter": fm } }),
        )
        .await;
    let p = r.data()["createPost"]["post"].clone();
    assert_eq!(
        (&p["pinned"], &p["featured"], &p["commentsEnabled"]),
        (&json!(true), &json!(false), &json!(false))
    );
    assert_eq!(p["frontMatter"], fm);
    assert_eq!(
        keys(&p["frontMatter"]),
        ["zeta", "pin", "comments", "alpha"]
    );
    let id = p["id"].clone();

    // Typed inputs win over front matter.
    let r = app
        .graphql_as(&token, CREATE, json!({ "i": { "title": "둘째", "frontMatter": { "pin": true }, "pinned": false, "featured": true } }))
        .await;
    let q = &r.data()["createPost"]["post"];
    assert_eq!(
        (&q["pinned"], &q["featured"], &q["commentsEnabled"]),
        (&json!(false), &json!(true), &json!(true))
    );

    // Bad front matter changes nothing.
    let big = json!({ "blob": "가".repeat(30_000) });
    for (bad, why) in [
        (json!([1, 2]), "must be a JSON object"),
        (big, "at most 64 KiB"),
    ] {
        let r = app
            .graphql_as(&token, UPDATE, json!({ "i": { "id": id, "expectedVersion": 1, "frontMatter": bad, "pinned": false } }))
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("frontMatter") && message.contains(why),
            "{message}"
        );
    }
    let r = app
        .graphql(
            &format!("{{ node(id: {id}) {{ ... on Post {{ version pinned frontMatter }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(r.data()["node"], Value::Null, "a draft is not public");
    let r = app
        .graphql_as(
            &token,
            &format!("{{ node(id: {id}) {{ ... on Post {{ version pinned frontMatter }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["node"],
        json!({ "version": 1, "pinned": true, "frontMatter": fm })
    );

    // A flag alone leaves the front matter; null empties it and keeps the flags.
    let r = app
        .graphql_as(
            &token,
            UPDATE,
            json!({ "i": { "id": id, "expectedVersion": 1, "commentsEnabled": true } }),
        )
        .await;
    let u = &r.data()["updatePost"]["post"];
    assert_eq!(
        (&u["version"], &u["commentsEnabled"], &u["frontMatter"]),
        (&json!(2), &json!(true), &fm)
    );
    let r = app
        .graphql_as(
            &token,
            UPDATE,
            json!({ "i": { "id": id, "expectedVersion": 2, "frontMatter": null } }),
        )
        .await;
    let u = &r.data()["updatePost"]["post"];
    assert_eq!(
        (&u["pinned"], &u["frontMatter"]),
        (&json!(true), &json!({}))
    );

    // Export writes the flags the front matter no longer gives back, under Chirpy's keys.
    let exported = all_posts(&app.db).await.unwrap();
    let first = exported
        .iter()
        .find(|e| e.post.title == "사용자 필드")
        .unwrap();
    let text = to_jekyll(first).text;
    assert!(
        text.contains("pin: true") && !text.contains("comments:"),
        "{text}"
    );
    let second = exported.iter().find(|e| e.post.title == "둘째").unwrap();
    let text = to_jekyll(second).text;
    assert!(
        text.contains("pin: false") && text.contains("featured: true"),
        "{text}"
    );
}
both_backends!(writers_set_custom_fields_and_flags);

const LIST: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $filter: PostFilter) {
    posts(first: $first, after: $after, last: $last, before: $before,
          filter: $filter, orderBy: { field: PUBLISHED_AT, pinnedFirst: true }) {
        totalCount
        nodes { title pinned }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}"#;

fn titles(d: &Value) -> Vec<&str> {
    d["posts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap())
        .collect()
}

async fn pinned_posts_come_first_on_every_page(app: TestApp) {
    // Five posts, newest last; the two older ones at 2 and 4 are pinned (Chirpy's `pin`).
    for i in 1..=5 {
        let extra = match i {
            2 => "pin: true\nfeatured: true",
            4 => "pin: true\ncomments: false",
            _ => "",
        };
        app.post(
            &format!("글 {i}"),
            &format!("2024-01-0{i} 10:00:00 +0900"),
            extra,
        )
        .await;
    }
    let all = ["글 4", "글 2", "글 5", "글 3", "글 1"];
    // Forwards, two at a time, across the pinned boundary.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let r = app
            .graphql(LIST, json!({ "first": 2, "after": after }))
            .await;
        let d = r.data();
        assert_eq!(d["posts"]["totalCount"], 5);
        seen.extend(titles(d).into_iter().map(str::to_owned));
        if d["posts"]["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = d["posts"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, all);
    // Backwards from the end.
    let mut seen = Vec::new();
    let mut before = Value::Null;
    loop {
        let r = app
            .graphql(LIST, json!({ "last": 2, "before": before }))
            .await;
        let d = r.data();
        let mut page: Vec<String> = titles(d).into_iter().map(str::to_owned).collect();
        page.append(&mut seen);
        seen = page;
        if d["posts"]["pageInfo"]["hasPreviousPage"] != json!(true) {
            break;
        }
        before = d["posts"]["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(seen, all);
    // Numbered pages.
    let r = app
        .graphql(
            "{ posts(page: 2, pageSize: 2, orderBy: { field: PUBLISHED_AT, pinnedFirst: true }) { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(titles(r.data()), ["글 5", "글 3"]);
    // Filters.
    let r = app
        .graphql(LIST, json!({ "first": 5, "filter": { "pinned": true } }))
        .await;
    assert_eq!(titles(r.data()), ["글 4", "글 2"]);
    let r = app
        .graphql(LIST, json!({ "first": 5, "filter": { "featured": true } }))
        .await;
    assert_eq!(titles(r.data()), ["글 2"]);
    let r = app
        .graphql(LIST, json!({ "first": 5, "filter": { "pinned": false } }))
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 3);
    let r = app
        .graphql(
            "{ posts(first: 5) { nodes { title commentsEnabled } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["posts"]["nodes"],
        json!([
            { "title": "글 5", "commentsEnabled": true },
            { "title": "글 4", "commentsEnabled": false },
            { "title": "글 3", "commentsEnabled": true },
            { "title": "글 2", "commentsEnabled": true },
            { "title": "글 1", "commentsEnabled": true },
        ])
    );

    // A cursor belongs to its ordering.
    let r = app.graphql(LIST, json!({ "first": 2 })).await;
    let pinned_cursor = r.data()["posts"]["pageInfo"]["endCursor"].clone();
    let r = app
        .graphql(
            "query($a: String) { posts(first: 2, after: $a) { nodes { title } } }",
            json!({ "a": pinned_cursor }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    let r = app
        .graphql("{ posts(first: 2) { pageInfo { endCursor } } }", json!({}))
        .await;
    let plain_cursor = r.data()["posts"]["pageInfo"]["endCursor"].clone();
    let r = app
        .graphql(LIST, json!({ "first": 2, "after": plain_cursor }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
}
both_backends!(pinned_posts_come_first_on_every_page);

/// An imported file's front matter keeps its keys in the file's order on both
/// databases (PostgreSQL's driver sends JSON as `jsonb`, which sorts keys).
async fn imported_front_matter_keeps_the_files_order(app: TestApp) {
    app.post(
        "순서",
        "2024-02-02 10:00:00 +0900",
        "zeta: 1\npin: true\nalpha: [둘, 1]",
    )
    .await;
    let r = app
        .graphql(
            r#"{ post(slug: "순서") { pinned frontMatter } }"#,
            json!({}),
        )
        .await;
    let p = &r.data()["post"];
    assert_eq!(p["pinned"], true);
    assert_eq!(
        keys(&p["frontMatter"]),
        ["title", "date", "zeta", "pin", "alpha"]
    );
}
both_backends!(imported_front_matter_keeps_the_files_order);
