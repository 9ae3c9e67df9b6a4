//! The `Tag` type.

pub mod loader;
pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object};
use entity::tag;

use super::{
    context::state,
    node,
    pagination::PageArgs,
    post::{
        PostOrder,
        query::{PostConnection, post_page},
    },
};
use crate::{error::ApiResult, service};

/// A label on posts.
pub struct TagNode(pub tag::Model);

#[Object(name = "Tag")]
impl TagNode {
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Tag, self.0.id)
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Published posts carrying this tag.
    async fn post_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        Ok(state(ctx)?
            .tag_counts
            .load_one(self.0.id)
            .await?
            .unwrap_or(0))
    }

    /// Published posts carrying this tag, newest first.
    async fn posts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        order_by: Option<PostOrder>,
    ) -> ApiResult<PostConnection> {
        let filter = service::post::PostFilter {
            tags: vec![self.0.slug.clone()],
            ..Default::default()
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
            ..Default::default()
        };
        post_page(ctx, args, filter, PostOrder::to_service(order_by.as_ref())).await
    }
}
