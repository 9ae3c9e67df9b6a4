//! Recording a live event from inside the writing transaction: a `live_events` row
//! (gone with a rollback), announced on PostgreSQL by `pg_notify` on [`CHANNEL`]
//! (delivered at commit; the event itself rides along when it fits the notification's
//! 8000 bytes, else only its id and the servers read the row) and on SQLite by a
//! process-wide signal ([`local`]) that makes the hub read the rows it has not seen.

use std::sync::LazyLock;

use entity::live_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement};
use tokio::sync::watch;

use super::LiveEvent;
use crate::{error::AppResult, service::now};

/// The PostgreSQL notification channel of live events.
pub const CHANNEL: &str = "quire_live";

/// Largest notification payload sent whole (PostgreSQL refuses 8000 bytes and more).
const MAX_PAYLOAD: usize = 7_900;

static LOCAL: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// A receiver that changes whenever a writer of this process records a live event (on
/// SQLite, before its commit: read under the write lock to see it).
pub fn local() -> watch::Receiver<u64> {
    LOCAL.subscribe()
}

/// Records `event` in the writing transaction `txn`.
pub async fn record<C: ConnectionTrait>(txn: &C, event: &LiveEvent) -> AppResult<()> {
    let body = serde_json::to_string(event)
        .map_err(|e| crate::error::AppError::Internal(format!("live event: {e}")))?;
    let row = live_event::ActiveModel {
        body: Set(body.clone()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), notice(row.id, &body).into()],
        ))
        .await?;
    } else {
        LOCAL.send_modify(|n| *n = n.wrapping_add(1));
    }
    Ok(())
}

/// The notification payload: `{"id":…,"event":…}`, or `{"id":…}` alone when the event
/// is too large to ride along.
pub fn notice(id: i64, body: &str) -> String {
    let whole = format!(r#"{{"id":{id},"event":{body}}}"#);
    if whole.len() <= MAX_PAYLOAD {
        whole
    } else {
        format!(r#"{{"id":{id}}}"#)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_event_is_announced_by_its_id_alone() {
        assert_eq!(
            notice(7, r#"{"published":true}"#),
            r#"{"id":7,"event":{"published":true}}"#
        );
        let big = format!(r#"{{"x":"{}"}}"#, "가".repeat(3000));
        assert_eq!(notice(8, &big), r#"{"id":8}"#);
    }
}
