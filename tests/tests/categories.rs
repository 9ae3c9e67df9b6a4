//! Categories: a tree beside tags (글 › 회고). Managing it (create, move, rename,
//! reorder, delete; cycles refused), a category's posts and count (its descendants'
//! included, public posts only), the posts filter, writers filing posts, menus, the
//! response cache and the statement count of a category page. Imports, export and the
//! upgrade of older databases: `categories_import.rs`.

use quire_tests::{TestApp, both_backends, entity::user::Role, quire::service::category};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { id slug name position parent { slug } } } }";
const UPDATE: &str = "mutation($i: UpdateCategoryInput!) { updateCategory(input: $i) { category { slug name path { name } } } }";
const DELETE: &str =
    "mutation($i: DeleteCategoryInput!) { deleteCategory(input: $i) { category { name } } }";

/// Creates a category as `token`; returns its ID.
async fn create(app: &TestApp, token: &str, input: Value) -> String {
    let r = app.graphql_as(token, CREATE, json!({ "i": input })).await;
    r.data()["createCategory"]["category"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The whole tree, top down, for "nothing changed" checks.
async fn tree(app: &TestApp) -> Vec<(String, String, Option<i64>, i32)> {
    let t = category::tree(&app.db).await.unwrap();
    let mut out = Vec::new();
    let mut stack: Vec<Option<i64>> = vec![None];
    while let Some(parent) = stack.pop() {
        for c in t.children(parent) {
            out.push((c.slug.clone(), c.name.clone(), c.parent_id, c.position));
            stack.push(Some(c.id));
        }
    }
    out
}

async fn the_tree_is_managed_by_editors(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let writing = create(&app, &editor, json!({ "name": "글" })).await;
    let review = create(&app, &editor, json!({ "name": "회고", "parent": "글" })).await;
    let intro = create(&app, &editor, json!({ "name": "소개", "parent": "글" })).await;
    let year = create(&app, &editor, json!({ "name": "2024년", "parent": "회고" })).await;

    let q = r#"{ top: categories { name } under: categories(parent: "글") { name position }
                 none: categories(parent: "없음") { name }
                 category(slug: "2024년") { slug path { name } parent { name } children { name } }
                 writing: category(slug: "글") { parent { name } children { name } } }"#;
    let r = app.graphql(q, json!({})).await;
    let d = r.data();
    assert_eq!(names(&d["top"]), ["글"]);
    // Children come after the last sibling unless placed.
    assert_eq!(
        d["under"],
        json!([{ "name": "회고", "position": 0 }, { "name": "소개", "position": 1 }])
    );
    assert_eq!(d["none"], json!([]));
    assert_eq!(names(&d["category"]["path"]), ["글", "회고", "2024년"]);
    assert_eq!(d["category"]["parent"]["name"], "회고");
    assert_eq!(d["category"]["children"], json!([]));
    assert_eq!(d["writing"]["parent"], Value::Null);
    assert_eq!(names(&d["writing"]["children"]), ["회고", "소개"]);

    // Reordering.
    app.graphql_as(
        &editor,
        UPDATE,
        json!({ "i": { "id": intro, "position": -1 } }),
    )
    .await
    .data();
    let r = app
        .graphql(r#"{ categories(parent: "글") { name } }"#, json!({}))
        .await;
    assert_eq!(names(&r.data()["categories"]), ["소개", "회고"]);

    // A move under itself or below itself is a cycle: refused, nothing changed.
    let before = tree(&app).await;
    for parent in ["글", "회고", "2024년"] {
        let r = app
            .graphql_as(
                &editor,
                UPDATE,
                json!({ "i": { "id": writing, "parent": parent, "name": "바뀌면 안 됨" } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "parent");
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("cycle"),
            "{}",
            r.body
        );
    }
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": review, "parent": "없는-분류" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    assert_eq!(tree(&app).await, before);

    // Slugs are unique across the tree.
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "name": "다른 회고", "slug": "회고" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT", "{}", r.body);

    // Rename, then a new slug, then a move to the top (its subcategory follows).
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": review, "name": "돌아보기" } }),
        )
        .await;
    assert_eq!(
        r.data()["updateCategory"]["category"],
        json!({ "slug": "회고", "name": "돌아보기", "path": [{ "name": "글" }, { "name": "돌아보기" }] })
    );
    app.graphql_as(
        &editor,
        UPDATE,
        json!({ "i": { "id": review, "slug": "돌아보기", "parent": null } }),
    )
    .await
    .data();
    let r = app
        .graphql(
            r#"{ old: category(slug: "회고") { name } category(slug: "2024년") { path { slug } } top: categories { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["old"], Value::Null);
    assert_eq!(
        r.data()["category"]["path"],
        json!([{ "slug": "돌아보기" }, { "slug": "2024년" }])
    );
    assert_eq!(names(&r.data()["top"]), ["글", "돌아보기"]);

    // Deleting: refused while it has children; its posts become uncategorised.
    let r = app
        .graphql_as(&editor, DELETE, json!({ "i": { "id": review } }))
        .await;
    assert_eq!(r.error_code(), "CONFLICT", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("subcategories")
    );
    let p = app
        .post(
            "소개 글",
            "2024-01-01 10:00:00 +0900",
            "categories: [글, 소개]",
        )
        .await;
    assert!(p.category_id.is_some());
    let r = app
        .graphql_as(&editor, DELETE, json!({ "i": { "id": intro } }))
        .await;
    assert_eq!(r.data()["deleteCategory"]["category"]["name"], "소개");
    let r = app
        .graphql(
            r#"{ post(slug: "소개-글") { category { name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["post"]["category"], Value::Null);
    for id in [year, review] {
        app.graphql_as(&editor, DELETE, json!({ "i": { "id": id } }))
            .await
            .data();
    }
    let r = app.graphql("{ categories { name } }", json!({})).await;
    assert_eq!(names(&r.data()["categories"]), ["글"]);
    // Node lookup.
    let r = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Category { name } } }",
            json!({ "id": writing }),
        )
        .await;
    assert_eq!(r.data()["node"]["name"], "글");
}
both_backends!(the_tree_is_managed_by_editors);

/// Posts of 글 › 회고 and 글 › 소개, and posts that must not count.
async fn seed_posts(app: &TestApp) {
    app.post(
        "회고 하나",
        "2024-01-01 10:00:00 +0900",
        "categories: [글, 회고]",
    )
    .await;
    app.post(
        "회고 둘",
        "2024-02-01 10:00:00 +0900",
        "categories: [글, 회고]",
    )
    .await;
    app.post(
        "소개 하나",
        "2024-03-01 10:00:00 +0900",
        "categories: [글, 소개]",
    )
    .await;
    app.post("글 하나", "2024-04-01 10:00:00 +0900", "categories: 글")
        .await;
    app.post(
        "초안",
        "2024-05-01 10:00:00 +0900",
        "categories: [글, 회고]\ndraft: true",
    )
    .await;
    app.post(
        "버린 글",
        "2024-05-02 10:00:00 +0900",
        "categories: [글, 회고]\ntrashed: 2024-06-01 10:00:00 +0000",
    )
    .await;
    app.post(
        "예약 글",
        "2099-01-01 10:00:00 +0900",
        "categories: [글, 회고]",
    )
    .await;
    app.post("태그만", "2024-06-01 10:00:00 +0900", "tags: [회고]")
        .await;
}

fn titles(v: &Value) -> Vec<String> {
    v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_categorys_posts_include_its_descendants(app: TestApp) {
    seed_posts(&app).await;
    let r = app
        .graphql(
            r#"{ writing: category(slug: "글") { postCount posts { totalCount nodes { title category { name path { name } } } } }
                 review: category(slug: "회고") { postCount posts(first: 1) { totalCount nodes { title } pageInfo { hasNextPage } } }
                 oldest: category(slug: "회고") { posts(orderBy: { field: PUBLISHED_AT, direction: ASC }) { nodes { title } } }
                 filtered: posts(filter: { category: "글", tags: [] }) { totalCount nodes { title } }
                 sub: posts(filter: { category: "소개" }) { totalCount nodes { title } }
                 unknown: posts(filter: { category: "없음" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    let d = r.data();
    assert_eq!(d["writing"]["postCount"], 4);
    assert_eq!(d["writing"]["posts"]["totalCount"], 4);
    assert_eq!(
        titles(&d["writing"]["posts"]),
        ["글 하나", "소개 하나", "회고 둘", "회고 하나"]
    );
    assert_eq!(
        d["writing"]["posts"]["nodes"][3]["category"],
        json!({ "name": "회고", "path": [{ "name": "글" }, { "name": "회고" }] })
    );
    assert_eq!(d["writing"]["posts"]["nodes"][0]["category"]["name"], "글");
    assert_eq!(d["review"]["postCount"], 2);
    assert_eq!(d["review"]["posts"]["totalCount"], 2);
    assert_eq!(titles(&d["review"]["posts"]), ["회고 둘"]);
    assert_eq!(d["review"]["posts"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(titles(&d["oldest"]["posts"]), ["회고 하나", "회고 둘"]);
    assert_eq!(d["filtered"]["totalCount"], 4);
    assert_eq!(titles(&d["sub"]), ["소개 하나"]);
    assert_eq!(d["sub"]["totalCount"], 1);
    assert_eq!(d["unknown"]["totalCount"], 0);
    // The tag 회고 is another thing than the category 회고.
    let r = app
        .graphql(r#"{ tag(slug: "회고") { postCount } }"#, json!({}))
        .await;
    assert_eq!(r.data()["tag"]["postCount"], 1);
}
both_backends!(a_categorys_posts_include_its_descendants);

/// A category page costs a fixed number of statements, whatever its posts: the tree
/// (parents, children, paths, each post's category), the count, the page of posts.
async fn category_page_statements_are_fixed(app: TestApp) {
    const PAGE: &str = r#"query($slug: String!) { category(slug: $slug) { name
        path { name } children { name postCount } postCount
        posts(first: 20) { nodes { title category { name path { slug } } } } } }"#;
    for i in 0..25 {
        let cats = if i < 3 {
            "[큰, 작은]"
        } else {
            "[큰, 다른]"
        };
        app.post(
            &format!("분류 글 {i:02}"),
            &format!("2023-04-{:02} 10:00:00 +0900", i + 1),
            &format!("categories: {cats}"),
        )
        .await;
    }
    let mut counts = Vec::new();
    for (slug, n, total) in [("작은", 3, 3), ("큰", 20, 25)] {
        app.reset_statements();
        let r = app.graphql(PAGE, json!({ "slug": slug })).await;
        let c = &r.data()["category"];
        assert_eq!(c["posts"]["nodes"].as_array().unwrap().len(), n, "{c}");
        assert_eq!(c["postCount"], total);
        counts.push(app.statement_count());
    }
    assert_eq!(counts[0], counts[1], "statement count grew with the page");
    // The tree, the counts (one batch), the page of posts.
    assert_eq!(counts[0], 3, "statements of a category page");
}
both_backends!(category_page_statements_are_fixed);

async fn writers_file_posts_under_existing_categories(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let (_, author) = app.actor(Role::Author).await;
    create(&app, &editor, json!({ "name": "글" })).await;
    create(&app, &editor, json!({ "name": "회고", "parent": "글" })).await;
    let q = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id version category { slug path { name } } } } }";
    let r = app
        .graphql_as(
            &author,
            q,
            json!({ "i": { "title": "내 회고", "category": "회고" } }),
        )
        .await;
    let p = r.data()["createPost"]["post"].clone();
    assert_eq!(
        p["category"],
        json!({ "slug": "회고", "path": [{ "name": "글" }, { "name": "회고" }] })
    );
    // An unknown category is refused (authors and editors alike), nothing is written.
    let before = app.count_posts().await;
    let r = app
        .graphql_as(
            &editor,
            q,
            json!({ "i": { "title": "없는 분류", "category": "없음" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "category");
    assert_eq!(app.count_posts().await, before);
    let u = "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version category { slug } } } }";
    let r = app
        .graphql_as(
            &author,
            u,
            json!({ "i": { "id": p["id"], "expectedVersion": p["version"], "category": "글" } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["category"]["slug"], "글");
    let r = app
        .graphql_as(
            &author,
            u,
            json!({ "i": { "id": p["id"], "expectedVersion": 2, "title": "제목만" } }),
        )
        .await;
    assert_eq!(
        r.data()["updatePost"]["post"]["category"]["slug"],
        "글",
        "an update without `category` keeps it"
    );
    let r = app
        .graphql_as(
            &author,
            u,
            json!({ "i": { "id": p["id"], "expectedVersion": 3, "category": null } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["category"], Value::Null);
}
both_backends!(writers_file_posts_under_existing_categories);

async fn menus_link_to_categories(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    create(&app, &admin, json!({ "name": "글" })).await;
    let update = "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { primaryMenu { url target { kind slug title } } } } }";
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "primaryMenu": [{ "label": "글", "target": { "kind": "CATEGORY", "slug": "글" } }] } }),
        )
        .await;
    assert_eq!(
        r.data()["updateSite"]["site"]["primaryMenu"],
        json!([{ "url": "/categories/글", "target": { "kind": "CATEGORY", "slug": "글", "title": "글" } }])
    );
    let r = app
        .graphql_as(
            &admin,
            update,
            json!({ "i": { "primaryMenu": [{ "label": "없음", "target": { "kind": "CATEGORY", "slug": "없음" } }] } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "primaryMenu[0].target"
    );
    let r = app
        .graphql("{ site { primaryMenu { url } } }", json!({}))
        .await;
    assert_eq!(
        r.data()["site"]["primaryMenu"],
        json!([{ "url": "/categories/글" }])
    );
}
both_backends!(menus_link_to_categories);

/// A category write kills the cached answers that show categories.
async fn a_category_write_invalidates_the_cache(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let id = create(&app, &editor, json!({ "name": "글" })).await;
    let get = || async {
        let resp = app
            .client()
            .get(app.url("/graphql"))
            .query(&[("query", r#"{ category(slug: "글") { name } }"#)])
            .send()
            .await
            .unwrap();
        let cache = resp.headers()["x-cache"].to_str().unwrap().to_owned();
        let body: Value = resp.json().await.unwrap();
        (
            body["data"]["category"]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
            cache,
        )
    };
    assert_eq!(get().await, ("글".to_owned(), "MISS".to_owned()));
    assert_eq!(get().await, ("글".to_owned(), "HIT".to_owned()));
    app.graphql_as(
        &editor,
        UPDATE,
        json!({ "i": { "id": id, "name": "글들" } }),
    )
    .await
    .data();
    assert_eq!(get().await, ("글들".to_owned(), "MISS".to_owned()));
}
both_backends!(a_category_write_invalidates_the_cache, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 3_600_000,
        ..app.http().clone()
    };
    app.http_config(config)
});
