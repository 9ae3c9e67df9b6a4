//! A post's fields from a prepared file: the slug it asks for, and every column a file
//! gives a post. Both writers (one file, or a group) fill posts here, so they store the
//! same rows.

use chrono::{DateTime, SubsecRound, Utc};
use entity::post;
use sea_orm::Set;

use super::{ImportOptions, ImportStatus, PreparedFile};
use crate::{
    error::{AppError, AppResult},
    import::{ParsedPost, Trashed},
    service::{now, post as posts},
    slug,
};

/// The slug a document asks for: its `slug` (which must be valid), else one made from
/// its title.
pub(super) fn wanted_slug(doc: &ParsedPost) -> AppResult<String> {
    Ok(match &doc.slug {
        Some(s) => {
            let s = slug::slugify(s);
            slug::validate(&s).map_err(|m| AppError::bad_input("slug", m))?;
            s
        }
        None => Some(slug::slugify(&doc.title))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "post".to_owned()),
    })
}

/// A post's authors from what each of its document's author names resolved to (in
/// order; `None` for a name that names nobody): those found, without repeats, else the
/// run's default author. Both writers take their authors from here.
pub(super) fn author_list(resolved: &[Option<i64>], default_author_id: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::with_capacity(resolved.len().max(1));
    for id in resolved.iter().flatten() {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.is_empty() {
        ids.push(default_author_id);
    }
    ids
}

/// A post not yet written (no id).
pub(super) fn new_post() -> post::ActiveModel {
    post::ActiveModel {
        version: Set(0),
        created_at: Set(now()),
        series_position: Set(None),
        deleted_at: Set(None),
        // What the database would default to: a group reads its new posts back from
        // these values, so every column must be set.
        kind: Set(post::Kind::Post),
        parent_id: Set(None),
        menu_order: Set(0),
        category_id: Set(None),
        ..Default::default()
    }
}

/// What [`fill`] takes from the database rather than the document.
pub(super) struct Filled {
    pub slug: String,
    /// The primary author (the first of [`author_list`]).
    pub author_id: i64,
    pub series_id: Option<i64>,
    /// The category the document's path resolved to.
    pub category_id: Option<i64>,
    /// When the post was put in the trash, if it is there.
    pub trashed_before: Option<DateTime<Utc>>,
    /// The date (UTC, and its offset in seconds) the post already has: a file that gives
    /// none keeps it, so importing an undated file again does not move its post.
    pub dated_before: Option<(DateTime<Utc>, i32)>,
}

/// Sets every field a file gives a post (all but id, version and times).
pub(super) fn fill(
    active: &mut post::ActiveModel,
    file: &PreparedFile,
    opts: &ImportOptions,
    from_db: Filled,
) {
    let doc = &file.doc;
    let (published_utc, offset) = match (doc.published_at, from_db.dated_before) {
        (None, Some(kept)) => kept,
        (given, _) => {
            let published = given.unwrap_or(file.fallback_date);
            // Blogs date posts to the second; sub-second parts (from file times) are
            // dropped.
            (
                published.with_timezone(&Utc).trunc_subsecs(0),
                published.offset().local_minus_utc(),
            )
        }
    };
    let status = if doc.draft || opts.status == ImportStatus::Draft {
        post::Status::Draft
    } else if doc.archived {
        post::Status::Archived
    } else if published_utc > now() {
        post::Status::Scheduled
    } else {
        post::Status::Published
    };
    active.slug = Set(from_db.slug);
    active.title = Set(doc.title.clone());
    active.subtitle = Set(doc.subtitle.clone());
    posts::set_rendered(
        active,
        &doc.markdown,
        &file.rendered,
        doc.excerpt.as_deref(),
    );
    active.status = Set(status);
    active.published_at = Set(Some(published_utc));
    active.published_at_offset = Set(Some(offset));
    active.author_id = Set(from_db.author_id);
    active.series_id = Set(from_db.series_id);
    active.category_id = Set(from_db.category_id);
    active.cover_image = Set(doc.cover_image.clone());
    active.canonical_url = Set(doc.canonical_url.clone());
    active.meta_description = Set(doc.meta_description.clone());
    active.front_matter = Set(serde_json::Value::Object(doc.front_matter.clone()));
    posts::flags::set(
        active,
        posts::flags::FlagsInFrontMatter::read(&doc.front_matter).over(Default::default()),
    );
    active.source_path = Set(Some(doc.source_path.clone()));
    // A page's parent is linked once every file of the import is written
    // (`super::pages::link_parents`); a post has none.
    match &doc.page {
        Some(page) => {
            active.kind = Set(post::Kind::Page);
            active.menu_order = Set(page.menu_order);
        }
        None => {
            active.kind = Set(post::Kind::Post);
            active.parent_id = Set(None);
            active.menu_order = Set(0);
        }
    }
    // A file marked `trashed` puts a post in the trash; no file takes one out of it.
    if from_db.trashed_before.is_none()
        && let Some(t) = doc.trashed
    {
        active.deleted_at = Set(Some(match t {
            Trashed::At(d) => d.with_timezone(&Utc).trunc_subsecs(0),
            Trashed::Undated => now(),
        }));
    }
}

/// True when a post imported from `stored` may be the file now at `path`: it has no
/// source path, or one with the same file name (the folder was moved or named otherwise).
pub(super) fn same_file(stored: Option<&str>, path: &str) -> bool {
    let name = |p: &str| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned();
    stored.is_none_or(|s| name(s) == name(path))
}
