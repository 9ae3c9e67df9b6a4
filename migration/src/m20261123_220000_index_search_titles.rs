//! PostgreSQL search speed, part two: a GIN index over `title_tsv`, so the ranking can
//! start from the posts holding every query term in the title (the top of the ranking)
//! without reading every match; and `term_freqs` dropped, since per-token counts are
//! read from `search_postings` (written from the same counts by `index_post`) and
//! nothing reads the jsonb any more. SQLite needs neither: FTS5 column filters are
//! answered from its own index.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE INDEX search_documents_title_tsv ON search_documents USING GIN (title_tsv)",
    "ALTER TABLE search_documents DROP COLUMN term_freqs",
];

const POSTGRES_DOWN: &[&str] = &[
    // The counts come back from the postings, so a roll-back loses nothing.
    "ALTER TABLE search_documents ADD COLUMN term_freqs jsonb NOT NULL DEFAULT '{}'::jsonb",
    "UPDATE search_documents d SET term_freqs = p.freqs FROM ( \
       SELECT post_id, jsonb_object_agg(token, tf) AS freqs FROM search_postings \
       GROUP BY post_id) p WHERE p.post_id = d.post_id",
    "DROP INDEX IF EXISTS search_documents_title_tsv",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_DOWN).await
    }
}
