//! Which posts the public may see: the one home of that rule. A post is public when it
//! is published (or scheduled and its time has come) and not in the trash, so a
//! scheduled post appears on time without any job running.
//!
//! The rule is written here three ways that must agree, side by side: a SeaORM
//! [`Condition`] on `posts` ([`publicly_visible`]), the same on the listing copy that
//! triggers keep on `post_tags` ([`publicly_listed`]), and a Rust predicate on a loaded
//! post ([`is_public`]). Raw SQL that must restate it (the bulk import's link insert)
//! takes [`listed_sql`]. The migration trigger that fills the copy cannot import this
//! crate; `tests/tests/visibility_rule.rs` checks that it and these agree on every
//! status, date and trash combination.

use chrono::{DateTime, Utc};
use entity::{post, post_tag};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::AppResult;

/// The statuses whose posts are shown once their date has come.
pub const LISTED_STATUSES: [post::Status; 2] = [post::Status::Published, post::Status::Scheduled];

/// Public at some time, the date aside: a listed status and not in the trash.
fn listed() -> Condition {
    Condition::all()
        .add(post::Column::DeletedAt.is_null())
        .add(post::Column::Status.is_in(LISTED_STATUSES))
}

/// The rule of the public read API on `posts`, at `now`.
pub fn publicly_visible(now: DateTime<Utc>) -> Condition {
    listed().add(post::Column::PublishedAt.lte(now))
}

/// [`publicly_visible`] for a post, read from its link to a tag: triggers copy the
/// post's [`is_listed`] (`listed`) and date into every link, so a tag's public posts and
/// their count come from one index without reading the posts.
pub fn publicly_listed(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(post_tag::Column::Listed.eq(true))
        .add(post_tag::Column::PublishedAt.lte(now))
}

/// Whether `p`'s status and trash state let it be public once its date has come.
pub fn is_listed(p: &post::Model) -> bool {
    p.deleted_at.is_none() && LISTED_STATUSES.contains(&p.status)
}

/// Whether the public may see `p` at `now` ([`publicly_visible`], in Rust).
pub fn is_public(p: &post::Model, now: DateTime<Utc>) -> bool {
    is_listed(p) && p.published_at.is_some_and(|at| at <= now)
}

/// [`is_listed`] as an SQL expression over the post row aliased `row`, for statements
/// that must be written as text.
pub fn listed_sql(row: &str) -> String {
    let statuses = LISTED_STATUSES
        .iter()
        .map(|s| format!("'{}'", status_text(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    format!("({row}.deleted_at IS NULL AND {row}.status IN ({statuses}))")
}

/// How `status` is stored.
fn status_text(status: post::Status) -> &'static str {
    match status {
        post::Status::Draft => "DRAFT",
        post::Status::Scheduled => "SCHEDULED",
        post::Status::Published => "PUBLISHED",
        post::Status::Archived => "ARCHIVED",
    }
}

/// When the next scheduled post goes live (the earliest future `publishedAt` of a post
/// that will then be public), if any: public reads change at that instant without a write.
pub async fn next_publication(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let next = post::Entity::find()
        .select_only()
        .column_as(post::Column::PublishedAt.min(), "next")
        .filter(listed())
        .filter(post::Column::PublishedAt.gt(now))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?;
    Ok(next.flatten())
}

/// Which posts a listing may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// What the public read API shows at this instant.
    Public(DateTime<Utc>),
    /// Every status, but not the trash (for a writer's own listing).
    Everything,
}

impl Scope {
    /// The condition on `posts` this scope sets.
    pub fn condition(self) -> Condition {
        match self {
            Self::Public(now) => publicly_visible(now),
            Self::Everything => Condition::all().add(post::Column::DeletedAt.is_null()),
        }
    }
}

/// The status a reader is told: a scheduled post whose time has come is published.
pub fn effective_status(p: &post::Model, now: DateTime<Utc>) -> post::Status {
    match (p.status, p.published_at) {
        (post::Status::Scheduled, Some(at)) if at <= now => post::Status::Published,
        (s, _) => s,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    #[test]
    fn status_text_is_how_the_entity_stores_it() {
        for s in post::Status::iter() {
            assert_eq!(status_text(s), s.to_value());
        }
        assert_eq!(
            listed_sql("p"),
            "(p.deleted_at IS NULL AND p.status IN ('PUBLISHED', 'SCHEDULED'))"
        );
    }
}
