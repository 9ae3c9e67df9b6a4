//! The database goes away while requests flow, on a PostgreSQL cluster of the test's
//! own: every request is answered within about a second (a cached anonymous answer as
//! stale, anything else SERVICE_UNAVAILABLE with HTTP 503 and `Retry-After`), a
//! mutation refused meanwhile never commits later, the probes say what they should,
//! and the server recovers by itself when the database is back.

use std::time::{Duration, Instant};

use quire_tests::{
    cluster::PrivateCluster,
    entity::user::Role,
    quire::{
        app::Application,
        config::HttpConfig,
        db,
        import::parse_document,
        service::{
            account::users::{NewAccount, create_user},
            import::{ImportOptions, ImportStatus, PreparedFile, import_post},
        },
    },
};
use serde_json::{Value, json};

/// An answer and how long it took.
struct Answer {
    status: u16,
    x_cache: Option<String>,
    retry_after: Option<String>,
    body: Value,
    took: Duration,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let started = Instant::now();
    let resp = request.send().await.unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (status, x_cache, retry_after) = (
        resp.status().as_u16(),
        header("x-cache"),
        header("retry-after"),
    );
    let body = resp.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        x_cache,
        retry_after,
        body,
        took: started.elapsed(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fail_fast_serve_stale_and_recover_when_postgres_stops() {
    let cluster = PrivateCluster::create();
    let conn = db::connect(&cluster.url()).await.unwrap();
    db::migrate(&conn).await.unwrap();
    let writer = create_user(
        &conn,
        NewAccount {
            email: "editor@example.com",
            name: "편집자",
            role: Role::Editor,
            password: "correct horse battery 스테이플",
        },
    )
    .await
    .unwrap();
    let doc = parse_document(
        "outage.md",
        "---\ntitle: 정전 대비\ndate: 2024-01-01\n---\n\n본문\n",
    )
    .unwrap();
    let undated = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00+00:00").unwrap();
    let opts = ImportOptions {
        default_author_id: writer.id,
        status: ImportStatus::Published,
        create_authors: false,
    };
    import_post(&conn, &PreparedFile::new(doc, undated), &opts)
        .await
        .unwrap();

    let app = Application::build_with_db("127.0.0.1:0".parse().unwrap(), conn.clone(), None)
        .await
        .unwrap()
        .http_config(HttpConfig {
            cache_poll_ms: 200,
            ..HttpConfig::default()
        });
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let cached_query = "{ posts { nodes { title } } }";
    let cached = || {
        client
            .get(format!("{base}/graphql"))
            .query(&[("query", cached_query)])
    };
    let uncached = |slug: &str| {
        client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": format!("{{ post(slug: \"{slug}\") {{ id }} }}") }))
    };
    let first = send(cached()).await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.body["data"]["posts"]["nodes"][0]["title"],
        "정전 대비"
    );
    assert_eq!(send(cached()).await.x_cache.as_deref(), Some("HIT"));
    let login = send(client.post(format!("{base}/graphql")).json(&json!({
        "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        "variables": { "i": { "email": "editor@example.com", "password": "correct horse battery 스테이플" } }
    })))
    .await;
    let token = login.body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    cluster.stop();

    // Not cached: refused within about a second, with a code and Retry-After.
    let refused = send(uncached("없는-글")).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "SERVICE_UNAVAILABLE"
    );
    assert_eq!(refused.retry_after.as_deref(), Some("1"));
    assert!(refused.took < Duration::from_secs(3), "{:?}", refused.took);

    // Cached: served (current until the server notices, then as stale), always fast.
    let mut saw_stale = false;
    for _ in 0..20 {
        let a = send(cached()).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.body, first.body);
        assert!(a.took < Duration::from_secs(3), "{:?}", a.took);
        if a.x_cache.as_deref() == Some("STALE") {
            saw_stale = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(saw_stale, "the cached answer was never served as stale");

    // A mutation is refused at once; it must not commit when the database returns.
    let create = send(
        client
            .post(format!("{base}/graphql"))
            .bearer_auth(&token)
            .json(&json!({
                "query": "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
                "variables": { "i": { "title": "유령 글", "markdown": "본문" } }
            })),
    )
    .await;
    assert_eq!(create.status, 503, "{}", create.body);
    assert!(create.took < Duration::from_secs(3), "{:?}", create.took);
    for slug in ["a", "b", "c"] {
        let a = send(uncached(slug)).await;
        assert_eq!(a.status, 503);
        assert!(a.took < Duration::from_secs(3), "{:?}", a.took);
    }

    // Probes: the process is alive, not ready.
    let health = send(client.get(format!("{base}/healthz"))).await;
    assert_eq!(health.status, 200);
    let ready = send(client.get(format!("{base}/readyz"))).await;
    assert_eq!(ready.status, 503);
    assert!(ready.took < Duration::from_secs(3), "{:?}", ready.took);

    cluster.start();
    let back = Instant::now();
    loop {
        let a = send(uncached("정전-대비")).await;
        if a.status == 200 {
            assert!(a.body["data"]["post"]["id"].is_string(), "{}", a.body);
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "not recovered 30 s after the database came back: {}",
            a.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = send(cached()).await;
    assert_eq!(after.status, 200);
    assert_ne!(after.x_cache.as_deref(), Some("STALE"));
    assert_eq!(send(client.get(format!("{base}/readyz"))).await.status, 200);
    let titles = send(client.post(format!("{base}/graphql")).json(&json!({
        "query": "{ posts(first: 10) { totalCount nodes { title } } }"
    })))
    .await;
    assert_eq!(
        titles.body["data"]["posts"]["totalCount"], 1,
        "{}",
        titles.body
    );
    conn.close().await.unwrap();
}
