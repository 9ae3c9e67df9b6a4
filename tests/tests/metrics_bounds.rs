//! The operation names `/metrics` counts are the client's: past a bound they are
//! counted as `other`, so no client can grow the metrics without end. (A file of its
//! own: the bound is the process's, and would rename other tests' operations.)

use quire_tests::{TestApp, both_backends};
use serde_json::json;

async fn operation_names_are_bounded(app: TestApp) {
    let client = reqwest::Client::new();
    for i in 0..quire_tests::quire::http::MAX_OPERATION_NAMES + 5 {
        let name = format!("Flood{}{i}", app.backend_label());
        client
            .post(app.url("/graphql"))
            .json(&json!({ "query": format!("query {name} {{ __typename }}"), "operationName": name }))
            .send()
            .await
            .unwrap();
    }
    let text = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let names = text
        .lines()
        .filter(|l| l.starts_with("quire_http_requests_total{"))
        .count();
    assert!(
        names <= quire_tests::quire::http::MAX_OPERATION_NAMES * 6 + 12,
        "{names} series"
    );
    assert!(
        text.contains("quire_http_requests_total{operation=\"other\",outcome=\"ok\"}"),
        "{text}"
    );
}
both_backends!(operation_names_are_bounded);
