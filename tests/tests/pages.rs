//! Pages: standalone content (소개, 지금, 도구) with the post machinery (drafts,
//! scheduling, trash, slug history, revisions, previews) outside post listings, in a
//! tree with a menu order and breadcrumbs.

use entity::user::Role;
use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};

const CREATE: &str =
    "mutation($i: CreatePageInput!) { createPage(input: $i) { page { id slug version status } } }";
const UPDATE: &str = "mutation($i: UpdatePageInput!) { updatePage(input: $i) { page { id slug title version menuOrder parent { slug } } } }";
const PUBLISH: &str =
    "mutation($i: PublishPageInput!) { publishPage(input: $i) { page { status version } } }";

/// Creates a page as `token` and returns it (`id`, `slug`, `version`, `status`).
async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    let r = app.graphql_as(token, CREATE, json!({ "i": input })).await;
    r.data()["createPage"]["page"].clone()
}

/// Creates and publishes a page; returns its ID.
async fn published(app: &TestApp, token: &str, input: Value) -> String {
    let p = create(app, token, input).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let r = app
        .graphql_as(token, PUBLISH, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(r.data()["publishPage"]["page"]["status"], "PUBLISHED");
    id
}

fn titles(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The tree used by several tests: 지금 (1), 소개 (2) at the top; 팀 (1) and 도구 (5)
/// under 소개; 연혁 under 팀. All published.
async fn tree(app: &TestApp, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for input in [
        json!({ "title": "소개", "markdown": "# 안녕하세요\n\n소개 본문", "menuOrder": 2 }),
        json!({ "title": "지금", "markdown": "요즘 하는 일", "menuOrder": 1 }),
        json!({ "title": "도구", "markdown": "쓰는 도구", "parent": "소개", "menuOrder": 5 }),
        json!({ "title": "팀", "markdown": "함께하는 사람들", "parent": "소개", "menuOrder": 1 }),
        json!({ "title": "연혁", "markdown": "지난 일", "parent": "팀" }),
    ] {
        ids.push(published(app, token, input).await);
    }
    ids
}

const PAGE: &str = "query($s: String!) { page(slug: $s) { title slug status menuOrder
  parent { title } children { title } breadcrumbs { title } } }";

async fn tree_order_breadcrumbs_and_rules(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let ids = tree(&app, &editor).await;

    // The top level and a parent's children, in menu order.
    let top = app
        .graphql("{ pages { totalCount nodes { title } } }", json!({}))
        .await;
    assert_eq!(titles(&top.data()["pages"]["nodes"]), ["지금", "소개"]);
    assert_eq!(top.data()["pages"]["totalCount"], 2);
    let under = app
        .graphql(
            "{ pages(parent: \"소개\") { totalCount nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(titles(&under.data()["pages"]["nodes"]), ["팀", "도구"]);
    assert_eq!(under.data()["pages"]["totalCount"], 2);
    let paged = app
        .graphql(
            "{ pages(parent: \"소개\", first: 1) { pageInfo { hasNextPage endCursor } nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(titles(&paged.data()["pages"]["nodes"]), ["팀"]);
    assert_eq!(paged.data()["pages"]["pageInfo"]["hasNextPage"], true);
    let cursor = paged.data()["pages"]["pageInfo"]["endCursor"].clone();
    let next = app
        .graphql(
            "query($a: String) { pages(parent: \"소개\", first: 1, after: $a) { pageInfo { hasNextPage } nodes { title } } }",
            json!({ "a": cursor }),
        )
        .await;
    assert_eq!(titles(&next.data()["pages"]["nodes"]), ["도구"]);
    assert_eq!(next.data()["pages"]["pageInfo"]["hasNextPage"], false);
    let none = app
        .graphql(
            "{ pages(parent: \"없는-쪽\") { totalCount nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(none.data()["pages"]["nodes"], json!([]));

    // A page's parent, children and breadcrumbs (root first, itself excluded).
    let p = app.graphql(PAGE, json!({ "s": "연혁" })).await;
    let p = &p.data()["page"];
    assert_eq!(p["parent"]["title"], "팀");
    assert_eq!(p["children"], json!([]));
    assert_eq!(titles(&p["breadcrumbs"]), ["소개", "팀"]);
    let p = app.graphql(PAGE, json!({ "s": "소개" })).await;
    let p = &p.data()["page"];
    assert_eq!(p["parent"], Value::Null);
    assert_eq!(titles(&p["children"]), ["팀", "도구"]);
    assert_eq!(p["breadcrumbs"], json!([]));
    assert_eq!(p["menuOrder"], 2);

    // A draft child is the editor's to see, not the public's.
    create(
        &app,
        &editor,
        json!({ "title": "비밀", "parent": "소개", "menuOrder": 0 }),
    )
    .await;
    let public = app.graphql(PAGE, json!({ "s": "소개" })).await;
    assert_eq!(titles(&public.data()["page"]["children"]), ["팀", "도구"]);
    let own = app.graphql_as(&editor, PAGE, json!({ "s": "소개" })).await;
    assert_eq!(
        titles(&own.data()["page"]["children"]),
        ["비밀", "팀", "도구"]
    );
    assert_eq!(
        app.graphql(PAGE, json!({ "s": "비밀" })).await.data()["page"],
        Value::Null
    );
    let drafts = app
        .graphql_as(
            &editor,
            "{ pages(parent: \"소개\", includeDrafts: true) { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        titles(&drafts.data()["pages"]["nodes"]),
        ["비밀", "팀", "도구"]
    );

    // A cycle is refused with a clear code, and nothing changes.
    let before = app
        .number("SELECT CAST(version AS BIGINT) FROM posts WHERE slug = '소개'")
        .await;
    for parent in ["연혁", "소개"] {
        let r = app
            .graphql_as(
                &editor,
                UPDATE,
                json!({ "i": { "id": ids[0], "expectedVersion": before, "parent": parent, "title": "바뀐 소개" } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("ancestor")
        );
    }
    assert_eq!(
        app.number("SELECT CAST(version AS BIGINT) FROM posts WHERE slug = '소개'")
            .await,
        before
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM posts WHERE slug = '소개' AND parent_id IS NULL AND title = '소개'")
            .await,
        1
    );

    // A parent must be a page.
    app.post("일반 글", "2022-01-01", "").await;
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "고아", "parent": "일반-글" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");

    // Moving a page: under 지금, then to the top again.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": ids[2], "expectedVersion": 2, "parent": "지금", "menuOrder": 3 } }),
        )
        .await;
    let moved = &r.data()["updatePage"]["page"];
    assert_eq!(moved["parent"]["slug"], "지금");
    assert_eq!(moved["menuOrder"], 3);
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": ids[2], "expectedVersion": 3, "parent": null } }),
        )
        .await;
    assert_eq!(r.data()["updatePage"]["page"]["parent"], Value::Null);
    let top = app
        .graphql("{ pages { nodes { title } } }", json!({}))
        .await;
    assert_eq!(
        titles(&top.data()["pages"]["nodes"]),
        ["지금", "소개", "도구"]
    );
}
both_backends!(tree_order_breadcrumbs_and_rules);

async fn lifecycle_slugs_and_kinds(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let id = published(
        &app,
        &editor,
        json!({ "title": "소개", "markdown": "## 저는\n\n글 쓰는 사람" }),
    )
    .await;
    let q =
        "query($s: String!) { page(slug: $s) { id slug title status html toc { text anchor } } }";
    let r = app.graphql(q, json!({ "s": "소개" })).await;
    let p = &r.data()["page"];
    assert_eq!(p["id"], id);
    assert_eq!(p["status"], "PUBLISHED");
    assert!(p["html"].as_str().unwrap().contains("<h2"));
    assert_eq!(p["toc"][0]["text"], "저는");

    // A new slug keeps the old one as an alias.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": id, "expectedVersion": 2, "slug": "about" } }),
        )
        .await;
    assert_eq!(r.data()["updatePage"]["page"]["slug"], "about");
    let r = app.graphql(q, json!({ "s": "소개" })).await;
    assert_eq!(r.data()["page"]["slug"], "about");

    // A page is no post: `post` does not answer its slug.
    let r = app
        .graphql("{ post(slug: \"about\") { title } }", json!({}))
        .await;
    assert_eq!(r.data()["post"], Value::Null);

    // One slug namespace with posts; a post's slug is no page.
    app.post("첫 글", "2022-01-01", "").await;
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "겹침", "slug": "첫-글" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    assert_eq!(
        app.graphql(q, json!({ "s": "첫-글" })).await.data()["page"],
        Value::Null
    );

    // Schedule, unpublish, trash, restore.
    let act = |name: &str| {
        let cap = name[..1].to_uppercase() + &name[1..];
        format!(
            "mutation($i: {cap}Input!) {{ {name}(input: $i) {{ page {{ status deletedAt }} }} }}"
        )
    };
    let r = app
        .graphql_as(
            &editor,
            PUBLISH,
            json!({ "i": { "id": id, "publishAt": "2999-01-01T00:00:00+09:00" } }),
        )
        .await;
    assert_eq!(r.data()["publishPage"]["page"]["status"], "SCHEDULED");
    assert_eq!(
        app.graphql(q, json!({ "s": "about" })).await.data()["page"],
        Value::Null
    );
    let r = app
        .graphql_as(&editor, &act("unpublishPage"), json!({ "i": { "id": id } }))
        .await;
    assert_eq!(r.data()["unpublishPage"]["page"]["status"], "DRAFT");
    app.graphql_as(&editor, PUBLISH, json!({ "i": { "id": id } }))
        .await;
    let r = app
        .graphql_as(&editor, &act("deletePage"), json!({ "i": { "id": id } }))
        .await;
    assert!(r.data()["deletePage"]["page"]["deletedAt"].is_string());
    assert_eq!(
        app.graphql(q, json!({ "s": "about" })).await.data()["page"],
        Value::Null
    );
    let r = app
        .graphql_as(&editor, &act("restorePage"), json!({ "i": { "id": id } }))
        .await;
    assert_eq!(r.data()["restorePage"]["page"]["status"], "PUBLISHED");
    assert_eq!(
        app.graphql(q, json!({ "s": "about" })).await.data()["page"]["title"],
        "소개"
    );

    // Page and post IDs are not interchangeable.
    let post_id = app
        .graphql("{ posts { nodes { id } } }", json!({}))
        .await
        .data()["posts"]["nodes"][0]["id"]
        .clone();
    let r = app
        .graphql_as(&editor, PUBLISH, json!({ "i": { "id": post_id } }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    let as_page = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(post_id.as_str().unwrap())
            .unwrap();
        let n = String::from_utf8(raw).unwrap().replace("Post:", "Page:");
        base64::engine::general_purpose::STANDARD.encode(n)
    };
    let r = app
        .graphql_as(&editor, PUBLISH, json!({ "i": { "id": as_page } }))
        .await;
    assert_eq!(r.error_code(), "NOT_FOUND");

    // A page takes no tags, series or category, even through the post mutations.
    let as_post = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(id.as_str())
            .unwrap();
        let n = String::from_utf8(raw).unwrap().replace("Page:", "Post:");
        base64::engine::general_purpose::STANDARD.encode(n)
    };
    let version = app
        .number("SELECT CAST(version AS BIGINT) FROM posts WHERE slug = 'about'")
        .await;
    let r = app
        .graphql_as(
            &editor,
            r#"mutation { createCategory(input: { name: "글" }) { category { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["createCategory"]["category"]["slug"], "글");
    for (field, value) in [
        ("tags", json!(["회고"])),
        ("series", json!("연재")),
        ("category", json!("글")),
    ] {
        let r = app
            .graphql_as(
                &editor,
                "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { id } } }",
                json!({ "i": { "id": as_post, "expectedVersion": version, field: value } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], field,
            "{}",
            r.body
        );
    }
    assert_eq!(app.number("SELECT COUNT(*) FROM tags").await, 0);
    assert_eq!(app.number("SELECT COUNT(*) FROM series").await, 0);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM posts WHERE category_id IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.number("SELECT CAST(version AS BIGINT) FROM posts WHERE slug = 'about'")
            .await,
        version
    );
}
both_backends!(lifecycle_slugs_and_kinds);

async fn pages_stay_out_of_post_listings_and_search_asks(app: TestApp) {
    let (author, token) = app.actor(Role::Author).await;
    app.post("회고 글", "2022-01-01", "tags: [회고]\nauthor: 테스터")
        .await;
    published(
        &app,
        &token,
        json!({ "title": "회고 소개", "markdown": "회고를 쓰는 곳" }),
    )
    .await;
    let r = app
        .graphql(
            "{ posts { totalCount nodes { title } } tag(slug: \"회고\") { postCount posts { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(titles(&r.data()["posts"]["nodes"]), ["회고 글"]);
    assert_eq!(r.data()["posts"]["totalCount"], 1);
    assert_eq!(r.data()["tag"]["postCount"], 1);
    assert_eq!(r.data()["tag"]["posts"]["totalCount"], 1);
    let q = "query($s: String!) { author(slug: $s) { posts { totalCount nodes { title } } } }";
    let r = app.graphql(q, json!({ "s": author.slug })).await;
    assert_eq!(r.data()["author"]["posts"]["totalCount"], 0);
    assert_eq!(r.data()["author"]["posts"]["nodes"], json!([]));

    // Search: posts unless asked; each hit says what it is.
    let search = |kinds: Option<Value>| {
        let app = &app;
        async move {
            let q = "query($k: [ContentKind!]) { search(query: \"회고\", kinds: $k) {
              totalCount nodes { kind post { title } page { title slug } } } }";
            let q = if kinds.is_none() {
                q.replace(", kinds: $k", "")
                    .replace("($k: [ContentKind!])", "")
            } else {
                q.to_owned()
            };
            app.graphql(&q, json!({ "k": kinds })).await.data()["search"].clone()
        }
    };
    let posts = search(None).await;
    assert_eq!(posts["totalCount"], 1);
    assert_eq!(posts["nodes"][0]["kind"], "POST");
    assert_eq!(posts["nodes"][0]["page"], Value::Null);
    let pages = search(Some(json!(["PAGE"]))).await;
    assert_eq!(pages["totalCount"], 1);
    assert_eq!(pages["nodes"][0]["kind"], "PAGE");
    assert_eq!(pages["nodes"][0]["page"]["title"], "회고 소개");
    let both = search(Some(json!(["POST", "PAGE"]))).await;
    assert_eq!(both["totalCount"], 2);
    let r = app
        .graphql(
            "{ search(query: \"회고\", kinds: []) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
}
both_backends!(pages_stay_out_of_post_listings_and_search_asks);

async fn revisions_and_previews(app: TestApp) {
    let (_, token) = app.actor(Role::Author).await;
    let p = create(
        &app,
        &token,
        json!({ "title": "지금", "markdown": "첫 판" }),
    )
    .await;
    let id = p["id"].as_str().unwrap();
    app.graphql_as(
        &token,
        UPDATE,
        json!({ "i": { "id": id, "expectedVersion": 1, "title": "요즘", "markdown": "둘째 판" } }),
    )
    .await;
    let q = "query($id: ID!) { node(id: $id) { ... on Page { title revisions { id version title } } } }";
    let r = app.graphql_as(&token, q, json!({ "id": id })).await;
    let revs = r.data()["node"]["revisions"].as_array().unwrap().clone();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[1]["title"], "지금");
    let r = app
        .graphql_as(
            &token,
            "mutation($i: RestorePageRevisionInput!) { restorePageRevision(input: $i) { page { title markdown version } } }",
            json!({ "i": { "id": revs[1]["id"] } }),
        )
        .await;
    let page = &r.data()["restorePageRevision"]["page"];
    assert_eq!(page["title"], "지금");
    assert_eq!(page["markdown"], "첫 판");
    assert_eq!(page["version"], 3);

    // A writer lists their own pages, drafts included; the public listing does not.
    let r = app
        .graphql_as(
            &token,
            "{ viewer { pages { totalCount nodes { title status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["viewer"]["pages"],
        json!({ "totalCount": 1, "nodes": [{ "title": "지금", "status": "DRAFT" }] })
    );
    let r = app.graphql("{ pages { totalCount } }", json!({})).await;
    assert_eq!(r.data()["pages"]["totalCount"], 0);

    // A draft: nobody sees it without a preview token.
    let by_slug = "query($s: String!) { page(slug: $s) { title } }";
    assert_eq!(
        app.graphql(by_slug, json!({ "s": "지금" })).await.data()["page"],
        Value::Null
    );
    let r = app
        .graphql_as(
            &token,
            "mutation($i: CreatePagePreviewTokenInput!) { createPagePreviewToken(input: $i) { token } }",
            json!({ "i": { "pageId": id } }),
        )
        .await;
    let preview = r.data()["createPagePreviewToken"]["token"].clone();
    let r = app
        .graphql(
            "query($t: String!) { page(previewToken: $t) { title status } }",
            json!({ "t": preview }),
        )
        .await;
    assert_eq!(r.data()["page"]["title"], "지금");
    assert_eq!(r.data()["page"]["status"], "DRAFT");
}
both_backends!(revisions_and_previews);

async fn a_page_write_invalidates_the_cached_page(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let id = published(
        &app,
        &editor,
        json!({ "title": "소개", "markdown": "처음" }),
    )
    .await;
    let get = |q: &'static str| {
        let app = &app;
        async move {
            let resp = app
                .client()
                .get(app.url("/graphql"))
                .query(&[("query", q)])
                .send()
                .await
                .unwrap();
            let cache = resp.headers()["x-cache"].to_str().unwrap().to_owned();
            let body: Value = resp.json().await.unwrap();
            (
                body["data"]["page"]["title"].as_str().unwrap().to_owned(),
                cache,
            )
        }
    };
    const Q: &str = "{ page(slug: \"소개\") { title } }";
    assert_eq!(get(Q).await, ("소개".to_owned(), "MISS".to_owned()));
    assert_eq!(get(Q).await, ("소개".to_owned(), "HIT".to_owned()));
    app.graphql_as(
        &editor,
        UPDATE,
        json!({ "i": { "id": id, "expectedVersion": 2, "title": "저를 소개합니다" } }),
    )
    .await;
    assert_eq!(
        get(Q).await,
        ("저를 소개합니다".to_owned(), "MISS".to_owned())
    );
}
both_backends!(a_page_write_invalidates_the_cached_page, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        response_cache_mb: 8,
        cache_poll_ms: 3_600_000,
        ..app.http().clone()
    };
    app.http_config(config)
});

/// A page with its parent, children and breadcrumbs costs the same statements at any
/// depth and with any number of children.
async fn page_statements_are_fixed(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    tree(&app, &editor).await;
    for i in 0..6 {
        published(
            &app,
            &editor,
            json!({ "title": format!("팀원 {i}"), "parent": "팀", "menuOrder": i }),
        )
        .await;
    }
    const Q: &str = "query($s: String!) { page(slug: $s) { title html author { name }
      parent { title slug } children { title slug } breadcrumbs { title slug } } }";
    app.graphql(Q, json!({ "s": "지금" })).await;
    let mut counts = Vec::new();
    for (slug, crumbs, children) in [
        ("소개", 0, 2),
        ("팀", 1, 7),
        ("연혁", 2, 0),
        ("팀원-3", 2, 0),
    ] {
        app.reset_statements();
        let r = app.graphql(Q, json!({ "s": slug })).await;
        let p = &r.data()["page"];
        assert_eq!(p["breadcrumbs"].as_array().unwrap().len(), crumbs, "{p}");
        assert_eq!(p["children"].as_array().unwrap().len(), children, "{p}");
        counts.push(app.statement_count());
    }
    println!("statements of a page: {counts:?}");
    // The page with its author, its parent (none for 소개), its children, its ancestors.
    assert_eq!(counts, [3, 4, 4, 4]);
}
both_backends!(page_statements_are_fixed);

async fn a_menu_item_points_at_a_page(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    tree(&app, &admin).await;
    app.post("일반 글", "2022-01-01", "").await;
    const SET: &str = "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }";
    let items = json!([
        { "label": "소개", "target": { "kind": "PAGE", "slug": "소개" }, "children": [
            { "label": "팀", "target": { "kind": "PAGE", "slug": "팀" } }
        ] }
    ]);
    app.graphql_as(&admin, SET, json!({ "i": { "primaryMenu": items } }))
        .await
        .data();
    let r = app
        .graphql(
            "{ site { primaryMenu { url target { kind slug title } children { url target { kind title } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["site"]["primaryMenu"],
        json!([{ "url": "/소개", "target": { "kind": "PAGE", "slug": "소개", "title": "소개" },
                 "children": [{ "url": "/팀", "target": { "kind": "PAGE", "title": "팀" } }] }])
    );
    // A page is no post and a post no page: both references are refused, nothing changes.
    for (kind, slug) in [("POST", "소개"), ("PAGE", "일반-글")] {
        let items = json!([{ "label": "틀림", "target": { "kind": kind, "slug": slug } }]);
        let r = app
            .graphql_as(
                &admin,
                SET,
                json!({ "i": { "title": "바뀌면 안 됨", "primaryMenu": items } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    }
    let s = app.graphql("{ site { title } }", json!({})).await;
    assert_eq!(s.data()["site"]["title"], "quire");
}
both_backends!(a_menu_item_points_at_a_page);
