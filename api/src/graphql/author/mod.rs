//! The `Author` type: a user as the public sees them (never their email).

pub mod loader;
pub mod query;

use async_graphql::{Context, ID, Object};
use entity::user;

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

/// Someone who writes posts.
pub struct AuthorNode(pub user::Model);

/// Someone who writes posts, as the public sees them (never their email or role): any
/// account, listed by `authors` when it has published posts. Anyone may read it.
#[Object(name = "Author")]
impl AuthorNode {
    /// Globally unique, opaque and stable (for `node(id:)` and mutations).
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Author, self.0.id)
    }

    /// URL-safe unique name (Hangul kept).
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.display_name
    }

    /// A short self-introduction.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    /// URL of a profile picture.
    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    /// How many published posts the author wrote or co-wrote.
    async fn post_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        s.tags.key(Entity::Author.posts_key(self.0.id));
        Ok(s.author_counts.load_one(self.0.id).await?.unwrap_or(0))
    }

    /// The author's published posts (co-written ones too), newest first.
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
            author_id: Some(self.0.id),
            ..Default::default()
        };
        let args = ConnectionArgs::new(first, after, last, before);
        let listing = [Entity::Author.posts_key(self.0.id)];
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
