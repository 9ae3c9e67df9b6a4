//! The outbox: one event, written by the transaction that made the change, with the
//! exact body every endpoint receives.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `msg_…`, sent as `webhook-id` (the same on every retry and resend).
    pub message_id: String,
    /// `post.published`, `tag.updated`, `ping`…
    pub event_type: String,
    /// The JSON body as sent (and signed).
    pub body: String,
    /// The post a scheduled publication is about.
    pub post_id: Option<i64>,
    /// For a scheduled publication: the instant it is due; unique with `post_id`.
    pub scheduled_for: Option<DateTimeUtc>,
    /// Not sent before this instant.
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
