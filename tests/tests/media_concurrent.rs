//! Media uploads, edits and deletions while other writes commit beside them: each is one
//! transaction that takes the write lock at its start (`db::begin_write`). On SQLite a
//! transaction begun deferred that reads first (a deletion reads the file's variants)
//! and then writes fails at once with "database is locked" when another connection
//! committed in between, which no busy timeout waits out: `deleteMedia` answered
//! INTERNAL now and then while the webhook worker and the journals wrote. Both databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use quire_tests::{
    Backend, TestApp,
    entity::user::Role,
    media::upload_ok,
    quire::{config::MediaConfig, media::MediaStore, service::media::Library},
    webhooks::draft,
};
use serde_json::json;

const FILES: usize = 12;

async fn media_writes_beside_post_writes(app: TestApp) {
    let app = Arc::new(app);
    let (_, admin) = app.actor(Role::Admin).await;
    let post = draft(
        &app,
        &admin,
        json!({ "title": "옆에서 쓰는 글", "markdown": "0" }),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..FILES {
        let bytes = format!("메모 {i}: 같은 순간에 지워질 파일\n").into_bytes();
        let m = upload_ok(&app, &admin, bytes, &format!("메모-{i}.txt")).await;
        ids.push(m["id"].as_str().unwrap().to_owned());
    }

    // Another writer commits continuously while the files are edited and deleted.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (app, admin, stop, post) = (app.clone(), admin.clone(), stop.clone(), post.clone());
        tokio::spawn(async move {
            let mut writes = 0;
            let mut version = 1;
            while !stop.load(Ordering::SeqCst) {
                let r = app
                    .graphql_as(
                        &admin,
                        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }",
                        json!({ "i": { "id": post, "expectedVersion": version, "markdown": format!("본문 {writes}") } }),
                    )
                    .await;
                version = r.data()["updatePost"]["post"]["version"].as_i64().unwrap();
                writes += 1;
            }
            writes
        })
    };
    for (i, id) in ids.iter().enumerate() {
        let r = app
            .graphql_as(
                &admin,
                "mutation($i: UpdateMediaInput!) { updateMedia(input: $i) { media { alt } } }",
                json!({ "i": { "id": id, "alt": format!("설명 {i}") } }),
            )
            .await;
        assert_eq!(r.data()["updateMedia"]["media"]["alt"], format!("설명 {i}"));
        let r = app
            .graphql_as(
                &admin,
                "mutation($i: DeleteMediaInput!) { deleteMedia(input: $i) { references { field } } }",
                json!({ "i": { "id": id } }),
            )
            .await;
        assert_eq!(r.data()["deleteMedia"]["references"], json!([]), "file {i}");
    }
    stop.store(true, Ordering::SeqCst);
    let writes = writer.await.unwrap();
    assert!(writes >= 1, "the other writer wrote {writes} times");
    let left = app
        .graphql_as(&admin, "{ media(first: 50) { totalCount } }", json!({}))
        .await;
    assert_eq!(left.data()["media"]["totalCount"], 0);
}

async fn run(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let store = MediaStore::local(dir.path()).unwrap();
    let lib = Library::with_store(store, &MediaConfig::default());
    match quire_tests::spawn_app_with(backend, move |a| a.media(lib)).await {
        Some(app) => media_writes_beside_post_writes(app).await,
        None => eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    run(Backend::Postgres).await;
}
