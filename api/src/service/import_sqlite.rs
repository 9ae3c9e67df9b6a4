//! The bulk import's fast path on SQLite: a new post — its row, tags, series positions
//! and search index — written in its own `BEGIN IMMEDIATE … COMMIT`, and up to
//! [`GROUP_FILES`] such transactions sent as ONE multi-statement round trip to SQLite's
//! worker thread ([`Group`]), instead of one round trip per statement plus two for each
//! transaction. Each file stays atomic: a failing statement stops the batch, its
//! transaction is rolled back, and its file and those after it go through the ordinary
//! path, which reports the error as it would.
//!
//! It needs a connection of its own ([`dedicated_connection`]): a batch that fails
//! half-way leaves its transaction open on the connection until the `ROLLBACK`, which
//! must reach the same connection, and no other task may use it in between.

use std::collections::{HashMap, HashSet};

use entity::post;
use futures_util::StreamExt;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryTrait, SqlxSqliteConnector,
    Statement, StreamTrait, TryIntoModel, Value,
    sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions},
};

use super::{
    import::{Filled, ImportOptions, Imported, Outcome, fill, new_post, wanted_slug},
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

/// The most new posts sent in one round trip (each still its own transaction).
pub const GROUP_FILES: usize = 16;

/// New posts to be written in one round trip to SQLite's worker thread, each in its own
/// `BEGIN IMMEDIATE … COMMIT`, followed (after the `COMMIT`) by a `SELECT` of the post's
/// id and series position, so the rows that come back name exactly the files whose
/// transaction committed. A failing statement stops the batch: the files before it are
/// committed, its own transaction is rolled back, the files after it were not tried.
///
/// Every post's statements have the same text (see [`tag::link_new_post`] and
/// [`series::renumber_by_date_sqlite`]), so a batch of `n` posts is prepared once per run.
#[derive(Default)]
pub struct Group {
    sql: String,
    values: Vec<Value>,
    members: Vec<Member>,
    slugs: HashSet<String>,
    paths: HashSet<String>,
}

/// A post of a [`Group`], as it will be stored.
struct Member {
    active: post::ActiveModel,
    tags: Vec<(String, i64)>,
}

impl Group {
    /// How many posts the group holds.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Adds `doc` as a new post when the run allows it (see
    /// [`ImportCache::use_sqlite_batches`]) and the cache knows everything the post needs:
    /// no post (nor any post of the group) has its path or slug, and its tags, series and
    /// author were seen before. False: the file must take the ordinary path, after the
    /// group is written.
    pub fn add(
        &mut self,
        doc: &ParsedPost,
        rendered: &Rendered,
        search_doc: &SearchDocument,
        opts: &ImportOptions,
        cache: &ImportCache,
    ) -> bool {
        let Ok(wanted_slug) = wanted_slug(doc) else {
            return false;
        };
        if !cache.sqlite_batch
            || cache.may_exist(&doc.source_path, &wanted_slug)
            || self.slugs.contains(&wanted_slug)
            || self.paths.contains(&doc.source_path)
        {
            return false;
        }
        let tag_slugs: Vec<String> = doc.tags.iter().map(|t| slug::slugify(t)).collect();
        let Some(tag_ids) = cache.tag_ids(&tag_slugs) else {
            return false;
        };
        let series_id = match &doc.series {
            Some(title) => match cache.series_id(&slug::slugify(title)) {
                Some(id) => Some(id),
                None => return false,
            },
            None => None,
        };
        let author_id = match &doc.author {
            Some(name) => match cache.author_id(name) {
                Some(id) => id,
                None => return false,
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
                slug: wanted_slug.clone(),
                author_id,
                series_id,
                trashed_before: None,
            },
        );
        active.version = sea_orm::Set(1);
        active.updated_at = sea_orm::Set(super::now());

        let slug_value = || Value::from(wanted_slug.clone());
        self.push("BEGIN IMMEDIATE", []);
        let insert = post::Entity::insert(active.clone()).build(DbBackend::Sqlite);
        self.push(&insert.sql, insert.values.map(|v| v.0).unwrap_or_default());
        let (sql, values) = tag::link_new_post(POST_ID, &[slug_value()], &tag_ids);
        self.push(&sql, values);
        let (sql, values) = series::renumber_by_date_sqlite(series_id);
        self.push(sql, values);
        let (sql, values) = search::index_new_sqlite(POST_ID, &[slug_value()], search_doc);
        self.push(&sql, values);
        self.push("COMMIT", []);
        self.push(
            "SELECT slug, id, series_position FROM posts WHERE slug = ?",
            [slug_value()],
        );
        self.paths.insert(doc.source_path.clone());
        self.slugs.insert(wanted_slug);
        self.members.push(Member {
            active,
            tags: tag_slugs.into_iter().zip(tag_ids).collect(),
        });
        true
    }

    fn push(&mut self, sql: &str, values: impl IntoIterator<Item = Value>) {
        if !self.sql.is_empty() {
            self.sql.push_str(";\n");
        }
        self.sql.push_str(sql);
        self.values.extend(values);
    }

    /// Writes the group in one round trip and empties it. Returns, in the order the
    /// posts were added, each post as stored, or `None` for a post that was not written
    /// (a statement failed at or before it): its file must take the ordinary path, which
    /// reports the error as it would. (Should the `SELECT` after a `COMMIT` itself fail,
    /// that file is written but reported `None`; the ordinary path then finds its post
    /// and reports it unchanged: nothing is written twice.)
    pub async fn run<C: ConnectionTrait + StreamTrait>(
        &mut self,
        db: &C,
        cache: &mut ImportCache,
    ) -> AppResult<Vec<Option<Imported>>> {
        let group = std::mem::take(self);
        if group.members.is_empty() {
            return Ok(Vec::new());
        }
        let mut written: HashMap<String, (i64, Option<i32>)> = HashMap::new();
        let failed = {
            let stream = db
                .stream_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    group.sql,
                    group.values,
                ))
                .await;
            match stream {
                Ok(rows) => {
                    let mut rows = std::pin::pin!(rows);
                    loop {
                        match rows.next().await {
                            Some(Ok(row)) => {
                                let slug: String = row.try_get("", "slug")?;
                                written.insert(
                                    slug,
                                    (row.try_get("", "id")?, row.try_get("", "series_position")?),
                                );
                            }
                            Some(Err(e)) => break Some(e),
                            None => break None,
                        }
                    }
                }
                Err(e) => Some(e),
            }
            // The stream holds the connection until here.
        };
        if let Some(e) = failed {
            // The failing statement stopped the batch; its transaction may be open.
            // "No transaction is active" (the failure was outside one) is not an error.
            let _ = db.execute_unprepared("ROLLBACK").await;
            tracing::debug!(error = %e, written = written.len(), "batched import fell back");
        }
        let mut out = Vec::with_capacity(group.members.len());
        for Member { mut active, tags } in group.members {
            let slug = match &active.slug {
                sea_orm::ActiveValue::Set(s) | sea_orm::ActiveValue::Unchanged(s) => s.clone(),
                sea_orm::ActiveValue::NotSet => String::new(),
            };
            let Some(&(id, series_position)) = written.get(&slug) else {
                out.push(None);
                continue;
            };
            active.id = sea_orm::Set(id);
            active.series_position = sea_orm::Set(series_position);
            let saved = active
                .try_into_model()
                .map_err(|e| AppError::Internal(format!("imported post: {e}")))?;
            cache.remember(&saved, tags);
            out.push(Some(Imported {
                outcome: Outcome::Imported,
                post: saved,
                new_author: None,
            }));
        }
        Ok(out)
    }
}

/// Writes `doc` as a new post in one round trip, as a [`Group`] of one, when the cache
/// allows it (see [`Group::add`]). `Ok(None)`: the caller must take the ordinary path
/// (nothing was written).
pub async fn import_new<C: ConnectionTrait + StreamTrait>(
    db: &C,
    doc: &ParsedPost,
    rendered: &Rendered,
    search_doc: &SearchDocument,
    opts: &ImportOptions,
    cache: &mut ImportCache,
) -> AppResult<Option<Imported>> {
    let mut group = Group::default();
    if !group.add(doc, rendered, search_doc, opts, cache) {
        return Ok(None);
    }
    Ok(group.run(db, cache).await?.pop().flatten())
}
