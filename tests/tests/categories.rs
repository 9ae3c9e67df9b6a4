//! Categories: a tree beside tags (글 › 회고). Managing it (create, move, rename,
//! reorder, delete; cycles refused), a category's posts and count (its descendants'
//! included, public posts only), the posts filter, writers filing posts, imports from
//! Chirpy, Jekyll and just-the-docs (tags kept as written), the export round trip,
//! menus, the response cache and the statement count of a category page.

use quire_tests::{
    TestApp, both_backends,
    entity::{post, user::Role},
    quire::{
        export::to_jekyll,
        import::parse_document,
        service::{category, export::all_posts},
    },
};
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

/// The whole tree as indented names, for "nothing changed" checks.
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

/// The category path of a stored post, names from the top.
async fn path_of(app: &TestApp, p: &post::Model) -> Vec<String> {
    let t = category::tree(&app.db).await.unwrap();
    p.category_id
        .map(|id| t.path(id).iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

async fn tag_slugs(app: &TestApp, id: i64) -> Vec<String> {
    quire_tests::quire::service::tag::by_posts(&app.db, &[id])
        .await
        .unwrap()
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.slug)
        .collect()
}

async fn imports_read_categories_and_keep_tags(app: TestApp) {
    let chirpy = app
        .import(
            "_posts/2022-01-01-review.md",
            "---\ntitle: 올해 회고\ncategories: [ETC, Retrospective]\ntags: [retrospective]\ndate: 2022-01-01 17:30:00 +0900\n---\n본문\n",
        )
        .await;
    assert_eq!(path_of(&app, &chirpy).await, ["ETC", "Retrospective"]);
    assert_eq!(tag_slugs(&app, chirpy.id).await, ["retrospective"]);
    let jekyll = app
        .import(
            "_posts/2021-07-04-essay.md",
            "---\nlayout: post\ntitle: 수필\ncategories: essay\ntags: Diary acme\n---\n본문\n",
        )
        .await;
    assert_eq!(path_of(&app, &jekyll).await, ["essay"]);
    assert_eq!(tag_slugs(&app, jekyll.id).await, ["diary", "acme"]);
    let docs = app
        .import(
            "docs/personal/retro.md",
            "---\ntitle: 개인 회고\nparent: Personal\ngrand_parent: Writes\nnav_order: 1\n---\n본문\n",
        )
        .await;
    assert_eq!(path_of(&app, &docs).await, ["Writes", "Personal"]);
    let page = app
        .import(
            "about.md",
            "---\nlayout: page\ntitle: 소개\nparent: Home\n---\n본문\n",
        )
        .await;
    assert_eq!(page.category_id, None, "a page's parent is a page");
    // The same name under two parents: the second gets a suffixed slug.
    let other = app
        .import(
            "_posts/2022-02-01-other.md",
            "---\ntitle: 다른 회고\ncategories: [Life, Retrospective]\ndate: 2022-02-01\n---\n본문\n",
        )
        .await;
    let t = category::tree(&app.db).await.unwrap();
    let slug = |p: &post::Model| t.get(p.category_id.unwrap()).unwrap().slug.clone();
    assert_eq!(
        (slug(&chirpy), slug(&other)),
        ("retrospective".to_owned(), "retrospective-2".to_owned())
    );
    // Importing again finds the same categories.
    let again = app
        .import(
            "_posts/2022-02-02-more.md",
            "---\ntitle: 또 회고\ncategories: [etc, retrospective]\ndate: 2022-02-02\n---\n본문\n",
        )
        .await;
    assert_eq!(again.category_id, chirpy.category_id);
    assert_eq!(
        quire_tests::quire::service::category::tree(&app.db)
            .await
            .unwrap()
            .children(None)
            .len(),
        4,
        "ETC, essay, Writes, Life"
    );
}
both_backends!(imports_read_categories_and_keep_tags);

async fn export_writes_the_path_and_import_reads_it_back(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let p = app
        .post(
            "내보낼 글",
            "2024-01-01 10:00:00 +0900",
            "categories: [글, 회고]\ntags: [일상]",
        )
        .await;
    let plain = app
        .post(
            "분류 없는 글",
            "2024-01-02 10:00:00 +0900",
            "parent: 옛 분류",
        )
        .await;
    // The category leaves the post: the export must say so.
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { category { name } } } }",
            json!({ "i": { "id": quire_tests::quire::graphql::node::encode(quire_tests::quire::graphql::node::Kind::Post, plain.id), "expectedVersion": plain.version, "category": null } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["category"], Value::Null);
    // And 회고 is renamed: the export writes today's names.
    let review = category::tree(&app.db)
        .await
        .unwrap()
        .by_slug("회고")
        .unwrap()
        .id;
    app.graphql_as(
        &editor,
        UPDATE,
        json!({ "i": { "id": quire_tests::quire::graphql::node::encode(quire_tests::quire::graphql::node::Kind::Category, review), "name": "돌아보기" } }),
    )
    .await
    .data();
    let exported = all_posts(&app.db).await.unwrap();
    let file = |id: i64| to_jekyll(exported.iter().find(|e| e.post.id == id).unwrap());
    let text = file(p.id).text;
    assert!(
        text.contains("categories:\n  - 글\n  - 돌아보기\n"),
        "{text}"
    );
    let back = parse_document("x.md", &text).unwrap();
    assert_eq!(back.category_path, ["글", "돌아보기"]);
    assert_eq!(back.tags, ["일상"]);
    let plain_text = file(plain.id).text;
    assert!(plain_text.contains("categories: []"), "{plain_text}");
    assert!(
        parse_document("y.md", &plain_text)
            .unwrap()
            .category_path
            .is_empty()
    );
    // Re-importing the exported file keeps the post where it is.
    let again = app.import(&p.source_path.clone().unwrap(), &text).await;
    assert_eq!((again.id, again.category_id), (p.id, p.category_id));
}
both_backends!(export_writes_the_path_and_import_reads_it_back);

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

/// A database from before categories: posts imported then had their `categories`
/// turned into tags, and kept them in their front matter. After the migrations the
/// backfill files them under those categories once; the tags stay.
async fn posts_imported_before_get_their_categories_once(app: TestApp) {
    use quire_tests::{
        entity::{post_tag, setting, tag},
        quire::db,
        sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set},
    };
    {
        use quire_tests::migration::{Migrator, MigratorTrait};
        let all = Migrator::migrations();
        let at = all
            .iter()
            .position(|m| m.name() == "m20261206_030000_create_categories")
            .unwrap();
        Migrator::down(&app.db, Some(u32::try_from(all.len() - at).unwrap()))
            .await
            .unwrap();
    }
    // A database of before had no marker.
    setting::Entity::delete_by_id(category::BACKFILL_MARKER.to_owned())
        .exec(&app.db)
        .await
        .unwrap();
    let now = quire_tests::quire::service::now();
    let cases = [
        (
            "chirpy",
            json!({ "categories": ["글", "회고"], "tags": ["일상"] }),
            vec!["일상", "글", "회고"],
        ),
        (
            "jekyll",
            json!({ "layout": "post", "categories": "essay" }),
            vec!["essay"],
        ),
        (
            "docs",
            json!({ "parent": "Personal", "grand_parent": "Writes" }),
            vec![],
        ),
        (
            "page",
            json!({ "layout": "page", "parent": "Home" }),
            vec![],
        ),
        ("plain", json!({ "tags": ["일상"] }), vec!["일상"]),
    ];
    for (slug, fm, tags) in &cases {
        let p = post::ActiveModel {
            slug: Set((*slug).into()),
            title: Set(format!("{slug} 글")),
            markdown: Set("본문".into()),
            html: Set("<p>본문</p>".into()),
            toc: Set(json!([])),
            excerpt: Set("본문".into()),
            reading_time_minutes: Set(1),
            word_count: Set(1),
            status: Set(post::Status::Published),
            published_at: Set(Some(now)),
            author_id: Set(app.author_id),
            front_matter: Set(fm.clone()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let id = post::Entity::insert(p)
            .exec(&app.db)
            .await
            .unwrap()
            .last_insert_id;
        for (i, name) in tags.iter().enumerate() {
            let slug = quire_tests::quire::slug::slugify(name);
            let t = match tag::Entity::find()
                .filter(tag::Column::Slug.eq(slug.as_str()))
                .one(&app.db)
                .await
                .unwrap()
            {
                Some(t) => t,
                None => tag::ActiveModel {
                    slug: Set(slug),
                    name: Set((*name).into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&app.db)
                .await
                .unwrap(),
            };
            post_tag::ActiveModel {
                post_id: Set(id),
                tag_id: Set(t.id),
                position: Set(i32::try_from(i).unwrap()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
    }
    let links = || async {
        post_tag::Entity::find()
            .order_by_asc(post_tag::Column::PostId)
            .order_by_asc(post_tag::Column::Position)
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.post_id, l.tag_id))
            .collect::<Vec<_>>()
    };
    let tags_before = links().await;

    db::migrate(&app.db).await.unwrap();
    let stored = || async {
        let t = category::tree(&app.db).await.unwrap();
        post::Entity::find()
            .order_by_asc(post::Column::Id)
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| {
                let path: Vec<String> = p
                    .category_id
                    .map(|id| t.path(id).iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default();
                (p.slug, path, p.version)
            })
            .collect::<Vec<_>>()
    };
    let after = stored().await;
    let path = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        after,
        vec![
            ("chirpy".to_owned(), path(&["글", "회고"]), 1),
            ("jekyll".to_owned(), path(&["essay"]), 1),
            ("docs".to_owned(), path(&["Writes", "Personal"]), 1),
            ("page".to_owned(), vec![], 1),
            ("plain".to_owned(), vec![], 1),
        ]
    );
    assert_eq!(links().await, tags_before, "the tags stay as they were");
    let r = app
        .graphql(
            r#"{ category(slug: "글") { postCount children { name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["category"],
        json!({ "postCount": 1, "children": [{ "name": "회고" }] })
    );

    // Once only: a category an editor removes later is not brought back.
    post::Entity::update_many()
        .col_expr(
            post::Column::CategoryId,
            quire_tests::sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .filter(post::Column::Slug.eq("jekyll"))
        .exec(&app.db)
        .await
        .unwrap();
    let categories = tree(&app).await;
    db::migrate(&app.db).await.unwrap();
    assert_eq!(tree(&app).await, categories);
    let again = stored().await;
    assert_eq!(again[1], ("jekyll".to_owned(), vec![], 1));
    assert_eq!(again[0], after[0]);
}
both_backends!(posts_imported_before_get_their_categories_once);
