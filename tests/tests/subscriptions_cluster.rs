//! Subscriptions across servers on one PostgreSQL (LISTEN/NOTIFY): a post published
//! through server A reaches a `graphql-ws` client of server B, once; and when the
//! database ends the listener's connection (`pg_terminate_backend`), the listener comes
//! back and nothing is lost: a post published while it was away and one after both
//! arrive, once each, in order. PostgreSQL only (SQLite serves one server).

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use quire_tests::{
    Backend, TestApp,
    entity::user::Role,
    live::{LiveClients, client, sub, subscribed},
    quire::service::live::hub::Hub,
    sea_orm::{ConnectionTrait, Statement},
    spawn_app_with,
    webhooks::{draft, publish},
};
use serde_json::json;

const PUBLISHED: &str = "subscription { postPublished { title } }";

/// A PostgreSQL app and its server's hub; `None` when PostgreSQL is not configured.
async fn app_with_hub() -> Option<(TestApp, Hub)> {
    let slot = std::sync::Arc::new(Mutex::new(None));
    let keep = slot.clone();
    let app = spawn_app_with(Backend::Postgres, move |a| {
        *keep.lock().unwrap() = Some(a.hub());
        a
    })
    .await?;
    let hub = slot.lock().unwrap().take().unwrap();
    Some((app, hub))
}

fn skipped() {
    eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL test not run");
}

fn titles(live: &LiveClients, client: &str) -> Vec<String> {
    live.nexts(client, "pub")
        .iter()
        .map(|p| {
            p["data"]["postPublished"]["title"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_on_one_server_reaches_the_clients_of_another() {
    let Some((app, hub_a)) = app_with_hub().await else {
        return skipped();
    };
    let slot = std::sync::Arc::new(Mutex::new(None));
    let keep = slot.clone();
    let base_b = app
        .another_server(move |a| {
            *keep.lock().unwrap() = Some(a.hub());
            a
        })
        .await;
    let hub_b = slot.lock().unwrap().take().unwrap();
    let live = LiveClients::start(vec![
        client("b", &base_b, None, vec![sub("pub", PUBLISHED, json!({}))]),
        client("a", &app.base, None, vec![sub("pub", PUBLISHED, json!({}))]),
    ]);
    subscribed(&hub_b, 1).await;
    subscribed(&hub_a, 1).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let id = draft(
        &app,
        &editor,
        json!({ "title": "A에서 쓴 글", "markdown": "x" }),
    )
    .await;
    publish(&app, &editor, &id, None).await;
    live.wait_nexts("b", "pub", 1).await;
    live.wait_nexts("a", "pub", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(titles(&live, "b"), ["A에서 쓴 글"]);
    assert_eq!(titles(&live, "a"), ["A에서 쓴 글"]);
}

/// The backend pids of this database's live-events listeners.
async fn listeners(app: &TestApp) -> Vec<i32> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%quire_live%'",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<i32>(0).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_survive_a_killed_listener_connection() {
    let Some((app, hub)) = app_with_hub().await else {
        return skipped();
    };
    let live = LiveClients::start(vec![client(
        "c",
        &app.base,
        None,
        vec![sub("pub", PUBLISHED, json!({}))],
    )]);
    subscribed(&hub, 1).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let first = draft(
        &app,
        &editor,
        json!({ "title": "끊기기 전", "markdown": "x" }),
    )
    .await;
    let during = draft(
        &app,
        &editor,
        json!({ "title": "끊긴 동안", "markdown": "x" }),
    )
    .await;
    let after = draft(
        &app,
        &editor,
        json!({ "title": "다시 이어진 뒤", "markdown": "x" }),
    )
    .await;
    publish(&app, &editor, &first, None).await;
    live.wait_nexts("c", "pub", 1).await;
    let before = listeners(&app).await;
    assert_eq!(before.len(), 1, "one listener: {before:?}");
    let killed: bool = {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                format!("SELECT pg_terminate_backend({})", before[0]),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    };
    assert!(killed);
    // Published while the listener is away (or coming back): read from the table.
    publish(&app, &editor, &during, None).await;
    live.wait_nexts("c", "pub", 2).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = listeners(&app).await;
        if now.len() == 1 && now != before {
            break;
        }
        assert!(Instant::now() < deadline, "a new listener: {now:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    publish(&app, &editor, &after, None).await;
    live.wait_nexts("c", "pub", 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        titles(&live, "c"),
        ["끊기기 전", "끊긴 동안", "다시 이어진 뒤"]
    );
}
