//! Requests through a load balancer that names the server that answered in `X-Served-By`
//! (the deployment's HAProxy): the deployment tests, with processes
//! (`tests/deploy_topology.rs`) and with containers (`tests/compose_stack.rs`).

use serde_json::{Value, json};

/// One answer through the balancer: status, the server that gave it, the body (JSON, or
/// `Null`).
pub struct Answer {
    pub status: u16,
    pub served_by: String,
    pub body: Value,
}

/// Sends `req`; its [`Answer`].
pub async fn send(req: reqwest::RequestBuilder) -> Answer {
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let served_by = resp
        .headers()
        .get("x-served-by")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = resp.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        served_by,
        body,
    }
}

/// Sends `req()` through the balancer until a server other than `first` answers (round
/// robin: the next request); that answer.
pub async fn read_elsewhere(first: &str, req: impl Fn() -> reqwest::RequestBuilder) -> Answer {
    for _ in 0..2 {
        let a = send(req()).await;
        if a.served_by != first {
            assert!(!a.served_by.is_empty());
            return a;
        }
    }
    panic!("two requests in a row went to {first}");
}

/// Uploads `png` as `빨강.png` to the GraphQL endpoint `graphql_url` (a multipart request);
/// the server that took it, the media URL and its SHA-256.
pub async fn upload(
    client: &reqwest::Client,
    graphql_url: &str,
    token: &str,
    png: Vec<u8>,
) -> (String, String, String) {
    let operations = json!({
        "query": "mutation($file: Upload!) { uploadMedia(file: $file) { media { url sha256 } } }",
        "variables": { "file": null },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(png).file_name("빨강.png"),
        );
    let a = send(client.post(graphql_url).bearer_auth(token).multipart(form)).await;
    let media = &a.body["data"]["uploadMedia"]["media"];
    let url = media["url"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", a.body));
    (
        a.served_by,
        url.to_owned(),
        media["sha256"].as_str().unwrap().to_owned(),
    )
}

/// Logs in through the balancer at the GraphQL endpoint `graphql_url`; the access token.
pub async fn login(
    client: &reqwest::Client,
    graphql_url: &str,
    email: &str,
    password: &str,
) -> String {
    let a = send(client.post(graphql_url).json(&json!({
        "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        "variables": { "i": { "email": email, "password": password } },
    })))
    .await;
    a.body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", a.body))
        .to_owned()
}

/// Creates and publishes a post titled `title` through the balancer (checked to get
/// `slug` and to be PUBLISHED), then reads its `title` and `html` by that slug with a
/// GET that a server other than the publishing one answers; that answer (status checked
/// 200).
pub async fn publish_and_read_elsewhere(
    client: &reqwest::Client,
    graphql_url: &str,
    token: &str,
    (title, slug, markdown): (&str, &str, &str),
) -> Answer {
    let write = |query: &str, variables: Value| {
        client
            .post(graphql_url)
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
    };
    let created = send(write(
        "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id slug } } }",
        json!({ "i": { "title": title, "markdown": markdown } }),
    ))
    .await;
    let post = &created.body["data"]["createPost"]["post"];
    let published = send(write(
        "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status } } }",
        json!({ "i": { "id": post["id"] } }),
    ))
    .await;
    assert_eq!(
        published.body["data"]["publishPost"]["post"]["status"], "PUBLISHED",
        "{}",
        published.body
    );
    assert_eq!(post["slug"], slug, "{}", created.body);
    let query = format!("query Read {{ post(slug: \"{slug}\") {{ title html }} }}");
    let read = read_elsewhere(&published.served_by, || {
        client
            .get(graphql_url)
            .query(&[("query", query.as_str()), ("operationName", "Read")])
    })
    .await;
    assert_eq!(read.status, 200, "{}", read.body);
    read
}
