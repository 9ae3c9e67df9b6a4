//! A stored state of a post's content, one per content change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub post_id: i64,
    /// The post version this revision records.
    pub version: i32,
    pub title: String,
    pub markdown: String,
    /// The user who made the change, if a user did.
    pub editor_id: Option<i64>,
    /// The API key that made the change, if a key did.
    pub editor_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
