//! SQLite only: rebuilds `posts` with the bodies (TOC, front matter, Markdown, HTML)
//! as its last columns.
//!
//! SQLite stores a row's columns in order and spills a long row to a chain of overflow
//! pages. With the bodies in the middle of the row, reading a post's status, dates,
//! author or excerpt walked its whole overflow chain: every listing, count and
//! visibility check paid for ~12 KB of Markdown and HTML per post it looked at. With the
//! bodies last, those columns sit in the row's first page and listings never touch the
//! overflow pages. PostgreSQL keeps long values out of line (TOAST) and needs nothing.
//!
//! This is SQLite's documented table rebuild (foreign keys off, new table, copy, drop,
//! rename, indexes and triggers back, `foreign_key_check`) in one transaction on one
//! connection; the table's indexes and triggers are re-created from their own SQL, so
//! the rebuild keeps whatever earlier migrations made, and its AUTOINCREMENT counter is
//! kept so that the IDs of purged posts are never given again.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{
        DatabaseExecutor, DbBackend,
        sqlx::{self, Row, pool::PoolConnection, sqlite::Sqlite},
    },
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table as the migrations before this one left it, in the new column order.
const CREATE: &str = r#"CREATE TABLE "posts_rebuilt" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" varchar NOT NULL UNIQUE,
    "title" varchar NOT NULL,
    "subtitle" varchar NULL,
    "status" varchar(16) NOT NULL,
    "published_at" timestamp_with_timezone_text NULL,
    "published_at_offset" integer NULL,
    "deleted_at" timestamp_with_timezone_text NULL,
    "author_id" integer NOT NULL,
    "series_id" integer NULL,
    "series_position" integer NULL,
    "reading_time_minutes" integer NOT NULL,
    "word_count" integer NOT NULL,
    "version" integer NOT NULL,
    "created_at" timestamp_with_timezone_text NOT NULL,
    "updated_at" timestamp_with_timezone_text NOT NULL,
    "source_path" varchar NULL UNIQUE,
    "cover_image" varchar NULL,
    "canonical_url" varchar NULL,
    "meta_description" text NULL,
    "custom_excerpt" text NULL,
    "excerpt" text NOT NULL,
    "toc" json_text NOT NULL,
    "front_matter" json_text NOT NULL,
    "markdown" text NOT NULL,
    "html" text NOT NULL,
    FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("series_id") REFERENCES "series" ("id") ON DELETE SET NULL
)"#;

const COLUMNS: &str = "id, slug, title, subtitle, status, published_at, published_at_offset, \
    deleted_at, author_id, series_id, series_position, reading_time_minutes, word_count, \
    version, created_at, updated_at, source_path, cover_image, canonical_url, \
    meta_description, custom_excerpt, excerpt, toc, front_matter, markdown, html";

fn db_err(e: sqlx::Error) -> DbErr {
    DbErr::Migration(format!("rebuilding posts: {e}"))
}

async fn run(conn: &mut PoolConnection<Sqlite>, sql: &str) -> Result<(), DbErr> {
    // The statements are this migration's own or the schema's own SQL.
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut **conn)
        .await
        .map(|_| ())
        .map_err(db_err)
}

/// The rebuild itself, inside the caller's transaction.
async fn rebuild(conn: &mut PoolConnection<Sqlite>) -> Result<(), DbErr> {
    let schema: Vec<String> = sqlx::query(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'posts' \
         AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
    )
    .fetch_all(&mut **conn)
    .await
    .map_err(db_err)?
    .iter()
    .map(|r| r.try_get::<String, _>("sql"))
    .collect::<Result<_, _>>()
    .map_err(db_err)?;
    let sequence: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'posts'")
            .fetch_optional(&mut **conn)
            .await
            .map_err(db_err)?;

    run(conn, CREATE).await?;
    run(
        conn,
        &format!("INSERT INTO posts_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM posts ORDER BY id"),
    )
    .await?;
    run(conn, "DROP TABLE posts").await?;
    run(conn, "ALTER TABLE posts_rebuilt RENAME TO posts").await?;
    for sql in &schema {
        run(conn, sql).await?;
    }
    if let Some(seq) = sequence {
        sqlx::query("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'posts'")
            .bind(seq)
            .execute(&mut **conn)
            .await
            .map_err(db_err)?;
    }
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut **conn)
        .await
        .map_err(db_err)?;
    if !broken.is_empty() {
        return Err(DbErr::Migration(format!(
            "rebuilding posts would break {} foreign key reference(s); nothing was changed",
            broken.len()
        )));
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let DatabaseExecutor::Connection(db) = manager.get_connection() else {
            return Err(DbErr::Migration(
                "the posts rebuild must run outside a transaction (it turns foreign keys off)"
                    .into(),
            ));
        };
        // One connection throughout: `foreign_keys` is per connection, and can only be
        // changed outside a transaction.
        let mut conn = db
            .get_sqlite_connection_pool()
            .acquire()
            .await
            .map_err(db_err)?;
        run(&mut conn, "PRAGMA foreign_keys = OFF").await?;
        run(&mut conn, "BEGIN IMMEDIATE").await?;
        let outcome = match rebuild(&mut conn).await {
            Ok(()) => run(&mut conn, "COMMIT").await,
            Err(e) => {
                let _ = run(&mut conn, "ROLLBACK").await;
                Err(e)
            }
        };
        let restored = run(&mut conn, "PRAGMA foreign_keys = ON").await;
        outcome.and(restored)
    }

    /// The column order changes nothing a query can see: nothing to undo.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
