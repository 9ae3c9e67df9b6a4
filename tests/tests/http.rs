//! GraphQL over HTTP: GET for queries only, media types, status codes, health.

use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};

async fn get_serves_queries_and_refuses_mutations(app: TestApp) {
    app.post("GET 테스트", "2022-01-01", "").await;
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", "{ posts { nodes { title } } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert!(
        resp.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["posts"]["nodes"][0]["title"], "GET 테스트");

    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { anything }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
}
both_backends!(get_serves_queries_and_refuses_mutations);

async fn media_types_and_status_codes(app: TestApp) {
    let post = |accept: &'static str, body: String| {
        app.client()
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(body)
            .send()
    };
    let bad_query = json!({ "query": "{ posts { nope } }" }).to_string();

    // graphql-response+json: a request error (validation) is a 400 without data.
    let resp = post("application/graphql-response+json", bad_query.clone())
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.headers()["content-type"],
        "application/graphql-response+json"
    );
    let body: Value = resp.json().await.unwrap();
    assert!(body.get("data").is_none());
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nope")
    );

    // application/json: the same error is a 200, as legacy clients expect.
    let resp = post("application/json", bad_query).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.json::<Value>().await.unwrap()["errors"].is_array());

    // A field error is a 200 in both media types, with data.
    let resp = post(
        "application/graphql-response+json",
        json!({ "query": "{ posts(first: 1000) { totalCount } }" }).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    // Malformed JSON is a 400; an unacceptable Accept is a 406.
    assert_eq!(
        post("application/json", "{not json".into())
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        post(
            "text/html",
            json!({ "query": "{ __typename }" }).to_string()
        )
        .await
        .unwrap()
        .status(),
        406
    );

    // An oversized body is refused before it is parsed.
    let huge =
        json!({ "query": "{ __typename }", "variables": { "x": "a".repeat(9 * 1024 * 1024) } })
            .to_string();
    assert_eq!(post("application/json", huge).await.unwrap().status(), 413);

    // GraphiQL is served.
    let resp = app.client().get(app.url("/graphiql")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("graphiql"));
}
both_backends!(media_types_and_status_codes);

async fn healthz_follows_the_database(app: TestApp) {
    let resp = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "ok");
    app.db.close_by_ref().await.unwrap();
    let resp = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 503);
}
both_backends!(healthz_follows_the_database);
