//! Fresh databases for a run: a SQLite file in the temp directory, or a PostgreSQL
//! database created for the run; both deleted when the handle is dropped.

use quire::db;
use sea_orm::{ConnectionTrait, DatabaseConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// A database created for the benchmark; dropped (deleted) with this value.
pub struct FreshDb {
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// `postgres://host/db?x` with the database name replaced, in plain text on loopback.
fn with_database(url: &str, name: &str) -> String {
    let url = db::with_database(url, name);
    let host_part = url.split('/').take(3).collect::<Vec<_>>().join("/");
    // On loopback, TLS only measures the handshake and decryption, not quire: unless the
    // URL says otherwise, the benchmark talks to a local server in plain text.
    let local = ["@127.0.0.1", "@localhost", "://127.0.0.1", "://localhost"]
        .iter()
        .any(|h| host_part.contains(h));
    if local && !url.contains("sslmode=") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sslmode=disable")
    } else {
        url
    }
}

impl FreshDb {
    /// Creates an empty database; `admin_url` is needed for PostgreSQL.
    pub async fn create(backend: Backend, admin_url: Option<&str>) -> anyhow::Result<Self> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("quire-bench-{id}.db"));
                Ok(Self {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    backend,
                    cleanup: Cleanup::Sqlite(path),
                })
            }
            Backend::Postgres => {
                let admin_url =
                    admin_url.ok_or_else(|| anyhow::anyhow!("no PostgreSQL URL given"))?;
                let name = format!("quire_bench_{id}");
                let admin = db::connect(admin_url).await?;
                admin
                    .execute_unprepared(&format!(
                        "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' \
                         LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                    ))
                    .await?;
                admin.close().await?;
                Ok(Self {
                    url: with_database(admin_url, &name),
                    backend,
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.to_owned(),
                        name,
                    },
                })
            }
        }
    }

    /// A migrated connection.
    pub async fn connect(&self) -> anyhow::Result<DatabaseConnection> {
        let conn = db::connect(&self.url).await?;
        db::migrate(&conn).await?;
        Ok(conn)
    }

    /// Size on disk, for the report (SQLite: the files; PostgreSQL: the database).
    pub async fn size_bytes(&self, conn: &DatabaseConnection) -> Option<u64> {
        match &self.cleanup {
            Cleanup::Sqlite(path) => Some(
                ["", "-wal"]
                    .iter()
                    .filter_map(|s| {
                        let mut p = path.clone().into_os_string();
                        p.push(s);
                        std::fs::metadata(p).ok().map(|m| m.len())
                    })
                    .sum(),
            ),
            Cleanup::Postgres { .. } => {
                let row = conn
                    .query_one_raw(sea_orm::Statement::from_string(
                        conn.get_database_backend(),
                        "SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n",
                    ))
                    .await
                    .ok()??;
                row.try_get::<i64>("", "n").ok().map(|n| n as u64)
            }
        }
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                db::remove_sqlite_files(path);
            }
            Cleanup::Postgres { admin_url, name } => {
                db::drop_database_blocking(admin_url.clone(), name.clone());
            }
        }
    }
}
