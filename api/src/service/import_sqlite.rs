//! The bulk import's fast path on SQLite: a new post — its row, tags, series positions
//! and search index — written in its own `BEGIN IMMEDIATE … COMMIT` sent as ONE
//! multi-statement round trip to SQLite's worker thread, instead of one round trip per
//! statement plus two for the transaction. The file stays atomic: a failing statement
//! stops the batch, the transaction is rolled back, and the file goes through the
//! ordinary path, which reports the error as it would.
//!
//! It needs a connection of its own ([`dedicated_connection`]): a batch that fails
//! half-way leaves its transaction open on the connection until the `ROLLBACK`, which
//! must reach the same connection, and no other task may use it in between.

use entity::post;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryTrait, SqlxSqliteConnector,
    Statement, TryIntoModel, Value,
    sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions},
};

use super::{
    import::{Filled, ImportOptions, Imported, Outcome, fill, new_post},
    import_cache::ImportCache,
    search::{self, SearchDocument},
    series, tag,
};
use crate::{
    error::{AppError, AppResult},
    import::ParsedPost,
    render::Rendered,
    slug,
};

/// Settings of the import's own connection, on top of the pool's (WAL, `synchronous =
/// NORMAL`, foreign keys, busy timeout), for speed only, none for durability: a 64 MiB
/// page cache and 256 MiB of memory-mapped reads (the FTS index is read back as it is
/// merged), temporary tables in memory, and a WAL checkpoint every 4,000 pages (16 MiB)
/// instead of 1,000, so the database file is synced a quarter as often.
const PRAGMAS: [(&str, &str); 4] = [
    ("cache_size", "-65536"),
    ("mmap_size", "268435456"),
    ("temp_store", "MEMORY"),
    ("wal_autocheckpoint", "4000"),
];

/// A single-connection pool on the same SQLite database as `db`, with [`PRAGMAS`], for
/// one import; `None` on PostgreSQL. Close it when the import is done.
pub async fn dedicated_connection(
    db: &DatabaseConnection,
) -> AppResult<Option<DatabaseConnection>> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
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
    Ok(Some(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)))
}

/// The id of the post being written, found by its (unique) slug: the batch cannot carry
/// the id `INSERT` gives from one statement to the next.
const POST_ID: &str = "(SELECT id FROM posts WHERE slug = ?)";

/// Statements and their values, sent together; `?` parameters are bound in order
/// across statements.
#[derive(Default)]
struct Batch {
    sql: String,
    values: Vec<Value>,
}

impl Batch {
    fn push(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        if !self.sql.is_empty() {
            self.sql.push_str(";\n");
        }
        self.sql.push_str(sql);
        self.values.extend(values);
    }
}

/// Writes `doc` as a new post in one round trip when the run allows it (see
/// [`ImportCache::use_sqlite_batches`]) and the cache knows everything the post needs:
/// no post has its path or slug, and its tags, series and author were seen before.
/// `Ok(None)`: the caller must take the ordinary path (nothing was written).
pub async fn import_new<C: ConnectionTrait>(
    db: &C,
    doc: &ParsedPost,
    rendered: &Rendered,
    search_doc: &SearchDocument,
    opts: &ImportOptions,
    cache: &mut ImportCache,
    wanted_slug: &str,
) -> AppResult<Option<Imported>> {
    if !cache.sqlite_batch || cache.may_exist(&doc.source_path, wanted_slug) {
        return Ok(None);
    }
    let tag_slugs: Vec<String> = doc.tags.iter().map(|t| slug::slugify(t)).collect();
    let Some(tag_ids) = cache.tag_ids(&tag_slugs) else {
        return Ok(None);
    };
    let series_id = match &doc.series {
        Some(title) => match cache.series_id(&slug::slugify(title)) {
            Some(id) => Some(id),
            None => return Ok(None),
        },
        None => None,
    };
    let author_id = match &doc.author {
        Some(name) => match cache.author_id(name) {
            Some(id) => id,
            None => return Ok(None),
        },
        None => opts.default_author_id,
    };

    let mut active = new_post();
    fill(
        &mut active,
        doc,
        rendered,
        opts,
        Filled {
            slug: wanted_slug.to_owned(),
            author_id,
            series_id,
            trashed_before: None,
        },
    );
    active.version = sea_orm::Set(1);
    active.updated_at = sea_orm::Set(super::now());

    let slug_value = || Value::from(wanted_slug.to_owned());
    let mut batch = Batch::default();
    batch.push("BEGIN IMMEDIATE", []);
    let insert = post::Entity::insert(active.clone()).build(DbBackend::Sqlite);
    batch.push(&insert.sql, insert.values.map(|v| v.0).unwrap_or_default());
    if let Some((sql, values)) = tag::link_new_post(POST_ID, &[slug_value()], &tag_ids) {
        batch.push(&sql, values);
    }
    if let Some(id) = series_id {
        let (sql, values) = series::renumber_by_date_sqlite(id);
        batch.push(sql, values);
    }
    let (sql, values) = search::index_new_sqlite(POST_ID, &[slug_value()], search_doc);
    batch.push(&sql, values);
    batch.push(
        "SELECT id, series_position FROM posts WHERE slug = ?",
        [slug_value()],
    );
    batch.push("COMMIT", []);

    let rows = match db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            batch.sql,
            batch.values,
        ))
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            // The failing statement stopped the batch; its transaction may be open.
            // "No transaction is active" (BEGIN itself failed) is not an error here.
            let _ = db.execute_unprepared("ROLLBACK").await;
            tracing::debug!(path = %doc.source_path, error = %e, "batched import fell back");
            return Ok(None);
        }
    };
    let row = rows
        .first()
        .ok_or_else(|| AppError::Internal("the imported post was not read back".into()))?;
    active.id = sea_orm::Set(row.try_get::<i64>("", "id")?);
    active.series_position = sea_orm::Set(row.try_get::<Option<i32>>("", "series_position")?);
    let saved = active
        .try_into_model()
        .map_err(|e| AppError::Internal(format!("imported post: {e}")))?;
    cache.remember(&saved, tag_slugs.into_iter().zip(tag_ids));
    Ok(Some(Imported {
        outcome: Outcome::Imported,
        post: saved,
        new_author: None,
    }))
}
