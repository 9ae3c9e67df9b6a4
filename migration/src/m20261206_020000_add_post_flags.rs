//! Typed flags on posts that blogs set in front matter: `pinned` (Chirpy's `pin`, shown
//! before other posts where a listing asks for it), `featured`, and `comments_enabled`
//! (Chirpy's `comments`). Existing posts take them from the front matter their import
//! kept (`pin: true`, `featured: true`, `comments: false`), so an upgrade loses none.
//! One index, `(pinned, published_at, id)`, serves listings with pinned posts first.
//!
//! On SQLite the columns go before the bodies, by the table rebuild of
//! [`crate::sqlite_rebuild`]; PostgreSQL adds them in place.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table as the migrations before this one left it, with the flags before the
/// bodies.
pub(crate) const CREATE: &str = r#"CREATE TABLE "posts_rebuilt" (
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
    "pinned" boolean NOT NULL DEFAULT false,
    "featured" boolean NOT NULL DEFAULT false,
    "comments_enabled" boolean NOT NULL DEFAULT true,
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

/// The columns every row has before this migration.
const COLUMNS: &str = "id, slug, title, subtitle, status, published_at, published_at_offset, \
    deleted_at, author_id, series_id, series_position, reading_time_minutes, word_count, \
    version, created_at, updated_at, source_path, cover_image, canonical_url, \
    meta_description, custom_excerpt, excerpt, toc, front_matter, markdown, html";

/// Fills the flags from the front matter a post was imported with (JSON booleans only).
fn fill_from_front_matter(backend: DbBackend) -> String {
    let is = |key: &str, value: &str| match backend {
        DbBackend::Postgres => {
            format!("COALESCE((front_matter->'{key}')::jsonb = '{value}'::jsonb, false)")
        }
        _ => format!("COALESCE(json_type(front_matter, '$.{key}') = '{value}', false)"),
    };
    let (pin, featured, no_comments) = (
        is("pin", "true"),
        is("featured", "true"),
        is("comments", "false"),
    );
    format!(
        "UPDATE posts SET pinned = {pin}, featured = {featured}, \
         comments_enabled = NOT {no_comments} WHERE {pin} OR {featured} OR {no_comments}"
    )
}

const INDEX: &str = "CREATE INDEX idx_posts_pinned_listing ON posts (pinned, published_at, id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let fill = fill_from_front_matter(backend);
        if backend == DbBackend::Sqlite {
            return crate::sqlite_rebuild::rebuild_posts(manager, CREATE, COLUMNS, &[&fill, INDEX])
                .await;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE posts ADD COLUMN pinned boolean NOT NULL DEFAULT false, \
             ADD COLUMN featured boolean NOT NULL DEFAULT false, \
             ADD COLUMN comments_enabled boolean NOT NULL DEFAULT true",
        )
        .await?;
        db.execute_unprepared(&fill).await?;
        db.execute_unprepared(INDEX).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_posts_pinned_listing")
            .await?;
        for column in ["pinned", "featured", "comments_enabled"] {
            db.execute_unprepared(&format!("ALTER TABLE posts DROP COLUMN {column}"))
                .await?;
        }
        Ok(())
    }
}
