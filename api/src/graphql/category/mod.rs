//! The `Category` type: one node of the category tree.
//!
//! A category tree is small, so a request reads it whole, once, when it first needs a
//! category ([`crate::graphql::RequestState::category_tree`]): parents, children, paths
//! and posts' categories cost no statement after that; and likewise the public post
//! counts of every category ([`crate::graphql::RequestState::category_counts`]). A
//! category page thus costs the same few statements however many categories and posts
//! it shows, without a DataLoader's batching delay.

pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object};
use entity::category;

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

/// `c` as a node, recorded in the answer's cache keys.
pub(crate) fn seen(s: &crate::graphql::RequestState, c: category::Model) -> CategoryNode {
    s.tags.saw(Entity::Category, c.id, CategoryNode(c))
}

/// A category: a place in a hierarchy (글 › 회고), unlike a tag. A post is in at most
/// one category; a category's posts are its own and those of the categories below it.
pub struct CategoryNode(pub category::Model);

/// A category: a place in a hierarchy (글 › 회고), unlike a tag. A post is in at most
/// one category; a category's posts are its own and those of the categories below it.
#[Object(name = "Category")]
impl CategoryNode {
    /// Globally unique, opaque and stable.
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Category, self.0.id)
    }

    /// URL-safe name, unique across the whole tree (Hangul kept).
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

    /// Order among its siblings, smallest first (`children` and `categories` use it,
    /// then the name).
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// The category above this one; null for a top-level category.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<CategoryNode>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        let s = state(ctx)?;
        let tree = s.category_tree().await?;
        Ok(tree.get(id).cloned().map(|c| seen(s, c)))
    }

    /// The categories directly below this one, in order (`position`, then name).
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<CategoryNode>> {
        let s = state(ctx)?;
        s.tags.key(Entity::Category.listing());
        let tree = s.category_tree().await?;
        Ok(tree
            .children(Some(self.0.id))
            .into_iter()
            .cloned()
            .map(|c| seen(s, c))
            .collect())
    }

    /// The categories from the top down to this one, itself included (a breadcrumb:
    /// 글 › 회고).
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn path(&self, ctx: &Context<'_>) -> ApiResult<Vec<CategoryNode>> {
        let s = state(ctx)?;
        let tree = s.category_tree().await?;
        Ok(tree
            .path(self.0.id)
            .into_iter()
            .cloned()
            .map(|c| seen(s, c))
            .collect())
    }

    /// Published posts in this category or in any category below it.
    async fn post_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        let ids = s.category_tree().await?.subtree(self.0.id);
        for id in &ids {
            s.tags.key(Entity::Category.posts_key(*id));
        }
        let counts = s.category_counts().await?;
        Ok(ids.iter().filter_map(|id| counts.get(id)).sum())
    }

    /// Published posts in this category or in any category below it, newest first.
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
        #[graphql(desc = "Default: newest first.")] order_by: Option<PostOrder>,
    ) -> ApiResult<PostConnection> {
        let filter = service::post::PostFilter {
            category: Some(self.0.slug.clone()),
            ..Default::default()
        };
        let args = ConnectionArgs::new(first, after, last, before);
        // Its posts and those of every category below it.
        let s = state(ctx)?;
        let listing: Vec<String> = (s.category_tree().await?.subtree(self.0.id).iter())
            .map(|id| Entity::Category.posts_key(*id))
            .collect();
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
