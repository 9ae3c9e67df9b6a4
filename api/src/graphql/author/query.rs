//! `author(slug:)`.

use async_graphql::{Context, Object};

use super::AuthorNode;
use crate::{error::ApiResult, graphql::context::state, service};

#[derive(Default)]
pub struct AuthorQuery;

#[Object]
impl AuthorQuery {
    /// An author by slug.
    async fn author(&self, ctx: &Context<'_>, slug: String) -> ApiResult<Option<AuthorNode>> {
        let s = state(ctx)?;
        Ok(service::author::find_by_slug(&s.db, &slug)
            .await?
            .map(AuthorNode))
    }
}
