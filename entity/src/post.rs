//! A blog post with its Markdown source and the rendering stored at write time.

use sea_orm::entity::prelude::*;

/// Where a post is in its life; stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// A post, or a page (standalone content outside listings, series and feeds); stored as
/// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Kind {
    #[sea_orm(string_value = "POST")]
    Post,
    #[sea_orm(string_value = "PAGE")]
    Page,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub markdown: String,
    /// Sanitised HTML rendered from `markdown` when the post was written.
    pub html: String,
    /// JSON array of `{level, text, anchor}`, rendered with `html`.
    pub toc: Json,
    /// The excerpt the writer gave, if any.
    pub custom_excerpt: Option<String>,
    /// `custom_excerpt`, or one derived from the first paragraph.
    pub excerpt: String,
    pub reading_time_minutes: i32,
    pub word_count: i32,
    pub status: Status,
    /// Stored in UTC.
    pub published_at: Option<DateTimeUtc>,
    /// The UTC offset, in seconds, that `published_at` was written with.
    pub published_at_offset: Option<i32>,
    pub author_id: i64,
    pub series_id: Option<i64>,
    pub series_position: Option<i32>,
    /// Shown before other posts where a listing asks for pinned posts first.
    pub pinned: bool,
    /// Marked by the writer as worth showing off (a frontend decides how).
    pub featured: bool,
    /// Whether the frontend should offer comments on this post.
    pub comments_enabled: bool,
    /// A post, or a page.
    pub kind: Kind,
    /// A page's parent page (pages only).
    pub parent_id: Option<i64>,
    /// A page's order among its siblings, smallest first (pages only).
    pub menu_order: i32,
    /// The post's one category, if any.
    pub category_id: Option<i64>,
    pub cover_image: Option<String>,
    pub canonical_url: Option<String>,
    pub meta_description: Option<String>,
    /// Every front-matter key the import did not map, and the original of those it did.
    pub front_matter: Json,
    /// Where an import read the post from, so a re-import updates it.
    #[sea_orm(unique)]
    pub source_path: Option<String>,
    /// Optimistic-concurrency counter, bumped by every write.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when the post is in the trash.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AuthorId",
        to = "super::user::Column::Id"
    )]
    Author,
    #[sea_orm(
        belongs_to = "super::series::Entity",
        from = "Column::SeriesId",
        to = "super::series::Column::Id",
        on_delete = "SetNull"
    )]
    Series,
    #[sea_orm(has_many = "super::post_tag::Entity")]
    PostTag,
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id",
        on_delete = "SetNull"
    )]
    Category,
    #[sea_orm(has_many = "super::post_author::Entity")]
    PostAuthor,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl Related<super::series::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Series.def()
    }
}

impl Related<super::post_tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PostTag.def()
    }
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl Related<super::post_author::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PostAuthor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
