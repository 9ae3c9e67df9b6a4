//! Helpers for webhook tests: a delivery configuration for loopback receivers, and
//! registering an endpoint for one of a [`Receiver`]'s hooks through the API.

use std::time::Duration;

use quire::config::WebhookConfig;
use serde_json::{Value, json};

use crate::{TestApp, receiver::Receiver};

/// Deliveries to loopback (allowed explicitly), polled every 50 ms, 2 s per attempt,
/// retried after `schedule`, endpoints disabled after `max_failures`.
pub fn config(schedule: &[Duration], max_failures: u32) -> WebhookConfig {
    WebhookConfig {
        webhook_allow_private: true,
        webhook_poll: Duration::from_millis(50),
        webhook_timeout: Duration::from_secs(2),
        webhook_retry_schedule: schedule.to_vec(),
        webhook_max_failures: max_failures,
        webhook_concurrency: 8,
    }
}

pub const CREATE: &str = "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id url secret events status } } }";

/// Registers hook `name` of `receiver` for `events` as the admin `token`; tells the
/// receiver its secret. Returns the webhook's id.
pub async fn register(
    app: &TestApp,
    token: &str,
    receiver: &Receiver,
    name: &str,
    events: &[&str],
) -> String {
    let r = app
        .graphql_as(
            token,
            CREATE,
            json!({ "i": { "url": receiver.url(name), "events": events } }),
        )
        .await;
    let w = &r.data()["createWebhook"]["webhook"];
    assert_eq!(w["status"], "ACTIVE");
    receiver.secret(name, w["secret"].as_str().unwrap()).await;
    w["id"].as_str().unwrap().to_owned()
}

/// Creates a draft post as `token`; returns its id.
pub async fn draft(app: &TestApp, token: &str, input: Value) -> String {
    let r = app
        .graphql_as(
            token,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
            json!({ "i": input }),
        )
        .await;
    r.data()["createPost"]["post"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Publishes post `id` now, or schedules it for `at`.
pub async fn publish(app: &TestApp, token: &str, id: &str, at: Option<&str>) -> Value {
    let r = app
        .graphql_as(
            token,
            "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status version } } }",
            json!({ "i": { "id": id, "publishAt": at } }),
        )
        .await;
    r.data()["publishPost"]["post"].clone()
}

/// The endpoints as the admin `token` sees them, with `first` deliveries each and logs.
pub async fn webhooks(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app
        .graphql_as(
            token,
            "{ webhooks { id status statusReason consecutiveFailures deliveries(first: 50) { id eventType messageId state attempts log { startedAt durationMs responseStatus responseBody error succeeded } } } }",
            json!({}),
        )
        .await;
    r.data()["webhooks"].as_array().unwrap().clone()
}
