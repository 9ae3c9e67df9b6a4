//! SQLite's documented table rebuild for `posts` (foreign keys off, new table, copy,
//! drop, rename, indexes and triggers back, `foreign_key_check`), in one transaction on
//! one connection. The table's indexes and triggers are re-created from their own SQL,
//! so a rebuild keeps whatever earlier migrations made, and its AUTOINCREMENT counter is
//! kept so that the IDs of purged posts are never given again.
//!
//! SQLite stores a row's columns in order and spills a long row to overflow pages, so
//! `posts` keeps its bodies (TOC, front matter, Markdown, HTML) last: a migration that
//! adds a small column rebuilds the table with the column before them rather than
//! `ALTER TABLE … ADD COLUMN`, which would put it after them.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{
        DatabaseExecutor,
        sqlx::{self, Row, pool::PoolConnection, sqlite::Sqlite},
    },
};

fn db_err(e: sqlx::Error) -> DbErr {
    DbErr::Migration(format!("rebuilding posts: {e}"))
}

async fn run(conn: &mut PoolConnection<Sqlite>, sql: &str) -> Result<(), DbErr> {
    // The statements are the migrations' own or the schema's own SQL.
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut **conn)
        .await
        .map(|_| ())
        .map_err(db_err)
}

/// The rebuild itself, inside the caller's transaction: `create` makes `posts_rebuilt`,
/// `columns` (a list every row has before and after) is copied, then `after` runs.
async fn rebuild(
    conn: &mut PoolConnection<Sqlite>,
    create: &str,
    columns: &str,
    after: &[&str],
) -> Result<(), DbErr> {
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

    run(conn, create).await?;
    run(
        conn,
        &format!("INSERT INTO posts_rebuilt ({columns}) SELECT {columns} FROM posts ORDER BY id"),
    )
    .await?;
    run(conn, "DROP TABLE posts").await?;
    // Triggers on other tables name `posts` (the tag links' listing copy); between the
    // drop and the rename that table does not exist, and a modern RENAME refuses to
    // leave such a trigger behind. The legacy RENAME leaves them as written, and they
    // name the rebuilt table once it has its name.
    run(conn, "PRAGMA legacy_alter_table = ON").await?;
    let renamed = run(conn, "ALTER TABLE posts_rebuilt RENAME TO posts").await;
    run(conn, "PRAGMA legacy_alter_table = OFF").await?;
    renamed?;
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
    for sql in after {
        run(conn, sql).await?;
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

/// Rebuilds `posts` as `create` makes `posts_rebuilt`, copying `columns`, then runs
/// `after` (fills of new columns, new indexes) in the same transaction. The migration
/// must run outside a transaction: it turns foreign keys off for its connection.
pub async fn rebuild_posts(
    manager: &SchemaManager<'_>,
    create: &str,
    columns: &str,
    after: &[&str],
) -> Result<(), DbErr> {
    let DatabaseExecutor::Connection(db) = manager.get_connection() else {
        return Err(DbErr::Migration(
            "the posts rebuild must run outside a transaction (it turns foreign keys off)".into(),
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
    let outcome = match rebuild(&mut conn, create, columns, after).await {
        Ok(()) => run(&mut conn, "COMMIT").await,
        Err(e) => {
            let _ = run(&mut conn, "ROLLBACK").await;
            Err(e)
        }
    };
    let restored = run(&mut conn, "PRAGMA foreign_keys = ON").await;
    outcome.and(restored)
}
