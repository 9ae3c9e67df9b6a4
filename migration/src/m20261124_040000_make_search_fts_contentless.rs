//! SQLite import speed: `search_fts` becomes a contentless FTS5 table (`content = ''`,
//! `contentless_delete = 1`). The ordinary table kept its own copy of every post's
//! token text (about 8 KB a post, besides the post itself and `search_documents`),
//! written with every post and read by nothing: ranking uses the index alone (`MATCH`,
//! column filters, `bm25()`), and snippets are cut from `search_documents.body_text`.
//! Rows can still be deleted (`contentless_delete`), so edits (delete, then insert) and
//! purges (the `search_documents_delete` trigger) work as before.
//!
//! The index is rebuilt from the old table's stored tokens. Going down restores an
//! ordinary table, empty, and empties `search_documents`, which makes start-up index
//! every post again (`search::index_missing`): the tokens are made by quire's
//! tokenizer, which SQL cannot run. PostgreSQL is untouched. Both directions run in one
//! transaction.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TRIGGER: &str = "CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents \
     BEGIN DELETE FROM search_fts WHERE rowid = old.post_id; END";

const SQLITE_UP: &[&str] = &[
    "DROP TRIGGER IF EXISTS search_documents_delete",
    "CREATE VIRTUAL TABLE search_fts_contentless USING fts5(title, body, tokenize = 'ascii', \
     content = '', contentless_delete = 1)",
    "INSERT INTO search_fts_contentless (rowid, title, body) \
     SELECT rowid, title, body FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_contentless RENAME TO search_fts",
    TRIGGER,
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS search_documents_delete",
    "DROP TABLE search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'ascii')",
    TRIGGER,
    "DELETE FROM search_documents",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Sqlite {
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
    /// One transaction on SQLite too (sea-orm uses one only on PostgreSQL by default):
    /// a kill between dropping the old table and renaming the new one must leave the old.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN).await
    }
}
