//! Deliveries between the outbox and the sender: claiming the due ones (each by one
//! server only) and recording what an attempt did to the delivery and its endpoint.
//!
//! A claim marks deliveries with a lease (`lease_until`) in one short transaction: on
//! PostgreSQL the candidates are read `FOR UPDATE SKIP LOCKED`, so servers claiming at
//! once take different rows; SQLite's write lock serialises claims. A server that dies
//! mid-delivery leaves its lease to run out, and the delivery is tried again by whoever
//! claims next. An attempt's result is written only by the holder of the lease.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use entity::{
    webhook_attempt, webhook_delivery as delivery, webhook_endpoint as endpoint,
    webhook_event as event,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query},
};

use crate::{error::AppResult, service::now};

/// The histogram of attempt durations (its buckets are set where the recorder is made).
pub const ATTEMPT_SECONDS: &str = "quire_webhook_attempt_duration_seconds";

/// Kept of a response body, in bytes.
pub const RESPONSE_HEAD: usize = 1024;

/// A delivery this server holds the lease of, with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery_id: i64,
    /// Attempts made before this one (since it was written or resent).
    pub attempts: i32,
    pub lease: DateTime<Utc>,
    pub endpoint_id: i64,
    pub url: String,
    pub secret: String,
    pub message_id: String,
    pub event_type: String,
    pub body: String,
}

/// What one attempt did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub started_at: DateTime<Utc>,
    pub duration: Duration,
    /// The HTTP status, when one came.
    pub status: Option<u16>,
    /// The first [`RESPONSE_HEAD`] bytes of the answer's body.
    pub body: Option<String>,
    /// Why no status came (refused address, connection, timeout).
    pub error: Option<String>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn gone(&self) -> bool {
        self.status == Some(410)
    }

    fn summary(&self) -> String {
        match (self.status, &self.error) {
            (Some(s), _) => format!("HTTP {s}"),
            (None, Some(e)) => e.clone(),
            (None, None) => "no answer".to_owned(),
        }
    }
}

/// When failed deliveries are tried again and when an endpoint is given up.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The wait before each retry; one more attempt than waits.
    pub schedule: Vec<Duration>,
    /// Failed attempts in a row after which an endpoint is disabled (FAILING).
    pub max_failures: u32,
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    chrono::DurationRound::duration_trunc(t, TimeDelta::microseconds(1)).unwrap_or(t)
}

fn later(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    micros(t + TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX / 2))
}

/// Claims up to `limit` due deliveries of active endpoints for `lease_for` (only
/// delivery `only`, when given).
pub async fn claim(
    db: &DatabaseConnection,
    lease_for: Duration,
    limit: u64,
    only: Option<i64>,
) -> AppResult<Vec<Claimed>> {
    let at = now();
    let lease = later(at, lease_for);
    let active = Query::select()
        .column(endpoint::Column::Id)
        .from(endpoint::Entity)
        .and_where(Expr::col(endpoint::Column::Status).eq(endpoint::Status::Active))
        .to_owned();
    let mut q = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::State.eq(delivery::State::Pending))
        .filter(delivery::Column::NextAttemptAt.lte(at))
        .filter(
            Condition::any()
                .add(delivery::Column::LeaseUntil.is_null())
                .add(delivery::Column::LeaseUntil.lt(at)),
        )
        .filter(delivery::Column::EndpointId.in_subquery(active))
        .order_by_asc(delivery::Column::NextAttemptAt)
        .order_by_asc(delivery::Column::Id)
        .limit(limit);
    if let Some(id) = only {
        q = q.filter(delivery::Column::Id.eq(id));
    }
    // Most polls find nothing due: ask outside a transaction first, so an idle server
    // never takes SQLite's write lock (or a PostgreSQL transaction) for nothing.
    if q.clone().into_tuple::<i64>().one(db).await?.is_none() {
        return Ok(Vec::new());
    }
    let txn = crate::db::begin_write(db).await?;
    if crate::db::is_postgres(db) {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<i64> = q.into_tuple().all(&txn).await?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    delivery::Entity::update_many()
        .col_expr(delivery::Column::LeaseUntil, Expr::value(lease))
        .filter(delivery::Column::Id.is_in(ids.iter().copied()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let rows = delivery::Entity::find()
        .filter(delivery::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(delivery::Column::NextAttemptAt)
        .order_by_asc(delivery::Column::Id)
        .all(db)
        .await?;
    let events: HashMap<i64, event::Model> = event::Entity::find()
        .filter(event::Column::Id.is_in(rows.iter().map(|d| d.event_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let endpoints: HashMap<i64, endpoint::Model> = endpoint::Entity::find()
        .filter(endpoint::Column::Id.is_in(rows.iter().map(|d| d.endpoint_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            let e = events.get(&d.event_id)?;
            let p = endpoints.get(&d.endpoint_id)?;
            Some(Claimed {
                delivery_id: d.id,
                attempts: d.attempts,
                lease,
                endpoint_id: p.id,
                url: p.url.clone(),
                secret: p.secret.clone(),
                message_id: e.message_id.clone(),
                event_type: e.event_type.clone(),
                body: e.body.clone(),
            })
        })
        .collect())
}

/// The wait before retry `n` (1-based) with up to ±20 % jitter; `None` when the
/// schedule has no `n`-th retry.
pub fn retry_wait(schedule: &[Duration], n: usize) -> Option<Duration> {
    let base = schedule.get(n.checked_sub(1)?)?;
    Some(base.mul_f64(rand::random_range(0.8..=1.2)))
}

/// Writes what an attempt at `c` did, in one transaction: the attempt log, the
/// delivery's next step, the endpoint's failure count and status. Nothing when the
/// lease was lost meanwhile (another server then owns the delivery).
pub async fn record(
    db: &DatabaseConnection,
    c: &Claimed,
    o: &Outcome,
    policy: &RetryPolicy,
) -> AppResult<()> {
    let at = now();
    let attempts = c.attempts + 1;
    let (state, next) = if o.succeeded() || o.gone() {
        (
            if o.succeeded() {
                delivery::State::Delivered
            } else {
                delivery::State::Failed
            },
            None,
        )
    } else {
        match retry_wait(
            &policy.schedule,
            usize::try_from(attempts).unwrap_or(usize::MAX),
        ) {
            Some(wait) => (delivery::State::Pending, Some(later(at, wait))),
            None => (delivery::State::Failed, None),
        }
    };
    let txn = crate::db::begin_write(db).await?;
    let mut update = delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value(state))
        .col_expr(delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(
            delivery::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(delivery::Column::UpdatedAt, Expr::value(at));
    if let Some(next) = next {
        update = update.col_expr(delivery::Column::NextAttemptAt, Expr::value(next));
    }
    let res = update
        .filter(delivery::Column::Id.eq(c.delivery_id))
        .filter(delivery::Column::LeaseUntil.eq(c.lease))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(());
    }
    webhook_attempt::ActiveModel {
        delivery_id: Set(c.delivery_id),
        started_at: Set(o.started_at),
        duration_ms: Set(i32::try_from(o.duration.as_millis()).unwrap_or(i32::MAX)),
        response_status: Set(o.status.map(i32::from)),
        response_body: Set(o.body.clone()),
        error: Set(o.error.clone()),
        succeeded: Set(o.succeeded()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let still_active = Condition::all()
        .add(endpoint::Column::Id.eq(c.endpoint_id))
        .add(endpoint::Column::Status.eq(endpoint::Status::Active));
    let mut disabled = false;
    if o.succeeded() {
        endpoint::Entity::update_many()
            .col_expr(endpoint::Column::ConsecutiveFailures, Expr::value(0))
            .filter(endpoint::Column::Id.eq(c.endpoint_id))
            .exec(&txn)
            .await?;
    } else if o.gone() {
        disabled = disable(
            &txn,
            still_active,
            endpoint::Status::Gone,
            format!(
                "the receiver answered 410 Gone at {}, so quire stopped sending to it",
                at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            at,
        )
        .await?;
    } else {
        endpoint::Entity::update_many()
            .col_expr(
                endpoint::Column::ConsecutiveFailures,
                Expr::col(endpoint::Column::ConsecutiveFailures).add(1),
            )
            .filter(endpoint::Column::Id.eq(c.endpoint_id))
            .exec(&txn)
            .await?;
        let failing = still_active.add(
            endpoint::Column::ConsecutiveFailures
                .gte(i32::try_from(policy.max_failures).unwrap_or(i32::MAX)),
        );
        disabled = disable(
            &txn,
            failing,
            endpoint::Status::Failing,
            format!(
                "disabled after {} failed attempts in a row (the last at {}: {})",
                policy.max_failures,
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                o.summary()
            ),
            at,
        )
        .await?;
    }
    txn.commit().await?;
    count_attempt(o, state, disabled);
    Ok(())
}

/// Counts a recorded attempt in `quire_webhook_attempts_total{outcome}`: `delivered`,
/// `retried` (failed, tried again later), `failed` (failed, the delivery given up),
/// `disabled` (failed, and its endpoint disabled: 410 Gone or too many failures in a
/// row); and its time in [`ATTEMPT_SECONDS`].
fn count_attempt(o: &Outcome, state: delivery::State, disabled: bool) {
    let outcome = match state {
        _ if disabled => "disabled",
        delivery::State::Delivered => "delivered",
        delivery::State::Pending => "retried",
        _ => "failed",
    };
    metrics::counter!("quire_webhook_attempts_total", "outcome" => outcome).increment(1);
    metrics::histogram!(ATTEMPT_SECONDS).record(o.duration.as_secs_f64());
}

/// Disables the endpoint `which` selects; whether one was.
async fn disable(
    txn: &sea_orm::DatabaseTransaction,
    which: Condition,
    status: endpoint::Status,
    reason: String,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let res = endpoint::Entity::update_many()
        .col_expr(endpoint::Column::Status, Expr::value(status))
        .col_expr(endpoint::Column::StatusReason, Expr::value(reason))
        .col_expr(endpoint::Column::DisabledAt, Expr::value(at))
        .col_expr(endpoint::Column::UpdatedAt, Expr::value(at))
        .filter(which)
        .exec(txn)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Deletes events older than `age` that no delivery still waits for (with their
/// deliveries and attempt logs).
pub async fn prune(db: &DatabaseConnection, age: Duration) -> AppResult<u64> {
    let cutoff = now() - TimeDelta::from_std(age).unwrap_or(TimeDelta::days(30));
    let waiting = Query::select()
        .column(delivery::Column::EventId)
        .from(delivery::Entity)
        .and_where(Expr::col(delivery::Column::State).eq(delivery::State::Pending))
        .to_owned();
    let res = event::Entity::delete_many()
        .filter(event::Column::CreatedAt.lt(cutoff))
        .filter(event::Column::DueAt.lt(cutoff))
        .filter(event::Column::Id.not_in_subquery(waiting))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
