//! Helpers for quire's end-to-end tests: [`spawn_app`] starts the real server on an
//! ephemeral port over a fresh database (a SQLite file, or a PostgreSQL database created
//! for the test and dropped after it), migrated by the real migrations.
//!
//! [`both_backends!`] turns one async test body into a SQLite test and a PostgreSQL test.
//! The PostgreSQL half runs against `QUIRE_TEST_POSTGRES_URL` and says it was skipped
//! when that variable is unset.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod balanced;
pub mod blog;
pub mod bylines;
pub mod cluster;
pub mod containers;
mod database;
pub mod feedcheck;
pub mod fixtures;
pub mod imports;
pub mod live;
pub mod media;
pub mod processes;
pub mod receiver;
pub mod tools;
pub mod webhooks;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use entity::user::Role;
use quire::{
    app::Application,
    import::parse_document,
    service::{
        author,
        import::{ImportOptions, ImportStatus, PreparedFile, import_post},
    },
};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub use database::{DbGuardHandle, empty_database, fresh_database};
pub use entity;
pub use migration;

/// The password of every account [`TestApp::user`] creates.
pub const PASSWORD: &str = "correct horse battery 스테이플";
pub use quire;
pub use quire::db::with_database;
pub use sea_orm;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and a handle on its database.
pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub backend: Backend,
    /// SQL statements executed so far, by anyone.
    pub statements: Arc<AtomicUsize>,
    /// The default author of imported fixtures.
    pub author_id: i64,
    /// The database's URL, for another process to open it.
    pub db_url: String,
    client: reqwest::Client,
    _guard: database::DbGuard,
}

/// Starts a server over a fresh database; `None` when the PostgreSQL half is skipped.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |app| app).await
}

/// [`spawn_app`] with the application adjusted before it starts serving.
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(Application) -> Application,
) -> Option<TestApp> {
    let (mut conn, DbGuardHandle(guard, db_url)) = fresh_database(backend).await?;
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let writer = author::ensure(
        &conn,
        author::NewUser {
            slug: "tester",
            display_name: "테스터",
            email: "tester@example.com",
            bio: Some("글을 씁니다"),
            role: Role::Author,
        },
    )
    .await
    .unwrap();
    let app = Application::build_with_db("127.0.0.1:0".parse().unwrap(), conn.clone(), None)
        .await
        .unwrap();
    // The response cache is off unless a test turns it on: tests write straight to the
    // database, which a running server notices only at its next poll. Nor does the
    // clock poll, so statement counts are the requests' own.
    // Nor does the front door limit requests: tests send many from one address (the
    // limit's own test turns it on).
    let app = app.http_config(quire::config::HttpConfig {
        response_cache_mb: 0,
        cache_poll_ms: 3_600_000,
        rate_limit_per_sec: 0,
        ..quire::config::HttpConfig::default()
    });
    // The webhook worker polls once an hour: statement counts stay the requests' own
    // (webhook tests set their own configuration).
    let app = app.webhook_config(quire::config::WebhookConfig {
        webhook_poll: std::time::Duration::from_secs(3600),
        ..quire::config::WebhookConfig::default()
    });
    let app = configure(app);
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Some(TestApp {
        base,
        db: conn,
        backend,
        statements,
        author_id: writer.id,
        db_url,
        client: reqwest::Client::new(),
        _guard: guard,
    })
}

/// A GraphQL response as JSON, with helpers for the parts tests look at.
#[derive(Debug, Clone)]
pub struct GqlResponse {
    pub status: u16,
    pub body: Value,
}

impl GqlResponse {
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The `extensions.code` of the first error; panics when there is none.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.body))
    }
}

impl TestApp {
    /// Starts another server on this app's database (as a second machine behind a load
    /// balancer would be) and returns its base URL.
    pub async fn another_server(
        &self,
        configure: impl FnOnce(Application) -> Application,
    ) -> String {
        let app = Application::build_with_db("127.0.0.1:0".parse().unwrap(), self.db.clone(), None)
            .await
            .unwrap()
            .webhook_config(quire::config::WebhookConfig {
                webhook_poll: std::time::Duration::from_secs(3600),
                ..quire::config::WebhookConfig::default()
            });
        let app = configure(app);
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        base
    }

    /// Sends the head of a POST declaring `length` bytes and the first 64 KiB of the body,
    /// then reads the status the server answers with (raw TCP: a client library may fail
    /// writing the rest of the body once the server has answered and closed).
    pub async fn declared_body_status(&self, length: usize) -> u16 {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.base_url().trim_start_matches("http://").to_owned();
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Accept: application/graphql-response+json\r\nContent-Length: {length}\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let _ = stream.write_all(&vec![b' '; 64 * 1024]).await;
        let mut buf = vec![0u8; 1024];
        let n = stream.read(&mut buf).await.unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        text.split(' ').nth(1).unwrap().parse().unwrap()
    }

    /// Where this app's server listens, as `http://127.0.0.1:PORT`.
    /// `Sqlite` or `Postgres`, to keep names apart when both halves of a test share
    /// something process-wide.
    pub fn backend_label(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "Sqlite",
            Backend::Postgres => "Postgres",
        }
    }

    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// POSTs a query with variables.
    pub async fn graphql(&self, query: &str, variables: Value) -> GqlResponse {
        let resp = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        GqlResponse {
            status,
            body: resp.json().await.unwrap(),
        }
    }

    /// Imports a Markdown document through the real importer, as the default author.
    pub async fn import(&self, path: &str, text: &str) -> entity::post::Model {
        let doc = parse_document(path, text).unwrap();
        let opts = ImportOptions {
            default_author_id: self.author_id,
            status: ImportStatus::Published,
            create_authors: false,
        };
        let undated = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00+00:00").unwrap();
        import_post(&self.db, &PreparedFile::new(doc, undated), &opts)
            .await
            .unwrap()
            .post
    }

    /// Imports a post with the given title, date and front-matter lines.
    pub async fn post(&self, title: &str, date: &str, extra: &str) -> entity::post::Model {
        let slug = quire::slug::slugify(title);
        let text =
            format!("---\ntitle: \"{title}\"\ndate: {date}\n{extra}\n---\n\n{title} 본문입니다.\n");
        self.import(&format!("fixtures/{slug}.md"), &text).await
    }

    /// POSTs a query with `Authorization: Bearer token`.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> GqlResponse {
        let resp = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        GqlResponse {
            status,
            body: resp.json().await.unwrap(),
        }
    }

    /// Creates an account with a known password.
    pub async fn user(&self, email: &str, name: &str, role: Role) -> entity::user::Model {
        quire::service::account::users::create_user(
            &self.db,
            quire::service::account::users::NewAccount {
                email,
                name,
                role,
                password: PASSWORD,
            },
        )
        .await
        .unwrap()
    }

    /// Logs in through the API; returns the access and refresh tokens.
    pub async fn login(&self, email: &str) -> (String, String) {
        let r = self
            .graphql(
                "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }",
                json!({ "i": { "email": email, "password": PASSWORD } }),
            )
            .await;
        let d = &r.data()["login"];
        (
            d["accessToken"].as_str().unwrap().to_owned(),
            d["refreshToken"].as_str().unwrap().to_owned(),
        )
    }

    /// A user of `role` and an access token for them.
    pub async fn actor(&self, role: Role) -> (entity::user::Model, String) {
        let name = format!("{role:?}").to_lowercase();
        let email = format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple());
        let u = self.user(&email, &name, role).await;
        let (token, _) = self.login(&email).await;
        (u, token)
    }

    /// The server's signing secret (to forge tokens in attack tests).
    pub async fn secret(&self) -> quire::auth::Secret {
        quire::service::settings::jwt_secret(&self.db, None)
            .await
            .unwrap()
    }

    /// One integer from the test database: the first column of the first row of `sql`.
    pub async fn number(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        self.db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap()
    }

    pub async fn count_posts(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::post::Entity::find().count(&self.db).await.unwrap()
    }

    pub fn reset_statements(&self) {
        self.statements.store(0, Ordering::SeqCst);
    }

    pub fn statement_count(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }
}

/// Runs an async test body (`async fn(TestApp)`) on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $configure:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::spawn_app_with($crate::Backend::Sqlite, $configure)
                    .await
                    .expect("sqlite app");
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::spawn_app_with($crate::Backend::Postgres, $configure).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!(
                        "skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run"
                    ),
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::spawn_app($crate::Backend::Sqlite)
                    .await
                    .expect("sqlite app");
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::spawn_app($crate::Backend::Postgres).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!(
                        "skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run"
                    ),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "y"),
            "postgres://u:p@h/y?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "z"),
            "postgres://h:5432/z"
        );
    }
}
