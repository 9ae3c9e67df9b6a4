//! Live events for the GraphQL subscriptions: what a committed write changed, delivered
//! to every server's subscribers.
//!
//! The webhook outbox ([`crate::service::webhook::outbox`]) stays the one place that
//! decides what a write changed; beside its webhook events it records one
//! [`LiveEvent`] per post, page, taxonomy or site write, inside the writer's transaction
//! ([`record`]): a row in `live_events`, announced on PostgreSQL with `pg_notify` (which
//! the database delivers at commit, never for a rollback, to every server) and on
//! SQLite with an in-process signal, after which the server reads the committed rows
//! under SQLite's write lock. Each server's [`hub::Hub`] turns what arrives into one
//! broadcast for its own subscribers; a scheduled post's publication has no write, so
//! each hub's clock ([`clock`]) announces it at its instant.

pub mod clock;
pub mod hub;
pub mod record;
pub mod source;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What one write changed, as the subscriptions need it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LiveEvent {
    /// The post or page written (every write, drafts included: `postUpdated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<i64>,
    /// The write made a post (not a page) public: `postPublished`.
    #[serde(default)]
    pub published: bool,
    /// What the public sees changed (`contentChanged`): none for a draft's edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

/// A change the public can see: the webhook event type and its `data`, as
/// [`crate::service::webhook::payload`] shapes them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// `post.published`, `tag.updated`, `site.updated`…
    #[serde(rename = "type")]
    pub event_type: String,
    pub data: Value,
}
