//! Where a server's live events come from. On PostgreSQL: a `LISTEN` on
//! [`record::CHANNEL`] (its own connection, reconnected when lost; the events written
//! while it was down are then read from `live_events`, so none is missed and none
//! delivered twice). On SQLite: the rows past the last one seen, read under the write
//! lock when a writer of this process signals (so the writer has committed, and a
//! rolled-back write left nothing), and every second when a plain read finds newer rows
//! (writes of other processes: the command line).
//!
//! Rows older than [`KEEP`] are deleted here, by every server.

use std::{
    collections::{HashSet, VecDeque},
    time::Duration,
};

use chrono::{DateTime, TimeDelta, Utc};
use entity::live_event;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use tokio::sync::watch;

use super::{LiveEvent, hub::Hub, record};
use crate::{error::AppResult, service::now};

/// How long rows are kept (the longest a lost listener can catch up over).
pub const KEEP: TimeDelta = TimeDelta::minutes(5);
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// How often SQLite is looked at for rows written by other processes.
const POLL: Duration = Duration::from_secs(1);
/// How long to wait before connecting again after a failed attempt.
const RETRY: Duration = Duration::from_secs(1);

pub async fn run(db: DatabaseConnection, hub: Hub, stopped: watch::Receiver<bool>) {
    if crate::db::is_postgres(&db) {
        postgres(db, hub, stopped).await;
    } else {
        sqlite(db, hub, stopped).await;
    }
}

/// The newest row's id (0 without rows).
async fn newest(db: &DatabaseConnection) -> AppResult<i64> {
    let id: Option<Option<i64>> = live_event::Entity::find()
        .select_only()
        .column_as(live_event::Column::Id.max(), "m")
        .into_tuple()
        .one(db)
        .await?;
    Ok(id.flatten().unwrap_or(0))
}

async fn prune(db: &impl sea_orm::ConnectionTrait) -> AppResult<()> {
    live_event::Entity::delete_many()
        .filter(live_event::Column::CreatedAt.lt(now() - KEEP))
        .exec(db)
        .await?;
    Ok(())
}

fn parse(id: i64, body: &str) -> Option<LiveEvent> {
    serde_json::from_str(body)
        .inspect_err(|e| tracing::warn!(id, error = %e, "a live event could not be read"))
        .ok()
}

async fn sqlite(db: DatabaseConnection, hub: Hub, mut stopped: watch::Receiver<bool>) {
    let mut local = record::local();
    let mut last = newest(&db).await.unwrap_or(0);
    let mut pruned = tokio::time::Instant::now();
    loop {
        let signalled = tokio::select! {
            _ = stopped.changed() => return,
            _ = local.changed() => true,
            () = tokio::time::sleep(POLL) => false,
        };
        if !signalled && !newest(&db).await.is_ok_and(|n| n > last) {
            if pruned.elapsed() >= PRUNE_EVERY {
                pruned = tokio::time::Instant::now();
                if let Err(e) = prune(&db).await {
                    tracing::warn!(error = %e, "old live events could not be deleted");
                }
            }
            continue;
        }
        match read_after(&db, last).await {
            Ok(rows) => {
                for (id, body) in rows {
                    last = id;
                    if let Some(event) = parse(id, &body) {
                        hub.deliver(&db, event).await;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "live events could not be read"),
        }
    }
}

/// The rows after `last`, read under SQLite's write lock: every writer that signalled
/// has committed (or rolled back) by then.
async fn read_after(db: &DatabaseConnection, last: i64) -> AppResult<Vec<(i64, String)>> {
    let txn = crate::db::begin_write(db).await?;
    let rows = live_event::Entity::find()
        .select_only()
        .column(live_event::Column::Id)
        .column(live_event::Column::Body)
        .filter(live_event::Column::Id.gt(last))
        .order_by_asc(live_event::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows)
}

/// The ids delivered lately (PostgreSQL): a catch-up after a lost connection skips them.
#[derive(Default)]
struct Seen {
    ids: HashSet<i64>,
    order: VecDeque<(DateTime<Utc>, i64)>,
}

impl Seen {
    /// Whether `id` is new (and remembers it).
    fn first_time(&mut self, id: i64) -> bool {
        let at = now();
        while self
            .order
            .front()
            .is_some_and(|(t, _)| *t < at - KEEP - TimeDelta::minutes(1))
        {
            if let Some((_, old)) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back((at, id));
        true
    }
}

/// A notification: the row's id, and the event when it fitted.
#[derive(Deserialize)]
struct Notice {
    id: i64,
    event: Option<LiveEvent>,
}

struct Listening {
    db: DatabaseConnection,
    hub: Hub,
    seen: Seen,
    /// Rows up to this id were written before the server started.
    floor: i64,
}

impl Listening {
    async fn notified(&mut self, payload: &str) {
        let Ok(notice) = serde_json::from_str::<Notice>(payload) else {
            tracing::warn!("a live notification could not be read");
            return;
        };
        if !self.seen.first_time(notice.id) {
            return;
        }
        let event = match notice.event {
            Some(e) => Some(e),
            None => match live_event::Entity::find_by_id(notice.id)
                .one(&self.db)
                .await
            {
                Ok(Some(row)) => parse(row.id, &row.body),
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "a live event could not be read");
                    None
                }
            },
        };
        if let Some(event) = event {
            self.hub.deliver(&self.db, event).await;
        }
    }

    /// Delivers the rows written while the listener was away, in their order.
    async fn catch_up(&mut self) {
        let rows: Vec<(i64, String)> = match live_event::Entity::find()
            .select_only()
            .column(live_event::Column::Id)
            .column(live_event::Column::Body)
            .filter(live_event::Column::Id.gt(self.floor))
            .filter(live_event::Column::CreatedAt.gte(now() - KEEP))
            .order_by_asc(live_event::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "missed live events could not be read");
                return;
            }
        };
        for (id, body) in rows {
            if self.seen.first_time(id)
                && let Some(event) = parse(id, &body)
            {
                self.hub.deliver(&self.db, event).await;
            }
        }
    }
}

async fn postgres(db: DatabaseConnection, hub: Hub, mut stopped: watch::Receiver<bool>) {
    use sea_orm::sqlx::postgres::PgListener;
    let floor = newest(&db).await.unwrap_or(0);
    let mut l = Listening {
        db: db.clone(),
        hub,
        seen: Seen::default(),
        floor,
    };
    let mut pruned = tokio::time::Instant::now();
    let mut lost = false;
    loop {
        let pool = db.get_postgres_connection_pool().clone();
        if let Ok(mut listener) = PgListener::connect_with(&pool).await
            && listener.listen(record::CHANNEL).await.is_ok()
        {
            if lost {
                tracing::info!("the live events listener is back");
                l.catch_up().await;
            }
            loop {
                tokio::select! {
                    _ = stopped.changed() => return,
                    () = tokio::time::sleep(PRUNE_EVERY.saturating_sub(pruned.elapsed())) => {
                        pruned = tokio::time::Instant::now();
                        if let Err(e) = prune(&db).await {
                            tracing::warn!(error = %e, "old live events could not be deleted");
                        }
                    }
                    r = listener.try_recv() => match r {
                        Ok(Some(n)) => l.notified(n.payload()).await,
                        // Lost and connected again (listening again): what was
                        // written meanwhile is in the table.
                        Ok(None) => {
                            tracing::warn!("the live events listener lost its connection");
                            l.catch_up().await;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "the live events listener lost its connection");
                            break;
                        }
                    },
                }
            }
        } else {
            tracing::warn!("the live events listener could not connect");
        }
        lost = true;
        tokio::select! {
            _ = stopped.changed() => return,
            () = tokio::time::sleep(RETRY) => {}
        }
    }
}
