//! The site's settings: one row (`id = 1`), absent until the first write. The lists are
//! JSON documents whose shape the service owns.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "site_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub title: String,
    pub description: Option<String>,
    /// A BCP 47 language tag.
    pub language: String,
    /// An IANA time zone name.
    pub timezone: String,
    /// Absolute http(s) URL the site is served at, ending in `/`.
    pub base_url: Option<String>,
    pub logo: Option<String>,
    pub icon: Option<String>,
    pub cover_image: Option<String>,
    /// `#rrggbb`.
    pub accent_color: Option<String>,
    /// JSON array of `{network, url}`.
    pub social_links: Json,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub og_title: Option<String>,
    pub og_description: Option<String>,
    pub og_image: Option<String>,
    /// JSON array of menu items (`{label, url?, ref?: {kind, id}, children}`).
    pub primary_menu: Json,
    pub secondary_menu: Json,
    pub updated_at: DateTimeUtc,
    /// What the feeds carry of each post.
    pub feed_content: FeedContent,
}

/// What the feeds carry of each post; stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum FeedContent {
    /// The whole sanitised HTML.
    #[default]
    #[sea_orm(string_value = "FULL")]
    Full,
    /// The excerpt only.
    #[sea_orm(string_value = "EXCERPT")]
    Excerpt,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
