//! The delivery worker each server runs (started by [`crate::app`], stopped at
//! shutdown): it waits for a wake-up ([`super::wake`]) or its poll interval, claims due
//! deliveries, sends them at once (up to its concurrency) and records each outcome.
//! Once an hour it deletes events older than 30 days that nothing waits for.

use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, watch};

use super::{
    delivery::{self, Claimed, RetryPolicy},
    sender::Sender,
    wake,
};
use crate::config::WebhookConfig;

/// Events kept after they were delivered or given up.
const KEEP_EVENTS: Duration = Duration::from_secs(30 * 24 * 3600);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// A running worker; [`Worker::stop`] ends it.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// How long a claim holds a delivery: twice the attempt's time limit and a second, so a
/// delivery is tried again only once its holder must have given up (or died).
pub fn lease_for(config: &WebhookConfig) -> Duration {
    config.webhook_timeout * 2 + Duration::from_secs(1)
}

impl Worker {
    /// Starts the worker of a server over `db`.
    pub fn start(db: DatabaseConnection, config: WebhookConfig) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(db, config, stopped));
        Self { stop, task }
    }

    /// Stops claiming, lets the attempts in flight end (at most `within`), then returns.
    pub async fn stop(self, within: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(within, &mut task).await.is_err() {
            task.abort();
        }
    }
}

async fn run(db: DatabaseConnection, config: WebhookConfig, mut stopped: watch::Receiver<bool>) {
    let sender = match Sender::new(config.webhook_allow_private, config.webhook_timeout) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "webhook delivery is off");
            return;
        }
    };
    let policy = RetryPolicy {
        schedule: config.webhook_retry_schedule.clone(),
        max_failures: config.webhook_max_failures,
    };
    let limit = config.webhook_concurrency.max(1);
    let lease = lease_for(&config);
    let mut local = wake::subscribe();
    let notified = Arc::new(Notify::new());
    if crate::db::is_postgres(&db) {
        tokio::spawn(listen(db.clone(), notified.clone(), stopped.clone()));
    }
    let mut last_prune = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = stopped.changed() => {}
            _ = tokio::time::sleep(config.webhook_poll) => {}
            _ = local.changed() => {}
            () = notified.notified() => {}
        }
        if *stopped.borrow() {
            return;
        }
        loop {
            let batch = match delivery::claim(&db, lease, limit as u64, None).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook deliveries could not be claimed");
                    break;
                }
            };
            let n = batch.len();
            futures_util::future::join_all(batch.iter().map(|c| deliver(&db, &sender, &policy, c)))
                .await;
            if n < limit || *stopped.borrow() {
                break;
            }
        }
        if last_prune.elapsed() >= PRUNE_EVERY {
            last_prune = tokio::time::Instant::now();
            match delivery::prune(&db, KEEP_EVENTS).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "old webhook events deleted"),
                Err(e) => tracing::warn!(error = %e, "old webhook events could not be deleted"),
            }
        }
    }
}

/// Sends delivery `id` from this process now, if no server holds it; the outcome, or
/// `None` when another holds it (`quire webhook test`).
pub async fn deliver_now(
    db: &DatabaseConnection,
    config: &WebhookConfig,
    id: i64,
) -> crate::error::AppResult<Option<delivery::Outcome>> {
    let sender = Sender::new(config.webhook_allow_private, config.webhook_timeout)?;
    let policy = RetryPolicy {
        schedule: config.webhook_retry_schedule.clone(),
        max_failures: config.webhook_max_failures,
    };
    let Some(c) = delivery::claim(db, lease_for(config), 1, Some(id))
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let outcome = sender.send(&c).await;
    delivery::record(db, &c, &outcome, &policy).await?;
    Ok(Some(outcome))
}

async fn deliver(db: &DatabaseConnection, sender: &Sender, policy: &RetryPolicy, c: &Claimed) {
    let outcome = sender.send(c).await;
    tracing::debug!(
        delivery = c.delivery_id,
        event = %c.event_type,
        status = ?outcome.status,
        error = ?outcome.error,
        "webhook attempt"
    );
    if let Err(e) = delivery::record(db, c, &outcome, policy).await {
        tracing::warn!(delivery = c.delivery_id, error = %e, "a webhook attempt could not be recorded");
    }
}

/// Listens on PostgreSQL for [`wake::CHANNEL`] and wakes the worker; reconnects after a
/// lost connection (what it missed meanwhile, the poll finds).
async fn listen(db: DatabaseConnection, notified: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let pool = db.get_postgres_connection_pool().clone();
        if let Ok(mut listener) = PgListener::connect_with(&pool).await
            && listener.listen(wake::CHANNEL).await.is_ok()
        {
            loop {
                tokio::select! {
                    _ = stopped.changed() => return,
                    r = listener.recv() => match r {
                        Ok(_) => notified.notify_one(),
                        Err(_) => break,
                    },
                }
            }
        }
        tokio::select! {
            _ = stopped.changed() => return,
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}
