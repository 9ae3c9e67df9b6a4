//! Writing posts: create and update (with optimistic concurrency and slug aliases),
//! each in one transaction that also stores a revision when the content changed.

use entity::{post, slug_alias};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set, sea_query::Expr,
};

use super::{
    authors,
    flags::{self, FlagsInFrontMatter},
    input::PostChanges,
    lifecycle,
    revision::record_revision,
};
use crate::service::{
    author, category, media, page, post as posts, search, series, tag, webhook::outbox,
};
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

/// The authors `c` gives a post whose authors are `current` (none for a new post), in
/// order; `None` leaves them as they are. A new post without any is the caller's.
async fn resolve_authors(
    txn: &DatabaseTransaction,
    who: &Principal,
    current: &[i64],
    c: &PostChanges,
) -> AppResult<Option<Vec<i64>>> {
    if let Some(ids) = &c.authors {
        authors::check(txn, who, ids).await?;
        return Ok(Some(ids.clone()));
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
        let rest = current.iter().copied().filter(|&id| id != u.id);
        return Ok(Some(std::iter::once(u.id).chain(rest).collect()));
    }
    Ok(current.is_empty().then(|| vec![who.user_id()]))
}

/// Applies `c` to `a` (a row of `kind`) and re-renders.
async fn apply(
    txn: &DatabaseTransaction,
    who: &Principal,
    kind: post::Kind,
    a: &mut post::ActiveModel,
    current: Option<&post::Model>,
    c: &PostChanges,
) -> AppResult<()> {
    page::check_kind_fields(kind, c)?;
    if let Some(parent) = &c.parent {
        a.parent_id = Set(match parent {
            Some(slug) => {
                Some(page::rules::resolve_parent(txn, current.map(|p| p.id), slug).await?)
            }
            None => None,
        });
    }
    if let Some(order) = c.menu_order {
        a.menu_order = Set(order);
    }
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
    if let Some(slug) = &c.category {
        a.category_id = Set(match slug {
            Some(s) => Some(category::id_by_slug(txn, s, "category").await?),
            None => None,
        });
    }
    let mut flags = current.map(flags::of).unwrap_or_default();
    if let Some(fm) = &c.front_matter {
        if let Some(map) = fm.as_object() {
            flags = FlagsInFrontMatter::read(map).over(flags);
        }
        a.front_matter = Set(fm.clone());
    }
    let typed = FlagsInFrontMatter {
        pinned: c.pinned,
        featured: c.featured,
        comments_enabled: c.comments_enabled,
    };
    flags::set(a, typed.over(flags));
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
    create_as(db, who, post::Kind::Post, changes).await
}

/// Creates a draft post or page (`kind`).
pub async fn create_as(
    db: &DatabaseConnection,
    who: &Principal,
    kind: post::Kind,
    mut changes: PostChanges,
) -> AppResult<post::Model> {
    media::reference::resolve(db, "coverImage", &mut changes.cover_image).await?;
    let c = changes.validate()?;
    let title = c
        .title
        .clone()
        .ok_or_else(|| AppError::bad_input("title", "is required"))?;
    let txn = crate::db::begin_write(db).await?;
    let watch = outbox::watch_post(&txn, None).await?;
    let slug = match &c.slug {
        Some(s) => {
            ensure_slug_free(&txn, s, None).await?;
            s.clone()
        }
        None => {
            let base = Some(slug::slugify(&title))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| match kind {
                    post::Kind::Post => "post".into(),
                    post::Kind::Page => "page".into(),
                });
            posts::unique_slug(&txn, &base, None).await?
        }
    };
    let now = crate::service::now();
    let mut a = post::ActiveModel {
        slug: Set(slug),
        kind: Set(kind),
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
    apply(&txn, who, kind, &mut a, None, &c).await?;
    let author_ids = resolve_authors(&txn, who, &[], &c)
        .await?
        .unwrap_or_else(|| vec![who.user_id()]);
    a.author_id = Set(author_ids[0]);
    let tag_ids = resolve_tags(&txn, who, c.tags.as_deref().unwrap_or_default()).await?;
    let mut saved = a.insert(&txn).await?;
    authors::insert(&txn, saved.id, &author_ids).await?;
    if let Some(fm) = &c.front_matter {
        posts::content::keep_json_order(&txn, &mut saved, fm, None).await?;
    }
    tag::set_post_tags(&txn, saved.id, &tag_ids).await?;
    record_revision(&txn, &saved, who).await?;
    search::index_post(&txn, &saved).await?;
    watch.written(&txn, Some(&saved)).await?;
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
pub(super) async fn claim_version<C: ConnectionTrait>(
    db: &C,
    id: i64,
    expected: i32,
) -> AppResult<()> {
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
    mut changes: PostChanges,
) -> AppResult<post::Model> {
    media::reference::resolve(db, "coverImage", &mut changes.cover_image).await?;
    let c = changes.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let current = load(&txn, id).await?;
    let watch = outbox::watch_post(&txn, Some(&current)).await?;
    authors::may_edit(&txn, who, &current).await?;
    lifecycle::not_trashed(&current)?;
    claim_version(&txn, id, expected_version).await?;
    let mut a: post::ActiveModel = current.clone().into();
    a.version = Set(expected_version + 1);
    apply(&txn, who, current.kind, &mut a, Some(&current), &c).await?;
    let new_authors = if c.authors.is_some() || c.author.is_some() {
        let now = authors::ids_of(&txn, id).await?;
        resolve_authors(&txn, who, &now, &c).await?
    } else {
        None
    };
    if let Some(ids) = &new_authors {
        a.author_id = Set(ids[0]);
    }
    if let Some(new_slug) = c.slug.as_ref().filter(|s| **s != current.slug) {
        ensure_slug_free(&txn, new_slug, Some(id)).await?;
        slug_alias::Entity::delete_many()
            .filter(slug_alias::Column::Slug.eq(new_slug.as_str()))
            .exec(&txn)
            .await?;
        slug_alias::ActiveModel {
            slug: Set(current.slug.clone()),
            post_id: Set(id),
            created_at: Set(crate::service::now()),
        }
        .insert(&txn)
        .await?;
        a.slug = Set(new_slug.clone());
    }
    a.updated_at = Set(crate::service::now());
    let mut saved = a.update(&txn).await?;
    if let Some(fm) = &c.front_matter {
        posts::content::keep_json_order(&txn, &mut saved, fm, None).await?;
    }
    if let Some(names) = &c.tags {
        let ids = resolve_tags(&txn, who, names).await?;
        tag::set_post_tags(&txn, id, &ids).await?;
    }
    if let Some(ids) = &new_authors {
        authors::replace(&txn, id, ids).await?;
    }
    if c.touches_content() {
        record_revision(&txn, &saved, who).await?;
    }
    search::index_post(&txn, &saved).await?;
    watch.written(&txn, Some(&saved)).await?;
    txn.commit().await?;
    Ok(saved)
}
