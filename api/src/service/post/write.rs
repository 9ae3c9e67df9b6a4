//! Writing posts: create and update (with optimistic concurrency and slug aliases),
//! each in one transaction that also stores a revision when the content changed.

use entity::{post, revision, slug_alias};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set, sea_query::Expr,
};

use super::{author, post as posts, post_input::PostChanges, series, tag};
use crate::{
    auth::{Principal, policy, rank},
    error::{AppError, AppResult},
    slug,
};

/// Tag IDs for names, creating missing tags only for those who may.
async fn resolve_tags(
    txn: &DatabaseTransaction,
    who: &Principal,
    names: &[String],
) -> AppResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let id = match tag::find_by_slug(txn, &slug::slugify(name)).await? {
            Some(t) => t.id,
            None => {
                policy::can_manage_taxonomy(who).map_err(|_| {
                    AppError::Forbidden(format!(
                        "tag {name:?} does not exist, and authors may not create tags"
                    ))
                })?;
                tag::find_or_create(txn, name).await?.id
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Series ID for a title or slug, creating it only for those who may.
async fn resolve_series(txn: &DatabaseTransaction, who: &Principal, name: &str) -> AppResult<i64> {
    let by_slug = match series::find_by_slug(txn, name).await? {
        Some(s) => Some(s),
        None => series::find_by_slug(txn, &slug::slugify(name)).await?,
    };
    match by_slug {
        Some(s) => Ok(s.id),
        None => {
            policy::can_manage_taxonomy(who).map_err(|_| {
                AppError::Forbidden(format!(
                    "series {name:?} does not exist, and authors may not create series"
                ))
            })?;
            Ok(series::find_or_create(txn, name).await?.id)
        }
    }
}

/// Fails when `wanted` is the slug or a former slug of a post other than `except`.
async fn ensure_slug_free<C: ConnectionTrait>(
    db: &C,
    wanted: &str,
    except: Option<i64>,
) -> AppResult<()> {
    let mut q = post::Entity::find().filter(post::Column::Slug.eq(wanted));
    let mut a = slug_alias::Entity::find().filter(slug_alias::Column::Slug.eq(wanted));
    if let Some(id) = except {
        q = q.filter(post::Column::Id.ne(id));
        a = a.filter(slug_alias::Column::PostId.ne(id));
    }
    if q.count(db).await? > 0 || a.count(db).await? > 0 {
        return Err(AppError::Conflict(format!(
            "the slug {wanted:?} is already used by another post"
        )));
    }
    Ok(())
}

async fn record_revision<C: ConnectionTrait>(
    db: &C,
    p: &post::Model,
    who: &Principal,
) -> AppResult<()> {
    revision::ActiveModel {
        post_id: Set(p.id),
        version: Set(p.version),
        title: Set(p.title.clone()),
        markdown: Set(p.markdown.clone()),
        editor_id: Set(Some(who.user_id())),
        editor_key: Set(who.key_id().map(str::to_owned)),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn next_series_position<C: ConnectionTrait>(db: &C, series_id: i64) -> AppResult<i32> {
    let max: Option<Option<i32>> = post::Entity::find()
        .select_only()
        .column_as(post::Column::SeriesPosition.max(), "m")
        .filter(post::Column::SeriesId.eq(series_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0) + 1)
}

/// Applies `c` to `a` and re-renders.
async fn apply(
    txn: &DatabaseTransaction,
    who: &Principal,
    a: &mut post::ActiveModel,
    current: Option<&post::Model>,
    c: &PostChanges,
) -> AppResult<()> {
    if let Some(t) = &c.title {
        a.title = Set(t.clone());
    }
    if let Some(v) = &c.subtitle {
        a.subtitle = Set(v.clone());
    }
    if let Some(v) = &c.cover_image {
        a.cover_image = Set(v.clone());
    }
    if let Some(v) = &c.canonical_url {
        a.canonical_url = Set(v.clone());
    }
    if let Some(v) = &c.meta_description {
        a.meta_description = Set(v.clone());
    }
    if let Some(v) = &c.published_at {
        a.published_at = Set(v.map(|d| d.with_timezone(&chrono::Utc)));
        a.published_at_offset = Set(v.map(|d| d.offset().local_minus_utc()));
    }
    if let Some(slug) = &c.author {
        if rank(who.role()) < rank(entity::user::Role::Editor) {
            return Err(AppError::Forbidden(
                "only editors may set another author".into(),
            ));
        }
        let u = author::find_by_slug(txn, slug)
            .await?
            .ok_or_else(|| AppError::bad_input("author", format!("no author {slug:?}")))?;
        a.author_id = Set(u.id);
    }
    if let Some(s) = &c.series {
        let new_id = match s {
            Some(name) => Some(resolve_series(txn, who, name).await?),
            None => None,
        };
        if current.and_then(|p| p.series_id) != new_id {
            a.series_id = Set(new_id);
            a.series_position = Set(match new_id {
                Some(id) => Some(next_series_position(txn, id).await?),
                None => None,
            });
        }
    }
    let markdown = c
        .markdown
        .clone()
        .or_else(|| current.map(|p| p.markdown.clone()))
        .unwrap_or_default();
    let excerpt = match &c.excerpt {
        Some(e) => e.clone(),
        None => current.and_then(|p| p.custom_excerpt.clone()),
    };
    posts::set_content(a, &markdown, excerpt.as_deref());
    Ok(())
}

pub async fn create(
    db: &DatabaseConnection,
    who: &Principal,
    changes: PostChanges,
) -> AppResult<post::Model> {
    let c = changes.validate()?;
    let title = c
        .title
        .clone()
        .ok_or_else(|| AppError::bad_input("title", "is required"))?;
    let txn = crate::db::begin_write(db).await?;
    let slug = match &c.slug {
        Some(s) => {
            ensure_slug_free(&txn, s, None).await?;
            s.clone()
        }
        None => {
            let base = Some(slug::slugify(&title))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "post".into());
            posts::unique_slug(&txn, &base, None).await?
        }
    };
    let now = super::now();
    let mut a = post::ActiveModel {
        slug: Set(slug),
        status: Set(post::Status::Draft),
        author_id: Set(who.user_id()),
        subtitle: Set(None),
        published_at: Set(None),
        published_at_offset: Set(None),
        series_id: Set(None),
        series_position: Set(None),
        cover_image: Set(None),
        canonical_url: Set(None),
        meta_description: Set(None),
        front_matter: Set(serde_json::json!({})),
        source_path: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    apply(&txn, who, &mut a, None, &c).await?;
    let tag_ids = resolve_tags(&txn, who, c.tags.as_deref().unwrap_or_default()).await?;
    let saved = a.insert(&txn).await?;
    tag::set_post_tags(&txn, saved.id, &tag_ids).await?;
    record_revision(&txn, &saved, who).await?;
    super::search::index_post(&txn, &saved).await?;
    txn.commit().await?;
    Ok(saved)
}

/// A post that exists (trashed or not), for writers.
pub async fn load<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<post::Model> {
    post::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("post".into()))
}

/// Bumps the version only if it is still `expected`: of two concurrent writers with the
/// same expected version exactly one succeeds, the other gets CONFLICT.
async fn claim_version<C: ConnectionTrait>(db: &C, id: i64, expected: i32) -> AppResult<()> {
    let res = post::Entity::update_many()
        .col_expr(post::Column::Version, Expr::value(expected + 1))
        .filter(post::Column::Id.eq(id))
        .filter(post::Column::Version.eq(expected))
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    let current = load(db, id).await?.version;
    Err(AppError::VersionConflict { expected, current })
}

pub async fn update(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected_version: i32,
    changes: PostChanges,
) -> AppResult<post::Model> {
    let c = changes.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let current = load(&txn, id).await?;
    policy::can_edit_post(who, &current)?;
    if current.deleted_at.is_some() {
        return Err(AppError::Conflict(
            "the post is in the trash; restore it first".into(),
        ));
    }
    claim_version(&txn, id, expected_version).await?;
    let mut a: post::ActiveModel = current.clone().into();
    a.version = Set(expected_version + 1);
    apply(&txn, who, &mut a, Some(&current), &c).await?;
    if let Some(new_slug) = c.slug.as_ref().filter(|s| **s != current.slug) {
        ensure_slug_free(&txn, new_slug, Some(id)).await?;
        slug_alias::Entity::delete_many()
            .filter(slug_alias::Column::Slug.eq(new_slug.as_str()))
            .exec(&txn)
            .await?;
        slug_alias::ActiveModel {
            slug: Set(current.slug.clone()),
            post_id: Set(id),
            created_at: Set(super::now()),
        }
        .insert(&txn)
        .await?;
        a.slug = Set(new_slug.clone());
    }
    a.updated_at = Set(super::now());
    let saved = a.update(&txn).await?;
    if let Some(names) = &c.tags {
        let ids = resolve_tags(&txn, who, names).await?;
        tag::set_post_tags(&txn, id, &ids).await?;
    }
    if c.touches_content() {
        record_revision(&txn, &saved, who).await?;
    }
    super::search::index_post(&txn, &saved).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Changes the status fields of a post through `change`, bumping its version.
pub async fn transition(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected_version: Option<i32>,
    change: impl FnOnce(&post::Model, &mut post::ActiveModel) -> AppResult<()>,
) -> AppResult<post::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = load(&txn, id).await?;
    policy::can_edit_post(who, &current)?;
    let expected = expected_version.unwrap_or(current.version);
    claim_version(&txn, id, expected).await?;
    let mut a: post::ActiveModel = current.clone().into();
    change(&current, &mut a)?;
    a.version = Set(expected + 1);
    a.updated_at = Set(super::now());
    posts::set_content(&mut a, &current.markdown, current.custom_excerpt.as_deref());
    let saved = a.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes a post for good, with its tags links, revisions and aliases. Admins only.
pub async fn purge(db: &DatabaseConnection, who: &Principal, id: i64) -> AppResult<post::Model> {
    policy::require_role(who, entity::user::Role::Admin, "purge posts")?;
    let txn = crate::db::begin_write(db).await?;
    let current = load(&txn, id).await?;
    super::search::remove_post(&txn, id).await?;
    post::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(current)
}

/// Puts the title and Markdown of a revision back, as a new version with its own revision.
pub async fn restore_revision(
    db: &DatabaseConnection,
    who: &Principal,
    revision_id: i64,
) -> AppResult<post::Model> {
    let rev = revision::Entity::find_by_id(revision_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("revision".into()))?;
    let current = load(db, rev.post_id).await?;
    let changes = PostChanges {
        title: Some(rev.title),
        markdown: Some(rev.markdown),
        ..Default::default()
    };
    update(db, who, current.id, current.version, changes).await
}

pub async fn revisions<C: ConnectionTrait>(
    db: &C,
    post_id: i64,
) -> AppResult<Vec<revision::Model>> {
    use sea_orm::QueryOrder;
    Ok(revision::Entity::find()
        .filter(revision::Column::PostId.eq(post_id))
        .order_by_desc(revision::Column::Version)
        .all(db)
        .await?)
}

fn not_trashed(p: &post::Model) -> AppResult<()> {
    if p.deleted_at.is_some() {
        return Err(AppError::Conflict(
            "the post is in the trash; restore it first".into(),
        ));
    }
    Ok(())
}

/// Publishes now, or schedules for `at` when it lies in the future. Without `at`, a post
/// that was published before keeps its date.
pub async fn publish(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
    at: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> AppResult<post::Model> {
    let now = super::now();
    transition(db, who, id, expected, |p, a| {
        not_trashed(p)?;
        let (when, offset) = match at {
            Some(d) => (d.with_timezone(&chrono::Utc), d.offset().local_minus_utc()),
            None => match (p.published_at, p.status) {
                (Some(prev), s) if prev <= now && s != post::Status::Scheduled => {
                    (prev, p.published_at_offset.unwrap_or(0))
                }
                _ => (
                    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::seconds(1))
                        .unwrap_or(now),
                    0,
                ),
            },
        };
        a.status = Set(if when > now {
            post::Status::Scheduled
        } else {
            post::Status::Published
        });
        a.published_at = Set(Some(when));
        a.published_at_offset = Set(Some(offset));
        Ok(())
    })
    .await
}

/// Back to draft; the publication date is kept for a later re-publish.
pub async fn unpublish(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
) -> AppResult<post::Model> {
    transition(db, who, id, expected, |p, a| {
        not_trashed(p)?;
        a.status = Set(post::Status::Draft);
        Ok(())
    })
    .await
}

pub async fn archive(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
) -> AppResult<post::Model> {
    transition(db, who, id, expected, |p, a| {
        not_trashed(p)?;
        a.status = Set(post::Status::Archived);
        Ok(())
    })
    .await
}

/// Moves a post to the trash (soft delete).
pub async fn trash(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
) -> AppResult<post::Model> {
    let now = super::now();
    transition(db, who, id, expected, |p, a| {
        not_trashed(p)?;
        a.deleted_at = Set(Some(now));
        Ok(())
    })
    .await
}

pub async fn restore(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
) -> AppResult<post::Model> {
    transition(db, who, id, expected, |p, a| {
        if p.deleted_at.is_none() {
            return Err(AppError::Conflict("the post is not in the trash".into()));
        }
        a.deleted_at = Set(None);
        Ok(())
    })
    .await
}
