//! An admin API key. Its secret is never stored: it is derived from the server secret
//! and the key's salt, so a copy of the database alone cannot sign tokens.

use sea_orm::entity::prelude::*;

use crate::user::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The public half, sent as the JWT `kid`.
    #[sea_orm(unique)]
    pub key_id: String,
    pub name: String,
    pub role: Role,
    pub salt: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
