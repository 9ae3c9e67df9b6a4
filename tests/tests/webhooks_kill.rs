//! `kill -9` between commit and delivery: the real `quire` binary (its `main.rs`, built
//! here as `quire-server`) serves, commits two
//! events (the first hangs at the receiver, the second waits behind it), is killed with
//! SIGKILL, and started again; both events must then arrive, verified by the official
//! `standardwebhooks` library, the hung one once more and the waiting one once.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use quire_tests::{Backend, PASSWORD, entity::user::Role, fresh_database, receiver::Receiver};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// The `quire` binary, built from its own source (`api/src/main.rs`) by this package.
fn quire_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_quire-server"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(bin: &PathBuf, db_url: &str, port: u16) -> Child {
    Command::new(bin)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", db_url)
        .env(
            "QUIRE_JWT_SECRET",
            "a-test-secret-that-is-at-least-32-bytes-long",
        )
        .env("QUIRE_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("QUIRE_WEBHOOK_POLL", "100ms")
        .env("QUIRE_WEBHOOK_TIMEOUT", "1s")
        .env("QUIRE_RATE_LIMIT_PER_SEC", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

async fn ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("quire did not get ready at {base}");
}

async fn gql(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    q: &str,
    v: Value,
) -> Value {
    let mut req = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": q, "variables": v }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r: Value = req.send().await.unwrap().json().await.unwrap();
    assert!(r.get("errors").is_none(), "{r}");
    r["data"].clone()
}

async fn survives_kill_9(backend: Backend) {
    let Some((db, guard)) = fresh_database(backend).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run");
        return;
    };
    quire_tests::quire::service::account::users::create_user(
        &db,
        quire_tests::quire::service::account::users::NewAccount {
            email: "admin@example.com",
            name: "admin",
            role: Role::Admin,
            password: PASSWORD,
        },
    )
    .await
    .unwrap();
    let bin = quire_binary();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = serve(&bin, guard.url(), port);
    ready(&client, &base).await;
    let login = gql(
        &client,
        &base,
        None,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        json!({ "i": { "email": "admin@example.com", "password": PASSWORD } }),
    )
    .await;
    let token = login["login"]["accessToken"].as_str().unwrap().to_owned();
    let rx = Receiver::start();
    let w = gql(
        &client,
        &base,
        Some(&token),
        "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { secret } } }",
        json!({ "i": { "url": rx.url("k"), "events": ["tag.created"] } }),
    )
    .await;
    rx.secret(
        "k",
        w["createWebhook"]["webhook"]["secret"].as_str().unwrap(),
    )
    .await;
    rx.mode("k", "hang").await;
    let tag = "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { slug } } }";
    gql(
        &client,
        &base,
        Some(&token),
        tag,
        json!({ "i": { "name": "첫째" } }),
    )
    .await;
    let first = rx.wait_for("k", 1, WAIT).await;
    // Committed while the worker waits on the first: not attempted yet.
    gql(
        &client,
        &base,
        Some(&token),
        tag,
        json!({ "i": { "name": "둘째" } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.got("k").await.len(), 1);
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    rx.mode("k", "ok").await;
    let mut server = serve(&bin, guard.url(), port);
    ready(&client, &base).await;
    let got = rx.wait_for("k", 3, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got_all = rx.got("k").await;
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(got_all.len(), 3, "{got_all:#?}");
    let slugs: Vec<&str> = got[1..]
        .iter()
        .map(|g| {
            assert_eq!(g["verified"], true, "{g}");
            g["payload"]["data"]["tag"]["slug"].as_str().unwrap()
        })
        .collect();
    let mut sorted = slugs.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["둘째", "첫째"]);
    let again = got[1..]
        .iter()
        .find(|g| g["payload"]["data"]["tag"]["slug"] == "첫째")
        .unwrap();
    assert_eq!(
        again["id"], first[0]["id"],
        "the hung delivery is retried with its webhook-id"
    );
    drop(guard);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    survives_kill_9(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    survives_kill_9(Backend::Postgres).await;
}
