//! One event on its way to one endpoint: pending until it succeeds or its attempts run
//! out.

use sea_orm::entity::prelude::*;

/// Where a delivery stands; stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum State {
    /// Waiting for its next attempt.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// The receiver answered 2xx.
    #[sea_orm(string_value = "DELIVERED")]
    Delivered,
    /// Every attempt failed, or the receiver answered 410.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub endpoint_id: i64,
    pub state: State,
    /// Attempts since it was written or last resent.
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A server is sending it until then; after, another may.
    pub lease_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::webhook_event::Entity",
        from = "Column::EventId",
        to = "super::webhook_event::Column::Id",
        on_delete = "Cascade"
    )]
    Event,
}

impl Related<super::webhook_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
