//! SQLite only: rebuilds `posts` with the bodies (TOC, front matter, Markdown, HTML)
//! as its last columns.
//!
//! SQLite stores a row's columns in order and spills a long row to a chain of overflow
//! pages. With the bodies in the middle of the row, reading a post's status, dates,
//! author or excerpt walked its whole overflow chain: every listing, count and
//! visibility check paid for ~12 KB of Markdown and HTML per post it looked at. With the
//! bodies last, those columns sit in the row's first page and listings never touch the
//! overflow pages. PostgreSQL keeps long values out of line (TOAST) and needs nothing.
//!
//! The rebuild itself is [`crate::sqlite_rebuild`], shared with later migrations that
//! add columns to `posts` (its mechanics moved there unchanged).

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table as the migrations before this one left it, in the new column order.
const CREATE: &str = r#"CREATE TABLE "posts_rebuilt" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" varchar NOT NULL UNIQUE,
    "title" varchar NOT NULL,
    "subtitle" varchar NULL,
    "status" varchar(16) NOT NULL,
    "published_at" timestamp_with_timezone_text NULL,
    "published_at_offset" integer NULL,
    "deleted_at" timestamp_with_timezone_text NULL,
    "author_id" integer NOT NULL,
    "series_id" integer NULL,
    "series_position" integer NULL,
    "reading_time_minutes" integer NOT NULL,
    "word_count" integer NOT NULL,
    "version" integer NOT NULL,
    "created_at" timestamp_with_timezone_text NOT NULL,
    "updated_at" timestamp_with_timezone_text NOT NULL,
    "source_path" varchar NULL UNIQUE,
    "cover_image" varchar NULL,
    "canonical_url" varchar NULL,
    "meta_description" text NULL,
    "custom_excerpt" text NULL,
    "excerpt" text NOT NULL,
    "toc" json_text NOT NULL,
    "front_matter" json_text NOT NULL,
    "markdown" text NOT NULL,
    "html" text NOT NULL,
    FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("series_id") REFERENCES "series" ("id") ON DELETE SET NULL
)"#;

const COLUMNS: &str = "id, slug, title, subtitle, status, published_at, published_at_offset, \
    deleted_at, author_id, series_id, series_position, reading_time_minutes, word_count, \
    version, created_at, updated_at, source_path, cover_image, canonical_url, \
    meta_description, custom_excerpt, excerpt, toc, front_matter, markdown, html";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        crate::sqlite_rebuild::rebuild_posts(manager, CREATE, COLUMNS, &[]).await
    }

    /// The column order changes nothing a query can see: nothing to undo.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
