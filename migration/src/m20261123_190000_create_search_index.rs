//! The full-text search index. `search_documents` holds, per post, what both databases
//! share: token counts and the plain text snippets are cut from. The tokens themselves
//! (made by quire's own tokenizer, never by the database's) go to an FTS5 table on
//! SQLite, and to tsvector columns with a GIN index plus per-token counts (for the same
//! BM25 that FTS5 computes) on PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchDocuments {
    Table,
    PostId,
    TitleLen,
    BodyLen,
    BodyText,
}

#[derive(DeriveIden)]
enum Posts {
    Table,
    Id,
    DeletedAt,
    Status,
    PublishedAt,
    CreatedAt,
    AuthorId,
    SeriesId,
}

const SQLITE_UP: &[&str] = &[
    // `ascii` splits only on ASCII punctuation and spaces: quire's tokens pass unchanged.
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'ascii')",
    // A purged post (cascading to its document) leaves nothing in the FTS table.
    "CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN \
     DELETE FROM search_fts WHERE rowid = old.post_id; END",
];

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE search_documents \
     ADD COLUMN title_tsv tsvector NOT NULL DEFAULT ''::tsvector, \
     ADD COLUMN all_tsv tsvector NOT NULL DEFAULT ''::tsvector, \
     ADD COLUMN term_freqs jsonb NOT NULL DEFAULT '{}'::jsonb",
    "CREATE INDEX search_documents_all_tsv ON search_documents USING GIN (all_tsv)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchDocuments::Table)
                    .col(big_integer(SearchDocuments::PostId).primary_key())
                    .col(integer(SearchDocuments::TitleLen))
                    .col(integer(SearchDocuments::BodyLen))
                    .col(text(SearchDocuments::BodyText))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SearchDocuments::Table, SearchDocuments::PostId)
                            .to(Posts::Table, Posts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Ranking checks every match's visibility and date; this covering index answers
        // that without reading post rows (whose Markdown and HTML come first).
        manager
            .create_index(
                Index::create()
                    .name("idx_posts_search_visibility")
                    .table(Posts::Table)
                    .col(Posts::Id)
                    .col(Posts::DeletedAt)
                    .col(Posts::Status)
                    .col(Posts::PublishedAt)
                    .col(Posts::CreatedAt)
                    .col(Posts::AuthorId)
                    .col(Posts::SeriesId)
                    .to_owned(),
            )
            .await?;
        let statements = match manager.get_database_backend() {
            DbBackend::Sqlite => SQLITE_UP,
            DbBackend::Postgres => POSTGRES_UP,
            other => {
                return Err(DbErr::Migration(format!(
                    "search index: unsupported backend {other:?}"
                )));
            }
        };
        let db = manager.get_connection();
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_posts_search_visibility")
                    .table(Posts::Table)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS search_fts")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SearchDocuments::Table).to_owned())
            .await
    }
}
