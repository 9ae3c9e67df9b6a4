//! `viewer`, `users` and `apiKeys`.

use async_graphql::{Context, Object};

use super::{ApiKeyNode, UserNode};
use crate::{auth::Principal, error::ApiResult, graphql::context::state, service::account::admin};

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The caller (for an API key: the admin who created it, with the key's role);
    /// null when the request carries no token.
    async fn viewer(&self, ctx: &Context<'_>) -> ApiResult<Option<UserNode>> {
        Ok(state(ctx)?.principal().await?.map(|p| match p {
            Principal::User(u) => UserNode::from(u.clone()),
            Principal::ApiKey { key, creator } => UserNode {
                model: creator.clone(),
                role: key.role,
            },
        }))
    }

    /// Every account. Admins only.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn users(&self, ctx: &Context<'_>) -> ApiResult<Vec<UserNode>> {
        let s = state(ctx)?;
        Ok(admin::list_users(&s.db, s.require_principal().await?)
            .await?
            .into_iter()
            .map(UserNode::from)
            .collect())
    }

    /// Every API key, revoked ones included. Admins only.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn api_keys(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiKeyNode>> {
        let s = state(ctx)?;
        Ok(admin::list_api_keys(&s.db, s.require_principal().await?)
            .await?
            .into_iter()
            .map(ApiKeyNode)
            .collect())
    }
}
