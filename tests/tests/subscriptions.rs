//! GraphQL subscriptions end to end, driven by the real `graphql-ws` npm client
//! (tests/tools/live/live.mjs): `postPublished` when a post is published, never for a
//! rolled-back write; `postUpdated(id)` of a draft refused without a token and sent with
//! an editor's; `contentChanged` on a tag rename; a scheduled post at its instant; and
//! the limits (connections per address, subscriptions per connection, depth and
//! complexity, idle connections). Servers on one PostgreSQL and a killed listener:
//! `subscriptions_cluster.rs`.

use std::time::{Duration, Instant};

use quire_tests::{
    TestApp, both_backends,
    entity::{post, user::Role},
    live::{LiveClients, client, sub, subscribed},
    quire::{
        app::Application,
        config::{HttpConfig, LiveConfig},
        service::{live::hub::Hub, webhook::outbox},
    },
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set},
    webhooks::{draft, publish},
};
use serde_json::{Value, json};

const PUBLISHED: &str = "subscription { postPublished { title slug status tags { name } } }";
const CHANGED: &str =
    "subscription { contentChanged { type kind id slug formerSlug paths cacheKeys data } }";

static HUBS: std::sync::Mutex<Vec<(u16, Hub)>> = std::sync::Mutex::new(Vec::new());

/// Remembers each server's hub by port (the tests run in parallel).
fn remember(app: Application) -> Application {
    HUBS.lock().unwrap().push((app.port(), app.hub()));
    app
}

fn hub_of(app: &TestApp) -> Hub {
    let port: u16 = app.base.rsplit(':').next().unwrap().parse().unwrap();
    HUBS.lock()
        .unwrap()
        .iter()
        .find(|(p, _)| *p == port)
        .map(|(_, h)| h.clone())
        .unwrap()
}

async fn post_by_title(app: &TestApp, title: &str) -> post::Model {
    post::Entity::find()
        .filter(post::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// Publishes `p` and changes the site inside a transaction that is rolled back.
async fn rolled_back_publish(app: &TestApp, p: &post::Model) {
    let txn = quire_tests::quire::db::begin_write(&app.db).await.unwrap();
    let watch = outbox::watch_post(&txn, Some(p)).await.unwrap();
    let mut a: post::ActiveModel = p.clone().into();
    a.status = Set(post::Status::Published);
    a.published_at = Set(Some(chrono::Utc::now() - chrono::TimeDelta::seconds(1)));
    a.title = Set("롤백된 글".to_owned());
    let saved = a.update(&txn).await.unwrap();
    watch.written(&txn, Some(&saved)).await.unwrap();
    let mark = outbox::open(&txn).await.unwrap();
    outbox::site_updated(&txn, mark, "never", None)
        .await
        .unwrap();
    txn.rollback().await.unwrap();
}

async fn published_reaches_subscribers_and_rollbacks_nothing(app: TestApp) {
    let hub = hub_of(&app);
    let (_, editor) = app.actor(Role::Editor).await;
    let live = LiveClients::start(vec![client(
        "anon",
        &app.base,
        None,
        vec![
            sub("pub", PUBLISHED, json!({})),
            sub("chg", CHANGED, json!({})),
        ],
    )]);
    subscribed(&hub, 2).await;
    let id = draft(
        &app,
        &editor,
        json!({ "title": "첫 글", "markdown": "안녕", "tags": ["일기"] }),
    )
    .await;
    let p = post_by_title(&app, "첫 글").await;
    rolled_back_publish(&app, &p).await;
    publish(&app, &editor, &id, None).await;
    let got = live.wait_nexts("anon", "pub", 1).await;
    let post = &got[0]["data"]["postPublished"];
    assert_eq!(post["title"], "첫 글");
    assert_eq!(post["status"], "PUBLISHED");
    assert_eq!(post["tags"], json!([{ "name": "일기" }]));
    let changes = live.wait_nexts("anon", "chg", 1).await;
    let c = &changes[0]["data"]["contentChanged"];
    assert_eq!(c["type"], "post.published");
    assert_eq!(c["kind"], "POST");
    assert_eq!(c["id"], id.as_str());
    assert_eq!(c["slug"], post["slug"]);
    let paths: Vec<&str> = c["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/posts/{}", post["slug"].as_str().unwrap()).as_str(),
            "/",
            "/tags/일기",
            "/authors/editor"
        ]
        .iter()
        .map(|s| &**s)
        .collect::<Vec<_>>()
    );
    assert_eq!(c["data"]["post"]["title"], "첫 글");
    // Events arrive in order: the rolled-back write (before) and the draft's creation
    // sent nothing, so each subscription holds exactly the publication.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(live.nexts("anon", "pub").len(), 1, "{:#?}", live.seen());
    assert_eq!(live.nexts("anon", "chg").len(), 1, "{:#?}", live.seen());
}
both_backends!(
    published_reaches_subscribers_and_rollbacks_nothing,
    super::remember
);

async fn post_updated_opens_drafts_to_tokens_only(app: TestApp) {
    let hub = hub_of(&app);
    let (_, editor) = app.actor(Role::Editor).await;
    let id = draft(
        &app,
        &editor,
        json!({ "title": "초안", "markdown": "처음" }),
    )
    .await;
    let updated = "subscription($id: ID!) { postUpdated(id: $id) { title status markdown } }";
    let vars = json!({ "id": id });
    let live = LiveClients::start(vec![
        client(
            "anon",
            &app.base,
            None,
            vec![sub("up", updated, vars.clone())],
        ),
        client(
            "forged",
            &app.base,
            Some(json!({ "authorization": "Bearer not-a-token" })),
            vec![sub("up", updated, vars.clone())],
        ),
        client(
            "editor",
            &app.base,
            Some(json!({ "authorization": format!("Bearer {editor}") })),
            vec![sub("up", updated, vars.clone())],
        ),
    ]);
    let refused = live.wait_nexts("anon", "up", 1).await;
    assert_eq!(
        refused[0]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused:?}"
    );
    let forged = live.wait_nexts("forged", "up", 1).await;
    assert_eq!(
        forged[0]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{forged:?}"
    );
    live.wait_for("anon's end", 1, Duration::from_secs(5), |l| {
        l["client"] == "anon" && l["event"] == "complete"
    })
    .await;
    subscribed(&hub, 1).await;
    app.graphql_as(
        &editor,
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { title } } }",
        json!({ "i": { "id": id, "expectedVersion": 1, "title": "고친 초안", "markdown": "두 번째" } }),
    )
    .await
    .data();
    let got = live.wait_nexts("editor", "up", 1).await;
    assert_eq!(
        got[0]["data"]["postUpdated"],
        json!({ "title": "고친 초안", "status": "DRAFT", "markdown": "두 번째" })
    );
    assert_eq!(live.nexts("anon", "up").len(), 1, "only the refusal");
}
both_backends!(post_updated_opens_drafts_to_tokens_only, super::remember);

async fn content_changed_on_a_tag_rename(app: TestApp) {
    let hub = hub_of(&app);
    let (_, admin) = app.actor(Role::Admin).await;
    let id = draft(
        &app,
        &admin,
        json!({ "title": "태그 글", "markdown": "x", "tags": ["러스트"] }),
    )
    .await;
    publish(&app, &admin, &id, None).await;
    let tag = app
        .graphql(r#"{ tag(slug: "러스트") { id } }"#, json!({}))
        .await;
    let tag_id = tag.data()["tag"]["id"].as_str().unwrap().to_owned();
    let live = LiveClients::start(vec![client(
        "front",
        &app.base,
        None,
        vec![sub("chg", CHANGED, json!({}))],
    )]);
    subscribed(&hub, 1).await;
    app.graphql_as(
        &admin,
        "mutation($i: UpdateTagInput!) { updateTag(input: $i) { tag { slug } } }",
        json!({ "i": { "id": tag_id, "name": "Rust 언어", "slug": "rust-lang" } }),
    )
    .await
    .data();
    let got = live.wait_nexts("front", "chg", 1).await;
    let c = &got[0]["data"]["contentChanged"];
    assert_eq!(c["type"], "tag.updated");
    assert_eq!(c["kind"], "TAG");
    assert_eq!(c["id"], tag_id.as_str());
    assert_eq!(c["slug"], "rust-lang");
    assert_eq!(c["formerSlug"], "러스트");
    assert_eq!(c["paths"], json!(["/tags/rust-lang", "/tags/러스트"]));
    // The cache tags a CDN purge hook (or the answers' Surrogate-Key) names: the tag, its
    // posts' listing, the list of tags, and `all` (every change names it); the same as the
    // webhook's `data.cacheKeys`.
    let n = app
        .number("SELECT id FROM tags WHERE slug = 'rust-lang'")
        .await;
    assert_eq!(
        c["cacheKeys"],
        json!(["all", format!("posts:tag:{n}"), format!("tag:{n}"), "tags"])
    );
    assert_eq!(c["cacheKeys"], c["data"]["cacheKeys"]);
    assert_eq!(c["data"]["tag"]["name"], "Rust 언어");
}
both_backends!(content_changed_on_a_tag_rename, super::remember);

async fn a_scheduled_post_is_announced_at_its_time(app: TestApp) {
    let hub = hub_of(&app);
    let (_, editor) = app.actor(Role::Editor).await;
    let live = LiveClients::start(vec![client(
        "anon",
        &app.base,
        None,
        vec![sub("pub", PUBLISHED, json!({}))],
    )]);
    subscribed(&hub, 1).await;
    let id = draft(
        &app,
        &editor,
        json!({ "title": "예약 글", "markdown": "곧" }),
    )
    .await;
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(2);
    let scheduled_at = Instant::now() + Duration::from_secs(2);
    let status = publish(&app, &editor, &id, Some(&at.to_rfc3339())).await;
    assert_eq!(status["status"], "SCHEDULED");
    let got = live.wait_nexts("anon", "pub", 1).await;
    let seen_at = Instant::now();
    assert!(
        seen_at + Duration::from_millis(50) >= scheduled_at,
        "announced {:?} before its time",
        scheduled_at - seen_at
    );
    assert!(
        seen_at < scheduled_at + Duration::from_secs(3),
        "announced {:?} late",
        seen_at - scheduled_at
    );
    assert_eq!(got[0]["data"]["postPublished"]["title"], "예약 글");
    assert_eq!(got[0]["data"]["postPublished"]["status"], "PUBLISHED");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(live.nexts("anon", "pub").len(), 1, "once");
}
both_backends!(a_scheduled_post_is_announced_at_its_time, super::remember);

/// Two connections per address, two subscriptions per connection, depth 5, complexity
/// 60, idle after 1 s.
fn limited(app: Application) -> Application {
    let app = app.http_config(HttpConfig {
        response_cache_mb: 0,
        cache_poll_ms: 3_600_000,
        rate_limit_per_sec: 0,
        max_depth: 5,
        max_complexity: 60,
        live: LiveConfig {
            live_connections_per_client: 2,
            live_subscriptions_per_connection: 2,
            live_idle_timeout_secs: 1,
        },
        ..HttpConfig::default()
    });
    remember(app)
}

fn code_of(payload: &Value) -> &str {
    payload["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {payload}"))
}

async fn limits_refuse_with_codes(app: TestApp) {
    let hub = hub_of(&app);
    let q = "subscription { contentChanged { type } }";
    let first = LiveClients::start(vec![client(
        "c1",
        &app.base,
        None,
        vec![
            sub("s1", q, json!({})),
            sub("s2", q, json!({})),
            sub("s3", q, json!({})),
        ],
    )]);
    let third = first.wait_nexts("c1", "s3", 1).await;
    assert_eq!(code_of(&third[0]), "TOO_MANY_SUBSCRIPTIONS");
    subscribed(&hub, 2).await;
    let second = LiveClients::start(vec![client(
        "c2",
        &app.base,
        None,
        vec![sub("s", q, json!({}))],
    )]);
    subscribed(&hub, 3).await;
    // A third connection from the same address is closed at once.
    let refused = LiveClients::start(vec![client(
        "c3",
        &app.base,
        None,
        vec![sub("s", q, json!({}))],
    )]);
    let closed = refused
        .wait_for("c3 closed", 1, Duration::from_secs(10), |l| {
            l["client"] == "c3" && l["event"] == "closed"
        })
        .await;
    assert_eq!(closed[0]["code"], 4029, "{closed:?}");
    assert!(
        closed[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("TOO_MANY_CONNECTIONS"),
        "{closed:?}"
    );
    // Closing one gives its place back.
    drop(second);
    drop(refused);
    let deadline = Instant::now() + Duration::from_secs(10);
    while hub.subscribers() > 2 {
        assert!(
            Instant::now() < deadline,
            "the closed connection's subscription ended"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let deep = "subscription { postPublished { tags { posts { nodes { tags { name } } } } } }";
    let complex =
        "subscription { postPublished { tags { posts(first: 100) { nodes { title } } } } }";
    let mutation = "mutation { logout { ok } }";
    let checked = LiveClients::start(vec![client(
        "c4",
        &app.base,
        None,
        vec![
            sub("deep", deep, json!({})),
            sub("complex", complex, json!({})),
            sub("mutation", mutation, json!({})),
        ],
    )]);
    let deep = checked.wait_nexts("c4", "deep", 1).await;
    assert_eq!(code_of(&deep[0]), "QUERY_LIMIT_EXCEEDED", "{deep:?}");
    assert!(
        deep[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("6 levels deep")
    );
    let complex = checked.wait_nexts("c4", "complex", 1).await;
    assert_eq!(code_of(&complex[0]), "QUERY_LIMIT_EXCEEDED", "{complex:?}");
    assert!(
        complex[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too complex")
    );
    let mutation = checked.wait_nexts("c4", "mutation", 1).await;
    assert_eq!(code_of(&mutation[0]), "BAD_REQUEST", "{mutation:?}");
    // Nothing is open on c4 now: after the idle timeout it is closed.
    let connected = Instant::now();
    let closed = checked
        .wait_for("c4 closed", 1, Duration::from_secs(10), |l| {
            l["client"] == "c4" && l["event"] == "closed"
        })
        .await;
    assert_eq!(closed[0]["code"], 4008, "{closed:?}");
    assert!(
        closed[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("IDLE_TIMEOUT")
    );
    assert!(connected.elapsed() < Duration::from_secs(5));
    // c1's two subscriptions are not idle: its connection stays.
    assert!(
        !first.seen().iter().any(|l| l["event"] == "closed"),
        "{:#?}",
        first.seen()
    );
}
both_backends!(limits_refuse_with_codes, super::limited);
