//! Menu references: a post, tag or series, written by slug, read back as it is now
//! (a rename is followed), refused when missing, and shown to the public only while
//! its target is public.

use entity::user::Role;
use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};

const MENU: &str = "{ site { primaryMenu { label url absoluteUrl target { kind slug title } \
    children { label url target { kind slug title } } } } }";

const UPDATE: &str = "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { \
    primaryMenu { label url target { slug } } } } }";

async fn menu(app: &TestApp) -> Value {
    app.graphql(MENU, json!({})).await.data()["site"]["primaryMenu"].clone()
}

fn target(kind: &str, slug: &str) -> Value {
    json!({ "kind": kind, "slug": slug })
}

async fn references_read_as_their_targets_are_now(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let p = app
        .post(
            "도커 입문",
            "2022-01-01",
            "tags: [Docker]\nseries: 배포 일지",
        )
        .await;
    let items = json!([
        { "label": "도커", "target": target("TAG", "docker") },
        { "label": "일지", "target": target("SERIES", "배포-일지"), "children": [
            { "label": "첫 글", "target": target("POST", &p.slug) }
        ] }
    ]);
    let r = app
        .graphql_as(
            &admin,
            UPDATE,
            json!({ "i": { "baseUrl": "https://blog.example.com", "primaryMenu": items } }),
        )
        .await;
    assert_eq!(
        r.data()["updateSite"]["site"]["primaryMenu"][0]["url"],
        "/tags/docker"
    );
    assert_eq!(
        menu(&app).await,
        json!([
            { "label": "도커", "url": "/tags/docker",
              "absoluteUrl": "https://blog.example.com/tags/docker",
              "target": { "kind": "TAG", "slug": "docker", "title": "Docker" }, "children": [] },
            { "label": "일지", "url": "/series/배포-일지",
              "absoluteUrl": "https://blog.example.com/series/%EB%B0%B0%ED%8F%AC-%EC%9D%BC%EC%A7%80",
              "target": { "kind": "SERIES", "slug": "배포-일지", "title": "배포 일지" },
              "children": [
                { "label": "첫 글", "url": "/posts/도커-입문",
                  "target": { "kind": "POST", "slug": "도커-입문", "title": "도커 입문" } }
            ] }
        ])
    );

    // Renaming the tag and the post moves their menu items along.
    let tag_id = app
        .graphql("{ tag(slug: \"docker\") { id } }", json!({}))
        .await
        .data()["tag"]["id"]
        .clone();
    app.graphql_as(
        &admin,
        "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { slug } } }",
        json!({ "i": { "id": tag_id, "name": "도커", "slug": "도커" } }),
    )
    .await
    .data();
    let post = app
        .graphql(
            "query($s: String!) { post(slug: $s) { id version } }",
            json!({ "s": p.slug }),
        )
        .await
        .data()["post"]
        .clone();
    app.graphql_as(
        &admin,
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { slug } } }",
        json!({ "i": { "id": post["id"], "expectedVersion": post["version"],
                       "title": "도커 첫걸음", "slug": "도커-첫걸음" } }),
    )
    .await
    .data();
    let m = menu(&app).await;
    assert_eq!(m[0]["url"], "/tags/도커");
    assert_eq!(
        m[0]["target"],
        json!({ "kind": "TAG", "slug": "도커", "title": "도커" })
    );
    assert_eq!(m[1]["children"][0]["url"], "/posts/도커-첫걸음");
    assert_eq!(m[1]["children"][0]["target"]["title"], "도커 첫걸음");
}
both_backends!(references_read_as_their_targets_are_now);

async fn a_reference_to_nothing_is_refused(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    app.post(
        "있는 글",
        "2022-01-01",
        "tags: [있는태그]\nseries: 있는 연재",
    )
    .await;
    let good = json!([
        { "label": "글", "target": target("POST", "있는-글") },
        { "label": "태그", "target": target("TAG", "있는태그") },
        { "label": "연재", "target": target("SERIES", "있는-연재") }
    ]);
    app.graphql_as(&admin, UPDATE, json!({ "i": { "primaryMenu": good } }))
        .await
        .data();
    let before = menu(&app).await;
    for (kind, field) in [
        ("POST", "primaryMenu[1].target"),
        ("PAGE", "primaryMenu[1].target"),
        ("TAG", "primaryMenu[1].target"),
        ("SERIES", "primaryMenu[1].target"),
    ] {
        let items = json!([
            { "label": "홈", "url": "/" },
            { "label": "없음", "target": target(kind, "없는-것") }
        ]);
        let r = app
            .graphql_as(
                &admin,
                UPDATE,
                json!({ "i": { "title": "바뀌면 안 됨", "primaryMenu": items } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("없는-것")
        );
        assert_eq!(menu(&app).await, before);
    }
    // An unknown kind is refused by the schema itself.
    let items = json!([{ "label": "쪽", "target": target("AUTHOR", "소개") }]);
    let r = app
        .graphql_as(&admin, UPDATE, json!({ "i": { "primaryMenu": items } }))
        .await;
    assert!(r.body["errors"].is_array(), "{}", r.body);
    let s = app.graphql("{ site { title } }", json!({})).await;
    assert_eq!(s.data()["site"]["title"], "quire");
}
both_backends!(a_reference_to_nothing_is_refused);

async fn the_public_sees_only_public_targets(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let draft = app
        .graphql_as(
            &admin,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id slug } } }",
            json!({ "i": { "title": "아직 초안" } }),
        )
        .await
        .data()["createPost"]["post"]
        .clone();
    let items = json!([
        { "label": "홈", "url": "/" },
        { "label": "초안", "target": target("POST", draft["slug"].as_str().unwrap()) }
    ]);
    app.graphql_as(&admin, UPDATE, json!({ "i": { "primaryMenu": items } }))
        .await
        .data();
    let labels = |m: Value| -> Vec<String> {
        m.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(labels(menu(&app).await), ["홈"]);
    app.graphql_as(
        &admin,
        "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status } } }",
        json!({ "i": { "id": draft["id"] } }),
    )
    .await
    .data();
    assert_eq!(labels(menu(&app).await), ["홈", "초안"]);

    // A deleted tag's item disappears with it.
    let t = app
        .graphql_as(
            &admin,
            "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { id slug } } }",
            json!({ "i": { "name": "곧 지울 태그" } }),
        )
        .await
        .data()["createTag"]["tag"]
        .clone();
    let items = json!([{ "label": "태그", "target": target("TAG", t["slug"].as_str().unwrap()) }]);
    app.graphql_as(&admin, UPDATE, json!({ "i": { "primaryMenu": items } }))
        .await
        .data();
    assert_eq!(labels(menu(&app).await), ["태그"]);
    app.graphql_as(
        &admin,
        "mutation($i: DeleteTagInput!) { deleteTag(input: $i) { tag { slug } } }",
        json!({ "i": { "id": t["id"] } }),
    )
    .await
    .data();
    assert_eq!(menu(&app).await, json!([]));
}
both_backends!(the_public_sees_only_public_targets);
