//! Managing webhooks (admins only): register, change, delete, resend a delivery, ping.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::{WebhookDeliveryNode, WebhookNode, number};
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state},
    service::webhook::endpoints::{self, EndpointChanges},
};

/// A new endpoint.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// Where events are POSTed: an absolute http(s) URL, at most 2,048 bytes, without
    /// credentials. Loopback, private and link-local addresses (or names resolving to
    /// them) are refused (BAD_USER_INPUT on `url`) unless the server runs with
    /// `QUIRE_WEBHOOK_ALLOW_PRIVATE=1`.
    pub url: String,
    /// Event types (`post.published`), families (`post.*`) or `*`; all events when
    /// omitted. An unknown type is BAD_USER_INPUT on `events`.
    pub events: Option<Vec<String>>,
    /// A note for admins, at most 500 characters.
    pub description: Option<String>,
    /// `false` registers it disabled; true when omitted.
    pub enabled: Option<bool>,
}

/// Changes to an endpoint; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// The webhook's `id`.
    pub id: ID,
    /// A new URL (checked as in `createWebhook`).
    pub url: Option<String>,
    /// New subscriptions (checked as in `createWebhook`).
    pub events: Option<Vec<String>>,
    /// A new note; null clears it.
    pub description: MaybeUndefined<String>,
    /// `true` makes it ACTIVE again and clears its failures (pending deliveries go out
    /// again); `false` disables it (DISABLED).
    pub enabled: Option<bool>,
    /// Replace the signing secret with a new one (receivers must be given it).
    pub rotate_secret: Option<bool>,
}

/// An endpoint, by `id`.
#[derive(InputObject)]
pub struct WebhookIdInput {
    /// The webhook's `id`.
    pub id: ID,
}

/// A delivery, by `id`.
#[derive(InputObject)]
pub struct ResendWebhookDeliveryInput {
    /// The delivery's `id` (from `Webhook.deliveries`).
    pub id: ID,
}

/// The endpoint a webhook mutation wrote.
#[derive(SimpleObject)]
pub struct WebhookPayload {
    /// The endpoint as it now is (as it was, for `deleteWebhook`).
    pub webhook: WebhookNode,
}

/// The delivery a webhook mutation queued.
#[derive(SimpleObject)]
pub struct WebhookDeliveryPayload {
    /// The delivery, PENDING until a server's worker sends it (at once, normally).
    pub delivery: WebhookDeliveryNode,
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint with a new signing secret. Admins only (FORBIDDEN).
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's URL, the events it wants and an optional description.")]
        input: CreateWebhookInput,
    ) -> ApiResult<WebhookPayload> {
        let s = state(ctx)?;
        let c = EndpointChanges {
            url: Some(input.url),
            description: Some(input.description),
            events: input.events,
            enabled: input.enabled,
            rotate_secret: false,
        };
        let who = s.require_principal().await?;
        let model = endpoints::create_checked(&s.db, who, c, s.webhook_allow_private).await?;
        Ok(WebhookPayload {
            webhook: WebhookNode::new(model),
        })
    }

    /// Changes an endpoint. Admins only (FORBIDDEN); NOT_FOUND for an unknown `id`.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint and the fields to change.")] input: UpdateWebhookInput,
    ) -> ApiResult<WebhookPayload> {
        let s = state(ctx)?;
        let id = number(&input.id, "id")?;
        let c = EndpointChanges {
            url: input.url,
            description: maybe(input.description),
            events: input.events,
            enabled: input.enabled,
            rotate_secret: input.rotate_secret.unwrap_or(false),
        };
        let who = s.require_principal().await?;
        let model = endpoints::update_checked(&s.db, who, id, c, s.webhook_allow_private).await?;
        Ok(WebhookPayload {
            webhook: WebhookNode::new(model),
        })
    }

    /// Deletes an endpoint with its deliveries and their logs. Admins only (FORBIDDEN);
    /// NOT_FOUND for an unknown `id`.
    async fn delete_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: WebhookIdInput,
    ) -> ApiResult<WebhookPayload> {
        let s = state(ctx)?;
        let id = number(&input.id, "id")?;
        let model = endpoints::delete_checked(&s.db, s.require_principal().await?, id).await?;
        Ok(WebhookPayload {
            webhook: WebhookNode::new(model),
        })
    }

    /// Sends a delivery again, with the same `webhook-id` and body (signed afresh) and a
    /// full retry schedule. Admins only (FORBIDDEN); NOT_FOUND for an unknown `id`.
    async fn resend_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery to send again.")] input: ResendWebhookDeliveryInput,
    ) -> ApiResult<WebhookDeliveryPayload> {
        let s = state(ctx)?;
        let id = number(&input.id, "id")?;
        let d = endpoints::resend_checked(&s.db, s.require_principal().await?, id).await?;
        Ok(WebhookDeliveryPayload {
            delivery: WebhookDeliveryNode { d, attempts: None },
        })
    }

    /// Sends a `ping` event to this endpoint alone. Admins only (FORBIDDEN); NOT_FOUND
    /// for an unknown `id`; CONFLICT when the endpoint is not ACTIVE.
    async fn test_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: WebhookIdInput,
    ) -> ApiResult<WebhookDeliveryPayload> {
        let s = state(ctx)?;
        let id = number(&input.id, "id")?;
        let d = endpoints::test_checked(&s.db, s.require_principal().await?, id).await?;
        Ok(WebhookDeliveryPayload {
            delivery: WebhookDeliveryNode { d, attempts: None },
        })
    }
}
