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

    // An oversized body is refused from its Content-Length, before it is read.
    assert_eq!(app.declared_body_status(9 * 1024 * 1024).await, 413);
    assert_eq!(app.declared_body_status(1024 * 1024 + 1).await, 413);

    // GraphiQL is served.
    let resp = app.client().get(app.url("/graphiql")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("graphiql"));
}
both_backends!(media_types_and_status_codes);

/// `/healthz` says the process answers; `/readyz` follows the database.
async fn readyz_follows_the_database_and_healthz_the_process(app: TestApp) {
    let get = |path: &'static str| app.client().get(app.url(path)).send();
    for path in ["/healthz", "/readyz"] {
        let resp = get(path).await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(resp.json::<Value>().await.unwrap()["status"], "ok");
    }
    // A database behind this binary's migrations is not ready.
    use quire_tests::migration::{Migrator, MigratorTrait};
    Migrator::down(&app.db, Some(1)).await.unwrap();
    let resp = get("/readyz").await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["database"],
        "migrations pending"
    );
    app.db.close_by_ref().await.unwrap();
    let resp = get("/readyz").await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["database"],
        "unreachable"
    );
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
}
both_backends!(readyz_follows_the_database_and_healthz_the_process);

async fn null_parameters_other_media_and_batches(app: TestApp) {
    app.post("널 매개변수", "2022-01-01", "").await;
    // Null and absent parameters are the same.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ posts { totalCount } }", "variables": null, "operationName": null, "extensions": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["data"]["posts"]["totalCount"],
        1
    );
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[
            ("query", "{ posts { totalCount } }"),
            ("variables", ""),
            ("operationName", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap()["data"]["posts"]["totalCount"],
        1
    );

    // application/graphql carries the document as the body.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("content-type", "application/graphql")
        .body("{ posts { totalCount } }")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap()["data"]["posts"]["totalCount"],
        1
    );

    // Other body types are refused by name.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body("{ posts { totalCount } }")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);

    // A batch is a 400 in either media type, with a message saying why.
    for accept in ["application/json", "application/graphql-response+json"] {
        let resp = app
            .client()
            .post(app.url("/graphql"))
            .header("accept", accept)
            .json(&json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("batched")
        );
    }

    // A syntax error is a request error: 400 without data in the strict media type.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ posts { " }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(body.get("data").is_none());
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
}
both_backends!(null_parameters_other_media_and_batches);

async fn cors_for_listed_origins(app: TestApp) {
    let preflight = |origin: &'static str| {
        app.client()
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    // An allowed origin: echoed, may send Authorization, cached for a day.
    let resp = preflight("https://blog.example").await.unwrap();
    assert!(resp.status().is_success());
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "https://blog.example");
    assert!(
        h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    assert!(
        h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert_eq!(h["access-control-max-age"], "600");
    assert!(h.get("access-control-allow-credentials").is_none());

    // Another origin gets no CORS headers at all.
    let resp = preflight("https://evil.example").await.unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    assert!(resp.headers().get("access-control-allow-headers").is_none());

    // The actual request carries the origin back, and varies by it.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("origin", "https://blog.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://blog.example"
    );
    assert!(
        resp.headers()
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("origin"))
    );
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("origin", "https://evil.example")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
}
both_backends!(cors_for_listed_origins, |app| {
    let config = quire_tests::quire::config::HttpConfig {
        cors_origins: vec!["https://blog.example".into()],
        cors_max_age: 600,
        ..app.http().clone()
    };
    app.http_config(config)
});

async fn cors_star_is_for_anonymous_reads(app: TestApp) {
    // The default `*`: any origin reads, but may not send Authorization or credentials.
    let resp = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://anywhere.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert!(
        !h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    assert!(h.get("access-control-allow-credentials").is_none());
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", "{ __typename }")])
        .header("origin", "https://anywhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
}
both_backends!(cors_star_is_for_anonymous_reads);

/// The NUL character is refused at the door with BAD_USER_INPUT, wherever it is written
/// (a variable, a document's string escape, a login email), and nothing is written:
/// PostgreSQL cannot store it (it was INTERNAL) and SQLite kept it in titles.
async fn nul_characters_are_refused_as_bad_input(app: TestApp) {
    let (_, token) = app.actor(quire_tests::entity::user::Role::Editor).await;
    let posts_before = app.count_posts().await;
    let r = app
        .graphql_as(
            &token,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
            json!({ "i": { "title": "제목\u{0}끝", "markdown": "본문" } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    assert_eq!(app.count_posts().await, posts_before);

    let r = app
        .graphql(r#"{ post(slug: "a\u0000b") { id } }"#, json!({}))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    let r = app
        .graphql(
            "mutation($e: String!) { login(input: { email: $e, password: \"x\" }) { token } }",
            json!({ "e": "a\u{0}@example.com" }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT", "{}", r.body);
    // Text that merely mentions the escape is fine.
    let r = app
        .graphql_as(
            &token,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { title } } }",
            json!({ "i": { "title": r"C의 \u0000 이야기", "markdown": "본문" } }),
        )
        .await;
    assert_eq!(
        r.data()["createPost"]["post"]["title"],
        r"C의 \u0000 이야기"
    );
}
both_backends!(nul_characters_are_refused_as_bad_input);

/// Every refusal carries `extensions.code`, transport errors included (their status is
/// kept), a depth error states the true depth, and a syntax error's message stays short
/// however long the document's line is.
async fn every_refusal_has_a_code_a_true_figure_and_a_bounded_message(app: TestApp) {
    let send = |method: reqwest::Method,
                content_type: &'static str,
                accept: &'static str,
                body: String| {
        app.client()
            .request(method, app.url("/graphql"))
            .header("content-type", content_type)
            .header("accept", accept)
            .body(body)
            .send()
    };
    let refusal = |resp: reqwest::Response| async move {
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap();
        let error = &body["errors"][0];
        (
            status,
            error["extensions"]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            error["message"].as_str().unwrap_or("").to_owned(),
        )
    };
    let typename = json!({ "query": "{ __typename }" }).to_string();
    use reqwest::Method;
    let cases = [
        (
            send(
                Method::POST,
                "application/json",
                "application/json",
                "{not json".into(),
            ),
            400,
            "BAD_REQUEST",
        ),
        (
            send(
                Method::POST,
                "application/json",
                "text/html",
                typename.clone(),
            ),
            406,
            "NOT_ACCEPTABLE",
        ),
        (
            send(
                Method::POST,
                "text/plain",
                "application/json",
                typename.clone(),
            ),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            send(
                Method::PUT,
                "application/json",
                "application/json",
                typename.clone(),
            ),
            405,
            "METHOD_NOT_ALLOWED",
        ),
    ];
    for (request, status, code) in cases {
        let (got_status, got_code, message) = refusal(request.await.unwrap()).await;
        assert_eq!((got_status, got_code.as_str()), (status, code), "{message}");
        assert!(!message.is_empty());
    }
    let resp = app
        .client()
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { anything }")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["allow"], "POST");
    assert_eq!(refusal(resp).await.1, "METHOD_NOT_ALLOWED");

    // Too large, refused from Content-Length before the body is read (over a raw
    // connection: a client still sending the body may see the connection close first).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = app.base_url().trim_start_matches("http://").to_owned();
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: 2000000\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains(r#""code":"PAYLOAD_TOO_LARGE""#), "{answer}");
    }

    // The depth limit (12 by default) names the real depth: 20, not 13.
    let deep = format!(
        "{{ {}{} }}",
        "a { ".repeat(19),
        "b".to_owned() + &" }".repeat(19)
    );
    let (_, code, message) = refusal(
        send(
            Method::POST,
            "application/json",
            "application/json",
            json!({ "query": deep }).to_string(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(code, "QUERY_LIMIT_EXCEEDED");
    assert!(message.contains("nested 20 levels deep"), "{message}");

    // A syntax error at the end of a 990 kB one-line document: a short message that
    // says where (the parser's own quoted the whole line).
    let long = format!("{{ {} !", "__typename ".repeat(90_000));
    let (_, code, message) = refusal(
        send(
            Method::POST,
            "application/json",
            "application/json",
            json!({ "query": long }).to_string(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(code, "GRAPHQL_PARSE_FAILED");
    assert!(message.chars().count() <= 201, "{} chars", message.len());
    assert!(
        message.starts_with("syntax error at line 1, column 99000"),
        "{message}"
    );
}
both_backends!(every_refusal_has_a_code_a_true_figure_and_a_bounded_message);

/// Every answer names its request id (`x-request-id`), and every error carries it as
/// `extensions.requestId`; a proxy's id is taken only behind `--trust-forwarded-for`.
async fn every_answer_and_error_names_its_request_id(app: TestApp) {
    let ask = |query: &str, sent: Option<&str>| {
        let mut r = app
            .client()
            .post(app.url("/graphql"))
            .json(&json!({ "query": query }));
        if let Some(id) = sent {
            r = r.header("x-request-id", id);
        }
        r.send()
    };
    let resp = ask("{ __typename }", None).await.unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 32, "{id}");
    // Untrusted: a client's own id is not taken.
    let resp = ask("{ post(slug: 1) }", Some("from-client")).await.unwrap();
    let header = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(header, "from-client");
    assert_ne!(header, id, "each request has its own id");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        header.as_str()
    );
    assert!(body["errors"][0]["extensions"]["code"].is_string());
    // A resolver's error carries it too.
    let resp = ask(r#"{ post(slug: "없는-글") { id } }"#, None)
        .await
        .unwrap();
    let header = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    assert!(body["data"]["post"].is_null(), "{body}");
    if let Some(errors) = body["errors"].as_array() {
        assert!(
            errors
                .iter()
                .all(|e| e["extensions"]["requestId"] == header.as_str())
        );
    }
    // Refused before running (bad JSON): the id is there as well.
    let resp = app
        .client()
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let header = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        header.as_str()
    );

    // Behind a trusted proxy its plain id is kept; an odd one is replaced.
    let proxied = app.another_server(|a| a.trust_forwarded_for(true)).await;
    let long = "x".repeat(65);
    for (sent, kept) in [
        ("lb-7f3a.1", true),
        ("bad id", false),
        (long.as_str(), false),
    ] {
        let resp = app
            .client()
            .post(format!("{proxied}/graphql"))
            .header("x-request-id", sent)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        let header = resp.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(header == sent, kept, "{sent} -> {header}");
    }
}
both_backends!(every_answer_and_error_names_its_request_id);

/// A client that keeps sending queries the cache cannot answer runs out of tokens:
/// RATE_LIMITED, 429 with Retry-After; its cached answers, and other clients (as a
/// trusted proxy names them), are not limited.
async fn uncached_requests_are_limited_per_client(app: TestApp) {
    let base = app
        .another_server(|a| {
            a.http_config(quire_tests::quire::config::HttpConfig {
                rate_limit_per_sec: 1,
                rate_limit_burst: 3,
                cache_poll_ms: 3_600_000,
                ..quire_tests::quire::config::HttpConfig::default()
            })
            .trust_forwarded_for(true)
        })
        .await;
    let ask = |n: usize, client: &'static str| {
        app.client()
            .get(format!("{base}/graphql"))
            .header("x-forwarded-for", client)
            .query(&[("query", format!("{{ posts(first: {n}) {{ totalCount }} }}"))])
            .send()
    };
    for n in 1..=3 {
        assert_eq!(ask(n, "203.0.113.7").await.unwrap().status(), 200);
    }
    let resp = ask(4, "203.0.113.7").await.unwrap();
    assert_eq!(resp.status(), 429);
    let wait: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // A cached answer costs no token; another client has its own bucket.
    let cached = ask(1, "203.0.113.7").await.unwrap();
    assert_eq!(cached.status(), 200);
    assert_eq!(cached.headers()["x-cache"], "HIT");
    assert_eq!(ask(5, "198.51.100.1").await.unwrap().status(), 200);
}
both_backends!(uncached_requests_are_limited_per_client);
