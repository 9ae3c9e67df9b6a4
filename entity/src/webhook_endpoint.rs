//! A webhook endpoint an admin registered: where events are sent, the secret they are
//! signed with, which events it wants, and whether it still receives them.

use sea_orm::entity::prelude::*;

/// Whether an endpoint receives events; stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Receives the events it subscribed to.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Turned off by an admin.
    #[sea_orm(string_value = "DISABLED")]
    Disabled,
    /// Turned off because the receiver answered 410 Gone.
    #[sea_orm(string_value = "GONE")]
    Gone,
    /// Turned off after too many failed attempts in a row.
    #[sea_orm(string_value = "FAILING")]
    Failing,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// An absolute http(s) URL.
    pub url: String,
    pub description: Option<String>,
    /// `whsec_` and the base64 of the signing key (Standard Webhooks).
    pub secret: String,
    /// JSON array of event types and patterns (`post.published`, `post.*`, `*`).
    pub events: Json,
    pub status: Status,
    /// Why the endpoint is not active, in words.
    pub status_reason: Option<String>,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
