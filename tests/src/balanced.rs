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
