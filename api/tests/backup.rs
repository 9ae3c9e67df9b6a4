//! `quire backup` and `quire restore` as an operator runs them, on SQLite and
//! PostgreSQL: a backup taken while a server runs (and, on SQLite, while it is being
//! written to) restores into a fresh database with every row found again; a file that
//! is not a quire backup, a backup from a newer schema, a non-empty PostgreSQL database
//! and an existing FILE without `--force` are refused, with exit code 2, changing nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{collections::BTreeMap, process::Output, time::Duration};

use sea_orm::{ConnectionTrait, FromQueryResult, JsonValue, Statement};
use serde_json::{Value, json};
use support::{Server, Target, temp_dir};

const PASSWORD: &str = "비밀번호는-충분히-길다-2024";

/// The tables a backup must carry, each read whole in a fixed order.
const TABLES: [(&str, &str); 13] = [
    ("posts", "id"),
    ("revisions", "id"),
    ("users", "id"),
    ("api_keys", "id"),
    ("settings", "key"),
    ("site_settings", "id"),
    ("categories", "id"),
    ("tags", "id"),
    ("post_tags", "post_id, tag_id"),
    ("post_authors", "post_id, position"),
    ("series", "id"),
    ("search_documents", "post_id"),
    ("seaql_migrations", "version"),
];

impl Target {
    /// Every row of [`TABLES`] as JSON, table by table.
    async fn snapshot(&self) -> BTreeMap<&'static str, Vec<JsonValue>> {
        snapshot_of(&self.url()).await
    }
}

async fn snapshot_of(url: &str) -> BTreeMap<&'static str, Vec<JsonValue>> {
    let db = quire::db::connect(url).await.unwrap();
    let mut out = BTreeMap::new();
    for (table, order) in TABLES {
        let rows = JsonValue::find_by_statement(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT * FROM {table} ORDER BY {order}"),
        ))
        .all(&db)
        .await
        .unwrap();
        out.insert(table, rows);
    }
    db.close().await.unwrap();
    out
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

/// A GraphQL client logged in as the admin.
struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    async fn login(addr: &str) -> Self {
        let mut c = Self {
            http: reqwest::Client::new(),
            url: format!("http://{addr}/graphql"),
            token: String::new(),
        };
        let d = c
            .gql(
                "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                json!({ "i": { "email": "admin@example.kr", "password": PASSWORD } }),
            )
            .await;
        c.token = d["login"]["accessToken"].as_str().unwrap().to_owned();
        c
    }

    async fn gql(&self, query: &str, variables: Value) -> Value {
        let r: Value = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(r.get("errors").is_none(), "{r}");
        r["data"].clone()
    }

    async fn create_post(&self, title: &str, markdown: &str) -> Value {
        self.gql(
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id slug version } } }",
            json!({ "i": { "title": title, "markdown": markdown, "tags": ["러스트", "회고"],
                    "category": "개발", "series": "한 해 돌아보기" } }),
        )
        .await["createPost"]["post"]
            .clone()
    }
}

/// An admin, an API key and site settings from the shell; then, through a server, a
/// category, two posts (one updated, so it has a revision) and a page.
async fn populate(target: &Target) -> Server {
    ok(&target.quire_with_stdin(
        &[
            "user",
            "create",
            "--email",
            "admin@example.kr",
            "--name",
            "관리자",
            "--role",
            "admin",
            "--password-stdin",
        ],
        PASSWORD,
    ));
    ok(&target.quire(&[
        "apikey",
        "create",
        "--name",
        "배포 스크립트",
        "--role",
        "editor",
    ]));
    ok(&target.quire(&[
        "site",
        "set",
        "--title",
        "하늘의 개발 노트",
        "--language",
        "ko",
    ]));
    let server = Server::start(target);
    let c = Client::login(&server.addr).await;
    c.gql(
        "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { slug } } }",
        json!({ "i": { "name": "개발" } }),
    )
    .await;
    let first = c
        .create_post("2023년 회고", "# 한 해\n\n러스트로 블로그를 만들었다.")
        .await;
    c.gql(
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }",
        json!({ "i": { "id": first["id"], "expectedVersion": first["version"],
                "markdown": "# 한 해\n\n러스트로 블로그를 다시 만들었다." } }),
    )
    .await;
    c.create_post("두 번째 글", "검색에 걸리는 **낱말**").await;
    c.gql(
        "mutation($i: CreatePageInput!) { createPage(input: $i) { page { slug } } }",
        json!({ "i": { "title": "소개", "markdown": "안녕하세요" } }),
    )
    .await;
    server
}

/// What `populate` wrote is all in `snap`.
fn assert_populated(snap: &BTreeMap<&str, Vec<JsonValue>>) {
    let titles: Vec<&str> = snap["posts"]
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    for t in ["2023년 회고", "두 번째 글", "소개"] {
        assert!(titles.contains(&t), "{titles:?}");
    }
    let first = snap["posts"]
        .iter()
        .find(|p| p["title"] == "2023년 회고")
        .unwrap();
    assert!(
        first["markdown"]
            .as_str()
            .unwrap()
            .contains("다시 만들었다")
    );
    assert!(snap["revisions"].iter().any(|r| {
        r["post_id"] == first["id"]
            && r["markdown"]
                .as_str()
                .unwrap()
                .contains("블로그를 만들었다")
    }));
    assert_eq!(snap["users"].len(), 1);
    assert_eq!(snap["users"][0]["email"], "admin@example.kr");
    assert_eq!(snap["api_keys"].len(), 1);
    assert_eq!(snap["api_keys"][0]["name"], "배포 스크립트");
    assert!(!snap["settings"].is_empty());
    assert_eq!(snap["site_settings"].len(), 1);
    assert_eq!(snap["site_settings"][0]["title"], "하늘의 개발 노트");
    assert_eq!(snap["categories"][0]["name"], "개발");
    assert_eq!(snap["tags"].len(), 2);
    assert_eq!(snap["search_documents"].len(), snap["posts"].len());
}

#[tokio::test]
async fn sqlite_online_backup_while_written_then_restored_whole() {
    let source = Target::sqlite();
    let server = populate(&source).await;
    let backup = temp_dir().join("백업 quire.db");

    // Writes keep coming while the backup is taken.
    let writer = {
        let c = Client::login(&server.addr).await;
        tokio::spawn(async move {
            for i in 0..40 {
                c.create_post(&format!("쓰는 중 {i}"), "본문 **굵게**")
                    .await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    ok(&source.quire(&["backup", backup.to_str().unwrap()]));
    writer.await.unwrap();

    // A running server keeps the database open: restoring over it is refused.
    let before = source.snapshot().await;
    refused(
        &source.quire(&["restore", backup.to_str().unwrap()]),
        &["in use", "stop the server"],
    );
    assert_eq!(source.snapshot().await, before);
    server.stop();

    // What the backup holds (read from a copy, so the file itself stays untouched)...
    let copy = temp_dir().join("copy.db");
    std::fs::copy(&backup, &copy).unwrap();
    let held = snapshot_of(&format!("sqlite://{}", copy.display())).await;
    assert_populated(&held);
    let written = held["posts"].len();
    assert!((3..=43).contains(&written), "{written}");

    // ...is exactly what a fresh database holds after the restore.
    let fresh = Target::sqlite();
    ok(&fresh.quire(&["restore", backup.to_str().unwrap()]));
    let restored = fresh.snapshot().await;
    assert_eq!(restored, held);
    assert_eq!(
        fresh.quire(&["user", "list"]).status.code(),
        Some(0),
        "the restored database is usable"
    );

    // Restoring over an existing (stopped) database replaces it.
    ok(&source.quire(&["restore", backup.to_str().unwrap()]));
    assert_eq!(source.snapshot().await, held);
}

#[tokio::test]
async fn postgres_backup_restores_into_a_fresh_database() {
    let Some(source) = Target::postgres().await else {
        return;
    };
    let server = populate(&source).await;
    let dir = temp_dir();
    let backup = dir.join("백업.dump");
    ok(&source.quire(&["backup", backup.to_str().unwrap()]));
    let held = source.snapshot().await;
    server.stop();
    assert_populated(&held);

    let fresh = Target::postgres().await.unwrap();
    ok(&fresh.quire(&["restore", backup.to_str().unwrap()]));
    assert_eq!(fresh.snapshot().await, held);
    // The restored sequences continue after the restored rows.
    ok(&fresh.quire(&["apikey", "create", "--name", "둘째", "--role", "author"]));
    let _ = std::fs::remove_dir_all(dir);
}

/// A backup file that is not a quire backup, one from a newer schema, an existing FILE
/// without --force: each refused with exit code 2 and its file named, nothing changed.
async fn refusals(make: impl AsyncFn() -> Target) {
    let source = make().await;
    populate(&source).await.stop();
    let dir = temp_dir();
    let target = make().await;
    ok(&target.quire(&["migrate"]));
    let target_before = target.snapshot().await;

    // Not a quire backup: a text file.
    let text = dir.join("메모.txt");
    std::fs::write(&text, "안녕하세요").unwrap();
    refused(
        &target.quire(&["restore", text.to_str().unwrap()]),
        &["메모.txt", "not a quire backup"],
    );
    // A file that does not exist.
    refused(
        &target.quire(&["restore", dir.join("없음.db").to_str().unwrap()]),
        &["없음.db"],
    );

    // An existing FILE is kept without --force, replaced with it.
    let backup = dir.join("backup");
    std::fs::write(&backup, "먼저 있던 파일").unwrap();
    refused(
        &source.quire(&["backup", backup.to_str().unwrap()]),
        &["backup", "--force"],
    );
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), "먼저 있던 파일");
    ok(&source.quire(&["backup", "--force", backup.to_str().unwrap()]));
    assert_ne!(std::fs::read(&backup).unwrap(), "먼저 있던 파일".as_bytes());

    // A backup from a newer schema.
    let db = quire::db::connect(&source.url()).await.unwrap();
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000000_from_the_future', 0)",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let newer = dir.join("newer");
    ok(&source.quire(&["backup", newer.to_str().unwrap()]));
    refused(
        &target.quire(&["restore", newer.to_str().unwrap()]),
        &["newer", "m20991231_000000_from_the_future"],
    );

    assert_eq!(target.snapshot().await, target_before);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn sqlite_refusals_change_nothing() {
    refusals(async || Target::sqlite()).await;
    // A SQLite file without quire's tables.
    let dir = temp_dir();
    let other = dir.join("other.db");
    let db = quire::db::connect(&format!("sqlite://{}?mode=rwc", other.display()))
        .await
        .unwrap();
    db.execute_unprepared("CREATE TABLE notes (body TEXT)")
        .await
        .unwrap();
    db.close().await.unwrap();
    let target = Target::sqlite();
    ok(&target.quire(&["migrate"]));
    let before = target.snapshot().await;
    refused(
        &target.quire(&["restore", other.to_str().unwrap()]),
        &["other.db", "not a quire backup"],
    );
    assert_eq!(target.snapshot().await, before);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn postgres_refusals_change_nothing() {
    if Target::postgres().await.is_none() {
        return;
    }
    refusals(async || Target::postgres().await.unwrap()).await;

    // Restoring into a database that is not empty names the database.
    let source = Target::postgres().await.unwrap();
    populate(&source).await.stop();
    let dir = temp_dir();
    let backup = dir.join("b.dump");
    ok(&source.quire(&["backup", backup.to_str().unwrap()]));
    let before = source.snapshot().await;
    let Target::Postgres { name, .. } = &source else {
        unreachable!()
    };
    refused(
        &source.quire(&["restore", backup.to_str().unwrap()]),
        &[name.as_str(), "not empty"],
    );
    assert_eq!(source.snapshot().await, before);
    // A SQLite backup is not a PostgreSQL one.
    let sqlite = Target::sqlite();
    ok(&sqlite.quire(&["migrate"]));
    let lite = dir.join("lite.db");
    ok(&sqlite.quire(&["backup", lite.to_str().unwrap()]));
    let fresh = Target::postgres().await.unwrap();
    refused(
        &fresh.quire(&["restore", lite.to_str().unwrap()]),
        &["lite.db", "not a quire backup"],
    );
    assert_eq!(
        fresh.snapshot_tables().await,
        0,
        "the empty database stays empty"
    );
    let _ = std::fs::remove_dir_all(dir);
}

impl Target {
    /// How many tables the database holds (for a PostgreSQL database that must stay empty).
    async fn snapshot_tables(&self) -> i64 {
        let db = quire::db::connect(&self.url()).await.unwrap();
        let (_, n) = quire::service::backup::postgres_contents(&db)
            .await
            .unwrap();
        db.close().await.unwrap();
        n
    }
}
