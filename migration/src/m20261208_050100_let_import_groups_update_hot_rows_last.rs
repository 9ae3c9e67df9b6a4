//! PostgreSQL import speed: two import groups can be written at once. Every write
//! updates two single rows, `content_generation` (statement triggers on every content
//! table) and `search_totals` (a row trigger on `search_documents`), and a transaction
//! holds each row's lock from its first update to its commit, so a second group waited
//! for the first from its first statement on. In a transaction that sets
//! `quire.hot_rows_last` to `on` (only the bulk import's group writer,
//! `api/src/service/import/writer/postgres.rs`, does) the two triggers do nothing, and
//! the writer updates both rows itself as its last statements, once for the group: the
//! locks are then held only for the commit.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Whether the transaction updates the hot rows itself (see the module docs).
const SKIP: &str = "IF current_setting('quire.hot_rows_last', true) = 'on' THEN RETURN NULL; END IF;";

const BUMP: &str = "UPDATE content_generation SET generation = generation + 1 WHERE id = 1;";

const TOTALS: &str = "IF TG_OP IN ('UPDATE', 'DELETE') THEN \
       UPDATE search_totals SET documents = documents - 1, \
         tokens = tokens - (OLD.title_len + OLD.body_len) WHERE id = 1; \
     END IF; \
     IF TG_OP IN ('INSERT', 'UPDATE') THEN \
       UPDATE search_totals SET documents = documents + 1, \
         tokens = tokens + (NEW.title_len + NEW.body_len) WHERE id = 1; \
     END IF; \
     RETURN NULL;";

fn functions(skip: &str) -> [String; 2] {
    [
        format!(
            "CREATE OR REPLACE FUNCTION content_generation_bump() RETURNS trigger \
             LANGUAGE plpgsql AS $$ BEGIN {skip} {BUMP} RETURN NULL; END $$"
        ),
        format!(
            "CREATE OR REPLACE FUNCTION search_totals_maintain() RETURNS trigger \
             LANGUAGE plpgsql AS $$ BEGIN {skip} {TOTALS} END $$"
        ),
    ]
}

async fn run(manager: &SchemaManager<'_>, skip: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for sql in functions(skip) {
        manager.get_connection().execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SKIP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, "").await
    }
}
