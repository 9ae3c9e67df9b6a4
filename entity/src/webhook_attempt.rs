//! One try at a delivery: when, how long, and what the receiver answered.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub delivery_id: i64,
    pub started_at: DateTimeUtc,
    pub duration_ms: i32,
    /// The HTTP status, when the receiver answered.
    pub response_status: Option<i32>,
    /// The first bytes of the response body.
    pub response_body: Option<String>,
    /// What went wrong before a status arrived (connection refused, timeout…) or why the
    /// address was refused.
    pub error: Option<String>,
    pub succeeded: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
