//! Webhooks in the schema: endpoints with their delivery logs (admins only). Reads and
//! writes go through [`crate::service::webhook::endpoints`]; a list of endpoints reads
//! the deliveries of all of them in one statement, and their attempts in one more, when
//! the selection asks for them.

pub mod mutation;
pub mod query;

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::{webhook_attempt, webhook_delivery, webhook_endpoint};

use super::context::state;
use crate::{
    error::{ApiResult, AppError},
    service::webhook::endpoints::{self, DeliveryWithEvent, MAX_LISTED},
};

type Deliveries = Arc<HashMap<i64, Vec<DeliveryWithEvent>>>;
type Attempts = Arc<HashMap<i64, Vec<webhook_attempt::Model>>>;

/// Whether an endpoint receives events.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookStatus {
    /// It receives the events it subscribed to.
    Active,
    /// An admin turned it off (`updateWebhook(enabled: false)`).
    Disabled,
    /// The receiver answered 410 Gone, so quire stopped sending; `enabled: true` turns
    /// it back on.
    Gone,
    /// Too many attempts failed in a row (`QUIRE_WEBHOOK_MAX_FAILURES`, 16 by default);
    /// `enabled: true` turns it back on, and its pending deliveries go out again.
    Failing,
}

impl From<webhook_endpoint::Status> for WebhookStatus {
    fn from(s: webhook_endpoint::Status) -> Self {
        match s {
            webhook_endpoint::Status::Active => Self::Active,
            webhook_endpoint::Status::Disabled => Self::Disabled,
            webhook_endpoint::Status::Gone => Self::Gone,
            webhook_endpoint::Status::Failing => Self::Failing,
        }
    }
}

/// Where a delivery stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliveryState {
    /// Waiting for its next attempt (`nextAttemptAt`).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the receiver answered 410; `resendWebhookDelivery` tries
    /// again.
    Failed,
}

impl From<webhook_delivery::State> for WebhookDeliveryState {
    fn from(s: webhook_delivery::State) -> Self {
        match s {
            webhook_delivery::State::Pending => Self::Pending,
            webhook_delivery::State::Delivered => Self::Delivered,
            webhook_delivery::State::Failed => Self::Failed,
        }
    }
}

/// The number in a webhook or delivery ID.
pub(crate) fn number(id: &ID, field: &str) -> Result<i64, AppError> {
    id.parse::<i64>()
        .map_err(|_| AppError::bad_input(field, "not a webhook or delivery ID"))
}

/// An endpoint that receives events by HTTP POST, signed by the Standard Webhooks
/// specification. Admins only.
pub struct WebhookNode {
    pub model: webhook_endpoint::Model,
    pub(crate) deliveries: Option<Deliveries>,
    pub(crate) attempts: Option<Attempts>,
}

impl WebhookNode {
    pub fn new(model: webhook_endpoint::Model) -> Self {
        Self {
            model,
            deliveries: None,
            attempts: None,
        }
    }
}

/// An endpoint that receives signed webhook events (Standard Webhooks), with its status
/// and recent deliveries. Admins only.
#[Object(name = "Webhook")]
impl WebhookNode {
    /// The endpoint's number, as a string (webhooks are not `Node`s).
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }

    /// Where events are POSTed: an absolute http(s) URL.
    async fn url(&self) -> &str {
        &self.model.url
    }

    /// The admins' note about the endpoint.
    async fn description(&self) -> Option<&str> {
        self.model.description.as_deref()
    }

    /// The signing secret (`whsec_…`), for the receiver's `standardwebhooks` library.
    async fn secret(&self) -> &str {
        &self.model.secret
    }

    /// The event types it receives: types (`post.published`), families (`post.*`) or
    /// everything (`*`).
    async fn events(&self) -> Vec<String> {
        serde_json::from_value(self.model.events.clone()).unwrap_or_default()
    }

    /// Whether it receives events.
    async fn status(&self) -> WebhookStatus {
        self.model.status.into()
    }

    /// Why it does not, in words (null while ACTIVE).
    async fn status_reason(&self) -> Option<&str> {
        self.model.status_reason.as_deref()
    }

    /// Failed attempts since the last success.
    async fn consecutive_failures(&self) -> i32 {
        self.model.consecutive_failures
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// When it was last changed (by an admin or by quire disabling it).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    /// When it stopped receiving events (null while ACTIVE).
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.model.disabled_at
    }

    /// Its latest deliveries, newest first, each with its attempts.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, at most 100.", default = 20)] first: i32,
    ) -> ApiResult<Vec<WebhookDeliveryNode>> {
        let first = usize::try_from(first.clamp(0, 100)).unwrap_or(0);
        let list = match &self.deliveries {
            Some(map) => map.get(&self.model.id).cloned().unwrap_or_default(),
            None => {
                let s = state(ctx)?;
                endpoints::deliveries(&s.db, &[self.model.id], MAX_LISTED)
                    .await?
                    .remove(&self.model.id)
                    .unwrap_or_default()
            }
        };
        Ok(list
            .into_iter()
            .take(first)
            .map(|d| WebhookDeliveryNode {
                d,
                attempts: self.attempts.clone(),
            })
            .collect())
    }
}

/// One event on its way to one endpoint, and its attempts. Admins only.
pub struct WebhookDeliveryNode {
    pub(crate) d: DeliveryWithEvent,
    pub(crate) attempts: Option<Attempts>,
}

/// One event on its way to one endpoint, and its attempts. Admins only.
#[Object(name = "WebhookDelivery")]
impl WebhookDeliveryNode {
    /// The delivery's number, as a string (for `resendWebhookDelivery`).
    async fn id(&self) -> ID {
        ID(self.d.delivery.id.to_string())
    }

    /// The event type (`post.published`…).
    async fn event_type(&self) -> &str {
        &self.d.event.event_type
    }

    /// The `webhook-id` header: the same on every attempt and resend, for receivers to
    /// drop repeats.
    async fn message_id(&self) -> &str {
        &self.d.event.message_id
    }

    /// The JSON body sent, exactly as signed.
    async fn payload(&self) -> &str {
        &self.d.event.body
    }

    /// Where it stands.
    async fn state(&self) -> WebhookDeliveryState {
        self.d.delivery.state.into()
    }

    /// Attempts since it was written or last resent.
    async fn attempts(&self) -> i32 {
        self.d.delivery.attempts
    }

    /// When it is tried next (null unless PENDING); for a scheduled post, its instant.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.d.delivery.state == webhook_delivery::State::Pending)
            .then_some(self.d.delivery.next_attempt_at)
    }

    /// When the event was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.d.delivery.created_at
    }

    /// Every attempt, oldest first.
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<Vec<WebhookAttemptNode>> {
        let id = self.d.delivery.id;
        let list = match &self.attempts {
            Some(map) => map.get(&id).cloned().unwrap_or_default(),
            None => endpoints::attempts(&state(ctx)?.db, &[id])
                .await?
                .remove(&id)
                .unwrap_or_default(),
        };
        Ok(list.into_iter().map(WebhookAttemptNode).collect())
    }
}

/// One attempt at a delivery.
pub struct WebhookAttemptNode(webhook_attempt::Model);

/// One attempt at a delivery: when, how long, and what the receiver answered.
#[Object(name = "WebhookAttempt")]
impl WebhookAttemptNode {
    /// When it started.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }

    /// How long it took, in milliseconds.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }

    /// The receiver's HTTP status (null when none came).
    async fn response_status(&self) -> Option<i32> {
        self.0.response_status
    }

    /// The first 1,024 bytes of the receiver's answer.
    async fn response_body(&self) -> Option<&str> {
        self.0.response_body.as_deref()
    }

    /// What went wrong before a status came: refused address, connection, timeout.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// Whether the receiver answered 2xx.
    async fn succeeded(&self) -> bool {
        self.0.succeeded
    }
}
