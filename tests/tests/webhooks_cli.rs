//! `quire webhook add|list|test|rm` as a person runs them: the real `quire` main (built
//! here as `quire-server`) over a fresh database, a real receiver verifying the ping with
//! the official `standardwebhooks` library.

use std::process::{Command, Output};

use quire_tests::{Backend, fresh_database, receiver::Receiver};

fn quire(db_url: &str, allow_private: bool, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quire-server"));
    cmd.args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn");
    if allow_private {
        cmd.env("QUIRE_WEBHOOK_ALLOW_PRIVATE", "1");
    } else {
        cmd.env_remove("QUIRE_WEBHOOK_ALLOW_PRIVATE");
    }
    cmd.output().unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn manage_from_the_shell(backend: Backend) {
    let Some((_db, guard)) = fresh_database(backend).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run");
        return;
    };
    let url = guard.url().to_owned();
    let rx = Receiver::start();
    // Refused without the setting, with the reason.
    let o = quire(&url, false, &["webhook", "add", &rx.url("c")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("url") && err.contains("QUIRE_WEBHOOK_ALLOW_PRIVATE"),
        "{err}"
    );
    let o = quire(
        &url,
        true,
        &[
            "webhook",
            "add",
            &rx.url("c"),
            "--events",
            "post.*,tag.created",
        ],
    );
    assert!(o.status.success(), "{o:?}");
    let out = text(&o);
    let id = out.split_whitespace().nth(1).unwrap().to_owned();
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .unwrap();
    assert!(secret.starts_with("whsec_"));
    rx.secret("c", secret).await;
    let list = text(&quire(&url, false, &["webhook", "list"]));
    assert!(
        list.contains("ACTIVE")
            && list.contains("post.*,tag.created")
            && list.contains(&rx.url("c")),
        "{list}"
    );
    let o = quire(&url, true, &["webhook", "test", &id]);
    assert!(o.status.success(), "{o:?}");
    assert!(text(&o).contains("HTTP 200"), "{}", text(&o));
    let got = rx.got("c").await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["verified"], true);
    assert_eq!(got[0]["payload"]["type"], "ping");
    let list = text(&quire(&url, false, &["webhook", "list"]));
    assert!(list.contains("ping Delivered"), "{list}");
    let o = quire(&url, false, &["webhook", "rm", &id]);
    assert!(o.status.success(), "{o:?}");
    let list = text(&quire(&url, false, &["webhook", "list"]));
    assert_eq!(list.lines().count(), 1, "only the header: {list}");
    let o = quire(&url, false, &["webhook", "rm", &id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("webhook not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    manage_from_the_shell(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    manage_from_the_shell(Backend::Postgres).await;
}
