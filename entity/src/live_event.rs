//! A live event: what one committed write changed, as the GraphQL subscriptions of every
//! server read it (kept a few minutes).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "live_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The event as JSON (see `quire::service::live::LiveEvent`).
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
