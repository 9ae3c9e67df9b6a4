//! A post's life after it is written: publish (now or scheduled), unpublish, archive,
//! trash, restore and purge, each a status change in one transaction that bumps the
//! version.

use entity::post;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

use super::write::{claim_version, load};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service::{now, post as posts, search, webhook::outbox},
};

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
    let watch = outbox::watch_post(&txn, Some(&current)).await?;
    super::authors::may_edit(&txn, who, &current).await?;
    let expected = expected_version.unwrap_or(current.version);
    claim_version(&txn, id, expected).await?;
    let mut a: post::ActiveModel = current.clone().into();
    change(&current, &mut a)?;
    a.version = Set(expected + 1);
    a.updated_at = Set(now());
    posts::set_content(&mut a, &current.markdown, current.custom_excerpt.as_deref());
    let saved = a.update(&txn).await?;
    watch.written(&txn, Some(&saved)).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes a post for good, with its tags links, revisions and aliases. Admins only.
pub async fn purge(db: &DatabaseConnection, who: &Principal, id: i64) -> AppResult<post::Model> {
    policy::require_role(who, entity::user::Role::Admin, "purge posts")?;
    let txn = crate::db::begin_write(db).await?;
    let current = load(&txn, id).await?;
    let watch = outbox::watch_post(&txn, Some(&current)).await?;
    search::remove_post(&txn, id).await?;
    post::Entity::delete_by_id(id).exec(&txn).await?;
    watch.written(&txn, None).await?;
    txn.commit().await?;
    Ok(current)
}

/// Refuses a change to a post in the trash.
pub(super) fn not_trashed(p: &post::Model) -> AppResult<()> {
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
    let now = now();
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
    set_status(db, who, id, expected, post::Status::Draft).await
}

/// Out of the public's sight, kept as it is.
pub async fn archive(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
) -> AppResult<post::Model> {
    set_status(db, who, id, expected, post::Status::Archived).await
}

/// Gives a post that is not in the trash another status, its dates untouched.
async fn set_status(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    expected: Option<i32>,
    status: post::Status,
) -> AppResult<post::Model> {
    transition(db, who, id, expected, |p, a| {
        not_trashed(p)?;
        a.status = Set(status);
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
    let now = now();
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
