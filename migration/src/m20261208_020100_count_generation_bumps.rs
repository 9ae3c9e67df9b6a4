//! PostgreSQL only: the content generation's bump also counts the bumps of the current
//! transaction (`bumper`: its id, `bumps`: how many), so a writer can tell, at its end,
//! which range of generations is its own without taking the row's lock first (taking it
//! first would order its locks against writers that lock a post row before their first
//! bump, and deadlock with them). The row stays locked from a transaction's first bump
//! to its commit, so no other transaction's bump falls inside that range. SQLite needs
//! nothing: a write transaction holds the database's write lock from its start.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COUNTING: &str = "CREATE OR REPLACE FUNCTION content_generation_bump() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN \
     UPDATE content_generation SET generation = generation + 1, \
     bumps = CASE WHEN bumper = txid_current() THEN bumps + 1 ELSE 1 END, \
     bumper = txid_current() WHERE id = 1; \
     RETURN NULL; END $$";

const PLAIN: &str = "CREATE OR REPLACE FUNCTION content_generation_bump() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN \
     UPDATE content_generation SET generation = generation + 1 WHERE id = 1; \
     RETURN NULL; END $$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE content_generation ADD COLUMN bumper bigint, \
             ADD COLUMN bumps bigint NOT NULL DEFAULT 0",
        )
        .await?;
        db.execute_unprepared(COUNTING).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(PLAIN).await?;
        db.execute_unprepared(
            "ALTER TABLE content_generation DROP COLUMN bumper, DROP COLUMN bumps",
        )
        .await?;
        Ok(())
    }
}
