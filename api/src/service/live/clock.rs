//! The clock of scheduled posts: a post scheduled for later becomes public at its
//! instant with no write, so every server announces it to its own subscribers then
//! (what the event says comes from the outbox,
//! [`crate::service::webhook::outbox::published_at_its_time`]). The clock sleeps until
//! the next scheduled instant, and looks again after every event (a write may schedule
//! a post sooner) and at least every [`RECHECK`].

use std::time::Duration;

use entity::post;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::watch;

use super::hub::Hub;
use crate::{
    error::AppResult,
    service::{now, post::visibility, webhook::outbox},
};

/// The longest the clock sleeps without looking (schedules written by other processes).
const RECHECK: Duration = Duration::from_secs(30);

pub async fn run(db: DatabaseConnection, hub: Hub, mut stopped: watch::Receiver<bool>) {
    let mut events = hub.delivered();
    let mut since = now();
    loop {
        let wait = match visibility::next_publication(&db, since).await {
            Ok(Some(at)) => (at - now()).to_std().unwrap_or(Duration::ZERO),
            Ok(None) => RECHECK,
            Err(e) => {
                tracing::warn!(error = %e, "the next scheduled post could not be read");
                RECHECK
            }
        };
        tokio::select! {
            _ = stopped.changed() => return,
            () = tokio::time::sleep(wait.min(RECHECK)) => {}
            r = events.changed() => {
                if r.is_err() {
                    return;
                }
                continue;
            }
        }
        let until = now();
        match due(&db, since, until).await {
            Ok(posts) => {
                for p in posts {
                    match outbox::published_at_its_time(&db, p).await {
                        Ok(event) => hub.deliver(&db, event).await,
                        Err(e) => {
                            tracing::warn!(error = %e, "a scheduled post's event could not be made")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "scheduled posts could not be read"),
        }
        since = until;
    }
}

/// The posts whose scheduled instant is in `(since, until]`: public then, and dated
/// after their last write (a post published at once is announced by its write).
async fn due(
    db: &DatabaseConnection,
    since: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
) -> AppResult<Vec<post::Model>> {
    let rows = post::Entity::find()
        .filter(visibility::publicly_visible(until))
        .filter(post::Column::PublishedAt.gt(since))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|p| p.published_at.is_some_and(|at| at > p.updated_at))
        .collect())
}
