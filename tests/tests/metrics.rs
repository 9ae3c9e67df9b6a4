//! `GET /metrics` in Prometheus' text format: requests by operation name and outcome,
//! their latency, response-cache hits and misses, the database pool, imports. The
//! recorder is the process's, shared by the tests of this file: each test counts its
//! own operation names and compares figures before and after.

use quire_tests::{TestApp, both_backends, quire::config::HttpConfig};
use serde_json::json;

/// The value of the sample `name{labels}` (labels written as Prometheus renders them,
/// sorted by name), or 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(base: &str) -> String {
    let resp = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    resp.text().await.unwrap()
}

async fn requests_cache_pool_and_imports_are_counted(app: TestApp) {
    let base = app
        .another_server(|a| {
            a.http_config(HttpConfig {
                cache_poll_ms: 3_600_000,
                ..HttpConfig::default()
            })
        })
        .await;
    let op = format!("Newest{}", app.backend_label());
    let query = format!("query {op} {{ posts(first: 1) {{ nodes {{ title }} }} }}");
    let before = scrape(&base).await;
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let resp = client
            .get(format!("{base}/graphql"))
            .query(&[("query", query.as_str()), ("operationName", op.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    // An error, and a request refused before it ran.
    let bad = format!("query Broken{op} {{ post(slug: 1) }}");
    client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": bad, "operationName": format!("Broken{op}") }))
        .send()
        .await
        .unwrap();
    let (_, editor) = app.actor(quire_tests::entity::user::Role::Editor).await;
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: ImportPostsInput!) { importPosts(input: $i) { results { outcome } } }",
            json!({ "i": { "files": [
                { "path": "counted.md", "content": "---\ntitle: 세어 볼 글\n---\n본문\n" },
                { "path": "broken.md", "content": "---\ntitle: [\n---\n" }
            ] } }),
        )
        .await;
    assert_eq!(r.data()["importPosts"]["results"][0]["outcome"], "IMPORTED");
    let after = scrape(&base).await;

    let delta = |series: &str| sample(&after, series) - sample(&before, series);
    assert_eq!(
        delta(&format!(
            "quire_http_requests_total{{operation=\"{op}\",outcome=\"ok\"}}"
        )),
        1.0,
        "{after}"
    );
    assert_eq!(
        delta(&format!(
            "quire_http_requests_total{{operation=\"{op}\",outcome=\"hit\"}}"
        )),
        2.0,
        "{after}"
    );
    assert_eq!(
        delta(&format!(
            "quire_http_requests_total{{operation=\"Broken{op}\",outcome=\"refused\"}}"
        )),
        1.0,
        "{after}"
    );
    assert!(delta("quire_response_cache_total{result=\"hit\"}") >= 2.0);
    assert!(delta("quire_response_cache_total{result=\"miss\"}") >= 1.0);
    assert!(delta("quire_http_request_duration_seconds_count") >= 4.0);
    assert!(after.contains("quire_http_request_duration_seconds_bucket{le=\"0.005\"}"));
    assert!(delta("quire_import_files_total{outcome=\"imported\"}") >= 1.0);
    assert!(delta("quire_import_files_total{outcome=\"failed\"}") >= 1.0);
    assert!(
        sample(&after, "quire_response_cache_bytes") > 0.0,
        "{after}"
    );
    let idle = sample(&after, "quire_db_pool_connections{state=\"idle\"}");
    let in_use = sample(&after, "quire_db_pool_connections{state=\"in_use\"}");
    assert!(idle + in_use >= 1.0, "{after}");
    // The C heap is the process's (glibc's malloc; this test binary's Rust allocations
    // are in it too): something is in use, and the free part is a number.
    assert!(
        sample(&after, "quire_c_heap_bytes{state=\"in_use\"}") > 100_000.0,
        "{after}"
    );
    assert!(
        after.contains("quire_c_heap_bytes{state=\"free\"} "),
        "{after}"
    );
}
both_backends!(requests_cache_pool_and_imports_are_counted);
