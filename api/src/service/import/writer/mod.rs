//! The bulk import's group writer: new posts — each one's row, authors, tags, series
//! positions and search index — written up to [`GROUP_FILES`] at a time in one
//! transaction by the writer of the database: [`sqlite`] (one string of statements, a
//! savepoint per file) or [`postgres`] (one `COPY` per table). A commit writes every
//! page it touched, and most of those pages (index leaves, the search structures) are
//! the same for neighbouring files: 64 files to a commit write a fraction of the pages
//! 64 commits would.
//!
//! Each file stays atomic. On SQLite a failing statement stops the group, the failing
//! file's savepoint is rolled back and the files before it are committed; on PostgreSQL
//! nothing of a group that fails is written. Either way the files not written go through
//! the one-file path, which reports the error as it would. A kill loses the group not
//! yet committed (never part of a file), and running the import again writes it.
//!
//! What is common to both databases is here: which files may join a group ([`Group::add`],
//! decided from the run's [`ImportCache`] alone: tags, series, author and category seen
//! before), the post each file becomes (its `category_id` with it, so neither writer's
//! SQL names categories), and the posts a group wrote, read back by slug ([`Written`]).

mod postgres;
mod sqlite;

use std::collections::{BTreeSet, HashMap, HashSet};

use entity::post;
use sea_orm::{DatabaseConnection, DbBackend, TryIntoModel};

use super::{
    ImportCache, ImportOptions, Imported, Outcome, PreparedFile,
    fill::{Filled, author_list, fill, new_post, wanted_slug},
};
use crate::{
    error::{AppError, AppResult},
    service::now,
    slug,
};

/// The most new posts written in one transaction. On SQLite each is in its own
/// savepoint; PostgreSQL's writer takes none, but a failing file sends the whole group
/// through the one-file path, so a group stays small.
pub const GROUP_FILES: usize = 64;

/// The savepoint each file of a [`Group`] is written in.
const SAVEPOINT: &str = "import_file";

/// Id and series position of each post a group wrote, by slug.
type Written = HashMap<String, (i64, Option<i32>)>;

/// The connection a real (not dry) run writes its groups through, and its database.
pub struct Writer {
    conn: DatabaseConnection,
    backend: DbBackend,
}

impl Writer {
    /// The writer of a real run on `db`: on SQLite a connection of its own (see
    /// [`sqlite::dedicated_connection`]: a group that fails half-way leaves its
    /// transaction open until it is ended on the same connection), on PostgreSQL the
    /// pool (a group is a transaction on one of its connections). The run should do all
    /// its other work on [`Self::connection`] too.
    pub async fn open(db: &DatabaseConnection) -> AppResult<Self> {
        let backend = db.get_database_backend();
        let conn = match backend {
            DbBackend::Sqlite => sqlite::dedicated_connection(db).await?,
            _ => db.clone(),
        };
        Ok(Self { conn, backend })
    }

    /// How many groups may be written at once: two on PostgreSQL (each on a connection
    /// of the pool; see [`postgres`] for what keeps them from waiting for each other),
    /// one on SQLite (one writer).
    pub fn groups_in_flight(&self) -> usize {
        match self.backend {
            DbBackend::Postgres => 2,
            _ => 1,
        }
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Closes the connection the writer opened, if it opened one.
    pub async fn close(self) -> AppResult<()> {
        if self.backend == DbBackend::Sqlite {
            self.conn.close().await?;
        }
        Ok(())
    }
}

/// A group's statements, as its database's writer builds them.
enum Batch {
    Sqlite(sqlite::Batch),
    Postgres(postgres::Batch),
}

/// New posts to be written as one group (see the module docs).
pub struct Group {
    batch: Batch,
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
    /// An empty group for `writer`'s database.
    pub fn new(writer: &Writer) -> Self {
        Self {
            batch: match writer.backend {
                DbBackend::Postgres => Batch::Postgres(postgres::Batch::default()),
                _ => Batch::Sqlite(sqlite::Batch::default()),
            },
            members: Vec::new(),
            slugs: HashSet::new(),
            paths: HashSet::new(),
            series: BTreeSet::new(),
        }
    }

    /// How many posts the group holds.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Adds `file` as a new post when the cache knows everything the post needs: its
    /// search document was made ahead, no post (nor any post of the group) has its path
    /// or slug, and its tags, series, author and category were seen before. False: the file must
    /// take the one-file path, after the group is written.
    pub fn add(&mut self, file: &PreparedFile, opts: &ImportOptions, cache: &ImportCache) -> bool {
        let doc = &file.doc;
        let (Some(search), Ok(wanted_slug)) = (&file.search, wanted_slug(doc)) else {
            return false;
        };
        if cache.may_exist(&doc.source_path, &wanted_slug)
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
        let Some(category_id) = cache.category_id(&doc.category_path) else {
            return false;
        };
        let Some(resolved) = cache.author_ids(&doc.authors) else {
            return false;
        };
        let author_ids = author_list(&resolved, opts.default_author_id);

        let mut active = new_post();
        fill(
            &mut active,
            file,
            opts,
            Filled {
                slug: wanted_slug.clone(),
                author_id: author_ids[0],
                series_id,
                category_id,
                trashed_before: None,
                dated_before: None,
            },
        );
        active.version = sea_orm::Set(1);
        active.updated_at = sea_orm::Set(now());
        let added = match &mut self.batch {
            Batch::Sqlite(b) => b.add(&active, &wanted_slug, &tag_ids, &author_ids, search),
            Batch::Postgres(b) => b.add(&active, &wanted_slug, &tag_ids, &author_ids, search),
        };
        if let Err(e) = added {
            tracing::debug!(error = %e, path = %doc.source_path, "not batched");
            return false;
        }
        self.series.extend(series_id);
        self.paths.insert(doc.source_path.clone());
        self.slugs.insert(wanted_slug);
        self.members.push(Member {
            active,
            tags: tag_slugs.into_iter().zip(tag_ids).collect(),
        });
        true
    }

    /// Writes the group on a task of its own through `writer`, so the caller can prepare
    /// the next group meanwhile, and empties it. The group's slugs and paths are taken
    /// in `cache` at once, so no later group claims them.
    pub fn send(&mut self, writer: &Writer, cache: &mut ImportCache) -> InFlight {
        let Self {
            batch,
            members,
            slugs,
            paths,
            series,
        } = std::mem::replace(self, Self::new(writer));
        cache.reserve(&slugs, &paths);
        let conn = writer.conn.clone();
        let empty = members.is_empty();
        let task = tokio::spawn(async move {
            if empty {
                return Ok(Written::new());
            }
            match batch {
                Batch::Sqlite(b) => {
                    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
                    let slugs = serde_json::to_string(&slugs)
                        .map_err(|e| AppError::Internal(format!("import group: {e}")))?;
                    sqlite::execute(&conn, b, &series, slugs).await
                }
                Batch::Postgres(b) => postgres::execute(&conn, b, &series).await,
            }
        });
        InFlight {
            members,
            task: Some(task),
            written: None,
        }
    }
}

/// A [`Group`] being written on a task of its own (see [`Group::send`]).
pub struct InFlight {
    members: Vec<Member>,
    task: Option<tokio::task::JoinHandle<AppResult<Written>>>,
    /// What the task returned, once [`Self::settle`] waited for it.
    written: Option<AppResult<Written>>,
}

impl InFlight {
    /// Waits for the group's transaction to end, keeping what it wrote for
    /// [`Self::finish`].
    pub async fn settle(&mut self) {
        if let Some(task) = self.task.take() {
            self.written = Some(
                task.await
                    .map_err(|e| AppError::Internal(format!("the import's writer stopped: {e}")))
                    .and_then(|r| r),
            );
        }
    }

    /// Waits for the group to be written. Returns, in the order the posts were added,
    /// each post as stored (remembered in `cache`), or `None` for a post that was not
    /// written (a statement failed at or before it, or the transaction could not
    /// commit): its file must take the one-file path, which reports the error as it
    /// would.
    pub async fn finish(mut self, cache: &mut ImportCache) -> AppResult<Vec<Option<Imported>>> {
        self.settle().await;
        let written = self
            .written
            .take()
            .unwrap_or_else(|| Err(AppError::Internal("an import group was lost".into())))?;
        let mut out = Vec::with_capacity(self.members.len());
        for Member { mut active, tags } in self.members {
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
                new_authors: Vec::new(),
            }));
        }
        Ok(out)
    }
}
