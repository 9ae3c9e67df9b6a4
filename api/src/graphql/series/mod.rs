//! The `Series` type.

pub mod loader;
pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::series;

use super::{
    context::state,
    node,
    post::{PostNode, prefetch::prefetch},
};
use crate::{
    error::ApiResult,
    service::cache_tags::{Entity, change::kind},
};

/// A named, ordered collection of posts.
pub struct SeriesNode(pub series::Model);

/// A named, ordered collection of posts ("part 2 of 5"): a post is in at most one series,
/// at a position. Anyone may read series; their posts and counts hold published posts only.
/// EDITORs and ADMINs manage them (`createSeries`, `updateSeries`, `deleteSeries`,
/// `reorderSeries`).
#[Object(name = "Series")]
impl SeriesNode {
    /// Globally unique, opaque and stable (for `node(id:)` and mutations).
    pub async fn id(&self) -> ID {
        node::encode(node::Kind::Series, self.0.id)
    }

    /// URL-safe unique name (Hangul kept).
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The title as written.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Longer description, if any.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// When it was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed (UTC).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The series' published posts, in series order.
    #[graphql(complexity = "crate::graphql::pagination::list_cost(child_complexity)")]
    async fn posts(&self, ctx: &Context<'_>) -> ApiResult<Vec<PostNode>> {
        let s = state(ctx)?;
        s.tags.key(Entity::Series.posts_key(self.0.id));
        let posts = s
            .series_posts
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        prefetch(s, &posts, &[ctx.look_ahead()]).await?;
        Ok(posts
            .into_iter()
            .map(|p| s.tags.saw(kind(p.kind), p.id, PostNode::new(p, s.now)))
            .collect())
    }

    /// How many published posts the series holds.
    async fn post_count(&self, ctx: &Context<'_>) -> ApiResult<i64> {
        let s = state(ctx)?;
        s.tags.key(Entity::Series.posts_key(self.0.id));
        let ids = s.series_entries.load_one(self.0.id).await?;
        Ok(ids.map_or(0, |p| i64::try_from(p.len()).unwrap_or(i64::MAX)))
    }
}
