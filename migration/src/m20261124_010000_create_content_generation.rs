//! A content generation number for response caches: one row, bumped by triggers on
//! every table a public read can show (posts, tags, series, their links, authors, slug
//! aliases). A server compares it with the number its cached responses were made at,
//! so a write through any server, or the command line, invalidates every cache. Being
//! triggers, no write path can forget it.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows public reads show.
const CONTENT_TABLES: &[&str] = &[
    "posts",
    "tags",
    "post_tags",
    "series",
    "users",
    "slug_aliases",
];

const CREATE_TABLE: &str = "CREATE TABLE content_generation ( \
     id integer PRIMARY KEY CHECK (id = 1), \
     generation bigint NOT NULL)";
const SEED_ROW: &str = "INSERT INTO content_generation (id, generation) VALUES (1, 0)";
const BUMP: &str = "UPDATE content_generation SET generation = generation + 1 WHERE id = 1";

fn up_statements(backend: DbBackend) -> Vec<String> {
    let mut sql = vec![CREATE_TABLE.to_owned(), SEED_ROW.to_owned()];
    match backend {
        DbBackend::Postgres => {
            sql.push(format!(
                "CREATE FUNCTION content_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {BUMP}; RETURN NULL; END $$"
            ));
            for table in CONTENT_TABLES {
                // Once per statement: a bulk write bumps once.
                sql.push(format!(
                    "CREATE TRIGGER {table}_content_generation \
                     AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION content_generation_bump()"
                ));
            }
        }
        _ => {
            // SQLite has only row triggers.
            for table in CONTENT_TABLES {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let lower = event.to_ascii_lowercase();
                    sql.push(format!(
                        "CREATE TRIGGER {table}_{lower}_content_generation \
                         AFTER {event} ON {table} BEGIN {BUMP}; END"
                    ));
                }
            }
        }
    }
    sql
}

fn down_statements(backend: DbBackend) -> Vec<String> {
    let mut sql = Vec::new();
    match backend {
        DbBackend::Postgres => {
            for table in CONTENT_TABLES {
                sql.push(format!(
                    "DROP TRIGGER IF EXISTS {table}_content_generation ON {table}"
                ));
            }
            sql.push("DROP FUNCTION IF EXISTS content_generation_bump()".to_owned());
        }
        _ => {
            for table in CONTENT_TABLES {
                for event in ["insert", "update", "delete"] {
                    sql.push(format!(
                        "DROP TRIGGER IF EXISTS {table}_{event}_content_generation"
                    ));
                }
            }
        }
    }
    sql.push("DROP TABLE IF EXISTS content_generation".to_owned());
    sql
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
        Ok(())
    }
}
