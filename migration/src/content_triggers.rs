//! The triggers that bump the content generation when a table a public read shows is
//! written (see m20261124_010000, which made the generation and its PostgreSQL function
//! `content_generation_bump()`): once per statement on PostgreSQL, once per row on
//! SQLite, which has only row triggers. Migrations that add such a table call this.

use sea_orm_migration::sea_orm::DbBackend;

const BUMP: &str = "UPDATE content_generation SET generation = generation + 1 WHERE id = 1";

/// The statements that create `table`'s triggers.
pub fn create(backend: DbBackend, table: &str) -> Vec<String> {
    match backend {
        DbBackend::Postgres => vec![format!(
            "CREATE TRIGGER {table}_content_generation \
             AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
             FOR EACH STATEMENT EXECUTE FUNCTION content_generation_bump()"
        )],
        _ => ["INSERT", "UPDATE", "DELETE"]
            .iter()
            .map(|event| {
                let lower = event.to_ascii_lowercase();
                format!(
                    "CREATE TRIGGER {table}_{lower}_content_generation \
                     AFTER {event} ON {table} BEGIN {BUMP}; END"
                )
            })
            .collect(),
    }
}
