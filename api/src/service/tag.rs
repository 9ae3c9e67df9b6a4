//! Tags: lookups, counts of visible posts, and find-or-create by name.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{post_tag, tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder},
};

use super::post::visibility::publicly_listed;
use crate::{error::AppResult, slug::slugify};

pub async fn find_by_slug<C: ConnectionTrait>(db: &C, slug: &str) -> AppResult<Option<tag::Model>> {
    Ok(tag::Entity::find()
        .filter(tag::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A tag with its count of publicly visible posts (see [`by_slug_with_count`]).
#[derive(FromQueryResult)]
struct TagWithCount {
    post_count: i64,
    #[sea_orm(nested)]
    tag: tag::Model,
}

/// The tag with this slug and its count of publicly visible posts, in one statement (a
/// tag page asks for both, one after the other, before anything else).
pub async fn by_slug_with_count<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<(tag::Model, i64)>> {
    let count = Query::select()
        .expr(post_tag::Column::PostId.count())
        .from(post_tag::Entity)
        .cond_where(publicly_listed(now))
        .and_where(
            Expr::col((post_tag::Entity, post_tag::Column::TagId))
                .equals((tag::Entity, tag::Column::Id)),
        )
        .to_owned();
    let row = tag::Entity::find()
        .filter(tag::Column::Slug.eq(slug))
        .column_as(
            Expr::SubQuery(None, Box::new(count.into_sub_query_statement())),
            "post_count",
        )
        .into_model::<TagWithCount>()
        .one(db)
        .await?;
    Ok(row.map(|r| (r.tag, r.post_count)))
}

pub async fn find_by_ids<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<Vec<tag::Model>> {
    Ok(tag::Entity::find()
        .filter(tag::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

pub async fn all<C: ConnectionTrait>(db: &C) -> AppResult<Vec<tag::Model>> {
    Ok(tag::Entity::find()
        .order_by_asc(tag::Column::Name)
        .order_by_asc(tag::Column::Id)
        .all(db)
        .await?)
}

/// A tag with the post it was read for (see [`by_posts`]).
#[derive(FromQueryResult)]
struct TagOfPost {
    post_id: i64,
    #[sea_orm(nested)]
    tag: tag::Model,
}

/// The tags of each post, in the post's order: one query for any number of posts. Only
/// the tags' columns and each link's post are read (not the rest of the link).
pub async fn by_posts<C: ConnectionTrait>(
    db: &C,
    post_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<tag::Model>>> {
    let rows = tag::Entity::find()
        .inner_join(post_tag::Entity)
        .column(post_tag::Column::PostId)
        .filter(post_tag::Column::PostId.is_in(post_ids.iter().copied()))
        .order_by_asc(post_tag::Column::PostId)
        .order_by_asc(post_tag::Column::Position)
        .into_model::<TagOfPost>()
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<tag::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.post_id).or_default().push(row.tag);
    }
    Ok(map)
}

/// Publicly visible posts per tag; tags without any are absent. `None` counts every tag.
/// Counted from the links alone (see [`publicly_listed`]).
pub async fn public_post_counts<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    tag_ids: Option<&[i64]>,
) -> AppResult<HashMap<i64, i64>> {
    let mut q = post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::TagId)
        .column_as(post_tag::Column::PostId.count(), "n")
        .filter(publicly_listed(now))
        .group_by(post_tag::Column::TagId);
    if let Some(ids) = tag_ids {
        q = q.filter(post_tag::Column::TagId.is_in(ids.iter().copied()));
    }
    let rows: Vec<(i64, i64)> = q.into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}

/// The tag whose slug is the slug of `name`, created when missing.
pub async fn find_or_create<C: ConnectionTrait>(db: &C, name: &str) -> AppResult<tag::Model> {
    let slug = slugify(name);
    if let Some(t) = find_by_slug(db, &slug).await? {
        return Ok(t);
    }
    let now = super::now();
    Ok(tag::ActiveModel {
        slug: Set(slug),
        name: Set(name.trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The ids of the tags named `names` (by slug), in order, creating the missing ones: one
/// query when all exist.
pub async fn find_or_create_many<C: ConnectionTrait>(
    db: &C,
    names: &[String],
) -> AppResult<Vec<i64>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let slugs: Vec<String> = names.iter().map(|n| slugify(n)).collect();
    let found: HashMap<String, i64> = tag::Entity::find()
        .filter(tag::Column::Slug.is_in(slugs.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.id))
        .collect();
    let mut ids = Vec::with_capacity(names.len());
    for (name, slug) in names.iter().zip(&slugs) {
        ids.push(match found.get(slug) {
            Some(&id) => id,
            None => find_or_create(db, name).await?.id,
        });
    }
    Ok(ids)
}

/// Links a new post (one without tags yet) to `tag_ids`, in that order.
pub async fn insert_post_tags<C: ConnectionTrait>(
    db: &C,
    post_id: i64,
    tag_ids: &[i64],
) -> AppResult<()> {
    if tag_ids.is_empty() {
        return Ok(());
    }
    let links = tag_ids
        .iter()
        .enumerate()
        .map(|(i, &tag_id)| post_tag::ActiveModel {
            post_id: Set(post_id),
            tag_id: Set(tag_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            ..Default::default()
        });
    post_tag::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

/// Replaces the tags of a post with `tag_ids`, in that order.
pub async fn set_post_tags<C: ConnectionTrait>(
    db: &C,
    post_id: i64,
    tag_ids: &[i64],
) -> AppResult<()> {
    post_tag::Entity::delete_many()
        .filter(post_tag::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    insert_post_tags(db, post_id, tag_ids).await
}
