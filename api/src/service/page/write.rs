//! Writing pages: the post writes and lifecycle ([`crate::service::post::write`],
//! [`crate::service::post::lifecycle`]), each first checking that the row is a page, so
//! a page mutation never changes a post (NOT_FOUND) and roles are those of posts.

use chrono::{DateTime, FixedOffset};
use entity::{post, revision};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::load_page;
use crate::{
    auth::{Principal, Secret},
    error::{AppError, AppResult},
    service::post::{input::PostChanges, lifecycle, read, revision as revisions, write},
};

/// Creates a draft page.
pub async fn create(
    db: &DatabaseConnection,
    who: &Principal,
    changes: PostChanges,
) -> AppResult<post::Model> {
    write::create_as(db, who, post::Kind::Page, changes).await
}

/// Changes the fields given of page `id`.
pub async fn update(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected_version: i32,
    changes: PostChanges,
) -> AppResult<post::Model> {
    load_page(db, id).await?;
    write::update(db, who, id, expected_version, changes).await
}

/// What a status mutation does to a page.
#[derive(Debug, Clone, Copy)]
pub enum Transition {
    /// Publish now, or schedule for a future instant.
    Publish(Option<DateTime<FixedOffset>>),
    Unpublish,
    Archive,
    Trash,
    Restore,
}

/// Applies `t` to page `id`.
pub async fn transition(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
    t: Transition,
) -> AppResult<post::Model> {
    load_page(db, id).await?;
    match t {
        Transition::Publish(at) => lifecycle::publish(db, who, id, expected, at).await,
        Transition::Unpublish => lifecycle::unpublish(db, who, id, expected).await,
        Transition::Archive => lifecycle::archive(db, who, id, expected).await,
        Transition::Trash => lifecycle::trash(db, who, id, expected).await,
        Transition::Restore => lifecycle::restore(db, who, id, expected).await,
    }
}

/// Deletes page `id` for good (admins only); its children move to the top.
pub async fn purge(db: &DatabaseConnection, who: &Principal, id: i64) -> AppResult<post::Model> {
    load_page(db, id).await?;
    lifecycle::purge(db, who, id).await
}

/// A preview token for page `id` and when it expires (editors and its author).
pub async fn preview_token(
    db: &DatabaseConnection,
    secret: &Secret,
    who: &Principal,
    id: i64,
) -> AppResult<(String, i64)> {
    load_page(db, id).await?;
    read::preview_token(db, secret, who, id).await
}

/// Puts back the title and Markdown of a revision of a page.
pub async fn restore_revision(
    db: &DatabaseConnection,
    who: &Principal,
    revision_id: i64,
) -> AppResult<post::Model> {
    let rev = revision::Entity::find_by_id(revision_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("revision".into()))?;
    load_page(db, rev.post_id).await?;
    revisions::restore_revision(db, who, revision_id).await
}
