//! `media.created`, `media.updated` and `media.deleted`: sent from the upload's,
//! update's and delete's own transactions to a real receiver verifying each request
//! with the official `standardwebhooks` library; the body names the file and what links
//! it (and so which pages to refresh). An upload of bytes the library holds already
//! sends nothing, and endpoints not subscribed to media get none. Both databases.

use std::time::Duration;

use quire_tests::{
    Backend, TestApp,
    entity::user::Role,
    media::{image, upload_ok},
    quire::{config::MediaConfig, media::MediaStore, service::media::Library},
    receiver::Receiver,
    webhooks::{config, draft, publish, register},
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(15);

async fn media_events(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    register(&app, &admin, &rx, "m", &["media.*"]).await;
    register(&app, &admin, &rx, "p", &["post.*"]).await;
    app.graphql_as(
        &admin,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }",
        json!({ "i": { "baseUrl": "https://blog.example" } }),
    )
    .await
    .data();
    let bytes = image("img = Image.new('RGB', (64, 48), (10, 20, 30))", "PNG");
    let m = upload_ok(&app, &admin, bytes.clone(), "한강 사진.png").await;
    let (id, sha) = (m["id"].as_str().unwrap(), m["sha256"].as_str().unwrap());
    // The same bytes again: the same file, no event.
    let again = upload_ok(&app, &admin, bytes, "다시.png").await;
    assert_eq!(again["id"], m["id"]);
    let post = draft(
        &app,
        &admin,
        json!({ "title": "표지 있는 글", "markdown": "본문", "coverImage": format!("media:{sha}") }),
    )
    .await;
    publish(&app, &admin, &post, None).await;
    app.graphql_as(
        &admin,
        "mutation($i: UpdateMediaInput!) { updateMedia(input: $i) { media { alt } } }",
        json!({ "i": { "id": id, "alt": "강변" } }),
    )
    .await
    .data();
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: DeleteMediaInput!) { deleteMedia(input: $i) { references { field } } }",
            json!({ "i": { "id": id, "force": true } }),
        )
        .await;
    assert_eq!(
        r.data()["deleteMedia"]["references"][0]["field"],
        "coverImage"
    );

    let got = rx.wait_for("m", 3, WAIT).await;
    for g in &got {
        assert_eq!(g["verified"], true, "the official library verified it: {g}");
    }
    let mut p: Vec<Value> = got.iter().map(|g| g["payload"].clone()).collect();
    p.sort_by(|a, b| a["timestamp"].as_str().cmp(&b["timestamp"].as_str()));
    let types: Vec<&str> = p.iter().map(|x| x["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["media.created", "media.updated", "media.deleted"]);
    let path = format!("/media/{sha}/%ED%95%9C%EA%B0%95%20%EC%82%AC%EC%A7%84.png");
    assert_eq!(
        p[0]["data"],
        json!({
            "media": {
                "id": id, "sha256": sha, "filename": "한강 사진.png", "mimeType": "image/png",
                "kind": "IMAGE", "bytes": m["bytes"], "width": 64, "height": 48,
                "alt": null, "caption": null,
                "path": path, "url": format!("https://blog.example{path}"),
            },
            "usedBy": [],
            "paths": [],
        })
    );
    let used =
        json!([{ "kind": "post", "id": post, "title": "표지 있는 글", "field": "coverImage" }]);
    assert_eq!(p[1]["data"]["media"]["alt"], "강변");
    assert_eq!(p[1]["data"]["usedBy"], used);
    assert_eq!(p[1]["data"]["paths"], json!(["/posts/표지-있는-글"]));
    assert_eq!(p[2]["data"]["media"]["id"], id);
    assert_eq!(p[2]["data"]["usedBy"], used);
    // The post endpoint got its post event and nothing about media.
    let posts = rx.wait_for("p", 1, WAIT).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let posts_now = rx.got("p").await;
    assert_eq!(posts_now.len(), posts.len());
    let types: Vec<String> = posts_now
        .iter()
        .map(|g| g["payload"]["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["post.published"]);
    assert_eq!(rx.got("m").await.len(), 3, "nothing more for media");
}

async fn run(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let store = MediaStore::local(dir.path()).unwrap();
    let lib = Library::with_store(store, &MediaConfig::default());
    let app = quire_tests::spawn_app_with(backend, move |a| {
        a.media(lib)
            .webhook_config(config(&[Duration::from_millis(200)], 16))
    })
    .await;
    match app {
        Some(app) => media_events(app).await,
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
