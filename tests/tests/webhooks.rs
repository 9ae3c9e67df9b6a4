//! Webhooks end to end: a real receiver on loopback verifies every request with the
//! official `standardwebhooks` library (tests/tools/webhook_receiver.py). What a write
//! sends and what it says, that a rolled-back write sends nothing, pings and resends,
//! who may manage webhooks, and endpoints on private addresses refused without the
//! setting.

use std::time::Duration;

use quire_tests::{
    TestApp, both_backends,
    entity::user::Role,
    quire::service::webhook::{endpoints, outbox},
    receiver::Receiver,
    sea_orm::{ConnectionTrait, Statement},
    webhooks::{CREATE, config, draft, publish, register, webhooks},
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(15);

fn fast(app: quire_tests::quire::app::Application) -> quire_tests::quire::app::Application {
    app.webhook_config(config(&[Duration::from_millis(200)], 16))
}

fn payloads(got: &[Value]) -> Vec<Value> {
    for g in got {
        assert_eq!(g["verified"], true, "the official library verified it: {g}");
    }
    let mut p: Vec<Value> = got.iter().map(|g| g["payload"].clone()).collect();
    p.sort_by(|a, b| a["timestamp"].as_str().cmp(&b["timestamp"].as_str()));
    p
}

async fn events_say_what_to_refresh(app: TestApp) {
    let (admin_user, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    register(
        &app,
        &admin,
        &rx,
        "all",
        &["post.*", "category.*", "site.updated"],
    )
    .await;
    app.graphql_as(
        &admin,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }",
        json!({ "i": { "title": "하늘의 노트", "baseUrl": "https://blog.example" } }),
    )
    .await
    .data();
    let cat =
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { slug } } }";
    app.graphql_as(&admin, cat, json!({ "i": { "name": "글" } }))
        .await
        .data();
    app.graphql_as(
        &admin,
        cat,
        json!({ "i": { "name": "회고", "parent": "글" } }),
    )
    .await
    .data();
    let id = draft(
        &app,
        &admin,
        json!({ "title": "2023년 회고", "markdown": "본문", "tags": ["일기", "rust"], "category": "회고" }),
    )
    .await;
    // A draft is not public: its creation sends nothing.
    let got = rx.wait_for("all", 3, WAIT).await;
    let status = publish(&app, &admin, &id, None).await;
    app.graphql_as(
        &admin,
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { slug } } }",
        json!({ "i": { "id": id, "expectedVersion": status["version"], "slug": "회고-2023", "tags": ["일기"] } }),
    )
    .await
    .data();
    app.graphql_as(
        &admin,
        "mutation($i: UnpublishPostInput!) { unpublishPost(input: $i) { post { status } } }",
        json!({ "i": { "id": id } }),
    )
    .await
    .data();
    let got = rx.wait_for("all", got.len() + 3, WAIT).await;
    let p = payloads(&got);
    let types: Vec<&str> = p.iter().map(|x| x["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "site.updated",
            "category.created",
            "category.created",
            "post.published",
            "post.updated",
            "post.unpublished"
        ]
    );
    assert_eq!(
        p[0]["data"]["site"],
        json!({ "title": "하늘의 노트", "url": "https://blog.example/" })
    );
    assert_eq!(p[2]["data"]["category"]["path"], "/categories/회고");
    let published = &p[3]["data"];
    assert_eq!(published["post"]["id"], id);
    assert_eq!(published["post"]["slug"], "2023년-회고");
    assert_eq!(published["post"]["status"], "PUBLISHED");
    assert_eq!(published["post"]["formerSlug"], Value::Null);
    assert_eq!(
        published["post"]["url"],
        "https://blog.example/posts/2023%EB%85%84-%ED%9A%8C%EA%B3%A0"
    );
    assert_eq!(
        published["tags"],
        json!([
            { "slug": "일기", "name": "일기", "path": "/tags/일기", "url": "https://blog.example/tags/%EC%9D%BC%EA%B8%B0" },
            { "slug": "rust", "name": "rust", "path": "/tags/rust", "url": "https://blog.example/tags/rust" },
        ])
    );
    let cats: Vec<&str> = published["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(cats, ["글", "회고"], "the category and its parents");
    assert_eq!(published["authors"][0]["path"], "/authors/admin");
    let updated = &p[4]["data"];
    assert_eq!(updated["post"]["slug"], "회고-2023");
    assert_eq!(updated["post"]["formerSlug"], "2023년-회고");
    assert_eq!(updated["post"]["formerPath"], "/posts/2023년-회고");
    let paths: Vec<&str> = updated["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    for want in [
        "/posts/회고-2023",
        "/posts/2023년-회고",
        "/",
        "/tags/일기",
        "/tags/rust",
        "/categories/회고",
        "/categories/글",
    ] {
        assert!(paths.contains(&want), "{want} in {paths:?}");
    }
    assert_eq!(p[5]["data"]["post"]["status"], "DRAFT");

    // The cache keys a CDN purge hook purges: what changed and the listings it was or
    // is in (see tests/tests/cache_tags.rs for what answers carry).
    let tag = |slug: &str| format!("SELECT id FROM tags WHERE slug = '{slug}'");
    let cat = |slug: &str| format!("SELECT id FROM categories WHERE slug = '{slug}'");
    let (rust, diary) = (
        app.number(&tag("rust")).await,
        app.number(&tag("일기")).await,
    );
    let (writing, retro) = (app.number(&cat("글")).await, app.number(&cat("회고")).await);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        json!(v)
    };
    assert_eq!(p[0]["data"]["cacheKeys"], json!(["all", "site"]));
    assert_eq!(
        p[2]["data"]["cacheKeys"],
        sorted(vec![
            "all".into(),
            "categories".into(),
            format!("category:{retro}"),
            format!("category:{writing}"),
            format!("posts:category:{retro}"),
            format!("posts:category:{writing}"),
        ])
    );
    let post = quire_tests::bylines::id_of(&json!(id));
    assert_eq!(
        p[4]["data"]["cacheKeys"],
        sorted(vec![
            "all".into(),
            format!("post:{post}"),
            "posts".into(),
            format!("posts:author:{}", admin_user.id),
            format!("posts:category:{retro}"),
            format!("posts:category:{writing}"),
            format!("posts:tag:{diary}"),
            format!("posts:tag:{rust}"),
        ])
    );
    assert_eq!(
        quire_tests::quire::service::cache_tags::event_keys(&p[4]),
        p[4]["data"]["cacheKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect::<Vec<_>>(),
        "the function the lead calls reads the same keys"
    );
    // Each message id once.
    let mut ids: Vec<&str> = got.iter().map(|g| g["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), got.len());
}
both_backends!(events_say_what_to_refresh, super::fast);

async fn count(app: &TestApp, table: &str) -> i64 {
    app.number(&format!("SELECT COUNT(*) FROM {table}")).await
}

async fn a_rolled_back_write_sends_nothing(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    register(&app, &admin, &rx, "rb", &["*"]).await;
    // The outbox writes inside the writer's transaction; rolled back, it leaves nothing.
    let txn = quire_tests::quire::db::begin_write(&app.db).await.unwrap();
    let mark = outbox::open(&txn).await.unwrap();
    outbox::site_updated(&txn, mark, "never", None)
        .await
        .unwrap();
    let inside = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT COUNT(*) FROM webhook_deliveries",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(inside, 1, "the event was written inside the transaction");
    txn.rollback().await.unwrap();
    // A write refused half-way (a stale version) sends nothing either.
    let id = draft(&app, &admin, json!({ "title": "버전", "markdown": "x" })).await;
    publish(&app, &admin, &id, None).await;
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { slug } } }",
            json!({ "i": { "id": id, "expectedVersion": 1, "title": "바뀜" } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    // A committed write afterwards is delivered: the two before it were not.
    app.graphql_as(
        &admin,
        "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { slug } } }",
        json!({ "i": { "name": "커밋됨" } }),
    )
    .await
    .data();
    let got = rx.wait_for("rb", 2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let types: Vec<String> = payloads(&rx.got("rb").await)
        .iter()
        .map(|p| p["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["post.published", "tag.created"], "{got:#?}");
    assert_eq!(count(&app, "webhook_events").await, 2);
}
both_backends!(a_rolled_back_write_sends_nothing, super::fast);

async fn ping_resend_and_the_log(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    let id = register(&app, &admin, &rx, "p", &["tag.created"]).await;
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: WebhookIdInput!) { testWebhook(input: $i) { delivery { id eventType state } } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    let d = r.data()["testWebhook"]["delivery"].clone();
    assert_eq!(d["eventType"], "ping");
    let got = rx.wait_for("p", 1, WAIT).await;
    assert_eq!(payloads(&got)[0]["data"]["endpointId"], id);
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: ResendWebhookDeliveryInput!) { resendWebhookDelivery(input: $i) { delivery { id state } } }",
            json!({ "i": { "id": d["id"] } }),
        )
        .await;
    assert_eq!(r.data()["resendWebhookDelivery"]["delivery"]["id"], d["id"]);
    let got = rx.wait_for("p", 2, WAIT).await;
    assert_eq!(got[0]["id"], got[1]["id"], "a resend keeps the webhook-id");
    assert!(got[1]["verified"].as_bool().unwrap());
    // The log: two successful attempts with the receiver's answer.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let w = webhooks(&app, &admin).await;
        let log = w[0]["deliveries"][0]["log"].as_array().unwrap().clone();
        if log.len() == 2 {
            assert_eq!(w[0]["deliveries"][0]["state"], "DELIVERED");
            for a in &log {
                assert_eq!(a["responseStatus"], 200);
                assert_eq!(a["responseBody"], "ok 받았습니다");
                assert_eq!(a["succeeded"], true);
            }
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{w:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A ping to a disabled endpoint is a CONFLICT.
    app.graphql_as(
        &admin,
        "mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { status statusReason } } }",
        json!({ "i": { "id": id, "enabled": false } }),
    )
    .await
    .data();
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: WebhookIdInput!) { testWebhook(input: $i) { delivery { id } } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
}
both_backends!(ping_resend_and_the_log, super::fast);

async fn only_admins_manage_webhooks(app: TestApp) {
    let rx = Receiver::start();
    let input = json!({ "i": { "url": rx.url("x"), "events": ["*"] } });
    for role in [Role::Editor, Role::Author] {
        let (_, token) = app.actor(role).await;
        assert_eq!(
            app.graphql_as(&token, CREATE, input.clone())
                .await
                .error_code(),
            "FORBIDDEN"
        );
        let r = app
            .graphql_as(&token, "{ webhooks { id } }", json!({}))
            .await;
        assert_eq!(r.error_code(), "FORBIDDEN", "{role:?}");
    }
    assert_eq!(
        app.graphql(CREATE, input.clone()).await.error_code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        app.graphql("{ webhooks { id } }", json!({}))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    let (_, admin) = app.actor(Role::Admin).await;
    let id = register(&app, &admin, &rx, "x", &["*"]).await;
    let (_, editor) = app.actor(Role::Editor).await;
    for (m, input) in [
        (
            "mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { id } } }",
            json!({ "id": id, "enabled": false }),
        ),
        (
            "mutation($i: WebhookIdInput!) { deleteWebhook(input: $i) { webhook { id } } }",
            json!({ "id": id }),
        ),
        (
            "mutation($i: WebhookIdInput!) { testWebhook(input: $i) { delivery { id } } }",
            json!({ "id": id }),
        ),
    ] {
        assert_eq!(
            app.graphql_as(&editor, m, json!({ "i": input }))
                .await
                .error_code(),
            "FORBIDDEN",
            "{m}"
        );
    }
    // Bad subscriptions are named.
    let r = app
        .graphql_as(
            &admin,
            CREATE,
            json!({ "i": { "url": rx.url("y"), "events": ["media.uploaded"] } }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"], "events",
        "{}",
        r.body
    );
    let r = app
        .graphql_as(
            &admin,
            "mutation($i: WebhookIdInput!) { deleteWebhook(input: $i) { webhook { id } } }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(r.data()["deleteWebhook"]["webhook"]["id"], id);
    assert!(webhooks(&app, &admin).await.is_empty());
}
both_backends!(only_admins_manage_webhooks, super::fast);

fn strict(app: quire_tests::quire::app::Application) -> quire_tests::quire::app::Application {
    let mut c = config(&[Duration::from_secs(3600)], 16);
    c.webhook_allow_private = false;
    app.webhook_config(c)
}

async fn private_addresses_need_the_setting(app: TestApp) {
    let (_, admin) = app.actor(Role::Admin).await;
    let rx = Receiver::start();
    for url in [rx.url("s"), format!("http://localhost:{}/hook/s", rx.port)] {
        let r = app
            .graphql_as(
                &admin,
                CREATE,
                json!({ "i": { "url": url, "events": ["*"] } }),
            )
            .await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{url}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "url");
        let msg = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains("QUIRE_WEBHOOK_ALLOW_PRIVATE"), "{msg}");
    }
    // An endpoint registered while private addresses were allowed is still refused at
    // delivery by a server that does not allow them.
    let e = endpoints::create(
        &app.db,
        endpoints::EndpointChanges {
            url: Some(rx.url("s")),
            events: Some(vec!["*".into()]),
            ..Default::default()
        },
        true,
    )
    .await
    .unwrap();
    rx.secret("s", &e.secret).await;
    app.graphql_as(
        &admin,
        "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { slug } } }",
        json!({ "i": { "name": "막힘" } }),
    )
    .await
    .data();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let w = webhooks(&app, &admin).await;
        let log = w[0]["deliveries"][0]["log"].as_array().unwrap().clone();
        if let Some(a) = log.first() {
            let err = a["error"].as_str().unwrap();
            assert!(err.contains("not a public address"), "{err}");
            assert_eq!(a["responseStatus"], Value::Null);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{w:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(rx.log().await.is_empty(), "nothing reached the receiver");
}
both_backends!(private_addresses_need_the_setting, super::strict);
