//! A server's hub: every live event that reaches this server (from any server's writes,
//! or its own clock) is read once and broadcast to this server's subscribers, with the
//! post it names as it is now.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use entity::post;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::{broadcast, watch};

use super::{LiveEvent, clock, source};
use crate::service::now;

/// Events a slow subscriber may fall behind by before it misses some.
const BACKLOG: usize = 1024;

/// One event as this server's subscribers see it.
#[derive(Debug)]
pub struct Delivered {
    pub event: LiveEvent,
    /// The post or page the event names, as read after the write (`None` when it is
    /// gone, or the event names none).
    pub post: Option<post::Model>,
    /// When the server read it.
    pub at: DateTime<Utc>,
}

/// The broadcast of one server (cheap to clone).
#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<Arc<Delivered>>,
    /// Changes with every event (for the clock, which must not miss one).
    delivered: Arc<watch::Sender<u64>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(BACKLOG).0,
            delivered: Arc::new(watch::channel(0).0),
        }
    }
}

impl Hub {
    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Delivered>> {
        self.tx.subscribe()
    }

    /// How many subscriptions of this server listen.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// A receiver that changes whenever an event is delivered.
    pub fn delivered(&self) -> watch::Receiver<u64> {
        self.delivered.subscribe()
    }

    /// Reads what `event` names and sends it to the subscribers (reads nothing when
    /// there are none).
    pub async fn deliver(&self, db: &DatabaseConnection, event: LiveEvent) {
        if self.tx.receiver_count() == 0 {
            self.delivered.send_modify(|n| *n = n.wrapping_add(1));
            return;
        }
        let post = match event.post_id {
            Some(id) => match post::Entity::find_by_id(id).one(db).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, post = id, "a live event's post could not be read");
                    return;
                }
            },
            None => None,
        };
        // No subscriber is not an error.
        let _ = self.tx.send(Arc::new(Delivered {
            event,
            post,
            at: now(),
        }));
        self.delivered.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Starts reading events from `db` (and the clock of scheduled posts); stopped with
    /// [`Running::stop`].
    pub fn start(&self, db: DatabaseConnection) -> Running {
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(source::run(db.clone(), self.clone(), stopped.clone())),
            tokio::spawn(clock::run(db, self.clone(), stopped)),
        ];
        Running { stop, tasks }
    }
}

/// The hub's running tasks.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops them (waiting at most `within`).
    pub async fn stop(self, within: Duration) {
        let _ = self.stop.send(true);
        for mut task in self.tasks {
            if tokio::time::timeout(within, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}
