//! Reading one post with the caller in mind: the public sees published posts; editors
//! and a post's author also see its drafts and trash; a preview token opens one draft.

use chrono::{DateTime, Utc};
use entity::post;

use super::{
    lookup::{WithParents, find_by_slug_or_alias, one_with_parents},
    visibility::is_public,
};
use crate::{
    auth::{Principal, Secret, policy, token},
    error::{AppError, AppResult},
};

/// How a post is asked for.
pub enum PostRef<'a> {
    Id(i64),
    /// The current slug or a former one.
    Slug(&'a str),
}

/// The post (not a page: see [`crate::service::page`]), with its author and series, if
/// it exists and the caller may read it (unreadable looks like missing).
pub async fn find_readable<C: sea_orm::ConnectionTrait>(
    db: &C,
    who: Option<&Principal>,
    now: DateTime<Utc>,
    by: PostRef<'_>,
) -> AppResult<Option<WithParents>> {
    Ok(find_readable_row(db, who, now, by)
        .await?
        .filter(|f| f.post.kind == post::Kind::Post))
}

/// [`find_readable`] for a row of either kind, post or page.
pub async fn find_readable_row<C: sea_orm::ConnectionTrait>(
    db: &C,
    who: Option<&Principal>,
    now: DateTime<Utc>,
    by: PostRef<'_>,
) -> AppResult<Option<WithParents>> {
    use sea_orm::EntityTrait;
    let found = match by {
        PostRef::Id(id) => one_with_parents(db, post::Entity::find_by_id(id)).await?,
        PostRef::Slug(s) => find_by_slug_or_alias(db, s).await?,
    };
    let Some(f) = found else {
        return Ok(None);
    };
    if is_public(&f.post, now) {
        return Ok(Some(f));
    }
    Ok(match who {
        Some(w) if super::authors::may_read_draft(db, w, &f.post).await? => Some(f),
        _ => None,
    })
}

/// Whether `who` may read `p` at `now` knowing only its primary author: the public sees
/// published rows; editors and the primary author also drafts and trash. (A co-author's
/// right to a draft needs their byline: [`super::authors::may_read_draft`].) For pages
/// reached through another page (parents, children, breadcrumbs).
pub fn may_read(who: Option<&Principal>, now: DateTime<Utc>, p: &post::Model) -> bool {
    is_public(p, now) || who.is_some_and(|w| policy::can_read_draft(w, &[p.author_id]))
}

/// The post a preview token opens (any status, not the trash), with its author and
/// series.
pub async fn find_by_preview<C: sea_orm::ConnectionTrait>(
    db: &C,
    secret: &Secret,
    preview: &str,
) -> AppResult<Option<WithParents>> {
    Ok(find_row_by_preview(db, secret, preview)
        .await?
        .filter(|f| f.post.kind == post::Kind::Post))
}

/// [`find_by_preview`] for a row of either kind, post or page.
pub async fn find_row_by_preview<C: sea_orm::ConnectionTrait>(
    db: &C,
    secret: &Secret,
    preview: &str,
) -> AppResult<Option<WithParents>> {
    use sea_orm::EntityTrait;
    let id = token::verify_preview(preview, secret, Utc::now().timestamp())?;
    Ok(one_with_parents(db, post::Entity::find_by_id(id))
        .await?
        .filter(|f| f.post.deleted_at.is_none()))
}

/// A token that opens post `id` to anyone holding it, for an hour, and when it expires
/// (Unix seconds): for editors and the post's authors only.
pub async fn preview_token<C: sea_orm::ConnectionTrait>(
    db: &C,
    secret: &Secret,
    who: &Principal,
    id: i64,
) -> AppResult<(String, i64)> {
    let p = super::write::load(db, id).await?;
    if !super::authors::may_read_draft(db, who, &p).await? {
        return Err(AppError::Forbidden(
            "authors may preview only their own posts".into(),
        ));
    }
    token::issue_preview(secret, p.id, Utc::now().timestamp())
}
