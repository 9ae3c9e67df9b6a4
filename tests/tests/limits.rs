//! Limits against abusive queries: each hostile request gets a clear error, never a
//! panic, and the server answers the next request as usual.

use quire_tests::{TestApp, both_backends};
use serde_json::{Value, json};

async fn strict(app: &TestApp, body: String) -> (u16, Value) {
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The server still answers an ordinary query correctly.
async fn still_answers(app: &TestApp) {
    let r = app.graphql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["posts"]["totalCount"], 1);
}

fn nested(depth: usize) -> String {
    // post → series → posts → series → ... each level one field deeper.
    let mut q = String::from("title");
    for i in 0..depth {
        q = if i % 2 == 0 {
            format!("series {{ posts {{ {q} }} }}")
        } else {
            format!("tags {{ posts {{ nodes {{ {q} }} }} }}")
        };
    }
    format!("{{ post(slug: \"x\") {{ {q} }} }}")
}

async fn hostile_queries_get_clear_errors(app: TestApp) {
    app.post("제한 시험", "2022-01-01", "").await;

    // Depth 50.
    let (status, body) = strict(&app, json!({ "query": nested(25) }).to_string()).await;
    assert_eq!(status, 400);
    assert!(body.get("data").is_none());
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "QUERY_LIMIT_EXCEEDED"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 12"),
        "{body}"
    );
    still_answers(&app).await;

    // 1,000 aliases of posts(first: 100).
    let aliases: String = (0..1000)
        .map(|i| format!("a{i}: posts(first: 100) {{ nodes {{ title html }} }} "))
        .collect();
    let (status, body) = strict(
        &app,
        json!({ "query": format!("{{ {aliases} }}") }).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "QUERY_LIMIT_EXCEEDED"
    );
    assert_eq!(
        body["errors"][0]["message"],
        "the query has 1000 aliases; at most 50 are allowed"
    );
    still_answers(&app).await;

    // 10,000 @skip directives.
    let skips = "@skip(if: false) ".repeat(10_000);
    let (status, body) = strict(
        &app,
        json!({ "query": format!("{{ posts {{ totalCount {skips} }} }}") }).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["message"],
        "the query has 10000 directives; at most 100 are allowed"
    );
    still_answers(&app).await;

    // Complexity: 40 aliases (within the alias limit), each a full page.
    let costly: String = (0..40)
        .map(|i| format!("a{i}: posts(first: 100) {{ nodes {{ title }} }} "))
        .collect();
    let (status, body) = strict(
        &app,
        json!({ "query": format!("{{ {costly} }}") }).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "QUERY_LIMIT_EXCEEDED"
    );
    // One page of 100 with a few fields is fine.
    let r = app
        .graphql(
            "{ posts(first: 100) { nodes { title slug excerpt } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["posts"]["nodes"][0]["title"], "제한 시험");

    // A 10 MB body is refused from its Content-Length, before it is read.
    assert_eq!(app.declared_body_status(10_000_000).await, 413);
    still_answers(&app).await;

    // A batch of 100 is refused as a whole.
    let batch: Vec<Value> = (0..100)
        .map(|_| json!({ "query": "{ posts { totalCount } }" }))
        .collect();
    let (status, body) = strict(&app, Value::Array(batch).to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["message"],
        "batched requests are not supported: send one operation per request"
    );
    still_answers(&app).await;

    // Introspection as GraphiQL sends it passes the depth limit.
    let r = app
        .graphql(
            "{ __schema { types { name fields { name type { kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { kind ofType { name } } } } } } } } } } } }",
            json!({}),
        )
        .await;
    assert!(r.body.get("errors").is_none(), "{}", r.body);
}
both_backends!(hostile_queries_get_clear_errors);

async fn limits_are_configurable(app: TestApp) {
    app.post("설정", "2022-01-01", "").await;
    let (status, _) = strict(
        &app,
        json!({ "query": "{ a: posts { totalCount } b: posts { totalCount } }" }).to_string(),
    )
    .await;
    assert_eq!(status, 400, "max_aliases = 1");
    let (status, body) = strict(
        &app,
        json!({ "query": "{ posts { totalCount } }" }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Introspection off: no schema, and no field suggestions either.
    let (_, body) = strict(
        &app,
        json!({ "query": "{ __schema { types { name } } }" }).to_string(),
    )
    .await;
    assert_eq!(body, json!({ "data": { "__schema": null } }));
    let (_, body) = strict(&app, json!({ "query": "{ post { titl } }" }).to_string()).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("titl") && !message.contains("Did you mean"),
        "{message}"
    );
}
both_backends!(limits_are_configurable, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        max_aliases: 1,
        introspection: false,
        ..app.http().clone()
    };
    app.http_config(config)
});

async fn slow_queries_time_out_but_writes_complete(app: TestApp) {
    app.post("시간 제한", "2022-01-01", "").await;
    // A zero budget: any query that waits on the database is stopped.
    let (status, body) = strict(
        &app,
        json!({ "query": "{ posts { nodes { title } } }" }).to_string(),
    )
    .await;
    assert_eq!(status, 504);
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT");
    let r = app
        .graphql("{ posts { nodes { title } } }", json!({}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.error_code(), "TIMEOUT");
    // Mutations are not cut short: one transaction each, run to the end.
    let (_, editor) = app.actor(quire_tests::entity::user::Role::Editor).await;
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { title } } }",
            json!({ "i": { "title": "끝까지 쓰는 글" } }),
        )
        .await;
    assert_eq!(r.data()["createPost"]["post"]["title"], "끝까지 쓰는 글");
    assert_eq!(app.count_posts().await, 2);
}
both_backends!(slow_queries_time_out_but_writes_complete, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        query_timeout_ms: 0,
        ..app.http().clone()
    };
    app.http_config(config)
});

/// Documents are parsed once and kept (see `http::documents`): a refused document is
/// refused again when sent again, and a kept document still takes each request's own
/// variables and operation name.
async fn documents_sent_again_are_judged_and_run_the_same(app: TestApp) {
    app.post("첫째 글", "2022-01-01", "").await;
    app.post("둘째 글", "2022-02-01", "").await;
    for _ in 0..2 {
        let (status, body) = strict(&app, json!({ "query": nested(25) }).to_string()).await;
        assert_eq!(status, 400);
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "QUERY_LIMIT_EXCEEDED"
        );
        let (status, body) = strict(&app, json!({ "query": "{ posts { " }).to_string()).await;
        assert_eq!(status, 400);
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED"
        );
    }
    let doc = "query Newest($n: Int!) { posts(first: $n) { nodes { title } } } \
               query Count { posts { totalCount } }";
    let titles = |v: &Value| -> Vec<String> {
        v["posts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    for (n, expected) in [(1, vec!["둘째 글"]), (2, vec!["둘째 글", "첫째 글"])] {
        let (status, body) = strict(
            &app,
            json!({ "query": doc, "operationName": "Newest", "variables": { "n": n } }).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(titles(&body["data"]), expected);
    }
    let (status, body) = strict(
        &app,
        json!({ "query": doc, "operationName": "Count" }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], json!({ "posts": { "totalCount": 2 } }));
}
both_backends!(documents_sent_again_are_judged_and_run_the_same);

/// A document is valid only if all its operations are: one that is not run but passes
/// an argument of the wrong type, or asks for a field that does not exist, makes the
/// whole request GRAPHQL_VALIDATION_FAILED, and nothing runs (not even a mutation).
async fn every_operation_of_a_document_is_validated(app: TestApp) {
    app.post("첫째 글", "2022-01-01", "").await;
    let (_, token) = app.actor(quire_tests::entity::user::Role::Editor).await;
    let good = "query Good { posts { totalCount } }";
    for bad in [
        "query Bad { post(slug: 1) { id } }",
        "query Bad { posts { nope } }",
        "mutation Bad { createPost(input: { title: 3 }) { post { id } } }",
    ] {
        let (status, body) = strict(
            &app,
            json!({ "query": format!("{good} {bad}"), "operationName": "Good" }).to_string(),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{bad}: {body}"
        );
        assert!(body.get("data").is_none(), "{body}");
    }
    // A valid document still runs the selected operation only, and an operation left
    // unrun (a mutation here) never runs.
    let doc = "query Count { posts { totalCount } } \
               mutation Write { createPost(input: { title: \"안 쓰인 글\" }) { post { id } } }";
    let before = app.count_posts().await;
    let r = app.graphql_as(&token, doc, json!({})).await;
    assert!(r.body["errors"].is_array(), "no operationName: {}", r.body);
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": doc, "operationName": "Count" }))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["posts"]["totalCount"], 1, "{body}");
    assert_eq!(app.count_posts().await, before);
}
both_backends!(every_operation_of_a_document_is_validated);
