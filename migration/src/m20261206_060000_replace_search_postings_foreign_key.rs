//! PostgreSQL import speed: `search_postings` loses its foreign key to
//! `search_documents`. A post has about a hundred postings, and the key checked each
//! of them with a look-up of its own, which measured as about half the cost of writing
//! them. The one thing the key did beyond that check, removing a document's postings with
//! it, is now a statement-level trigger (one `DELETE` per statement, however many
//! documents it removed). Postings are only ever written next to their document, in its
//! transaction (`service/search/index.rs`, the bulk import's writer); `quire doctor`
//! reports any posting whose document is gone.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE search_postings DROP CONSTRAINT search_postings_post_id_fkey",
    "CREATE FUNCTION search_postings_follow() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       DELETE FROM search_postings WHERE post_id IN (SELECT post_id FROM gone); \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER search_documents_postings AFTER DELETE ON search_documents \
     REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION search_postings_follow()",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS search_documents_postings ON search_documents",
    "DROP FUNCTION IF EXISTS search_postings_follow()",
    "DELETE FROM search_postings WHERE post_id NOT IN (SELECT post_id FROM search_documents)",
    "ALTER TABLE search_postings ADD CONSTRAINT search_postings_post_id_fkey \
     FOREIGN KEY (post_id) REFERENCES search_documents (post_id) ON DELETE CASCADE",
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
