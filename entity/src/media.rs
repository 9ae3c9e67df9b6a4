//! One file of the media library, content addressed: `sha256` names the bytes kept in
//! the store (after metadata was stripped), so it is unique.

use sea_orm::entity::prelude::*;

/// What kind of file, from its sniffed type; stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Kind {
    #[sea_orm(string_value = "IMAGE")]
    Image,
    #[sea_orm(string_value = "VIDEO")]
    Video,
    #[sea_orm(string_value = "AUDIO")]
    Audio,
    #[sea_orm(string_value = "DOCUMENT")]
    Document,
    #[sea_orm(string_value = "OTHER")]
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Lower-case hex SHA-256 of the stored bytes.
    #[sea_orm(unique)]
    pub sha256: String,
    /// As uploaded, NFC-normalised, without any folder.
    pub filename: String,
    /// Sniffed from the bytes, never taken from the client.
    pub mime_type: String,
    pub kind: Kind,
    pub bytes: i64,
    /// Pixels, for images (after the EXIF orientation was applied).
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// `#rrggbb`, for images: a placeholder colour while the image loads.
    pub dominant_color: Option<String>,
    pub owner_id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::OwnerId",
        to = "super::user::Column::Id"
    )]
    Owner,
    #[sea_orm(has_many = "super::media_variant::Entity")]
    Variant,
}

impl Related<super::media_variant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Variant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
