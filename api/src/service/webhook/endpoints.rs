//! Managing webhook endpoints (admins only): register, change, delete, list with their
//! delivery logs, resend a delivery, send a test ping. The `*_checked` functions act for
//! a caller and check the policy first; the others act with the database's own
//! authority (`quire webhook …`).

use std::collections::HashMap;

use entity::{
    webhook_attempt, webhook_delivery as delivery, webhook_endpoint as endpoint,
    webhook_event as event,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement,
};

use super::{address, events, outbox, sign};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service::now,
};

/// Fields of an endpoint; `None` leaves one unchanged.
#[derive(Debug, Clone, Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub events: Option<Vec<String>>,
    /// `true` (re-)activates the endpoint and clears its failures; `false` disables it.
    pub enabled: Option<bool>,
    /// Replace the signing secret with a new one.
    pub rotate_secret: bool,
}

/// Most deliveries listed per endpoint.
pub const MAX_LISTED: u64 = 100;

async fn load<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<endpoint::Model> {
    endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("webhook".into()))
}

fn description(d: Option<String>) -> AppResult<Option<String>> {
    let d = d.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if d.as_ref().is_some_and(|s| s.chars().count() > 500) {
        return Err(AppError::bad_input(
            "description",
            "must be at most 500 characters",
        ));
    }
    Ok(d)
}

/// Registers an endpoint (active, with a new secret).
pub async fn create(
    db: &DatabaseConnection,
    c: EndpointChanges,
    allow_private: bool,
) -> AppResult<endpoint::Model> {
    let url = address::check(c.url.as_deref().unwrap_or_default(), allow_private).await?;
    let subs = events::check(c.events.as_deref().unwrap_or(&["*".to_owned()]))?;
    let at = now();
    let enabled = c.enabled.unwrap_or(true);
    Ok(endpoint::ActiveModel {
        url: Set(url.to_string()),
        description: Set(description(c.description.flatten())?),
        secret: Set(sign::new_secret()),
        events: Set(serde_json::json!(subs)),
        status: Set(if enabled {
            endpoint::Status::Active
        } else {
            endpoint::Status::Disabled
        }),
        status_reason: Set((!enabled).then(|| "disabled when registered".to_owned())),
        consecutive_failures: Set(0),
        created_at: Set(at),
        updated_at: Set(at),
        disabled_at: Set((!enabled).then_some(at)),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn create_checked(
    db: &DatabaseConnection,
    who: &Principal,
    c: EndpointChanges,
    allow_private: bool,
) -> AppResult<endpoint::Model> {
    policy::can_manage_webhooks(who)?;
    create(db, c, allow_private).await
}

/// Changes an endpoint.
pub async fn update(
    db: &DatabaseConnection,
    id: i64,
    c: EndpointChanges,
    allow_private: bool,
) -> AppResult<endpoint::Model> {
    let current = load(db, id).await?;
    let mut a: endpoint::ActiveModel = current.into();
    if let Some(url) = &c.url {
        a.url = Set(address::check(url, allow_private).await?.to_string());
    }
    if let Some(d) = c.description {
        a.description = Set(description(d)?);
    }
    if let Some(list) = &c.events {
        a.events = Set(serde_json::json!(events::check(list)?));
    }
    let at = now();
    match c.enabled {
        Some(true) => {
            a.status = Set(endpoint::Status::Active);
            a.status_reason = Set(None);
            a.consecutive_failures = Set(0);
            a.disabled_at = Set(None);
        }
        Some(false) => {
            a.status = Set(endpoint::Status::Disabled);
            a.status_reason = Set(Some("disabled by an admin".to_owned()));
            a.disabled_at = Set(Some(at));
        }
        None => {}
    }
    if c.rotate_secret {
        a.secret = Set(sign::new_secret());
    }
    a.updated_at = Set(at);
    Ok(a.update(db).await?)
}

pub async fn update_checked(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: EndpointChanges,
    allow_private: bool,
) -> AppResult<endpoint::Model> {
    policy::can_manage_webhooks(who)?;
    update(db, id, c, allow_private).await
}

/// Deletes an endpoint with its deliveries and their logs.
pub async fn delete(db: &DatabaseConnection, id: i64) -> AppResult<endpoint::Model> {
    let e = load(db, id).await?;
    endpoint::Entity::delete_by_id(id).exec(db).await?;
    Ok(e)
}

pub async fn delete_checked(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<endpoint::Model> {
    policy::can_manage_webhooks(who)?;
    delete(db, id).await
}

/// Every endpoint, oldest first.
pub async fn list<C: ConnectionTrait>(db: &C) -> AppResult<Vec<endpoint::Model>> {
    Ok(endpoint::Entity::find()
        .order_by_asc(endpoint::Column::Id)
        .all(db)
        .await?)
}

pub async fn list_checked<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
) -> AppResult<Vec<endpoint::Model>> {
    policy::can_manage_webhooks(who)?;
    list(db).await
}

/// One endpoint, for its admins.
pub async fn get_checked<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    id: i64,
) -> AppResult<endpoint::Model> {
    policy::can_manage_webhooks(who)?;
    load(db, id).await
}

/// A delivery with its event.
#[derive(Debug, Clone)]
pub struct DeliveryWithEvent {
    pub delivery: delivery::Model,
    pub event: event::Model,
}

/// The newest `limit` deliveries of each endpoint in `endpoint_ids` (at most
/// [`MAX_LISTED`]), newest first: one statement for the deliveries, one for their events.
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    endpoint_ids: &[i64],
    limit: u64,
) -> AppResult<HashMap<i64, Vec<DeliveryWithEvent>>> {
    if endpoint_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let limit = limit.min(MAX_LISTED);
    let ids = endpoint_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY endpoint_id ORDER BY id DESC) AS n \
         FROM webhook_deliveries WHERE endpoint_id IN ({ids})) AS ranked WHERE n <= {limit}"
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut wanted = Vec::with_capacity(rows.len());
    for r in rows {
        wanted.push(r.try_get_by_index::<i64>(0)?);
    }
    let found = delivery::Entity::find()
        .find_also_related(event::Entity)
        .filter(delivery::Column::Id.is_in(wanted))
        .order_by_desc(delivery::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<DeliveryWithEvent>> = HashMap::new();
    for (d, e) in found {
        if let Some(e) = e {
            out.entry(d.endpoint_id)
                .or_default()
                .push(DeliveryWithEvent {
                    delivery: d,
                    event: e,
                });
        }
    }
    Ok(out)
}

/// The attempts of each delivery, oldest first (one statement).
pub async fn attempts<C: ConnectionTrait>(
    db: &C,
    delivery_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<webhook_attempt::Model>>> {
    let rows = webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.is_in(delivery_ids.iter().copied()))
        .order_by_asc(webhook_attempt::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<webhook_attempt::Model>> = HashMap::new();
    for a in rows {
        out.entry(a.delivery_id).or_default().push(a);
    }
    Ok(out)
}

async fn delivery_with_event<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<DeliveryWithEvent> {
    let (d, e) = delivery::Entity::find_by_id(id)
        .find_also_related(event::Entity)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("webhook delivery".into()))?;
    let e = e.ok_or_else(|| AppError::NotFound("webhook event".into()))?;
    Ok(DeliveryWithEvent {
        delivery: d,
        event: e,
    })
}

/// Sends a delivery again (with the same `webhook-id`), as soon as a worker claims it,
/// with a full retry schedule of its own.
pub async fn resend_checked(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<DeliveryWithEvent> {
    policy::can_manage_webhooks(who)?;
    let txn = crate::db::begin_write(db).await?;
    let current = delivery_with_event(&txn, id).await?;
    let at = now();
    let mut a: delivery::ActiveModel = current.delivery.into();
    a.state = Set(delivery::State::Pending);
    a.attempts = Set(0);
    a.next_attempt_at = Set(at);
    a.lease_until = Set(None);
    a.updated_at = Set(at);
    a.update(&txn).await?;
    super::wake::announce(&txn).await?;
    let out = delivery_with_event(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Queues a `ping` to endpoint `id` alone (CONFLICT when it is not active).
pub async fn test(db: &DatabaseConnection, id: i64) -> AppResult<DeliveryWithEvent> {
    let txn = crate::db::begin_write(db).await?;
    let e = load(&txn, id).await?;
    if e.status != endpoint::Status::Active {
        return Err(AppError::Conflict(
            "the webhook is not active; enable it first".into(),
        ));
    }
    let delivery_id = outbox::ping(&txn, id).await?;
    let out = delivery_with_event(&txn, delivery_id).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn test_checked(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<DeliveryWithEvent> {
    policy::can_manage_webhooks(who)?;
    test(db, id).await
}
