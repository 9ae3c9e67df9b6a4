//! Webhook delivery over time, against a real receiver that verifies signatures with
//! the official `standardwebhooks` library: a failing receiver is retried with growing
//! gaps and then disabled, 410 disables at once, scheduled posts fire at their time and
//! once, and two servers on one database deliver each event exactly once.

use std::{collections::HashMap, time::Duration};

use chrono::{SecondsFormat, Utc};
use quire_tests::{
    TestApp, both_backends,
    entity::user::Role,
    quire::app::Application,
    receiver::Receiver,
    webhooks::{config, draft, publish, register, webhooks},
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(20);
const TAG: &str = "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { slug } } }";

fn retrying(app: Application) -> Application {
    let ms = Duration::from_millis;
    app.webhook_config(config(&[ms(200), ms(400), ms(800)], 4))
}

/// The endpoint (of the only one) once `done` says so.
async fn endpoint_when(app: &TestApp, admin: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let w = webhooks(app, admin).await;
        if done(&w[0]) {
            return w[0].clone();
        }
        assert!(std::time::Instant::now() < deadline, "{w:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn failing_receivers_are_retried_then_disabled(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    let id = register(&app, &admin, &rx, "f", &["tag.*"]).await;
    rx.mode("f", "fail").await;
    app.graphql_as(&admin, TAG, json!({ "i": { "name": "실패" } }))
        .await
        .data();
    let got = rx.wait_for("f", 4, WAIT).await;
    let at: Vec<f64> = got
        .iter()
        .map(|g| g["received"].as_f64().unwrap())
        .collect();
    let gaps: Vec<f64> = at.windows(2).map(|w| w[1] - w[0]).collect();
    // Waits of 200, 400 and 800 ms, each within ±20 % jitter: the gaps grow.
    for (gap, wait) in gaps.iter().zip([0.2, 0.4, 0.8]) {
        assert!(*gap >= wait * 0.8 - 0.01, "gaps {gaps:?}");
    }
    assert!(gaps[0] < gaps[1] && gaps[1] < gaps[2], "gaps {gaps:?}");
    for g in &got {
        assert_eq!(g["verified"], true);
        assert_eq!(
            g["id"], got[0]["id"],
            "every retry carries the same webhook-id"
        );
    }
    let e = endpoint_when(&app, &admin, |e| e["status"] == "FAILING").await;
    assert_eq!(e["consecutiveFailures"], 4);
    let reason = e["statusReason"].as_str().unwrap();
    assert!(
        reason.contains("4 failed attempts in a row") && reason.contains("HTTP 503"),
        "{reason}"
    );
    let d = &e["deliveries"][0];
    assert_eq!(d["state"], "FAILED");
    assert_eq!(d["attempts"], 4);
    let log = d["log"].as_array().unwrap();
    assert_eq!(log.len(), 4);
    for a in log {
        assert_eq!(a["responseStatus"], 503);
        assert_eq!(a["responseBody"], "fail 받았습니다");
        assert_eq!(a["succeeded"], false);
    }
    // No more attempts, and a disabled endpoint gets no new events.
    app.graphql_as(&admin, TAG, json!({ "i": { "name": "꺼짐" } }))
        .await
        .data();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rx.got("f").await.len(), 4);
    // Turned back on, it receives again.
    rx.mode("f", "ok").await;
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { status statusReason consecutiveFailures } } }",
            json!({ "i": { "id": id, "enabled": true } }),
        )
        .await;
    assert_eq!(
        r.data()["updateWebhook"]["webhook"],
        json!({ "status": "ACTIVE", "statusReason": null, "consecutiveFailures": 0 })
    );
    app.graphql_as(&admin, TAG, json!({ "i": { "name": "다시" } }))
        .await
        .data();
    let got = rx.wait_for("f", 5, WAIT).await;
    assert_eq!(got[4]["payload"]["data"]["tag"]["slug"], "다시");
}
both_backends!(failing_receivers_are_retried_then_disabled, super::retrying);

async fn gone_disables_at_once(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    register(&app, &admin, &rx, "g", &["tag.*"]).await;
    rx.mode("g", "gone").await;
    app.graphql_as(&admin, TAG, json!({ "i": { "name": "사라짐" } }))
        .await
        .data();
    let e = endpoint_when(&app, &admin, |e| e["status"] == "GONE").await;
    assert!(e["statusReason"].as_str().unwrap().contains("410 Gone"));
    assert_eq!(e["deliveries"][0]["state"], "FAILED");
    assert_eq!(e["deliveries"][0]["attempts"], 1);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(rx.got("g").await.len(), 1, "no retry after 410");
}
both_backends!(gone_disables_at_once, super::retrying);

fn in_secs(s: i64) -> String {
    (Utc::now() + chrono::TimeDelta::seconds(s)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn scheduled_posts_fire_at_their_time(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    register(&app, &admin, &rx, "s", &["post.*"]).await;
    let a = draft(&app, &admin, json!({ "title": "예약 A", "markdown": "a" })).await;
    let b = draft(&app, &admin, json!({ "title": "예약 B", "markdown": "b" })).await;
    let c = draft(&app, &admin, json!({ "title": "예약 C", "markdown": "c" })).await;
    let at_a = in_secs(3);
    assert_eq!(
        publish(&app, &admin, &a, Some(&at_a)).await["status"],
        "SCHEDULED"
    );
    // B is moved later, C unpublished: only their last state may fire.
    publish(&app, &admin, &b, Some(&in_secs(3))).await;
    let at_b = in_secs(4);
    publish(&app, &admin, &b, Some(&at_b)).await;
    publish(&app, &admin, &c, Some(&in_secs(3))).await;
    app.graphql_as(
        &admin,
        "mutation($i: UnpublishPostInput!) { unpublishPost(input: $i) { post { status } } }",
        json!({ "i": { "id": c } }),
    )
    .await
    .data();
    let pending = &webhooks(&app, &admin).await[0]["deliveries"];
    assert_eq!(pending.as_array().unwrap().len(), 2, "{pending:#}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(rx.got("s").await.is_empty(), "nothing before its time");
    let got = rx.wait_for("s", 2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got_all = rx.got("s").await;
    assert_eq!(got_all.len(), 2, "each fires once: {got_all:#?}");
    for (g, (id, at)) in got.iter().zip([(&a, &at_a), (&b, &at_b)]) {
        assert_eq!(g["verified"], true);
        let p = &g["payload"];
        assert_eq!(p["type"], "post.published");
        assert_eq!(p["data"]["post"]["id"], *id);
        assert_eq!(p["data"]["post"]["status"], "PUBLISHED");
        let due = chrono::DateTime::parse_from_rfc3339(at)
            .unwrap()
            .timestamp() as f64;
        assert!(
            g["received"].as_f64().unwrap() >= due,
            "not before {at}: {g}"
        );
        assert!(
            g["received"].as_f64().unwrap() < due + 5.0,
            "at its time: {g}"
        );
    }
}
both_backends!(scheduled_posts_fire_at_their_time, super::retrying);

async fn two_servers_deliver_each_event_once(app: TestApp) {
    let cfg = config(&[Duration::from_millis(200)], 16);
    let other = app.another_server(|a| a.webhook_config(cfg.clone())).await;
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    register(&app, &admin, &rx, "two", &["tag.created", "post.published"]).await;
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for i in 0..30 {
        let base = if i % 2 == 0 {
            app.base_url()
        } else {
            other.clone()
        };
        let (client, admin) = (client.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let r: Value = client
                .post(format!("{base}/graphql"))
                .bearer_auth(admin)
                .json(
                    &json!({ "query": TAG, "variables": { "i": { "name": format!("태그 {i}") } } }),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(r.get("errors").is_none(), "{r}");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Two scheduled posts, due while both servers poll.
    for t in ["둘 A", "둘 B"] {
        let id = draft(&app, &admin, json!({ "title": t, "markdown": "x" })).await;
        publish(&app, &admin, &id, Some(&in_secs(2))).await;
    }
    rx.wait_for("two", 32, WAIT).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = rx.got("two").await;
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for g in &got {
        assert_eq!(g["verified"], true);
        *per_id
            .entry(g["id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_id.len(), 32);
    assert!(
        per_id.values().all(|n| *n == 1),
        "each event once: {per_id:?}"
    );
    assert_eq!(got.len(), 32);
}
both_backends!(two_servers_deliver_each_event_once, super::retrying);
