//! PostgreSQL import speed: two import groups can be written at once. Every write
//! updates two single rows, `content_generation` (statement triggers on every content
//! table) and `search_totals` (a row trigger on `search_documents`), and a transaction
//! holds each row's lock from its first update to its commit, so a second group waited
//! for the first from its first statement on. In a transaction that sets
//! `quire.hot_rows_last` to `on` (only the bulk import's group writer,
//! `api/src/service/import/writer/postgres.rs`, does) the two triggers do nothing, and
//! the writer updates both rows itself as its last statements, once for the group: the
//! locks are then held only for the commit. The content generation's update becomes the
//! function `content_generation_advance()`, which the trigger and the writer both call.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Whether the transaction updates the hot rows itself (see the module docs).
const SKIP: &str =
    "IF current_setting('quire.hot_rows_last', true) = 'on' THEN RETURN NULL; END IF;";

/// The one statement that moves the content generation, counting the transaction's own
/// bumps (m20261208_020100): what the trigger runs, and what the import's group writer
/// calls at its end.
const ADVANCE: &str = "CREATE OR REPLACE FUNCTION content_generation_advance() RETURNS void \
     LANGUAGE sql AS $$ \
     UPDATE content_generation SET generation = generation + 1, \
     bumps = CASE WHEN bumper = txid_current() THEN bumps + 1 ELSE 1 END, \
     bumper = txid_current() WHERE id = 1 $$";

const BUMP: &str = "CREATE OR REPLACE FUNCTION content_generation_bump() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN {skip} PERFORM content_generation_advance(); RETURN NULL; END $$";

/// m20261208_020100's trigger function, for `down`.
const BUMP_BEFORE: &str = "CREATE OR REPLACE FUNCTION content_generation_bump() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN \
     UPDATE content_generation SET generation = generation + 1, \
     bumps = CASE WHEN bumper = txid_current() THEN bumps + 1 ELSE 1 END, \
     bumper = txid_current() WHERE id = 1; \
     RETURN NULL; END $$";

const TOTALS: &str = "CREATE OR REPLACE FUNCTION search_totals_maintain() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN {skip} \
     IF TG_OP IN ('UPDATE', 'DELETE') THEN \
       UPDATE search_totals SET documents = documents - 1, \
         tokens = tokens - (OLD.title_len + OLD.body_len) WHERE id = 1; \
     END IF; \
     IF TG_OP IN ('INSERT', 'UPDATE') THEN \
       UPDATE search_totals SET documents = documents + 1, \
         tokens = tokens + (NEW.title_len + NEW.body_len) WHERE id = 1; \
     END IF; \
     RETURN NULL; END $$";

fn up_statements() -> Vec<String> {
    vec![
        ADVANCE.to_owned(),
        BUMP.replace("{skip}", SKIP),
        TOTALS.replace("{skip}", SKIP),
    ]
}

fn down_statements() -> Vec<String> {
    vec![
        BUMP_BEFORE.to_owned(),
        TOTALS.replace("{skip}", ""),
        "DROP FUNCTION IF EXISTS content_generation_advance()".to_owned(),
    ]
}

async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for sql in statements {
        manager.get_connection().execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, up_statements()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, down_statements()).await
    }
}
