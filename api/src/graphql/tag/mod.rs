//! The `Tag` type.

pub mod loader;
pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object};
use entity::tag;

use super::{
    context::state,
    node,
    pagination::ConnectionArgs,
    post::{
        PostOrder,
        query::{PostConnection, post_page},
    },
};
use crate::{
    error::ApiResult,
    service::{self, cache_tags::Entity},
};

/// A label on posts.
pub struct TagNode(pub tag::Model);

/// A label on posts (many per post, unlike a category). Anyone may read tags; EDITORs and
/// ADMINs create, rename, merge and delete them (`createTag`, `updateTag`, `mergeTags`,
/// `deleteTag`). Counts and lists hold published posts only.
#[Object(name = "Tag")]
impl TagNode {
    /// Globally unique, opaque and stable (for `node(id:)` and mutations).
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Tag, self.0.id)
    }

    /// URL-safe unique name (Hangul kept).
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The name as written.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Longer description, if any.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Published posts carrying this tag.
    async fn post_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        s.tags.key(Entity::Tag.posts_key(self.0.id));
        Ok(s.tag_counts.load_one(self.0.id).await?.unwrap_or(0))
    }

    /// Published posts carrying this tag, newest first.
    #[graphql(
        complexity = "crate::graphql::pagination::page_cost(first.or(last), child_complexity)"
    )]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "The order (default: newest `publishedAt` first).")] order_by: Option<
            PostOrder,
        >,
    ) -> ApiResult<PostConnection> {
        let filter = service::post::PostFilter {
            tags: vec![self.0.slug.clone()],
            ..Default::default()
        };
        let args = ConnectionArgs::new(first, after, last, before);
        let listing = [Entity::Tag.posts_key(self.0.id)];
        post_page(
            ctx,
            args,
            filter,
            PostOrder::to_service(order_by.as_ref()),
            &listing,
        )
        .await
    }
}
