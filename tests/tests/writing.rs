//! Writing through the API: drafts, publishing and scheduling, optimistic concurrency,
//! revisions, slug aliases, limits, trash, previews.

use quire_tests::{TestApp, both_backends, entity::user::Role};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id slug status version title html excerpt tags { slug } series { slug } } } }";
const UPDATE: &str = "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { id slug version title html } } }";
const PUBLISH: &str = "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status publishedAt version } } }";

async fn create(app: &TestApp, token: &str, input: Value) -> Value {
    let r = app.graphql_as(token, CREATE, json!({ "i": input })).await;
    r.data()["createPost"]["post"].clone()
}

async fn drafts_publish_and_schedule(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let p = create(&app, &editor, json!({ "title": "새 글의 제목", "markdown": "## 소제목\n\n첫 문단입니다.", "tags": ["러스트", "새 태그"], "series": "연재" })).await;
    assert_eq!(p["slug"], "새-글의-제목");
    assert_eq!(p["status"], "DRAFT");
    assert_eq!(p["version"], 1);
    assert_eq!(p["excerpt"], "첫 문단입니다.");
    assert!(p["html"].as_str().unwrap().contains(r#"<h2 id="소제목">"#));
    assert_eq!(
        p["tags"],
        json!([{ "slug": "러스트" }, { "slug": "새-태그" }])
    );
    assert_eq!(p["series"], json!({ "slug": "연재" }));

    // A draft is invisible to the public, visible to its editor by ID and slug.
    let q = r#"query($s: String) { post(slug: $s) { title status } posts { totalCount } }"#;
    let r = app.graphql(q, json!({ "s": "새-글의-제목" })).await;
    assert_eq!(r.data()["post"], Value::Null);
    assert_eq!(r.data()["posts"]["totalCount"], 0);
    let r = app
        .graphql_as(&editor, q, json!({ "s": "새-글의-제목" }))
        .await;
    assert_eq!(r.data()["post"]["status"], "DRAFT");

    // Publish now.
    let r = app
        .graphql_as(
            &editor,
            PUBLISH,
            json!({ "i": { "id": p["id"], "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(r.data()["publishPost"]["post"]["status"], "PUBLISHED");
    assert_eq!(r.data()["publishPost"]["post"]["version"], 2);
    let r = app.graphql(q, json!({ "s": "새-글의-제목" })).await;
    assert_eq!(r.data()["post"]["status"], "PUBLISHED");

    // Schedule another for the future: SCHEDULED, not public.
    let p2 = create(&app, &editor, json!({ "title": "예약" })).await;
    let r = app
        .graphql_as(
            &editor,
            PUBLISH,
            json!({ "i": { "id": p2["id"], "publishAt": "2999-01-01T09:00:00+09:00" } }),
        )
        .await;
    assert_eq!(r.data()["publishPost"]["post"]["status"], "SCHEDULED");
    assert_eq!(
        r.data()["publishPost"]["post"]["publishedAt"],
        "2999-01-01T09:00:00+09:00"
    );
    let r = app.graphql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(r.data()["posts"]["totalCount"], 1);

    // Unpublish, archive, trash, restore.
    let act = |name: &'static str| {
        format!(
            "mutation($i: {}Input!) {{ {}(input: $i) {{ post {{ status deletedAt }} }} }}",
            capitalize(name),
            name
        )
    };
    let r = app
        .graphql_as(
            &editor,
            &act("unpublishPost"),
            json!({ "i": { "id": p["id"] } }),
        )
        .await;
    assert_eq!(r.data()["unpublishPost"]["post"]["status"], "DRAFT");
    let r = app
        .graphql_as(
            &editor,
            &act("archivePost"),
            json!({ "i": { "id": p["id"] } }),
        )
        .await;
    assert_eq!(r.data()["archivePost"]["post"]["status"], "ARCHIVED");
    let r = app
        .graphql_as(
            &editor,
            &act("deletePost"),
            json!({ "i": { "id": p["id"] } }),
        )
        .await;
    assert!(r.data()["deletePost"]["post"]["deletedAt"].is_string());
    let r = app
        .graphql_as(
            &editor,
            &act("deletePost"),
            json!({ "i": { "id": p["id"] } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    let r = app
        .graphql_as(
            &editor,
            &act("restorePost"),
            json!({ "i": { "id": p["id"] } }),
        )
        .await;
    assert_eq!(r.data()["restorePost"]["post"]["deletedAt"], Value::Null);
}
both_backends!(drafts_publish_and_schedule);

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

async fn stale_versions_conflict_and_revisions_are_kept(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let p = create(
        &app,
        &editor,
        json!({ "title": "버전", "markdown": "하나" }),
    )
    .await;
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": p["id"], "expectedVersion": 1, "markdown": "둘" } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["version"], 2);
    assert!(
        r.data()["updatePost"]["post"]["html"]
            .as_str()
            .unwrap()
            .contains("둘"),
        "every write re-renders"
    );
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": p["id"], "expectedVersion": 1, "markdown": "덮어쓰기" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    assert_eq!(r.body["errors"][0]["extensions"]["currentVersion"], 2);

    let q = r#"query($id: ID!) { post(id: $id) { markdown version revisions { id version title markdown editor { slug } } } }"#;
    let r = app.graphql_as(&editor, q, json!({ "id": p["id"] })).await;
    let post = &r.data()["post"];
    assert_eq!(post["markdown"], "둘");
    let revs = post["revisions"].as_array().unwrap();
    assert_eq!(
        revs.iter()
            .map(|r| r["markdown"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["둘", "하나"]
    );
    assert_eq!(revs[0]["editor"]["slug"], "editor");

    // Restoring the first revision is a new version with its own revision.
    let r = app
        .graphql_as(&editor, "mutation($i: RestoreRevisionInput!) { restoreRevision(input: $i) { post { markdown version } } }", json!({ "i": { "id": revs[1]["id"] } }))
        .await;
    assert_eq!(
        r.data()["restoreRevision"]["post"],
        json!({ "markdown": "하나", "version": 3 })
    );
    let r = app.graphql_as(&editor, q, json!({ "id": p["id"] })).await;
    assert_eq!(r.data()["post"]["revisions"].as_array().unwrap().len(), 3);

    // The public cannot see revisions.
    app.graphql_as(&editor, PUBLISH, json!({ "i": { "id": p["id"] } }))
        .await;
    let r = app.graphql(q, json!({ "id": p["id"] })).await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
}
both_backends!(stale_versions_conflict_and_revisions_are_kept);

async fn concurrent_updates_one_wins(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let (_, admin) = app.actor(Role::Admin).await;
    let p = create(
        &app,
        &editor,
        json!({ "title": "동시 편집", "markdown": "원본" }),
    )
    .await;
    for round in 0..3 {
        let version = 1 + round;
        let a = app.graphql_as(&editor, UPDATE, json!({ "i": { "id": p["id"], "expectedVersion": version, "markdown": format!("편집자 {round}") } }));
        let b = app.graphql_as(&admin, UPDATE, json!({ "i": { "id": p["id"], "expectedVersion": version, "markdown": format!("관리자 {round}") } }));
        let (a, b) = futures::join!(a, b);
        let wins = [&a, &b]
            .iter()
            .filter(|r| r.body.get("errors").is_none())
            .count();
        assert_eq!(wins, 1, "round {round}: {} / {}", a.body, b.body);
        let loser = if a.body.get("errors").is_some() {
            &a
        } else {
            &b
        };
        assert_eq!(loser.error_code(), "CONFLICT");
        assert_eq!(
            loser.body["errors"][0]["extensions"]["currentVersion"],
            version + 1
        );
    }
    let r = app
        .graphql_as(
            &admin,
            r#"query($id: ID!) { post(id: $id) { version revisions { version } } }"#,
            json!({ "id": p["id"] }),
        )
        .await;
    // One revision per successful write, none lost, none doubled.
    assert_eq!(r.data()["post"]["version"], 4);
    assert_eq!(
        r.data()["post"]["revisions"],
        json!([{ "version": 4 }, { "version": 3 }, { "version": 2 }, { "version": 1 }])
    );
}
both_backends!(concurrent_updates_one_wins);

async fn slugs_collide_validate_and_alias(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let a = create(&app, &editor, json!({ "title": "2021년 회고" })).await;
    let b = create(&app, &editor, json!({ "title": "2021년 회고!" })).await;
    let c = create(&app, &editor, json!({ "title": "2021년, 회고" })).await;
    assert_eq!(
        [&a["slug"], &b["slug"], &c["slug"]],
        ["2021년-회고", "2021년-회고-2", "2021년-회고-3"]
    );

    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "x", "slug": "Not A Slug" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "slug");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("lowercase")
    );
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "x", "slug": "2021년-회고" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");

    // Rename: the old slug still finds the post, which reports its current slug.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": a["id"], "expectedVersion": 1, "slug": "retro-2021" } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["slug"], "retro-2021");
    app.graphql_as(&editor, PUBLISH, json!({ "i": { "id": a["id"] } }))
        .await;
    let r = app.graphql(r#"{ old: post(slug: "2021년-회고") { slug title } new: post(slug: "retro-2021") { slug } }"#, json!({})).await;
    assert_eq!(
        r.data()["old"],
        json!({ "slug": "retro-2021", "title": "2021년 회고" })
    );
    assert_eq!(r.data()["new"]["slug"], "retro-2021");
    // Nobody else may take the old slug while it is an alias.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": b["id"], "expectedVersion": 1, "slug": "2021년-회고" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    // Renaming back reclaims it.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": a["id"], "expectedVersion": 3, "slug": "2021년-회고" } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["slug"], "2021년-회고");
}
both_backends!(slugs_collide_validate_and_alias);

async fn bad_input_writes_nothing(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let before = app.count_posts().await;
    let tags: Vec<String> = (0..51).map(|i| format!("태그{i}")).collect();
    for (input, field) in [
        (json!({ "title": "" }), "title"),
        (json!({ "title": "   " }), "title"),
        (json!({ "title": "가".repeat(301) }), "title"),
        (
            json!({ "title": "큰 글", "markdown": "a".repeat(1024 * 1024 + 1) }),
            "markdown",
        ),
        (json!({ "title": "태그 많음", "tags": tags }), "tags"),
        (
            json!({ "title": "링크", "canonicalUrl": "javascript:alert(1)" }),
            "canonicalUrl",
        ),
    ] {
        let r = app.graphql_as(&editor, CREATE, json!({ "i": input })).await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(app.count_posts().await, before);
    let r = app
        .graphql_as(&editor, "{ tags(includeEmpty: true) { slug } }", json!({}))
        .await;
    assert_eq!(
        r.data()["tags"],
        json!([]),
        "no tag of a refused post was created"
    );
}
// A body large enough to carry a markdown over the 1 MiB limit to the validation.
both_backends!(bad_input_writes_nothing, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        max_body_bytes: 4 * 1024 * 1024,
        ..app.http().clone()
    };
    app.http_config(config)
});

async fn previews_and_viewer_posts(app: TestApp) {
    let (_, author) = app.actor(Role::Author).await;
    let p = create(
        &app,
        &author,
        json!({ "title": "미리보기 초안", "markdown": "비밀 초안" }),
    )
    .await;
    let r = app
        .graphql_as(&author, "mutation($i: CreatePreviewTokenInput!) { createPreviewToken(input: $i) { token expiresAt } }", json!({ "i": { "postId": p["id"] } }))
        .await;
    let token = r.data()["createPreviewToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = "query($t: String) { post(previewToken: $t) { title status } }";
    let r = app.graphql(q, json!({ "t": token })).await;
    assert_eq!(
        r.data()["post"],
        json!({ "title": "미리보기 초안", "status": "DRAFT" })
    );
    // A preview token is not an access token.
    let r = app
        .graphql_as(&token, CREATE, json!({ "i": { "title": "x" } }))
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
    let r = app.graphql(q, json!({ "t": format!("{token}x") })).await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");

    let r = app
        .graphql_as(
            &author,
            "{ viewer { role posts { totalCount nodes { title status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["viewer"],
        json!({ "role": "AUTHOR", "posts": { "totalCount": 1, "nodes": [{ "title": "미리보기 초안", "status": "DRAFT" }] } })
    );
    let r = app.graphql("{ viewer { email } }", json!({})).await;
    assert_eq!(r.data()["viewer"], Value::Null);
}
both_backends!(previews_and_viewer_posts);

async fn tags_and_series_management(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let a = create(
        &app,
        &editor,
        json!({ "title": "하나", "tags": ["도커", "docker"], "series": "입문" }),
    )
    .await;
    let b = create(
        &app,
        &editor,
        json!({ "title": "둘", "tags": ["Docker 기초"], "series": "입문" }),
    )
    .await;
    let c = create(&app, &editor, json!({ "title": "셋", "series": "입문" })).await;
    for p in [&a, &b, &c] {
        app.graphql_as(&editor, PUBLISH, json!({ "i": { "id": p["id"] } }))
            .await;
    }
    // Merge "docker" and "docker-기초" into "도커".
    let into = tag_id(&app, "도커").await;
    for from in ["docker", "docker-기초"] {
        let from = tag_id(&app, from).await;
        let r = app
            .graphql_as(
                &editor,
                "mutation($i: MergeTagsInput!) { mergeTags(input: $i) { tag { slug postCount } } }",
                json!({ "i": { "from": from, "into": into } }),
            )
            .await;
        assert_eq!(r.data()["mergeTags"]["tag"]["slug"], "도커");
    }
    let r = app.graphql("{ tags { slug postCount } }", json!({})).await;
    assert_eq!(
        r.data()["tags"],
        json!([{ "slug": "도커", "postCount": 2 }])
    );
    // Rename keeps links.
    let r = app
        .graphql_as(&editor, "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { name slug postCount } } }", json!({ "i": { "id": into, "name": "Docker", "slug": "docker" } }))
        .await;
    assert_eq!(
        r.data()["updateTag"]["tag"],
        json!({ "name": "Docker", "slug": "docker", "postCount": 2 })
    );

    // Reorder the series: 셋, 하나, 둘.
    let series = app
        .graphql(
            r#"{ series(slug: "입문") { id posts { title } } }"#,
            json!({}),
        )
        .await
        .data()["series"]
        .clone();
    assert_eq!(
        series["posts"],
        json!([{ "title": "하나" }, { "title": "둘" }, { "title": "셋" }])
    );
    let r = app
        .graphql_as(&editor, "mutation($i: ReorderSeriesInput!) { reorderSeries(input: $i) { series { posts { title seriesPosition } } } }", json!({ "i": { "seriesId": series["id"], "postIds": [c["id"], a["id"], b["id"]] } }))
        .await;
    assert_eq!(
        r.data()["reorderSeries"]["series"]["posts"],
        json!([{ "title": "셋", "seriesPosition": 1 }, { "title": "하나", "seriesPosition": 2 }, { "title": "둘", "seriesPosition": 3 }])
    );
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: ReorderSeriesInput!) { reorderSeries(input: $i) { series { slug } } }",
            json!({ "i": { "seriesId": series["id"], "postIds": [c["id"], a["id"]] } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    // Move 둘 to the front; delete the series: posts stay, detached.
    let r = app
        .graphql_as(&editor, "mutation($i: SetPostSeriesInput!) { setPostSeries(input: $i) { post { seriesPosition } } }", json!({ "i": { "postId": b["id"], "seriesId": series["id"], "position": 1 } }))
        .await;
    assert_eq!(r.data()["setPostSeries"]["post"]["seriesPosition"], 1);
    let r = app
        .graphql(r#"{ series(slug: "입문") { posts { title } } }"#, json!({}))
        .await;
    assert_eq!(
        r.data()["series"]["posts"],
        json!([{ "title": "둘" }, { "title": "셋" }, { "title": "하나" }])
    );
    app.graphql_as(
        &editor,
        "mutation($i: DeleteSeriesInput!) { deleteSeries(input: $i) { series { slug } } }",
        json!({ "i": { "id": series["id"] } }),
    )
    .await
    .data();
    let r = app
        .graphql(
            "{ posts { totalCount nodes { series { slug } seriesPosition } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 3);
    assert!(
        r.data()["posts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["series"].is_null() && p["seriesPosition"].is_null())
    );
}
both_backends!(tags_and_series_management);

async fn tag_id(app: &TestApp, slug: &str) -> Value {
    let r = app
        .graphql(
            "query($s: String!) { tag(slug: $s) { id } }",
            json!({ "s": slug }),
        )
        .await;
    r.data()["tag"]["id"].clone()
}

/// Links writers store are http(s) URLs or paths on the site: a protocol-relative link
/// (`//host`, `/\host`), which browsers follow off-site, or a `javascript:` avatar is
/// BAD_USER_INPUT naming the field, and nothing is written.
async fn off_site_and_script_links_are_refused(app: TestApp) {
    let (_, token) = app.actor(Role::Author).await;
    let before = app.count_posts().await;
    for (field, link) in [
        ("coverImage", "//evil.example/x.png"),
        ("canonicalUrl", "/\\evil.example/x"),
        ("coverImage", "javascript:alert(1)"),
    ] {
        let r = app
            .graphql_as(
                &token,
                CREATE,
                json!({ "i": { "title": "표지", field: link } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{link}: {}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(app.count_posts().await, before);
    let r = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "i": { "title": "표지", "coverImage": "/images/표지.png" } }),
        )
        .await;
    assert!(
        r.data()["createPost"]["post"]["id"].is_string(),
        "{}",
        r.body
    );

    let avatar =
        "mutation($u: String) { updateViewer(input: { avatarUrl: $u }) { user { avatarUrl } } }";
    let r = app
        .graphql_as(&token, avatar, json!({ "u": "javascript:alert(1)" }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "avatarUrl");
    let r = app
        .graphql_as(&token, avatar, json!({ "u": "https://img.example/나.png" }))
        .await;
    assert_eq!(
        r.data()["updateViewer"]["user"]["avatarUrl"],
        "https://img.example/나.png"
    );
}
both_backends!(off_site_and_script_links_are_refused);

/// Plain-text fields stay plain text (Markdown's `&lt;` is the character `<`), and
/// `excerptHtml` is the same text escaped for HTML.
async fn excerpt_html_is_the_excerpt_escaped(app: TestApp) {
    let (_, token) = app.actor(Role::Author).await;
    let r = app
        .graphql_as(
            &token,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { excerpt excerptHtml html } } }",
            json!({ "i": { "title": "꺾쇠", "markdown": "&lt;script&gt;alert(\"x\")&lt;/script&gt; & 본문" } }),
        )
        .await;
    let p = &r.data()["createPost"]["post"];
    assert_eq!(p["excerpt"], "<script>alert(\"x\")</script> & 본문");
    assert_eq!(
        p["excerptHtml"],
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 본문"
    );
    assert!(!p["html"].as_str().unwrap().contains("<script"));
}
both_backends!(excerpt_html_is_the_excerpt_escaped);
