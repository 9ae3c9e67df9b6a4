//! Co-authors: a post has one or more authors in order, the first the primary one
//! (`Post.author`), kept in `post_authors` by every way a post is written; writers set
//! and reorder them, co-authors may edit, `authors` lists who writes with post counts,
//! listings filter by any author, imports read `author:`/`authors:` and export writes
//! them back.

use std::time::Duration;

use quire_tests::{
    TestApp, both_backends,
    entity::user::{self, Role},
    imports::{import, outcomes, request},
    quire::{export::to_jekyll, service::export::all_posts},
    sea_orm::ConnectionTrait,
};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id version author { name } authors { name } } } }";
const UPDATE: &str = "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version author { name } authors { name } } } }";

/// The Relay ID of a user's author profile.
async fn author_id(app: &TestApp, u: &user::Model) -> Value {
    let r = app
        .graphql(
            "query($s: String!) { author(slug: $s) { id } }",
            json!({ "s": u.slug }),
        )
        .await;
    r.data()["author"]["id"].clone()
}

/// `post_authors` of a post as `user_id:position` pairs, in order.
async fn rows(app: &TestApp, post_id: i64) -> Vec<(i64, i64)> {
    let backend = app.db.get_database_backend();
    app.db
        .query_all_raw(quire_tests::sea_orm::Statement::from_string(
            backend,
            format!(
                "SELECT user_id, position FROM post_authors WHERE post_id = {post_id} ORDER BY position"
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<i64>(0).unwrap(),
                i64::from(r.try_get_by_index::<i32>(1).unwrap()),
            )
        })
        .collect()
}

/// Posts whose author rows break the rule: no row at position 0 for `author_id`, or
/// positions that are not 0, 1, 2, … without gaps.
async fn broken_posts(app: &TestApp) -> i64 {
    app.number(
        "SELECT COUNT(*) FROM posts p WHERE NOT EXISTS \
         (SELECT 1 FROM post_authors a WHERE a.post_id = p.id AND a.position = 0 AND a.user_id = p.author_id) \
         OR (SELECT MAX(position) + 1 - COUNT(*) FROM post_authors a WHERE a.post_id = p.id) <> 0",
    )
    .await
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect()
}

fn id_of(global: &Value) -> i64 {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(global.as_str().unwrap())
        .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn every_way_of_writing_a_post_leaves_its_author_rows(app: TestApp) {
    // The demo (through the one-file importer).
    assert_eq!(
        quire_tests::quire::demo::load_if_empty(&app.db)
            .await
            .unwrap(),
        6
    );
    // createPost, by an author for themselves and by an editor for two people.
    let (writer, token) = app.actor(Role::Author).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let other = app.user("bada@example.com", "이바다", Role::Author).await;
    let r = app
        .graphql_as(&token, CREATE, json!({ "i": { "title": "혼자 쓴 글" } }))
        .await;
    let alone = id_of(&r.data()["createPost"]["post"]["id"]);
    assert_eq!(rows(&app, alone).await, [(writer.id, 0)]);
    let ids = [
        author_id(&app, &other).await,
        author_id(&app, &writer).await,
    ];
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "함께 쓴 글", "authors": ids } }),
        )
        .await;
    let together = id_of(&r.data()["createPost"]["post"]["id"]);
    assert_eq!(rows(&app, together).await, [(other.id, 0), (writer.id, 1)]);
    // The one-file importer, with and without an author.
    let p = app.post("가져온 글", "2022-01-01", "author: 이바다").await;
    assert_eq!(rows(&app, p.id).await, [(other.id, 0)]);
    let p = app.post("주인 없는 글", "2022-01-02", "").await;
    assert_eq!(rows(&app, p.id).await, [(app.author_id, 0)]);
    // `quire import`: the first files take the one-file path, the later ones (whose
    // authors the run has seen) the group writer.
    let dir =
        std::env::temp_dir().join(format!("quire-coauthors-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..30 {
        let authors = match i % 3 {
            0 => "authors: [김하늘, 이바다]",
            1 => "author: 이바다",
            _ => "",
        };
        std::fs::write(
            dir.join(format!("{i:02}.md")),
            format!("---\ntitle: \"묶음 {i}\"\ndate: 2024-01-{:02} 10:00:00 +0900\n{authors}\n---\n\n본문 {i}\n", i + 1),
        )
        .unwrap();
    }
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (30, 0, 0, 0));
    let sky: i64 = app
        .number("SELECT id FROM users WHERE display_name = '김하늘'")
        .await;
    for i in 0..30 {
        let id = app
            .number(&format!("SELECT id FROM posts WHERE title = '묶음 {i}'"))
            .await;
        // Without a name: the run's default author.
        let want = match i % 3 {
            0 => vec![(sky, 0), (other.id, 1)],
            1 => vec![(other.id, 0)],
            _ => vec![(rows(&app, id).await[0].0, 0)],
        };
        assert_eq!(rows(&app, id).await, want, "묶음 {i}");
    }
    // Importing again changes nothing.
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (0, 0, 30, 0));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(broken_posts(&app).await, 0);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM post_authors").await,
        app.number("SELECT COUNT(*) FROM posts").await + 10 + 1,
        "one row per post, one more for each co-author"
    );
}
both_backends!(every_way_of_writing_a_post_leaves_its_author_rows);

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

async fn import_and_export_round_trip(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let sky = app.user("sky@example.com", "김하늘", Role::Author).await;
    let sea = app.user("sea@example.com", "이바다", Role::Author).await;
    let (a, b) = (author_id(&app, &sky).await, author_id(&app, &sea).await);
    // Imported with display names: exported as written.
    let imported = app
        .post("가져온 공저", "2022-01-01", "authors: [이바다, 김하늘]")
        .await;
    assert_eq!(rows(&app, imported.id).await, [(sea.id, 0), (sky.id, 1)]);
    // Written through the API: exported by slug.
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "쓴 공저", "slug": "written", "authors": [a, b] } }),
        )
        .await;
    let gid = r.data()["createPost"]["post"]["id"].clone();
    let post_id = id_of(&gid);
    let files: Vec<_> = all_posts(&app.db)
        .await
        .unwrap()
        .iter()
        .map(to_jekyll)
        .collect();
    let text_of = |slug: &str| {
        files
            .iter()
            .find(|f| f.relative_path.ends_with(&format!("-{slug}.md")))
            .unwrap()
            .text
            .clone()
    };
    let from_file = text_of(&imported.slug);
    assert!(
        from_file.contains("authors:\n  - 이바다\n  - 김하늘"),
        "{from_file}"
    );
    let written = text_of("written");
    assert!(
        written.contains(&format!("authors:\n  - {}\n  - {}", sky.slug, sea.slug)),
        "{written}"
    );
    assert!(!written.contains("\nauthor:"), "{written}");

    // Change the authors, then import the exported file: they come back.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 1, "authors": [b] } }),
        )
        .await;
    assert_eq!(
        names(&r.data()["updatePost"]["post"]["authors"]),
        ["이바다"]
    );
    let one = all_posts(&app.db)
        .await
        .unwrap()
        .iter()
        .map(to_jekyll)
        .find(|f| f.relative_path.ends_with("-written.md"))
        .unwrap();
    assert!(
        one.text.contains(&format!("author: {}", sea.slug)),
        "{}",
        one.text
    );
    app.import("_posts/written.md", &written).await;
    assert_eq!(rows(&app, post_id).await, [(sky.id, 0), (sea.id, 1)]);
    app.import("_posts/written.md", &one.text).await;
    assert_eq!(rows(&app, post_id).await, [(sea.id, 0)]);
    assert_eq!(broken_posts(&app).await, 0);
}
both_backends!(import_and_export_round_trip);

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
    let (again, cache) = get().await;
    assert_eq!((again.as_str(), cache.as_deref()), ("테스터", Some("HIT")));
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
