//! The rules of a page's fields, checked before anything is written: a page has no tags,
//! no series and no category; only a page has a parent and a menu order; a parent is a page, and
//! never the page itself or one of its descendants.

use entity::post;
use sea_orm::ConnectionTrait;

use super::tree::ancestor_ids;
use crate::{
    error::{AppError, AppResult},
    service::post::{find_by_slug, input::PostChanges},
};

/// Refuses fields that a row of `kind` cannot have.
pub fn check_kind_fields(kind: post::Kind, c: &PostChanges) -> AppResult<()> {
    match kind {
        post::Kind::Page => {
            if c.tags.as_ref().is_some_and(|t| !t.is_empty()) {
                return Err(AppError::bad_input(
                    "tags",
                    "a page has no tags (tags belong to posts)",
                ));
            }
            if matches!(c.series, Some(Some(_))) {
                return Err(AppError::bad_input(
                    "series",
                    "a page is not part of a series (series hold posts)",
                ));
            }
            if matches!(c.category, Some(Some(_))) {
                return Err(AppError::bad_input(
                    "category",
                    "a page is in no category (categories hold posts)",
                ));
            }
        }
        post::Kind::Post => {
            if matches!(c.parent, Some(Some(_))) {
                return Err(AppError::bad_input(
                    "parent",
                    "only a page has a parent page",
                ));
            }
            if c.menu_order.is_some() {
                return Err(AppError::bad_input(
                    "menuOrder",
                    "only a page has a menu order",
                ));
            }
        }
    }
    Ok(())
}

/// The ID of the parent page named by `slug` for page `id` (`None` for a new page):
/// BAD_USER_INPUT when no page has that slug, or when the page would become its own
/// ancestor.
pub async fn resolve_parent<C: ConnectionTrait>(
    db: &C,
    id: Option<i64>,
    slug: &str,
) -> AppResult<i64> {
    let parent = find_by_slug(db, slug)
        .await?
        .filter(|p| p.kind == post::Kind::Page)
        .ok_or_else(|| AppError::bad_input("parent", format!("no page has the slug {slug:?}")))?;
    if let Some(id) = id {
        ensure_no_cycle(db, id, parent.id).await?;
    }
    Ok(parent.id)
}

/// Refuses `parent` as the parent of page `id` when `parent` is `id` or lies below it.
pub async fn ensure_no_cycle<C: ConnectionTrait>(db: &C, id: i64, parent: i64) -> AppResult<()> {
    if parent == id || ancestor_ids(db, parent).await?.contains(&id) {
        return Err(AppError::bad_input(
            "parent",
            "a page cannot be its own parent or the parent of one of its ancestors",
        ));
    }
    Ok(())
}
