//! Whether this server can reach its database, as far as it knows. When a request or
//! the content-clock poller finds the database unreachable, the server marks it *down*:
//! until a probe (every [`PROBE_EVERY`]) reaches it again, requests are answered without
//! touching it: a cached anonymous answer is served as stale (`X-Cache: STALE`), anything
//! else is refused at once with SERVICE_UNAVAILABLE (HTTP 503, `Retry-After`). Nothing
//! queues on a database that is not there, and the server recovers by itself.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use async_graphql::ServerError;
use sea_orm::DatabaseConnection;

use super::cache::ResponseCache;
use crate::db;

/// How often a server that lost its database tries it again.
pub const PROBE_EVERY: Duration = Duration::from_millis(250);
/// Seconds a client is told to wait before trying again (`Retry-After`).
pub const RETRY_AFTER_SECS: u32 = 1;
/// The code of an answer refused because the database is unreachable.
pub const CODE: &str = "SERVICE_UNAVAILABLE";

#[derive(Default)]
pub struct Availability {
    down: AtomicBool,
    probing: AtomicBool,
}

impl Availability {
    /// The database was unreachable at the last look.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Marks the database unreachable and, unless one runs already, starts the probe
    /// that marks it reachable again once it answers and the content clock is read.
    pub fn lost(self: &Arc<Self>, db: &DatabaseConnection, cache: &Arc<ResponseCache>) {
        if !self.down.swap(true, Ordering::AcqRel) {
            metrics::counter!("quire_db_unavailable_total").increment(1);
            tracing::warn!("the database is unreachable: answering from the cache or 503");
        }
        if self.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        let (this, db, cache) = (self.clone(), db.clone(), cache.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                let answered = tokio::time::timeout(db::POSTGRES_ACQUIRE_TIMEOUT, db::ping(&db))
                    .await
                    .is_ok_and(|r| r.is_ok());
                if answered && cache.refresh(&db).await {
                    this.down.store(false, Ordering::Release);
                    this.probing.store(false, Ordering::Release);
                    tracing::info!("the database is reachable again");
                    return;
                }
            }
        });
    }
}

/// Whether an executed request failed because the database could not be reached.
pub fn any_unavailable(errors: &[ServerError]) -> bool {
    errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(CODE))
    })
}
