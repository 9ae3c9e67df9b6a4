//! What a bulk import remembers between files so most files cost only their writes:
//! every post's slug and source path (loaded once, kept up to date as files commit) and
//! the ids of tags, series, authors and category paths already seen. A file whose path and slug are both unknown skips the
//! lookup; any failure is retried once without the cache, which is then dropped, so a
//! concurrent writer can cost speed but never correctness.

use std::collections::HashMap;

use entity::post;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, QuerySelect};

use crate::error::AppResult;

/// Slugs and source paths of the posts that exist.
#[derive(Debug, Default)]
struct PostIndex {
    slugs: std::collections::HashSet<String>,
    paths: std::collections::HashSet<String>,
}

/// See the module docs. Build it with [`ImportCache::load`] at the start of a run.
#[derive(Debug, Default)]
pub struct ImportCache {
    posts: Option<PostIndex>,
    tags: HashMap<String, i64>,
    /// Front-matter author names → the user they resolved to (`None`: nobody, a
    /// placeholder or an unknown name the run may not create).
    authors: HashMap<String, Option<i64>>,
    /// Series slugs → ids.
    series: HashMap<String, i64>,
    /// Category paths (names, top first) → the category they resolved to.
    categories: HashMap<Vec<String>, i64>,
    /// PostgreSQL commits without waiting for the WAL flush (`synchronous_commit =
    /// off` for the import's transactions): each file stays atomic and the database
    /// consistent; an operating-system crash may forget the last files, which running
    /// the import again brings back.
    pub(super) async_commit: bool,
}

impl ImportCache {
    /// Loads the slugs and source paths of every post (one query).
    pub async fn load<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        let rows: Vec<(String, Option<String>)> = post::Entity::find()
            .select_only()
            .column(post::Column::Slug)
            .column(post::Column::SourcePath)
            .into_tuple()
            .all(db)
            .await?;
        let mut index = PostIndex::default();
        for (slug, path) in rows {
            index.slugs.insert(slug);
            index.paths.extend(path);
        }
        Ok(Self {
            posts: Some(index),
            async_commit: db.get_database_backend() == DbBackend::Postgres,
            ..Self::default()
        })
    }

    /// The source paths of the posts that existed when the cache was loaded.
    pub fn known_paths(&self) -> std::collections::HashSet<String> {
        self.posts
            .as_ref()
            .map(|i| i.paths.clone())
            .unwrap_or_default()
    }

    /// False only when no post has this source path or this slug.
    pub(super) fn may_exist(&self, path: &str, slug: &str) -> bool {
        self.posts
            .as_ref()
            .is_none_or(|i| i.paths.contains(path) || i.slugs.contains(slug))
    }

    /// The ids of these tag slugs, when all are known.
    pub(super) fn tag_ids(&self, slugs: &[String]) -> Option<Vec<i64>> {
        slugs.iter().map(|s| self.tags.get(s).copied()).collect()
    }

    /// The users these author names resolved to (in order, `None` for a name that
    /// names nobody), when all are known.
    pub(super) fn author_ids(&self, names: &[String]) -> Option<Vec<Option<i64>>> {
        names.iter().map(|n| self.authors.get(n).copied()).collect()
    }

    /// The id of the series with this slug, when known.
    pub(super) fn series_id(&self, slug: &str) -> Option<i64> {
        self.series.get(slug).copied()
    }

    /// The category a document's category path resolved to: `Some(None)` for no
    /// path, `None` when not known yet.
    pub(super) fn category_id(&self, path: &[String]) -> Option<Option<i64>> {
        if path.is_empty() {
            return Some(None);
        }
        self.categories.get(path).map(|&id| Some(id))
    }

    /// Records what a committed document's authors (`resolved`, one per name), series
    /// and category resolved to.
    pub(super) fn remember_names(
        &mut self,
        doc: &crate::import::ParsedPost,
        resolved: &[Option<i64>],
        series_id: Option<i64>,
        category_id: Option<i64>,
    ) {
        if let Some(id) = category_id
            && !doc.category_path.is_empty()
        {
            self.categories.insert(doc.category_path.clone(), id);
        }
        for (name, id) in doc.authors.iter().zip(resolved) {
            self.authors.insert(name.clone(), *id);
        }
        if let (Some(title), Some(id)) = (&doc.series, series_id) {
            self.series.insert(crate::slug::slugify(title), id);
        }
    }

    /// Records a committed post and its tags.
    pub(super) fn remember(
        &mut self,
        saved: &post::Model,
        tags: impl IntoIterator<Item = (String, i64)>,
    ) {
        if let Some(i) = &mut self.posts {
            i.slugs.insert(saved.slug.clone());
            i.paths.extend(saved.source_path.clone());
        }
        self.tags.extend(tags);
    }

    /// Takes slugs and source paths a group is writing (see
    /// [`super::writer::Group::send`]): from now on [`Self::may_exist`] is true for
    /// them, as it is once they are written (if a file fails, a later file with its slug
    /// or path only takes the ordinary path, which looks in the database).
    pub(super) fn reserve(
        &mut self,
        slugs: &std::collections::HashSet<String>,
        paths: &std::collections::HashSet<String>,
    ) {
        if let Some(i) = &mut self.posts {
            i.slugs.extend(slugs.iter().cloned());
            i.paths.extend(paths.iter().cloned());
        }
    }

    /// Forgets everything; later files are looked up in the database.
    pub(super) fn clear(&mut self) {
        self.posts = None;
        self.tags.clear();
        self.authors.clear();
        self.series.clear();
        self.categories.clear();
    }
}
