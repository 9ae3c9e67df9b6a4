//! The search index follows every write made through the API, in the write's own
//! transaction: after a mutation returns, search agrees with it.

use quire_tests::{Backend, TestApp, both_backends, entity::user::Role};
use serde_json::{Value, json};

const SEARCH: &str = "query($q: String!, $d: Boolean) { search(query: $q, includeDrafts: $d) { totalCount nodes { post { title } } } }";

async fn titles(app: &TestApp, token: Option<&str>, q: &str, drafts: bool) -> Vec<String> {
    let vars = json!({ "q": q, "d": drafts });
    let r = match token {
        Some(t) => app.graphql_as(t, SEARCH, vars).await,
        None => app.graphql(SEARCH, vars).await,
    };
    r.data()["search"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["post"]["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn search_agrees_after_every_mutation(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let (_, admin) = app.actor(Role::Admin).await;
    let r = app
        .graphql_as(&editor, "mutation { createPost(input: { title: \"도커 입문기\", markdown: \"컨테이너를 처음 배웠다\" }) { post { id } } }", json!({}))
        .await;
    let id = r.data()["createPost"]["post"]["id"].clone();
    // A draft: editors find it with includeDrafts, the public does not.
    assert!(titles(&app, None, "도커", false).await.is_empty());
    assert_eq!(
        titles(&app, Some(&editor), "도커", true).await,
        ["도커 입문기"]
    );

    let act = |name: &str| {
        format!(
            "mutation($i: {}Input!) {{ {name}(input: $i) {{ post {{ version }} }} }}",
            capitalize(name)
        )
    };
    app.graphql_as(&editor, &act("publishPost"), json!({ "i": { "id": id } }))
        .await
        .data();
    assert_eq!(titles(&app, None, "컨테이너", false).await, ["도커 입문기"]);

    // Edit: the old words are gone, the new ones found.
    let r = app
        .graphql_as(&editor, "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }", json!({ "i": { "id": id, "expectedVersion": 2, "title": "쿠버네티스 입문기", "markdown": "파드를 배웠다" } }))
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["version"], 3);
    assert!(titles(&app, None, "도커", false).await.is_empty());
    assert!(titles(&app, None, "컨테이너", false).await.is_empty());
    assert_eq!(
        titles(&app, None, "쿠버", false).await,
        ["쿠버네티스 입문기"]
    );
    assert_eq!(
        titles(&app, None, "파드", false).await,
        ["쿠버네티스 입문기"]
    );

    // Unpublish and trash hide it from the public at once.
    app.graphql_as(&editor, &act("unpublishPost"), json!({ "i": { "id": id } }))
        .await
        .data();
    assert!(titles(&app, None, "파드", false).await.is_empty());
    assert_eq!(
        titles(&app, Some(&editor), "파드", true).await,
        ["쿠버네티스 입문기"]
    );
    app.graphql_as(&editor, &act("deletePost"), json!({ "i": { "id": id } }))
        .await
        .data();
    assert!(titles(&app, Some(&editor), "파드", true).await.is_empty());
    app.graphql_as(&editor, &act("restorePost"), json!({ "i": { "id": id } }))
        .await
        .data();
    assert_eq!(
        titles(&app, Some(&editor), "파드", true).await,
        ["쿠버네티스 입문기"]
    );

    // Purge removes it from the index for good.
    app.graphql_as(
        &admin,
        "mutation($i: PurgePostInput!) { purgePost(input: $i) { purgedPostId } }",
        json!({ "i": { "id": id } }),
    )
    .await
    .data();
    assert!(titles(&app, Some(&admin), "파드", true).await.is_empty());

    // Only editors and admins may search drafts.
    let (_, author) = app.actor(Role::Author).await;
    let r = app
        .graphql_as(&author, SEARCH, json!({ "q": "파드", "d": true }))
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app.graphql(SEARCH, json!({ "q": "파드", "d": true })).await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
    assert_eq!(r.body["data"], Value::Null);
}
both_backends!(search_agrees_after_every_mutation);

/// The index's own bookkeeping agrees with its documents: on PostgreSQL the totals
/// kept by trigger and the postings (one per distinct token, counts summing to the
/// document's length); on SQLite one FTS5 row per document.
async fn assert_index_consistent(app: &TestApp, documents: i64) {
    assert_eq!(
        app.number("SELECT COUNT(*) FROM search_documents").await,
        documents
    );
    match app.backend {
        Backend::Postgres => {
            assert_eq!(
                app.number("SELECT documents FROM search_totals WHERE id = 1")
                    .await,
                documents
            );
            assert_eq!(
                app.number("SELECT tokens FROM search_totals WHERE id = 1").await,
                app.number("SELECT CAST(COALESCE(SUM(title_len + body_len), 0) AS bigint) FROM search_documents"
                )
                .await
            );
            // Every document's postings sum to its length, and no posting is orphaned.
            assert_eq!(
                app.number("SELECT COUNT(*) FROM search_documents d WHERE d.title_len + d.body_len <> \
                     (SELECT COALESCE(SUM(p.tf), 0) FROM search_postings p WHERE p.post_id = d.post_id)"
                )
                .await,
                0
            );
            assert_eq!(
                app.number("SELECT COUNT(DISTINCT post_id) FROM search_postings")
                    .await,
                documents
            );
        }
        Backend::Sqlite => assert_eq!(
            app.number("SELECT COUNT(*) FROM search_fts").await,
            documents
        ),
    }
}

async fn index_bookkeeping_follows_edits_and_purges(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let (_, admin) = app.actor(Role::Admin).await;
    assert_index_consistent(&app, 0).await;
    let create = "mutation($t: String!, $m: String!) { createPost(input: { title: $t, markdown: $m }) { post { id } } }";
    let first = app
        .graphql_as(
            &editor,
            create,
            json!({ "t": "도커 입문기", "m": "컨테이너를 처음 배웠다. 도커 도커 도커." }),
        )
        .await
        .data()["createPost"]["post"]["id"]
        .clone();
    let second = app
        .graphql_as(
            &editor,
            create,
            json!({ "t": "Rust 회고", "m": "소유권과 borrow checker" }),
        )
        .await
        .data()["createPost"]["post"]["id"]
        .clone();
    assert_index_consistent(&app, 2).await;
    if app.backend == Backend::Postgres {
        // 도커 three times in the body and once in the title: one posting, tf 4.
        assert_eq!(
            app.number("SELECT CAST(tf AS bigint) FROM search_postings WHERE token = '도커'")
                .await,
            4
        );
    }

    app.graphql_as(&editor, "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }", json!({ "i": { "id": first, "expectedVersion": 1, "title": "쿠버네티스 입문기", "markdown": "파드를 배웠다" } }))
        .await
        .data();
    assert_index_consistent(&app, 2).await;
    if app.backend == Backend::Postgres {
        assert_eq!(
            app.number("SELECT COUNT(*) FROM search_postings WHERE token = '도커'")
                .await,
            0
        );
        assert_eq!(
            app.number("SELECT COUNT(*) FROM search_postings WHERE token = '파드'")
                .await,
            1
        );
    }

    let purge = "mutation($i: PurgePostInput!) { purgePost(input: $i) { purgedPostId } }";
    app.graphql_as(&admin, purge, json!({ "i": { "id": first } }))
        .await
        .data();
    assert_index_consistent(&app, 1).await;
    app.graphql_as(&admin, purge, json!({ "i": { "id": second } }))
        .await
        .data();
    assert_index_consistent(&app, 0).await;
    if app.backend == Backend::Postgres {
        assert_eq!(app.number("SELECT COUNT(*) FROM search_postings").await, 0);
        assert_eq!(
            app.number("SELECT tokens FROM search_totals WHERE id = 1")
                .await,
            0
        );
    }
}
both_backends!(index_bookkeeping_follows_edits_and_purges);

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
