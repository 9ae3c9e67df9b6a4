//! `webhooks`: the endpoints with their delivery logs (admins only).

use std::sync::Arc;

use async_graphql::{Context, Object};

use super::WebhookNode;
use crate::{
    error::ApiResult,
    graphql::context::state,
    service::webhook::endpoints::{self, MAX_LISTED},
};

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Every webhook endpoint, oldest first, with its latest deliveries when asked.
    /// Admins only (FORBIDDEN otherwise, UNAUTHENTICATED without a token).
    async fn webhooks(&self, ctx: &Context<'_>) -> ApiResult<Vec<WebhookNode>> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let list = endpoints::list_checked(&s.db, who).await?;
        let look = ctx.look_ahead().field("deliveries");
        let ids: Vec<i64> = list.iter().map(|e| e.id).collect();
        let (deliveries, attempts) = if look.exists() {
            let d = endpoints::deliveries(&s.db, &ids, MAX_LISTED).await?;
            let a = if look.field("log").exists() {
                let ids: Vec<i64> = d.values().flatten().map(|x| x.delivery.id).collect();
                Some(Arc::new(endpoints::attempts(&s.db, &ids).await?))
            } else {
                None
            };
            (Some(Arc::new(d)), a)
        } else {
            (None, None)
        };
        Ok(list
            .into_iter()
            .map(|model| WebhookNode {
                model,
                deliveries: deliveries.clone(),
                attempts: attempts.clone(),
            })
            .collect())
    }
}
