//! Fresh databases for tests: a SQLite file, or a PostgreSQL database created for the
//! test, migrated by the real migrations and deleted when its guard is dropped.

use quire::db::{self, with_database};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::Backend;

/// Deletes the test database when the test ends, whether it passed or not.
pub(crate) enum DbGuard {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            DbGuard::Sqlite(path) => {
                db::remove_sqlite_files(path);
            }
            DbGuard::Postgres { admin_url, name } => {
                db::drop_database_blocking(admin_url.clone(), name.clone());
            }
        }
    }
}

/// A fresh, migrated database; `None` when PostgreSQL is asked for but not configured.
pub async fn fresh_database(backend: Backend) -> Option<(DatabaseConnection, DbGuardHandle)> {
    let guard = empty_database(backend).await?;
    let conn = db::connect(guard.url()).await.unwrap();
    db::migrate(&conn).await.unwrap();
    Some((conn, guard))
}

/// A fresh database with no tables (its servers migrate it); `None` when PostgreSQL is
/// asked for but not configured.
pub async fn empty_database(backend: Backend) -> Option<DbGuardHandle> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (url, guard) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("quire-test-{id}.db"));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                DbGuard::Sqlite(path),
            )
        }
        Backend::Postgres => {
            let admin_url = std::env::var("QUIRE_TEST_POSTGRES_URL").ok()?;
            let name = format!("quire_test_{id}");
            let admin = db::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("QUIRE_TEST_POSTGRES_URL is set but unreachable: {e}"));
            admin
                .execute_unprepared(&format!(
                    "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ))
                .await
                .unwrap();
            admin.close().await.unwrap();
            (
                with_database(&admin_url, &name),
                DbGuard::Postgres { admin_url, name },
            )
        }
    };
    Some(DbGuardHandle(guard, url))
}

/// Keeps a test database alive; dropping it deletes the database.
pub struct DbGuardHandle(pub(crate) DbGuard, pub(crate) String);

impl DbGuardHandle {
    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.1
    }
}
