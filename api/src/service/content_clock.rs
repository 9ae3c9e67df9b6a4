//! What a response cache must know to tell whether a cached public read is still
//! true: the content generation (bumped by database triggers on every content write,
//! whichever server or command made it) and the instant the next scheduled post goes live.

use chrono::{DateTime, Utc};
use entity::content_generation;
use sea_orm::{ConnectionTrait, EntityTrait};

use super::post;
use crate::error::AppResult;

/// The state of the content at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentClock {
    /// Grows with every write to content that public reads show.
    pub generation: i64,
    /// Public reads change at this instant without any write (a scheduled post).
    pub next_change: Option<DateTime<Utc>>,
}

/// Reads the content clock as of `now`.
pub async fn read(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<ContentClock> {
    let generation = content_generation::Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |row| row.generation);
    Ok(ContentClock {
        generation,
        next_change: post::next_publication(db, now).await?,
    })
}
