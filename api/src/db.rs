//! Connecting to SQLite or PostgreSQL, with the settings each needs, and migrating.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// A PostgreSQL connection idle for this long is pinged before it is used again.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(10);
/// How long a request waits for a PostgreSQL connection (a new one included) before it
/// is answered SERVICE_UNAVAILABLE: with the database gone, requests fail in about a
/// second instead of queueing, and a mutation cannot commit long after its client was
/// answered.
pub const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// Opens a pool. SQLite gets WAL, foreign keys and a busy timeout on every connection,
/// and no ping before each use (a file has no connection to lose; the ping was a round
/// trip to the SQLite worker thread per transaction).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    // Every hand-out of a connection is reported at TRACE for `/metrics` (pool_wait.rs).
    let report = log::LevelFilter::Trace;
    if url.starts_with("sqlite:") {
        opts.max_connections(8)
            .map_sqlx_sqlite_pool_opts(move |o| o.acquire_time_level(report))
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    .create_if_missing(true)
            });
    } else {
        // sqlx pings a connection before each use as well as after it: a round trip per
        // statement that a busy server does not need (the ping after use already drops a
        // broken connection). A connection idle long enough for the server to have gone
        // away meanwhile is still pinged first.
        opts.max_connections(16)
            .connect_timeout(POSTGRES_ACQUIRE_TIMEOUT)
            .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
            .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
            .map_sqlx_postgres_pool_opts(move |o| o.acquire_time_level(report));
    }
    Database::connect(opts).await
}

/// Applies pending migrations, then indexes for search any post the index lacks
/// (posts written before the search migration) and, once per database, files posts
/// imported before categories existed under the category their front matter names.
///
/// On PostgreSQL it holds an advisory lock meanwhile (in a transaction of its own, on a
/// second connection), so servers started together on a new database migrate one after
/// the other instead of racing to create the same tables.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::TransactionTrait;
    let lock = if is_postgres(db) {
        let txn = db.begin().await?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
        Some(txn)
    } else {
        None
    };
    migrate_locked(db).await?;
    if let Some(txn) = lock {
        txn.commit().await?;
    }
    Ok(())
}

/// The key of the advisory lock migrations hold on PostgreSQL.
const MIGRATION_LOCK: i64 = 0x7175_6972_655f_6d67; // "quire_mg"

async fn migrate_locked(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    let indexed = crate::service::search::index_missing(db)
        .await
        .map_err(|e| DbErr::Custom(format!("indexing posts for search: {e}")))?;
    if indexed > 0 {
        tracing::info!(posts = indexed, "indexed posts for search");
    }
    let filed = crate::service::category::from_front_matter(db)
        .await
        .map_err(|e| DbErr::Custom(format!("filing posts under their categories: {e}")))?;
    if filed > 0 {
        tracing::info!(
            posts = filed,
            "filed posts under the categories of their front matter"
        );
    }
    Ok(())
}

/// Whether `err` says the database could not be reached (no connection to be had, the
/// connection lost, the server shutting down) rather than that a statement failed: the
/// request is then answered SERVICE_UNAVAILABLE, and may be tried again.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as SqlxError};
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match &**sqlx {
        SqlxError::Io(_)
        | SqlxError::Tls(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception) and 57P (operator intervention:
        // shutdown, crash, cannot connect now).
        SqlxError::Database(e) => e
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

/// Whether the database answers and has every migration this binary knows applied.
pub async fn ready(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let applied = Migrator::get_applied_migrations(db).await?.len();
    Ok(applied >= Migrator::migrations().len())
}

/// Connections the pool holds now, and how many of them are idle (for `/metrics`).
pub fn pool_stats(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}

/// Checks that the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// True for PostgreSQL connections.
pub fn is_postgres(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so two concurrent writers queue on the busy timeout instead of one
/// failing when it upgrades a read snapshot; PostgreSQL starts a plain transaction. In a
/// transaction already (a dry run), a savepoint.
pub async fn begin_write<C>(db: &C) -> Result<C::Transaction, DbErr>
where
    C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait,
{
    use sea_orm::{SqliteTransactionMode, TransactionOptions};
    let mode = (db.get_database_backend() == DbBackend::Sqlite)
        .then_some(SqliteTransactionMode::Immediate);
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: mode,
        ..Default::default()
    })
    .await
}

/// `postgres://host/db?x` with the database name replaced by `name` (for tools that
/// create throwaway databases next to the one they were given: tests, benchmarks).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// Deletes the SQLite database file at `path` with its WAL and shared-memory files
/// (for tools that make throwaway databases: tests, benchmarks). Best effort: a file
/// that cannot be deleted is left behind.
pub fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// Drops the PostgreSQL database `name` through `admin_url`, from synchronous code
/// (a `Drop`, which may run inside a runtime): on a thread with a runtime of its own.
/// Best effort: a database that cannot be dropped is left behind.
pub fn drop_database_blocking(admin_url: String, name: String) {
    let _ = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if let Ok(admin) = connect(&admin_url).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
                let _ = admin.close().await;
            }
        });
    })
    .join();
}
