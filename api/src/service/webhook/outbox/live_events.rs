//! The subscriptions' live events the outbox writes besides webhook events (see
//! [`super`]): a scheduled post's at its instant, and changes that name no post.

use entity::post;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use super::{PostState, Site, change, payload, prefix, with_keys};
use crate::{
    error::AppResult,
    service::{
        live::{self, Change, LiveEvent},
        now,
    },
};

/// The live event of post `p`, whose scheduled instant has come (no write happens
/// then; the webhook event was written when it was scheduled).
pub async fn published_at_its_time<C: ConnectionTrait>(
    db: &C,
    p: post::Model,
) -> AppResult<LiveEvent> {
    let site = Site::read(db).await?;
    let when = p.published_at.unwrap_or_else(now);
    let kind = p.kind;
    let state = PostState::read(db, p).await?;
    let event_type = format!("{}.published", prefix(kind));
    let keys = change::of_post(None, Some(&state), when);
    Ok(LiveEvent {
        post_id: Some(state.post.id),
        published: kind == post::Kind::Post,
        change: Some(Change {
            event_type,
            data: with_keys(payload::post_data(&site, None, &state, when), &keys),
        }),
    })
}

/// Records the live event of a change the public sees that names no post.
pub(super) async fn publicly_changed<C: ConnectionTrait>(
    txn: &C,
    event_type: String,
    data: Value,
) -> AppResult<()> {
    let event = LiveEvent {
        post_id: None,
        published: false,
        change: Some(Change { event_type, data }),
    };
    live::record::record(txn, &event).await
}
