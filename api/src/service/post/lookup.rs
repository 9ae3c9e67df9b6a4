//! Finding posts by what identifies them: slug (current or former), source path, and a
//! post together with its author and series in one statement.

use entity::{post, series, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select,
};

use crate::error::AppResult;

pub async fn count_all<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    Ok(post::Entity::find().count(db).await?)
}

pub async fn find_by_source_path<C: ConnectionTrait>(
    db: &C,
    path: &str,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::SourcePath.eq(path))
        .one(db)
        .await?)
}

/// The posts whose source path is `path` or whose slug is `slug` (at most two).
pub async fn find_by_source_path_or_slug<C: ConnectionTrait>(
    db: &C,
    path: &str,
    slug: &str,
) -> AppResult<Vec<post::Model>> {
    Ok(post::Entity::find()
        .filter(
            Condition::any()
                .add(post::Column::SourcePath.eq(path))
                .add(post::Column::Slug.eq(slug)),
        )
        .all(db)
        .await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A post with its author and its series (when it has one), read in one statement: a
/// post page shows all three, and each would otherwise be a statement of its own.
pub struct WithParents {
    pub post: post::Model,
    pub author: Option<user::Model>,
    pub series: Option<series::Model>,
}

/// The post `q` finds, with its parents (LEFT JOINs on the author and the series).
pub async fn one_with_parents<C: ConnectionTrait>(
    db: &C,
    q: Select<post::Entity>,
) -> AppResult<Option<WithParents>> {
    let row = q
        .find_also_related(user::Entity)
        .find_also_related(series::Entity)
        .one(db)
        .await?;
    Ok(row.map(|(post, author, series)| WithParents {
        post,
        author,
        series,
    }))
}

/// The post with `slug`, or the post that had it before a rename, with its parents.
pub async fn find_by_slug_or_alias<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<WithParents>> {
    let by_slug = post::Entity::find().filter(post::Column::Slug.eq(slug));
    if let Some(p) = one_with_parents(db, by_slug).await? {
        return Ok(Some(p));
    }
    let alias = entity::slug_alias::Entity::find_by_id(slug.to_owned())
        .one(db)
        .await?;
    match alias {
        Some(a) => one_with_parents(db, post::Entity::find_by_id(a.post_id)).await,
        None => Ok(None),
    }
}
