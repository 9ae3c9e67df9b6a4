//! The SQLite quire links is built with the options `.cargo/config.toml` asks for: a
//! build that lost them still works, only slower under load, so nothing else would
//! notice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use quire_tests::{Backend, fresh_database};
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn sqlite_has_the_compile_options_quire_relies_on() {
    let (db, _guard) = fresh_database(Backend::Sqlite).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA compile_options",
        ))
        .await
        .unwrap();
    let options: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    // The query planner stability guarantee: a statement with `LIMIT ?` is not
    // compiled again each time it is run with another value.
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    // No memory statistics, so no process-wide mutex around SQLite's allocations.
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    // And the options libsqlite3-sys sets itself are still there (FTS5 for search).
    assert!(options.iter().any(|o| o == "ENABLE_FTS5"), "{options:?}");
}
