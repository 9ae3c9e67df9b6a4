//! Pages and categories on `posts`:
//! - `kind`: `POST` or `PAGE`. A page (About, Now, Uses) is a post row, so it has the
//!   whole machinery (rendering, drafts, scheduling, revisions, previews, trash, slug
//!   history, search), and shares the slug namespace with posts; the service keeps
//!   pages out of post listings, series and feeds.
//! - `parent_id` and `menu_order`: a page's place in the page tree (`SET NULL` when
//!   the parent is purged, so children move up rather than vanish).
//! - `category_id`: the post's one category (`SET NULL` when the category goes).
//!
//! Existing rows become posts with no parent and no category: the categories their
//! front matter names are filled in by the application after migrating (it needs the
//! slug rule and the import's reading of `categories`, which live in `api`).
//!
//! On SQLite the columns go before the bodies, by the table rebuild of
//! [`crate::sqlite_rebuild`]; PostgreSQL adds them in place.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

use crate::m20261206_020000_add_post_flags as flags;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table as the migrations before this one left it, with the new columns before
/// the bodies.
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
    "pinned" boolean NOT NULL DEFAULT false,
    "featured" boolean NOT NULL DEFAULT false,
    "comments_enabled" boolean NOT NULL DEFAULT true,
    "kind" varchar(8) NOT NULL DEFAULT 'POST' CHECK ("kind" IN ('POST', 'PAGE')),
    "parent_id" integer NULL,
    "menu_order" integer NOT NULL DEFAULT 0,
    "category_id" integer NULL,
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
    FOREIGN KEY ("series_id") REFERENCES "series" ("id") ON DELETE SET NULL,
    FOREIGN KEY ("parent_id") REFERENCES "posts" ("id") ON DELETE SET NULL,
    FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE SET NULL
)"#;

/// The columns every row has before this migration.
const COLUMNS: &str = "id, slug, title, subtitle, status, published_at, published_at_offset, \
    deleted_at, author_id, series_id, series_position, pinned, featured, comments_enabled, \
    reading_time_minutes, word_count, version, created_at, updated_at, source_path, \
    cover_image, canonical_url, meta_description, custom_excerpt, excerpt, toc, \
    front_matter, markdown, html";

/// A page tree level in menu order, from an index that holds pages only.
const PAGES_INDEX: &str =
    "CREATE INDEX idx_posts_pages ON posts (parent_id, menu_order, id) WHERE kind = 'PAGE'";
/// A category's posts, newest first.
const CATEGORY_INDEX: &str = "CREATE INDEX idx_posts_category ON posts (category_id, published_at, id) \
     WHERE category_id IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return crate::sqlite_rebuild::rebuild_posts(
                manager,
                CREATE,
                COLUMNS,
                &[PAGES_INDEX, CATEGORY_INDEX],
            )
            .await;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE posts \
             ADD COLUMN kind varchar(8) NOT NULL DEFAULT 'POST' CHECK (kind IN ('POST', 'PAGE')), \
             ADD COLUMN parent_id bigint NULL REFERENCES posts (id) ON DELETE SET NULL, \
             ADD COLUMN menu_order integer NOT NULL DEFAULT 0, \
             ADD COLUMN category_id bigint NULL REFERENCES categories (id) ON DELETE SET NULL",
        )
        .await?;
        db.execute_unprepared(PAGES_INDEX).await?;
        db.execute_unprepared(CATEGORY_INDEX).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_posts_pages").await?;
        db.execute_unprepared("DROP INDEX idx_posts_category")
            .await?;
        if manager.get_database_backend() == DbBackend::Sqlite {
            // SQLite cannot drop a column with a foreign key: rebuild as it was.
            return crate::sqlite_rebuild::rebuild_posts(manager, flags::CREATE, COLUMNS, &[])
                .await;
        }
        db.execute_unprepared(
            "ALTER TABLE posts DROP COLUMN kind, DROP COLUMN parent_id, \
             DROP COLUMN menu_order, DROP COLUMN category_id",
        )
        .await?;
        Ok(())
    }
}
