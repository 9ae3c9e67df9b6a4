//! A tag page without reading every post of the tag: each `post_tags` row carries a
//! copy of what public visibility needs from its post — `listed` (published or
//! scheduled, and not in the trash) and `published_at` — and one index on `(tag_id,
//! listed, published_at, post_id)` gives a tag's newest public posts, a page at a time,
//! and their count, from the index alone. Before, both read the row of every post of the
//! tag (133 at 10,000 posts, 1,300 at 100,000) for every page.
//!
//! Triggers keep the copy exact, so no write path can forget it: a link takes its post's
//! values when it is inserted, and a post's links follow every change of its status,
//! date or trash state. The old `(tag_id)` index is a prefix of the new one and goes.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PostTags {
    Table,
    Listed,
    PublishedAt,
}

/// Whether a post with these columns may be listed publicly (once its date has come).
/// The same rule as the service's `publicly_visible`, without the date.
fn listed(row: &str) -> String {
    format!("({row}.deleted_at IS NULL AND {row}.status IN ('PUBLISHED', 'SCHEDULED'))")
}

fn up_statements(backend: DbBackend) -> Vec<String> {
    let mut sql = Vec::new();
    match backend {
        DbBackend::Postgres => {
            sql.push(format!(
                "UPDATE post_tags SET listed = {}, published_at = p.published_at \
                 FROM posts p WHERE p.id = post_tags.post_id",
                listed("p")
            ));
            sql.push(format!(
                "CREATE FUNCTION post_tags_listing_fill() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN SELECT {}, p.published_at INTO NEW.listed, NEW.published_at \
                 FROM posts p WHERE p.id = NEW.post_id; RETURN NEW; END $$",
                listed("p")
            ));
            sql.push(
                "CREATE TRIGGER post_tags_listing_fill BEFORE INSERT OR UPDATE OF post_id \
                 ON post_tags FOR EACH ROW EXECUTE FUNCTION post_tags_listing_fill()"
                    .to_owned(),
            );
            sql.push(format!(
                "CREATE FUNCTION posts_listing_follow() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE post_tags SET listed = {}, published_at = NEW.published_at \
                 WHERE post_id = NEW.id; RETURN NULL; END $$",
                listed("NEW")
            ));
            sql.push(
                "CREATE TRIGGER posts_listing_follow AFTER UPDATE OF status, published_at, deleted_at \
                 ON posts FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status \
                 OR OLD.published_at IS DISTINCT FROM NEW.published_at \
                 OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at) \
                 EXECUTE FUNCTION posts_listing_follow()"
                    .to_owned(),
            );
        }
        _ => {
            let fill = |target: &str| {
                format!(
                    "UPDATE post_tags SET (listed, published_at) = \
                     (SELECT {}, p.published_at FROM posts p WHERE p.id = post_tags.post_id) \
                     {target}",
                    listed("p")
                )
            };
            sql.push(fill(""));
            // SQLite's BEFORE triggers cannot set NEW: the inserted row is filled after,
            // unless the insert wrote the copy itself from the post row, date included
            // (the bulk import does, to spare this second write).
            sql.push(format!(
                "CREATE TRIGGER post_tags_listing_fill AFTER INSERT ON post_tags \
                 WHEN NEW.published_at IS NULL BEGIN {}; END",
                fill("WHERE post_id = NEW.post_id AND tag_id = NEW.tag_id")
            ));
            sql.push(format!(
                "CREATE TRIGGER post_tags_listing_refill AFTER UPDATE OF post_id ON post_tags \
                 BEGIN {}; END",
                fill("WHERE post_id = NEW.post_id AND tag_id = NEW.tag_id")
            ));
            sql.push(format!(
                "CREATE TRIGGER posts_listing_follow \
                 AFTER UPDATE OF status, published_at, deleted_at ON posts \
                 WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at \
                 OR OLD.deleted_at IS NOT NEW.deleted_at \
                 BEGIN UPDATE post_tags SET listed = {}, published_at = NEW.published_at \
                 WHERE post_id = NEW.id; END",
                listed("NEW")
            ));
        }
    }
    sql.push(
        "CREATE INDEX idx_post_tags_listing ON post_tags (tag_id, listed, published_at, post_id)"
            .to_owned(),
    );
    sql.push("DROP INDEX idx_post_tags_tag".to_owned());
    sql
}

fn down_statements(backend: DbBackend) -> Vec<String> {
    let mut sql = vec![
        "CREATE INDEX idx_post_tags_tag ON post_tags (tag_id)".to_owned(),
        "DROP INDEX IF EXISTS idx_post_tags_listing".to_owned(),
    ];
    match backend {
        DbBackend::Postgres => {
            sql.push("DROP TRIGGER IF EXISTS posts_listing_follow ON posts".to_owned());
            sql.push("DROP FUNCTION IF EXISTS posts_listing_follow()".to_owned());
            sql.push("DROP TRIGGER IF EXISTS post_tags_listing_fill ON post_tags".to_owned());
            sql.push("DROP FUNCTION IF EXISTS post_tags_listing_fill()".to_owned());
        }
        _ => {
            for trigger in [
                "posts_listing_follow",
                "post_tags_listing_fill",
                "post_tags_listing_refill",
            ] {
                sql.push(format!("DROP TRIGGER IF EXISTS {trigger}"));
            }
        }
    }
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(PostTags::Table)
                    .add_column(boolean(PostTags::Listed).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PostTags::Table)
                    .add_column(timestamp_with_time_zone_null(PostTags::PublishedAt))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in up_statements(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in down_statements(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        for column in [PostTags::PublishedAt, PostTags::Listed] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PostTags::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
