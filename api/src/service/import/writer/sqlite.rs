//! The bulk import's fast path on SQLite: new posts — each one's row, tags, series
//! positions and search index — written up to [`GROUP_FILES`] at a time in one
//! transaction and one multi-statement round trip to SQLite's worker thread ([`Group`]),
//! each file inside its own savepoint (SQLite's nested transaction). A commit writes
//! every page it touched into the WAL, and most of those pages (index leaves, the FTS
//! structure) are the same for neighbouring files: 64 files to a commit write a
//! fraction of the pages 64 commits would.
//!
//! Each file stays atomic: a failing statement stops the batch, the failing file's
//! savepoint is rolled back and the files before it are committed; it and the files after
//! it go through the ordinary path, which reports the error as it would. A kill loses the
//! group not yet committed (never part of a file), and running the import again writes it.
//!
//! It needs a connection of its own ([`dedicated_connection`]): a batch that fails
//! half-way leaves its transaction open on the connection until it is ended, which must
//! happen on the same connection, and no other task may use it in between.

use std::collections::{BTreeSet, HashMap, HashSet};

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

/// The most new posts written in one transaction and round trip (each in its own
/// savepoint).
pub const GROUP_FILES: usize = 64;

/// The savepoint each file of a [`Group`] is written in.
const SAVEPOINT: &str = "import_file";

/// New posts to be written in one round trip to SQLite's worker thread and one
/// `BEGIN IMMEDIATE … COMMIT`, each in its own `SAVEPOINT … RELEASE`. Before the
/// `COMMIT`, one statement renumbers the series the group added to and a `SELECT`
/// returns the id and series position of each post the group wrote ([`finish_sql`]). A
/// failing statement stops the batch: the failing file's savepoint is rolled back, the
/// files before it are committed (after the same two statements), the files after it
/// were not tried.
///
/// Every post's statements have the same text (see [`tag::link_new_post`]), so a batch
/// of `n` posts is prepared once per run.
#[derive(Default)]
pub struct Group {
    sql: String,
    values: Vec<Value>,
    members: Vec<Member>,
    slugs: HashSet<String>,
    paths: HashSet<String>,
    series: BTreeSet<i64>,
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
        if self.members.is_empty() {
            self.push("BEGIN IMMEDIATE", []);
        }
        self.push(&format!("SAVEPOINT {SAVEPOINT}"), []);
        let insert = post::Entity::insert(active.clone()).build(DbBackend::Sqlite);
        self.push(&insert.sql, insert.values.map(|v| v.0).unwrap_or_default());
        let (sql, values) = tag::link_new_post(POST_ID, &[slug_value()], &tag_ids);
        self.push(&sql, values);
        let (sql, values) = search::index_new_sqlite(POST_ID, &[slug_value()], search_doc);
        self.push(&sql, values);
        self.push(&format!("RELEASE {SAVEPOINT}"), []);
        self.series.extend(series_id);
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

    /// Writes the group in one transaction and round trip and empties it. Returns, in
    /// the order the posts were added, each post as stored, or `None` for a post that was
    /// not written (a statement failed at or before it, or the transaction could not
    /// commit): its file must take the ordinary path, which reports the error as it
    /// would.
    pub async fn run<C: ConnectionTrait + StreamTrait>(
        &mut self,
        db: &C,
        cache: &mut ImportCache,
    ) -> AppResult<Vec<Option<Imported>>> {
        let (batch, members) = std::mem::take(self).into_parts();
        let written = match batch {
            Some(batch) => execute(db, batch).await?,
            None => HashMap::new(),
        };
        finish(members, &written, cache)
    }

    /// [`Group::run`] on a task of its own, so the caller can prepare the next group
    /// while this one is written; `db` must be the import's own connection (see
    /// [`dedicated_connection`]), which nothing else uses until [`InFlight::finish`].
    /// The group's slugs and paths are taken in `cache` at once, so no later group
    /// claims them.
    pub fn send(&mut self, db: &DatabaseConnection, cache: &mut ImportCache) -> InFlight {
        let group = std::mem::take(self);
        cache.reserve(&group.slugs, &group.paths);
        let (batch, members) = group.into_parts();
        let db = db.clone();
        let task = tokio::spawn(async move {
            match batch {
                Some(batch) => execute(&db, batch).await,
                None => Ok(HashMap::new()),
            }
        });
        InFlight { members, task }
    }

    /// The whole batch as one statement (`None` for an empty group), and the members.
    fn into_parts(mut self) -> (Option<Batch>, Vec<Member>) {
        if self.members.is_empty() {
            return (None, self.members);
        }
        let (finish, finish_values) = finish_sql(&self.series, &self.slugs);
        self.push(&finish, finish_values.iter().cloned());
        self.push("COMMIT", []);
        let batch = Batch {
            statement: Statement::from_sql_and_values(DbBackend::Sqlite, self.sql, self.values),
            finish: Statement::from_sql_and_values(DbBackend::Sqlite, finish, finish_values),
        };
        (Some(batch), self.members)
    }
}

/// A [`Group`] being written on a task of its own (see [`Group::send`]).
pub struct InFlight {
    members: Vec<Member>,
    task: tokio::task::JoinHandle<AppResult<Written>>,
}

impl InFlight {
    /// Waits for the group to be written; then as [`Group::run`].
    pub async fn finish(self, cache: &mut ImportCache) -> AppResult<Vec<Option<Imported>>> {
        let written = self
            .task
            .await
            .map_err(|e| AppError::Internal(format!("the import's writer stopped: {e}")))??;
        finish(self.members, &written, cache)
    }
}

/// Id and series position of each post a group wrote, by slug.
type Written = HashMap<String, (i64, Option<i32>)>;

/// A group's statements: the whole batch, and the part before its `COMMIT` that
/// renumbers its series and returns its posts, to run again after a failure.
struct Batch {
    statement: Statement,
    finish: Statement,
}

/// The statements that end a group, before its `COMMIT`: the series it added to are
/// renumbered by date (see [`series::renumber_many_by_date_sqlite`]), then the id and
/// series position of each of its posts that exists is returned.
fn finish_sql(series_ids: &BTreeSet<i64>, slugs: &HashSet<String>) -> (String, Vec<Value>) {
    let ids: Vec<i64> = series_ids.iter().copied().collect();
    let (renumber, [ids]) = series::renumber_many_by_date_sqlite(&ids);
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    let values = vec![
        ids,
        serde_json::to_string(&slugs).unwrap_or_default().into(),
    ];
    (
        format!(
            "{renumber};\nSELECT slug, id, series_position FROM posts \
             WHERE slug IN (SELECT value FROM json_each(?))"
        ),
        values,
    )
}

/// Runs a group's statements and returns the posts it committed.
async fn execute<C: ConnectionTrait + StreamTrait>(db: &C, batch: Batch) -> AppResult<Written> {
    let (written, failed) = collect(db, batch.statement).await?;
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
    let (written, again) = collect(db, batch.finish).await?;
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

/// Each member as stored (see [`Group::run`]), remembered in `cache`.
fn finish(
    members: Vec<Member>,
    written: &Written,
    cache: &mut ImportCache,
) -> AppResult<Vec<Option<Imported>>> {
    let mut out = Vec::with_capacity(members.len());
    for Member { mut active, tags } in members {
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
