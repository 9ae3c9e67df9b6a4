//! PostgreSQL search speed: per-token postings `(token, post_id, tf)` so a query reads
//! only the counts of its own tokens (instead of every match's whole `term_freqs`
//! jsonb), and corpus totals (documents, tokens) kept in a one-row table by a trigger
//! on `search_documents`, so a bare DELETE cannot let them drift. Postings cascade from
//! their document. SQLite needs neither: FTS5 keeps both itself.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE search_postings ( \
       token text NOT NULL, \
       post_id bigint NOT NULL REFERENCES search_documents (post_id) ON DELETE CASCADE, \
       tf integer NOT NULL, \
       PRIMARY KEY (token, post_id) INCLUDE (tf))",
    "CREATE INDEX search_postings_post_id ON search_postings (post_id)",
    "INSERT INTO search_postings (token, post_id, tf) \
     SELECT j.key, d.post_id, CAST(j.value AS integer) \
     FROM search_documents d, jsonb_each_text(d.term_freqs) j",
    "CREATE TABLE search_totals ( \
       id integer PRIMARY KEY CHECK (id = 1), \
       documents bigint NOT NULL, \
       tokens bigint NOT NULL)",
    "INSERT INTO search_totals (id, documents, tokens) \
     SELECT 1, COUNT(*), COALESCE(SUM(title_len + body_len), 0) FROM search_documents",
    "CREATE FUNCTION search_totals_maintain() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       IF TG_OP IN ('UPDATE', 'DELETE') THEN \
         UPDATE search_totals SET documents = documents - 1, \
           tokens = tokens - (OLD.title_len + OLD.body_len) WHERE id = 1; \
       END IF; \
       IF TG_OP IN ('INSERT', 'UPDATE') THEN \
         UPDATE search_totals SET documents = documents + 1, \
           tokens = tokens + (NEW.title_len + NEW.body_len) WHERE id = 1; \
       END IF; \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER search_documents_totals AFTER INSERT OR UPDATE OR DELETE \
     ON search_documents FOR EACH ROW EXECUTE FUNCTION search_totals_maintain()",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS search_documents_totals ON search_documents",
    "DROP FUNCTION IF EXISTS search_totals_maintain()",
    "DROP TABLE IF EXISTS search_totals",
    "DROP TABLE IF EXISTS search_postings",
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
