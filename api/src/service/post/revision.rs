//! Revisions: a post's earlier titles and Markdown, one per content-changing write, and
//! putting one back as a new version.

use entity::{post, revision};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{
    input::PostChanges,
    write::{load, update},
};
use crate::{
    auth::Principal,
    error::{AppError, AppResult},
};

/// Stores the content of `p` as written by `who` (inside the write's transaction).
pub(super) async fn record_revision<C: ConnectionTrait>(
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
        created_at: Set(crate::service::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
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

/// Every stored state of `p`'s content, newest first: for editors and its authors only.
pub async fn revisions<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    p: &post::Model,
) -> AppResult<Vec<revision::Model>> {
    if !super::authors::may_read_draft(db, who, p).await? {
        return Err(AppError::Forbidden(
            "only editors and the post's author see revisions".into(),
        ));
    }
    Ok(revision::Entity::find()
        .filter(revision::Column::PostId.eq(p.id))
        .order_by_desc(revision::Column::Version)
        .all(db)
        .await?)
}
