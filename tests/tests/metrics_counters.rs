//! `/metrics` of a `quire serve` process of its own (the real binary, so its counters
//! hold only what this test did, and its logging counts the pool's waits): webhook
//! attempts by outcome after deliveries with a known fate, import files by outcome, and
//! the database pool's waits for a connection.

use std::{path::Path, time::Duration};

use quire_tests::{
    Backend, PASSWORD,
    entity::user::Role,
    fresh_database,
    processes::Server,
    quire::service::account::users::{NewAccount, create_user},
    receiver::Receiver,
};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_quire-server");
const WAIT: Duration = Duration::from_secs(30);

/// The value of the sample `series` (labels as Prometheus renders them), or 0.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(server: &Server) -> String {
    reqwest::get(format!("{}/metrics", server.base()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn gql(server: &Server, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut req = reqwest::Client::new()
        .post(format!("{}/graphql", server.base()))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r: Value = req.send().await.unwrap().json().await.unwrap();
    assert!(r.get("errors").is_none(), "{r}");
    r["data"].clone()
}

async fn counted(backend: Backend) {
    let Some((db, guard)) = fresh_database(backend).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run");
        return;
    };
    let account = NewAccount {
        email: "admin@example.com",
        name: "admin",
        role: Role::Admin,
        password: PASSWORD,
    };
    create_user(&db, account).await.unwrap();
    let server = Server::start(
        Path::new(BIN),
        &[
            ("DATABASE_URL", guard.url()),
            (
                "QUIRE_JWT_SECRET",
                "a-test-secret-that-is-at-least-32-bytes-long",
            ),
            ("QUIRE_WEBHOOK_ALLOW_PRIVATE", "true"),
            ("QUIRE_WEBHOOK_POLL", "100ms"),
            ("QUIRE_WEBHOOK_TIMEOUT", "2s"),
            // Three attempts a delivery; endpoints disabled only by 410.
            ("QUIRE_WEBHOOK_RETRY_SCHEDULE", "100ms,100ms"),
            ("QUIRE_WEBHOOK_MAX_FAILURES", "50"),
            ("QUIRE_RATE_LIMIT_PER_SEC", "0"),
        ],
    );
    server.ready().await;
    let login = gql(
        &server,
        None,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        json!({ "i": { "email": "admin@example.com", "password": PASSWORD } }),
    )
    .await;
    let token = login["login"]["accessToken"].as_str().unwrap().to_owned();
    let rx = Receiver::start();
    for (hook, mode) in [("ok", "ok"), ("fail", "fail"), ("gone", "gone")] {
        let w = gql(
            &server,
            Some(&token),
            "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { secret } } }",
            json!({ "i": { "url": rx.url(hook), "events": ["tag.created"] } }),
        )
        .await;
        rx.secret(
            hook,
            w["createWebhook"]["webhook"]["secret"].as_str().unwrap(),
        )
        .await;
        rx.mode(hook, mode).await;
    }
    let before = scrape(&server).await;
    assert_eq!(
        sample(&before, "quire_webhook_attempt_duration_seconds_count"),
        0.0
    );

    // One event, three endpoints: delivered; failed twice and retried, then given up;
    // answered 410, which disables its endpoint.
    gql(
        &server,
        Some(&token),
        "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { slug } } }",
        json!({ "i": { "name": "계측" } }),
    )
    .await;
    rx.wait_for("ok", 1, WAIT).await;
    rx.wait_for("fail", 3, WAIT).await;
    rx.wait_for("gone", 1, WAIT).await;
    // The last attempt is recorded after its answer: wait for the count to settle.
    let deadline = std::time::Instant::now() + WAIT;
    let mut after = scrape(&server).await;
    while sample(&after, "quire_webhook_attempt_duration_seconds_count") < 5.0 {
        assert!(std::time::Instant::now() < deadline, "{after}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = scrape(&server).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = scrape(&server).await;
    let attempts = |outcome: &str| {
        sample(
            &after,
            &format!("quire_webhook_attempts_total{{outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(
        ["delivered", "retried", "failed", "disabled"].map(attempts),
        [1.0, 2.0, 1.0, 1.0],
        "{after}"
    );
    assert_eq!(
        sample(&after, "quire_webhook_attempt_duration_seconds_count"),
        5.0
    );
    assert_eq!(
        sample(
            &after,
            "quire_webhook_attempt_duration_seconds_bucket{le=\"+Inf\"}"
        ),
        5.0,
        "{after}"
    );
    assert_eq!(rx.got("fail").await.len(), 3, "no fourth attempt");

    // Imports: one new file, one that cannot be read, then the first again, unchanged.
    let import =
        "mutation($i: ImportPostsInput!) { importPosts(input: $i) { results { outcome } } }";
    let good = json!({ "path": "counted.md", "content": "---\ntitle: 세어 볼 글\n---\n본문\n" });
    let broken = json!({ "path": "broken.md", "content": "---\ntitle: [\n---\n" });
    let first = gql(
        &server,
        Some(&token),
        import,
        json!({ "i": { "files": [good, broken] } }),
    )
    .await;
    assert_eq!(first["importPosts"]["results"][0]["outcome"], "IMPORTED");
    let again = gql(
        &server,
        Some(&token),
        import,
        json!({ "i": { "files": [good] } }),
    )
    .await;
    assert_eq!(again["importPosts"]["results"][0]["outcome"], "UNCHANGED");
    let imported = scrape(&server).await;
    let files = |outcome: &str| {
        sample(
            &imported,
            &format!("quire_import_files_total{{outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(
        ["imported", "updated", "unchanged", "failed"].map(files),
        [1.0, 0.0, 1.0, 1.0],
        "{imported}"
    );

    // Every request above waited for a connection at least once; each wait is timed.
    let waits = |text: &str| sample(text, "quire_db_pool_acquire_seconds_count");
    assert!(
        waits(&imported) >= waits(&before) + 4.0,
        "{before}\n---\n{imported}"
    );
    assert!(sample(&imported, "quire_db_pool_acquire_seconds_sum") > 0.0);
    assert_eq!(
        sample(
            &imported,
            "quire_db_pool_acquire_seconds_bucket{le=\"+Inf\"}"
        ),
        waits(&imported)
    );
    drop(server);
    drop(guard);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    counted(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    counted(Backend::Postgres).await;
}
