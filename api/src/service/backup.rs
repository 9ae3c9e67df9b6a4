//! The SQL behind `quire backup` and `quire restore`: SQLite's online copy (`VACUUM
//! INTO`), what a backup's migrations table holds, whether a database is in use or
//! empty. The files and the PostgreSQL tools are driven by `commands::backup`.

use std::{path::Path, time::Duration};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, Statement,
    sqlx::{
        self, ConnectOptions as _, Connection as _, SqliteConnection,
        sqlite::{SqliteConnectOptions, SqliteLockingMode},
    },
};

/// The table sea-orm-migration records applied migrations in.
pub const MIGRATIONS_TABLE: &str = "seaql_migrations";

/// Writes a consistent copy of the SQLite database `db` to `to` (which must not exist)
/// while other connections keep reading and writing: `VACUUM INTO` reads one snapshot.
pub async fn vacuum_into(db: &DatabaseConnection, to: &Path) -> Result<(), DbErr> {
    let path = to.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{path}'"))
        .await
        .map(|_| ())
}

/// Whether a SQLite database holds quire's tables (the migrations table and `posts`).
pub async fn sqlite_has_quire_tables(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
                 AND name IN ('{MIGRATIONS_TABLE}', 'posts')"
            ),
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        == 2)
}

/// The names of the migrations applied to `db`, oldest first.
pub async fn applied_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT version FROM {MIGRATIONS_TABLE} ORDER BY version"),
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "version"))
        .collect()
}

/// Makes everything of the SQLite database at `path` live in its main file (its WAL
/// checkpointed and removed), so the file alone can be moved. Nothing else may have it
/// open.
pub async fn sqlite_into_one_file(path: &Path) -> Result<(), DbErr> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .map_err(sqlx_err)?;
    let done = sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await
        .map_err(sqlx_err);
    let _ = conn.close().await;
    done.map(|_| ())
}

/// An exclusive hold on a SQLite database: while it lives no other connection can read
/// or write it. Taken only when no other connection has the database open (a running
/// server keeps connections open, so it is refused); the WAL is folded into the main
/// file first.
pub struct SqliteHold(SqliteConnection);

impl SqliteHold {
    /// `None` when another connection (a server, a command) has the database open.
    pub async fn take(path: &Path) -> Result<Option<Self>, DbErr> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .locking_mode(SqliteLockingMode::Exclusive)
            .busy_timeout(Duration::ZERO);
        let mut conn = opts.connect().await.map_err(sqlx_err)?;
        if let Err(e) = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await {
            let _ = conn.close().await;
            return match &e {
                sqlx::Error::Database(d)
                    if d.message().contains("locked") || d.message().contains("busy") =>
                {
                    Ok(None)
                }
                _ => Err(sqlx_err(e)),
            };
        }
        // In exclusive locking mode the lock outlives the transaction.
        sqlx::query("COMMIT")
            .execute(&mut conn)
            .await
            .map_err(sqlx_err)?;
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut conn)
            .await
            .map_err(sqlx_err)?;
        Ok(Some(Self(conn)))
    }

    /// Lets the database go.
    pub async fn release(self) {
        let _ = self.0.close().await;
    }
}

fn sqlx_err(e: sqlx::Error) -> DbErr {
    DbErr::Custom(e.to_string())
}

/// The PostgreSQL database's name and how many tables, views and sequences its schemas
/// other than the system ones hold (a restore goes only into an empty database).
pub async fn postgres_contents(db: &DatabaseConnection) -> Result<(String, i64), DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT current_database() AS name, (SELECT COUNT(*) FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f') \
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
             AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%') AS n",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("no answer from the database".into()))?;
    Ok((row.try_get("", "name")?, row.try_get("", "n")?))
}
