//! PostgreSQL import and read speed: the long text columns of `posts` and
//! `search_documents` are compressed with LZ4 instead of PostgreSQL's default pglz. A
//! post's Markdown, HTML and index text are each a few kilobytes, so every write
//! compressed them; pglz was about a sixth of the server's work in an import (measured
//! with `perf`: `pglz_compress`), and LZ4 compresses and decompresses several times
//! faster for a somewhat larger table. Values already stored keep their compression
//! until rewritten. A server built without LZ4 keeps pglz (the migration then changes
//! nothing).

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns, by table.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "posts",
        &["markdown", "html", "toc", "excerpt", "front_matter"],
    ),
    ("search_documents", &["body_text", "title_tsv", "all_tsv"]),
];

fn statement(method: &str) -> String {
    let alters: Vec<String> = COLUMNS
        .iter()
        .map(|(table, columns)| {
            let set: Vec<String> = columns
                .iter()
                .map(|c| format!("ALTER COLUMN {c} SET COMPRESSION {method}"))
                .collect();
            format!("ALTER TABLE {table} {};", set.join(", "))
        })
        .collect();
    format!(
        "DO $$ BEGIN {} EXCEPTION WHEN feature_not_supported THEN NULL; END $$",
        alters.join(" ")
    )
}

async fn run(manager: &SchemaManager<'_>, method: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    manager
        .get_connection()
        .execute_unprepared(&statement(method))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, "lz4").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, "pglz").await
    }
}
