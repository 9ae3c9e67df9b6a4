//! Co-authors through the API: writers set and reorder a post's authors (the first is
//! `Post.author`), co-authors may edit and others may not, `authors` lists who writes
//! with post counts, listings filter by any author, a page's bylines cost a fixed number
//! of statements, and changing them invalidates cached answers. Imports and exports are
//! in `coauthors_import.rs`.

use std::time::Duration;

use quire_tests::{
    TestApp, both_backends,
    bylines::{author_id, broken_posts, id_of, names, rows},
    entity::user::Role,
    sea_orm::ConnectionTrait,
};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id version author { name } authors { name } } } }";
const UPDATE: &str = "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version author { name } authors { name } } } }";

async fn writers_set_reorder_and_replace_authors(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let sky = app.user("sky@example.com", "김하늘", Role::Author).await;
    let sea = app.user("sea@example.com", "이바다", Role::Author).await;
    let (a, b) = (author_id(&app, &sky).await, author_id(&app, &sea).await);
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "공저", "authors": [a, b] } }),
        )
        .await;
    let p = r.data()["createPost"]["post"].clone();
    assert_eq!(names(&p["authors"]), ["김하늘", "이바다"]);
    assert_eq!(
        p["author"]["name"], "김하늘",
        "the primary author is the first"
    );
    let (gid, post_id) = (p["id"].clone(), id_of(&p["id"]));

    // Reordered: the primary author follows.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 1, "authors": [b, a] } }),
        )
        .await;
    let p = &r.data()["updatePost"]["post"];
    assert_eq!(names(&p["authors"]), ["이바다", "김하늘"]);
    assert_eq!(p["author"]["name"], "이바다");
    assert_eq!(
        app.number(&format!("SELECT author_id FROM posts WHERE id = {post_id}"))
            .await,
        sea.id
    );

    // Bad lists are refused with BAD_USER_INPUT and change nothing.
    // `Author:99999`.
    let unknown = json!("QXV0aG9yOjk5OTk5");
    for (bad, why) in [
        (json!([a, a]), "only once"),
        (json!([]), "at least one"),
        (json!([a, unknown]), "no author"),
    ] {
        let r = app
            .graphql_as(
                &editor,
                UPDATE,
                json!({ "i": { "id": gid, "expectedVersion": 2, "authors": bad } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(why), "{message}");
        assert_eq!(rows(&app, post_id).await, [(sea.id, 0), (sky.id, 1)]);
    }
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 2, "authors": [a], "author": sea.slug } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");

    // Replaced by one; `author` (a slug) then makes someone primary and keeps the rest.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 2, "authors": [a] } }),
        )
        .await;
    assert_eq!(
        names(&r.data()["updatePost"]["post"]["authors"]),
        ["김하늘"]
    );
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 3, "author": sea.slug } }),
        )
        .await;
    assert_eq!(
        names(&r.data()["updatePost"]["post"]["authors"]),
        ["이바다", "김하늘"]
    );
    assert_eq!(broken_posts(&app).await, 0);
}
both_backends!(writers_set_reorder_and_replace_authors);

async fn co_authors_may_edit_and_others_may_not(app: TestApp) {
    let (first, first_token) = app.actor(Role::Author).await;
    let (second, second_token) = app.actor(Role::Author).await;
    let (_, stranger) = app.actor(Role::Author).await;
    let (a, b) = (
        author_id(&app, &first).await,
        author_id(&app, &second).await,
    );
    // An author may name a co-author, but must stay one of the authors.
    let r = app
        .graphql_as(
            &first_token,
            CREATE,
            json!({ "i": { "title": "남에게 준 글", "authors": [b] } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql_as(
            &first_token,
            CREATE,
            json!({ "i": { "title": "둘이 쓴 초안", "authors": [b, a] } }),
        )
        .await;
    let gid = r.data()["createPost"]["post"]["id"].clone();
    let draft = json!({ "id": gid });
    let read = "query($id: ID!) { node(id: $id) { ... on Post { title revisions { version } } } }";
    // The co-author (second place or first) reads the draft and edits it; another author
    // neither.
    let r = app.graphql_as(&second_token, read, draft.clone()).await;
    assert_eq!(r.data()["node"]["title"], "둘이 쓴 초안", "{}", r.body);
    let r = app.graphql_as(&stranger, read, draft.clone()).await;
    assert_eq!(r.data()["node"], Value::Null);
    // Their own listing (drafts included) holds it; the stranger's does not.
    let own = "{ viewer { posts { totalCount nodes { title } } } }";
    let r = app.graphql_as(&second_token, own, json!({})).await;
    assert_eq!(
        r.data()["viewer"]["posts"],
        json!({ "totalCount": 1, "nodes": [{ "title": "둘이 쓴 초안" }] })
    );
    let r = app.graphql_as(&stranger, own, json!({})).await;
    assert_eq!(r.data()["viewer"]["posts"]["totalCount"], 0);
    let r = app
        .graphql_as(
            &second_token,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 1, "title": "고친 초안" } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["version"], 2, "{}", r.body);
    let r = app
        .graphql_as(
            &stranger,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 2, "title": "남의 글" } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql_as(
            &first_token,
            "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status } } }",
            json!({ "i": { "id": gid } }),
        )
        .await;
    assert_eq!(r.data()["publishPost"]["post"]["status"], "PUBLISHED");
    let r = app
        .graphql_as(
            &stranger,
            "mutation($i: UnpublishPostInput!) { unpublishPost(input: $i) { post { status } } }",
            json!({ "i": { "id": gid } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    // Giving the post away entirely is refused; dropping the other author is not.
    let r = app
        .graphql_as(
            &second_token,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 3, "authors": [a] } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql_as(
            &second_token,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 3, "authors": [b] } }),
        )
        .await;
    assert_eq!(
        r.data()["updatePost"]["post"]["authors"][0]["name"],
        "author",
        "{}",
        r.body
    );
    let r = app
        .graphql_as(
            &first_token,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 4, "title": "이제 남의 글" } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
}
both_backends!(co_authors_may_edit_and_others_may_not);

async fn authors_list_counts_and_filters(app: TestApp) {
    let sky = app.user("sky@example.com", "김하늘", Role::Author).await;
    let sea = app.user("sea@example.com", "이바다", Role::Author).await;
    app.post("함께", "2022-01-01", "authors: [김하늘, 이바다]")
        .await;
    app.post("바다 혼자", "2022-01-02", "author: 이바다").await;
    app.post("하늘 초안", "2022-01-03", "author: 김하늘\ndraft: true")
        .await;

    let list = |order: &str| {
        format!("{{ authors(orderBy: {order}) {{ totalCount nodes {{ name postCount }} }} }}")
    };
    let r = app.graphql(&list("NAME"), json!({})).await;
    assert_eq!(
        r.data()["authors"],
        json!({ "totalCount": 2, "nodes": [
            { "name": "김하늘", "postCount": 1 },
            { "name": "이바다", "postCount": 2 },
        ] }),
        "drafts and authors without public posts are left out"
    );
    let r = app.graphql(&list("POST_COUNT"), json!({})).await;
    assert_eq!(names(&r.data()["authors"]["nodes"]), ["이바다", "김하늘"]);
    // A page of authors with their counts is one statement (two with `totalCount`).
    app.reset_statements();
    let r = app
        .graphql("{ authors { nodes { name postCount } } }", json!({}))
        .await;
    assert_eq!(names(&r.data()["authors"]["nodes"]), ["김하늘", "이바다"]);
    assert_eq!(app.statement_count(), 1);
    // Paged.
    let r = app
        .graphql(
            "{ authors(first: 1) { pageInfo { hasNextPage endCursor } nodes { name } } }",
            json!({}),
        )
        .await;
    let page = &r.data()["authors"];
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let r = app
        .graphql(
            "query($c: String) { authors(first: 1, after: $c) { pageInfo { hasNextPage } nodes { name } } }",
            json!({ "c": page["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(names(&r.data()["authors"]["nodes"]), ["이바다"]);
    assert_eq!(r.data()["authors"]["pageInfo"]["hasNextPage"], false);

    // Filtering by the second author finds the co-written post.
    let titles = |r: &quire_tests::GqlResponse, path: &[&str]| -> Vec<String> {
        let mut v = r.data();
        for p in path {
            v = &v[*p];
        }
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let q = "query($a: String) { posts(filter: { author: $a }) { totalCount nodes { title } } }";
    let r = app.graphql(q, json!({ "a": sea.slug })).await;
    assert_eq!(titles(&r, &["posts"]), ["바다 혼자", "함께"]);
    assert_eq!(r.data()["posts"]["totalCount"], 2);
    let r = app.graphql(q, json!({ "a": sky.slug })).await;
    assert_eq!(titles(&r, &["posts"]), ["함께"]);
    let r = app
        .graphql(
            "query($s: String!) { author(slug: $s) { postCount posts { nodes { title authors { name } } } } }",
            json!({ "s": sea.slug }),
        )
        .await;
    assert_eq!(r.data()["author"]["postCount"], 2);
    assert_eq!(titles(&r, &["author", "posts"]), ["바다 혼자", "함께"]);
    assert_eq!(
        names(&r.data()["author"]["posts"]["nodes"][1]["authors"]),
        ["김하늘", "이바다"]
    );
}
both_backends!(authors_list_counts_and_filters);

const PAGE: &str = "query($n: Int) { posts(first: $n) { nodes { title author { name } authors { name postCount } } } }";

async fn statements_do_not_grow_with_page_size(app: TestApp) {
    app.user("sky@example.com", "김하늘", Role::Author).await;
    app.user("sea@example.com", "이바다", Role::Author).await;
    for i in 0..60 {
        let byline = match i % 3 {
            0 => "authors: [김하늘, 이바다]",
            1 => "authors: [이바다]",
            _ => "",
        };
        app.post(
            &format!("글 {i:02}"),
            &format!("2022-01-{:02} 10:00:00 +0900", i % 28 + 1),
            byline,
        )
        .await;
    }
    let mut counts = Vec::new();
    for n in [5, 50] {
        app.reset_statements();
        let r = app.graphql(PAGE, json!({ "n": n })).await;
        let nodes = r.data()["posts"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n);
        for p in nodes {
            assert_eq!(p["authors"][0]["name"], p["author"]["name"]);
        }
        counts.push(app.statement_count());
    }
    assert_eq!(
        counts[0], counts[1],
        "statement count grew with the page size"
    );
    // The posts with their primary authors, the bylines, the authors' counts.
    assert_eq!(counts[0], 3, "statements of a page with bylines");
}
both_backends!(statements_do_not_grow_with_page_size);

fn cached(app: quire_tests::quire::app::Application) -> quire_tests::quire::app::Application {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 50,
        ..app.http().clone()
    };
    app.http_config(config)
}

async fn changing_authors_invalidates_cached_answers(app: TestApp) {
    let sea = app.user("sea@example.com", "이바다", Role::Author).await;
    let p = app.post("캐시된 글", "2022-01-01", "").await;
    let query = "{ posts { nodes { authors { name } } } }";
    let get = || async {
        let resp = app
            .client()
            .get(app.url("/graphql"))
            .query(&[("query", query)])
            .send()
            .await
            .unwrap();
        let cache = resp
            .headers()
            .get("x-cache")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = resp.json().await.unwrap();
        (
            names(&body["data"]["posts"]["nodes"][0]["authors"]).join(","),
            cache,
        )
    };
    let (first, _) = get().await;
    assert_eq!(first, "테스터");
    // The writes above reach the server's clock at its next poll (50 ms): until then an
    // answer may be made in an epoch about to end. Ask until one is served from cache.
    let mut cache = None;
    for _ in 0..40 {
        let (again, c) = get().await;
        assert_eq!(again, "테스터");
        cache = c;
        if cache.as_deref() == Some("HIT") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(cache.as_deref(), Some("HIT"));
    // Another writer adds a co-author straight in the database.
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO post_authors (post_id, user_id, position) VALUES ({}, {}, 1)",
            p.id, sea.id
        ))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (after, _) = get().await;
    assert_eq!(after, "테스터,이바다");
}
both_backends!(changing_authors_invalidates_cached_answers, super::cached);

/// A page has a byline too, set and read like a post's.
async fn pages_take_and_show_co_authors(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let sky = app.user("sky@example.com", "김하늘", Role::Author).await;
    let sea = app.user("sea@example.com", "이바다", Role::Author).await;
    let (a, b) = (author_id(&app, &sky).await, author_id(&app, &sea).await);
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: CreatePageInput!) { createPage(input: $i) { page { id author { name } authors { name } } } }",
            json!({ "i": { "title": "함께 쓴 소개", "authors": [b, a] } }),
        )
        .await;
    let page = &r.data()["createPage"]["page"];
    assert_eq!(names(&page["authors"]), ["이바다", "김하늘"]);
    assert_eq!(page["author"]["name"], "이바다");
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: UpdatePageInput!) { updatePage(input: $i) { page { authors { name } } } }",
            json!({ "i": { "id": page["id"], "expectedVersion": 1, "authors": [a] } }),
        )
        .await;
    assert_eq!(
        names(&r.data()["updatePage"]["page"]["authors"]),
        ["김하늘"]
    );
}
both_backends!(pages_take_and_show_co_authors);
