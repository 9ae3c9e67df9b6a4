//! The group writer on SQLite: a group (see [`super`]) is one string of statements sent
//! in one round trip to SQLite's worker thread: `BEGIN IMMEDIATE`, each file's
//! `SAVEPOINT`, post, authors, tags and search index, `RELEASE`, then one statement renumbering
//! the series the group added to, one `SELECT` of the posts it wrote, and `COMMIT`.
//! Every post's statements have the same text (ids and tokens travel as JSON), so a
//! group of `n` posts is prepared once per run.
//!
//! It needs a connection of its own ([`dedicated_connection`]): a batch that fails
//! half-way leaves its transaction open on the connection until it is ended, which must
//! happen on the same connection, and no other task may use it in between.

use std::collections::BTreeSet;

use entity::post;
use futures_util::StreamExt;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryTrait, SqlxSqliteConnector,
    Statement, StreamTrait, Value,
    sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions},
};

use super::{SAVEPOINT, Written};
use crate::{
    error::{AppError, AppResult},
    service::{post::visibility::listed_sql, search::SearchDocument, series},
};

/// Settings of the import's own connection, on top of the pool's (WAL, `synchronous =
/// NORMAL`, foreign keys, busy timeout), for speed only, none for durability: a 64 MiB
/// page cache and 256 MiB of memory-mapped reads (the FTS index is read back as it is
/// merged), temporary tables in memory, and a WAL checkpoint every 16,000 pages (64 MiB)
/// instead of 1,000: the file is synced a sixteenth as often, and a page written by many
/// files (an index leaf, the FTS structure) is copied into it once per checkpoint. The
/// WAL file keeps that size until the last connection closes.
const PRAGMAS: [(&str, &str); 4] = [
    ("cache_size", "-65536"),
    ("mmap_size", "268435456"),
    ("temp_store", "MEMORY"),
    ("wal_autocheckpoint", "16000"),
];

/// A single-connection pool on the same SQLite database as `db`, with [`PRAGMAS`], for
/// one import. Close it when the import is done.
pub(super) async fn dedicated_connection(db: &DatabaseConnection) -> AppResult<DatabaseConnection> {
    let base: SqliteConnectOptions = db
        .get_sqlite_connection_pool()
        .connect_options()
        .as_ref()
        .clone();
    let options = PRAGMAS
        .into_iter()
        .fold(base, |o, (key, value)| o.pragma(key, value));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| AppError::Internal(format!("opening the import's connection: {e}")))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// The id of the post being written, found by its (unique) slug: the batch cannot carry
/// the id `INSERT` gives from one statement to the next.
const POST_ID: &str = "(SELECT id FROM posts WHERE slug = ?)";

/// A group's statements so far, with their unnumbered `?` parameters in order.
#[derive(Default)]
pub(super) struct Batch {
    sql: String,
    values: Vec<Value>,
}

impl Batch {
    /// Appends a new post's statements, in its own savepoint: the post, its tags (each
    /// link with its listing copy, written from the post row), its search index.
    pub(super) fn add(
        &mut self,
        active: &post::ActiveModel,
        slug: &str,
        tag_ids: &[i64],
        author_ids: &[i64],
        search: &SearchDocument,
    ) -> AppResult<()> {
        if self.sql.is_empty() {
            self.push("BEGIN IMMEDIATE", []);
        }
        self.push(&format!("SAVEPOINT {SAVEPOINT}"), []);
        let insert = post::Entity::insert(active.clone()).build(DbBackend::Sqlite);
        self.push(&insert.sql, insert.values.map(|v| v.0).unwrap_or_default());
        // The authors, in order (see `post::authors`): ids as one JSON array, so the text
        // is the same whatever their number.
        self.push(
            &format!(
                "INSERT INTO post_authors (post_id, user_id, position) \
                 SELECT {POST_ID}, CAST(j.value AS INTEGER), CAST(j.key AS INTEGER) \
                 FROM json_each(?) AS j"
            ),
            [slug.into(), json_ids(author_ids).into()],
        );
        let ids = tag_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // The listing copy (see `visibility::publicly_listed`) is written from the post
        // row in the same statement, which spares SQLite the trigger that fills a link
        // inserted without its date. The tag ids travel as one JSON array, so the text is
        // the same whatever the number of tags (none inserts nothing).
        self.push(
            &format!(
                "INSERT INTO post_tags (post_id, tag_id, position, listed, published_at) \
                 SELECT p.id, CAST(j.value AS INTEGER), CAST(j.key AS INTEGER), \
                 {}, p.published_at \
                 FROM json_each(?) AS j JOIN posts AS p ON p.id = {POST_ID}",
                listed_sql("p")
            ),
            [format!("[{ids}]").into(), slug.into()],
        );
        // A post never indexed before: nothing to delete first.
        let [title_tokens, body_tokens] = search.sqlite_fts();
        self.push(
            &format!("INSERT INTO search_fts (rowid, title, body) VALUES ({POST_ID}, ?, ?)"),
            [slug.into(), title_tokens, body_tokens],
        );
        let [title_len, body_len, body_text] = search.document_columns();
        self.push(
            &format!(
                "INSERT INTO search_documents (post_id, title_len, body_len, body_text) \
                 VALUES ({POST_ID}, ?, ?, ?)"
            ),
            [slug.into(), title_len, body_len, body_text],
        );
        self.push(&format!("RELEASE {SAVEPOINT}"), []);
        Ok(())
    }

    fn push(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        if !self.sql.is_empty() {
            self.sql.push_str(";\n");
        }
        self.sql.push_str(sql);
        self.values.extend(values);
    }
}

/// `ids` as a JSON array.
fn json_ids(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", ids.join(","))
}

/// The statements that end a group, before its `COMMIT`: the series it added to are
/// renumbered by date (see [`series::renumber_sql`]), then the id and series position of
/// each of its posts that exists is returned (`slugs`: a JSON array).
fn finish(series_ids: &BTreeSet<i64>, slugs: String) -> Statement {
    let ids: Vec<String> = series_ids.iter().map(i64::to_string).collect();
    let renumber = series::renumber_sql("series_id IN (SELECT value FROM json_each(?))");
    Statement::from_sql_and_values(
        DbBackend::Sqlite,
        format!(
            "{renumber};\nSELECT slug, id, series_position FROM posts \
             WHERE slug IN (SELECT value FROM json_each(?))"
        ),
        [format!("[{}]", ids.join(",")).into(), slugs.into()],
    )
}

/// Writes a group (see the module docs) and returns the posts it committed.
pub(super) async fn execute(
    db: &DatabaseConnection,
    mut batch: Batch,
    series_ids: &BTreeSet<i64>,
    slugs: String,
) -> AppResult<Written> {
    let finish = finish(series_ids, slugs);
    batch.push(
        &finish.sql,
        finish.values.iter().flat_map(|v| v.0.iter().cloned()),
    );
    batch.push("COMMIT", []);
    let statement = Statement::from_sql_and_values(DbBackend::Sqlite, batch.sql, batch.values);
    run(db, statement, finish).await
}

/// Runs a group's statements and returns the posts it committed; after a failure, runs
/// `finish` and commits the files before the failing one.
async fn run(
    db: &DatabaseConnection,
    statement: Statement,
    finish: Statement,
) -> AppResult<Written> {
    let (written, failed) = collect(db, statement).await?;
    let Some(e) = failed else {
        return Ok(written);
    };
    // The failing statement stopped the batch. Undo the file it belongs to ("no such
    // savepoint" when it was outside one is not an error), finish the group with the
    // files before it and commit them; should that fail (SQLite may have rolled the
    // whole transaction back itself), nothing of the group was written.
    let _ = db
        .execute_unprepared(&format!("ROLLBACK TO {SAVEPOINT}"))
        .await;
    let (written, again) = collect(db, finish).await?;
    let committed = again.is_none() && db.execute_unprepared("COMMIT").await.is_ok();
    tracing::debug!(error = %e, committed, written = written.len(), "batched import fell back");
    if committed {
        Ok(written)
    } else {
        let _ = db.execute_unprepared("ROLLBACK").await;
        Ok(Written::new())
    }
}

/// Runs `statement` and collects the posts its rows name, up to the first failing
/// statement, if any.
async fn collect<C: ConnectionTrait + StreamTrait>(
    db: &C,
    statement: Statement,
) -> AppResult<(Written, Option<sea_orm::DbErr>)> {
    let mut written = Written::new();
    let rows = match db.stream_raw(statement).await {
        Ok(rows) => rows,
        Err(e) => return Ok((written, Some(e))),
    };
    let mut rows = std::pin::pin!(rows);
    // The stream holds the connection until it is dropped, at the end.
    while let Some(row) = rows.next().await {
        match row {
            Ok(row) => {
                let slug: String = row.try_get("", "slug")?;
                written.insert(
                    slug,
                    (row.try_get("", "id")?, row.try_get("", "series_position")?),
                );
            }
            Err(e) => return Ok((written, Some(e))),
        }
    }
    Ok((written, None))
}
