//! Writing one parsed file as a post, in its own transaction: a failure leaves nothing
//! of that file behind, and re-importing a file updates the post it created.

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use entity::{post, user};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, Set, StreamTrait, TransactionSession, TransactionTrait,
    TryIntoModel,
};

use super::{
    author, import_cache::ImportCache, post as posts, search::SearchDocument, series, tag,
};
use crate::{
    error::{AppError, AppResult},
    import::{ParsedPost, Trashed},
    render::{Rendered, render},
    slug,
};

/// What status imported posts get unless their front matter says draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Draft,
    Published,
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Author of posts whose front matter names no known author.
    pub default_author_id: i64,
    pub status: ImportStatus,
    /// Date for files that carry none (e.g. the file's modification time).
    pub fallback_date: DateTime<FixedOffset>,
    /// Create an AUTHOR (without a password) for an `author:` no user has; otherwise
    /// such posts belong to `default_author_id`. Creating users is for the command line
    /// and admins.
    pub create_authors: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    Updated,
    Unchanged,
}

/// What importing one file did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub outcome: Outcome,
    pub post: post::Model,
    /// The author created for the file's `author:` value (no user had that name).
    pub new_author: Option<user::Model>,
}

/// Imports one document in its own transaction (a savepoint when `db` is itself a
/// transaction, which is how a dry run rolls everything back); returns what happened and
/// the post as stored.
///
/// The post it updates is the one imported from the same `source_path`, else the one
/// with the wanted slug when that post is the same file (it has no source path, or one
/// with the same file name) or the document names its slug explicitly (as exports do).
pub async fn import_post<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    doc: &ParsedPost,
    opts: &ImportOptions,
) -> AppResult<(Outcome, post::Model)> {
    import_rendered(db, doc, &render(&doc.markdown), opts).await
}

/// [`import_post`] with the Markdown already rendered (`render(&doc.markdown)`), so a
/// bulk import can render on other threads while this one writes.
pub async fn import_rendered<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    doc: &ParsedPost,
    rendered: &Rendered,
    opts: &ImportOptions,
) -> AppResult<(Outcome, post::Model)> {
    import_with(db, doc, rendered, None, opts, None)
        .await
        .map(|i| (i.outcome, i.post))
}

/// [`import_rendered`] for bulk imports: `cache` spares most lookups (see
/// [`ImportCache`]), and `search` is the post's search document, made ahead like the
/// rendering (`SearchDocument::new(&doc.title, doc.subtitle.as_deref(), &doc.markdown)`),
/// or `None` to make it from the post only if the post is written.
/// A failure is retried once without the cache, and the cache is cleared.
pub async fn import_cached<C: TransactionTrait + ConnectionTrait + StreamTrait>(
    db: &C,
    doc: &ParsedPost,
    rendered: &Rendered,
    search: Option<&SearchDocument>,
    opts: &ImportOptions,
    cache: &mut ImportCache,
) -> AppResult<Imported> {
    let batched = match search {
        Some(search) => {
            super::import_sqlite::import_new(db, doc, rendered, search, opts, cache).await
        }
        None => Ok(None),
    };
    let tried = match batched {
        Ok(Some(done)) => return Ok(done),
        Ok(None) => import_with(db, doc, rendered, search, opts, Some(cache)).await,
        Err(e) => Err(e),
    };
    match tried {
        Ok(done) => Ok(done),
        Err(_) => {
            cache.clear();
            import_with(db, doc, rendered, search, opts, None).await
        }
    }
}

async fn import_with<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    doc: &ParsedPost,
    rendered: &Rendered,
    search: Option<&SearchDocument>,
    opts: &ImportOptions,
    mut cache: Option<&mut ImportCache>,
) -> AppResult<Imported> {
    let wanted_slug = wanted_slug(doc)?;

    let txn = db.begin().await?;
    if cache.as_ref().is_some_and(|c| c.async_commit) {
        txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF")
            .await?;
    }

    let (author_id, new_author) = match &doc.author {
        Some(name) if opts.create_authors => {
            match author::find_or_create_imported(&txn, name).await? {
                Some((u, true)) => (u.id, Some(u)),
                Some((u, false)) => (u.id, None),
                None => (opts.default_author_id, None),
            }
        }
        Some(name) => author::find_by_name(&txn, name)
            .await?
            .map_or((opts.default_author_id, None), |u| (u.id, None)),
        None => (opts.default_author_id, None),
    };

    // One query finds both the post of this file and the post holding the wanted slug.
    let candidates = if cache
        .as_ref()
        .is_some_and(|c| !c.may_exist(&doc.source_path, &wanted_slug))
    {
        Vec::new()
    } else {
        posts::find_by_source_path_or_slug(&txn, &doc.source_path, &wanted_slug).await?
    };
    let holder = candidates.iter().find(|p| p.slug == wanted_slug);
    let existing = candidates
        .iter()
        .find(|p| p.source_path.as_deref() == Some(doc.source_path.as_str()))
        .or_else(|| {
            holder.filter(|p| {
                doc.slug.is_some() || same_file(p.source_path.as_deref(), &doc.source_path)
            })
        })
        .cloned();
    let existing_id = existing.as_ref().map(|p| p.id);
    let new_slug = match &existing {
        Some(p) if doc.slug.is_none() && p.slug.starts_with(&wanted_slug) => p.slug.clone(),
        _ if holder.is_none_or(|h| Some(h.id) == existing_id) => wanted_slug.clone(),
        _ => posts::unique_slug(&txn, &wanted_slug, existing_id).await?,
    };

    let tag_slugs: Vec<String> = doc.tags.iter().map(|t| slug::slugify(t)).collect();
    let tag_ids = match cache.as_ref().and_then(|c| c.tag_ids(&tag_slugs)) {
        Some(ids) => ids,
        None => tag::find_or_create_many(&txn, &doc.tags).await?,
    };
    let series_id = match &doc.series {
        Some(title) => Some(series::find_or_create(&txn, title).await?.id),
        None => None,
    };

    let mut active = match &existing {
        Some(p) => post::ActiveModel::from(p.clone()),
        None => new_post(),
    };
    fill(
        &mut active,
        doc,
        rendered,
        opts,
        Filled {
            slug: new_slug,
            author_id,
            series_id,
            trashed_before: existing.as_ref().and_then(|p| p.deleted_at),
        },
    );

    let old_tags = match existing_id {
        Some(id) => tag::by_posts(&txn, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let tags_same = old_tags.iter().map(|t| t.id).eq(tag_ids.iter().copied());
    if let Some(p) = &existing
        && tags_same
        && active.clone().try_into_model().is_ok_and(|m| m == *p)
    {
        txn.commit().await?;
        if let Some(c) = cache.as_mut() {
            c.remember(p, tag_slugs.into_iter().zip(tag_ids));
            c.remember_names(doc, author_id, series_id);
        }
        return Ok(Imported {
            outcome: Outcome::Unchanged,
            post: p.clone(),
            new_author,
        });
    }

    let old_series = existing.as_ref().and_then(|p| p.series_id);
    let now = super::now();
    active.updated_at = Set(now);
    let (outcome, saved) = match existing {
        Some(p) => {
            active.version = Set(p.version + 1);
            (Outcome::Updated, active.update(&txn).await?)
        }
        None => {
            active.version = Set(1);
            (Outcome::Imported, active.insert(&txn).await?)
        }
    };
    if outcome == Outcome::Imported {
        tag::insert_post_tags(&txn, saved.id, &tag_ids).await?;
    } else if !tags_same {
        tag::set_post_tags(&txn, saved.id, &tag_ids).await?;
    }
    let series_touched: Vec<i64> = [old_series, series_id].into_iter().flatten().collect();
    for sid in &series_touched {
        series::renumber_by_date(&txn, *sid).await?;
    }
    // Renumbering may have moved this post's position; read it back only then.
    let saved = if series_touched.is_empty() {
        saved
    } else {
        posts::find_by_slug(&txn, &saved.slug)
            .await?
            .ok_or_else(|| AppError::Internal("imported post not found after write".into()))?
    };
    // The post's title, subtitle and Markdown are the document's, as set above.
    match search {
        Some(d) => super::search::index_document(&txn, saved.id, d).await?,
        None => super::search::index_post(&txn, &saved).await?,
    }
    txn.commit().await?;
    if let Some(c) = cache.as_mut() {
        c.remember(&saved, tag_slugs.into_iter().zip(tag_ids));
        c.remember_names(doc, author_id, series_id);
    }
    Ok(Imported {
        outcome,
        post: saved,
        new_author,
    })
}

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

/// A post not yet written (no id).
pub(super) fn new_post() -> post::ActiveModel {
    post::ActiveModel {
        version: Set(0),
        created_at: Set(super::now()),
        series_position: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    }
}

/// What [`fill`] takes from the database rather than the document.
pub(super) struct Filled {
    pub slug: String,
    pub author_id: i64,
    pub series_id: Option<i64>,
    /// When the post was put in the trash, if it is there.
    pub trashed_before: Option<DateTime<Utc>>,
}

/// Sets every field a document gives a post (all but id, version and times).
pub(super) fn fill(
    active: &mut post::ActiveModel,
    doc: &ParsedPost,
    rendered: &Rendered,
    opts: &ImportOptions,
    from_db: Filled,
) {
    let published = doc.published_at.unwrap_or(opts.fallback_date);
    // Blogs date posts to the second; sub-second parts (from file times) are dropped.
    let published_utc = published.with_timezone(&Utc).trunc_subsecs(0);
    let status = if doc.draft || opts.status == ImportStatus::Draft {
        post::Status::Draft
    } else if doc.archived {
        post::Status::Archived
    } else if published_utc > super::now() {
        post::Status::Scheduled
    } else {
        post::Status::Published
    };
    active.slug = Set(from_db.slug);
    active.title = Set(doc.title.clone());
    active.subtitle = Set(doc.subtitle.clone());
    posts::set_rendered(active, &doc.markdown, rendered, doc.excerpt.as_deref());
    active.status = Set(status);
    active.published_at = Set(Some(published_utc));
    active.published_at_offset = Set(Some(published.offset().local_minus_utc()));
    active.author_id = Set(from_db.author_id);
    active.series_id = Set(from_db.series_id);
    active.cover_image = Set(doc.cover_image.clone());
    active.canonical_url = Set(doc.canonical_url.clone());
    active.meta_description = Set(doc.meta_description.clone());
    active.front_matter = Set(serde_json::Value::Object(doc.front_matter.clone()));
    active.source_path = Set(Some(doc.source_path.clone()));
    // A file marked `trashed` puts a post in the trash; no file takes one out of it.
    if from_db.trashed_before.is_none()
        && let Some(t) = doc.trashed
    {
        active.deleted_at = Set(Some(match t {
            Trashed::At(d) => d.with_timezone(&Utc).trunc_subsecs(0),
            Trashed::Undated => super::now(),
        }));
    }
}

/// True when a post imported from `stored` may be the file now at `path`: it has no
/// source path, or one with the same file name (the folder was moved or named otherwise).
fn same_file(stored: Option<&str>, path: &str) -> bool {
    let name = |p: &str| p.rsplit(['/', '\\']).next().unwrap_or(p).to_owned();
    stored.is_none_or(|s| name(s) == name(path))
}

/// Imports files sent over the API (`importPosts`): the caller must be an editor or an
/// admin (only an admin's import creates authors for unknown `author:` names), each file gets the limits of any other write, and each is its own
/// transaction, so one bad file never stops or half-writes another.
pub async fn import_for_api(
    db: &sea_orm::DatabaseConnection,
    who: &crate::auth::Principal,
    files: &[(String, String)],
    status: ImportStatus,
) -> AppResult<Vec<(String, AppResult<(Outcome, post::Model)>)>> {
    use super::post_input::{MAX_MARKDOWN_BYTES, MAX_TAGS, MAX_TITLE_CHARS};
    crate::auth::policy::require_role(who, entity::user::Role::Editor, "import posts")?;
    if files.len() > MAX_FILES_PER_REQUEST {
        return Err(AppError::bad_input(
            "files",
            format!("at most {MAX_FILES_PER_REQUEST} files per request"),
        ));
    }
    let opts = ImportOptions {
        default_author_id: who.user_id(),
        status,
        fallback_date: super::now().fixed_offset(),
        create_authors: who.role() == entity::user::Role::Admin,
    };
    let mut results = Vec::with_capacity(files.len());
    for (path, content) in files {
        let result = async {
            let doc = crate::import::parse_bytes(path, content.as_bytes()).map_err(|e| {
                let field = match e.line {
                    Some(line) => format!("files[{path}]:{line}"),
                    None => format!("files[{path}]"),
                };
                AppError::bad_input(field, e.message)
            })?;
            if doc.title.chars().count() > MAX_TITLE_CHARS {
                return Err(AppError::bad_input(
                    format!("files[{path}]"),
                    format!("the title is longer than {MAX_TITLE_CHARS} characters"),
                ));
            }
            if doc.markdown.len() > MAX_MARKDOWN_BYTES {
                return Err(AppError::bad_input(
                    format!("files[{path}]"),
                    "the body is larger than 1 MiB",
                ));
            }
            if doc.tags.len() > MAX_TAGS {
                return Err(AppError::bad_input(
                    format!("files[{path}]"),
                    format!("more than {MAX_TAGS} tags"),
                ));
            }
            import_post(db, &doc, &opts).await
        }
        .await;
        results.push((path.clone(), result));
    }
    Ok(results)
}

/// The most files one `importPosts` call may carry (bodies are also capped at 8 MiB).
pub const MAX_FILES_PER_REQUEST: usize = 200;
