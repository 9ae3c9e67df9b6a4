//! Waking the delivery workers when the outbox gains a delivery, so an event goes out
//! at once instead of at the next poll.
//!
//! On PostgreSQL the outbox runs `pg_notify` in the writing transaction, which the
//! database delivers at commit (never for a rollback) to the workers of every server,
//! each listening on [`CHANNEL`]. SQLite has no notifications, and one server delivers:
//! the writer signals this process's workers through a process-wide watch channel
//! ([`subscribe`]); a worker woken before the commit waits for SQLite's write lock
//! when it claims, so it sees the committed rows. Writes made by other processes (the
//! command line) are found by the poll.

use std::sync::LazyLock;

use sea_orm::{ConnectionTrait, DbBackend};
use tokio::sync::watch;

use crate::error::AppResult;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "quire_webhooks";

static LOCAL: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// A receiver that changes whenever a writer of this process announces deliveries.
pub fn subscribe() -> watch::Receiver<u64> {
    LOCAL.subscribe()
}

/// Announces new deliveries from inside the writing transaction `txn`.
pub async fn announce<C: ConnectionTrait>(txn: &C) -> AppResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_notify('{CHANNEL}', '')"))
            .await?;
    } else {
        LOCAL.send_modify(|n| *n = n.wrapping_add(1));
    }
    Ok(())
}
